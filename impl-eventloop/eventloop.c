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

#include "curl_uv.h"
#include "fetchlab/fetchlab.h"

/* libcurl 7.x walks the whole connection pool of a multi handle whenever a
 * transfer leaves it: one step per connection, per request. So the lanes
 * come in groups of GROUP, each group with its own multi handle and pool,
 * all driven by the one loop. (At C = 10,000 one pool more than doubles the
 * CPU time per request.) */
#define GROUP 256

/* Lanes opened per turn of the loop. Opening all C at once would put every
 * first request behind every connect (at C = 10,000, a second of them);
 * a batch per turn sends the first requests while later lanes connect. */
#define RAMP 64

/* One of the C lanes. Its easy handle is reused request after request: no
 * allocation per request, and the handle keeps its buffers. (Connections
 * live in the group's pool, shared by the group's lanes.) */
struct slot {
	CURL *easy;
	struct curl_uv *cu;        /* its group's */
	struct fl_request *req;    /* in flight here, or NULL */
	struct slot *next_free;
	unsigned lane;
};

/* The whole model, on run()'s stack. */
struct ev {
	struct fl_run *run;
	uv_loop_t loop;
	struct curl_uv *cu;        /* one per group */
	unsigned ncu;
	uv_timer_t due_timer;      /* open loop: fires when `next` is due */
	uv_timer_t tick;           /* checks for Ctrl-C */
	uv_idle_t ramp;            /* opens more lanes on the loop's next turn */
	unsigned opened;           /* lanes 0..opened-1 have had a request */
	unsigned ramp_left;        /* lanes still to open in this turn */
	struct slot *slots;        /* C of them */
	unsigned nslots;
	struct slot *free;         /* slots with nothing in flight */
	struct fl_request *next;   /* claimed, waiting for its due time */
	unsigned inflight;
	bool no_more;              /* all claimed, or a failure: claim no more */
	int error;                 /* why the run failed, or 0 */
};

static void start_more(struct ev *ev);

static void on_due(uv_timer_t *timer)
{
	start_more(timer->data);
}

/* The loop's next turn: open another batch of lanes. */
static void on_ramp(uv_idle_t *idle)
{
	struct ev *ev = idle->data;

	uv_idle_stop(idle);
	ev->ramp_left = RAMP;
	start_more(ev);
}

/* Open loop: is REQ due? If not, the event loop arms a timer for its due
 * time, and start_more runs again then. A late start keeps its due time, so
 * queueing shows in the latency measured from it. */
static bool wait_until_due(struct ev *ev, const struct fl_request *req)
{
	/* LAB 05 begin STEP 1: due now or late: true; early: arm due_timer for the rest, false */
	int64_t wait_ns = req->due_ns - fl_now_ns();

	if (wait_ns <= 0)
		return true;
	/* libuv counts whole milliseconds from a clock it reads once per turn:
	 * refresh the clock and round up. Should the timer still fire early,
	 * we are asked again and re-arm. */
	uv_update_time(&ev->loop);
	uv_timer_start(&ev->due_timer, on_due, (uint64_t)(wait_ns + 999999) / 1000000, 0);
	return false;
	/* LAB 05 end, stub: (void)ev; (void)req; return true; */
}

/* Begin REQ on slot S; on_done hears the end. Returns 0, or a negative
 * error with REQ not started. */
static int start_fetch(struct ev *ev, struct slot *s, struct fl_request *req)
{
	fl_easy_setup(ev->run, req, s->easy, s->lane);
	curl_easy_setopt(s->easy, CURLOPT_PRIVATE, s);
	s->req = req;
	return curl_uv_add(s->cu, s->easy);
}

/* Fill free slots with due requests; a lane's first request waits for its
 * batch (RAMP). When nothing is left to claim or in flight, stop the loop.
 * Runs at the start, after each completion, when the due timer fires, and
 * on each turn of the ramp. */
static void start_more(struct ev *ev)
{
	struct slot *s;
	int err;

	while (!ev->no_more && ev->free != NULL) {
		if (ev->next == NULL && !fl_next(ev->run, &ev->next)) {
			ev->no_more = true;   /* all claimed, or Ctrl-C */
			break;
		}
		if (!wait_until_due(ev, ev->next))
			return;
		s = ev->free;
		if (s->lane >= ev->opened) {   /* the lane's first request */
			if (ev->ramp_left == 0) {
				uv_idle_start(&ev->ramp, on_ramp);
				return;
			}
			ev->ramp_left--;
			ev->opened = s->lane + 1;
		}
		if ((err = start_fetch(ev, s, ev->next)) < 0) {
			s->req = NULL;
			ev->error = err;
			ev->no_more = true;
			break;
		}
		ev->free = s->next_free;
		ev->next = NULL;
		ev->inflight++;
	}
	if (ev->no_more && ev->inflight == 0)
		uv_stop(&ev->loop);   /* idle connections would keep it running */
}

/* Record the end of slot S's request and put S back on the free list. */
static void finish(struct ev *ev, struct slot *s, CURLcode rc)
{
	/* LAB 06 begin STEP 1: report the request, whatever RC says: exactly once */
	fl_done(ev->run, s->req, rc, s->easy);
	/* LAB 06 end, stub: (void)rc; */
	s->req = NULL;
	s->next_free = ev->free;
	ev->free = s;
	ev->inflight--;
}

/* curl_uv: the transfer on EASY has finished with RC: record it, and start
 * the next request in its place. */
static void on_done(void *ctx, CURL *easy, CURLcode rc)
{
	char *s;

	curl_easy_getinfo(easy, CURLINFO_PRIVATE, &s);
	finish(ctx, (struct slot *)s, rc);
	start_more(ctx);
}

/* Every 100 ms: after Ctrl-C, cancel the transfers in flight. libcurl
 * would notice only when their sockets next stir, maybe seconds later. */
static void on_tick(uv_timer_t *tick)
{
	struct ev *ev = tick->data;

	if (!fl_interrupted(ev->run))
		return;
	ev->no_more = true;
	ev->next = NULL;   /* claimed, never started: the report skips it */
	/* LAB 06 begin STEP 2: cancel every transfer in flight and finish its slot as aborted */
	for (unsigned i = 0; i < ev->nslots; i++) {
		if (ev->slots[i].req != NULL) {
			curl_uv_remove(ev->slots[i].cu, ev->slots[i].easy);
			finish(ev, &ev->slots[i], CURLE_ABORTED_BY_CALLBACK);
		}
	}
	/* LAB 06 end */
	start_more(ev);
}

static int run(struct fl_run *run)
{
	unsigned c = fl_concurrency(run);
	struct ev ev = { .run = run, .nslots = c };
	int err;

	fl_set_threads(run, 1);
	if (fl_check_limits(run, 1, c + 64) < 0)
		return -1;
	if ((err = uv_loop_init(&ev.loop)) < 0) {
		fl_error(run, "uv_loop_init: %s", uv_strerror(err));
		return -1;
	}
	uv_timer_init(&ev.loop, &ev.due_timer);   /* timers cannot fail */
	uv_timer_init(&ev.loop, &ev.tick);
	uv_idle_init(&ev.loop, &ev.ramp);
	ev.due_timer.data = ev.tick.data = ev.ramp.data = &ev;
	ev.ramp_left = RAMP;
	ev.cu = calloc((c + GROUP - 1) / GROUP, sizeof *ev.cu);
	ev.slots = calloc(c, sizeof *ev.slots);
	if (ev.cu == NULL || ev.slots == NULL) {
		ev.error = UV_ENOMEM;
		goto out;
	}
	for (; ev.ncu < (c + GROUP - 1) / GROUP; ev.ncu++) {
		struct curl_uv *cu = &ev.cu[ev.ncu];

		if ((ev.error = curl_uv_init(cu, &ev.loop, on_done, &ev)) < 0)
			goto out;
		/* Keep every connection of the group alive between requests. */
		curl_multi_setopt(cu->multi, CURLMOPT_MAXCONNECTS, (long)GROUP);
	}
	for (unsigned i = c; i-- > 0;) {   /* the free list in lane order */
		if ((ev.slots[i].easy = curl_easy_init()) == NULL) {
			ev.error = UV_ENOMEM;
			goto out;
		}
		ev.slots[i].cu = &ev.cu[i / GROUP];
		ev.slots[i].lane = i;
		ev.slots[i].next_free = ev.free;
		ev.free = &ev.slots[i];
	}

	uv_timer_start(&ev.tick, on_tick, 100, 100);
	start_more(&ev);
	uv_run(&ev.loop, UV_RUN_DEFAULT);   /* until start_more calls uv_stop */

out:
	for (unsigned i = 0; ev.slots != NULL && i < c; i++)
		curl_easy_cleanup(ev.slots[i].easy);   /* NULL is fine */
	free(ev.slots);
	for (unsigned i = 0; i < ev.ncu; i++) {
		if (ev.error == 0)
			ev.error = ev.cu[i].error;   /* a failure inside the loop */
		curl_uv_close(&ev.cu[i]);
	}
	uv_close((uv_handle_t *)&ev.due_timer, NULL);
	uv_close((uv_handle_t *)&ev.tick, NULL);
	uv_close((uv_handle_t *)&ev.ramp, NULL);
	uv_run(&ev.loop, UV_RUN_DEFAULT);   /* the close callbacks; then free */
	uv_loop_close(&ev.loop);
	free(ev.cu);
	if (ev.error != 0) {
		fl_error(run, "-c %u: the event loop failed: %s", c,
			 curl_uv_strerror(ev.error));
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
