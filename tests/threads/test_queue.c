/* test_queue.c - the bounded queue of impl-threads under contention.
 *
 * Checks: a producer sleeps in queue_reserve while every place is taken, a
 * pop alone does not wake it, and queue_done does; FIFO order for one
 * producer and one consumer; every item delivered exactly once with 4
 * producers and 4 consumers through a tiny ring, in each producer's order;
 * close waking consumers blocked on an empty queue and a producer blocked on
 * a full one; reserve after close. An alarm turns a hang (a lost wakeup)
 * into a failure. Exits 0 when every check passes.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "queue.h"

#define ITEMS 100000   /* per test, split among the producers */
#define PRODUCERS 4
#define CONSUMERS 4

struct shared {
	struct queue q;
	atomic_uint *seen;   /* ITEMS counters: deliveries of each item */
	atomic_int failed;
};

struct producer {
	struct shared *s;
	unsigned first, count;   /* pushes items first+1 .. first+count */
};

struct consumer {
	struct shared *s;
	atomic_bool done;        /* pop returned false */
};

/* Count a failure; say what it was for the first 20. */
static void fail(struct shared *s, const char *what)
{
	if (atomic_fetch_add(&s->failed, 1) < 20)
		fprintf(stderr, "FAIL: %s\n", what);
}

/* Item i travels as the pointer value i + 1, never NULL. */
static void *item(unsigned i) { return (void *)(uintptr_t)(i + 1); }
static unsigned index_of(void *p) { return (unsigned)((uintptr_t)p - 1); }

static void *produce(void *arg)
{
	struct producer *p = arg;

	for (unsigned i = p->first; i < p->first + p->count; i++) {
		if (!queue_reserve(&p->s->q)) {
			fail(p->s, "reserve failed on an open queue");
			break;
		}
		queue_push(&p->s->q, item(i));
	}
	return NULL;
}

/* Pop until closed; count each item and check each producer's items come
 * in the order it pushed them. */
static void *consume(void *arg)
{
	struct consumer *c = arg;
	unsigned last[PRODUCERS] = {0};
	void *p;

	while (queue_pop(&c->s->q, &p)) {
		unsigned i = index_of(p), from = i / (ITEMS / PRODUCERS);

		if (i >= ITEMS) {
			fail(c->s, "popped an item never pushed");
			continue;
		}
		atomic_fetch_add(&c->s->seen[i], 1);
		if (i + 1 <= last[from])
			fail(c->s, "one producer's items out of order");
		last[from] = i + 1;
		queue_done(&c->s->q);
	}
	atomic_store(&c->done, true);
	return NULL;
}

static void nap_ms(long ms)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = ms * 1000000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Reserve a place and push item 2; sets *returned once the reserve is back. */
struct reserver {
	struct shared *s;
	atomic_bool returned;
	bool reserved;
};

static void *reserve_one(void *arg)
{
	struct reserver *r = arg;

	r->reserved = queue_reserve(&r->s->q);
	atomic_store(&r->returned, true);
	if (r->reserved)
		queue_push(&r->s->q, item(2));
	return NULL;
}

/* Wait up to MS milliseconds for *FLAG. Returns its value. */
static bool wait_for(atomic_bool *flag, long ms)
{
	for (long t = 0; t < ms && !atomic_load(flag); t += 5)
		nap_ms(5);
	return atomic_load(flag);
}

/* The not-full wait, alone: with both places of a 2-place queue taken, a
 * reserve sleeps; popping an item does not free its place (its worker is
 * still busy with it), queue_done does, and the reserve then returns. */
static void test_not_full(struct shared *s)
{
	struct reserver r = { .s = s };
	pthread_t t;
	void *got;

	queue_init(&s->q, 2);
	for (unsigned i = 0; i < 2; i++) {
		queue_reserve(&s->q);
		queue_push(&s->q, item(i));
	}
	pthread_create(&t, NULL, reserve_one, &r);
	nap_ms(50);
	if (atomic_load(&r.returned))
		fail(s, "reserve returned while every place was taken");
	if (!queue_pop(&s->q, &got) || index_of(got) != 0)
		fail(s, "the oldest item did not come out first");
	nap_ms(50);
	if (atomic_load(&r.returned))
		fail(s, "reserve returned after a pop, before queue_done");
	queue_done(&s->q);
	if (!wait_for(&r.returned, 2000))
		fail(s, "reserve still asleep 2 s after queue_done freed a place");
	pthread_join(t, NULL);   /* a hang here (no wakeup): alarm */
	if (!r.reserved)
		fail(s, "reserve failed on an open queue");
	if (!queue_pop(&s->q, &got) || index_of(got) != 1 ||
	    !queue_pop(&s->q, &got) || index_of(got) != 2)
		fail(s, "items out of order after the wait");
	queue_destroy(&s->q);
}

/* One producer, one consumer, a ring of 3: order is exactly FIFO. */
static void test_fifo(struct shared *s)
{
	struct producer p = { s, 0, ITEMS };
	pthread_t t;
	void *got;
	unsigned want = 0;

	queue_init(&s->q, 3);
	pthread_create(&t, NULL, produce, &p);
	while (want < ITEMS && queue_pop(&s->q, &got)) {
		if (index_of(got) != want++)
			fail(s, "one producer, one consumer: not FIFO");
		queue_done(&s->q);
	}
	pthread_join(t, NULL);
	if (want != ITEMS)
		fail(s, "one producer, one consumer: items missing");
	queue_destroy(&s->q);
}

/* Many to many through a ring of 8: each item arrives exactly once. */
static void test_many(struct shared *s)
{
	struct producer p[PRODUCERS];
	struct consumer c[CONSUMERS];
	pthread_t pt[PRODUCERS], ct[CONSUMERS];

	for (unsigned i = 0; i < ITEMS; i++)
		atomic_store(&s->seen[i], 0);
	queue_init(&s->q, 8);
	for (int i = 0; i < CONSUMERS; i++) {
		c[i] = (struct consumer){ .s = s };
		pthread_create(&ct[i], NULL, consume, &c[i]);
	}
	for (int i = 0; i < PRODUCERS; i++) {
		p[i] = (struct producer){ s, i * (ITEMS / PRODUCERS), ITEMS / PRODUCERS };
		pthread_create(&pt[i], NULL, produce, &p[i]);
	}
	for (int i = 0; i < PRODUCERS; i++)
		pthread_join(pt[i], NULL);
	queue_close(&s->q);   /* consumers drain what is left, then stop */
	for (int i = 0; i < CONSUMERS; i++)
		pthread_join(ct[i], NULL);
	for (unsigned i = 0; i < ITEMS; i++)
		if (atomic_load(&s->seen[i]) != 1) {
			fprintf(stderr, "item %u delivered %u times\n", i,
				atomic_load(&s->seen[i]));
			fail(s, "many to many: not exactly once");
			break;
		}
	queue_destroy(&s->q);
}

/* Consumers asleep on an empty queue: close wakes all of them. */
static void test_close_empty(struct shared *s)
{
	struct consumer c[CONSUMERS];
	pthread_t ct[CONSUMERS];

	queue_init(&s->q, 4);
	for (int i = 0; i < CONSUMERS; i++) {
		c[i] = (struct consumer){ .s = s };
		pthread_create(&ct[i], NULL, consume, &c[i]);
	}
	nap_ms(50);   /* let them reach pthread_cond_wait */
	for (int i = 0; i < CONSUMERS; i++)
		if (atomic_load(&c[i].done))
			fail(s, "pop returned on an empty open queue");
	queue_close(&s->q);
	for (int i = 0; i < CONSUMERS; i++)
		pthread_join(ct[i], NULL);   /* a lost wakeup hangs here: alarm */
	queue_destroy(&s->q);
}

/* A producer asleep on a full queue: close makes its reserve fail, and the
 * items already in stay poppable. */
static void test_close_full(struct shared *s)
{
	struct reserver r = { .s = s };
	pthread_t t;
	void *got;

	queue_init(&s->q, 2);
	for (unsigned i = 0; i < 2; i++) {
		queue_reserve(&s->q);
		queue_push(&s->q, item(i));
	}
	pthread_create(&t, NULL, reserve_one, &r);   /* blocks: no place */
	nap_ms(50);
	queue_close(&s->q);
	pthread_join(t, NULL);
	if (r.reserved)
		fail(s, "a reserve blocked on a full queue did not fail on close");
	if (queue_reserve(&s->q))
		fail(s, "reserve after close succeeded");
	if (!queue_pop(&s->q, &got) || index_of(got) != 0 ||
	    !queue_pop(&s->q, &got) || index_of(got) != 1)
		fail(s, "items queued before close were lost");
	if (queue_pop(&s->q, &got))
		fail(s, "pop on a closed, drained queue returned an item");
	queue_destroy(&s->q);
}

int main(void)
{
	struct shared s = { .failed = 0 };

	alarm(60);   /* SIGALRM kills us: a hang is a failure, not a stuck CI */
	s.seen = calloc(ITEMS, sizeof *s.seen);
	if (s.seen == NULL)
		return 1;
	if (queue_init(&s.q, 0) != -EINVAL)
		fail(&s, "queue_init accepted a capacity of 0");
	test_not_full(&s);
	test_fifo(&s);
	test_many(&s);
	test_close_empty(&s);
	test_close_full(&s);
	free(s.seen);
	if (atomic_load(&s.failed) != 0)
		return 1;
	printf("queue: all checks passed\n");
	return 0;
}
