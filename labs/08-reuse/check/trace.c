/* trace.c - lab 08's check of the easy handle's life, call by call: made
 * once before the first request, never copied, never told to drop its
 * connection, cleaned up once after the last. A handle made only after a
 * failed request, or one leaked at exit, leaves the connection count
 * right on a run without faults; this names the step.
 *
 * `fetchlab lab check 08` links the student's model with -Wl,--wrap= for
 * the calls below (libfetchlab's calls too: it is a static library, so the
 * options fl_easy_setup sets are told apart by in_setup). The rules test
 * sets FETCHLAB_LAB_CHECK; then the first rule broken is printed as
 * "lab-check: STEP n: ..." and the run aborts. The model runs on one
 * thread: plain statics are enough.
 */
#include <stdarg.h>

#include "fetchlab/fetchlab.h"
#include "lab_check.h"

CURL *__real_curl_easy_init(void);
CURL *__real_curl_easy_duphandle(CURL *easy);
void __real_curl_easy_cleanup(CURL *easy);
CURLcode __real_curl_easy_setopt(CURL *easy, CURLoption option, ...);
void __real_fl_easy_setup(struct fl_run *run, struct fl_request *req, CURL *easy,
			  unsigned lane);
void __real_fl_done(struct fl_run *run, struct fl_request *req, CURLcode rc,
		    CURL *easy);

static struct {
	unsigned made, live;    /* easy handles made, and not cleaned up */
	unsigned set_up;        /* requests set up so far */
	long last_id;           /* the request set up last, -1 before the first */
	bool last_failed;       /* the last request reported was not ok */
	unsigned after_error;   /* handles made right after a failed request */
	bool in_setup;          /* inside fl_easy_setup: the harness's options */
} tr = {.last_id = -1};

/* A second handle, after request last_id. One made only ever after a
 * failed request is judged at exit, where the pattern is known. */
static void another_handle(const char *how)
{
	if (tr.set_up == 0)
		return;   /* before the first request: odd, but no connection lost yet */
	if (tr.last_failed) {
		tr.after_error++;
		return;
	}
	lab_broken(1, "%s after request %ld (%u handle%s made before, %u live): make "
		   "the handle once, before the loop; a new one has no connection, so it "
		   "opens its own", how, tr.last_id, tr.made, tr.made == 1 ? "" : "s",
		   tr.live);
}

CURL *__wrap_curl_easy_init(void)
{
	another_handle("curl_easy_init");
	tr.made++, tr.live++;
	return __real_curl_easy_init();
}

CURL *__wrap_curl_easy_duphandle(CURL *easy)
{
	another_handle("curl_easy_duphandle (a copy has the options, not the "
		       "connection)");
	tr.made++, tr.live++;
	return __real_curl_easy_duphandle(easy);
}

void __wrap_curl_easy_cleanup(CURL *easy)
{
	if (easy != NULL && tr.live > 0)
		tr.live--;
	__real_curl_easy_cleanup(easy);
}

/* Reuse turned off by the model (the harness's own choices are its own). */
static void reuse_off(CURLoption option, long value)
{
	if (tr.in_setup || value == 0)
		return;
	if (option == CURLOPT_FORBID_REUSE)
		lab_broken(2, "CURLOPT_FORBID_REUSE set to %ld (%s %ld): it closes the "
			   "connection after every transfer; leave it unset", value,
			   tr.last_id < 0 ? "before request" : "request",
			   tr.last_id + (tr.last_id < 0));
	if (option == CURLOPT_FRESH_CONNECT)
		lab_broken(2, "CURLOPT_FRESH_CONNECT set to %ld (%s %ld): it opens a new "
			   "connection for the next transfer; leave it unset", value,
			   tr.last_id < 0 ? "before request" : "request",
			   tr.last_id + (tr.last_id < 0));
}

/* curl_easy_setopt takes one argument more, of the type the option's number
 * says (curl.h: CURLOPTTYPE_*): pass it on as that type. */
CURLcode __wrap_curl_easy_setopt(CURL *easy, CURLoption option, ...)
{
	CURLcode rc;
	va_list ap;

	va_start(ap, option);
	if (option < CURLOPTTYPE_OBJECTPOINT) {
		long v = va_arg(ap, long);

		reuse_off(option, v);
		rc = __real_curl_easy_setopt(easy, option, v);
	} else if (option < CURLOPTTYPE_FUNCTIONPOINT) {
		rc = __real_curl_easy_setopt(easy, option, va_arg(ap, void *));
	} else if (option < CURLOPTTYPE_OFF_T) {
		rc = __real_curl_easy_setopt(easy, option, va_arg(ap, void (*)(void)));
	} else if (option < CURLOPTTYPE_BLOB) {
		rc = __real_curl_easy_setopt(easy, option, va_arg(ap, curl_off_t));
	} else {
		rc = __real_curl_easy_setopt(easy, option, va_arg(ap, void *));
	}
	va_end(ap);
	return rc;
}

void __wrap_fl_easy_setup(struct fl_run *run, struct fl_request *req, CURL *easy,
			  unsigned lane)
{
	if (tr.live == 0)
		lab_broken(3, "request %ld set up after the handle was cleaned up (after "
			   "request %ld): curl_easy_cleanup once, after the loop",
			   (long)req->id, tr.last_id);
	tr.set_up++;
	tr.last_id = req->id;
	tr.in_setup = true;
	__real_fl_easy_setup(run, req, easy, lane);
	tr.in_setup = false;
}

void __wrap_fl_done(struct fl_run *run, struct fl_request *req, CURLcode rc,
		    CURL *easy)
{
	__real_fl_done(run, req, rc, easy);
	tr.last_failed = req->klass != FL_OK;
}

/* At exit: no handle made after a failure, the handle cleaned up. */
__attribute__((destructor)) static void at_exit(void)
{
	if (tr.after_error > 0)
		lab_broken(1, "%u new easy handle%s made, each right after a "
			   "failed request: a handle stays usable after an error, "
			   "and a new one opens a new connection; make it once, "
			   "before the loop", tr.after_error,
			   tr.after_error == 1 ? "" : "s");
	if (tr.live > 0)
		lab_broken(3, "%u easy handle%s still live at exit: "
			   "curl_easy_cleanup(easy) once, after the loop", tr.live,
			   tr.live == 1 ? "" : "s");
}
