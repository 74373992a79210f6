/* coro_internal.h - the seams between coro.c and its helper files.
 *
 * Not for users (they include coro.h). coro.c holds the coroutines and
 * their stacks; it needs two things from beside it:
 *   a context switch   coro_switch_x86_64.S (asm) or coro_ucontext.c
 *   an overflow guard  coro_guard.c
 * The build defines CORO_BACKEND_ASM or CORO_BACKEND_UCONTEXT to pick the
 * switch (impl-coroutine/CMakeLists.txt).
 */
#ifndef FETCHLAB_CORO_INTERNAL_H
#define FETCHLAB_CORO_INTERNAL_H

#include <stddef.h>

#include "coro.h"

/* ---- the context switch ----------------------------------------------- */

/* A saved context: where a side that is not running will continue. */
#if defined(CORO_BACKEND_ASM)
#define CORO_BACKEND_NAME "asm"
struct ctx {
	void *sp;               /* its registers are pushed on this stack */
};
#elif defined(CORO_BACKEND_UCONTEXT)
#include <ucontext.h>
#define CORO_BACKEND_NAME "ucontext"
struct ctx {
	ucontext_t uc;
	void (*entry)(void *);  /* what a new context runs, and its argument */
	void *arg;
};
#else
#error "define CORO_BACKEND_ASM or CORO_BACKEND_UCONTEXT (impl-coroutine/CMakeLists.txt does)"
#endif

/* Make C a context that, when first switched to, runs ENTRY(ARG) on the
 * stack [LO, LO + SIZE). ENTRY must never return. 0 or -errno. */
int coro_ctx_make(struct ctx *c, void *lo, size_t size,
		  void (*entry)(void *), void *arg);

/* Save the running side into SAVE and continue LOAD. Returns when some
 * later coro_switch loads SAVE again. */
void coro_switch(struct ctx *save, struct ctx *load);

/* ---- the overflow guard ------------------------------------------------ */

/* What the SIGSEGV handler needs to tell an overflow from another fault. */
struct coro_guard {
	struct coro *const *running;    /* the pool's innermost running coroutine */
	size_t page;                    /* guard page size, below each stack */
	void *altstack;                 /* ours, if the thread had none */
};

/* Install the calling thread's guard G: a fault in the PAGE bytes below
 * the stack of *RUNNING is an overflow. One per thread: -EBUSY if this
 * thread has one. 0 or -errno; a failure leaves the signal state as it was. */
int coro_guard_install(struct coro_guard *g, struct coro *const *running,
		       size_t page);

/* Undo coro_guard_install; the last guard puts the old SIGSEGV disposition back. */
void coro_guard_remove(struct coro_guard *g);

#endif
