/* coro_guard.c - a coroutine's stack overflow, reported as one.
 *
 * Every coroutine stack sits above a PROT_NONE guard page (coro.c), so a
 * runaway recursion faults there instead of writing over the next mapping.
 * The fault is a SIGSEGV, by default a silent death. The handler here tells
 * a hit in the running coroutine's guard page from any other fault, prints
 *     coro: stack overflow in coroutine (stack 16384 bytes); raise --stack-size
 * and exits with CORO_OVERFLOW_EXIT; every other fault goes on to the
 * disposition we replaced. It runs on an alternate signal stack, since the
 * faulting stack is full.
 */
#include "coro_internal.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ALTSTACK_SIZE (64 * 1024)       /* room for the handler, even under ASan */

/* A signal disposition is the process's, but pools are per thread (one per
 * --loops thread): the first guard installs the handler, the last one
 * removes it. A handler gets no context argument, so it finds the faulting
 * thread's guard through a thread-local pointer. */
static pthread_mutex_t guards_lock = PTHREAD_MUTEX_INITIALIZER;
static int guards;                      /* installed, over all threads */
static struct sigaction old_segv;       /* what the first one replaced */
static _Thread_local struct coro_guard *thread_guard;

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

/* SIGSEGV, on the alternate signal stack. A fault in the guard page below
 * the running coroutine's stack is an overflow: say so and exit. Anything
 * else is not ours: put back the previous disposition and return, so the
 * faulting instruction runs again and faults into it. */
static void on_segv(int sig, siginfo_t *si, void *uc)
{
	struct coro_guard *g = thread_guard;
	struct coro *co = g ? *g->running : NULL;
	char *addr = si->si_addr, *lo, msg[128], *p = msg;
	size_t size = 0;
	ssize_t n;

	(void)uc;
	lo = co ? coro_stack(co, &size) : NULL;
	if (lo && addr >= lo - g->page && addr < lo) {
		p = put_str(p, "coro: stack overflow in coroutine (stack ");
		p = put_num(p, size);
		p = put_str(p, " bytes); raise --stack-size\n");
		n = write(2, msg, (size_t)(p - msg));
		(void)n;
		_exit(CORO_OVERFLOW_EXIT);
	}
	sigaction(sig, &old_segv, NULL);
	if (si->si_code <= 0)           /* sent by kill(), not a fault: resend */
		raise(sig);
}

/* Take G's alternate signal stack out of service, then free it: the kernel
 * must never be left pointing at freed memory. */
static void altstack_free(struct coro_guard *g)
{
	stack_t ss, off = { .ss_flags = SS_DISABLE };

	if (!g->altstack)
		return;
	if (sigaltstack(NULL, &ss) < 0 || ss.ss_sp == g->altstack)
		sigaltstack(&off, NULL);
	free(g->altstack);
	g->altstack = NULL;
}

/* Count one more guard; the first installs on_segv. 0 or -errno. */
static int handler_hold(void)
{
	struct sigaction sa;
	int rc = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	pthread_mutex_lock(&guards_lock);
	if (guards == 0 && sigaction(SIGSEGV, &sa, &old_segv) < 0)
		rc = -errno;
	else
		guards++;
	pthread_mutex_unlock(&guards_lock);
	return rc;
}

/* Count one guard less; the last puts the old disposition back. */
static void handler_release(void)
{
	pthread_mutex_lock(&guards_lock);
	if (--guards == 0)
		sigaction(SIGSEGV, &old_segv, NULL);
	pthread_mutex_unlock(&guards_lock);
}

/* Guard this thread: on_segv installed, and an alternate signal stack for
 * it unless the thread has one (ASan sets one up). A fault in the PAGE
 * bytes below the stack of *RUNNING is an overflow. 0 or -errno (-EBUSY:
 * this thread has a guard); on failure nothing is left installed. */
int coro_guard_install(struct coro_guard *g, struct coro *const *running,
		       size_t page)
{
	stack_t ss;
	int rc;

	if (thread_guard)
		return -EBUSY;
	memset(g, 0, sizeof(*g));
	g->running = running;
	g->page = page;
	if (sigaltstack(NULL, &ss) < 0)
		return -errno;
	if (ss.ss_flags & SS_DISABLE) {
		if ((g->altstack = malloc(ALTSTACK_SIZE)) == NULL)
			return -ENOMEM;
		ss = (stack_t){ .ss_sp = g->altstack, .ss_size = ALTSTACK_SIZE };
		if (sigaltstack(&ss, NULL) < 0) {
			rc = -errno;
			altstack_free(g);
			return rc;
		}
	}
	if ((rc = handler_hold()) < 0) {
		altstack_free(g);
		return rc;
	}
	thread_guard = g;
	return 0;
}

/* Undo coro_guard_install: no alternate signal stack of ours, and the old
 * SIGSEGV disposition once no thread has a guard. */
void coro_guard_remove(struct coro_guard *g)
{
	handler_release();
	altstack_free(g);
	if (thread_guard == g)
		thread_guard = NULL;
}
