/* conn.c - one connection: read requests, answer them in order, close.
 * A state machine driven by libuv callbacks (read, write, timer) and by the
 * exact deadline of an asked delay (deadline.c). All of a connection's
 * memory is one allocation made at accept: a request allocates nothing.
 */
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/err.h>

#include "fetchlab/body.h"
#include "conn.h"
#include "http.h"

#define OUT_CAP        (16 * 1024)   /* one write: the head and a body chunk */
#define TRICKLE_BYTES  16            /* fault=trickle sends this much ... */
#define TRICKLE_MS     100           /* ... this often */
#define LINGER_MS      1000          /* how long a closing connection drains */
#define QUANTUM        (16 * OUT_CAP) /* bytes a connection writes in one turn */
#define TLS_OUT_CAP    (OUT_CAP + 1024) /* a record of out[] and its overhead */

enum state {
	IDLE,     /* waiting for (the rest of) a request: the idle or header timer */
	DELAY,    /* the timer runs down the asked delay */
	SEND,     /* answering: a write in flight, or the trickle timer */
	STALL,    /* fault=stall: never answer, wait for the client to leave */
	LINGER,   /* last answer sent, write side shut: drain until EOF */
	CLOSED,   /* uv_close called; freed when both handles have closed */
};

struct conn {
	uv_tcp_t tcp;
	uv_timer_t timer;          /* IDLE's timeouts, the trickle pace, the linger limit */
	struct deadline delay;     /* the asked delay (deadline.c: not ms-rounded) */
	uv_write_t write;          /* the one write in flight */
	uv_shutdown_t shutdown;
	struct conn_set *set;
	struct conn *prev, *next;  /* in set */
	enum state state;
	int handles;               /* open handles; free at 0 */
	bool reading;              /* uv_read_start in effect */
	bool eof;                  /* the client has sent all it will */
	bool in_head;              /* IDLE with part of a request: the header timer runs */
	struct http_plan plan;     /* the answer under way */
	bool head_sent;
	uint64_t sent;             /* body bytes handed to the kernel */
	uint64_t stop;             /* body bytes to send before the fault acts */
	SSL *ssl;                  /* HTTPS: the session (memory BIOs), else NULL */
	bool tls_writing;          /* HTTPS: tls_out[] is in a write in flight */
	size_t in_off, in_len;     /* in[in_off, in_len): bytes not parsed yet */
	char in[HTTP_MAX_HEAD];    /* fields from here on are not zeroed at accept */
	char out[OUT_CAP];         /* plaintext: the answer's next piece */
	char tls_out[];            /* HTTPS: ciphertext on its way (TLS_OUT_CAP) */
};

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);
static void on_write(uv_write_t *w, int status);
static void on_timer(uv_timer_t *t);
static void on_shutdown(uv_shutdown_t *req, int status);
static void on_close(uv_handle_t *h);
static void serve(struct conn *c);
static void wait_for_request(struct conn *c);
static void reset(struct conn *c);
static void send_more(struct conn *c);
static void conn_close(struct conn *c);
static void tls_read(struct conn *c, const char *data, size_t n);
static int tls_pull(struct conn *c);
static void send_more_tls(struct conn *c);

/* At the cap: close the oldest connection that waits for a request, so a
 * new client gets its place. Those that are answering are left alone. */
static bool evict_one(struct conn_set *set)
{
	for (struct conn *c = set->last; c != NULL; c = c->prev)
		if (c->state == IDLE) {
			set->evicted++;
			conn_close(c);
			return true;
		}
	return false;
}

static void on_refused_close(uv_handle_t *h)
{
	free(h);
}

/* No place, and every connection is answering: accept the new one and
 * close it at once (libuv stops listening until a pending connection is
 * accepted). UV_EBUSY, or a negative libuv error. */
static int refuse(uv_stream_t *listener)
{
	uv_tcp_t *t = malloc(sizeof *t);
	int r;

	if (t == NULL)
		return UV_ENOMEM;
	uv_tcp_init(listener->loop, t);
	r = uv_accept(listener, (uv_stream_t *)t);
	uv_close((uv_handle_t *)t, on_refused_close);
	return r < 0 ? r : UV_EBUSY;
}

int conn_accept(struct conn_set *set, uv_stream_t *listener)
{
	struct conn *c;
	int r;

	if (set->count >= set->cap && !evict_one(set))
		return refuse(listener);
	if ((c = malloc(sizeof *c + (set->tls ? TLS_OUT_CAP : 0))) == NULL)
		return UV_ENOMEM;
	/* Zero the fields but not the buffers: an idle connection's buffers
	 * then stay untouched pages, which is what lets 10,000 of them fit. */
	memset(c, 0, offsetof(struct conn, in));
	r = uv_tcp_init(listener->loop, &c->tcp);
	if (r < 0) {
		free(c);
		return r;
	}
	uv_timer_init(listener->loop, &c->timer);
	c->tcp.data = c->timer.data = c;
	c->handles = 2;
	c->set = set;
	c->next = set->first;
	if (set->first)
		set->first->prev = c;
	else
		set->last = c;
	set->first = c;
	set->count++;

	r = uv_accept(listener, (uv_stream_t *)&c->tcp);
	if (r == 0 && set->tls && (c->ssl = tls_session_new(set->tls)) == NULL)
		r = UV_EBUSY;   /* no memory for a session: the client comes back */
	if (r == 0)
		r = uv_tcp_nodelay(&c->tcp, 1);   /* answers leave at once, no Nagle wait */
	if (r == 0)
		r = uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
	if (r < 0) {
		conn_close(c);
		return r;
	}
	c->reading = true;
	wait_for_request(c);
	return 0;
}

static void on_delay_over(struct deadlines *d, struct deadline *e);

int conn_set_init(struct conn_set *set, uv_loop_t *loop)
{
	set->first = set->last = NULL;
	set->count = 0;
	set->header_ms = CONN_HEADER_MS;
	set->idle_ms = CONN_IDLE_MS;
	set->cap = UINT_MAX;
	set->timed_out = set->evicted = 0;
	set->max_bytes = HTTP_MAX_BYTES;
	set->max_delay_us = HTTP_MAX_DELAY;
	set->max_pause_us = 10000000;
	set->pause_budget_us = CONN_PAUSE_BUDGET_US;
	set->paused_us = set->window_ms = 0;
	set->tls = NULL;
	set->tls_in = NULL;
	set->handshakes_failed = 0;
	return deadlines_init(&set->deadlines, loop, on_delay_over);
}

void conn_set_share(struct conn_set *set)
{
	set->max_bytes = 64ull << 20;
	set->max_delay_us = 100000000;
	set->max_pause_us = 0;
}

/* Whether PLAN asks more than SET allows; if so, PLAN becomes the 403 that
 * says which limit (the connection stays open: it did nothing wrong but ask). */
static bool over_limit(struct conn_set *set, uv_loop_t *loop, struct http_plan *plan)
{
	const char *why = NULL;
	uint64_t now = uv_now(loop);

	if (now - set->window_ms >= 60000) {   /* a new minute of pause budget */
		set->window_ms = now;
		set->paused_us = 0;
	}
	if (plan->bytes > set->max_bytes)
		why = set->max_bytes < HTTP_MAX_BYTES ? "bytes over this shared server's "
			"limit, 64 MiB (fetchlab-server --help)" : "bytes over the limit";
	else if (plan->delay_us > set->max_delay_us)
		why = "delay over this shared server's limit, 100 s (fetchlab-server --help)";
	else if (plan->pause_us > 0 && set->max_pause_us == 0)
		why = "pause_ms stops the server for everyone: not on a shared server";
	else if (plan->pause_us > set->max_pause_us ||
		 set->paused_us + plan->pause_us > set->pause_budget_us)
		why = "pause_ms over its budget: 10 s of pause a minute, all clients together";
	if (why == NULL) {
		set->paused_us += plan->pause_us;
		return false;
	}
	memset(plan, 0, sizeof *plan);
	plan->status = 403;
	plan->why = why;
	return true;
}


void conn_close_all(struct conn_set *set)
{
	for (struct conn *c = set->first; c != NULL; c = c->next)
		conn_close(c);
	deadlines_close(&set->deadlines);
}

static void start_reading(struct conn *c)
{
	if (c->reading || c->eof)
		return;
	if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) < 0) {
		conn_close(c);
		return;
	}
	c->reading = true;
}

static void stop_reading(struct conn *c)
{
	uv_read_stop((uv_stream_t *)&c->tcp);
	c->reading = false;
}

/* Ready in[] for more bytes at in_len: move the unparsed bytes to its
 * start, or, when STALL or LINGER will drop what comes, empty it.
 * Returns the room left at in + in_len (0: in[] is full). */
static size_t make_room(struct conn *c)
{
	if (c->state == STALL || c->state == LINGER) {
		c->in_off = c->in_len = 0;
	} else if (c->in_off > 0) {
		memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
		c->in_len -= c->in_off;
		c->in_off = 0;
	}
	return sizeof c->in - c->in_len;
}

/* Read into the free end of in[] (make_room). */
static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct conn *c = h->data;
	size_t room;

	(void)suggested;
	if (c->ssl) {   /* ciphertext: fed to the session at once (tls_read) */
		*buf = uv_buf_init(c->set->tls_in, CONN_TLS_IN);
		return;
	}
	room = make_room(c);
	*buf = uv_buf_init(c->in + c->in_len, (unsigned)room);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct conn *c = s->data;

	if (c->ssl && nread > 0) {
		tls_read(c, buf->base, (size_t)nread);
		return;
	}
	if (nread == UV_ENOBUFS) {
		/* in[] is full of pipelined requests we have not reached: stop
		 * reading (and let TCP push back) until serve() wants more. */
		stop_reading(c);
	} else if (nread == UV_EOF && c->state != STALL && c->state != LINGER) {
		/* The client finished sending (maybe only half-closed):
		 * answer what it asked, then close. */
		c->eof = true;
		stop_reading(c);
		if (c->state == IDLE)
			serve(c);
	} else if (nread < 0) {
		conn_close(c);
	} else if (c->state != STALL && c->state != LINGER) {
		c->in_len += (size_t)nread;
		if (c->state == IDLE)
			serve(c);
	}
}

/* The delay is over: answer, or abort for fault=reset. */
static void answer(struct conn *c)
{
	if (c->plan.fault == FAULT_RESET) {
		reset(c);
		return;
	}
	c->state = SEND;
	send_more(c);
}

/* Begin the answer PLAN: after its delay, or at once. */
static void start(struct conn *c, const struct http_plan *plan)
{
	c->plan = *plan;
	if (plan->stream || plan->pause_us > 0 || plan->delay_us > 0)
		over_limit(c->set, c->tcp.loop, &c->plan);
	plan = &c->plan;
	c->head_sent = false;
	c->sent = 0;
	c->stop = plan->stream && !plan->head_only ? plan->bytes : 0;
	if (plan->fault == FAULT_SHORT || plan->fault == FAULT_RESET_BODY)
		c->stop /= 2;

	if (plan->pause_us > 0) {
		/* pause_ms: stop the world, the way a GC pause or a ^Z would. The
		 * loop blocks on purpose, so every connection waits; this is how
		 * the docs show what closed-loop measurement hides. */
		uv_sleep((unsigned)(plan->pause_us / 1000));
		uv_update_time(c->tcp.loop);
	}
	if (plan->fault == FAULT_STALL) {
		/* Keep reading, and dropping, only to see the client leave. */
		c->state = STALL;
		if (c->eof)
			conn_close(c);
		else
			start_reading(c);
	} else if (plan->delay_us > 0) {
		/* An exact deadline, not a libuv timer: those round to whole
		 * milliseconds, and the error would land in every latency the
		 * clients measure. Never early; late by the wake-up only. */
		c->state = DELAY;
		if (deadline_add(&c->set->deadlines, &c->delay,
				 uv_hrtime() + plan->delay_us * 1000) < 0)
			conn_close(c);
	} else {
		answer(c);
	}
}

/* IDLE until a whole request is in: arm the idle timeout while nothing is
 * asked, the header timeout from a request's first byte (once: a client
 * that sends a byte at a time does not push it back). */
static void wait_for_request(struct conn *c)
{
	if (c->in_len > c->in_off) {
		if (!c->in_head)
			uv_timer_start(&c->timer, on_timer, c->set->header_ms, 0);
		c->in_head = true;
	} else {
		uv_timer_start(&c->timer, on_timer, c->set->idle_ms, 0);
		c->in_head = false;
	}
}

/* Answer the complete requests in in[], in order, while the connection is
 * IDLE: an answer that finishes at once leaves it IDLE and the loop goes on
 * (pipelining); one that must wait returns here from its callback. */
static void serve(struct conn *c)
{
	while (c->state == IDLE) {
		struct http_request req;
		struct http_plan plan;
		const char *why;
		int n = http_parse(c->in + c->in_off, c->in_len - c->in_off, &req, &why);

		if (n == HTTP_NEED_MORE) {
			size_t had = c->in_len - c->in_off;

			/* HTTPS: the session may hold more of it already. */
			if (c->ssl && !c->eof && tls_pull(c) < 0)
				return;
			if (c->in_len - c->in_off > had)
				continue;
			if (c->eof) {
				conn_close(c);   /* all read, all answered */
				return;
			}
			wait_for_request(c);
			start_reading(c);
			return;
		}
		uv_timer_stop(&c->timer);   /* a whole request: no timeout now */
		c->in_head = false;
		if (n == HTTP_BAD) {
			http_plan_bad(&plan, why);
			c->in_off = c->in_len;   /* nothing after it can be trusted */
		} else {
			http_plan(&req, &plan);
			c->in_off += (size_t)n;
		}
		start(c, &plan);
	}
}

/* Abort: SO_LINGER with a zero timeout makes close() send RST and drop
 * whatever the kernel has not sent yet. */
static void reset(struct conn *c)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };
	uv_os_fd_t fd;

	if (uv_fileno((uv_handle_t *)&c->tcp, &fd) == 0)
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
	conn_close(c);
}

/* Close after the last answer without losing it. close() with unread input
 * sends RST, which can destroy the answer before the client reads it. So
 * shut our side (FIN after the answer), drop what the client still sends
 * until its EOF, and close then, or after LINGER_MS. */
static void linger(struct conn *c)
{
	if (c->eof) {
		conn_close(c);
		return;
	}
	c->state = LINGER;
	c->shutdown.data = c;
	if (uv_shutdown(&c->shutdown, (uv_stream_t *)&c->tcp, on_shutdown) < 0) {
		conn_close(c);
		return;
	}
	uv_timer_start(&c->timer, on_timer, LINGER_MS, 0);
	start_reading(c);
}

/* Every byte of the answer is with the kernel: act on the fault, close, or
 * go back to IDLE for the next request. */
static void finish(struct conn *c)
{
	if (c->plan.fault == FAULT_RESET_BODY)
		reset(c);
	else if (c->plan.close || c->plan.fault == FAULT_SHORT)
		linger(c);
	else
		c->state = IDLE;
}

/* Put the next piece of the answer in out[]: the head (with a short text
 * body) the first time, then as many body bytes as fit. Returns its length,
 * 0 when nothing is left. The body is generated chunk by chunk, so a 64 MiB
 * answer needs no more memory than a small one. */
static size_t fill(struct conn *c)
{
	size_t n = 0;
	uint64_t take;

	if (!c->head_sent) {
		n = http_format(c->out, &c->plan);
		c->head_sent = true;
	}
	take = c->plan.fault == FAULT_TRICKLE ? TRICKLE_BYTES : OUT_CAP - n;
	if (take > c->stop - c->sent)
		take = c->stop - c->sent;
	fl_body_fill(c->plan.id, c->sent, c->out + n, (size_t)take);
	c->sent += take;
	return n + (size_t)take;
}

/* Hand the kernel the rest of the answer until it is all sent (finish), the
 * socket is full (on_write goes on), trickle must wait (on_timer goes on),
 * or this turn's QUANTUM is used up. uv_try_write first: a small answer then
 * costs one write(2) and no callback. Past the quantum, uv_write: its
 * callback, and so the rest of the answer, comes on the loop's next turn,
 * after every other connection's events. Without it one client reading a
 * 1 TiB body as fast as it can kept the loop to itself (47,487 writes in a
 * row) and the other clients' p99 went from under a millisecond to 960 ms. */
static void send_more(struct conn *c)
{
	size_t turn = 0;   /* bytes handed over in this turn of the loop */

	if (c->ssl) {
		send_more_tls(c);
		return;
	}
	for (;;) {
		size_t n = fill(c);
		uv_buf_t buf = uv_buf_init(c->out, (unsigned)n);
		int r = 0;

		if (n == 0) {
			finish(c);
			return;
		}
		if (turn < QUANTUM)
			r = uv_try_write((uv_stream_t *)&c->tcp, &buf, 1);
		turn += n;
		if (r == UV_EAGAIN)
			r = 0;
		if (r < 0) {
			conn_close(c);
			return;
		}
		if ((size_t)r < n) {
			buf = uv_buf_init(c->out + r, (unsigned)(n - (size_t)r));
			c->write.data = c;
			if (uv_write(&c->write, (uv_stream_t *)&c->tcp, &buf, 1, on_write) < 0)
				conn_close(c);
			return;
		}
		if (c->plan.fault == FAULT_TRICKLE && c->sent < c->stop) {
			uv_timer_start(&c->timer, on_timer, TRICKLE_MS, 0);
			return;
		}
	}
}

static void on_write(uv_write_t *w, int status)
{
	struct conn *c = w->data;

	if (status < 0 || c->state != SEND) {   /* peer gone, or we are closing */
		conn_close(c);
		return;
	}
	if (c->plan.fault == FAULT_TRICKLE && c->sent < c->stop)
		uv_timer_start(&c->timer, on_timer, TRICKLE_MS, 0);
	else
		send_more(c);
	if (c->state == IDLE)
		serve(c);
}

/* The asked delay is over: answer, then serve what is pipelined behind. */
static void on_delay_over(struct deadlines *d, struct deadline *e)
{
	struct conn *c = (struct conn *)((char *)e - offsetof(struct conn, delay));

	(void)d;
	answer(c);
	if (c->state == IDLE)
		serve(c);
}

static void on_timer(uv_timer_t *t)
{
	struct conn *c = t->data;

	if (c->state == IDLE) {   /* the idle or the header timeout */
		c->set->timed_out++;
		conn_close(c);
		return;
	}
	if (c->state == SEND)   /* the trickle pace */
		send_more(c);
	else if (c->state == LINGER)
		conn_close(c);
	if (c->state == IDLE)
		serve(c);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
	if (status < 0)
		conn_close(req->data);
}

/* Idempotent; the connection is freed in on_close, after both handles. */
static void conn_close(struct conn *c)
{
	if (c->state == CLOSED)
		return;
	deadline_cancel(&c->set->deadlines, &c->delay);
	c->state = CLOSED;
	uv_close((uv_handle_t *)&c->tcp, on_close);
	uv_close((uv_handle_t *)&c->timer, on_close);
}

static void on_close(uv_handle_t *h)
{
	struct conn *c = h->data;

	if (--c->handles > 0)
		return;
	if (c->prev)
		c->prev->next = c->next;
	else
		c->set->first = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		c->set->last = c->prev;
	c->set->count--;
	SSL_free(c->ssl);
	free(c);
}

/* ---- HTTPS: the session between the socket and in[] / out[] ---------- */

static void on_tls_written(uv_write_t *w, int status);

/* Hand the kernel the ciphertext the session has for the client: at once
 * where the socket takes it (TRY), else by a write whose callback goes on.
 * Returns 0 all sent, 1 a write is in flight, -1 the connection closed. */
static int tls_flush(struct conn *c, bool try)
{
	BIO *out = SSL_get_wbio(c->ssl);

	if (c->tls_writing)
		return 1;
	while (BIO_ctrl_pending(out) > 0) {
		int n = BIO_read(out, c->tls_out, TLS_OUT_CAP);
		uv_buf_t buf = uv_buf_init(c->tls_out, n > 0 ? (unsigned)n : 0);
		int r = try && n > 0 ? uv_try_write((uv_stream_t *)&c->tcp, &buf, 1) : 0;

		if (r == UV_EAGAIN)
			r = 0;
		if (n <= 0 || r < 0) {
			conn_close(c);
			return -1;
		}
		if (r < n) {
			buf = uv_buf_init(c->tls_out + r, (unsigned)(n - r));
			c->write.data = c;
			if (uv_write(&c->write, (uv_stream_t *)&c->tcp, &buf, 1,
				     on_tls_written) < 0) {
				conn_close(c);
				return -1;
			}
			c->tls_writing = true;
			return 1;
		}
	}
	return 0;
}

static void on_tls_written(uv_write_t *w, int status)
{
	struct conn *c = w->data;

	c->tls_writing = false;
	if (status < 0 || c->state == CLOSED) {
		conn_close(c);
		return;
	}
	if (c->state == SEND) {   /* the answer goes on, as in on_write */
		if (BIO_ctrl_pending(SSL_get_wbio(c->ssl)) == 0 &&
		    c->plan.fault == FAULT_TRICKLE && c->sent < c->stop)
			uv_timer_start(&c->timer, on_timer, TRICKLE_MS, 0);
		else
			send_more(c);
	} else if (tls_flush(c, true) < 0) {
		return;
	}
	if (c->state == IDLE)
		serve(c);
}

/* The handshake has more to read: go on with it. Returns 0 done, 1 not
 * yet, -1 failed (the connection is closed, or reset for a fault). */
static int handshake(struct conn *c)
{
	int r = SSL_do_handshake(c->ssl);

	if (r == 1)
		return tls_flush(c, true) < 0 ? -1 : 0;
	if (SSL_get_error(c->ssl, r) == SSL_ERROR_WANT_READ) {
		if (!c->in_head)   /* a handshake is the head of a request */
			uv_timer_start(&c->timer, on_timer, c->set->header_ms, 0);
		c->in_head = true;
		return tls_flush(c, true) < 0 ? -1 : 1;
	}
	ERR_clear_error();
	c->set->handshakes_failed++;
	if (tls_wants_reset(c->ssl)) {
		reset(c);
	} else if (tls_flush(c, true) >= 0) {   /* the alert says why */
		linger(c);
	}
	return -1;
}

/* Ciphertext from the socket: through the handshake, then as plaintext
 * into in[], and serve what is whole. */
static void tls_read(struct conn *c, const char *data, size_t n)
{
	if (BIO_write(SSL_get_rbio(c->ssl), data, (int)n) != (int)n) {
		conn_close(c);
		return;
	}
	if (!SSL_is_init_finished(c->ssl) && handshake(c) != 0)
		return;
	if (tls_pull(c) < 0)
		return;
	if (c->state == IDLE)
		serve(c);
}

/* Move the plaintext the session has into in[] (dropped in STALL and
 * LINGER: make_room). A full in[] stops reading until serve() has room,
 * so TCP pushes back. Returns 0, or -1 when the connection closed. */
static int tls_pull(struct conn *c)
{
	for (;;) {
		size_t room = make_room(c);
		int r;

		if (room == 0) {
			stop_reading(c);
			return 0;
		}
		r = SSL_read(c->ssl, c->in + c->in_len, (int)room);
		if (r > 0) {
			c->in_len += (size_t)r;
			continue;
		}
		switch (SSL_get_error(c->ssl, r)) {
		case SSL_ERROR_WANT_READ:
			return tls_flush(c, true) < 0 ? -1 : 0;
		case SSL_ERROR_ZERO_RETURN:   /* close_notify: as UV_EOF */
			if (c->state == STALL || c->state == LINGER) {
				conn_close(c);   /* the client has left */
				return -1;
			}
			c->eof = true;
			stop_reading(c);
			return 0;
		default:
			ERR_clear_error();
			conn_close(c);
			return -1;
		}
	}
}

/* send_more over HTTPS: each piece of out[] becomes a record, and the
 * records go out as tls_flush can. The quantum works as in send_more. */
static void send_more_tls(struct conn *c)
{
	size_t turn = 0;

	for (;;) {
		size_t n;

		if (tls_flush(c, turn < QUANTUM) != 0)
			return;   /* closed, or on_tls_written goes on */
		n = fill(c);
		if (n == 0) {
			finish(c);
			return;
		}
		if (SSL_write(c->ssl, c->out, (int)n) != (int)n) {
			ERR_clear_error();
			conn_close(c);
			return;
		}
		turn += n;
		if (c->plan.fault == FAULT_TRICKLE && c->sent < c->stop) {
			if (tls_flush(c, true) == 0)
				uv_timer_start(&c->timer, on_timer, TRICKLE_MS, 0);
			return;
		}
	}
}
