/* queue.h - a bounded work queue shared by threads.
 *
 * A ring of CAP pointers guarded by one mutex. The bound counts a request
 * from the moment a producer reserves its place until the worker that took
 * it says it is done, so it bounds the work waiting *and* the work being
 * done. The bound is the back-pressure: queue_reserve sleeps while CAP
 * requests are admitted, and with CAP = the number of workers a place means
 * a worker is free. A producer that reserves before it claims a request
 * therefore never claims work that nobody is free to do.
 */
#ifndef QUEUE_H
#define QUEUE_H

#include <pthread.h>
#include <stdbool.h>

struct queue {
	pthread_mutex_t lock;       /* guards every field below */
	pthread_cond_t not_full;    /* a reserve may proceed: a place freed, or closed */
	pthread_cond_t not_empty;   /* a pop may proceed: an item came, or closed */
	void **slot;                /* cap items; the oldest at head */
	unsigned cap;               /* capacity, >= 1 */
	unsigned head;              /* index of the oldest item */
	unsigned count;             /* items in the ring, waiting for a pop */
	unsigned admitted;          /* places taken: reserved, queued or being done */
	bool closed;                /* no more reserves; pops drain what is left */
};

/* Make Q an empty open queue of CAP (>= 1) places. Returns 0 or -errno. */
int queue_init(struct queue *q, unsigned cap);

/* Free Q. No thread may be inside a queue call. */
void queue_destroy(struct queue *q);

/* Take a place for one item, waiting while all CAP are taken. Returns false
 * if Q is or becomes closed: then no place was taken. */
bool queue_reserve(struct queue *q);

/* Append ITEM into the place the caller reserved, and wake one popper. */
void queue_push(struct queue *q, void *item);

/* Take the oldest item into *ITEM, waiting while Q is empty. Returns false
 * once Q is closed and drained: no item will ever come. The item keeps its
 * place until the caller calls queue_done. */
bool queue_pop(struct queue *q, void **item);

/* One popped item is finished: free its place and wake one reserver. */
void queue_done(struct queue *q);

/* Refuse further reserves and wake every thread waiting in reserve or pop. */
void queue_close(struct queue *q);

#endif
