/* coro.c - stackful coroutines: stacks, context switch, overflow guard.
 *
 * A coroutine owns an mmap'ed region: one PROT_NONE guard page at the low
 * end, then its stack, which grows down towards the guard. Switching is
 * saving the running side's callee-saved registers and stack pointer and
 * loading the other side's (the ABI says everything else is already saved by
 * the caller of the switch). Two backends do it, chosen at build time:
 *
 *   asm       coro_switch_x86_64.S: two dozen instructions, no system call.
 *   ucontext  POSIX getcontext/makecontext/swapcontext, portable but slower:
 *             swapcontext also saves and restores the signal mask, which is a
 *             sigprocmask system call on every switch.
 *
 * Debugging tools must be told when a program changes stacks behind their
 * backs: ASan (fiber switch calls, stale poison on reused stacks), TSan (one
 * fiber per coroutine) and Valgrind (stack registration). Those hooks are
 * below, each a no-op unless its tool is in use.
 */
#include "coro.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if !defined(CORO_BACKEND_ASM) && !defined(CORO_BACKEND_UCONTEXT)
#  if defined(__x86_64__)
#    define CORO_BACKEND_ASM
#  else
#    define CORO_BACKEND_UCONTEXT
#  endif
#endif

#ifndef __has_feature                   /* clang has it, gcc 12 does not */
#  define __has_feature(x) 0
#endif

/* ---- tool hooks ------------------------------------------------------ */

#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#define CORO_ASAN 1
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>

/* Before a switch: the stack we are about to run on. SAVE keeps ASan's fake
 * stack (use-after-return frames) of the side we leave; NULL discards it. */
static void asan_leave(void **save, const void *lo, size_t size)
{
	__sanitizer_start_switch_fiber(save, lo, size);
}

/* After a switch: restore our fake stack; learn the stack we came from. */
static void asan_arrive(void *save, const void **from_lo, size_t *from_size)
{
	__sanitizer_finish_switch_fiber(save, from_lo, from_size);
}

/* Frames abandoned on a destroyed coroutine's stack leave poisoned redzones
 * behind; clear them before the memory is reused or unmapped. */
static void asan_forget(void *p, size_t n)
{
	ASAN_UNPOISON_MEMORY_REGION(p, n);
}
#else
#define CORO_ASAN 0
static void asan_leave(void **save, const void *lo, size_t size)
{
	(void)save, (void)lo, (void)size;
}
static void asan_arrive(void *save, const void **from_lo, size_t *from_size)
{
	(void)save, (void)from_lo, (void)from_size;
}
static void asan_forget(void *p, size_t n)
{
	(void)p, (void)n;
}
#endif

#if defined(__SANITIZE_THREAD__) || __has_feature(thread_sanitizer)
#include <sanitizer/tsan_interface.h>
/* TSan keeps a shadow call stack and clock per thread; a fiber is one of
 * those per coroutine. Switch it right before the real switch. */
#define tsan_current()   __tsan_get_current_fiber()
#define tsan_create()    __tsan_create_fiber(0)
#define tsan_switch(f)   __tsan_switch_to_fiber((f), 0)
#define tsan_destroy(f)  __tsan_destroy_fiber(f)
#else
#define tsan_current()   NULL
#define tsan_create()    NULL
#define tsan_switch(f)   ((void)(f))
#define tsan_destroy(f)  ((void)(f))
#endif

#if __has_include(<valgrind/valgrind.h>)
/* Without this, Valgrind takes a switch for a huge stack-pointer move and
 * warns "client switching stacks?". A few no-op instructions otherwise. */
#include <valgrind/valgrind.h>
#define vg_register(lo, hi)  VALGRIND_STACK_REGISTER((lo), (hi))
#define vg_deregister(id)    VALGRIND_STACK_DEREGISTER(id)
#else
#define vg_register(lo, hi)  0u
#define vg_deregister(id)    ((void)(id))
#endif

/* ---- backends: a saved context, how to make one, how to switch ------- */

struct coro;
static void coro_boot(struct coro *co) __attribute__((noreturn));

#ifdef CORO_BACKEND_ASM
struct ctx {
	void *sp;               /* registers are pushed on the stack it points to */
};

/* coro_switch_x86_64.S: push callee-saved state, *save_sp = rsp,
 * rsp = load_sp, pop that side's state, return into it. */
void coro_switch(void **save_sp, void *load_sp);
void coro_trampoline(void);     /* calls r12(rbx), i.e. coro_boot(co) */

/* Lay out a new stack as if coro_switch had saved it, so the first switch
 * "returns" into coro_trampoline. Slots from the 16-aligned top down. */
static int ctx_make(struct ctx *c, char *lo, size_t size, struct coro *co)
{
	uint64_t *sp = (uint64_t *)((uintptr_t)(lo + size) & ~(uintptr_t)15);

	*--sp = (uint64_t)(uintptr_t)coro_trampoline;   /* "return" address */
	*--sp = 0;                      /* rbp: ends frame-pointer backtraces */
	*--sp = (uint64_t)(uintptr_t)co;                /* rbx */
	*--sp = (uint64_t)(uintptr_t)coro_boot;         /* r12 */
	*--sp = 0;                      /* r13 */
	*--sp = 0;                      /* r14 */
	*--sp = 0;                      /* r15 */
	/* The ABI's initial FP state: x87 control word 0x037f (high half),
	 * MXCSR 0x1f80 (low half): round to nearest, exceptions masked. */
	*--sp = (uint64_t)0x037f << 32 | 0x1f80;
	c->sp = sp;
	return 0;
}

static inline void ctx_switch(struct ctx *save, struct ctx *load)
{
	coro_switch(&save->sp, load->sp);
}

const char *coro_backend(void)
{
	return "asm";
}
#else
#include <ucontext.h>

struct ctx {
	ucontext_t uc;
};

/* makecontext passes only int arguments: the pointer travels in halves. */
static void boot_uc(unsigned hi, unsigned lo)
{
	coro_boot((struct coro *)(uintptr_t)((uint64_t)hi << 32 | lo));
}

static int ctx_make(struct ctx *c, char *lo, size_t size, struct coro *co)
{
	uint64_t p = (uintptr_t)co;

	if (getcontext(&c->uc) < 0)
		return -errno;
	c->uc.uc_stack.ss_sp = lo;
	c->uc.uc_stack.ss_size = size;
	c->uc.uc_link = NULL;           /* coro_boot never returns */
	makecontext(&c->uc, (void (*)(void))boot_uc, 2,
		    (unsigned)(p >> 32), (unsigned)p);
	return 0;
}

static inline void ctx_switch(struct ctx *save, struct ctx *load)
{
	volatile bool back = false;

	if (!CORO_ASAN) {
		swapcontext(&save->uc, &load->uc);
		return;
	}
	/* ASan intercepts swapcontext to warn that it "doesn't fully support"
	 * it. Our fiber hooks keep it informed, so swap in two halves instead:
	 * save here, load there; resuming SAVE returns from getcontext again. */
	getcontext(&save->uc);
	if (!back) {
		back = true;
		setcontext(&load->uc);
	}
}

const char *coro_backend(void)
{
	return "ucontext";
}
#endif

/* ---- data ------------------------------------------------------------ */

struct coro {
	struct ctx ctx;                 /* this side, while not running */
	struct ctx caller;              /* the resumer's, while running */
	struct coro_pool *pool;
	coro_fn *fn;
	void *arg;
	enum coro_status status;
	struct coro *next;              /* in pool->cache once destroyed */
	char *map;                      /* guard page, then the stack */
	size_t map_size;
	unsigned vg_id;                 /* Valgrind's name for the stack */
	void *asan_fake;                /* our fake stack while suspended */
	const void *caller_lo;          /* the resumer's stack, for ASan */
	size_t caller_size;
	void *tsan_fiber;               /* ours, and the resumer's */
	void *tsan_caller;
};

struct coro_pool {
	size_t page;
	size_t stack_size;              /* default for coro_create */
	struct coro *running;           /* innermost resumed one, for on_segv */
	struct coro *cache;             /* destroyed, stack kept for reuse */
	int ncached;
	int max_cached;
	void *altstack;                 /* ours, if the thread had none */
	struct sigaction old_segv;      /* the disposition we replaced */
};

/* The one piece of per-thread state, because a signal handler gets no
 * context argument: the pool whose coroutines run on this thread. */
static _Thread_local struct coro_pool *thread_pool;

#define ALTSTACK_SIZE (64 * 1024)       /* room for the handler, even under ASan */

/* ---- stacks ---------------------------------------------------------- */

static inline char *stack_lo(const struct coro *co)
{
	return co->map + co->pool->page;
}

static inline size_t stack_len(const struct coro *co)
{
	return co->map_size - co->pool->page;
}

/* Map SIZE bytes of stack (a page multiple) above a guard page into CO.
 * Returns 0 or -errno. */
static int stack_map(struct coro *co, size_t size)
{
	size_t page = co->pool->page;

	co->map_size = page + size;
	co->map = mmap(NULL, co->map_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (co->map == MAP_FAILED)
		return -errno;
	if (mprotect(co->map, page, PROT_NONE) < 0) {
		int rc = -errno;
		munmap(co->map, co->map_size);
		return rc;
	}
	co->vg_id = vg_register(stack_lo(co), stack_lo(co) + size);
	return 0;
}

/* Give CO's stack back to the kernel and free CO. */
static void stack_unmap(struct coro *co)
{
	vg_deregister(co->vg_id);
	asan_forget(stack_lo(co), stack_len(co));
	munmap(co->map, co->map_size);
	free(co);
}

/* ---- the overflow guard ---------------------------------------------- */

/* Append S, or N in decimal, at P; return the new end. Hand-made because
 * printf is not async-signal-safe. */
static char *put_str(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

static char *put_num(char *p, size_t n)
{
	char digits[24];
	int i = 0;

	do
		digits[i++] = (char)('0' + n % 10);
	while ((n /= 10) != 0);
	while (i > 0)
		*p++ = digits[--i];
	return p;
}

/* SIGSEGV, on the alternate signal stack (the faulting stack is full).
 * A fault in the running coroutine's guard page is an overflow: say so and
 * exit. Anything else is not ours: put back the previous disposition and
 * return, so the faulting instruction runs again and faults into it. */
static void on_segv(int sig, siginfo_t *si, void *uc)
{
	struct coro_pool *pool = thread_pool;
	struct coro *co = pool ? pool->running : NULL;
	char *addr = si->si_addr, msg[128], *p = msg;
	ssize_t n;

	(void)uc;
	if (co && addr >= co->map && addr < stack_lo(co)) {
		p = put_str(p, "coro: stack overflow in coroutine (stack ");
		p = put_num(p, stack_len(co));
		p = put_str(p, " bytes); raise --stack-size\n");
		n = write(2, msg, (size_t)(p - msg));
		(void)n;
		_exit(CORO_OVERFLOW_EXIT);
	}
	if (pool)
		sigaction(sig, &pool->old_segv, NULL);
	else
		signal(sig, SIG_DFL);
	if (si->si_code <= 0)           /* sent by kill(), not a fault: resend */
		raise(sig);
}

/* Install on_segv, and an alternate signal stack for it unless the thread
 * has one (ASan sets one up). Returns 0 or -errno. */
static int guard_install(struct coro_pool *pool)
{
	struct sigaction sa;
	stack_t ss;

	if (sigaltstack(NULL, &ss) < 0)
		return -errno;
	if (ss.ss_flags & SS_DISABLE) {
		ss.ss_sp = pool->altstack = malloc(ALTSTACK_SIZE);
		ss.ss_size = ALTSTACK_SIZE;
		ss.ss_flags = 0;
		if (!ss.ss_sp)
			return -ENOMEM;
		if (sigaltstack(&ss, NULL) < 0)
			return -errno;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &pool->old_segv) < 0)
		return -errno;
	if (pool->old_segv.sa_sigaction == on_segv) {   /* another thread's pool */
		memset(&pool->old_segv, 0, sizeof(pool->old_segv));
		pool->old_segv.sa_handler = SIG_DFL;
	}
	return 0;
}

/* Undo guard_install: previous SIGSEGV disposition, no alternate stack of ours. */
static void guard_remove(struct coro_pool *pool)
{
	stack_t ss = { .ss_flags = SS_DISABLE };

	sigaction(SIGSEGV, &pool->old_segv, NULL);
	if (pool->altstack) {
		sigaltstack(&ss, NULL);
		free(pool->altstack);
	}
}

/* ---- pools ----------------------------------------------------------- */

/* Create the calling thread's pool in *POOLP: coroutines of STACK_SIZE bytes
 * of stack by default (0: CORO_STACK_DEFAULT), up to MAX_CACHED destroyed
 * stacks kept for reuse, and the stack-overflow handler installed.
 * One pool per thread: -EBUSY if this thread has one. 0 or -errno. */
int coro_pool_init(struct coro_pool **poolp, size_t stack_size, int max_cached)
{
	struct coro_pool *pool;
	int rc;

	if (thread_pool)
		return -EBUSY;
	if (max_cached < 0)
		return -EINVAL;
	pool = calloc(1, sizeof(*pool));
	if (!pool)
		return -ENOMEM;
	pool->page = (size_t)sysconf(_SC_PAGESIZE);
	pool->stack_size = stack_size ? stack_size : CORO_STACK_DEFAULT;
	pool->max_cached = max_cached;
	rc = guard_install(pool);
	if (rc < 0) {
		free(pool->altstack);
		free(pool);
		return rc;
	}
	thread_pool = pool;
	*poolp = pool;
	return 0;
}

/* Release the cached stacks and the overflow handler. Every coroutine must
 * have been destroyed (live ones would lose their stacks). */
void coro_pool_destroy(struct coro_pool *pool)
{
	struct coro *co;

	if (!pool)
		return;
	while ((co = pool->cache) != NULL) {
		pool->cache = co->next;
		stack_unmap(co);
	}
	guard_remove(pool);
	if (thread_pool == pool)
		thread_pool = NULL;
	free(pool);
}

/* ---- coroutines ------------------------------------------------------ */

/* Make a suspended coroutine in *COP that will run FN(co, ARG) on a stack
 * of STACK_SIZE bytes (0: the pool's default; rounded up to whole pages).
 * A cached stack of the same size is reused. 0 or -errno (-EINVAL: smaller
 * than two pages, -ENOMEM: out of memory or mappings). */
int coro_create(struct coro_pool *pool, struct coro **cop, coro_fn *fn,
		void *arg, size_t stack_size)
{
	size_t size = stack_size ? stack_size : pool->stack_size;
	struct coro *co, **link;
	int rc;

	size = (size + pool->page - 1) & ~(pool->page - 1);
	if (size < 2 * pool->page)
		return -EINVAL;
	for (link = &pool->cache; *link; link = &(*link)->next)
		if ((*link)->map_size == pool->page + size)
			break;
	if ((co = *link) != NULL) {     /* reuse: O(cache length) search */
		*link = co->next;
		pool->ncached--;
		asan_forget(stack_lo(co), size);
	} else {
		co = calloc(1, sizeof(*co));
		if (!co)
			return -ENOMEM;
		co->pool = pool;
		rc = stack_map(co, size);
		if (rc < 0) {
			free(co);
			return rc;
		}
	}
	co->fn = fn;
	co->arg = arg;
	co->status = CORO_SUSPENDED;
	co->asan_fake = NULL;
	rc = ctx_make(&co->ctx, stack_lo(co), size, co);
	if (rc < 0) {
		stack_unmap(co);
		return rc;
	}
	co->tsan_fiber = tsan_create();
	*cop = co;
	return 0;
}

/* First code on a new stack: run the body, then leave for good. */
static void coro_boot(struct coro *co)
{
	asan_arrive(NULL, &co->caller_lo, &co->caller_size);
	co->fn(co, co->arg);
	co->status = CORO_DEAD;
	asan_leave(NULL, co->caller_lo, co->caller_size);  /* frees the fake stack */
	tsan_switch(co->tsan_caller);
	ctx_switch(&co->ctx, &co->caller);
	__builtin_unreachable();        /* nobody resumes a dead coroutine */
}

/* Run CO, which must be suspended, until it yields or returns.
 * 0, or -EINVAL if CO is running or dead. */
int coro_resume(struct coro *co)
{
	struct coro_pool *pool = co->pool;
	struct coro *outer = pool->running;
	void *fake = NULL;

	if (co->status != CORO_SUSPENDED)
		return -EINVAL;
	/* LAB 04 begin STEP 1: mark it running, switch to it, and once it is back restore `running` */
	co->status = CORO_RUNNING;
	pool->running = co;
	co->tsan_caller = tsan_current();
	asan_leave(&fake, stack_lo(co), stack_len(co));
	tsan_switch(co->tsan_fiber);
	ctx_switch(&co->caller, &co->ctx);
	asan_arrive(fake, NULL, NULL);
	pool->running = outer;
	return 0;
	/* LAB 04 end, stub: (void)outer; (void)fake; return -ENOSYS; */
}

/* Suspend CO, which must be the running coroutine (the caller is inside
 * it), and return to its resumer. Returns when CO is resumed again. */
void coro_yield(struct coro *co)
{
	/* LAB 04 begin STEP 2: mark it suspended and switch back to its resumer */
	co->status = CORO_SUSPENDED;
	asan_leave(&co->asan_fake, co->caller_lo, co->caller_size);
	tsan_switch(co->tsan_caller);
	ctx_switch(&co->ctx, &co->caller);
	/* resumed, maybe by another resumer: learn its stack */
	asan_arrive(co->asan_fake, &co->caller_lo, &co->caller_size);
	/* LAB 04 end, stub: (void)co; */
}

enum coro_status coro_status(const struct coro *co)
{
	return co->status;
}

/* Free CO, which must not be running. A suspended coroutine's stack is
 * released as it is: destructors of its locals do not run, and whatever
 * they own (heap blocks, curl handles) leaks unless the owner frees it. */
void coro_destroy(struct coro *co)
{
	struct coro_pool *pool;

	if (!co)
		return;
	pool = co->pool;
	tsan_destroy(co->tsan_fiber);
	if (pool->ncached < pool->max_cached) {
		co->next = pool->cache;
		pool->cache = co;
		pool->ncached++;
	} else {
		stack_unmap(co);
	}
}

/* The usable stack of CO: its lowest address, and its size in *SIZE. */
void *coro_stack(const struct coro *co, size_t *size)
{
	if (size)
		*size = stack_len(co);
	return stack_lo(co);
}
