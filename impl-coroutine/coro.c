/* coro.c - stackful coroutines: create, resume, yield, and their stacks.
 *
 * A coroutine is a function running on a stack of its own: an mmap'ed
 * region with one PROT_NONE guard page at the low end, under the stack,
 * which grows down towards it. coro_resume saves the resumer's registers
 * and stack pointer and loads the coroutine's; coro_yield does the reverse.
 * That switch is a backend's, chosen at build time (coro_internal.h):
 *
 *   asm       coro_switch_x86_64.S: two dozen instructions, no system call.
 *   ucontext  coro_ucontext.c: POSIX swapcontext, portable but slower (a
 *             sigprocmask system call on every switch).
 *
 * Two more concerns live beside this file: coro_guard.c turns a hit in the
 * guard page into a message, and coro_sanitize.h tells ASan, TSan and
 * Valgrind about each stack switch (its hooks are no-ops in a normal build).
 */
#include "coro_internal.h"
#include "coro_sanitize.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

struct coro {
	struct ctx ctx;                 /* this side, while not running */
	struct ctx caller;              /* the resumer's, while running */
	struct coro_pool *pool;
	coro_fn *fn;
	void *arg;
	enum coro_status status;
	struct coro *next;              /* in pool->cache once destroyed */
	char *map;                      /* guard page, then the stack */
	size_t map_size;
	/* What the tools need (coro_sanitize.h). */
	unsigned vg_id;                 /* Valgrind's name for the stack */
	void *asan_fake;                /* our ASan fake stack while suspended */
	const void *caller_lo;          /* the resumer's stack, for ASan */
	size_t caller_size;
	void *tsan_fiber;               /* ours, and the resumer's */
	void *tsan_caller;
};

struct coro_pool {
	size_t page;
	size_t stack_size;              /* default for coro_create */
	struct coro *running;           /* innermost resumed one, for the guard */
	struct coro *cache;             /* destroyed, stack kept for reuse */
	int ncached;
	int max_cached;
	struct coro_guard guard;        /* the overflow handler (coro_guard.c) */
};

/* ---- stacks ---------------------------------------------------------- */

static inline char *stack_lo(const struct coro *co)
{
	return co->map + co->pool->page;
}

static inline size_t stack_len(const struct coro *co)
{
	return co->map_size - co->pool->page;
}

/* Map SIZE bytes of stack (a page multiple) above a guard page into CO.
 * Returns 0 or -errno. */
static int stack_map(struct coro *co, size_t size)
{
	size_t page = co->pool->page;

	co->map_size = page + size;
	co->map = mmap(NULL, co->map_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (co->map == MAP_FAILED)
		return -errno;
	if (mprotect(co->map, page, PROT_NONE) < 0) {
		int rc = -errno;
		munmap(co->map, co->map_size);
		return rc;
	}
	co->vg_id = vg_register(stack_lo(co), stack_lo(co) + size);
	return 0;
}

/* Give CO's stack back to the kernel and free CO. */
static void stack_unmap(struct coro *co)
{
	vg_deregister(co->vg_id);
	asan_forget(stack_lo(co), stack_len(co));
	munmap(co->map, co->map_size);
	free(co);
}

/* ---- pools ----------------------------------------------------------- */

/* Create the calling thread's pool in *POOLP: coroutines of STACK_SIZE bytes
 * of stack by default (0: CORO_STACK_DEFAULT), up to MAX_CACHED destroyed
 * stacks kept for reuse, and the stack-overflow handler installed.
 * One pool per thread: -EBUSY if this thread has one. 0 or -errno. */
int coro_pool_init(struct coro_pool **poolp, size_t stack_size, int max_cached)
{
	struct coro_pool *pool;
	int rc;

	if (max_cached < 0)
		return -EINVAL;
	pool = calloc(1, sizeof(*pool));
	if (!pool)
		return -ENOMEM;
	pool->page = (size_t)sysconf(_SC_PAGESIZE);
	pool->stack_size = stack_size ? stack_size : CORO_STACK_DEFAULT;
	pool->max_cached = max_cached;
	rc = coro_guard_install(&pool->guard, &pool->running, pool->page);
	if (rc < 0) {
		free(pool);
		return rc;
	}
	*poolp = pool;
	return 0;
}

/* Release the cached stacks and the overflow handler. Every coroutine must
 * have been destroyed (live ones would lose their stacks). */
void coro_pool_destroy(struct coro_pool *pool)
{
	struct coro *co;

	if (!pool)
		return;
	while ((co = pool->cache) != NULL) {
		pool->cache = co->next;
		stack_unmap(co);
	}
	coro_guard_remove(&pool->guard);
	free(pool);
}

/* ---- coroutines ------------------------------------------------------ */

static void coro_boot(void *arg) __attribute__((noreturn));

/* Make a suspended coroutine in *COP that will run FN(co, ARG) on a stack
 * of STACK_SIZE bytes (0: the pool's default; rounded up to whole pages).
 * A cached stack of the same size is reused. 0 or -errno (-EINVAL: smaller
 * than two pages, -ENOMEM: out of memory or mappings). */
int coro_create(struct coro_pool *pool, struct coro **cop, coro_fn *fn,
		void *arg, size_t stack_size)
{
	size_t size = stack_size ? stack_size : pool->stack_size;
	struct coro *co, **link;
	int rc;

	size = (size + pool->page - 1) & ~(pool->page - 1);
	if (size < 2 * pool->page)
		return -EINVAL;
	for (link = &pool->cache; *link; link = &(*link)->next)
		if ((*link)->map_size == pool->page + size)
			break;
	if ((co = *link) != NULL) {     /* reuse: O(cache length) search */
		*link = co->next;
		pool->ncached--;
		asan_forget(stack_lo(co), size);
	} else {
		co = calloc(1, sizeof(*co));
		if (!co)
			return -ENOMEM;
		co->pool = pool;
		rc = stack_map(co, size);
		if (rc < 0) {
			free(co);
			return rc;
		}
	}
	co->fn = fn;
	co->arg = arg;
	co->status = CORO_SUSPENDED;
	co->asan_fake = NULL;
	rc = coro_ctx_make(&co->ctx, stack_lo(co), size, coro_boot, co);
	if (rc < 0) {
		stack_unmap(co);
		return rc;
	}
	co->tsan_fiber = tsan_create();
	*cop = co;
	return 0;
}

/* First code on a new stack: run the body, then leave for good. */
static void coro_boot(void *arg)
{
	struct coro *co = arg;

	asan_arrive(NULL, &co->caller_lo, &co->caller_size);
	co->fn(co, co->arg);
	co->status = CORO_DEAD;
	asan_leave(NULL, co->caller_lo, co->caller_size);  /* frees the fake stack */
	tsan_switch(co->tsan_caller);
	coro_switch(&co->ctx, &co->caller);
	__builtin_unreachable();        /* nobody resumes a dead coroutine */
}

/* Run CO until it yields or returns. 0 once it is back (then suspended or
 * dead), or without running it: -EINVAL if it is dead, -EBUSY if it is
 * running (resumed by itself, or by a coroutine it resumed). */
int coro_resume(struct coro *co)
{
	struct coro_pool *pool = co->pool;
	struct coro *outer = pool->running;
	void *fake = NULL;

	if (co->status != CORO_SUSPENDED)
		return co->status == CORO_DEAD ? -EINVAL : -EBUSY;
	/* LAB 04 begin STEP 1: mark it running, switch to it, and once it is back restore `running` */
	co->status = CORO_RUNNING;
	pool->running = co;
	co->tsan_caller = tsan_current();
	asan_leave(&fake, stack_lo(co), stack_len(co));
	tsan_switch(co->tsan_fiber);
	coro_switch(&co->caller, &co->ctx);
	asan_arrive(fake, NULL, NULL);
	pool->running = outer;
	return 0;
	/* LAB 04 end, stub: (void)outer; (void)fake; return -ENOSYS; */
}

/* Suspend CO, which must be the running coroutine (the caller is inside
 * it), and return to its resumer. Returns when CO is resumed again. */
void coro_yield(struct coro *co)
{
	/* LAB 04 begin STEP 2: mark it suspended and switch back to its resumer */
	co->status = CORO_SUSPENDED;
	asan_leave(&co->asan_fake, co->caller_lo, co->caller_size);
	tsan_switch(co->tsan_caller);
	coro_switch(&co->ctx, &co->caller);
	/* resumed, maybe by another resumer: learn its stack */
	asan_arrive(co->asan_fake, &co->caller_lo, &co->caller_size);
	/* LAB 04 end, stub: (void)co; */
}

enum coro_status coro_status(const struct coro *co)
{
	return co->status;
}

/* Free CO, which must not be running. A suspended coroutine's stack is
 * released as it is: destructors of its locals do not run, and whatever
 * they own (heap blocks, curl handles) leaks unless the owner frees it. */
void coro_destroy(struct coro *co)
{
	struct coro_pool *pool;

	if (!co)
		return;
	pool = co->pool;
	tsan_destroy(co->tsan_fiber);
	if (pool->ncached < pool->max_cached) {
		co->next = pool->cache;
		pool->cache = co;
		pool->ncached++;
	} else {
		stack_unmap(co);
	}
}

/* The usable stack of CO: its lowest address, and its size in *SIZE. */
void *coro_stack(const struct coro *co, size_t *size)
{
	if (size)
		*size = stack_len(co);
	return stack_lo(co);
}

const char *coro_backend(void)
{
	return CORO_BACKEND_NAME;
}
