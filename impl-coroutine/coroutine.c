/* coroutine.c - the coroutine model: C coroutines on one thread, each
 * running sync.c's loop: claim, wait until due, fetch, record. The
 * difference hides in perform(): instead of blocking in curl_easy_perform it
 * hands the transfer to the loop and yields; on_done resumes it (only ever
 * from the loop). `async def fetch` + `asyncio.gather`, in C.
 */
#include <stdlib.h>

#include "coro.h"
#include "fetchlab/fetchlab.h"
#include "lanes.h"

/* One of the C lanes: a coroutine and an easy handle, reused. */
struct lane {
	CURL *easy;
	struct fl_request *req;    /* in flight here, or NULL */
	struct model *m;
	uv_timer_t sleep;          /* open loop: wakes it when a request is due */
	struct coro *co;
	CURLcode rc;               /* how the transfer ended, set by on_done */
	unsigned id;
};

/* The whole model, on run()'s stack. */
struct model {
	struct fl_run *run;
	struct lanes lanes;        /* the loop and the transfers (lanes.c) */
	struct lane *lane;         /* C of them */
	unsigned nlanes;
	unsigned live;             /* lanes that have not ended */
	struct coro_pool *pool;    /* the coroutines' stacks */
	int error;                 /* why the run failed, or 0 */
};

/* Run L's coroutine until it yields or returns. Only from the loop. */
static void resume(struct lane *l)
{
	int err = coro_resume(l->co);

	if (err < 0)
		l->m->error = err;   /* it cannot run: fail rather than hang */
	if (err < 0 || (coro_status(l->co) == CORO_DEAD && --l->m->live == 0))
		lanes_stop(&l->m->lanes);
}

static void on_wake(uv_timer_t *timer)
{
	resume(timer->data);
}

/* Open loop: sleep on the loop until REQ is due (a late start keeps it). */
static void wait_until_due(struct lane *l, const struct fl_request *req)
{
	int64_t wait_ns;

	while ((wait_ns = req->due_ns - fl_now_ns()) > 0 &&
	       !fl_interrupted(l->m->run)) {
		uv_update_time(&l->m->lanes.loop);   /* libuv's clock is read per turn */
		uv_timer_start(&l->sleep, on_wake, (uint64_t)(wait_ns + 999999) / 1000000, 0);
		coro_yield(l->co);
	}
}

/* The coroutine's curl_easy_perform: add, yield until on_done resumes. */
static CURLcode perform(struct lane *l)
{
	/* LAB 04 begin STEP 3: add the transfer to the loop, yield, return what on_done left */
	if ((l->m->error = lanes_add(&l->m->lanes, l->id, l->easy)) < 0)
		return CURLE_FAILED_INIT;   /* the twins stop claiming alike */
	coro_yield(l->co);   /* back to the loop; on_done resumes us */
	return l->rc;
	/* LAB 04 end, stub: (void)l; return CURLE_NOT_BUILT_IN; */
}

/* Perform REQ on lane L and wait for it to finish: only this lane waits. */
static void fetch(struct lane *l, struct fl_request *req)
{
	CURLcode rc;

	fl_easy_setup(l->m->run, req, l->easy, l->id);
	curl_easy_setopt(l->easy, CURLOPT_PRIVATE, l);   /* on_done finds it */
	l->req = req;
	rc = perform(l);
	l->req = NULL;
	fl_work(l->m->run, req);   /* on the loop: every other lane waits */
	fl_done(l->m->run, req, rc, l->easy);
}

/* A lane's life: sync.c's loop, each wait a yield to the loop. */
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

/* curl_uv: the transfer on EASY has finished with RC: wake its coroutine
 * (libcurl has returned by now: curl_uv collects, then calls us). */
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

/* lanes: lane ID may take its first request. */
static void open_lane(void *ctx, unsigned id)
{
	struct model *m = ctx;

	resume(&m->lane[id]);
}

/* lanes: Ctrl-C. Cancel the transfers in flight, wake the sleepers. */
static void cancel(void *ctx)
{
	struct model *m = ctx;

	for (unsigned i = 0; i < m->lanes.opened; i++) {   /* the rest end at */
		struct lane *l = &m->lane[i];                /* their first fl_next */

		if (coro_status(l->co) == CORO_DEAD)
			continue;   /* ended */
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
	uv_timer_init(&m->lanes.loop, &l->sleep);   /* timers cannot fail */
	l->sleep.data = l;
	if ((l->easy = curl_easy_init()) == NULL)
		return UV_ENOMEM;
	return coro_create(m->pool, &l->co, lane_main, l, fl_stack_size(m->run));
}

static int run(struct fl_run *run)
{
	unsigned c = fl_concurrency(run), i;
	struct model m = { .run = run, .live = c };

	if ((m.error = lanes_init(&m.lanes, run, c, on_done, &m)) < 0 ||
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
	/* Open the lanes, and run the loop until the last one ends. */
	lanes_run(&m.lanes, open_lane, cancel);

out:
	for (i = 0; i < m.nlanes; i++) {
		curl_easy_cleanup(m.lane[i].easy);   /* NULL is fine */
		coro_destroy(m.lane[i].co);   /* NULL is fine */
		uv_close((uv_handle_t *)&m.lane[i].sleep, NULL);
	}
	m.error = lanes_close(&m.lanes, m.error);   /* and report a failure */
	coro_pool_destroy(m.pool);   /* NULL is fine */
	free(m.lane);
	return m.error;
}

static const struct fl_model model = {
	.name = "coroutine",
	.summary = "coroutines: C of them on one libuv loop, each fetch reads like sync.c",
	.run = run,
	.loops = true,
};

int main(int argc, char **argv)
{
	return fl_main(argc, argv, &model);
}
