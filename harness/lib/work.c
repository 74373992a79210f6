/* work.c - the CPU time a response costs the client to process (--work).
 *
 * The work is a chain of dependent multiply-xorshift steps seeded by the
 * checksum state of the body received, so it depends on the response, and
 * its result goes into the record (work_out), so no compiler can drop it.
 * Its length in steps is the asked time over the time one step takes here,
 * measured once per run: as real parsing code does, it holds a core for
 * that long, wherever the model runs it.
 */
#include <time.h>

#include "internal.h"

/* STEPS dependent steps from H: each waits for the one before. */
static uint64_t work_steps(uint64_t h, uint64_t steps)
{
	for (uint64_t i = 0; i < steps; i++) {
		h ^= h >> 29;
		h = h * 0xbf58476d1ce4e5b9ull + i;
	}
	return h;
}

static int64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Seven trials of 2^18 steps (half a millisecond each), the median: the
 * CPU time, not the wall clock, so a preempted trial does not count. */
double fl_work_calibrate(void)
{
	enum { TRIALS = 7, STEPS = 1 << 18 };
	double ns[TRIALS], t;
	volatile uint64_t sink = 0;

	for (int i = 0; i < TRIALS; i++) {
		int64_t t0 = thread_cpu_ns();

		sink += work_steps(sink + (uint64_t)i, STEPS);
		ns[i] = (double)(thread_cpu_ns() - t0) / STEPS;
		for (int j = i; j > 0 && ns[j - 1] > ns[j]; j--) {   /* insert */
			t = ns[j];
			ns[j] = ns[j - 1];
			ns[j - 1] = t;
		}
	}
	return ns[TRIALS / 2] > 0 ? ns[TRIALS / 2] : 1.0;
}

void fl_work(struct fl_run *run, struct fl_request *req)
{
	uint64_t steps;

	if (req->work_ns == 0)
		return;
	if (!pthread_equal(req->thread, pthread_self()))
		atomic_fetch_add(&run->root->work_off_thread, 1);   /* offloaded */
	steps = (uint64_t)((double)req->work_ns / run->work_ns_per_step);
	req->work_out = work_steps(req->body_state ^ req->id, steps);
}
