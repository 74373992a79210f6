/* conn.h - one client connection of fetchlab-server, from accept to close. */
#ifndef FETCHLAB_SERVER_CONN_H
#define FETCHLAB_SERVER_CONN_H

#include <uv.h>

#include "deadline.h"

struct conn;

/* The open connections of one server; the loop's thread owns it. */
struct conn_set {
	struct conn *first;
	unsigned count;
	struct deadlines deadlines;   /* the asked delays, to the microsecond */
};

/* Set up SET on LOOP. Returns 0 or a negative libuv error. */
int conn_set_init(struct conn_set *set, uv_loop_t *loop);

/* Accept the pending connection on LISTENER into SET and start serving it.
 * Returns 0, or a negative libuv error (UV_ENOMEM: nothing was accepted). */
int conn_accept(struct conn_set *set, uv_stream_t *listener);

/* Close every connection in SET, and SET's own handle; each is freed once
 * its handles are closed (run the loop after). */
void conn_close_all(struct conn_set *set);

#endif
