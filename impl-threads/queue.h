/* queue.h - a bounded work queue shared by threads.
 *
 * A ring of CAP pointers guarded by one mutex. push blocks while the ring is
 * full, pop blocks while it is empty; close ends both waits for good. The
 * bound is the back-pressure: a fast producer sleeps instead of claiming
 * work that nobody is free to do.
 */
#ifndef QUEUE_H
#define QUEUE_H

#include <pthread.h>
#include <stdbool.h>

struct queue {
	pthread_mutex_t lock;       /* guards every field below */
	pthread_cond_t not_full;    /* a push may proceed: a slot freed, or closed */
	pthread_cond_t not_empty;   /* a pop may proceed: an item came, or closed */
	void **slot;                /* cap items; the oldest at head */
	unsigned cap;               /* capacity, >= 1 */
	unsigned head;              /* index of the oldest item */
	unsigned count;             /* items in the ring */
	bool closed;                /* no more pushes; pops drain what is left */
};

/* Make Q an empty open queue of CAP (>= 1) slots. Returns 0 or -errno. */
int queue_init(struct queue *q, unsigned cap);

/* Free Q. No thread may be inside a queue call. */
void queue_destroy(struct queue *q);

/* Append ITEM, waiting while Q is full. Returns false, and leaves ITEM to
 * the caller, if Q is or becomes closed. */
bool queue_push(struct queue *q, void *item);

/* Take the oldest item into *ITEM, waiting while Q is empty. Returns false
 * once Q is closed and drained: no item will ever come. */
bool queue_pop(struct queue *q, void **item);

/* Refuse further pushes and wake every thread waiting in push or pop. */
void queue_close(struct queue *q);

#endif
