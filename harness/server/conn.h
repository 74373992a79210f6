/* conn.h - one client connection of fetchlab-server, from accept to close. */
#ifndef FETCHLAB_SERVER_CONN_H
#define FETCHLAB_SERVER_CONN_H

#include <uv.h>

#include "deadline.h"
#include "tls.h"

struct conn;

/* The open connections of one server; the loop's thread owns it. */
struct conn_set {
	struct conn *first, *last;    /* newest first: last is the oldest */
	unsigned count;
	struct deadlines deadlines;   /* the asked delays, to the microsecond */
	/* The protections an honest client relies on when others misbehave;
	 * conn_set_init sets the defaults below, the caller may change them. */
	uint64_t header_ms;   /* from a request's first byte to its blank line */
	uint64_t idle_ms;     /* a kept-alive connection with nothing asked */
	unsigned cap;         /* at most this many open; the oldest idle goes */
	unsigned long timed_out, evicted;   /* how often each acted */
	/* What one request may ask for (a larger one is answered 403): on
	 * loopback, the generous defaults; serving others (--host not a
	 * loopback address, or --shared), conn_set_share's, so one client
	 * cannot turn the server into an amplifier or freeze it for all. */
	uint64_t max_bytes;      /* bytes= */
	uint64_t max_delay_us;   /* delay_ms= */
	uint64_t max_pause_us;   /* pause_ms=: 0 refuses it */
	uint64_t pause_budget_us;       /* of pause a minute, all clients together */
	uint64_t paused_us, window_ms;  /* the pause spent in the minute from window_ms */
	/* HTTPS: every connection a TLS session from TLS (NULL: plain HTTP).
	 * The ciphertext read buffer is the set's: the loop reads one socket
	 * at a time, and conn.c feeds what it read to the session at once. */
	struct tls_server *tls;
	char *tls_in;
	unsigned long handshakes_failed;
};

#define CONN_TLS_IN (64 * 1024)

#define CONN_HEADER_MS  10000   /* nginx's client_header_timeout is 60 s */
#define CONN_IDLE_MS    60000   /* nginx's keepalive_timeout is 75 s */

#define CONN_PAUSE_BUDGET_US 10000000   /* 10 s of pause a minute */

/* The limits for a server others share: bodies as large as the models ask
 * for (64 MiB), delays as long (100 s), and no pause_ms at all. */
void conn_set_share(struct conn_set *set);

/* Set up SET on LOOP. Returns 0 or a negative libuv error. */
int conn_set_init(struct conn_set *set, uv_loop_t *loop);

/* Accept the pending connection on LISTENER into SET and start serving it.
 * At SET's cap, the oldest connection that waits for a request (idle, or
 * part of a request sent) is closed to make room; with none, the new one is
 * accepted and closed at once. Returns 0, or a negative libuv error
 * (UV_ENOMEM: nothing was accepted). */
int conn_accept(struct conn_set *set, uv_stream_t *listener);

/* Close every connection in SET, and SET's own handle; each is freed once
 * its handles are closed (run the loop after). */
void conn_close_all(struct conn_set *set);

#endif
