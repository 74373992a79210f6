/* reuse.c - a destroyed coroutine's stack goes to the next create.
 *
 * The first coroutine is destroyed while suspended inside a frame with a
 * large local array, so under ASan its stack is left with poisoned
 * redzones. The next create of the same size must get that very stack
 * (same address), fully unpoisoned, and run normal code on it without
 * ASan false positives. A create of another size gets a fresh stack.
 */
#include "coro.h"
#include "check.h"

#ifndef __has_feature
#  define __has_feature(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#include <sanitizer/asan_interface.h>
#define POISONED(p, n) (__asan_region_is_poisoned((p), (n)) != NULL)
#define FAKE_STACK() (__asan_get_current_fake_stack() != NULL)
#else
#define POISONED(p, n) ((void)(p), (void)(n), 0)
#define FAKE_STACK() 1
#endif

/* Suspend inside a frame whose array ASan surrounds with redzones. */
static void hold(struct coro *self, void *arg)
{
	volatile char big[3000];

	(void)arg;
	big[0] = 1;
	coro_yield(self);
	big[1] = big[0];
}

/* Ordinary stack-hungry work: buffers, libc string calls, recursion. */
static int churn(int n)
{
	char buf[1024];
	int len = snprintf(buf, sizeof(buf), "level %d %0500d", n, n);

	memset(buf + len, 'x', sizeof(buf) - (size_t)len - 1);
	buf[sizeof(buf) - 1] = '\0';
	return (int)strlen(buf) + (n > 0 ? churn(n - 1) : 0);
}

static void work(struct coro *self, void *arg)
{
	int *out = arg;

	*out = churn(10);
	coro_yield(self);
	*out += churn(10);
}

int main(void)
{
	struct coro_pool *pool;
	struct coro *a, *b, *c;
	void *sa, *sb, *sc;
	size_t na, nb;
	int out = 0;

	CHECK_OK(coro_pool_init(&pool, 32 * 1024, 4));
	CHECK_OK(coro_create(pool, &a, hold, NULL, 0));
	CHECK_OK(coro_resume(a));
	sa = coro_stack(a, &na);
	CHECK(na == 32 * 1024);
	/* Under ASan the stack is left poisoned, unless detect_stack_use_after_
	 * return moved the frames to ASan's fake stack. */
	CHECK(POISONED(sa, na) || FAKE_STACK());
	coro_destroy(a);

	CHECK_OK(coro_create(pool, &b, work, &out, 0));
	sb = coro_stack(b, &nb);
	CHECK(sb == sa && nb == na);
	CHECK(!POISONED(sb, nb));
	while (coro_status(b) != CORO_DEAD)
		CHECK_OK(coro_resume(b));
	CHECK(out == 2 * 11 * 1023);
	coro_destroy(b);                /* cached again */

	CHECK_OK(coro_create(pool, &c, work, &out, 64 * 1024));
	sc = coro_stack(c, NULL);
	CHECK(sc != sa);                /* a 32 KiB stack does not fit */
	coro_destroy(c);
	coro_pool_destroy(pool);
	printf("reuse (%s): ok\n", coro_backend());
	return 0;
}
