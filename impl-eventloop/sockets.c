/* sockets.c - curl_uv's poll handles, kept in epoll between requests.
 *
 * A poll handle belongs to a socket number, not to one socket. When curl
 * forgets a socket between two requests of a kept-alive connection, the
 * handle stays in epoll, so the next request costs no epoll_ctl at all
 * (stopping and restarting it would cost three per request). It is
 * stopped when it stirs while curl is not watching (on_stir), and closed
 * before curl closes the socket (cu_socket_close): a socket number curl
 * reuses gets a handle of its own, and no handle outlives its socket.
 * The one socket curl may close without telling us, a connect not yet
 * complete, is stopped as soon as curl forgets it (cu_socket_unwatch).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fetchlab/fetchlab.h"
#include "sockets.h"

/* libuv: S is ready. Hand it to the glue if curl watches it; an idle
 * kept-alive socket that stirs (the server closed it, say) is stopped
 * until curl asks again. */
static void on_stir(uv_poll_t *poll, int status, int events)
{
	struct cu_socket *s = poll->data;

	if (s->wanted) {
		s->ready(poll, status, events);
		return;
	}
	uv_poll_stop(poll);
	s->events = 0;
}

static void on_closed(uv_handle_t *h)
{
	free(h->data);
}

static struct cu_socket *nomem(struct curl_uv *cu)
{
	if (cu->error == 0)
		cu->error = UV_ENOMEM;
	return NULL;
}

struct cu_socket *cu_socket_get(struct curl_uv *cu, curl_socket_t fd)
{
	struct cu_socket *s, **byfd;
	unsigned n;
	int err;

	if ((unsigned)fd >= cu->nfds) {   /* grow the table by doubling */
		for (n = cu->nfds ? cu->nfds : 256; n <= (unsigned)fd; n *= 2)
			;
		if ((byfd = realloc(cu->byfd, n * sizeof *byfd)) == NULL)
			return nomem(cu);
		memset(byfd + cu->nfds, 0, (n - cu->nfds) * sizeof *byfd);
		cu->byfd = byfd;
		cu->nfds = n;
	}
	if ((s = cu->byfd[fd]) != NULL)
		return s;
	if ((s = calloc(1, sizeof *s)) == NULL)
		return nomem(cu);
	if ((err = uv_poll_init_socket(cu->loop, &s->poll, fd)) < 0) {
		free(s);
		if (cu->error == 0)
			cu->error = err;
		return NULL;
	}
	s->poll.data = s;
	s->cu = cu;
	s->fd = fd;
	cu->byfd[fd] = s;
	return s;
}

int cu_socket_watch(struct cu_socket *s, int events, uv_poll_cb ready)
{
	int err;

	/* libcurl can ask again for a socket it has just closed through
	 * cu_socket_close (an aborted TLS transfer, seen under valgrind):
	 * polling a closed descriptor would make libuv abort. */
	if (uv_is_closing((uv_handle_t *)&s->poll))
		return 0;
	s->wanted = true;
	s->ready = ready;
	if (events == s->events)
		return 0;   /* already polling for just this: no system call */
	if ((err = uv_poll_start(&s->poll, events, on_stir)) < 0)
		return err;
	s->events = events;
	return 0;
}

void cu_socket_unwatch(struct cu_socket *s)
{
	s->wanted = false;
	if (s->events == UV_READABLE)
		return;   /* an idle kept-alive connection: it stays in epoll */
	/* Anything else (a connect in progress, most often) may be closed by
	 * curl without cu_socket_close: libcurl 7.88 to 8.1 close a socket
	 * whose connect has not completed directly (curl PR #11439), as when
	 * Ctrl-C removes its transfer. libuv would then abort on epoll_ctl
	 * for a closed number, so stop polling while the socket is open. */
	uv_poll_stop(&s->poll);
	s->events = 0;
}

/* Close the poll handle while its socket is still open, then the socket.
 * (libuv takes a handle's descriptor out of epoll when the handle closes:
 * done later, that would touch whatever socket has the number by then,
 * perhaps another loop's.) */
int cu_socket_close(void *arg, curl_socket_t fd)
{
	struct curl_uv *cu = arg;
	struct cu_socket *s = (unsigned)fd < cu->nfds ? cu->byfd[fd] : NULL;

	if (s != NULL) {
		cu->byfd[fd] = NULL;
		uv_close((uv_handle_t *)&s->poll, on_closed);
	}
	if (cu->run)   /* this callback replaced the harness's: count for it */
		fl_socket_closed(cu->run);
	return close(fd);
}

void cu_sockets_close(struct curl_uv *cu)
{
	for (unsigned fd = 0; fd < cu->nfds; fd++)
		if (cu->byfd[fd] != NULL)
			uv_close((uv_handle_t *)&cu->byfd[fd]->poll, on_closed);
	free(cu->byfd);
	cu->byfd = NULL;
	cu->nfds = 0;
}
