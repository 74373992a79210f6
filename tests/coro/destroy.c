/* destroy.c - destroying suspended coroutines releases everything.
 *
 * Coroutines are destroyed never started, stopped mid-body (deep in calls,
 * with locals on the stack) and finished; with the stack cache off (every
 * stack unmapped at once) and on (kept, then unmapped by the pool). Under
 * ASan/LSan the run must end with no leak reports; everywhere, the body
 * past the last yield must never run.
 */
#include "coro.h"
#include "check.h"

struct state {
	int started;
	int finished;
};

/* Recurse N levels with a local buffer in each, then yield forever-ish. */
static void dig(struct coro *self, int n)
{
	volatile char buf[256];

	buf[0] = (char)n;
	if (n > 0)
		dig(self, n - 1);
	else
		coro_yield(self);
	CHECK(buf[0] == (char)n);
}

static void body(struct coro *self, void *arg)
{
	struct state *st = arg;

	st->started++;
	dig(self, 8);
	coro_yield(self);
	st->finished++;
}

/* Create 3 * COUNT coroutines in POOL and end them in the three ways. */
static void round_trip(struct coro_pool *pool, int count)
{
	struct state st = { 0, 0 };
	struct coro *co;

	for (int i = 0; i < count; i++) {
		CHECK_OK(coro_create(pool, &co, body, &st, 0));
		coro_destroy(co);                       /* never started */

		CHECK_OK(coro_create(pool, &co, body, &st, 0));
		CHECK_OK(coro_resume(co));              /* stopped deep in dig */
		coro_destroy(co);

		CHECK_OK(coro_create(pool, &co, body, &st, 0));
		while (coro_status(co) != CORO_DEAD)
			CHECK_OK(coro_resume(co));
		coro_destroy(co);
	}
	CHECK(st.started == 2 * count);
	CHECK(st.finished == count);
}

int main(void)
{
	struct coro_pool *pool;

	CHECK_OK(coro_pool_init(&pool, 0, 0));          /* no cache */
	round_trip(pool, 50);
	coro_pool_destroy(pool);

	CHECK_OK(coro_pool_init(&pool, 0, 8));          /* cached stacks */
	round_trip(pool, 50);
	coro_pool_destroy(pool);
	printf("destroy (%s): ok\n", coro_backend());
	return 0;
}
