/* nested.c - yield from three calls deep, with every frame's locals intact.
 *
 * Two coroutines run the same call chain depth1 -> depth2 -> depth3 and
 * yield at the bottom several times, interleaved, so each frame must
 * survive while the other coroutine's identical frames run.
 */
#include "coro.h"
#include "check.h"

#define YIELDS 4

/* Fill a local array from SEED, yield YIELDS times, then check it. */
static long depth3(struct coro *self, long seed)
{
	volatile long local[16];
	long sum = 0;

	for (int i = 0; i < 16; i++)
		local[i] = seed * 100 + i;
	for (int y = 0; y < YIELDS; y++)
		coro_yield(self);
	for (int i = 0; i < 16; i++) {
		CHECK(local[i] == seed * 100 + i);
		sum += local[i];
	}
	return sum;
}

static long depth2(struct coro *self, long seed)
{
	volatile long mine = seed * 7;
	long r = depth3(self, seed + 1);

	CHECK(mine == seed * 7);
	return r + mine;
}

static long depth1(struct coro *self, long seed)
{
	volatile char tag[8] = "depth1";
	long r = depth2(self, seed + 1);

	CHECK(tag[0] == 'd' && tag[5] == '1');
	return r;
}

/* *arg is the seed on entry and the chain's result on return. */
static void body(struct coro *self, void *arg)
{
	long *io = arg;

	*io = depth1(self, *io);
}

/* The value body leaves for SEED, computed without coroutines. */
static long expected(long seed)
{
	long s3 = seed + 2, sum = 0;

	for (int i = 0; i < 16; i++)
		sum += s3 * 100 + i;
	return sum + (seed + 1) * 7;
}

int main(void)
{
	struct coro_pool *pool;
	struct coro *a, *b;
	long va = 10, vb = 20;
	int resumes = 0;

	CHECK_OK(coro_pool_init(&pool, 0, 0));
	CHECK_OK(coro_create(pool, &a, body, &va, 0));
	CHECK_OK(coro_create(pool, &b, body, &vb, 0));
	while (coro_status(a) != CORO_DEAD || coro_status(b) != CORO_DEAD) {
		if (coro_status(a) != CORO_DEAD)
			CHECK_OK(coro_resume(a));
		if (coro_status(b) != CORO_DEAD)
			CHECK_OK(coro_resume(b));
		resumes++;
	}
	CHECK(resumes == YIELDS + 1);
	CHECK(va == expected(10));
	CHECK(vb == expected(20));
	coro_destroy(a);
	coro_destroy(b);
	coro_pool_destroy(pool);
	printf("nested (%s): ok\n", coro_backend());
	return 0;
}
