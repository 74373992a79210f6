/* sync.c - the synchronous model: one easy handle, one request at a time.
 *
 * The baseline every other model is read against. curl_easy_perform blocks
 * until the whole response has arrived, so this thread spends nearly all of
 * its time waiting, and throughput can never exceed 1 / delay whatever -c
 * says. The handle is reused, so the connection is kept alive between
 * requests: what we measure is waiting, not connecting.
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

	/* LAB 01 begin STEP 2: set EASY up for REQ, perform it, report how it ended */
	fl_easy_setup(run, req, easy, 0);
	rc = curl_easy_perform(easy);   /* blocks: connect, send, wait, read */
	fl_work(run, req);              /* process the response: --work */
	fl_done(run, req, rc, easy);
	/* LAB 01 end, stub: (void)run; (void)req; (void)easy; (void)rc; */
}

static int run(struct fl_run *run)
{
	/* LAB 01 begin STEP 1: one easy handle for the whole run; claim, wait, fetch */
	struct fl_request *req;
	CURL *easy = curl_easy_init();

	if (easy == NULL) {
		fl_error(run, "curl_easy_init failed: out of memory");
		return -1;
	}
	while (fl_next(run, &req)) {
		wait_until_due(req);
		fetch(run, req, easy);
	}
	curl_easy_cleanup(easy);
	return 0;
	/* LAB 01 end, stub: (void)run; return 0; */
}

static const struct fl_model model = {
	.name = "sync",
	.summary = "synchronous: one easy handle, curl_easy_perform in a loop",
	.run = run,
};

int main(int argc, char **argv)
{
	return fl_main(argc, argv, &model);
}
