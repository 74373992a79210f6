/* ping_pong.c - resume and yield hand control back and forth in order.
 *
 * main and a coroutine append to one log; the log must read exactly as the
 * hand-offs say. A second part checks asymmetry: a coroutine that resumes
 * another gets control back when that one yields, not main. A third checks
 * that a resume that cannot run says why: -EINVAL for a dead coroutine,
 * -EBUSY for a running one (itself, or the coroutine that resumed it).
 */
#include "coro.h"
#include "check.h"

#include <errno.h>

struct log {
	char text[32];
	int len;
};

static void note(struct log *log, char c)
{
	log->text[log->len++] = c;
	log->text[log->len] = '\0';
}

/* Logs 1, 2, 3 with a yield between each; checks its own status. */
static void pong(struct coro *self, void *arg)
{
	struct log *log = arg;

	CHECK(coro_status(self) == CORO_RUNNING);
	note(log, '1');
	coro_yield(self);
	note(log, '2');
	coro_yield(self);
	note(log, '3');
}

struct pair {
	struct log *log;
	struct coro *inner;
};

/* Resumes the inner coroutine twice around its own yield to main. */
static void outer(struct coro *self, void *arg)
{
	struct pair *p = arg;

	note(p->log, 'A');
	CHECK_OK(coro_resume(p->inner));        /* inner logs 1, yields to us */
	note(p->log, 'B');
	coro_yield(self);                       /* to main */
	note(p->log, 'C');
	CHECK_OK(coro_resume(p->inner));        /* inner logs 2 */
	note(p->log, 'D');
}

/* Resumes itself, and the coroutine that resumed it: both are running. */
static void cycle(struct coro *self, void *arg)
{
	struct coro *outer_co = arg;

	CHECK(coro_resume(self) == -EBUSY);
	CHECK(coro_resume(outer_co) == -EBUSY);
	CHECK(coro_status(outer_co) == CORO_RUNNING);
}

/* Resumes the coroutine in *ARG, which tries to resume us back. */
static void resumer(struct coro *self, void *arg)
{
	struct coro **inner = arg;

	CHECK(coro_resume(self) == -EBUSY);
	CHECK_OK(coro_resume(*inner));
	CHECK(coro_status(*inner) == CORO_DEAD);
}

int main(void)
{
	struct coro_pool *pool;
	struct coro *co, *in;
	struct log log = { .len = 0 };
	struct pair pair = { .log = &log };

	CHECK_OK(coro_pool_init(&pool, 0, 4));
	CHECK(coro_pool_init(&pool, 0, 4) == -EBUSY);   /* one per thread */

	note(&log, 'a');
	CHECK_OK(coro_create(pool, &co, pong, &log, 0));
	CHECK(coro_status(co) == CORO_SUSPENDED);
	CHECK_OK(coro_resume(co));
	note(&log, 'b');
	CHECK(coro_status(co) == CORO_SUSPENDED);
	CHECK_OK(coro_resume(co));
	note(&log, 'c');
	CHECK_OK(coro_resume(co));
	note(&log, 'd');
	CHECK(coro_status(co) == CORO_DEAD);
	CHECK(coro_resume(co) == -EINVAL);
	CHECK(strcmp(log.text, "a1b2c3d") == 0);
	coro_destroy(co);

	log.len = 0;
	CHECK_OK(coro_create(pool, &in, pong, &log, 0));
	CHECK_OK(coro_create(pool, &co, outer, &pair, 0));
	pair.inner = in;
	CHECK_OK(coro_resume(co));
	note(&log, 'x');
	CHECK_OK(coro_resume(co));
	note(&log, 'y');
	CHECK(coro_status(co) == CORO_DEAD);
	CHECK(coro_status(in) == CORO_SUSPENDED);
	CHECK(strcmp(log.text, "A1BxC2Dy") == 0);
	coro_destroy(co);
	coro_destroy(in);

	CHECK_OK(coro_create(pool, &co, resumer, &in, 0));
	CHECK_OK(coro_create(pool, &in, cycle, co, 0));
	CHECK_OK(coro_resume(co));
	CHECK(coro_status(co) == CORO_DEAD);
	CHECK(coro_resume(co) == -EINVAL);
	coro_destroy(co);
	coro_destroy(in);

	coro_pool_destroy(pool);
	printf("ping_pong (%s): ok\n", coro_backend());
	return 0;
}
