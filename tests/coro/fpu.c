/* fpu.c - floating-point state survives context switches.
 *
 * Doubles held in callee frames (and so in callee-saved stack slots or
 * spilled registers) must be intact after the coroutine is resumed, while
 * main computes with its own. And the rounding mode is per coroutine, as
 * the ABI makes MXCSR and the x87 control word callee-saved: a coroutine
 * that switches to round-upward must not change main's rounding.
 */
#include "coro.h"
#include "check.h"

#include <fenv.h>

/* 1/3 rounded by the current SSE rounding mode (MXCSR). */
static double third(void)
{
	volatile double one = 1.0, three = 3.0;

	return one / three;
}

/* Sum of 1/k for k in [from, to), yielding after each term. */
static double harmonic(struct coro *self, int from, int to)
{
	double sum = 0.0;

	for (int k = from; k < to; k++) {
		sum += 1.0 / k;
		coro_yield(self);
	}
	return sum;
}

static void sums(struct coro *self, void *arg)
{
	double *out = arg;
	double a = harmonic(self, 1, 50), b = harmonic(self, 50, 100);

	*out = a + b * 0.5;
}

/* Round upward, yield, and check the mode and its effect are still ours. */
static void upward(struct coro *self, void *arg)
{
	double *up = arg;

	CHECK(fegetround() == FE_TONEAREST);    /* a fresh coroutine's default */
	CHECK(fesetround(FE_UPWARD) == 0);
	*up = third();
	coro_yield(self);
	CHECK(fegetround() == FE_UPWARD);
	CHECK(third() == *up);
}

/* The same sum, with no coroutine in between. */
static double plain(void)
{
	double a = 0.0, b = 0.0;

	for (int k = 1; k < 50; k++)
		a += 1.0 / k;
	for (int k = 50; k < 100; k++)
		b += 1.0 / k;
	return a + b * 0.5;
}

int main(void)
{
	struct coro_pool *pool;
	struct coro *c1, *c2, *up;
	double r1 = 0, r2 = 0, mine = 0, nearest = third(), upper = 0;

	CHECK_OK(coro_pool_init(&pool, 0, 0));
	CHECK_OK(coro_create(pool, &c1, sums, &r1, 0));
	CHECK_OK(coro_create(pool, &c2, sums, &r2, 0));
	for (int k = 1; coro_status(c1) != CORO_DEAD; k++) {
		CHECK_OK(coro_resume(c1));
		mine += 2.0 / k;                /* main's own doubles, meanwhile */
		CHECK_OK(coro_resume(c2));
	}
	CHECK(r1 == plain() && r2 == plain());
	CHECK(mine > 10.0);

	CHECK_OK(coro_create(pool, &up, upward, &upper, 0));
	CHECK_OK(coro_resume(up));
	CHECK(upper > nearest);                 /* upward really rounded up */
	CHECK(fegetround() == FE_TONEAREST);    /* but not for main */
	CHECK(third() == nearest);
	CHECK_OK(coro_resume(up));
	CHECK(coro_status(up) == CORO_DEAD);
	CHECK(fegetround() == FE_TONEAREST);

	coro_destroy(c1);
	coro_destroy(c2);
	coro_destroy(up);
	coro_pool_destroy(pool);
	printf("fpu (%s): ok\n", coro_backend());
	return 0;
}
