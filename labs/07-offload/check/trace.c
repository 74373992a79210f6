/* trace.c - lab 07's check of who does what, seen call by call: the loop
 * thread begins and records each request, a pool thread does its work,
 * once, and the record carries libcurl's CURLcode.
 *
 * `fetchlab lab check 07` links the student's model with -Wl,--wrap= for
 * the calls below. The rules test sets FETCHLAB_LAB_CHECK; then the first
 * rule broken is printed as "lab-check: STEP n: ..." and the run aborts.
 * Without it the wrappers only pass calls on: their lock would hide the
 * races the tsan test looks for.
 */
#include <pthread.h>

#include "fetchlab/fetchlab.h"
#include "lab_check.h"

void __real_fl_easy_setup(struct fl_run *run, struct fl_request *req, CURL *easy,
			  unsigned lane);
void __real_fl_work(struct fl_run *run, struct fl_request *req);
void __real_fl_done(struct fl_run *run, struct fl_request *req, CURLcode rc,
		    CURL *easy);
CURLMsg *__real_curl_multi_info_read(CURLM *multi, int *left);

#define MAXID 65536

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t loop;                 /* the thread of the first fl_easy_setup */
static bool loop_known;
static unsigned char works[MAXID];     /* fl_work calls per request id */
static struct { CURL *easy; CURLcode rc; } ended[4096];   /* DONE, by handle */

static size_t slot(CURL *easy)   /* caller holds lock */
{
	size_t i = ((size_t)easy >> 4) % 4096;

	while (ended[i].easy != NULL && ended[i].easy != easy)
		i = (i + 1) % 4096;
	ended[i].easy = easy;
	return i;
}

void __wrap_fl_easy_setup(struct fl_run *run, struct fl_request *req, CURL *easy,
			  unsigned lane)
{
	if (lab_checking()) {
		pthread_mutex_lock(&lock);
		if (!loop_known)
			loop = pthread_self(), loop_known = true;
		ended[slot(easy)].rc = -1;
		pthread_mutex_unlock(&lock);
	}
	__real_fl_easy_setup(run, req, easy, lane);
}

CURLMsg *__wrap_curl_multi_info_read(CURLM *multi, int *left)
{
	CURLMsg *msg = __real_curl_multi_info_read(multi, left);

	if (lab_checking() && msg != NULL && msg->msg == CURLMSG_DONE) {
		pthread_mutex_lock(&lock);
		ended[slot(msg->easy_handle)].rc = msg->data.result;
		pthread_mutex_unlock(&lock);
	}
	return msg;
}

void __wrap_fl_work(struct fl_run *run, struct fl_request *req)
{
	if (lab_checking() && req->id < MAXID) {
		pthread_mutex_lock(&lock);
		if (works[req->id]++ > 0)
			lab_broken(1, "request %u's work ran twice: on_done only "
				   "queues it (uv_queue_work), and do_work does it",
				   (unsigned)req->id);
		pthread_mutex_unlock(&lock);
	}
	__real_fl_work(run, req);
}

void __wrap_fl_done(struct fl_run *run, struct fl_request *req, CURLcode rc,
		    CURL *easy)
{
	if (lab_checking()) {
		CURLcode want;

		pthread_mutex_lock(&lock);
		want = ended[slot(easy)].rc;
		if (loop_known && !pthread_equal(pthread_self(), loop))
			lab_broken(3, "request %u recorded on a pool thread: do_work "
				   "only does the work; after_work, back on the loop, "
				   "finishes the request and carries on",
				   (unsigned)req->id);
		if ((int)want != -1 && rc != want)
			lab_broken(1, "request %u recorded with CURLcode %d, but libcurl "
				   "ended it with %d (%s): on_done keeps RC in the lane "
				   "(l->rc) for after_work", (unsigned)req->id, (int)rc,
				   (int)want, curl_easy_strerror(want));
		pthread_mutex_unlock(&lock);
	}
	__real_fl_done(run, req, rc, easy);
}
