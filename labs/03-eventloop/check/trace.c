/* trace.c - lab 03's check of the rules that no output shows: how curl_uv.c
 * talks to libcurl, seen call by call.
 *
 * `fetchlab lab check 03` links the student's model with -Wl,--wrap= for
 * the calls below, so each call from curl_uv.c comes here first. The rule
 * test sets FETCHLAB_LAB_CHECK; then the first rule broken is printed as
 * "lab-check: STEP n: ..." and the run aborts. Other runs only pass through.
 * The model runs on one thread: plain statics are enough.
 */
#include <stdarg.h>

#include "curl_uv.h"
#include "lab_check.h"
#include "sockets.h"

#define BATCH 64   /* curl_uv.c's DRAIN_BATCH: a full batch may pause the reading */

CURLMcode __real_curl_multi_socket_action(CURLM *m, curl_socket_t fd, int ev, int *running);
CURLMsg *__real_curl_multi_info_read(CURLM *m, int *left);
CURLMcode __real_curl_multi_add_handle(CURLM *m, CURL *easy);
CURLMcode __real_curl_multi_setopt(CURLM *m, CURLMoption opt, ...);
CURLMcode __real_curl_multi_remove_handle(CURLM *m, CURL *easy);
int __real_cu_socket_watch(struct cu_socket *s, int events, uv_poll_cb ready);
void *__real_realloc(void *p, size_t size);

static struct {
	unsigned read;           /* messages read since info_read last said none */
	int left;                /* what the last read said is still queued */
	bool added;              /* a transfer was added since the last read */
	unsigned flying, peak;   /* transfers added and not removed; the most */
	bool in_poll;            /* inside the student's poll callback */
	int status, events;      /* what libuv gave it */
	uv_poll_cb ready;        /* the student's poll callback */
	curl_socket_callback on_socket;
	curl_multi_timer_callback on_timer;
} t = {.left = -1};

/* STEP 4, both halves: every message read before DONE runs (nothing added
 * between two reads), and none left behind for a wakeup that may not come. */
CURLMsg *__wrap_curl_multi_info_read(CURLM *m, int *left)
{
	CURLMsg *msg;

	if (t.added && t.left >= 0 && t.read % BATCH != 0)
		lab_broken(4, "drain called DONE (which adds the next transfer) "
			   "between two curl_multi_info_read calls: collect the "
			   "messages first, then call DONE on each");
	msg = __real_curl_multi_info_read(m, left);
	t.added = false;
	t.read = msg ? t.read + 1 : 0;
	t.left = msg ? *left : -1;
	return msg;
}

CURLMcode __wrap_curl_multi_add_handle(CURLM *m, CURL *easy)
{
	if (t.left > 0 && t.read % BATCH != 0)
		lab_broken(4, "DONE ran (and added the next transfer) while curl "
			   "still had %d message%s queued: read every message curl has "
			   "queued, until curl_multi_info_read returns NULL, then call "
			   "DONE on each", t.left, t.left == 1 ? "" : "s");
	t.added = true;
	if (++t.flying > t.peak)
		t.peak = t.flying;
	return __real_curl_multi_add_handle(m, easy);
}

CURLMcode __wrap_curl_multi_remove_handle(CURLM *m, CURL *easy)
{
	t.flying -= t.flying > 0;
	return __real_curl_multi_remove_handle(m, easy);
}

/* STEP 4's batch costs memory for the transfers in flight, not for every
 * request of the run: a block of more than 32 bytes a transfer (plus 4 KiB)
 * grows with the requests. sockets.c's table (2 KiB for the first 256
 * socket numbers) stays under in the rule test's run. */
void *__wrap_realloc(void *p, size_t size)
{
	if (size > 4096 + 32 * (size_t)t.peak)
		lab_broken(4, "realloc of %zu bytes with at most %u transfers in "
			   "flight: the finished transfers are kept after DONE, so the "
			   "array grows with every request; empty the batch after "
			   "calling DONE (or use a fixed one)", size, t.peak);
	return __real_realloc(p, size);
}

static int expected(int status, int events)
{
	if (status < 0)
		return CURL_CSELECT_ERR;
	return (events & UV_READABLE ? CURL_CSELECT_IN : 0) |
	       (events & UV_WRITABLE ? CURL_CSELECT_OUT : 0);
}

/* Each call starts a turn of act(): the last drain has returned. */
CURLMcode __wrap_curl_multi_socket_action(CURLM *m, curl_socket_t fd, int ev,
					  int *running)
{
	if (t.left > 0)
		lab_broken(4, "drain returned with %d message%s still in curl's "
			   "queue: read every message, until curl_multi_info_read "
			   "returns NULL", t.left, t.left == 1 ? "" : "s");
	t.read = 0, t.left = -1, t.added = false;
	if (t.in_poll && ev != expected(t.status, t.events))
		lab_broken(3, "the poll callback got status %d, events %d and told "
			   "curl %d, wanted %d: a failed poll (status < 0) is "
			   "CURL_CSELECT_ERR, else map UV_READABLE/UV_WRITABLE to "
			   "CURL_CSELECT_IN/OUT", t.status, t.events, ev,
			   expected(t.status, t.events));
	return __real_curl_multi_socket_action(m, fd, ev, running);
}

/* STEP 3: between libuv and the student's poll callback. */
static void ready(uv_poll_t *poll, int status, int events)
{
	t.in_poll = true, t.status = status, t.events = events;
	t.ready(poll, status, events);
	t.in_poll = false;
}

int __wrap_cu_socket_watch(struct cu_socket *s, int events, uv_poll_cb cb)
{
	t.ready = cb;
	return __real_cu_socket_watch(s, events, ready);
}

/* STEP 2: after CURL_POLL_REMOVE the socket is no longer watched. */
static int on_socket(CURL *easy, curl_socket_t fd, int what, void *arg, void *sp)
{
	struct cu_socket *s = sp;
	int rc = t.on_socket(easy, fd, what, arg, sp);

	if (what == CURL_POLL_REMOVE && s != NULL && s->wanted &&
	    uv_is_active((uv_handle_t *)&s->poll))
		lab_broken(2, "on_socket(CURL_POLL_REMOVE) left socket %d "
			   "watched: curl forgets it now, so unwatch it "
			   "(cu_socket_unwatch)", (int)fd);
	return rc;
}

/* STEP 1: after on_timer_change(MS) curl's timer runs (MS >= 0) or not. */
static int on_timer(CURLM *multi, long ms, void *arg)
{
	struct curl_uv *cu = arg;
	int rc = t.on_timer(multi, ms, arg);

	if (rc == 0 && (ms >= 0) != (uv_is_active((uv_handle_t *)&cu->timer) != 0))
		lab_broken(1, "on_timer_change(%ld) left curl's timer %s: curl's "
			   "deadlines (a new transfer, --timeout) reach it only through "
			   "it; ms < 0: uv_timer_stop, else uv_timer_start for ms", ms,
			   ms >= 0 ? "stopped" : "running");
	return rc;
}

/* Stand in for the two curl callbacks; pass every other option on.
 * curl_uv.c passes pointers and longs only, each one register wide. */
CURLMcode __wrap_curl_multi_setopt(CURLM *m, CURLMoption opt, ...)
{
	CURLMcode mc;
	va_list ap;

	va_start(ap, opt);
	if (opt == CURLMOPT_SOCKETFUNCTION) {
		t.on_socket = va_arg(ap, curl_socket_callback);
		mc = __real_curl_multi_setopt(m, opt, on_socket);
	} else if (opt == CURLMOPT_TIMERFUNCTION) {
		t.on_timer = va_arg(ap, curl_multi_timer_callback);
		mc = __real_curl_multi_setopt(m, opt, on_timer);
	} else {
		mc = __real_curl_multi_setopt(m, opt, va_arg(ap, void *));
	}
	va_end(ap);
	return mc;
}
