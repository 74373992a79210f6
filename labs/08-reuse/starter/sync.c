/* sync.c - lab 08's starter: the synchronous model with a new easy handle
 * for every request.
 *
 * It works: every request is made, checksummed and reported. But a new easy
 * handle has no connection of its own, so every request first opens a TCP
 * connection and, over https, makes a full TLS handshake; cleaning the
 * handle up closes them again. Steps 1-3 (labs/08-reuse/README.md) make one
 * handle live for the whole run, as impl-sync/sync.c does, so its connection
 * is kept alive and every request after the first goes straight to work.
 */
#include <errno.h>
#include <time.h>

#include "fetchlab/fetchlab.h"

/* Open loop: sleep until the request is due. A late start keeps its due
 * time, so the queueing shows in the latency measured from it. */
static void wait_until_due(const struct fl_request *req)
{
	struct timespec due = {
		.tv_sec = req->due_ns / 1000000000,
		.tv_nsec = req->due_ns % 1000000000,
	};

	if (req->due_ns <= fl_now_ns())
		return;   /* due already, as always in a closed loop: no system call */
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL) == EINTR)
		;   /* EINTR: a signal woke us early; sleep the rest */
}

/* Perform REQ on EASY and wait for it to finish. */
static void fetch(struct fl_run *run, struct fl_request *req, CURL *easy)
{
	CURLcode rc;

	fl_easy_setup(run, req, easy, 0);
	rc = curl_easy_perform(easy);   /* blocks: connect, send, wait, read */
	fl_work(run, req);              /* process the response: --work */
	fl_done(run, req, rc, easy);
}

static int run(struct fl_run *run)
{
	struct fl_request *req;

	/* LAB 08 begin STEP 1: make the easy handle here, once, before the loop (NULL: fl_error and return -1) */
	/* LAB 08 end */
	while (fl_next(run, &req)) {
		/* LAB 08 begin STEP 2: fetch every request on that one handle: no handle made or cleaned up in the loop */
		/* LAB 08 end */
		CURL *easy = curl_easy_init();   /* a new handle: no connection yet */

		if (easy == NULL) {
			fl_error(run, "curl_easy_init failed: out of memory");
			return -1;
		}
		wait_until_due(req);
		fetch(run, req, easy);
		curl_easy_cleanup(easy);         /* closes the connection it opened */
	}
	/* LAB 08 begin STEP 3: clean the handle up here, once, after the loop: that closes its connection */
	/* LAB 08 end */
	return 0;
}

static const struct fl_model model = {
	.name = "sync",
	.summary = "synchronous: curl_easy_perform in a loop",
	.run = run,
};

int main(int argc, char **argv)
{
	return fl_main(argc, argv, &model);
}
