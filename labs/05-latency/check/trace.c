/* trace.c - lab 05's check of how wait_until_due waits, seen call by call:
 * the timings alone hide a timer that fires early and is re-armed, or a
 * loop that sleeps while the other lanes' transfers wait.
 *
 * `fetchlab lab check 05` links the student's model with -Wl,--wrap= for
 * the calls below. The rule test sets FETCHLAB_LAB_CHECK; then the first
 * rule broken is printed as "lab-check: STEP 1: ..." and the run aborts.
 * The model runs on one thread: plain statics are enough.
 */
#include <stddef.h>
#include <time.h>
#include <unistd.h>

#include "curl_uv.h"
#include "lab_check.h"

int __real_uv_timer_start(uv_timer_t *h, uv_timer_cb cb, uint64_t ms, uint64_t repeat);
void __real_uv_update_time(uv_loop_t *loop);
int __real_nanosleep(const struct timespec *req, struct timespec *rem);
int __real_clock_nanosleep(clockid_t clock, int flags, const struct timespec *req,
			   struct timespec *rem);
int __real_usleep(useconds_t us);

static bool updated;   /* uv_update_time since the last lane timer was armed */

void __wrap_uv_update_time(uv_loop_t *loop)
{
	updated = true;
	__real_uv_update_time(loop);
}

/* A lane's timer: one shot, and not curl's (curl_uv.c's cu->timer, whose
 * data is the struct curl_uv that holds it). lanes.c's timers repeat. */
static bool lane_timer(uv_timer_t *h, uint64_t repeat)
{
	char *cu = h->data;

	return repeat == 0 && (cu == NULL ||
		(uv_timer_t *)(cu + offsetof(struct curl_uv, timer)) != h);
}

int __wrap_uv_timer_start(uv_timer_t *h, uv_timer_cb cb, uint64_t ms, uint64_t repeat)
{
	if (lane_timer(h, repeat)) {
		if (!updated)
			lab_broken(1, "l->sleep armed without uv_update_time(loop) "
				   "first: libuv's clock was read when this loop turn "
				   "began, so the timer fires early by the time the turn "
				   "has taken");
		if (ms == 0)
			lab_broken(1, "l->sleep armed for 0 ms for a request not yet "
				   "due: it fires before the due time and is re-armed "
				   "until it is (a busy wait); round the wait up to "
				   "whole ms, (wait_ns + 999999) / 1000000");
		updated = false;
	}
	return __real_uv_timer_start(h, cb, ms, repeat);
}

/* Any sleep on the loop's thread stops every lane's transfers with it. */
static int slept(void)
{
	lab_broken(1, "the loop thread slept (nanosleep): every transfer in flight "
		   "waits with it; arm l->sleep for the due time and return false");
	return 0;
}

int __wrap_nanosleep(const struct timespec *req, struct timespec *rem)
{
	slept();
	return __real_nanosleep(req, rem);
}

int __wrap_clock_nanosleep(clockid_t clock, int flags, const struct timespec *req,
			   struct timespec *rem)
{
	slept();
	return __real_clock_nanosleep(clock, flags, req, rem);
}

int __wrap_usleep(useconds_t us)
{
	slept();
	return __real_usleep(us);
}
