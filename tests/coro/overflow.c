/* overflow.c - a runaway coroutine dies loudly, never silently.
 *
 * Each case runs in a forked child with stderr piped back:
 *   overflow  unbounded recursion hits the guard page: the child must exit
 *             with CORO_OVERFLOW_EXIT and say "stack overflow in coroutine".
 *   wild      a bad pointer write inside a coroutine is not an overflow:
 *             the handler must pass it on (death by SIGSEGV) and stay quiet.
 *   threads   the overflow again, after another thread's pool (as with
 *             --loops) has come and gone, made before ours or after: the
 *             handler is the process's, and must outlive that pool.
 * Under a sanitizer its own SIGSEGV report is accepted instead (ASan's for
 * the overflow, if it gets there first; ASan's or TSan's for the wild write,
 * as the handler passes that fault on to them).
 */
#include "coro.h"
#include "check.h"

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* Recurse until LIMIT (never reached), 512 bytes a frame. */
static int deep(int n, int limit)
{
	volatile char pad[512];

	pad[0] = (char)n;
	if (n == limit)
		return 0;
	return deep(n + 1, limit) + pad[0];
}

static void runaway(struct coro *self, void *arg)
{
	(void)self;
	*(int *)arg = deep(0, *(volatile int *)arg);
}

static void wild(struct coro *self, void *arg)
{
	int *volatile bad = (int *)16;

	(void)self, (void)arg;
	*bad = 1;
}

/* When the other thread makes its pool: before ours or after. */
enum other { NONE, BEFORE, AFTER };

static pthread_barrier_t made, gone;

/* The other thread: a pool, held until main says go (BEFORE only). */
static void *other_thread(void *arg)
{
	struct coro_pool *pool;

	CHECK_OK(coro_pool_init(&pool, 0, 0));
	if (*(enum other *)arg == BEFORE) {
		pthread_barrier_wait(&made);
		pthread_barrier_wait(&gone);
	}
	coro_pool_destroy(pool);
	return NULL;
}

/* In a child: run BODY in a coroutine with a 16 KiB stack, after another
 * thread's pool came and went as OTHER says. Never returns. */
static void child(coro_fn *body, enum other other)
{
	struct rlimit no_core = { 0, 0 };
	struct coro_pool *pool;
	struct coro *co;
	pthread_t t;
	int limit = 1 << 30;

	setrlimit(RLIMIT_CORE, &no_core);
	pthread_barrier_init(&made, NULL, 2);
	pthread_barrier_init(&gone, NULL, 2);
	if (other == BEFORE) {
		CHECK(pthread_create(&t, NULL, other_thread, &other) == 0);
		pthread_barrier_wait(&made);
	}
	CHECK_OK(coro_pool_init(&pool, 16 * 1024, 0));
	if (other == BEFORE)
		pthread_barrier_wait(&gone);
	else if (other == AFTER)
		CHECK(pthread_create(&t, NULL, other_thread, &other) == 0);
	if (other != NONE)
		CHECK(pthread_join(t, NULL) == 0);
	CHECK_OK(coro_create(pool, &co, body, &limit, 0));
	coro_resume(co);
	fprintf(stderr, "survived\n");
	_exit(0);
}

/* Fork, run child(BODY, OTHER), collect its stderr in OUT and return its
 * status. */
static int run_child(coro_fn *body, enum other other, char *out, size_t size)
{
	int fds[2], status;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	CHECK(pipe(fds) == 0);
	fflush(NULL);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		child(body, other);
	}
	close(fds[1]);
	while (len + 1 < size && (n = read(fds[0], out + len, size - len - 1)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(fds[0]);
	CHECK(waitpid(pid, &status, 0) == pid);
	return status;
}

/* Did a sanitizer report the crash itself (and the child fail)? */
static bool sanitizer_reported(const char *err, int st)
{
	return strstr(err, "Sanitizer") &&
	       (WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st) != 0));
}

/* Did the child report the overflow, by our handler or a sanitizer's? */
static bool overflow_reported(const char *err, int st)
{
	return sanitizer_reported(err, st) ||
	       (WIFEXITED(st) && WEXITSTATUS(st) == CORO_OVERFLOW_EXIT &&
		strstr(err, "coro: stack overflow in coroutine "
			    "(stack 16384 bytes); raise --stack-size\n"));
}

int main(void)
{
	static const char *const other_name[] = { "", " (other pool made before)",
						  " (other pool made after)" };
	static char err[1 << 16];
	int st;

	for (enum other o = NONE; o <= AFTER; o++) {
		st = run_child(runaway, o, err, sizeof(err));
		fprintf(stderr, "overflow child%s said: %s", other_name[o], err);
		CHECK(overflow_reported(err, st));
	}

	st = run_child(wild, NONE, err, sizeof(err));
	fprintf(stderr, "wild child said: %s", err);
	CHECK(!strstr(err, "stack overflow"));
	CHECK(sanitizer_reported(err, st) ||
	      (WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV));
	printf("overflow (%s): ok\n", coro_backend());
	return 0;
}
