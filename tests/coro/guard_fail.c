/* guard_fail.c - a pool that cannot install its overflow handler leaves the
 * thread's signal state as it found it.
 *
 * Linked with -Wl,--wrap=sigaction,--wrap=sigaltstack (tests/coro.cmake):
 * every call of either, the library's included, comes through the wrappers
 * below, which fail it when told to, as the kernel might. coro_pool_init
 * must return that error and leave the alternate signal stack and the
 * SIGSEGV disposition unchanged: above all, no alternate stack left
 * installed in memory the failed pool has freed. A later pool must work
 * and, once destroyed, leave the same state behind.
 */
#include "coro.h"
#include "check.h"

#include <errno.h>
#include <signal.h>

/* The errno to fail with, or 0 to pass the call on. */
static int fail_sigaction;      /* installing a SIGSEGV handler */
static int fail_sigaltstack;    /* enabling an alternate signal stack */

int __real_sigaction(int sig, const struct sigaction *act, struct sigaction *old);
int __wrap_sigaction(int sig, const struct sigaction *act, struct sigaction *old);
int __real_sigaltstack(const stack_t *ss, stack_t *old);
int __wrap_sigaltstack(const stack_t *ss, stack_t *old);

int __wrap_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	if (fail_sigaction && sig == SIGSEGV && act) {
		errno = fail_sigaction;
		return -1;
	}
	return __real_sigaction(sig, act, old);
}

int __wrap_sigaltstack(const stack_t *ss, stack_t *old)
{
	if (fail_sigaltstack && ss && !(ss->ss_flags & SS_DISABLE)) {
		errno = fail_sigaltstack;
		return -1;
	}
	return __real_sigaltstack(ss, old);
}

struct signal_state {
	stack_t ss;
	struct sigaction segv;
};

static void get_state(struct signal_state *st)
{
	CHECK(sigaltstack(NULL, &st->ss) == 0);
	CHECK(sigaction(SIGSEGV, NULL, &st->segv) == 0);
}

/* Is the thread's signal state what WANT says? */
static void check_state(const struct signal_state *want)
{
	struct signal_state now;

	get_state(&now);
	CHECK((now.ss.ss_flags & SS_DISABLE) == (want->ss.ss_flags & SS_DISABLE));
	if (!(want->ss.ss_flags & SS_DISABLE))
		CHECK(now.ss.ss_sp == want->ss.ss_sp && now.ss.ss_size == want->ss.ss_size);
	CHECK(now.segv.sa_handler == want->segv.sa_handler);
	/* Not all flags: glibc adds SA_RESTORER to any handler it installs. */
	CHECK((now.segv.sa_flags & (SA_SIGINFO | SA_ONSTACK)) ==
	      (want->segv.sa_flags & (SA_SIGINFO | SA_ONSTACK)));
}

static void yield_once(struct coro *self, void *arg)
{
	(void)arg;
	coro_yield(self);
}

int main(void)
{
	stack_t off = { .ss_flags = SS_DISABLE }, theirs, ours;
	struct signal_state before;
	struct coro_pool *pool;
	struct coro *co;

	/* No alternate stack (ASan sets one up): the pool must bring its own. */
	CHECK(sigaltstack(&off, &theirs) == 0);
	get_state(&before);

	fail_sigaction = EINVAL;
	CHECK(coro_pool_init(&pool, 0, 4) == -EINVAL);
	check_state(&before);
	fail_sigaction = 0;

	fail_sigaltstack = ENOMEM;
	CHECK(coro_pool_init(&pool, 0, 4) == -ENOMEM);
	check_state(&before);
	fail_sigaltstack = 0;

	/* Nothing of the failures is left: not even "this thread has a pool". */
	CHECK_OK(coro_pool_init(&pool, 0, 4));
	CHECK(sigaltstack(NULL, &ours) == 0 && !(ours.ss_flags & SS_DISABLE));
	CHECK_OK(coro_create(pool, &co, yield_once, NULL, 0));
	CHECK_OK(coro_resume(co));
	CHECK_OK(coro_resume(co));
	CHECK(coro_status(co) == CORO_DEAD);
	coro_destroy(co);
	coro_pool_destroy(pool);
	check_state(&before);

	if (!(theirs.ss_flags & SS_DISABLE))
		CHECK(sigaltstack(&theirs, NULL) == 0);
	printf("guard_fail (%s): ok\n", coro_backend());
	return 0;
}
