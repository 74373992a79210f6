/* test_http.c - unit test of the server's pure HTTP layer (harness/server/http.c):
 * request heads, /fetch queries, plans and formatted heads, without sockets.
 */
#include <stdio.h>
#include <string.h>

#include "http.h"

/* Count a failure in the enclosing function's `fails` and say where. */
#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		fails++; \
	} \
} while (0)

static int parse(const char *s, struct http_request *req, const char **why)
{
	return http_parse(s, strlen(s), req, why);
}

/* True if S is rejected with a reason. */
static int bad(const char *s)
{
	struct http_request req;
	const char *why = NULL;

	return parse(s, &req, &why) == HTTP_BAD && why != NULL;
}

static int test_good_heads(void)
{
	static const char get[] = "GET /fetch?id=7&bytes=8 HTTP/1.1\r\nHost: x\r\n\r\n";
	struct http_request req;
	const char *why;
	int fails = 0;

	CHECK(parse(get, &req, &why) == (int)strlen(get));
	CHECK(req.method == HTTP_GET && req.minor == 1 && req.keep_alive);
	CHECK(req.path_len == 6 && memcmp(req.path, "/fetch", 6) == 0);
	CHECK(req.query_len == 12 && memcmp(req.query, "id=7&bytes=8", 12) == 0);

	/* Every proper prefix asks for more. */
	for (size_t n = 0; n < strlen(get); n++)
		CHECK(http_parse(get, n, &req, &why) == HTTP_NEED_MORE);

	/* Pipelined: one head at a time. */
	char two[256];
	snprintf(two, sizeof two, "%sHEAD /status/204 HTTP/1.1\r\n\r\n", get);
	CHECK(parse(two, &req, &why) == (int)strlen(get));
	CHECK(parse(two + strlen(get), &req, &why) > 0 && req.method == HTTP_HEAD);

	CHECK(parse("GET / HTTP/1.1\r\nConnection: keep-alive, close\r\n\r\n", &req, &why) > 0);
	CHECK(!req.keep_alive);
	CHECK(parse("GET / HTTP/1.0\r\n\r\n", &req, &why) > 0 && !req.keep_alive);
	CHECK(parse("GET / HTTP/1.0\r\nconnection:Keep-Alive\r\n\r\n", &req, &why) > 0);
	CHECK(req.keep_alive && req.minor == 0);
	CHECK(parse("GET /x HTTP/1.1\r\n\r\n", &req, &why) > 0 && req.query_len == 0);

	/* Bare LF ends lines too; Content-Length: 0 is no body. */
	CHECK(parse("GET / HTTP/1.1\nHost: x\n\n", &req, &why) == 24);
	CHECK(parse("GET / HTTP/1.1\r\nContent-Length: 00\r\n\r\n", &req, &why) > 0);
	CHECK(parse("POST / HTTP/1.1\r\n\r\n", &req, &why) > 0 && req.method == HTTP_OTHER);
	return fails;
}

static int test_bad_heads(void)
{
	char big[HTTP_MAX_HEAD + 1024];
	struct http_request req;
	const char *why;
	int fails = 0;

	CHECK(bad("garbage\r\n\r\n"));
	CHECK(bad("GET /fetch\r\n\r\n"));
	CHECK(bad("GET fetch HTTP/1.1\r\n\r\n"));
	CHECK(bad("GET  / HTTP/1.1\r\n\r\n"));
	CHECK(bad("GET / HTTP/2.0\r\n\r\n"));
	CHECK(bad("GET / HTTP/1.1 \r\n\r\n"));
	CHECK(bad("\r\n"));
	CHECK(bad("GET / HTTP/1.1\r\nHost x\r\n\r\n"));
	CHECK(bad("GET / HTTP/1.1\r\nHost : x\r\n\r\n"));
	CHECK(bad("GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n"));
	CHECK(bad("GET / HTTP/1.1\r\nA: b\rc\r\n\r\n"));
	CHECK(bad("GET / HTTP/1.1\r\nA: b\x01\r\n\r\n"));
	CHECK(bad("GET /\x7f HTTP/1.1\r\n\r\n"));
	CHECK(bad("GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"));
	CHECK(bad("GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"));
	CHECK(bad("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"));

	/* A head over 8 KiB is bad, complete or not. */
	memset(big, 'a', sizeof big);
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	CHECK(http_parse(big, HTTP_MAX_HEAD - 1, &req, &why) == HTTP_NEED_MORE);
	CHECK(http_parse(big, HTTP_MAX_HEAD, &req, &why) == HTTP_BAD);
	memcpy(big + sizeof big - 4, "\r\n\r\n", 4);
	CHECK(http_parse(big, sizeof big, &req, &why) == HTTP_BAD);
	/* Exactly 8 KiB, blank line included, is fine. */
	memcpy(big + HTTP_MAX_HEAD - 4, "\r\n\r\n", 4);
	CHECK(http_parse(big, sizeof big, &req, &why) == HTTP_MAX_HEAD);
	return fails;
}

/* Plan "GET TARGET HTTP/1.1". */
static void plan_of(const char *target, struct http_plan *plan)
{
	char line[512];
	struct http_request req;
	const char *why;

	snprintf(line, sizeof line, "GET %s HTTP/1.1\r\n\r\n", target);
	if (parse(line, &req, &why) > 0)
		http_plan(&req, plan);
	else
		http_plan_bad(plan, why);
}

static int test_plans(void)
{
	struct http_plan p;
	int fails = 0;

	plan_of("/fetch", &p);
	CHECK(p.status == 200 && p.stream && p.id == 0 && p.bytes == 0 && p.delay_us == 0);
	plan_of("/fetch?id=18446744073709551615&bytes=1099511627776&delay_ms=0.5&x=y", &p);
	CHECK(p.status == 200 && p.id == UINT64_MAX && p.bytes == 1ull << 40 && p.delay_us == 500);
	plan_of("/fetch?delay_ms=1.2345", &p);
	CHECK(p.delay_us == 1234);
	plan_of("/fetch?delay_ms=.25&delay_us=7", &p);
	CHECK(p.delay_us == 7);
	plan_of("/fetch?fault=reset_body", &p);
	CHECK(p.status == 200 && p.fault == FAULT_RESET_BODY);
	plan_of("/fetch?fault=trickle&fault=stall", &p);
	CHECK(p.fault == FAULT_STALL);

	static const char *const bad_targets[] = {
		"/fetch?bytes=abc", "/fetch?bytes=", "/fetch?bytes", "/fetch?id=-1",
		"/fetch?bytes=1099511627777", "/fetch?id=18446744073709551616",
		"/fetch?delay_ms=.", "/fetch?delay_ms=1.x", "/fetch?delay_ms=3600001",
		"/fetch?delay_us=1e3", "/fetch?fault=nope", "/fetch?fault=",
		"/status/100", "/status/600", "/status/abc", "/status/1000", "/status/20",
	};
	for (size_t i = 0; i < sizeof bad_targets / sizeof *bad_targets; i++) {
		plan_of(bad_targets[i], &p);
		if (p.status != 400 || !p.close || p.why == NULL) {
			fprintf(stderr, "FAIL: %s not a 400\n", bad_targets[i]);
			fails++;
		}
	}
	plan_of("/status/404", &p);
	CHECK(p.status == 404 && !p.stream && !p.close);
	plan_of("/status/599", &p);
	CHECK(p.status == 599);
	plan_of("/fetchx", &p);
	CHECK(p.status == 404);
	plan_of("/", &p);
	CHECK(p.status == 404);
	return fails;
}

static int test_format(void)
{
	char out[HTTP_HEAD_ROOM];
	struct http_plan p;
	size_t n;
	int fails = 0;

	plan_of("/fetch?bytes=12345", &p);
	n = http_format(out, &p);
	CHECK(n == strlen(out));
	CHECK(strcmp(out, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
		      "Content-Length: 12345\r\n\r\n") == 0);

	plan_of("/status/503", &p);
	n = http_format(out, &p);
	CHECK(strstr(out, "HTTP/1.1 503 Service Unavailable\r\n") == out);
	CHECK(strstr(out, "Content-Length: 24\r\n") != NULL);
	CHECK(n > 24 && strcmp(out + n - 24, "503 Service Unavailable\n") == 0);

	p.head_only = true;   /* HEAD: same Content-Length, no body */
	n = http_format(out, &p);
	CHECK(strstr(out, "Content-Length: 24\r\n") && strcmp(out + n - 4, "\r\n\r\n") == 0);

	plan_of("/status/204", &p);
	http_format(out, &p);
	CHECK(strcmp(out, "HTTP/1.1 204 No Content\r\n\r\n") == 0);

	http_plan_bad(&p, "request head over 8 KiB");
	n = http_format(out, &p);
	CHECK(strstr(out, "Connection: close\r\n") != NULL);
	CHECK(strcmp(out + n - 41, "400 Bad Request: request head over 8 KiB\n") == 0);
	return fails;
}

int main(void)
{
	int fails = test_good_heads() + test_bad_heads() + test_plans() + test_format();

	if (fails) {
		fprintf(stderr, "test_http: %d checks failed\n", fails);
		return 1;
	}
	printf("test_http: ok\n");
	return 0;
}
