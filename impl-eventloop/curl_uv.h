/* curl_uv.h - libcurl's multi_socket interface driven by one libuv loop.
 *
 * libcurl knows what each transfer waits for; libuv knows how to wait for
 * many things at once. The glue tells libuv what curl wants to watch (a
 * socket callback and a timer callback) and tells curl what happened
 * (curl_multi_socket_action). A finished transfer is handed to DONE.
 *
 * Everything runs on the loop's thread. Errors are negative values:
 * libuv's (UV_ENOMEM, ...) or CURL_UV_EMULTI(a CURLMcode); curl_uv_strerror
 * names either.
 */
#ifndef CURL_UV_H
#define CURL_UV_H

#include <stdbool.h>
#include <curl/curl.h>
#include <uv.h>

/* A transfer added with curl_uv_add has finished with RC. EASY is already
 * removed from the multi, and curl_multi_socket_action has returned, so DONE
 * may re-add EASY (or another) with curl_uv_add. DONE must not run the loop
 * or call curl_uv_close. */
typedef void curl_uv_done_fn(void *ctx, CURL *easy, CURLcode rc);

struct cu_socket;     /* the poll handle of one socket number (sockets.c) */

struct curl_uv {
	uv_loop_t *loop;          /* the loop that drives it all (not owned) */
	CURLM *multi;             /* callers may set CURLMOPT_* but callbacks */
	curl_uv_done_fn *done;    /* called once per finished transfer */
	void *ctx;                /* DONE's first argument */
	int error;                /* first failure inside a loop callback, or 0;
	                           * curl then fails the transfers in flight */
	struct fl_run *run;       /* if set, told of each socket closed (sockets.c) */

	/* Private to curl_uv.c and sockets.c. */
	uv_timer_t timer;         /* the one timeout curl asks for */
	struct cu_socket **byfd;  /* poll handles by socket number, or NULL */
	unsigned nfds;            /* length of byfd */
	bool closing;             /* curl_uv_close has begun */
};

/* A CURLMcode as a curl_uv error value: below libuv's error range. */
#define CURL_UV_EMULTI(code) (-10000 - (int)(code))

/* Set up CU on LOOP: a multi handle and its timer. DONE(CTX, ...) will
 * receive every finished transfer. Returns 0 or a negative error. */
int curl_uv_init(struct curl_uv *cu, uv_loop_t *loop, curl_uv_done_fn *done,
		 void *ctx);

/* Start EASY (fully set up, not in any multi). The transfer runs when the
 * loop runs. CURLOPT_PRIVATE stays the caller's: find your state with it in
 * DONE. Returns 0 or a negative error; EASY is not added then. */
int curl_uv_add(struct curl_uv *cu, CURL *easy);

/* Stop EASY's transfer now; DONE will not hear of it. EASY must be in flight
 * (added, not yet handed to DONE); not to be called from DONE. */
void curl_uv_remove(struct curl_uv *cu, CURL *easy);

/* Clean up the multi handle and close the timer and poll handles. Call it
 * with no transfer in flight and not from DONE; then run the loop until it
 * returns, so the close callbacks can run. CU must stay valid until then:
 * its timer is one of the handles being closed. */
void curl_uv_close(struct curl_uv *cu);

/* What a curl_uv error value means. */
const char *curl_uv_strerror(int err);

#endif
