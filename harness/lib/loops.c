/* loops.c - what the harness does for loop-based models: one loop per
 * core (--loops), and how late the loops ran (loop lag).
 *
 * --loops N runs N copies of the model at once, each on its own thread with
 * its own loop and C/N lanes, all claiming from the one workload: nginx's
 * workers and wrk -t, the way an event loop uses more than one core. The
 * model file does not change; fl_concurrency tells each copy its share.
 *
 * A loop-based model (impl-eventloop/lanes.c) arms a periodic timer and
 * says, each time it fires, how late it came: the time some callback held
 * the loop. Node's monitorEventLoopDelay measures the same thing. The
 * report gives its p50, p99 and max.
 */
#include <stdlib.h>
#include <string.h>

#include "fetchlab/hist.h"
#include "internal.h"

struct loop {
	struct fl_run run;   /* the copy this loop sees */
	pthread_t thread;
	int rc;
};

static void *loop_main(void *arg)
{
	struct loop *lp = arg;

	lp->rc = lp->run.model->run(&lp->run);
	return NULL;
}

int fl_run_loops(struct fl_run *run)
{
	unsigned n = run->opt.loops, c = run->opt.concurrency, lane0 = 0;
	unsigned started = 0, extra = 0;
	struct loop *loops;
	int rc = 0, err;

	if (n <= 1)
		return run->model->run(run);
	if (!run->model->loops) {
		fl_error(run, "--loops %u: %s is not loop-based; only eventloop, "
			 "coroutine and offload run one loop per thread", n,
			 run->model->name);
		return -1;
	}
	if (c < n) {
		fl_error(run, "--loops %u: needs -c %u or more (a lane per loop at "
			 "least); -c is %u", n, n, c);
		return -1;
	}
	if ((loops = calloc(n, sizeof *loops)) == NULL) {
		fl_error(run, "--loops %u: out of memory", n);
		return -1;
	}
	for (unsigned i = 0; i < n; i++) {   /* every copy before any thread */
		struct fl_run *sub = &loops[i].run;

		memcpy(sub, run, sizeof *sub);   /* root's state stays root's */
		sub->root = run;
		sub->opt.concurrency = c / n + (i < c % n);
		sub->lane0 = lane0;
		lane0 += sub->opt.concurrency;
	}
	for (; started < n; started++) {
		err = pthread_create(&loops[started].thread, NULL, loop_main, &loops[started]);
		if (err != 0) {
			fl_error(run, "--loops %u: cannot start loop %u: %s", n,
				 started, strerror(err));
			atomic_store(&run->interrupted, true);   /* the others stop */
			rc = -1;
			break;
		}
	}
	for (unsigned i = 0; i < started; i++) {
		pthread_join(loops[i].thread, NULL);
		if (loops[i].rc != 0)
			rc = -1;
		/* Threads past a loop's own are libuv's pool, shared by all. */
		if (loops[i].run.threads - 1 > extra)
			extra = loops[i].run.threads - 1;
	}
	run->threads = n + extra;
	free(loops);
	return rc;
}

void fl_loop_lag(struct fl_run *run, int64_t late_ns)
{
	uint64_t us = late_ns > 0 ? (uint64_t)late_ns / 1000 : 0;

	run = run->root;
	pthread_mutex_lock(&run->lag_lock);
	if (run->lag == NULL)
		run->lag = fl_hist_new();   /* NULL: no memory, the figure is lost */
	if (run->lag != NULL)
		fl_hist_record(run->lag, us);
	pthread_mutex_unlock(&run->lag_lock);
}
