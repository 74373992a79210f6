/* sockets.h - curl_uv's poll handles, one per socket number (sockets.c).
 *
 * The glue says what curl wants to watch; this part keeps the libuv poll
 * handles that do it. A kept-alive connection is forgotten by curl after
 * each response and watched again for the next request microseconds later,
 * so a forgotten socket stays in epoll until it stirs or curl closes it:
 * that saves three epoll_ctl calls per request (sockets.c has the figures).
 * Everything runs on the loop's thread.
 */
#ifndef CURL_UV_SOCKETS_H
#define CURL_UV_SOCKETS_H

#include "curl_uv.h"

struct cu_socket {
	uv_poll_t poll;               /* poll.data points back here */
	struct curl_uv *cu;
	curl_socket_t fd;
	uv_poll_cb ready;             /* called when curl watches it and it stirs */
	int events;                   /* what the handle polls for; 0: stopped */
	bool wanted;                  /* curl watches this socket now */
};

/* The poll handle for socket number FD, made on first use. Returns NULL
 * when there is no memory or libuv refuses FD (the reason in cu->error). */
struct cu_socket *cu_socket_get(struct curl_uv *cu, curl_socket_t fd);

/* Poll S for EVENTS (UV_READABLE | UV_WRITABLE) and call READY when it is
 * ready. No system call when it already polls for just these. Returns 0 or
 * a negative libuv error. */
int cu_socket_watch(struct cu_socket *s, int events, uv_poll_cb ready);

/* curl no longer watches S. An idle connection stays in epoll (see above);
 * any other socket is stopped, as curl may close it behind our back. READY
 * will not be called until cu_socket_watch again. */
void cu_socket_unwatch(struct cu_socket *s);

/* CURLOPT_CLOSESOCKETFUNCTION: close FD's poll handle, then FD. */
int cu_socket_close(void *cu, curl_socket_t fd);

/* Close every poll handle of CU (freed in their close callbacks). */
void cu_sockets_close(struct curl_uv *cu);

#endif
