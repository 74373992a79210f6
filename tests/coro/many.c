/* many.c - 10,000 coroutines alive at once, scheduled round-robin.
 *
 * (1,000 under TSan, which counts each fiber as a thread, 8128 at most.)
 * Each coroutine has a 16 KiB stack and yields ROUNDS times. main resumes
 * them in index order, round after round, so the step counter every
 * coroutine sees is predictable: round * N + index. Each also keeps a local
 * running sum across its yields, which must come out intact.
 */
#include "coro.h"
#include "check.h"

#ifndef __has_feature
#  define __has_feature(x) 0
#endif
#if defined(__SANITIZE_THREAD__) || __has_feature(thread_sanitizer)
#define N      1000     /* TSan counts fibers as threads: at most 8128 */
#else
#define N      10000
#endif
#define ROUNDS 5
#define STACK  (16 * 1024)

struct shared {
	long step;              /* resumes so far, over all coroutines */
	long sums[N];           /* each coroutine's final local sum */
};

struct worker {
	struct shared *sh;
	int index;
};

/* Check the schedule at every step; leave the local sum in sh->sums. */
static void work(struct coro *self, void *arg)
{
	struct worker *w = arg;
	long sum = 0;

	for (int round = 0; round <= ROUNDS; round++) {
		CHECK(w->sh->step == (long)round * N + w->index);
		w->sh->step++;
		sum += round * 1000 + w->index;
		if (round < ROUNDS)
			coro_yield(self);
	}
	w->sh->sums[w->index] = sum;
}

int main(void)
{
	static struct shared sh;
	static struct worker w[N];
	static struct coro *co[N];
	struct coro_pool *pool;

	CHECK_OK(coro_pool_init(&pool, STACK, 16));
	for (int i = 0; i < N; i++) {
		w[i] = (struct worker){ .sh = &sh, .index = i };
		CHECK_OK(coro_create(pool, &co[i], work, &w[i], 0));
	}
	for (int round = 0; round <= ROUNDS; round++)
		for (int i = 0; i < N; i++)
			CHECK_OK(coro_resume(co[i]));
	for (int i = 0; i < N; i++) {
		long want = 0;

		for (int round = 0; round <= ROUNDS; round++)
			want += round * 1000 + i;
		CHECK(coro_status(co[i]) == CORO_DEAD);
		CHECK(sh.sums[i] == want);
		coro_destroy(co[i]);
	}
	CHECK(sh.step == (long)(ROUNDS + 1) * N);
	coro_pool_destroy(pool);
	printf("many (%s): %d coroutines x %d yields ok\n", coro_backend(), N, ROUNDS);
	return 0;
}
