/* loops.c - what the harness keeps for loop-based models: how late their
 * loops ran (loop lag).
 *
 * A loop-based model (impl-eventloop/lanes.c) arms a periodic timer and
 * says, each time it fires, how late it came: the time some callback held
 * the loop. Node's monitorEventLoopDelay measures the same thing. The
 * report gives its p50, p99 and max.
 */
#include "fetchlab/hist.h"
#include "internal.h"

void fl_loop_lag(struct fl_run *run, int64_t late_ns)
{
	uint64_t us = late_ns > 0 ? (uint64_t)late_ns / 1000 : 0;

	pthread_mutex_lock(&run->lag_lock);
	if (run->lag == NULL)
		run->lag = fl_hist_new();   /* NULL: no memory, the figure is lost */
	if (run->lag != NULL)
		fl_hist_record(run->lag, us);
	pthread_mutex_unlock(&run->lag_lock);
}
