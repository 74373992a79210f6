/* trace.c - lab 05's check of how wait_until_due waits, seen call by call:
 * the timings alone hide a timer that fires early and is re-armed, or a
 * loop that sleeps while the other lanes' transfers wait.
 *
 * `fetchlab lab check 05` links the student's model with -Wl,--wrap= for
 * the calls below. The rule test sets FETCHLAB_LAB_CHECK; then the first
 * rule broken is printed as "lab-check: STEP 1: ..." and the run aborts.
 * The model runs on one thread: plain statics are enough.
 */
#include <poll.h>
#include <stddef.h>
#include <sys/select.h>
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
int __real_select(int n, fd_set *r, fd_set *w, fd_set *e, struct timeval *timeout);
int __real_poll(struct pollfd *fds, nfds_t n, int timeout);

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

/* Any sleep on the loop's thread stops every lane's transfers with it:
 * the sleeps of libc, and select or poll with a timeout used as one. */
static int slept(const char *how)
{
	lab_broken(1, "the loop thread slept (%s): every transfer in flight "
		   "waits with it; arm l->sleep for the due time and return false", how);
	return 0;
}

int __wrap_nanosleep(const struct timespec *req, struct timespec *rem)
{
	slept("nanosleep");
	return __real_nanosleep(req, rem);
}

int __wrap_clock_nanosleep(clockid_t clock, int flags, const struct timespec *req,
			   struct timespec *rem)
{
	slept("clock_nanosleep");
	return __real_clock_nanosleep(clock, flags, req, rem);
}

int __wrap_usleep(useconds_t us)
{
	slept("usleep");
	return __real_usleep(us);
}

int __wrap_select(int n, fd_set *r, fd_set *w, fd_set *e, struct timeval *timeout)
{
	if (timeout == NULL || timeout->tv_sec > 0 || timeout->tv_usec > 0)
		slept("select with a timeout");
	return __real_select(n, r, w, e, timeout);
}

int __wrap_poll(struct pollfd *fds, nfds_t n, int timeout)
{
	if (timeout != 0)
		slept("poll with a timeout");
	return __real_poll(fds, n, timeout);
}
