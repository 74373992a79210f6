/* coroutine.c - the coroutine model: C coroutines on one thread, each
 * running sync.c's loop.
 *
 * Read worker_main and start_fetch beside sync.c: claim, wait until due,
 * fetch, record. The difference hides in fetch(): instead of blocking the
 * thread in curl_easy_perform, it hands the transfer to the event loop
 * (curl_uv.c, the event-loop model's glue) and yields. The loop resumes the
 * coroutine when the transfer ends, so C of them wait at once, each on its
 * own small stack: `async def fetch` + `asyncio.gather`, written in C.
 * The rule that keeps it sane: a coroutine is resumed only from the loop
 * (a timer, or curl_uv's completion callback after libcurl has returned),
 * never from inside a libcurl callback.
 */
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "coro.h"
#include "curl_uv.h"
#include "fetchlab/fetchlab.h"

/* As in eventloop.c: libcurl 7.x walks a multi handle's whole connection
 * pool whenever a transfer leaves it, so lanes come in groups of GROUP, one
 * multi handle (and pool) per group, all on the one loop. */
#define GROUP 256

/* As in eventloop.c: coroutines spawned per turn of the loop, so the first
 * requests go out while later lanes are still connecting. */
#define RAMP 64

struct model;

/* One coroutine: a lane with its own easy handle (kept alive) and stack. */
struct worker {
	struct coro *co;
	struct model *m;
	CURL *easy;
	struct curl_uv *cu;        /* its group's */
	uv_timer_t sleep;          /* open loop: wakes it when a request is due */
	struct fl_request *req;    /* in flight, or NULL */
	CURLcode rc;               /* how the transfer ended, set by on_done */
	unsigned lane;
};

/* The whole model, on run()'s stack. */
struct model {
	struct fl_run *run;
	uv_loop_t loop;
	struct curl_uv *cu;        /* one per group */
	unsigned ncu;
	struct coro_pool *pool;
	uv_timer_t tick;           /* checks for Ctrl-C */
	uv_idle_t ramp;            /* spawns more coroutines on the next turn */
	unsigned spawned;          /* workers 0..spawned-1 have been started */
	struct worker *workers;    /* C of them */
	unsigned nworkers;
	unsigned live;             /* coroutines that have not returned */
	int error;                 /* why the run failed, or 0 */
};

/* Run W's coroutine until it yields again; count it out when it returns.
 * Called only from the loop: never from inside libcurl. */
static void resume(struct worker *w)
{
	coro_resume(w->co);
	if (coro_status(w->co) == CORO_DEAD && --w->m->live == 0)
		uv_stop(&w->m->loop);   /* idle connections would keep it running */
}

static void on_wake(uv_timer_t *timer)
{
	resume(timer->data);
}

/* Open loop: sleep on the loop until REQ is due. A late start keeps its due
 * time, so queueing shows in the latency measured from it. */
static void wait_until_due(struct worker *w, const struct fl_request *req)
{
	int64_t wait_ns;

	while ((wait_ns = req->due_ns - fl_now_ns()) > 0 &&
	       !fl_interrupted(w->m->run)) {
		uv_update_time(&w->m->loop);   /* libuv's clock is read per turn */
		uv_timer_start(&w->sleep, on_wake,
			       (uint64_t)(wait_ns + 999999) / 1000000, 0);
		coro_yield(w->co);
	}
}

/* The coroutine's curl_easy_perform: start the transfer on the loop, park
 * until on_done resumes us, return how it ended. */
static CURLcode fetch(struct worker *w)
{
	/* LAB 04 begin STEP 3: add the transfer to the loop, yield, return what on_done left */
	int err = curl_uv_add(w->cu, w->easy);

	if (err < 0) {
		w->m->error = err;
		return CURLE_FAILED_INIT;
	}
	coro_yield(w->co);   /* back to the loop; on_done resumes us */
	return w->rc;
	/* LAB 04 end, stub: (void)w; return CURLE_NOT_BUILT_IN; */
}

/* Perform REQ and wait for it to finish: only this coroutine waits. */
static void start_fetch(struct worker *w, struct fl_request *req)
{
	CURLcode rc;

	fl_easy_setup(w->m->run, req, w->easy, w->lane);
	curl_easy_setopt(w->easy, CURLOPT_PRIVATE, w);   /* who waits for it */
	w->req = req;
	rc = fetch(w);
	w->req = NULL;
	fl_done(w->m->run, req, rc, w->easy);
}

/* A coroutine's life: sync.c's loop. */
static void worker_main(struct coro *self, void *arg)
{
	struct worker *w = arg;
	struct fl_request *req;

	(void)self;
	while (fl_next(w->m->run, &req)) {
		wait_until_due(w, req);
		if (fl_interrupted(w->m->run))
			break;   /* claimed, never started: the report skips it */
		start_fetch(w, req);
	}
}

/* curl_uv: the transfer on EASY has finished with RC: wake its coroutine.
 * libcurl has returned by now (curl_uv collects, then calls us). */
static void on_done(void *ctx, CURL *easy, CURLcode rc)
{
	char *w;

	/* LAB 04 begin STEP 4: find the worker (CURLINFO_PRIVATE), leave it RC, resume it */
	(void)ctx;
	curl_easy_getinfo(easy, CURLINFO_PRIVATE, &w);
	((struct worker *)w)->rc = rc;
	resume((struct worker *)w);
	/* LAB 04 end, stub: (void)ctx; (void)easy; (void)rc; (void)w; */
}

/* Start the next RAMP coroutines, each up to its first yield; come back on
 * the loop's next turn for more. */
static void on_ramp(uv_idle_t *idle)
{
	struct model *m = idle->data;
	unsigned end = m->spawned + RAMP < m->nworkers ? m->spawned + RAMP : m->nworkers;

	while (m->spawned < end)
		resume(&m->workers[m->spawned++]);
	if (m->spawned == m->nworkers)
		uv_idle_stop(idle);
}

/* Every 100 ms: after Ctrl-C, cancel the transfers in flight and wake the
 * sleepers, so every coroutine runs to its end. */
static void on_tick(uv_timer_t *tick)
{
	struct model *m = tick->data;

	if (!fl_interrupted(m->run))
		return;
	/* Those not yet spawned end at their first fl_next. */
	for (unsigned i = 0; i < m->spawned; i++) {
		struct worker *w = &m->workers[i];

		if (w->co == NULL || coro_status(w->co) == CORO_DEAD)
			continue;
		if (w->req != NULL) {
			curl_uv_remove(w->cu, w->easy);
			w->rc = CURLE_ABORTED_BY_CALLBACK;
		}
		uv_timer_stop(&w->sleep);
		resume(w);
	}
}

/* Set up worker W: its easy handle, its timer, its coroutine. */
static int init_worker(struct model *m, struct worker *w, unsigned lane)
{
	w->m = m;
	w->lane = lane;
	w->cu = &m->cu[lane / GROUP];
	uv_timer_init(&m->loop, &w->sleep);   /* timers cannot fail */
	w->sleep.data = w;
	if ((w->easy = curl_easy_init()) == NULL)
		return UV_ENOMEM;
	return coro_create(m->pool, &w->co, worker_main, w, fl_stack_size(m->run));
}

static int run(struct fl_run *run)
{
	unsigned c = fl_concurrency(run), i;
	struct model m = { .run = run };
	int err;

	fl_set_threads(run, 1);
	if (fl_check_limits(run, 1, c + 64) < 0)
		return -1;
	if ((err = uv_loop_init(&m.loop)) < 0 ||
	    (err = coro_pool_init(&m.pool, fl_stack_size(run), CORO_CACHE_DEFAULT)) < 0) {
		fl_error(run, "setting up the loop: %s", strerror(-err));
		return -1;
	}
	uv_timer_init(&m.loop, &m.tick);
	uv_idle_init(&m.loop, &m.ramp);
	m.tick.data = m.ramp.data = &m;
	m.cu = calloc((c + GROUP - 1) / GROUP, sizeof *m.cu);
	m.workers = calloc(c, sizeof *m.workers);
	if (m.cu == NULL || m.workers == NULL) {
		m.error = UV_ENOMEM;
		goto out;
	}
	for (; m.ncu < (c + GROUP - 1) / GROUP; m.ncu++) {
		if ((m.error = curl_uv_init(&m.cu[m.ncu], &m.loop, on_done, &m)) < 0)
			goto out;
		curl_multi_setopt(m.cu[m.ncu].multi, CURLMOPT_MAXCONNECTS, (long)GROUP);
	}
	while (m.nworkers < c) {   /* counted first: cleanup covers a failure */
		struct worker *w = &m.workers[m.nworkers];

		if ((m.error = init_worker(&m, w, m.nworkers++)) < 0)
			goto out;
	}

	/* Spawn: each coroutine runs to its first yield, then the loop takes
	 * over and resumes them as their transfers finish. */
	m.live = c;
	uv_timer_start(&m.tick, on_tick, 100, 100);
	uv_idle_start(&m.ramp, on_ramp);
	on_ramp(&m.ramp);   /* the first batch now, the rest turn by turn */
	if (m.live > 0)
		uv_run(&m.loop, UV_RUN_DEFAULT);   /* until the last one returns */

out:
	for (i = 0; i < m.nworkers; i++) {
		if (m.workers[i].co != NULL)
			coro_destroy(m.workers[i].co);
		curl_easy_cleanup(m.workers[i].easy);   /* NULL is fine */
		uv_close((uv_handle_t *)&m.workers[i].sleep, NULL);
	}
	for (i = 0; i < m.ncu; i++) {
		if (m.error == 0)
			m.error = m.cu[i].error;   /* a failure inside the loop */
		curl_uv_close(&m.cu[i]);
	}
	uv_close((uv_handle_t *)&m.tick, NULL);
	uv_close((uv_handle_t *)&m.ramp, NULL);
	uv_run(&m.loop, UV_RUN_DEFAULT);   /* the close callbacks; then free */
	uv_loop_close(&m.loop);
	coro_pool_destroy(m.pool);
	free(m.workers);
	free(m.cu);
	if (m.error != 0) {
		fl_error(run, "-c %u: the coroutine model failed: %s", c,
			 curl_uv_strerror(m.error));
		return -1;
	}
	return 0;
}

static const struct fl_model model = {
	.name = "coroutine",
	.summary = "coroutines: C of them on one libuv loop, each fetch() reads like sync.c",
	.run = run,
};

int main(int argc, char **argv)
{
	return fl_main(argc, argv, &model);
}
