/* http.h - what the test server answers, decided without I/O or allocation.
 *
 * http_parse reads one HTTP/1.x request head out of (buf, len); http_plan
 * turns it into an answer; http_format writes that answer's head. conn.c
 * only carries the plan out. The fuzzer (tests/fuzz/fuzz_http.c) drives all three.
 */
#ifndef FETCHLAB_SERVER_HTTP_H
#define FETCHLAB_SERVER_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_MAX_HEAD   8192             /* request line + headers + blank line */
#define HTTP_MAX_BYTES  (1ull << 40)     /* largest /fetch body, 1 TiB */
#define HTTP_MAX_DELAY  3600000000ull    /* longest /fetch delay, 1 hour in us */
#define HTTP_HEAD_ROOM  384              /* http_format never writes more */

/* http_parse results besides a byte count. */
#define HTTP_NEED_MORE  0
#define HTTP_BAD        (-1)

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_OTHER };

/* One request head. The strings point into the parsed buffer and are not
 * NUL-terminated, so they live as long as the buffer's bytes do. */
struct http_request {
	enum http_method method;
	const char *path;        /* "/fetch": the target up to '?' */
	size_t path_len;
	const char *query;       /* "id=1&bytes=8": after '?', may be empty */
	size_t query_len;
	int minor;               /* HTTP/1.MINOR */
	bool keep_alive;         /* the client wants the connection kept */
};

/* The /fetch fault modes (&fault=KIND); each acts once the delay is over. */
enum http_fault {
	FAULT_NONE,
	FAULT_RESET,        /* RST before any response */
	FAULT_RESET_BODY,   /* head and half the body, then RST */
	FAULT_STALL,        /* never answer; wait for the client to leave */
	FAULT_SHORT,        /* promise the body, send half, close cleanly */
	FAULT_TRICKLE,      /* the body a few bytes at a time */
};

/* An answer, as numbers and static strings: it outlives the request bytes. */
struct http_plan {
	int status;              /* 200, /status/N, 400, 404 or 405 */
	bool head_only;          /* HEAD: same head, no body */
	bool close;              /* close the connection after this answer */
	bool keep_alive_header;  /* an HTTP/1.0 client asked to keep it */
	bool stream;             /* body is fl_body(id) of `bytes`, else short text */
	uint64_t id;
	uint64_t delay_us;
	uint64_t pause_us;       /* pause_ms=: stop the whole server first */
	uint64_t bytes;
	enum http_fault fault;
	const char *why;         /* a 400's reason, sent as its body */
};

/* Parse one request head at the start of BUF. Returns the bytes it takes
 * (> 0) with *REQ filled, HTTP_NEED_MORE if BUF holds only part of one, or
 * HTTP_BAD with *WHY naming the problem (a static string). Heads over
 * HTTP_MAX_HEAD bytes are bad. Request bodies are not supported: a
 * Content-Length above 0 or any Transfer-Encoding is bad. A bare LF ends a
 * line as CRLF does (RFC 9112 2.2 allows it); a CR anywhere else is bad. */
int http_parse(const char *buf, size_t len, struct http_request *req,
	       const char **why);

/* Decide the answer to REQ. A malformed request is planned with
 * http_plan_bad instead. */
void http_plan(const struct http_request *req, struct http_plan *plan);

/* Plan "400 Bad Request" with reason WHY (static), closing afterwards. */
void http_plan_bad(struct http_plan *plan, const char *why);

/* Read /fetch's query ("id=ID&delay_ms=D&bytes=B&fault=KIND") into PLAN.
 * Missing parameters are 0 / none; unknown ones are ignored. Returns 0, or
 * -1 with *WHY naming the bad parameter. */
int http_fetch_query(const char *q, size_t len, struct http_plan *plan,
		     const char **why);

/* Write PLAN's status line and headers into OUT (at least HTTP_HEAD_ROOM
 * bytes), followed by the body when it is short text. Returns the length. */
size_t http_format(char *out, const struct http_plan *plan);

/* "Not Found" for 404; a class name ("Client Error") for codes we don't list. */
const char *http_reason(int status);

#endif
