/* lanes.c - lane groups and the start-up ramp: libcurl's costs, kept out
 * of the model files.
 *
 * Groups. libcurl 7.x walks the whole connection pool of a multi handle
 * whenever a transfer leaves it: one step per connection, per request. At
 * C = 10,000 one pool for all lanes more than doubles the client's CPU time
 * per request, so the lanes come in groups of LANES_GROUP, each group with
 * its own multi handle (and pool), all driven by the one loop.
 *
 * Ramp. Opening all C lanes at once would put every first request behind
 * every connect (at C = 10,000, a second of them). Opening LANES_RAMP per
 * turn sends the first requests while later lanes connect: at C = 10,000
 * and 1 s delay the first wave's mean latency fell from 1.11 s to 1.00 s,
 * and efficiency over 10 s runs rose from 0.86 to 0.875.
 */
#include <stdlib.h>

#include "lanes.h"

#define LANES_GROUP 256
#define LANES_RAMP 64
#define LAG_MS 10   /* the loop-lag timer's period */

int lanes_init(struct lanes *l, struct fl_run *run, unsigned n,
	       curl_uv_done_fn *done, void *ctx)
{
	unsigned groups = (n + LANES_GROUP - 1) / LANES_GROUP;
	int err;

	*l = (struct lanes){ .run = run, .n = n, .ctx = ctx };
	if (fl_check_limits(run, 1, n + 64) < 0)
		return LANES_ELIMIT;
	if ((err = uv_loop_init(&l->loop)) < 0)
		return err;
	l->loop_ok = true;
	uv_idle_init(&l->loop, &l->ramp);   /* cannot fail */
	uv_timer_init(&l->loop, &l->tick);
	uv_timer_init(&l->loop, &l->lag);
	l->ramp.data = l->tick.data = l->lag.data = l;
	if ((l->group = calloc(groups, sizeof *l->group)) == NULL)
		return UV_ENOMEM;
	for (; l->ngroups < groups; l->ngroups++) {
		if ((err = curl_uv_init(&l->group[l->ngroups], &l->loop, done, ctx)) < 0)
			return err;
		l->group[l->ngroups].run = run;
		/* Keep every connection of the group alive between requests. */
		curl_multi_setopt(l->group[l->ngroups].multi, CURLMOPT_MAXCONNECTS,
				  (long)LANES_GROUP);
	}
	return 0;
}

/* Open the next LANES_RAMP lanes; come back on the next turn for more. */
static void on_ramp(uv_idle_t *idle)
{
	struct lanes *l = idle->data;
	unsigned end = l->opened + LANES_RAMP < l->n ? l->opened + LANES_RAMP : l->n;

	while (l->opened < end)
		l->open(l->ctx, l->opened++);
	if (l->opened == l->n)
		uv_idle_stop(idle);
}

/* Every 100 ms: after Ctrl-C, let the model cancel. libcurl alone would
 * notice only when the sockets of the transfers next stir. */
static void on_tick(uv_timer_t *tick)
{
	struct lanes *l = tick->data;

	if (fl_interrupted(l->run))
		l->cancel(l->ctx);
}

/* Every LAG_MS: how late did the loop come back to this timer? The time a
 * callback held it (loops.c). */
static void on_lag(uv_timer_t *lag)
{
	struct lanes *l = lag->data;
	int64_t now = fl_now_ns();

	fl_loop_lag(l->run, now - l->lag_due_ns);
	l->lag_due_ns = now + LAG_MS * 1000000;
}

void lanes_run(struct lanes *l, lanes_open_fn *open, lanes_cancel_fn *cancel)
{
	l->open = open;
	l->cancel = cancel;
	uv_timer_start(&l->tick, on_tick, 100, 100);
	l->lag_due_ns = fl_now_ns() + LAG_MS * 1000000;
	uv_timer_start(&l->lag, on_lag, LAG_MS, LAG_MS);
	uv_idle_start(&l->ramp, on_ramp);
	on_ramp(&l->ramp);
	uv_run(&l->loop, UV_RUN_DEFAULT);   /* returns at once after an early uv_stop */
}

void lanes_stop(struct lanes *l)
{
	int64_t late = fl_now_ns() - l->lag_due_ns;

	if (late > 0)   /* the loop was held past the timer's last due time */
		fl_loop_lag(l->run, late);
	uv_stop(&l->loop);   /* idle connections would keep it running */
}

int lanes_add(struct lanes *l, unsigned lane, CURL *easy)
{
	return curl_uv_add(&l->group[lane / LANES_GROUP], easy);
}

void lanes_remove(struct lanes *l, unsigned lane, CURL *easy)
{
	curl_uv_remove(&l->group[lane / LANES_GROUP], easy);
}

int lanes_close(struct lanes *l, int error)
{
	for (unsigned i = 0; l->loop_ok && i < l->ngroups; i++) {
		if (error == 0)
			error = l->group[i].error;   /* a failure inside the loop */
		curl_uv_close(&l->group[i]);
	}
	if (l->loop_ok) {
		uv_close((uv_handle_t *)&l->ramp, NULL);
		uv_close((uv_handle_t *)&l->tick, NULL);
		uv_close((uv_handle_t *)&l->lag, NULL);
		uv_run(&l->loop, UV_RUN_DEFAULT);   /* every close callback */
		uv_loop_close(&l->loop);
	}
	free(l->group);
	l->group = NULL;
	if (error == LANES_ELIMIT)
		return -1;   /* fl_check_limits said why */
	if (error != 0)
		fl_error(l->run, "-c %u: the loop failed: %s", l->n,
			 curl_uv_strerror(error));
	return error != 0 ? -1 : 0;
}
