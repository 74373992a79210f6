/* trace.c - lab 01's check of how run and fetch use libcurl, call by call:
 * a leaked handle, an ignored CURLcode or a request never reported can all
 * leave the counts looking right on a short run.
 *
 * `fetchlab lab check 01` links the student's model with -Wl,--wrap= for
 * the calls below. The rules test sets FETCHLAB_LAB_CHECK; then the first
 * rule broken is printed as "lab-check: STEP n: ..." and the run aborts.
 * The model runs on one thread: plain statics are enough.
 */
#include "fetchlab/fetchlab.h"
#include "lab_check.h"

CURL *__real_curl_easy_init(void);
void __real_curl_easy_cleanup(CURL *easy);
CURLcode __real_curl_easy_perform(CURL *easy);
void __real_fl_easy_setup(struct fl_run *run, struct fl_request *req, CURL *easy,
			  unsigned lane);
void __real_fl_done(struct fl_run *run, struct fl_request *req, CURLcode rc,
		    CURL *easy);

static struct {
	unsigned made, live;          /* easy handles made, and not cleaned up */
	bool set_up;                  /* fl_easy_setup since the last perform */
	bool owed;                    /* performed, fl_done not yet called */
	CURLcode rc;                  /* what the last perform returned */
} tr;

CURL *__wrap_curl_easy_init(void)
{
	if (tr.live > 0)
		lab_broken(1, "easy handle %ld made while %ld is still live, never "
			   "cleaned up: a leak per request; make one before the loop", 
			   (long)tr.made + 1, (long)tr.live);
	else if (tr.made > 0)
		lab_broken(1, "easy handle %ld made (%ld before): one handle for "
			   "the whole run, reused, so its connection stays open",
			   (long)tr.made + 1, (long)tr.made);
	tr.made++, tr.live++;
	return __real_curl_easy_init();
}

void __wrap_curl_easy_cleanup(CURL *easy)
{
	if (easy != NULL)
		tr.live--;
	__real_curl_easy_cleanup(easy);
}

void __wrap_fl_easy_setup(struct fl_run *run, struct fl_request *req, CURL *easy,
			  unsigned lane)
{
	int64_t early = req->due_ns - fl_now_ns();

	if (early > 1000000)
		lab_broken(1, "request %ld set up %ld ms before it was due: "
			   "wait_until_due(req) before fetch", (long)req->id,
			   (long)(early / 1000000));
	tr.set_up = true;
	__real_fl_easy_setup(run, req, easy, lane);
}

CURLcode __wrap_curl_easy_perform(CURL *easy)
{
	if (tr.owed)
		lab_broken(2, "a request ended with CURLcode %ld and was never reported: "
			   "fl_done for every request, error or not", (long)tr.rc);
	if (!tr.set_up)
		lab_broken(2, "curl_easy_perform without fl_easy_setup for this request: "
			   "the handle still holds the last one's URL and state");
	tr.set_up = false;
	tr.rc = __real_curl_easy_perform(easy);
	tr.owed = true;
	return tr.rc;
}

void __wrap_fl_done(struct fl_run *run, struct fl_request *req, CURLcode rc,
		    CURL *easy)
{
	if (tr.owed && rc != tr.rc)
		lab_broken(2, "fl_done given CURLcode %ld, but curl_easy_perform "
			   "returned %ld: pass rc on as it is", (long)rc, (long)tr.rc);
	tr.owed = false;
	__real_fl_done(run, req, rc, easy);
}

/* At exit: the last request reported, the handle cleaned up. */
__attribute__((destructor)) static void at_exit(void)
{
	if (tr.owed)
		lab_broken(2, "the last request ended with CURLcode %ld and was never "
			   "reported: fl_done for every request, error or not",
			   (long)tr.rc);
	if (tr.live > 0)
		lab_broken(1, "%ld easy handle(s) still live at exit: "
			   "curl_easy_cleanup(easy) after the loop", (long)tr.live);
}
