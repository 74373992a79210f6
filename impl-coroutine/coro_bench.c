/* coro_bench.c - what one coroutine context switch costs.
 *
 * main resumes a coroutine that only yields, N times: 2N switches (in with
 * coro_resume, out with coro_yield). The best of three runs is printed as
 *     coro switch (asm): 4.1 ns/switch
 * Usage: fetchlab-bench-coro-BACKEND [SWITCHES]   (default 10000000)
 */
#include "coro.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The coroutine: yield forever; main destroys it while suspended. */
static void yielder(struct coro *self, void *arg)
{
	(void)arg;
	for (;;)
		coro_yield(self);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Time PAIRS resume+yield round trips on CO; ns per switch, or -1. */
static double run_once(struct coro *co, long pairs)
{
	double t0 = now_ns();

	for (long i = 0; i < pairs; i++)
		if (coro_resume(co) < 0)
			return -1;
	return (now_ns() - t0) / (2.0 * pairs);
}

int main(int argc, char **argv)
{
	long switches = argc > 1 ? atol(argv[1]) : 10000000;
	struct coro_pool *pool;
	struct coro *co;
	double best = 0;
	int rc;

	if (switches < 2) {
		fprintf(stderr, "usage: %s [SWITCHES >= 2]\n", argv[0]);
		return 2;
	}
	rc = coro_pool_init(&pool, 0, 0);
	if (rc == 0)
		rc = coro_create(pool, &co, yielder, NULL, 0);
	if (rc < 0) {
		fprintf(stderr, "coro bench: %s\n", strerror(-rc));
		return 1;
	}
	for (int run = 0; run < 3; run++) {
		double ns = run_once(co, switches / 2);

		if (ns < 0) {
			fprintf(stderr, "coro bench: resume failed\n");
			return 1;
		}
		if (run == 0 || ns < best)
			best = ns;
	}
	printf("coro switch (%s): %.1f ns/switch\n", coro_backend(), best);
	coro_destroy(co);
	coro_pool_destroy(pool);
	return 0;
}
