/* coroutine.c - the coroutine model: C coroutines on one thread, each
 * running sync.c's loop.
 *
 * Read lane_main and fetch beside sync.c: claim, wait until due, fetch,
 * record. The difference hides in perform(): instead of blocking the thread
 * in curl_easy_perform, it hands the transfer to the event loop (curl_uv.c,
 * the event-loop model's glue) and yields. The loop resumes the coroutine
 * when the transfer ends, so C of them wait at once, each on its own small
 * stack: `async def fetch` + `asyncio.gather`, written in C. The rule that
 * keeps it sane: a coroutine is resumed only from the loop (a timer, or
 * curl_uv's completion callback after libcurl has returned), never from
 * inside a libcurl callback.
 */
#include <stdlib.h>
#include <uv.h>

#include "coro.h"
#include "fetchlab/fetchlab.h"
#include "lanes.h"

struct model;

/* One of the C lanes: a coroutine with its own stack and its own easy
 * handle, reused request after request. */
struct lane {
	CURL *easy;
	struct fl_request *req;    /* in flight here, or NULL */
	struct coro *co;
	struct model *m;
	uv_timer_t sleep;          /* open loop: wakes it when a request is due */
	CURLcode rc;               /* how the transfer ended, set by on_done */
	unsigned id;
};

/* The whole model, on run()'s stack. */
struct model {
	struct fl_run *run;
	uv_loop_t loop;
	struct lanes lanes;        /* the transfers (lanes.c, curl_uv.c) */
	uv_timer_t tick;           /* checks for Ctrl-C */
	struct coro_pool *pool;    /* the coroutines' stacks */
	struct lane *lane;         /* C of them */
	unsigned nlanes;
	unsigned live;             /* coroutines that have not returned */
	int error;                 /* why the run failed, or 0 */
};

/* Run L's coroutine until it yields again; count it out when it returns.
 * Called only from the loop: never from inside libcurl. */
static void resume(struct lane *l)
{
	int err = coro_resume(l->co);

	if (err < 0) {   /* it cannot run: the run fails rather than hangs */
		l->m->error = err;
		uv_stop(&l->m->loop);
	} else if (coro_status(l->co) == CORO_DEAD && --l->m->live == 0)
		uv_stop(&l->m->loop);   /* idle connections would keep it running */
}

static void on_wake(uv_timer_t *timer)
{
	resume(timer->data);
}

/* Open loop: sleep on the loop until REQ is due. A late start keeps its due
 * time, so queueing shows in the latency measured from it. */
static void wait_until_due(struct lane *l, const struct fl_request *req)
{
	int64_t wait_ns;

	while ((wait_ns = req->due_ns - fl_now_ns()) > 0 &&
	       !fl_interrupted(l->m->run)) {
		uv_update_time(&l->m->loop);   /* libuv's clock is read per turn */
		uv_timer_start(&l->sleep, on_wake,
			       (uint64_t)(wait_ns + 999999) / 1000000, 0);
		coro_yield(l->co);
	}
}

/* The coroutine's curl_easy_perform: start the transfer on the loop, park
 * until on_done resumes us, return how it ended. */
static CURLcode perform(struct lane *l)
{
	/* LAB 04 begin STEP 3: add the transfer to the loop, yield, return what on_done left */
	int err = lanes_add(&l->m->lanes, l->id, l->easy);

	if (err < 0) {
		l->m->error = err;   /* the twins stop claiming alike */
		return CURLE_FAILED_INIT;
	}
	coro_yield(l->co);   /* back to the loop; on_done resumes us */
	return l->rc;
	/* LAB 04 end, stub: (void)l; return CURLE_NOT_BUILT_IN; */
}

/* Perform REQ on lane L and wait for it to finish: only this coroutine
 * waits. */
static void fetch(struct lane *l, struct fl_request *req)
{
	CURLcode rc;

	fl_easy_setup(l->m->run, req, l->easy, l->id);
	curl_easy_setopt(l->easy, CURLOPT_PRIVATE, l);   /* on_done finds it */
	l->req = req;
	rc = perform(l);
	l->req = NULL;
	fl_done(l->m->run, req, rc, l->easy);
}

/* A coroutine's life: sync.c's loop. */
static void lane_main(struct coro *self, void *arg)
{
	struct lane *l = arg;
	struct fl_request *req;

	(void)self;
	while (l->m->error == 0 && fl_next(l->m->run, &req)) {
		wait_until_due(l, req);
		if (fl_interrupted(l->m->run))
			break;   /* claimed, never started: the report skips it */
		fetch(l, req);
	}
}

/* curl_uv: the transfer on EASY has finished with RC: wake its coroutine.
 * libcurl has returned by now (curl_uv collects, then calls us). */
static void on_done(void *ctx, CURL *easy, CURLcode rc)
{
	char *l;

	/* LAB 04 begin STEP 4: find the lane (CURLINFO_PRIVATE), leave it RC, resume it */
	(void)ctx;
	curl_easy_getinfo(easy, CURLINFO_PRIVATE, &l);
	((struct lane *)l)->rc = rc;
	resume((struct lane *)l);
	/* LAB 04 end, stub: (void)ctx; (void)easy; (void)rc; (void)l; */
}

/* lanes: lane ID may take its first request: start its coroutine. */
static void open_lane(void *ctx, unsigned id)
{
	struct model *m = ctx;

	resume(&m->lane[id]);
}

/* Every 100 ms: after Ctrl-C, cancel the transfers in flight and wake the
 * sleepers, so every coroutine runs to its end. */
static void on_tick(uv_timer_t *tick)
{
	struct model *m = tick->data;

	if (!fl_interrupted(m->run))
		return;
	for (unsigned i = 0; i < m->lanes.opened; i++) {   /* the rest end at */
		struct lane *l = &m->lane[i];                /* their first fl_next */

		if (coro_status(l->co) == CORO_DEAD)
			continue;
		if (l->req != NULL) {
			lanes_remove(&m->lanes, i, l->easy);
			l->rc = CURLE_ABORTED_BY_CALLBACK;
		}
		uv_timer_stop(&l->sleep);
		resume(l);
	}
}

/* Set up lane L: its easy handle, its timer, its coroutine. */
static int init_lane(struct model *m, struct lane *l, unsigned id)
{
	l->m = m;
	l->id = id;
	uv_timer_init(&m->loop, &l->sleep);   /* timers cannot fail */
	l->sleep.data = l;
	if ((l->easy = curl_easy_init()) == NULL)
		return UV_ENOMEM;
	return coro_create(m->pool, &l->co, lane_main, l, fl_stack_size(m->run));
}

static int run(struct fl_run *run)
{
	unsigned c = fl_concurrency(run), i;
	struct model m = { .run = run };
	int err;

	fl_set_threads(run, 1);
	if (fl_check_limits(run, 1, c + 64) < 0)
		return -1;
	if ((err = uv_loop_init(&m.loop)) < 0) {
		fl_error(run, "setting up the loop: %s", uv_strerror(err));
		return -1;
	}
	uv_timer_init(&m.loop, &m.tick);   /* timers cannot fail */
	m.tick.data = &m;
	if ((m.error = lanes_init(&m.lanes, &m.loop, c, on_done, &m)) < 0 ||
	    (m.error = coro_pool_init(&m.pool, fl_stack_size(run), CORO_CACHE_DEFAULT)) < 0)
		goto out;
	if ((m.lane = calloc(c, sizeof *m.lane)) == NULL) {
		m.error = UV_ENOMEM;
		goto out;
	}
	while (m.nlanes < c) {   /* counted first: cleanup covers a failure */
		struct lane *l = &m.lane[m.nlanes];

		if ((m.error = init_lane(&m, l, m.nlanes++)) < 0)
			goto out;
	}

	/* Open the lanes: each coroutine runs to its first yield, and the
	 * loop takes over, resuming them as their transfers finish. */
	m.live = c;
	uv_timer_start(&m.tick, on_tick, 100, 100);
	lanes_start(&m.lanes, open_lane);
	if (m.live > 0)
		uv_run(&m.loop, UV_RUN_DEFAULT);   /* until the last one returns */

out:
	for (i = 0; i < m.nlanes; i++) {
		curl_easy_cleanup(m.lane[i].easy);   /* NULL is fine */
		if (m.lane[i].co != NULL)
			coro_destroy(m.lane[i].co);
		uv_close((uv_handle_t *)&m.lane[i].sleep, NULL);
	}
	uv_close((uv_handle_t *)&m.tick, NULL);
	if ((err = lanes_close(&m.lanes)) < 0 && m.error == 0)
		m.error = err;   /* a failure inside the loop */
	uv_loop_close(&m.loop);
	coro_pool_destroy(m.pool);   /* NULL is fine */
	free(m.lane);
	if (m.error != 0) {
		fl_error(run, "-c %u: the coroutine model failed: %s", c,
			 curl_uv_strerror(m.error));
		return -1;
	}
	return 0;
}

static const struct fl_model model = {
	.name = "coroutine",
	.summary = "coroutines: C of them on one libuv loop, each fetch reads like sync.c",
	.run = run,
};

int main(int argc, char **argv)
{
	return fl_main(argc, argv, &model);
}
