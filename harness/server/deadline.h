/* deadline.h - wake-ups at exact times, for the server's delays.
 *
 * libuv's timers count whole milliseconds and wake from epoll_wait's
 * millisecond timeout, so a 50 ms delay would answer 0-2 ms late, and every
 * latency the clients measure would carry that error. Here one timerfd
 * (nanoseconds, absolute CLOCK_MONOTONIC, the clock uv_hrtime reads) is
 * armed for the earliest deadline of a min-heap: O(log n) to add or cancel,
 * one system call when the earliest changes.
 */
#ifndef FETCHLAB_SERVER_DEADLINE_H
#define FETCHLAB_SERVER_DEADLINE_H

#include <stdint.h>
#include <uv.h>

struct deadlines;

/* One wake-up, embedded in its owner; FIRE gets it back (container_of). */
struct deadline {
	uint64_t due_ns;   /* uv_hrtime() at which to fire */
	unsigned index;    /* place in the heap, 0 when not queued */
};

typedef void deadline_fn(struct deadlines *d, struct deadline *e);

struct deadlines {
	uv_poll_t poll;             /* watches the timerfd */
	int fd;                     /* the timerfd */
	struct deadline **heap;     /* heap[1..n], earliest first */
	unsigned n, cap;
	uint64_t armed_ns;          /* what the timerfd is set to, 0: nothing */
	deadline_fn *fire;
};

/* Set up D on LOOP; FIRE is called, from the loop, for each deadline that
 * has come. Returns 0 or a negative libuv error. */
int deadlines_init(struct deadlines *d, uv_loop_t *loop, deadline_fn *fire);

/* Queue E (not queued) to fire at DUE_NS. Returns 0 or UV_ENOMEM. */
int deadline_add(struct deadlines *d, struct deadline *e, uint64_t due_ns);

/* Take E out of the queue, if it is in it. */
void deadline_cancel(struct deadlines *d, struct deadline *e);

/* Close the timerfd's poll handle (run the loop after) and free the heap. */
void deadlines_close(struct deadlines *d);

#endif
