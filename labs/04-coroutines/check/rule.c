/* rule.c - lab 04's check of the coroutine model's one rule: a coroutine is
 * resumed only from the loop, never while libcurl is running.
 *
 * `fetchlab lab check 04` links the student's model with
 * -Wl,--wrap=coro_resume,--wrap=curl_multi_socket_action, so every call of
 * either from another object file comes here first. We count how deep we
 * are inside curl_multi_socket_action (whose callbacks are where a resume
 * would re-enter libcurl) and refuse a resume made there. curl_uv.c calls
 * DONE only after socket_action has returned, so the reference never trips.
 */
#include <stdio.h>
#include <stdlib.h>
#include <curl/curl.h>

struct coro;

int __real_coro_resume(struct coro *co);
int __wrap_coro_resume(struct coro *co);
CURLMcode __real_curl_multi_socket_action(CURLM *multi, curl_socket_t fd,
					  int events, int *running);
CURLMcode __wrap_curl_multi_socket_action(CURLM *multi, curl_socket_t fd,
					  int events, int *running);

static int inside_curl;   /* the model runs on one thread */

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
	if (inside_curl > 0) {
		fprintf(stderr, "lab-check: coro_resume called inside "
			"curl_multi_socket_action (from a libcurl callback): resume "
			"coroutines only from the loop, after libcurl has returned\n");
		abort();
	}
	return __real_coro_resume(co);
}
