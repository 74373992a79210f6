/* threads.c - the thread-pool model: C workers, each blocking in
 * curl_easy_perform on its own easy handle.
 *
 * sync.c run C times over. The calling thread is the producer: it waits
 * for an idle worker, claims a request, waits until it is due, and pushes it
 * into a bounded queue (queue.c). Each worker pops a request, performs it
 * exactly as sync.c does, and pops again; the kernel overlaps the waits. The
 * price is what this model measures: a stack and a kernel thread per
 * request in flight, and a context switch at every wakeup.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fetchlab/fetchlab.h"
#include "queue.h"

/* One worker thread and what only it touches. */
struct worker {
	struct fl_run *run;
	struct queue *queue;   /* shared: requests waiting for a worker */
	sem_t *idle;           /* shared: one token per worker ready to pop */
	CURL *easy;            /* its own handle: keeps its connection alive */
	unsigned lane;         /* worker index, recorded in each request */
	pthread_t thread;
};

/* Open loop: sleep until the request is due. A late start keeps its due
 * time, so the queueing shows in the latency measured from it. */
static void wait_until_due(const struct fl_request *req)
{
	struct timespec due = {
		.tv_sec = req->due_ns / 1000000000,
		.tv_nsec = req->due_ns % 1000000000,
	};

	if (req->due_ns <= fl_now_ns())
		return;   /* due already, as always in a closed loop: no system call */
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL) == EINTR)
		;   /* EINTR: a signal woke us early; sleep the rest */
}

/* Perform REQ on EASY and wait for it to finish. Only this worker blocks. */
static void start_fetch(struct fl_run *run, struct fl_request *req, CURL *easy,
			unsigned lane)
{
	CURLcode rc;

	fl_easy_setup(run, req, easy, lane);
	rc = curl_easy_perform(easy);   /* blocks: connect, send, wait, read */
	fl_done(run, req, rc, easy);
}

/* A worker's life: say it is idle, pop, perform, repeat. Ends once the
 * queue is closed and drained, so every request pushed is performed. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;
	void *req;

	/* LAB 02 begin STEP 4: forever: say idle (sem_post), pop (false: return), perform */
	for (;;) {
		sem_post(w->idle);
		if (!queue_pop(w->queue, &req))
			return NULL;
		start_fetch(w->run, req, w->easy, w->lane);
	}
	/* LAB 02 end, stub: (void)w; (void)req; return NULL; */
}

/* Block until some worker is idle, taking its token. In a closed loop a
 * request is due when claimed, so claiming it only when a worker is free
 * keeps time spent in our own queue out of the latency from due. */
static void wait_for_idle_worker(sem_t *idle)
{
	while (sem_wait(idle) != 0 && errno == EINTR)
		;
}

/* Start worker threads W[0..C-1], blocked on the empty queue, on stacks of
 * --stack-size (glibc's default is 8 MiB of address space per thread).
 * Returns how many started: C, or fewer after fl_error said why. */
static unsigned start_workers(struct fl_run *run, struct worker *w, unsigned c)
{
	pthread_attr_t attr;
	unsigned i;
	int err;

	pthread_attr_init(&attr);
	err = pthread_attr_setstacksize(&attr, fl_stack_size(run));
	if (err != 0) {
		fl_error(run, "--stack-size %zu: %s (the minimum is %zu)",
			 fl_stack_size(run), strerror(err), (size_t)PTHREAD_STACK_MIN);
		pthread_attr_destroy(&attr);
		return 0;
	}
	for (i = 0; i < c; i++) {
		err = pthread_create(&w[i].thread, &attr, worker_main, &w[i]);
		if (err != 0) {
			fl_error(run, "-c %u: thread %u would not start: %s; a thread "
				 "or memory limit is lower than the checks found (the "
				 "cgroup's pids.max, ulimit -v, vm.overcommit); raise it, "
				 "or lower -c or --stack-size", c, i + 1, strerror(err));
			break;
		}
	}
	pthread_attr_destroy(&attr);
	return i;
}

static int run(struct fl_run *run)
{
	unsigned c = fl_concurrency(run), started = 0, i;
	struct worker *workers;
	struct queue queue;
	sem_t idle;
	struct fl_request *req;
	int rc = -1;

	/* The producer plus C workers. Each worker holds 3 descriptors: its
	 * connection, and the wakeup socketpair of the private multi handle
	 * inside curl_easy_perform (libcurl 7.x). */
	if (fl_check_limits(run, c + 1, 3 * c + 16) < 0)
		return -1;
	workers = calloc(c, sizeof *workers);
	/* C slots: a push follows an idle token, so the queue never holds
	 * more than the idle workers and push never waits; the bound is a
	 * backstop, the tokens are the back-pressure. */
	if (workers == NULL || queue_init(&queue, c) < 0) {
		fl_error(run, "-c %u: out of memory for the workers", c);
		free(workers);
		return -1;
	}
	sem_init(&idle, 0, 0);   /* no worker idle yet; cannot fail */
	for (i = 0; i < c; i++) {
		workers[i] = (struct worker){ .run = run, .queue = &queue,
					    .idle = &idle, .lane = i };
		workers[i].easy = curl_easy_init();
		if (workers[i].easy == NULL) {
			fl_error(run, "-c %u: curl_easy_init failed at worker %u: "
				 "out of memory", c, i);
			goto out;
		}
	}
	/* Every worker must exist before the first claim: if one cannot
	 * start, we fail having claimed nothing, and no request is lost. */
	started = start_workers(run, workers, c);
	if (started == c) {
		for (;;) {
			wait_for_idle_worker(&idle);
			if (!fl_next(run, &req))
				break;
			wait_until_due(req);
			queue_push(&queue, req);   /* cannot fail: only we close */
		}
		fl_set_threads(run, c + 1);
		rc = 0;
	}
out:
	/* LAB 02 begin STEP 5: shut down: close the queue, then join every started worker */
	queue_close(&queue);   /* wakes the idle workers: no more work */
	for (i = 0; i < started; i++)
		pthread_join(workers[i].thread, NULL);
	/* LAB 02 end */
	for (i = 0; i < c; i++)
		curl_easy_cleanup(workers[i].easy);   /* NULL: no-op */
	queue_destroy(&queue);
	sem_destroy(&idle);
	free(workers);
	return rc;
}

static const struct fl_model model = {
	.name = "threads",
	.summary = "thread pool: C workers, each curl_easy_perform on its own handle",
	.run = run,
};

int main(int argc, char **argv)
{
	return fl_main(argc, argv, &model);
}
