/* http.c - parse a request head, plan the answer, format the answer's head.
 * Pure functions over caller-owned memory (see http.h), so the fuzzer and the
 * unit test can call them without a socket.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http.h"

/* RFC 9110 tchar: the characters of a method or header name. */
static bool is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return true;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* True if the N bytes at S spell WANT, ignoring case. */
static bool same(const char *s, size_t n, const char *want)
{
	return n == strlen(want) && strncasecmp(s, want, n) == 0;
}

/* Find the line at P (before LIM). Returns the byte after its LF, or NULL if
 * the LF has not arrived; *END is where the line's text stops (before CRLF
 * or a bare LF). */
static const char *next_line(const char *p, const char *lim, const char **end)
{
	const char *lf = memchr(p, '\n', (size_t)(lim - p));

	if (lf == NULL)
		return NULL;
	*end = (lf > p && lf[-1] == '\r') ? lf - 1 : lf;
	return lf + 1;
}

/* Parse "METHOD SP /target SP HTTP/1.x" in [P, END) into REQ. */
static int parse_request_line(const char *p, const char *end,
			      struct http_request *req, const char **why)
{
	const char *s = p, *t, *q;

	while (s < end && is_tchar((unsigned char)*s))
		s++;
	if (s == p || s == end || *s != ' ') {
		*why = "malformed request line";
		return HTTP_BAD;
	}
	if (s - p == 3 && memcmp(p, "GET", 3) == 0)
		req->method = HTTP_GET;
	else if (s - p == 4 && memcmp(p, "HEAD", 4) == 0)
		req->method = HTTP_HEAD;
	else
		req->method = HTTP_OTHER;   /* methods are case-sensitive */

	t = ++s;
	while (s < end && *s > ' ' && *s < 0x7f)
		s++;
	if (s == t || *t != '/') {
		*why = "request target must start with '/'";
		return HTTP_BAD;
	}
	if (s == end) {
		*why = "request line has no HTTP version";
		return HTTP_BAD;
	}
	if (*s != ' ') {
		*why = "control character in request target";
		return HTTP_BAD;
	}
	q = memchr(t, '?', (size_t)(s - t));
	req->path = t;
	req->path_len = (size_t)((q ? q : s) - t);
	req->query = q ? q + 1 : s;
	req->query_len = (size_t)(q ? s - (q + 1) : 0);

	s++;
	if (end - s != 8 || memcmp(s, "HTTP/1.", 7) != 0 || s[7] < '0' || s[7] > '9') {
		*why = "unsupported HTTP version (want HTTP/1.0 or HTTP/1.1)";
		return HTTP_BAD;
	}
	req->minor = s[7] - '0';
	req->keep_alive = req->minor >= 1;
	return 0;
}

/* Apply one header, NAME: VALUE (value without surrounding whitespace). */
static int parse_header(const char *name, size_t nn, const char *v, size_t vn,
			struct http_request *req, const char **why)
{
	if (same(name, nn, "Connection")) {
		/* A comma-separated list of tokens; "close" wins over "keep-alive". */
		const char *e = v + vn;

		while (v < e) {
			const char *c = memchr(v, ',', (size_t)(e - v));
			const char *te = c ? c : e;

			while (v < te && (*v == ' ' || *v == '\t'))
				v++;
			while (te > v && (te[-1] == ' ' || te[-1] == '\t'))
				te--;
			if (same(v, (size_t)(te - v), "close"))
				req->keep_alive = false;
			else if (same(v, (size_t)(te - v), "keep-alive") && req->minor == 0)
				req->keep_alive = true;
			v = c ? c + 1 : e;
		}
	} else if (same(name, nn, "Content-Length")) {
		bool nonzero = false;

		if (vn == 0) {
			*why = "malformed Content-Length";
			return HTTP_BAD;
		}
		for (size_t i = 0; i < vn; i++) {
			if (v[i] < '0' || v[i] > '9') {
				*why = "malformed Content-Length";
				return HTTP_BAD;
			}
			nonzero |= v[i] != '0';
		}
		if (nonzero) {
			*why = "request bodies are not supported";
			return HTTP_BAD;
		}
	} else if (same(name, nn, "Transfer-Encoding")) {
		*why = "request bodies are not supported";
		return HTTP_BAD;
	}
	return 0;
}

int http_parse(const char *buf, size_t len, struct http_request *req,
	       const char **why)
{
	const char *lim = buf + (len < HTTP_MAX_HEAD ? len : HTTP_MAX_HEAD);
	const char *p = buf, *end, *next;

	memset(req, 0, sizeof *req);
	*why = NULL;
	next = next_line(p, lim, &end);
	if (next == NULL)
		goto incomplete;
	if (parse_request_line(p, end, req, why) < 0)
		return HTTP_BAD;

	for (p = next; (next = next_line(p, lim, &end)) != NULL; p = next) {
		const char *s = p, *v, *ve;

		if (end == p)   /* the blank line: the head is complete */
			return (int)(next - buf);
		if (*p == ' ' || *p == '\t') {
			*why = "obsolete header line folding";
			return HTTP_BAD;
		}
		while (s < end && is_tchar((unsigned char)*s))
			s++;
		if (s == p || s == end || *s != ':') {
			*why = "malformed header line";
			return HTTP_BAD;
		}
		for (v = s + 1; v < end && (*v == ' ' || *v == '\t'); v++)
			;
		for (ve = end; ve > v && (ve[-1] == ' ' || ve[-1] == '\t'); ve--)
			;
		for (const char *c = v; c < ve; c++) {
			unsigned char u = (unsigned char)*c;

			if ((u < ' ' && u != '\t') || u == 0x7f) {
				*why = "control character in header value";
				return HTTP_BAD;
			}
		}
		if (parse_header(p, (size_t)(s - p), v, (size_t)(ve - v), req, why) < 0)
			return HTTP_BAD;
	}
incomplete:
	if (len >= HTTP_MAX_HEAD) {
		*why = "request head over 8 KiB";
		return HTTP_BAD;
	}
	return HTTP_NEED_MORE;
}

/* Read N decimal digits at S into *OUT. Returns 0, or -1 if they are not all
 * digits, are none, or exceed MAX. */
static int parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (d > 9 || v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* Read milliseconds like "50" or "0.5" at S into *US, in microseconds.
 * Digits past the third decimal are checked and dropped. */
static int parse_ms(const char *s, size_t n, uint64_t *us)
{
	const char *dot = memchr(s, '.', n);
	size_t whole = dot ? (size_t)(dot - s) : n;
	uint64_t ms = 0, frac = 0, scale = 100;

	if (whole > 0 && parse_u64(s, whole, HTTP_MAX_DELAY / 1000, &ms) < 0)
		return -1;
	if (dot == NULL)
		goto done;
	if (whole == 0 && n == 1)   /* "." alone */
		return -1;
	for (const char *d = dot + 1; d < s + n; d++, scale /= 10) {
		if (*d < '0' || *d > '9')
			return -1;
		frac += (uint64_t)(*d - '0') * scale;
	}
done:
	*us = ms * 1000 + frac;
	return *us <= HTTP_MAX_DELAY ? 0 : -1;
}

int http_fetch_query(const char *q, size_t len, struct http_plan *plan,
		     const char **why)
{
	static const char *const faults[] = {
		[FAULT_RESET] = "reset", [FAULT_RESET_BODY] = "reset_body",
		[FAULT_STALL] = "stall", [FAULT_SHORT] = "short",
		[FAULT_TRICKLE] = "trickle",
	};
	const char *end = q + len;

	while (q < end) {
		const char *amp = memchr(q, '&', (size_t)(end - q));
		const char *eq, *v;
		size_t kn, vn;

		if (amp == NULL)
			amp = end;
		eq = memchr(q, '=', (size_t)(amp - q));
		kn = (size_t)((eq ? eq : amp) - q);
		v = eq ? eq + 1 : amp;
		vn = (size_t)(amp - v);

		if (same(q, kn, "id")) {
			if (parse_u64(v, vn, UINT64_MAX, &plan->id) < 0) {
				*why = "bad id: want a whole number";
				return -1;
			}
		} else if (same(q, kn, "bytes")) {
			if (parse_u64(v, vn, HTTP_MAX_BYTES, &plan->bytes) < 0) {
				*why = "bad bytes: want a whole number up to 2^40";
				return -1;
			}
		} else if (same(q, kn, "delay_ms")) {
			if (parse_ms(v, vn, &plan->delay_us) < 0) {
				*why = "bad delay_ms: want milliseconds like 50 or 0.5, up to 1 hour";
				return -1;
			}
		} else if (same(q, kn, "pause_ms")) {
			if (parse_ms(v, vn, &plan->pause_us) < 0 ||
			    plan->pause_us > 10000000) {
				*why = "bad pause_ms: want milliseconds, up to 10 s";
				return -1;
			}
		} else if (same(q, kn, "delay_us")) {
			if (parse_u64(v, vn, HTTP_MAX_DELAY, &plan->delay_us) < 0) {
				*why = "bad delay_us: want whole microseconds, up to 1 hour";
				return -1;
			}
		} else if (same(q, kn, "fault")) {
			int f = FAULT_TRICKLE;

			while (f > FAULT_NONE && !(strlen(faults[f]) == vn &&
						   memcmp(v, faults[f], vn) == 0))
				f--;
			if (f == FAULT_NONE) {
				*why = "bad fault: want reset, reset_body, stall, short or trickle";
				return -1;
			}
			plan->fault = (enum http_fault)f;
		}
		q = amp < end ? amp + 1 : end;
	}
	return 0;
}

void http_plan_bad(struct http_plan *plan, const char *why)
{
	memset(plan, 0, sizeof *plan);
	plan->status = 400;
	plan->close = true;
	plan->why = why;
}

void http_plan(const struct http_request *req, struct http_plan *plan)
{
	static const char status_prefix[] = "/status/";
	const size_t sp = sizeof status_prefix - 1;
	const char *why;
	uint64_t code;

	memset(plan, 0, sizeof *plan);
	plan->head_only = req->method == HTTP_HEAD;
	plan->close = !req->keep_alive;
	plan->keep_alive_header = req->keep_alive && req->minor == 0;

	if (req->method == HTTP_OTHER) {
		plan->status = 405;
	} else if (same(req->path, req->path_len, "/fetch")) {
		plan->status = 200;
		plan->stream = true;
		if (http_fetch_query(req->query, req->query_len, plan, &why) < 0)
			goto bad;
	} else if (req->path_len > sp && memcmp(req->path, status_prefix, sp) == 0) {
		why = "bad status: want /status/N with 100 < N < 600";
		if (parse_u64(req->path + sp, req->path_len - sp, 999, &code) < 0 ||
		    code <= 100 || code >= 600)
			goto bad;
		plan->status = (int)code;
	} else {
		plan->status = 404;
	}
	return;
bad:
	http_plan_bad(plan, why);
	plan->head_only = req->method == HTTP_HEAD;
}

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	}
	static const char *const classes[] = {
		"Informational", "Success", "Redirection", "Client Error", "Server Error",
	};
	return status >= 100 && status < 600 ? classes[status / 100 - 1] : "Unknown";
}

size_t http_format(char *out, const struct http_plan *p)
{
	/* 1xx, 204 and 304 answers have no body and, here, no Content-Length. */
	bool bodyless = p->status < 200 || p->status == 204 || p->status == 304;
	char text[128];
	int tn = 0;
	size_t n = 0, room = HTTP_HEAD_ROOM;

#define PUT(...) do { \
	int k_ = snprintf(out + n, room - n, __VA_ARGS__); \
	n += k_ > 0 ? ((size_t)k_ < room - n ? (size_t)k_ : room - n - 1) : 0; \
} while (0)

	if (!p->stream && !bodyless) {
		if (p->why)
			tn = snprintf(text, sizeof text, "%d %s: %s\n", p->status,
				      http_reason(p->status), p->why);
		else
			tn = snprintf(text, sizeof text, "%d %s\n", p->status,
				      http_reason(p->status));
		if (tn >= (int)sizeof text)
			tn = sizeof text - 1;
	}
	PUT("HTTP/1.1 %d %s\r\n", p->status, http_reason(p->status));
	if (!bodyless)
		PUT("Content-Type: %s\r\nContent-Length: %" PRIu64 "\r\n",
		    p->stream ? "application/octet-stream" : "text/plain",
		    p->stream ? p->bytes : (uint64_t)tn);
	if (p->status == 405)
		PUT("Allow: GET, HEAD\r\n");
	if (p->close)
		PUT("Connection: close\r\n");
	else if (p->keep_alive_header)
		PUT("Connection: keep-alive\r\n");
	PUT("\r\n");
	if (!p->head_only && tn > 0)
		PUT("%s", text);
#undef PUT
	return n;
}
