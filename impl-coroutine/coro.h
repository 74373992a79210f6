/* coro.h - asymmetric stackful coroutines for one thread.
 *
 * A coroutine is a function with its own stack. coro_resume(co) runs it until
 * it calls coro_yield(co) or returns; the next coro_resume continues right
 * after that yield, locals intact. Nothing here schedules: the caller decides
 * who runs next (fetchlab's model does it from the libuv loop).
 *
 *     static void worker(struct coro *self, void *arg)
 *     {
 *             struct job *job = arg;
 *             start_fetch(job, self);   // on_done will coro_resume(self)
 *             coro_yield(self);         // parked: back to whoever resumed us
 *             use(job->result);         // the loop resumed us: fetch done
 *     }
 *
 *     coro_pool_init(&pool, 0, CORO_CACHE_DEFAULT);
 *     coro_create(pool, &co, worker, &job, 0);
 *     coro_resume(co);                  // runs worker up to its yield
 *     ...                               // later, in on_done: coro_resume(co)
 *     if (coro_status(co) == CORO_DEAD) coro_destroy(co);
 *
 * Costs: a switch is about 10 ns with the asm backend (a function call that
 * swaps a few registers and the stack pointer), 100 times that with
 * ucontext (a system call per switch); a coroutine costs its stack
 * (64 KiB of address space by default, of which only touched pages use RAM)
 * plus one guard page, so an overflow faults instead of corrupting memory.
 * Each stack is two kernel mappings: Linux's default vm.max_map_count
 * (65530) caps a process near 30,000 live coroutines.
 *
 * One pool per thread: coro_pool_init installs a process-wide SIGSEGV
 * handler that turns a guard-page hit into "coro: stack overflow ..." and
 * exit status CORO_OVERFLOW_EXIT, and passes other faults on.
 */
#ifndef FETCHLAB_CORO_H
#define FETCHLAB_CORO_H

#include <stddef.h>

#define CORO_STACK_DEFAULT (64 * 1024)  /* bytes, when a size argument is 0 */
#define CORO_CACHE_DEFAULT 64           /* a good max_cached (0: no cache) */
#define CORO_OVERFLOW_EXIT 86           /* exit status after a stack overflow */

struct coro_pool;       /* stacks and the overflow handler of one thread */
struct coro;

enum coro_status {
	CORO_SUSPENDED,         /* created, or stopped in coro_yield */
	CORO_RUNNING,           /* between coro_resume and its return */
	CORO_DEAD,              /* its function returned */
};

/* The body of a coroutine; SELF is the coroutine, to pass to coro_yield. */
typedef void coro_fn(struct coro *self, void *arg);

/* Pools. stack_size 0 means CORO_STACK_DEFAULT; max_cached is how many
 * destroyed stacks to keep for reuse. 0 or a negative errno (strerror(-rc)). */
int coro_pool_init(struct coro_pool **poolp, size_t stack_size, int max_cached);
void coro_pool_destroy(struct coro_pool *pool);

/* Coroutines. coro_create returns 0 or a negative errno.
 * coro_resume returns 0 once CO has yielded or returned (coro_status says
 * which), or, without running it, -EINVAL if CO is dead and -EBUSY if CO
 * is running: it resumed the caller, directly or through others. */
int coro_create(struct coro_pool *pool, struct coro **cop, coro_fn *fn,
		void *arg, size_t stack_size);
int coro_resume(struct coro *co);
void coro_yield(struct coro *co);
enum coro_status coro_status(const struct coro *co);
void coro_destroy(struct coro *co);

/* Introspection, for tests and benchmarks. */
void *coro_stack(const struct coro *co, size_t *size);
const char *coro_backend(void);         /* "asm" or "ucontext" */

#endif
