/* test_deadline.c - the server's exact deadlines (harness/server/deadline.c):
 * 2,000 deadlines over 60 ms, a third of them cancelled, up to 200 more
 * added from inside a firing. Each must fire once, never early, in due order, and a
 * cancelled one never; the loop must end with nothing left armed. */
#include <stdio.h>
#include <stdlib.h>

#include "deadline.h"

#define N 2000

struct item {
	struct deadline d;
	int fired;
	int cancelled;
	uint64_t fired_at;
};

struct state {
	struct item items[N + N / 10];
	unsigned extra;          /* items added from a callback */
	uint64_t last_due;       /* fired so far, in order */
	int out_of_order, early;
	unsigned pending;        /* queued and not cancelled */
};

static struct state st;
static unsigned failed, passed;

static void check(int ok, const char *what)
{
	if (ok) {
		passed++;
	} else {
		failed++;
		printf("FAIL: %s\n", what);
	}
}

static void on_fire(struct deadlines *d, struct deadline *e)
{
	struct item *it = (struct item *)e;   /* d is the first member */
	uint64_t now = uv_hrtime();

	it->fired++;
	it->fired_at = now;
	if (now < e->due_ns)
		st.early++;
	if (e->due_ns < st.last_due)
		st.out_of_order++;
	st.last_due = e->due_ns;
	if (--st.pending == 0)
		deadlines_close(d);   /* nothing left: let uv_run return */
	else if (st.extra < N / 10 && (it - st.items) % 10 == 0) {
		/* Add from inside a firing, as a pipelined request would. */
		struct item *x = &st.items[N + st.extra++];

		st.pending++;
		deadline_add(d, &x->d, now + 1000000 + (uint64_t)(rand() % 5000000));
	}
}

int main(void)
{
	struct deadlines d;
	uv_loop_t loop;
	uint64_t t0;
	unsigned fired = 0, cancelled_fired = 0;

	srand(7);
	uv_loop_init(&loop);
	check(deadlines_init(&d, &loop, on_fire) == 0, "deadlines_init");
	t0 = uv_hrtime();
	for (unsigned i = 0; i < N; i++) {
		check(deadline_add(&d, &st.items[i].d,
				   t0 + 1000000 + (uint64_t)(rand() % 60000000)) == 0,
		      "deadline_add");
		st.pending++;
	}
	for (unsigned i = 0; i < N; i += 3) {
		deadline_cancel(&d, &st.items[i].d);
		deadline_cancel(&d, &st.items[i].d);   /* twice: a no-op */
		st.items[i].cancelled = 1;
		st.pending--;
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);

	for (unsigned i = 0; i < N + st.extra; i++) {
		if (st.items[i].cancelled)
			cancelled_fired += st.items[i].fired;
		else
			fired += st.items[i].fired == 1;
	}
	check(fired == N - (N + 2) / 3 + st.extra, "every queued deadline fired exactly once");
	check(cancelled_fired == 0, "no cancelled deadline fired");
	check(st.early == 0, "no deadline fired early");
	check(st.out_of_order == 0, "deadlines fired in due order");
	check(st.extra > 0, "some deadlines were added from inside a firing");
	printf("%u fired (%u added while firing), %u passed, %u failed\n",
	       fired, st.extra, passed, failed);
	return failed != 0;
}
