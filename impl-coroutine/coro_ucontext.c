/* coro_ucontext.c - the portable context switch: POSIX ucontext.
 *
 * getcontext/makecontext/swapcontext do what coro_switch_x86_64.S does, on
 * any system that has them, at a price: swapcontext also saves and restores
 * the signal mask, a sigprocmask system call on every switch (`fetchlab
 * bench coro` puts it at about 100 times the asm switch).
 */
#include "coro_internal.h"
#include "coro_sanitize.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

/* First code of a new context. makecontext passes only int arguments, so
 * the context's address travels in two halves. */
static void boot(unsigned hi, unsigned lo)
{
	struct ctx *c = (struct ctx *)(uintptr_t)((uint64_t)hi << 32 | lo);

	c->entry(c->arg);
}

int coro_ctx_make(struct ctx *c, void *lo, size_t size,
		  void (*entry)(void *), void *arg)
{
	uint64_t p = (uintptr_t)c;

	if (getcontext(&c->uc) < 0)
		return -errno;
	c->uc.uc_stack.ss_sp = lo;
	c->uc.uc_stack.ss_size = size;
	c->uc.uc_link = NULL;           /* ENTRY never returns */
	c->entry = entry;
	c->arg = arg;
	makecontext(&c->uc, (void (*)(void))boot, 2,
		    (unsigned)(p >> 32), (unsigned)p);
	return 0;
}

void coro_switch(struct ctx *save, struct ctx *load)
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
