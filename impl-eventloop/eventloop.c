/* eventloop.c - the event-loop model: one thread, one libuv loop, up to C
 * transfers in flight on libcurl's multi interface.
 *
 * Nothing here blocks. Each transfer is a state machine inside libcurl; the
 * loop sleeps in epoll until a socket is ready or a timer expires, and
 * curl_uv.c turns that into progress on the transfer concerned. A request in
 * flight costs an easy handle and a socket, not a thread and its stack, so
 * C = 10,000 is just a longer array. The price: a callback that blocks or
 * computes for long stalls every transfer at once.
 */
#include <stdlib.h>
#include <uv.h>

#include "fetchlab/fetchlab.h"
#include "lanes.h"

/* One of the C lanes: an easy handle reused request after request, so no
 * allocation per request, and the handle keeps its buffers. */
struct lane {
	CURL *easy;
	struct fl_request *req;    /* in flight here, or NULL */
	struct lane *next_free;
	unsigned id;
};

/* The whole model, on run()'s stack. */
struct model {
	struct fl_run *run;
	uv_loop_t loop;
	struct lanes lanes;        /* the transfers (lanes.c, curl_uv.c) */
	uv_timer_t tick;           /* checks for Ctrl-C */
	uv_timer_t due_timer;      /* open loop: fires when `next` is due */
	struct lane *lane;         /* C of them */
	unsigned nlanes;
	struct lane *free;         /* opened lanes with nothing in flight */
	struct fl_request *next;   /* claimed, waiting for its due time */
	unsigned inflight;
	bool no_more;              /* all claimed, or a failure: claim no more */
	int error;                 /* why the run failed, or 0 */
};

static void start_more(struct model *m);

static void on_due(uv_timer_t *timer)
{
	start_more(timer->data);
}

/* Open loop: is REQ due? If not, the event loop arms a timer for its due
 * time, and start_more runs again then. A late start keeps its due time, so
 * queueing shows in the latency measured from it. */
static bool wait_until_due(struct model *m, const struct fl_request *req)
{
	/* LAB 05 begin STEP 1: due now or late: true; early: arm due_timer for the rest, false */
	int64_t wait_ns = req->due_ns - fl_now_ns();

	if (wait_ns <= 0)
		return true;
	/* libuv counts whole milliseconds from a clock it reads once per turn:
	 * refresh the clock and round up. Should the timer still fire early,
	 * we are asked again and re-arm. */
	uv_update_time(&m->loop);
	uv_timer_start(&m->due_timer, on_due, (uint64_t)(wait_ns + 999999) / 1000000, 0);
	return false;
	/* LAB 05 end, stub: (void)m; (void)req; return true; */
}

/* Begin REQ on lane L and return at once: on_done hears the end. Returns
 * 0, or a negative error with REQ recorded as failed. */
static int begin_fetch(struct model *m, struct lane *l, struct fl_request *req)
{
	int err;

	fl_easy_setup(m->run, req, l->easy, l->id);
	curl_easy_setopt(l->easy, CURLOPT_PRIVATE, l);   /* on_done finds it */
	if ((err = lanes_add(&m->lanes, l->id, l->easy)) < 0)
		fl_done(m->run, req, CURLE_FAILED_INIT, l->easy);
	else
		l->req = req;
	return err;
}

/* Fill free lanes with due requests. When nothing is left to claim or in
 * flight, stop the loop. Runs when a lane opens, after each completion, and
 * when the due timer fires. */
static void start_more(struct model *m)
{
	struct lane *l;

	while (!m->no_more && m->free != NULL) {
		if (m->next == NULL && !fl_next(m->run, &m->next)) {
			m->no_more = true;   /* all claimed, or Ctrl-C */
			break;
		}
		if (!wait_until_due(m, m->next))
			return;
		l = m->free;
		m->free = l->next_free;
		if ((m->error = begin_fetch(m, l, m->next)) < 0)
			m->no_more = true;   /* the twins stop claiming alike */
		else
			m->inflight++;
		m->next = NULL;
	}
	if (m->no_more && m->inflight == 0)
		uv_stop(&m->loop);   /* idle connections would keep it running */
}

/* Record the end of lane L's request and put L back on the free list. */
static void finish(struct model *m, struct lane *l, CURLcode rc)
{
	/* LAB 06 begin STEP 1: report the request, whatever RC says: exactly once */
	fl_done(m->run, l->req, rc, l->easy);
	/* LAB 06 end, stub: (void)rc; */
	l->req = NULL;
	l->next_free = m->free;
	m->free = l;
	m->inflight--;
}

/* curl_uv: the transfer on EASY has finished with RC: record it, and start
 * the next request in its place. */
static void on_done(void *ctx, CURL *easy, CURLcode rc)
{
	char *l;

	curl_easy_getinfo(easy, CURLINFO_PRIVATE, &l);
	finish(ctx, (struct lane *)l, rc);
	start_more(ctx);
}

/* lanes: lane ID may take its first request. */
static void open_lane(void *ctx, unsigned id)
{
	struct model *m = ctx;

	m->lane[id].next_free = m->free;
	m->free = &m->lane[id];
	start_more(m);
}

/* Every 100 ms: after Ctrl-C, cancel the transfers in flight. libcurl
 * would notice only when their sockets next stir, maybe seconds later. */
static void on_tick(uv_timer_t *tick)
{
	struct model *m = tick->data;

	if (!fl_interrupted(m->run))
		return;
	m->no_more = true;
	m->next = NULL;   /* claimed, never started: the report skips it */
	/* LAB 06 begin STEP 2: cancel every transfer in flight and finish its lane as aborted */
	for (unsigned i = 0; i < m->nlanes; i++) {
		if (m->lane[i].req != NULL) {
			lanes_remove(&m->lanes, i, m->lane[i].easy);
			finish(m, &m->lane[i], CURLE_ABORTED_BY_CALLBACK);
		}
	}
	/* LAB 06 end */
	start_more(m);
}

/* Set up lane L: its easy handle. */
static int init_lane(struct model *m, struct lane *l, unsigned id)
{
	(void)m;
	l->id = id;
	if ((l->easy = curl_easy_init()) == NULL)
		return UV_ENOMEM;
	return 0;
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
	uv_timer_init(&m.loop, &m.due_timer);
	m.tick.data = m.due_timer.data = &m;
	if ((m.error = lanes_init(&m.lanes, &m.loop, c, on_done, &m)) < 0)
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

	/* Open the lanes: each takes a request, and the loop takes over. */
	uv_timer_start(&m.tick, on_tick, 100, 100);
	lanes_start(&m.lanes, open_lane);
	uv_run(&m.loop, UV_RUN_DEFAULT);   /* until start_more calls uv_stop */

out:
	for (i = 0; i < m.nlanes; i++)
		curl_easy_cleanup(m.lane[i].easy);   /* NULL is fine */
	uv_close((uv_handle_t *)&m.tick, NULL);
	uv_close((uv_handle_t *)&m.due_timer, NULL);
	if ((err = lanes_close(&m.lanes)) < 0 && m.error == 0)
		m.error = err;   /* a failure inside the loop */
	uv_loop_close(&m.loop);
	free(m.lane);
	if (m.error != 0) {
		fl_error(run, "-c %u: the event loop failed: %s", c,
			 curl_uv_strerror(m.error));
		return -1;
	}
	return 0;
}

static const struct fl_model model = {
	.name = "eventloop",
	.summary = "event loop: one thread, libuv driving libcurl's multi_socket",
	.run = run,
};

int main(int argc, char **argv)
{
	return fl_main(argc, argv, &model);
}
