/* trace.c - lab 06's check of where a request leaves the model, seen call
 * by call: a retried, reclassified or cancelled-but-still-running transfer
 * can leave the totals looking right.
 *
 * `fetchlab lab check 06` links the student's model with -Wl,--wrap= for
 * the calls below, and keeps a record per easy handle (the model reuses one
 * per lane). STEP 1's rules are checked when FETCHLAB_LAB_CHECK is set (the
 * rules test); STEP 2's always, as only a Ctrl-C reaches them. The first
 * rule broken is printed as "lab-check: STEP n: ..." and the run aborts.
 * The model runs on one thread: plain statics are enough.
 */
#include "fetchlab/fetchlab.h"
#include "lab_check.h"

void __real_fl_easy_setup(struct fl_run *run, struct fl_request *req, CURL *easy,
			  unsigned lane);
void __real_fl_done(struct fl_run *run, struct fl_request *req, CURLcode rc,
		    CURL *easy);
CURLMcode __real_curl_multi_add_handle(CURLM *multi, CURL *easy);
CURLMcode __real_curl_multi_remove_handle(CURLM *multi, CURL *easy);
CURLMsg *__real_curl_multi_info_read(CURLM *multi, int *left);

/* One easy handle's current request, found by address (C <= 1000). */
static struct handle {
	CURL *easy;
	struct fl_request *req;   /* set up on it and not yet reported, or NULL */
	bool in_multi;            /* added, not yet removed */
	bool ended;               /* libcurl's DONE message came for req */
	bool cancelled;           /* removed while running: a Ctrl-C */
	unsigned id;              /* req's id (at exit req may be freed) */
	CURLcode rc;              /* the DONE message's result */
} handles[4096];

static struct handle *find(CURL *easy)
{
	size_t i = ((size_t)easy >> 4) % 4096;

	while (handles[i].easy != NULL && handles[i].easy != easy)
		i = (i + 1) % 4096;
	handles[i].easy = easy;
	return &handles[i];
}

void __wrap_fl_easy_setup(struct fl_run *run, struct fl_request *req, CURL *easy,
			  unsigned lane)
{
	struct handle *h = find(easy);

	if (h->req == req && h->ended)
		lab_broken(1, "request %u began again after libcurl ended it "
			   "(CURLcode %d): a failure is the request's result; report "
			   "it with fl_done, never retry it", (unsigned)req->id,
			   (int)h->rc);
	if (h->req != NULL && h->req != req && h->ended)
		lab_broken(1, "request %u ended (CURLcode %d) and was never "
			   "reported: finish calls fl_done whatever RC says",
			   (unsigned)h->req->id, (int)h->rc);
	*h = (struct handle){.easy = easy, .req = req, .id = req->id};
	__real_fl_easy_setup(run, req, easy, lane);
}

CURLMcode __wrap_curl_multi_add_handle(CURLM *multi, CURL *easy)
{
	CURLMcode mc = __real_curl_multi_add_handle(multi, easy);
	struct handle *h = find(easy);

	if (mc == CURLM_OK && h->ended)
		lab_broken(1, "request %u began again after libcurl ended it "
			   "(CURLcode %d): a failure is the request's result; report "
			   "it with fl_done, never retry it",
			   h->id, (int)h->rc);
	if (mc == CURLM_OK)
		h->in_multi = true;
	return mc;
}

CURLMcode __wrap_curl_multi_remove_handle(CURLM *multi, CURL *easy)
{
	CURLMcode mc = __real_curl_multi_remove_handle(multi, easy);
	struct handle *h = find(easy);

	if (mc == CURLM_OK && h->in_multi && !h->ended && h->req != NULL)
		h->cancelled = true;
	if (mc == CURLM_OK)
		h->in_multi = false;
	return mc;
}

CURLMsg *__wrap_curl_multi_info_read(CURLM *multi, int *left)
{
	CURLMsg *msg = __real_curl_multi_info_read(multi, left);

	if (msg != NULL && msg->msg == CURLMSG_DONE) {
		struct handle *h = find(msg->easy_handle);

		h->ended = true;
		h->rc = msg->data.result;
	}
	return msg;
}

void __wrap_fl_done(struct fl_run *run, struct fl_request *req, CURLcode rc,
		    CURL *easy)
{
	struct handle *h = find(easy);

	if (h->in_multi)
		lab_broken_always(2, "request %u reported while libcurl still "
				  "has its transfer: lanes_remove it first, or libcurl "
				  "carries on with it (and on_done would report it "
				  "again)", (unsigned)req->id);
	if (h->ended && rc != h->rc)
		lab_broken(1, "request %u reported with CURLcode %d (%s), but "
			   "libcurl ended it with %d (%s): pass RC on as it is, fl_done "
			   "classifies it", (unsigned)req->id, (int)rc,
			   curl_easy_strerror(rc), (int)h->rc, curl_easy_strerror(h->rc));
	h->req = NULL;
	h->ended = h->cancelled = false;
	__real_fl_done(run, req, rc, easy);
}

/* At exit: no cancelled transfer left unreported. */
__attribute__((destructor)) static void at_exit(void)
{
	for (size_t i = 0; i < 4096; i++)
		if (handles[i].cancelled)
			lab_broken_always(2, "request %u was taken off the loop at "
					  "Ctrl-C and never reported: cancel calls "
					  "finish(l, CURLE_ABORTED_BY_CALLBACK) after "
					  "lanes_remove, and finish reports every RC",
					  handles[i].id);
}
