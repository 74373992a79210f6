/* test_curl_uv.c - curl_uv when a transfer is removed mid-connect.
 *
 * libcurl 7.88 to 8.1 close a socket whose connect has not completed
 * without calling CURLOPT_CLOSESOCKETFUNCTION (curl PR #11439). If curl_uv
 * still polls it, libuv's next epoll_ctl on the closed number aborts the
 * process (the Ctrl-C of a --tls --connections fresh run, once in five
 * under ASan). Here it happens every time: a listener that never accepts,
 * its queue full, keeps the connect in progress, and the transfer is
 * removed in the very loop turn in which curl opened its socket.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "curl_uv.h"
#include "tally.h"

#define FILLERS 4   /* connections that fill the listener's queue */

struct test {
	struct curl_uv cu;
	CURL *easy;
	uv_timer_t cancel;
	int done;           /* transfers DONE heard of */
	bool removed;
};

static void on_done(void *ctx, CURL *easy, CURLcode rc)
{
	struct test *t = ctx;

	(void)easy;
	(void)rc;
	t->done++;
}

/* Runs right after curl's own 0 ms timer, in the same loop turn: curl has
 * just opened its socket and asked for it to be watched (not yet in
 * epoll). Remove the transfer now, as Ctrl-C does. */
static void on_cancel(uv_timer_t *timer)
{
	struct test *t = timer->data;

	curl_uv_remove(&t->cu, t->easy);
	t->removed = true;
	uv_close((uv_handle_t *)timer, NULL);
}

/* A listener on 127.0.0.1 that never accepts, with FILLERS connections
 * queued: a further connect stays in progress (its SYN is dropped). */
static int full_listener(int *port, int filler[FILLERS])
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
	    listen(fd, 0) < 0 || getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		return -1;
	*port = ntohs(a.sin_port);
	for (int i = 0; i < FILLERS; i++) {
		filler[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (filler[i] < 0 ||
		    (connect(filler[i], (struct sockaddr *)&a, sizeof a) < 0 &&
		     errno != EINPROGRESS))
			return -1;
	}
	return fd;
}

int main(void)
{
	struct test t = { 0 };
	struct tally tally = { 0 };
	int port, listener, filler[FILLERS];
	char url[64];
	uv_loop_t loop;

	if ((listener = full_listener(&port, filler)) < 0) {
		perror("test_curl_uv: listener");
		return 1;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	uv_loop_init(&loop);
	check(&tally, curl_uv_init(&t.cu, &loop, on_done, &t) == 0, "curl_uv_init");
	t.easy = curl_easy_init();
	snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
	curl_easy_setopt(t.easy, CURLOPT_URL, url);
	curl_easy_setopt(t.easy, CURLOPT_CONNECTTIMEOUT_MS, 30000L);
	check(&tally, curl_uv_add(&t.cu, t.easy) == 0, "curl_uv_add");

	/* Started after curl_uv_add's 0 ms timer, due at the same time: libuv
	 * runs it second, in the same turn. */
	uv_timer_init(&loop, &t.cancel);
	t.cancel.data = &t;
	uv_timer_start(&t.cancel, on_cancel, 0, 0);
	uv_run(&loop, UV_RUN_DEFAULT);   /* aborted here before the fix */

	check(&tally, t.removed, "the transfer was never removed");
	check(&tally, t.done == 0, "DONE heard of a removed transfer (%d)", t.done);
	curl_uv_close(&t.cu);
	uv_run(&loop, UV_RUN_DEFAULT);   /* the close callbacks */
	check(&tally, uv_loop_close(&loop) == 0, "a handle is still open on the loop");
	curl_easy_cleanup(t.easy);
	curl_global_cleanup();
	for (int i = 0; i < FILLERS; i++)
		close(filler[i]);
	close(listener);
	printf("unit-curl-uv: %d passed, %d failed (a transfer removed mid-connect, "
	       "its socket closed by curl alone)\n", tally.passed, tally.failed);
	return tally.failed ? 1 : 0;
}
