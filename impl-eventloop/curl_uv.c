/* curl_uv.c - the glue between libcurl's multi_socket API and libuv.
 *
 * Two conversations run in opposite directions:
 *   curl -> us:  on_socket ("watch fd for IN/OUT", "forget fd") and
 *                on_timer_change ("call me back in N ms").
 *   us -> curl:  curl_multi_socket_action(fd, what happened), from on_poll
 *                when a socket is ready and from on_timeout when the timer
 *                fires; then drain() collects the finished transfers.
 * The rule that shapes the file: libcurl must not be re-entered from its own
 * callbacks (curl_multi_assign is the one documented exception). So the two
 * curl callbacks only talk to libuv, and every call into curl starts from a
 * libuv callback, after the previous one has returned.
 *
 * The poll handles themselves live in sockets.c: cu_socket_watch and
 * cu_socket_unwatch are uv_poll_start and uv_poll_stop, made cheap for
 * kept-alive connections.
 */
#include <stdlib.h>

#include "curl_uv.h"
#include "sockets.h"

/* Transfers drain() collects before it calls DONE on them. */
#define DRAIN_BATCH 64

/* Remember the first failure; the loop callbacks have no caller to tell. */
static void fail(struct curl_uv *cu, int err)
{
	if (cu->error == 0)
		cu->error = err;
}

/* Collect finished transfers, remove each from the multi, then hand them
 * to DONE, a batch at a time until none is left. Collecting first means
 * DONE runs with curl idle, between two curl_multi_info_read calls, so it
 * may add transfers (or resume a coroutine that does). */
static void drain(struct curl_uv *cu)
{
	/* LAB 03 begin STEP 4: collect up to a batch of CURLMSG_DONE (remove each), call DONE on each; repeat */
	struct { CURL *easy; CURLcode rc; } fin[DRAIN_BATCH];
	CURLMsg *msg;
	unsigned n;
	int left;

	do {
		n = 0;
		while (n < DRAIN_BATCH &&
		       (msg = curl_multi_info_read(cu->multi, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			fin[n].easy = msg->easy_handle;   /* copy: removal frees msg */
			fin[n].rc = msg->data.result;
			curl_multi_remove_handle(cu->multi, fin[n].easy);
			n++;
		}
		for (unsigned i = 0; i < n; i++)
			cu->done(cu->ctx, fin[i].easy, fin[i].rc);
	} while (n == DRAIN_BATCH);
	/* LAB 03 end, stub: (void)cu; */
}

/* Tell curl what happened on FD (or that its timer expired), then drain.
 * Drain even when no transfer is left running: the last ones finished in
 * this very call, and their messages wait in the queue. */
static void act(struct curl_uv *cu, curl_socket_t fd, int events)
{
	CURLMcode mc;
	int running;

	mc = curl_multi_socket_action(cu->multi, fd, events, &running);
	if (mc != CURLM_OK)
		fail(cu, CURL_UV_EMULTI(mc));
	drain(cu);
}

/* libuv: a watched socket is ready, or polling it failed (STATUS < 0, e.g.
 * the peer reset it). A failure is curl's to handle: CURL_CSELECT_ERR. */
static void on_poll(uv_poll_t *poll, int status, int events)
{
	/* LAB 03 begin STEP 3: turn STATUS and EVENTS into CURL_CSELECT_IN/OUT/ERR, act on s->fd */
	struct cu_socket *s = poll->data;
	int what = 0;

	if (status < 0)
		what = CURL_CSELECT_ERR;
	else {
		if (events & UV_READABLE)
			what |= CURL_CSELECT_IN;
		if (events & UV_WRITABLE)
			what |= CURL_CSELECT_OUT;
	}
	act(s->cu, s->fd, what);
	/* LAB 03 end, stub: (void)poll; (void)status; (void)events; */
}

/* libuv: curl's timer expired. */
static void on_timeout(uv_timer_t *timer)
{
	act(timer->data, CURL_SOCKET_TIMEOUT, 0);
}

/* curl: watch FD for WHAT (CURL_POLL_IN/OUT/INOUT), or stop (REMOVE).
 * SOCKETP is what we attached to FD with curl_multi_assign, NULL the first
 * time. Runs inside libcurl: no libcurl call but curl_multi_assign. Returns
 * 0, or -1 to make curl fail every transfer (we could not watch FD). */
static int on_socket(CURL *easy, curl_socket_t fd, int what, void *arg,
		     void *socketp)
{
	/* LAB 03 begin STEP 2: REMOVE: unwatch; else find or make the socket (assign it), watch it */
	struct curl_uv *cu = arg;
	struct cu_socket *s = socketp;
	int events = 0, err;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {   /* curl forgets FD and S after this */
		if (s != NULL)
			cu_socket_unwatch(s);
		return 0;
	}
	if (cu->closing)
		return 0;   /* curl_multi_cleanup winding down: watch nothing new */
	if (s == NULL) {   /* new to curl: a new socket, or a number reused */
		if ((s = cu_socket_get(cu, fd)) == NULL)
			return -1;
		curl_multi_assign(cu->multi, fd, s);
	}
	if (what & CURL_POLL_IN)
		events |= UV_READABLE;
	if (what & CURL_POLL_OUT)
		events |= UV_WRITABLE;
	if ((err = cu_socket_watch(s, events, on_poll)) < 0) {
		fail(cu, err);
		return -1;
	}
	return 0;
	/* LAB 03 end, stub: (void)easy; (void)fd; (void)what; (void)arg; (void)socketp; return 0; */
}

/* curl: call socket_action(CURL_SOCKET_TIMEOUT) in MS milliseconds; -1
 * cancels. 0 means "as soon as possible", which must still be later, from
 * the loop: calling socket_action here would re-enter libcurl. A 0 ms libuv
 * timer fires on the loop's next turn. */
static int on_timer_change(CURLM *multi, long ms, void *arg)
{
	/* LAB 03 begin STEP 1: MS < 0: stop the timer; else start it for MS ms with on_timeout */
	struct curl_uv *cu = arg;
	int err;

	(void)multi;
	if (ms < 0)
		err = uv_timer_stop(&cu->timer);
	else
		err = uv_timer_start(&cu->timer, on_timeout, (uint64_t)ms, 0);
	if (err < 0) {
		fail(cu, err);
		return -1;
	}
	return 0;
	/* LAB 03 end, stub: (void)multi; (void)ms; (void)arg; return 0; */
}

int curl_uv_init(struct curl_uv *cu, uv_loop_t *loop, curl_uv_done_fn *done,
		 void *ctx)
{
	int err;

	*cu = (struct curl_uv){ .loop = loop, .done = done, .ctx = ctx };
	if ((cu->multi = curl_multi_init()) == NULL)
		return UV_ENOMEM;
	if ((err = uv_timer_init(loop, &cu->timer)) < 0) {
		curl_multi_cleanup(cu->multi);
		cu->multi = NULL;
		return err;
	}
	cu->timer.data = cu;
	curl_multi_setopt(cu->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(cu->multi, CURLMOPT_SOCKETDATA, cu);
	curl_multi_setopt(cu->multi, CURLMOPT_TIMERFUNCTION, on_timer_change);
	curl_multi_setopt(cu->multi, CURLMOPT_TIMERDATA, cu);
	/* No cap on connections, per host or in total: -c is the only limit.
	 * (0 is also curl's default; it is spelled out because it matters.) */
	curl_multi_setopt(cu->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 0L);
	curl_multi_setopt(cu->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, 0L);
	return 0;
}

int curl_uv_add(struct curl_uv *cu, CURL *easy)
{
	CURLMcode mc;

	/* Every socket this transfer opens is closed through sockets.c. */
	curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, cu_socket_close);
	curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, cu);
	/* Calls on_timer_change(0): the transfer begins on the loop's next turn. */
	if ((mc = curl_multi_add_handle(cu->multi, easy)) != CURLM_OK)
		return CURL_UV_EMULTI(mc);
	return 0;
}

void curl_uv_remove(struct curl_uv *cu, CURL *easy)
{
	curl_multi_remove_handle(cu->multi, easy);   /* drops its message too */
}

void curl_uv_close(struct curl_uv *cu)
{
	cu->closing = true;
	/* Closing the cached connections may call on_socket(REMOVE) and
	 * on_timer_change(-1); both still work. */
	if (cu->multi != NULL)
		curl_multi_cleanup(cu->multi);
	cu->multi = NULL;
	cu_sockets_close(cu);
	uv_close((uv_handle_t *)&cu->timer, NULL);
}

const char *curl_uv_strerror(int err)
{
	if (err <= CURL_UV_EMULTI(0))
		return curl_multi_strerror((CURLMcode)(CURL_UV_EMULTI(0) - err));
	return uv_strerror(err);
}
