/* test_server.c - fetchlab-server end to end: start it as a child, then check
 * bodies, keep-alive, statuses, faults, delays and malformed requests with
 * libcurl and raw sockets. Usage: test_server PATH-TO-fetchlab-server
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "fetchlab/body.h"

extern char **environ;

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		fails++; \
	} \
} while (0)

/* The server under test. */
struct server {
	pid_t pid;
	int port;
	char base[64];          /* "http://127.0.0.1:PORT" */
};

/* One transfer's outcome. */
struct result {
	CURLcode rc;
	long status;
	uint64_t bytes;         /* body bytes received */
	bool body_ok;           /* they are body ID's bytes */
	double secs;            /* wall time of the transfer */
	uint64_t id;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Start PATH on a free port and read its "listening on" line. Returns 0, or
 * -1 after saying what went wrong. */
static int start_server(const char *path, struct server *s)
{
	char *argv[] = { (char *)path, "--port", "0", NULL };
	posix_spawn_file_actions_t fa;
	char line[256] = "";
	struct pollfd pfd;
	FILE *f;
	int fd[2];

	if (pipe(fd) < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fd[0]);
	if (posix_spawn(&s->pid, path, &fa, NULL, argv, environ) != 0) {
		fprintf(stderr, "test_server: cannot start %s: %s\n", path, strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(fd[1]);
	pfd = (struct pollfd){ .fd = fd[0], .events = POLLIN };
	f = fdopen(fd[0], "r");
	if (poll(&pfd, 1, 5000) != 1 || fgets(line, sizeof line, f) == NULL ||
	    sscanf(line, "fetchlab-server listening on http://127.0.0.1:%d", &s->port) != 1) {
		fprintf(stderr, "test_server: no 'listening' line from the server, got '%s'\n", line);
		return -1;
	}
	fclose(f);
	snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
	return 0;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	struct result *r = ud;

	if (!fl_body_check(r->id, r->bytes, p, size * n))
		r->body_ok = false;
	r->bytes += size * n;
	return size * n;
}

/* GET (or HEAD) BASE+PATH on EASY within TIMEOUT_MS; the body is checked
 * against body ID. */
static struct result fetch(CURL *easy, const struct server *s, const char *path,
			   uint64_t id, long timeout_ms, bool head)
{
	struct result r = { .body_ok = true, .id = id };
	char url[512];
	double t0;

	snprintf(url, sizeof url, "%s%s", s->base, path);
	curl_easy_setopt(easy, CURLOPT_URL, url);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, &r);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(easy, CURLOPT_NOBODY, head ? 1L : 0L);
	t0 = now_s();
	r.rc = curl_easy_perform(easy);
	r.secs = now_s() - t0;
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &r.status);
	return r;
}

/* Send REQ over a new connection, then read until the server closes it or
 * 3 s pass. Returns the bytes read into OUT (NUL-terminated), and *CLOSED. */
static size_t raw(const struct server *s, const char *req, size_t len,
		  char *out, size_t cap, bool *closed)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)s->port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	size_t got = 0;
	double end = now_s() + 3;

	*closed = false;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		if (fd >= 0)
			close(fd);
		out[0] = '\0';
		return 0;
	}
	for (size_t off = 0; off < len; ) {
		ssize_t w = send(fd, req + off, len - off, MSG_NOSIGNAL);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	while (got + 1 < cap && now_s() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 100) != 1)
			continue;
		n = recv(fd, out + got, cap - 1 - got, 0);
		if (n <= 0) {
			*closed = true;   /* EOF, or RST after the answer */
			break;
		}
		got += (size_t)n;
	}
	out[got] = '\0';
	close(fd);
	return got;
}

static int test_bodies(const struct server *s, CURL *easy)
{
	static const uint64_t sizes[] = { 0, 1, 7, 8, 1000, 65536, 1 << 20, 64 << 20 };
	char path[128];
	int fails = 0;

	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		uint64_t id = 1000 + i;
		struct result r;

		snprintf(path, sizeof path, "/fetch?id=%llu&bytes=%llu",
			 (unsigned long long)id, (unsigned long long)sizes[i]);
		r = fetch(easy, s, path, id, 20000, false);
		if (r.rc != CURLE_OK || r.status != 200 || r.bytes != sizes[i] || !r.body_ok) {
			fprintf(stderr, "FAIL: %s: rc %d status %ld bytes %llu body %s\n", path,
				r.rc, r.status, (unsigned long long)r.bytes, r.body_ok ? "ok" : "BAD");
			fails++;
		}
	}

	/* HEAD: the same Content-Length, no body. */
	curl_off_t len = -1;
	struct result r = fetch(easy, s, "/fetch?id=3&bytes=4321", 3, 5000, true);
	curl_easy_getinfo(easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &len);
	CHECK(r.rc == CURLE_OK && r.status == 200 && r.bytes == 0 && len == 4321);
	return fails;
}

static int test_keepalive_status(const struct server *s)
{
	CURL *easy = curl_easy_init();
	long connects = -1;
	struct result r;
	int fails = 0;

	r = fetch(easy, s, "/fetch?id=1&bytes=100", 1, 5000, false);
	CHECK(r.rc == CURLE_OK && r.status == 200);
	r = fetch(easy, s, "/fetch?id=2&bytes=100", 2, 5000, false);
	curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
	CHECK(r.rc == CURLE_OK && r.body_ok && connects == 0);

	r = fetch(easy, s, "/status/404", 0, 5000, false);
	CHECK(r.rc == CURLE_OK && r.status == 404);
	r = fetch(easy, s, "/status/503", 0, 5000, false);
	CHECK(r.rc == CURLE_OK && r.status == 503);
	r = fetch(easy, s, "/nowhere", 0, 5000, false);
	CHECK(r.rc == CURLE_OK && r.status == 404);
	curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
	CHECK(connects == 0);   /* error statuses keep the connection too */
	curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, "DELETE");
	r = fetch(easy, s, "/fetch", 0, 5000, false);
	CHECK(r.rc == CURLE_OK && r.status == 405);
	curl_easy_cleanup(easy);
	return fails;
}

static int test_delays(const struct server *s, CURL *easy)
{
	struct result r;
	int fails = 0;

	r = fetch(easy, s, "/fetch?id=5&delay_ms=100&bytes=10", 5, 5000, false);
	CHECK(r.rc == CURLE_OK && r.body_ok && r.secs >= 0.100 && r.secs < 0.300);
	r = fetch(easy, s, "/fetch?id=5&delay_us=20000&bytes=10", 5, 5000, false);
	CHECK(r.rc == CURLE_OK && r.secs >= 0.020 && r.secs < 0.200);
	r = fetch(easy, s, "/fetch?id=5&delay_ms=0.5&bytes=10", 5, 5000, false);
	CHECK(r.rc == CURLE_OK && r.secs >= 0.0005 && r.secs < 0.100);
	return fails;
}

/* 200 connections, each asking for a 200 ms delay, all at once: one loop
 * must wait for them side by side, so the lot takes about 200 ms, not 40 s. */
static int test_concurrent(const struct server *s)
{
	enum { N = 200 };
	struct result r[N];
	CURL *easy[N];
	CURLM *multi = curl_multi_init();
	char url[128];
	int running = 1, fails = 0, done = 0;
	double t0 = now_s();

	for (int i = 0; i < N; i++) {
		r[i] = (struct result){ .body_ok = true, .id = (uint64_t)i };
		snprintf(url, sizeof url, "%s/fetch?id=%d&delay_ms=200&bytes=%d", s->base, i, i);
		easy[i] = curl_easy_init();
		curl_easy_setopt(easy[i], CURLOPT_URL, url);
		curl_easy_setopt(easy[i], CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(easy[i], CURLOPT_WRITEDATA, &r[i]);
		curl_easy_setopt(easy[i], CURLOPT_TIMEOUT_MS, 5000L);
		curl_multi_add_handle(multi, easy[i]);
	}
	while (running > 0 && now_s() - t0 < 10) {
		curl_multi_perform(multi, &running);
		curl_multi_poll(multi, NULL, 0, 100, NULL);
	}
	for (CURLMsg *m; (m = curl_multi_info_read(multi, &running)) != NULL; )
		if (m->msg == CURLMSG_DONE && m->data.result == CURLE_OK)
			done++;
	for (int i = 0; i < N; i++) {
		fails += r[i].bytes != (uint64_t)i || !r[i].body_ok;
		curl_multi_remove_handle(multi, easy[i]);
		curl_easy_cleanup(easy[i]);
	}
	curl_multi_cleanup(multi);
	CHECK(done == N);
	CHECK(now_s() - t0 < 1.5);
	return fails;
}

static int test_faults(const struct server *s)
{
	CURL *easy = curl_easy_init();
	struct result r;
	int fails = 0;

	/* A fresh connection each: a fault ends the one it happens on. */
	curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L);

	r = fetch(easy, s, "/fetch?id=1&bytes=1000&fault=short", 1, 5000, false);
	CHECK(r.rc == CURLE_PARTIAL_FILE && r.bytes == 500 && r.body_ok);
	r = fetch(easy, s, "/fetch?bytes=1000&fault=reset", 0, 5000, false);
	CHECK(r.rc == CURLE_RECV_ERROR || r.rc == CURLE_GOT_NOTHING);
	CHECK(r.bytes == 0 && r.status == 0);
	r = fetch(easy, s, "/fetch?id=2&bytes=100000&fault=reset_body", 2, 5000, false);
	CHECK(r.rc == CURLE_RECV_ERROR || r.rc == CURLE_PARTIAL_FILE);
	CHECK(r.status == 200 && r.bytes <= 50000 && r.body_ok);
	r = fetch(easy, s, "/fetch?bytes=10&fault=stall", 0, 300, false);
	CHECK(r.rc == CURLE_OPERATION_TIMEDOUT && r.secs >= 0.29 && r.secs < 1.0);
	/* 64 bytes by 16 every 100 ms: the first at once, three waits. */
	r = fetch(easy, s, "/fetch?id=3&bytes=64&fault=trickle", 3, 5000, false);
	CHECK(r.rc == CURLE_OK && r.bytes == 64 && r.body_ok && r.secs >= 0.29);
	r = fetch(easy, s, "/fetch?bytes=10&fault=melt", 0, 5000, false);
	CHECK(r.rc == CURLE_OK && r.status == 400);
	/* The delay comes before the fault. */
	r = fetch(easy, s, "/fetch?delay_ms=50&fault=reset", 0, 5000, false);
	CHECK(r.rc != CURLE_OK && r.secs >= 0.050);
	curl_easy_cleanup(easy);
	return fails;
}

/* REQ must get a 400 and a closed connection. */
static int expect_400(const struct server *s, const char *what, const char *req, size_t len)
{
	char out[4096];
	bool closed;

	raw(s, req, len, out, sizeof out, &closed);
	if (strncmp(out, "HTTP/1.1 400 Bad Request\r\n", 26) != 0 || !closed) {
		fprintf(stderr, "FAIL: %s: %s, got '%.60s'\n", what,
			closed ? "closed" : "NOT closed", out);
		return 1;
	}
	return 0;
}

static int test_raw(const struct server *s)
{
	static char big[9 * 1024 + 64];
	char out[8192];
	bool closed;
	int fails = 0;

	fails += expect_400(s, "garbage line", "garbage\r\n\r\n", 11);
	fails += expect_400(s, "no HTTP version", "GET /fetch\r\n\r\n", 14);
	fails += expect_400(s, "non-numeric bytes",
			    "GET /fetch?bytes=abc HTTP/1.1\r\n\r\n", 33);
	fails += expect_400(s, "bare CR", "GET / HTTP/1.1\r\nA: b\rc\r\n\r\n", 26);
	fails += expect_400(s, "request body", "GET / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", 41);
	fails += expect_400(s, "binary", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15);
	snprintf(big, sizeof big, "GET /fetch HTTP/1.1\r\nX-Big: ");
	memset(big + strlen(big), 'b', sizeof big - strlen(big));
	memcpy(big + sizeof big - 4, "\r\n\r\n", 4);
	fails += expect_400(s, "9 KiB head", big, sizeof big);

	/* Bare LF is accepted (RFC 9112 2.2). */
	raw(s, "GET /fetch?bytes=3 HTTP/1.1\nConnection: close\n\n", 47, out, sizeof out, &closed);
	CHECK(strncmp(out, "HTTP/1.1 200 OK\r\n", 17) == 0 && closed);

	/* HTTP/1.0 closes after the answer. */
	raw(s, "GET /fetch?bytes=5 HTTP/1.0\r\n\r\n", 32, out, sizeof out, &closed);
	CHECK(strncmp(out, "HTTP/1.1 200 OK\r\n", 17) == 0 && closed);
	CHECK(strstr(out, "Content-Length: 5\r\n") != NULL);

	/* Pipelining: three requests in one packet, answered in order, even
	 * when the first one waits. */
	static const char pipe3[] =
		"GET /fetch?delay_ms=30&bytes=2 HTTP/1.1\r\n\r\n"
		"GET /status/201 HTTP/1.1\r\n\r\n"
		"GET /status/202 HTTP/1.1\r\nConnection: close\r\n\r\n";
	size_t n = raw(s, pipe3, sizeof pipe3 - 1, out, sizeof out, &closed);
	char *a = strstr(out, "HTTP/1.1 200"), *b = strstr(out, "HTTP/1.1 201");
	char *c = strstr(out, "HTTP/1.1 202");
	CHECK(n > 0 && closed && a == out && b > a && c > b);
	return fails;
}

int main(int argc, char **argv)
{
	struct server s;
	CURL *easy;
	struct result r;
	int fails = 0, status = -1;

	if (argc != 2) {
		fprintf(stderr, "usage: test_server PATH-TO-fetchlab-server\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (start_server(argv[1], &s) < 0)
		return 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	easy = curl_easy_init();

	fails += test_bodies(&s, easy);
	fails += test_keepalive_status(&s);
	fails += test_delays(&s, easy);
	fails += test_concurrent(&s);
	fails += test_faults(&s);
	fails += test_raw(&s);

	/* Still alive after all that. */
	r = fetch(easy, &s, "/fetch?id=9&bytes=9", 9, 5000, false);
	CHECK(r.rc == CURLE_OK && r.bytes == 9 && r.body_ok);
	curl_easy_cleanup(easy);
	curl_global_cleanup();

	/* SIGTERM: a clean exit, status 0. */
	kill(s.pid, SIGTERM);
	CHECK(waitpid(s.pid, &status, 0) == s.pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	if (fails) {
		fprintf(stderr, "test_server: %d checks failed\n", fails);
		return 1;
	}
	printf("test_server: ok\n");
	return 0;
}
