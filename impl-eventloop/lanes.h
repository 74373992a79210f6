/* lanes.h - the loop and the C lanes of a loop-based model, over curl_uv.
 *
 * A lane is one place a request can be in flight (a lane of eventloop.c, a
 * coroutine of coroutine.c). This helper runs the loop for the model and
 * owns what is not the concurrency model, so the model files say nothing
 * about it:
 *   groups: the lanes share one multi handle per LANES_GROUP of them, not
 *           one for all (lanes.c says why);
 *   ramp:   lanes open LANES_RAMP per turn of the loop, not all at once;
 *   tick:   after Ctrl-C, the model's CANCEL runs every 100 ms;
 *   lag:    a periodic timer says how late the loop runs (fl_loop_lag).
 * Everything runs on the loop's thread.
 */
#ifndef LANES_H
#define LANES_H

#include "curl_uv.h"
#include "fetchlab/fetchlab.h"

/* Open lane LANE (eventloop.c: give it its first request; coroutine.c:
 * start its coroutine). Called once per lane, from the loop. */
typedef void lanes_open_fn(void *ctx, unsigned lane);
/* Ctrl-C was pressed: cancel what is in flight and wake what sleeps. */
typedef void lanes_cancel_fn(void *ctx);

#define LANES_ELIMIT (-20000)   /* fl_check_limits refused */

struct lanes {
	uv_loop_t loop;            /* the model's one loop: its timers live here */
	struct fl_run *run;
	struct curl_uv *group;     /* one per LANES_GROUP lanes */
	unsigned ngroups;          /* initialized so far */
	unsigned n;                /* lanes */
	unsigned opened;           /* lanes 0..opened-1 have been opened */
	uv_idle_t ramp;            /* opens the next batch on the next turn */
	uv_timer_t tick;           /* checks for Ctrl-C */
	uv_timer_t lag;            /* measures the loop's lag (lanes.c) */
	int64_t lag_due_ns;        /* when lag should fire next */
	lanes_open_fn *open;
	lanes_cancel_fn *cancel;
	void *ctx;                 /* the callbacks' first argument */
	bool loop_ok;              /* the loop was initialized */
};

/* Check the limits for N lanes of RUN, set up the loop and the lanes;
 * DONE(CTX, ...) will hear every finished transfer. Returns 0 or a
 * negative curl_uv error (LANES_ELIMIT: a limit, already reported); call
 * lanes_close either way. */
int lanes_init(struct lanes *l, struct fl_run *run, unsigned n,
	       curl_uv_done_fn *done, void *ctx);

/* Open every lane with OPEN, in lane order (the first batch now, the rest
 * turn by turn), and run the loop until lanes_stop. */
void lanes_run(struct lanes *l, lanes_open_fn *open, lanes_cancel_fn *cancel);
void lanes_stop(struct lanes *l);

/* curl_uv_add / curl_uv_remove for the transfer of lane LANE. */
int lanes_add(struct lanes *l, unsigned lane, CURL *easy);
void lanes_remove(struct lanes *l, unsigned lane, CURL *easy);

/* Close every group (no transfer may be in flight), run the loop until
 * every handle closed so far, the caller's too, has had its close
 * callback, and close the loop. ERROR is the model's failure or 0; the
 * first failure, ERROR or one inside the loop, is reported with fl_error.
 * Returns 0, or -1 after a failure: model.run's result. */
int lanes_close(struct lanes *l, int error);

#endif
