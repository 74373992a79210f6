/* lanes.h - the C lanes of a loop-based model, over curl_uv.
 *
 * A lane is one place a request can be in flight (a slot of eventloop.c, a
 * coroutine of coroutine.c). This helper owns two workarounds for
 * libcurl's costs so that the model files say nothing about them:
 *   groups: the lanes share one multi handle per LANES_GROUP of them, not
 *           one for all (lanes.c says why);
 *   ramp:   lanes open LANES_RAMP per turn of the loop, not all at once.
 * Everything runs on the loop's thread.
 */
#ifndef LANES_H
#define LANES_H

#include "curl_uv.h"

/* Open LANE: give it its first request (eventloop.c) or start its
 * coroutine (coroutine.c). Called once per lane, from the loop. */
typedef void lanes_open_fn(void *ctx, unsigned lane);

struct lanes {
	uv_loop_t *loop;
	struct curl_uv *group;     /* one per LANES_GROUP lanes */
	unsigned ngroups;          /* initialized so far */
	unsigned n;                /* lanes */
	unsigned opened;           /* lanes 0..opened-1 have been opened */
	uv_idle_t ramp;            /* opens the next batch on the next turn */
	lanes_open_fn *open;
	void *ctx;                 /* DONE's and OPEN's first argument */
};

/* Set up N lanes on LOOP; DONE(CTX, ...) hears every finished transfer.
 * Returns 0 or a negative curl_uv error; call lanes_close either way. */
int lanes_init(struct lanes *l, uv_loop_t *loop, unsigned n,
	       curl_uv_done_fn *done, void *ctx);

/* Open every lane with OPEN(CTX, lane), in lane order: the first batch
 * now, the rest turn by turn. */
void lanes_start(struct lanes *l, lanes_open_fn *open);

/* curl_uv_add / curl_uv_remove for the transfer of lane LANE. */
int lanes_add(struct lanes *l, unsigned lane, CURL *easy);
void lanes_remove(struct lanes *l, unsigned lane, CURL *easy);

/* Close every group (no transfer may be in flight) and run the loop until
 * every handle closed so far has its close callback, the caller's too; then
 * uv_loop_close may follow. Returns the first failure seen inside the loop,
 * or 0. */
int lanes_close(struct lanes *l);

#endif
