/* deadline.c - a min-heap of deadlines behind one timerfd (deadline.h). */
#include <errno.h>
#include <stdlib.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "deadline.h"

static void place(struct deadlines *d, unsigned i, struct deadline *e)
{
	d->heap[i] = e;
	e->index = i;
}

/* Move the entry at I up while it is earlier than its parent. */
static void sift_up(struct deadlines *d, unsigned i)
{
	struct deadline *e = d->heap[i];

	while (i > 1 && d->heap[i / 2]->due_ns > e->due_ns) {
		place(d, i, d->heap[i / 2]);
		i /= 2;
	}
	place(d, i, e);
}

/* Move the entry at I down while a child is earlier. */
static void sift_down(struct deadlines *d, unsigned i)
{
	struct deadline *e = d->heap[i];

	for (;;) {
		unsigned c = 2 * i;

		if (c > d->n)
			break;
		if (c < d->n && d->heap[c + 1]->due_ns < d->heap[c]->due_ns)
			c++;
		if (d->heap[c]->due_ns >= e->due_ns)
			break;
		place(d, i, d->heap[c]);
		i = c;
	}
	place(d, i, e);
}

/* Point the timerfd at the earliest deadline, if that changed. A failed
 * settime leaves the old setting; the next change tries again. */
static void arm(struct deadlines *d)
{
	uint64_t due = d->n ? d->heap[1]->due_ns : 0;
	struct itimerspec it = {
		.it_value = { .tv_sec = (time_t)(due / 1000000000),
			      .tv_nsec = (long)(due % 1000000000) },
	};

	if (due == d->armed_ns)
		return;
	if (timerfd_settime(d->fd, TFD_TIMER_ABSTIME, &it, NULL) == 0)
		d->armed_ns = due;   /* 0: disarmed */
}

static void remove_entry(struct deadlines *d, struct deadline *e);

/* The timerfd expired: fire every deadline that has come, in order. FIRE
 * may add or cancel deadlines; the loop re-reads the heap each time. */
static void on_expiry(uv_poll_t *poll, int status, int events)
{
	struct deadlines *d = poll->data;
	uint64_t count, now = uv_hrtime();

	(void)status;
	(void)events;
	if (read(d->fd, &count, sizeof count) < 0 && errno != EAGAIN)
		return;
	d->armed_ns = 0;   /* an expired timerfd is disarmed */
	while (d->n > 0 && d->heap[1]->due_ns <= now) {
		struct deadline *e = d->heap[1];

		remove_entry(d, e);
		d->fire(d, e);
	}
	arm(d);
}

int deadlines_init(struct deadlines *d, uv_loop_t *loop, deadline_fn *fire)
{
	int r;

	*d = (struct deadlines){ .fire = fire };
	d->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (d->fd < 0)
		return -errno;
	if ((r = uv_poll_init(loop, &d->poll, d->fd)) < 0 ||
	    (r = uv_poll_start(&d->poll, UV_READABLE, on_expiry)) < 0) {
		close(d->fd);
		return r;
	}
	d->poll.data = d;
	return 0;
}

int deadline_add(struct deadlines *d, struct deadline *e, uint64_t due_ns)
{
	if (d->n + 1 >= d->cap) {
		unsigned cap = d->cap ? 2 * d->cap : 1024;
		struct deadline **heap = realloc(d->heap, cap * sizeof *heap);

		if (heap == NULL)
			return UV_ENOMEM;
		d->heap = heap;
		d->cap = cap;
	}
	e->due_ns = due_ns;
	place(d, ++d->n, e);
	sift_up(d, d->n);
	arm(d);
	return 0;
}

/* Take E out of the heap without re-arming. */
static void remove_entry(struct deadlines *d, struct deadline *e)
{
	unsigned i = e->index;
	struct deadline *last;

	if (i == 0)
		return;
	e->index = 0;
	last = d->heap[d->n--];
	if (last != e) {   /* the last entry fills the hole, then finds its place */
		place(d, i, last);
		sift_up(d, i);
		sift_down(d, last->index);
	}
}

void deadline_cancel(struct deadlines *d, struct deadline *e)
{
	remove_entry(d, e);
	arm(d);
}

static void on_poll_closed(uv_handle_t *h)
{
	struct deadlines *d = h->data;

	close(d->fd);
}

void deadlines_close(struct deadlines *d)
{
	uv_close((uv_handle_t *)&d->poll, on_poll_closed);
	free(d->heap);
	d->heap = NULL;
	d->n = d->cap = 0;
}
