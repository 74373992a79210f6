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
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "curl_uv.h"

/* The poll handle for one socket number. It belongs to the number, not to
 * one socket, and it outlives curl's interest: when curl forgets a socket
 * between two requests of a kept-alive connection, the handle stays in
 * epoll, so the next request on it costs no epoll_ctl at all (stopping and
 * restarting would cost three per request). It is stopped when it stirs
 * while curl is not watching (on_poll) and before curl closes the socket
 * (on_close_socket), so a socket number curl reuses starts afresh. */
struct cu_socket {
	uv_poll_t poll;               /* poll.data points back here */
	struct curl_uv *cu;
	curl_socket_t fd;
	int events;                   /* what the handle polls for, 0: stopped */
	bool wanted;                  /* curl watches this socket now */
};

/* A transfer that finished during one socket_action. */
struct cu_finished {
	CURL *easy;
	CURLcode rc;
};

/* Remember the first failure; the loop callbacks have no caller to tell. */
static void fail(struct curl_uv *cu, int err)
{
	if (cu->error == 0)
		cu->error = err;
}

/* Collect every finished transfer, remove each from the multi, then hand
 * them to DONE. Collecting first means DONE runs with curl idle, so it may
 * add transfers (or resume a coroutine that does). cu->cap >= inflight, so
 * the array never has to grow here, where a failure would lose a request. */
static void drain(struct curl_uv *cu)
{
	/* LAB 03 begin STEP 4: collect every CURLMSG_DONE (remove it), then call DONE on each */
	struct cu_finished f;
	CURLMsg *msg;
	unsigned n = 0;
	int left;

	while ((msg = curl_multi_info_read(cu->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		f.easy = msg->easy_handle;   /* copy: removal frees msg */
		f.rc = msg->data.result;
		curl_multi_remove_handle(cu->multi, f.easy);
		cu->fin[n++] = f;
	}
	cu->inflight -= n;
	for (unsigned i = 0; i < n; i++) {
		f = cu->fin[i];   /* DONE may grow (move) cu->fin: reload each time */
		cu->done(cu->ctx, f.easy, f.rc);
	}
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
	/* LAB 03 begin STEP 3: turn STATUS and EVENTS into CURL_CSELECT_* and act on s->fd */
	struct cu_socket *s = poll->data;
	int what = 0;

	if (!s->wanted) {   /* an idle kept-alive socket stirred: stop for now */
		uv_poll_stop(poll);
		s->events = 0;
		return;
	}
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

static void on_socket_closed(uv_handle_t *h)
{
	free(h->data);
}

/* The poll handle for socket number FD, made on first use. Returns NULL
 * after fail() if there is no memory or libuv refuses FD. */
static struct cu_socket *socket_for(struct curl_uv *cu, curl_socket_t fd)
{
	struct cu_socket *s, **byfd;
	unsigned n;
	int err;

	if ((unsigned)fd >= cu->nfds) {
		for (n = cu->nfds ? cu->nfds : 256; n <= (unsigned)fd; n *= 2)
			;
		if ((byfd = realloc(cu->byfd, n * sizeof *byfd)) == NULL)
			goto nomem;
		memset(byfd + cu->nfds, 0, (n - cu->nfds) * sizeof *byfd);
		cu->byfd = byfd;
		cu->nfds = n;
	}
	if ((s = cu->byfd[fd]) != NULL)
		return s;
	if ((s = malloc(sizeof *s)) == NULL)
		goto nomem;
	if ((err = uv_poll_init_socket(cu->loop, &s->poll, fd)) < 0) {
		free(s);
		fail(cu, err);
		return NULL;
	}
	s->poll.data = s;
	s->cu = cu;
	s->fd = fd;
	s->events = 0;
	s->wanted = false;
	cu->byfd[fd] = s;
	return s;
nomem:
	fail(cu, UV_ENOMEM);
	return NULL;
}

/* curl: watch FD for WHAT (CURL_POLL_IN/OUT/INOUT), or stop (REMOVE).
 * SOCKETP is what we attached to FD with curl_multi_assign, NULL the first
 * time. Runs inside libcurl: no libcurl call but curl_multi_assign. Returns
 * 0, or -1 to make curl fail every transfer (we could not watch FD). */
static int on_socket(CURL *easy, curl_socket_t fd, int what, void *arg,
		     void *socketp)
{
	/* LAB 03 begin STEP 2: REMOVE: stop polling; else find or make the poll handle, start it */
	struct curl_uv *cu = arg;
	struct cu_socket *s = socketp;
	int events = 0, err;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		/* curl forgets FD and our pointer after this call. Keep it in
		 * epoll (see struct cu_socket): if curl closes FD, it calls
		 * on_close_socket first. A socket we never saw: nothing to do. */
		if (s != NULL)
			s->wanted = false;
		return 0;
	}
	if (cu->closing)
		return 0;   /* curl_multi_cleanup winding down: watch nothing new */
	if (s == NULL) {   /* new to curl: a new socket, or a number reused */
		if ((s = socket_for(cu, fd)) == NULL)
			return -1;
		curl_multi_assign(cu->multi, fd, s);
	}
	if (what & CURL_POLL_IN)
		events |= UV_READABLE;
	if (what & CURL_POLL_OUT)
		events |= UV_WRITABLE;
	s->wanted = true;
	if (events == s->events)
		return 0;   /* already polling for just this: no system call */
	if ((err = uv_poll_start(&s->poll, events, on_poll)) < 0) {
		fail(cu, err);
		return -1;
	}
	s->events = events;
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

/* curl: close FD. Take it out of epoll first: the kernel drops a closed
 * descriptor from epoll by itself, but libuv would still believe it polled,
 * and would not add the next socket curl opens with the same number. */
static int on_close_socket(void *arg, curl_socket_t fd)
{
	struct curl_uv *cu = arg;
	struct cu_socket *s = (unsigned)fd < cu->nfds ? cu->byfd[fd] : NULL;

	if (s != NULL && s->events != 0) {
		uv_poll_stop(&s->poll);
		s->events = 0;
	}
	if (s != NULL)
		s->wanted = false;
	return close(fd);
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

	if (cu->inflight == cu->cap) {   /* grow here, where failure can be told */
		unsigned cap = cu->cap ? 2 * cu->cap : 64;
		struct cu_finished *fin = realloc(cu->fin, cap * sizeof *fin);

		if (fin == NULL)
			return UV_ENOMEM;
		cu->fin = fin;
		cu->cap = cap;
	}
	/* Every socket this transfer opens is closed through us. */
	curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, on_close_socket);
	curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, cu);
	/* Calls on_timer_change(0): the transfer begins on the loop's next turn. */
	if ((mc = curl_multi_add_handle(cu->multi, easy)) != CURLM_OK)
		return CURL_UV_EMULTI(mc);
	cu->inflight++;
	return 0;
}

void curl_uv_remove(struct curl_uv *cu, CURL *easy)
{
	curl_multi_remove_handle(cu->multi, easy);   /* drops its message too */
	cu->inflight--;
}

void curl_uv_close(struct curl_uv *cu)
{
	cu->closing = true;
	/* Closing the cached connections may call on_socket(REMOVE) and
	 * on_timer_change(-1); both still work. */
	curl_multi_cleanup(cu->multi);
	cu->multi = NULL;
	for (unsigned fd = 0; fd < cu->nfds; fd++)   /* free in the callback */
		if (cu->byfd[fd] != NULL)
			uv_close((uv_handle_t *)&cu->byfd[fd]->poll, on_socket_closed);
	free(cu->byfd);
	cu->byfd = NULL;
	uv_close((uv_handle_t *)&cu->timer, NULL);
	free(cu->fin);
	cu->fin = NULL;
}

const char *curl_uv_strerror(int err)
{
	if (err <= CURL_UV_EMULTI(0))
		return curl_multi_strerror((CURLMcode)(CURL_UV_EMULTI(0) - err));
	return uv_strerror(err);
}
