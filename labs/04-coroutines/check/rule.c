/* rule.c - lab 04's check of the coroutine model's rules: a coroutine is
 * resumed only from the loop, never while libcurl is running; its status
 * says what it is doing; a request is reported once libcurl has finished it,
 * with the CURLcode libcurl gave.
 *
 * `fetchlab lab check 04` links the student's model with
 * -Wl,--wrap=coro_resume,--wrap=curl_multi_socket_action, so every call of
 * either from another object file comes here first. We count how deep we
 * are inside curl_multi_socket_action (whose callbacks are where a resume
 * would re-enter libcurl) and refuse a resume made there. curl_uv.c calls
 * DONE only after socket_action has returned, so the reference never trips.
 * With FETCHLAB_LAB_CHECK set (the rules tests) the first rule broken is
 * printed as "lab-check: STEP n: ..." and the run aborts.
 */
#include <curl/curl.h>

#include "coro.h"
#include "fetchlab/fetchlab.h"
#include "lab_check.h"

int __real_coro_resume(struct coro *co);
int __wrap_coro_resume(struct coro *co);
CURLMcode __real_curl_multi_socket_action(CURLM *multi, curl_socket_t fd,
					  int events, int *running);
CURLMcode __wrap_curl_multi_socket_action(CURLM *multi, curl_socket_t fd,
					  int events, int *running);

void __real_coro_yield(struct coro *co);
CURLMsg *__real_curl_multi_info_read(CURLM *multi, int *left);
CURLMcode __real_curl_multi_add_handle(CURLM *multi, CURL *easy);
CURLMcode __real_curl_multi_remove_handle(CURLM *multi, CURL *easy);
void __real_fl_done(struct fl_run *run, struct fl_request *req, CURLcode rc,
		    CURL *easy);

static int inside_curl;   /* the model runs on one thread */
/* What libcurl said of each easy handle, found by address (C <= 1000). */
static struct seen {
	CURL *easy;
	bool in_multi;   /* added, not yet removed */
	bool ended;      /* a DONE message since the last fl_done */
	CURLcode rc;     /* the DONE message's result */
} seen[4096];

static struct seen *find(CURL *easy)
{
	size_t i = ((size_t)easy >> 4) % 4096;

	while (seen[i].easy != NULL && seen[i].easy != easy)
		i = (i + 1) % 4096;
	seen[i].easy = easy;
	return &seen[i];
}

CURLMcode __wrap_curl_multi_socket_action(CURLM *multi, curl_socket_t fd,
					  int events, int *running)
{
	CURLMcode mc;

	inside_curl++;
	mc = __real_curl_multi_socket_action(multi, fd, events, running);
	inside_curl--;
	return mc;
}

int __wrap_coro_resume(struct coro *co)
{
	int rc;

	if (inside_curl > 0) {
		lab_broken_always(4, "coro_resume called inside "
				  "curl_multi_socket_action (from a libcurl callback): resume "
				  "coroutines only from the loop, after libcurl has returned");
	}
	rc = __real_coro_resume(co);
	if (rc == 0 && coro_status(co) == CORO_RUNNING)
		lab_broken(2, "coro_yield came back to the resumer with the "
		       "coroutine still marked CORO_RUNNING: mark it "
		       "CORO_SUSPENDED before switching, or it cannot be resumed");
	return rc;
}

void __wrap_coro_yield(struct coro *co)
{
	if (coro_status(co) != CORO_RUNNING)
		lab_broken(1, "a coroutine ran while not marked CORO_RUNNING: "
		       "coro_resume sets the status before switching to it");
	__real_coro_yield(co);
}

CURLMcode __wrap_curl_multi_add_handle(CURLM *multi, CURL *easy)
{
	CURLMcode mc = __real_curl_multi_add_handle(multi, easy);

	if (mc == CURLM_OK)
		find(easy)->in_multi = true;
	return mc;
}

CURLMcode __wrap_curl_multi_remove_handle(CURLM *multi, CURL *easy)
{
	CURLMcode mc = __real_curl_multi_remove_handle(multi, easy);

	if (mc == CURLM_OK)
		find(easy)->in_multi = false;
	return mc;
}

CURLMsg *__wrap_curl_multi_info_read(CURLM *multi, int *left)
{
	CURLMsg *msg = __real_curl_multi_info_read(multi, left);

	if (msg != NULL && msg->msg == CURLMSG_DONE) {
		struct seen *e = find(msg->easy_handle);

		e->ended = true;
		e->rc = msg->data.result;
	}
	return msg;
}

void __wrap_fl_done(struct fl_run *run, struct fl_request *req, CURLcode rc,
		    CURL *easy)
{
	struct seen *e = find(easy);

	if (e->in_multi)
		lab_broken(3, "a request reported while libcurl still has its "
		       "transfer: perform adds it, then yields until on_done "
		       "resumes the lane");
	if (e->ended && rc != e->rc)
		lab_broken(4, "the request was reported with a CURLcode other "
		       "than libcurl's: on_done leaves RC in the lane (l->rc) "
		       "before resuming it");
	e->ended = false;
	__real_fl_done(run, req, rc, easy);
}
