/* trace.c - lab 02's check of the queue's waits, seen call by call: an `if`
 * where a `while` belongs, or a signal where every waiter must wake, works
 * on most runs and fails on a rare one.
 *
 * `fetchlab lab check 02` links the student's model with -Wl,--wrap= for
 * the calls below. The rules test sets FETCHLAB_LAB_CHECK; then every other
 * pthread_cond_wait returns at once, as POSIX allows (a spurious wakeup),
 * each queue call's result is checked under the queue's lock, and the first
 * rule broken is printed as "lab-check: STEP n: ..." and the run aborts.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* pthread_timedjoin_np */
#endif
#include <errno.h>
#include <stdatomic.h>
#include <time.h>

#include "lab_check.h"
#include "queue.h"

int __real_pthread_cond_wait(pthread_cond_t *cv, pthread_mutex_t *m);
int __real_pthread_join(pthread_t t, void **ret);
bool __real_queue_reserve(struct queue *q);
bool __real_queue_pop(struct queue *q, void **item);
void __real_queue_close(struct queue *q);

static atomic_uint waits;              /* calls to pthread_cond_wait */
static atomic_int asleep;              /* threads in a real wait on not_empty */
static struct queue *_Atomic closed;   /* the queue queue_close closed */

int __wrap_pthread_cond_wait(pthread_cond_t *cv, pthread_mutex_t *m)
{
	int rc;

	if (lab_checking() && atomic_fetch_add(&waits, 1) % 2 == 0) {
		pthread_mutex_unlock(m);   /* a spurious wakeup */
		pthread_mutex_lock(m);
		return 0;
	}
	atomic_fetch_add(&asleep, 1);
	rc = __real_pthread_cond_wait(cv, m);
	atomic_fetch_sub(&asleep, 1);
	return rc;
}

bool __wrap_queue_reserve(struct queue *q)
{
	bool ok = __real_queue_reserve(q);

	if (!lab_checking())   /* the lock would hide a race from the tsan test */
		return ok;
	pthread_mutex_lock(&q->lock);
	if (q->admitted > q->cap)
		lab_broken(1, "queue_reserve took a place when all were taken: a wait "
			   "can end with none free (spuriously, or another producer "
			   "was first); test again, `while`, not `if`");
	pthread_mutex_unlock(&q->lock);
	return ok;
}

bool __wrap_queue_pop(struct queue *q, void **item)
{
	bool ok = __real_queue_pop(q, item);

	if (!lab_checking())
		return ok;
	pthread_mutex_lock(&q->lock);
	if (ok ? q->count > q->cap : !q->closed)
		lab_broken(3, "queue_pop came back from an empty queue still open: a "
			   "wait can end with nothing there (spuriously, or another "
			   "worker was first); test again, `while`, not `if`, and "
			   "return false only when closed and drained");
	pthread_mutex_unlock(&q->lock);
	return ok;
}

/* Closed once every worker is idle, waiting in queue_pop: each must wake. */
void __wrap_queue_close(struct queue *q)
{
	for (int i = 0; lab_checking() && i < 200; i++) {
		unsigned busy;

		pthread_mutex_lock(&q->lock);
		busy = q->admitted;
		pthread_mutex_unlock(&q->lock);
		if (busy == 0)
			break;
		nanosleep(&(struct timespec){0, 10000000}, NULL);
	}
	__real_queue_close(q);
	atomic_store(&closed, q);
}

/* A worker not back 2 s after the close, while a thread still sleeps in a
 * wait: the close did not wake it. */
int __wrap_pthread_join(pthread_t t, void **ret)
{
	struct timespec by;
	int rc;

	if (!lab_checking() || atomic_load(&closed) == NULL)
		return __real_pthread_join(t, ret);
	clock_gettime(CLOCK_REALTIME, &by);
	by.tv_sec += 2;
	rc = pthread_timedjoin_np(t, ret, &by);
	if (rc == ETIMEDOUT && atomic_load(&asleep) > 0)
		lab_broken(5, "a worker still sleeps in pthread_cond_wait 2 s after "
			   "queue_close: closing changes the answer for every waiter, "
			   "so wake them all (broadcast); a signal wakes one");
	return rc == ETIMEDOUT ? __real_pthread_join(t, ret) : rc;
}
