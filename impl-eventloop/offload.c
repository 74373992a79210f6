/* offload.c - the hybrid: eventloop.c's loop, each response's CPU work
 * handed to a worker pool (Python's run_in_executor, Node's worker pool).
 *
 * The loop still does all the waiting. When a transfer ends, on_done queues
 * the response's work on libuv's pool (uv_queue_work, a thread per core)
 * instead of stalling every other lane for it; after_work records the
 * request, back on the loop. A diff against eventloop.c shows just that.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fetchlab/fetchlab.h"
#include "lanes.h"

/* One of the C lanes: an easy handle, reused. */
struct lane {
	CURL *easy;
	struct fl_request *req;    /* claimed here, or NULL */
	struct model *m;
	uv_timer_t sleep;          /* open loop: wakes it when a request is due */
	bool busy;                 /* req is in flight */
	bool working;              /* its response is in the pool */
	CURLcode rc;               /* how the transfer ended, for after_work */
	uv_work_t work;            /* work.data is the lane */
	unsigned id;
};

/* The whole model, on run()'s stack. */
struct model {
	struct fl_run *run;
	struct lanes lanes;        /* the loop and the transfers (lanes.c) */
	struct lane *lane;         /* C of them */
	unsigned nlanes;
	unsigned live;             /* lanes that have not ended */
	int error;                 /* why the run failed, or 0 */
};

static void lane_next(struct lane *l);

static void on_wake(uv_timer_t *timer)
{
	lane_next(timer->data);
}

/* Open loop: is REQ due? If not, arm L's timer for its due time: on_wake
 * carries on then. A late start keeps its due time, so queueing shows in
 * the latency measured from it. */
static bool wait_until_due(struct lane *l, const struct fl_request *req)
{
	/* LAB 05 begin STEP 1: due now or late: true; early: arm l->sleep for the rest, false */
	int64_t wait_ns = req->due_ns - fl_now_ns();

	if (wait_ns <= 0)
		return true;
	uv_update_time(&l->m->lanes.loop);   /* libuv's clock is read per turn */
	uv_timer_start(&l->sleep, on_wake, (uint64_t)(wait_ns + 999999) / 1000000, 0);
	return false;
	/* LAB 05 end, stub: (void)l; (void)req; return true; */
}

/* Record the end of lane L's request. */
static void finish(struct lane *l, CURLcode rc)
{
	/* LAB 06 begin STEP 1: report the request, whatever RC says: exactly once */
	fl_done(l->m->run, l->req, rc, l->easy);
	/* LAB 06 end, stub: (void)rc; */
	l->req = NULL;
	l->busy = false;
}

/* Begin REQ on lane L and return at once: on_done hears the end. Returns
 * false, REQ recorded as failed, if it could not begin. */
static bool begin_fetch(struct lane *l, struct fl_request *req)
{
	fl_easy_setup(l->m->run, req, l->easy, l->id);
	curl_easy_setopt(l->easy, CURLOPT_PRIVATE, l);   /* on_done finds it */
	if ((l->m->error = lanes_add(&l->m->lanes, l->id, l->easy)) == 0)
		return l->busy = true;
	finish(l, CURLE_FAILED_INIT);   /* the twins stop claiming alike */
	return false;
}

/* A lane's life: coroutine.c's lane_main cut into callbacks. Claim, wait
 * until due, begin; on_wake or on_done calls it again to carry on. */
static void lane_next(struct lane *l)
{
	while (l->m->error == 0 && (l->req != NULL || fl_next(l->m->run, &l->req))) {
		if (fl_interrupted(l->m->run))
			break;   /* claimed, never started: the report skips it */
		if (!wait_until_due(l, l->req) || begin_fetch(l, l->req))
			return;
	}
	l->req = NULL;   /* the lane ends */
	if (--l->m->live == 0)
		lanes_stop(&l->m->lanes);   /* idle connections would keep it running */
}

/* curl_uv: the transfer on EASY has finished with RC: record it, and let
 * its lane take the next request. */
/* On a pool thread, while the loop runs on: process L's response. */
static void do_work(uv_work_t *work)
{
	struct lane *l = work->data;

	/* LAB 07 begin STEP 2: do the request's work (fl_work) */
	fl_work(l->m->run, l->req);
	/* LAB 07 end, stub: (void)l; */
}

/* Back on the loop: the response is processed; record it, carry on. */
static void after_work(uv_work_t *work, int status)
{
	struct lane *l = work->data;

	/* LAB 07 begin STEP 3: the lane is no longer working: finish it with l->rc, carry on */
	(void)status;   /* only uv_cancel sets it, and we never cancel */
	l->working = false;
	finish(l, l->rc);
	lane_next(l);
	/* LAB 07 end, stub: (void)l; (void)status; */
}

static void on_done(void *ctx, CURL *easy, CURLcode rc)
{
	struct model *m = ctx;
	char *p;
	struct lane *l;

	curl_easy_getinfo(easy, CURLINFO_PRIVATE, &p);
	l = (struct lane *)p;
	/* LAB 07 begin STEP 1: keep RC, mark the lane working, queue its work on the pool */
	l->busy = false;
	l->working = true;
	l->rc = rc;
	l->work.data = l;
	uv_queue_work(&m->lanes.loop, &l->work, do_work, after_work);   /* cannot fail */
	/* LAB 07 end, stub: fl_work(m->run, l->req); finish(l, rc); lane_next(l); */
}

/* lanes: lane ID may take its first request. */
static void open_lane(void *ctx, unsigned id)
{
	struct model *m = ctx;

	lane_next(&m->lane[id]);
}

/* lanes: Ctrl-C. Cancel the transfers in flight, wake the sleepers. */
static void cancel(void *ctx)
{
	struct model *m = ctx;

	for (unsigned i = 0; i < m->lanes.opened; i++) {   /* the rest end at */
		struct lane *l = &m->lane[i];                /* their first fl_next */

		if (l->req == NULL || l->working)
			continue;   /* ended, or after_work will finish it */
		/* LAB 06 begin STEP 2: a transfer in flight: take it off the loop, finish it as aborted */
		if (l->busy) {
			lanes_remove(&m->lanes, i, l->easy);
			finish(l, CURLE_ABORTED_BY_CALLBACK);
		}
		/* LAB 06 end, stub: if (l->busy) continue; */
		uv_timer_stop(&l->sleep);
		lane_next(l);
	}
}

/* Set up lane L: its easy handle, its timer. */
static int init_lane(struct model *m, struct lane *l, unsigned id)
{
	l->m = m;
	l->id = id;
	uv_timer_init(&m->lanes.loop, &l->sleep);   /* timers cannot fail */
	l->sleep.data = l;
	if ((l->easy = curl_easy_init()) == NULL)
		return UV_ENOMEM;
	return 0;
}

static int run(struct fl_run *run)
{
	unsigned c = fl_concurrency(run), i;
	struct model m = { .run = run, .live = c };
	char cores[16];

	/* The pool: one thread per core, set before libuv first starts it. */
	snprintf(cores, sizeof cores, "%ld", sysconf(_SC_NPROCESSORS_ONLN));
	setenv("UV_THREADPOOL_SIZE", cores, 0);
	fl_set_threads(run, 1 + (unsigned)atoi(cores));

	if ((m.error = lanes_init(&m.lanes, run, c, on_done, &m)) < 0)
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
		uv_close((uv_handle_t *)&m.lane[i].sleep, NULL);
	}
	m.error = lanes_close(&m.lanes, m.error);   /* and report a failure */
	free(m.lane);
	return m.error;
}

static const struct fl_model model = {
	.name = "offload",
	.summary = "event loop handing each response's CPU work to a thread pool (uv_queue_work)",
	.run = run,
	.loops = true,
};

int main(int argc, char **argv)
{
	return fl_main(argc, argv, &model);
}
