/* server.c - fetchlab-server, the embedded HTTP test server: options,
 * listening socket, signals. One thread, one libuv loop; conn.c serves each
 * connection and http.c decides what to answer.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <uv.h>

#include "conn.h"
#include "fetchlab/stdfds.h"

#define BACKLOG 4096   /* the kernel caps it at net.core.somaxconn */
#define FD_RESERVE 32  /* descriptors kept from the cap: listener, loop, stdio */

/* What the command line sets. */
struct options {
	const char *host;
	int port;
	double header_s, idle_s;   /* conn_set's timeouts, in seconds */
	long cap;                  /* --max-connections; 0: from the fd limit */
	bool shared;               /* --shared, or --host not a loopback address */
	bool tls;                  /* --tls: HTTPS */
	const char *tls_dir;       /* --tls-dir: where the CA lives */
};

struct server {
	uv_loop_t loop;
	uv_tcp_t listener;
	uv_signal_t sigterm, sigint;
	struct conn_set conns;
	const char *tls_dir;   /* --tls: where the CA lives */
	int status;          /* exit status */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: fetchlab-server [--host ADDR] [--port N] [--tls [--tls-dir DIR]] [limits]\n"
		"Serve fetchlab's test workload over HTTP/1.1 until SIGTERM or SIGINT.\n"
		"  --host ADDR  numeric IPv4 or IPv6 address to listen on (default 127.0.0.1)\n"
		"  --port N     TCP port, 0 picks a free one (default 0)\n"
		"  --tls        HTTPS (TLS 1.2 and 1.3), with a certificate for localhost,\n"
		"               the loopback addresses and ADDR (every address, for 0.0.0.0),\n"
		"               signed by a CA made on first use; clients verify against\n"
		"               DIR/ca.pem (give them --ca DIR/ca.pem). TLS faults by name:\n"
		"               unknown-ca, wrong-host, expired, reset .fetchlab.test\n"
		"  --tls-dir DIR  where the CA lives (default $FETCHLAB_TLS_DIR, else\n"
		"               ~/.cache/fetchlab/tls); its ca.key never leaves it\n"
		"Limits that keep honest clients served when others misbehave:\n"
		"  --header-timeout S   close a connection whose request is not whole S seconds\n"
		"                       after its first byte (default %d)\n"
		"  --idle-timeout S     close a kept-alive connection idle for S seconds (default %d)\n"
		"  --max-connections N  at most N open; at N the oldest one waiting for a request\n"
		"                       is closed for the newcomer (default: the descriptor limit - %d)\n"
		"  --shared             the limits of a server others share (the default when\n"
		"                       --host is not a loopback address): bytes at most 64 MiB,\n"
		"                       delays at most 100 s, no pause_ms; on loopback, bytes up\n"
		"                       to 1 TiB, delays up to 1 hour, pause_ms up to 10 s.\n"
		"                       Always: 10 s of pause_ms a minute, all clients together.\n"
		"                       A request over a limit is answered 403, saying which.\n"
		"Prints 'fetchlab-server listening on http://HOST:PORT' once ready\n"
		"(with --tls: 'https://HOST:PORT ca DIR/ca.pem').\n"
		"  GET /fetch?id=ID&delay_ms=D&bytes=B[&fault=KIND]   body of request ID after D ms\n"
		"      (delay_us=N also works; KIND: reset reset_body stall short trickle)\n"
		"  GET /status/N                                      status N, 100 < N < 600\n",
		CONN_HEADER_MS / 1000, CONN_IDLE_MS / 1000, FD_RESERVE);
}

/* A number of seconds for OPT: 0 < value <= one day. 0, or -1 after a
 * one-line error. */
static int parse_seconds(const char *opt, const char *arg, double *out)
{
	char *end;
	double v = strtod(arg, &end);

	if (*arg == '\0' || *end != '\0' || !(v > 0 && v <= 86400)) {
		fprintf(stderr, "fetchlab-server: bad %s '%s': want seconds, more than 0 "
			"and at most 86400\n", opt, arg);
		return -1;
	}
	*out = v;
	return 0;
}

/* Fill O from ARGV. Returns -1 to go on, or the exit status (0 after
 * --help, 2 after a one-line error naming the bad option). */
static int parse_args(int argc, char **argv, struct options *o)
{
	enum { OPT_HOST = 1, OPT_PORT, OPT_HELP, OPT_HEADER, OPT_IDLE, OPT_CAP, OPT_SHARED,
	       OPT_TLS, OPT_TLS_DIR };
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, OPT_HOST },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "header-timeout", required_argument, NULL, OPT_HEADER },
		{ "idle-timeout", required_argument, NULL, OPT_IDLE },
		{ "max-connections", required_argument, NULL, OPT_CAP },
		{ "shared", no_argument, NULL, OPT_SHARED },
		{ "tls", no_argument, NULL, OPT_TLS },
		{ "tls-dir", required_argument, NULL, OPT_TLS_DIR },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	int opt;
	char *end;
	long v;

	opterr = 0;   /* we word the errors ourselves; ":" reports a missing value */
	while ((opt = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_HOST:
			o->host = optarg;
			break;
		case OPT_SHARED:
			o->shared = true;
			break;
		case OPT_TLS:
			o->tls = true;
			break;
		case OPT_TLS_DIR:
			if (*optarg == '\0') {
				fprintf(stderr, "fetchlab-server: --tls-dir is empty; give a directory\n");
				return 2;
			}
			o->tls_dir = optarg;
			break;
		case OPT_HEADER:
			if (parse_seconds("--header-timeout", optarg, &o->header_s) < 0)
				return 2;
			break;
		case OPT_IDLE:
			if (parse_seconds("--idle-timeout", optarg, &o->idle_s) < 0)
				return 2;
			break;
		case OPT_CAP:
			v = strtol(optarg, &end, 10);   /* digits only: not " 8" or "+8" */
			if (!isdigit((unsigned char)*optarg) || *end != '\0' || v < 1 ||
			    v > 10000000) {
				fprintf(stderr, "fetchlab-server: bad --max-connections '%s': "
					"want 1..10000000\n", optarg);
				return 2;
			}
			o->cap = v;
			break;
		case OPT_PORT:
			v = strtol(optarg, &end, 10);   /* digits only: not " 80" or "+80" */
			if (!isdigit((unsigned char)*optarg) || *end != '\0' || v < 0 ||
			    v > 65535) {
				fprintf(stderr, "fetchlab-server: bad --port '%s': want 0..65535\n", optarg);
				return 2;
			}
			o->port = (int)v;
			break;
		case OPT_HELP:
			usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "fetchlab-server: option '%s' needs a value (try --help)\n",
				argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "fetchlab-server: unknown option '%s' (try --help)\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (o->tls_dir && !o->tls) {
		fprintf(stderr, "fetchlab-server: --tls-dir without --tls; add --tls\n");
		return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "fetchlab-server: unexpected argument '%s' (try --help)\n",
			argv[optind]);
		return 2;
	}
	return -1;
}

/* 10,000 clients need 10,000 descriptors, and the soft limit is often 1024:
 * raise it to the hard limit, which needs no privilege. Returns the limit
 * now in force (0 if unknown). */
static rlim_t raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 0;
	if (rl.rlim_cur < rl.rlim_max) {
		rlim_t was = rl.rlim_cur;

		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			rl.rlim_cur = was;
	}
	return rl.rlim_cur;
}

/* Close everything; uv_run then returns. */
static void stop(struct server *s)
{
	uv_close((uv_handle_t *)&s->listener, NULL);
	uv_close((uv_handle_t *)&s->sigterm, NULL);
	uv_close((uv_handle_t *)&s->sigint, NULL);
	conn_close_all(&s->conns);
}

static void on_connection(uv_stream_t *listener, int status)
{
	struct server *s = listener->data;
	int r = status < 0 ? status : conn_accept(&s->conns, listener);

	if (r == UV_EBUSY) {
		/* At the cap with every connection answering: conn.c closed
		 * the newcomer, and counts on the client to come back. */
	} else if (r == UV_ENOMEM) {
		/* libuv stops listening until this connection is accepted,
		 * which we cannot do: stop serving, and say why. */
		fprintf(stderr, "fetchlab-server: out of memory at %u connections; stopping\n",
			s->conns.count);
		s->status = 1;
		stop(s);
	} else if (r < 0) {
		fprintf(stderr, "fetchlab-server: accept: %s\n", uv_strerror(r));
	}
}

/* SIGTERM or SIGINT: a clean exit, status 0. */
static void on_signal(uv_signal_t *sig, int signum)
{
	(void)signum;
	stop(sig->data);
}

/* Bind HOST:PORT, listen, and print the line the driver waits for.
 * Returns 0, or the exit status after saying what failed (2: bad --host). */
static int start_listening(struct server *s, const char *host, int port)
{
	struct sockaddr_storage addr;
	int len = sizeof addr;
	char name[64];
	int r;

	if (uv_ip4_addr(host, port, (struct sockaddr_in *)&addr) != 0 &&
	    uv_ip6_addr(host, port, (struct sockaddr_in6 *)&addr) != 0) {
		fprintf(stderr, "fetchlab-server: bad --host '%s': want a numeric IPv4 or IPv6 address\n",
			host);
		return 2;
	}
	r = uv_tcp_bind(&s->listener, (struct sockaddr *)&addr, 0);
	if (r == 0)
		r = uv_listen((uv_stream_t *)&s->listener, BACKLOG, on_connection);
	if (r == 0)
		r = uv_tcp_getsockname(&s->listener, (struct sockaddr *)&addr, &len);
	if (r < 0) {
		fprintf(stderr, "fetchlab-server: cannot listen on %s port %d: %s\n",
			host, port, uv_strerror(r));
		return 1;
	}
	if (addr.ss_family == AF_INET6) {
		uv_ip6_name((struct sockaddr_in6 *)&addr, name, sizeof name);
		port = ntohs(((struct sockaddr_in6 *)&addr)->sin6_port);
		printf("fetchlab-server listening on %s://[%s]:%d",
		       s->conns.tls ? "https" : "http", name, port);
	} else {
		uv_ip4_name((struct sockaddr_in *)&addr, name, sizeof name);
		port = ntohs(((struct sockaddr_in *)&addr)->sin_port);
		printf("fetchlab-server listening on %s://%s:%d",
		       s->conns.tls ? "https" : "http", name, port);
	}
	if (s->conns.tls)   /* what its clients verify it against */
		printf(" ca %s/ca.pem", s->tls_dir);
	putchar('\n');
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct server s;
	char dir[4096], why[512];
	struct options o = { .host = "127.0.0.1",
			     .header_s = CONN_HEADER_MS / 1000.0,
			     .idle_s = CONN_IDLE_MS / 1000.0 };
	rlim_t fds;
	int r;

	fl_fill_std_fds();
	r = parse_args(argc, argv, &o);
	if (r >= 0)
		return r;
	memset(&s, 0, sizeof s);
	fds = raise_fd_limit();
	signal(SIGPIPE, SIG_IGN);   /* a write to a closed socket is an error value, not a death */

	r = uv_loop_init(&s.loop);
	if (r < 0) {
		fprintf(stderr, "fetchlab-server: uv_loop_init: %s\n", uv_strerror(r));
		return 1;
	}
	r = conn_set_init(&s.conns, &s.loop);
	if (r < 0) {
		fprintf(stderr, "fetchlab-server: timerfd: %s\n", uv_strerror(r));
		return 1;
	}
	s.conns.header_ms = (uint64_t)(o.header_s * 1000 + 0.5);
	s.conns.idle_ms = (uint64_t)(o.idle_s * 1000 + 0.5);
	/* Loopback: 127.0.0.0/8 and ::1 (numeric addresses only, see --host). */
	if (o.shared || !(strncmp(o.host, "127.", 4) == 0 || strcmp(o.host, "::1") == 0))
		conn_set_share(&s.conns);
	if (o.tls) {
		if (o.tls_dir)
			snprintf(dir, sizeof dir, "%s", o.tls_dir);
		else if (tls_default_dir(dir, sizeof dir) < 0) {
			fprintf(stderr, "fetchlab-server: --tls: the CA directory's path is too "
				"long; give a shorter one with --tls-dir\n");
			return 2;
		}
		s.conns.tls = tls_server_new(dir, o.host, why, sizeof why);
		s.tls_dir = dir;
		s.conns.tls_in = malloc(CONN_TLS_IN);
		if (s.conns.tls == NULL || s.conns.tls_in == NULL) {
			fprintf(stderr, "fetchlab-server: --tls: %s\n",
				s.conns.tls ? "out of memory" : why);
			return 1;
		}
	}
	if (o.cap > 0)
		s.conns.cap = (unsigned)o.cap;
	else if (fds > FD_RESERVE && fds - FD_RESERVE < UINT_MAX)
		s.conns.cap = (unsigned)(fds - FD_RESERVE);
	uv_tcp_init(&s.loop, &s.listener);
	uv_signal_init(&s.loop, &s.sigterm);
	uv_signal_init(&s.loop, &s.sigint);
	s.listener.data = s.sigterm.data = s.sigint.data = &s;
	uv_signal_start(&s.sigterm, on_signal, SIGTERM);
	uv_signal_start(&s.sigint, on_signal, SIGINT);

	r = start_listening(&s, o.host, o.port);
	if (r != 0) {
		s.status = r;
		stop(&s);
	}
	uv_run(&s.loop, UV_RUN_DEFAULT);
	uv_loop_close(&s.loop);
	tls_server_free(s.conns.tls);
	free(s.conns.tls_in);
	return s.status;
}
