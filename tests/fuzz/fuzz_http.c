/* fuzz_http.c - libFuzzer target over the server's pure HTTP layer: parse
 * every request head in the input as a connection would (pipelined), plan
 * and format each answer, and check the invariants the server relies on.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Die loudly, so libFuzzer saves the input. */
static void require(int cond)
{
	if (!cond)
		abort();
}

/* True if [P, P+N) lies within [LO, HI). */
static int inside(const char *p, size_t n, const char *lo, const char *hi)
{
	return p >= lo && p <= hi && n <= (size_t)(hi - p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	char out[HTTP_HEAD_ROOM];
	struct http_request req;
	struct http_plan plan;
	const char *why;
	size_t off = 0;

	while (off < size) {
		const char *p = buf + off;
		int n = http_parse(p, size - off, &req, &why);

		if (n == HTTP_NEED_MORE) {
			require(size - off < HTTP_MAX_HEAD);
			break;
		}
		if (n == HTTP_BAD) {
			require(why != NULL);
			http_plan_bad(&plan, why);
			require(http_format(out, &plan) < sizeof out);
			break;
		}
		require(n > 0 && (size_t)n <= size - off && n <= HTTP_MAX_HEAD);
		require(inside(req.path, req.path_len, p, p + n));
		require(inside(req.query, req.query_len, p, p + n));
		require(req.path_len > 0 && req.path[0] == '/');
		http_plan(&req, &plan);
		require(plan.status > 100 && plan.status < 600);
		require(plan.why == NULL || (plan.status == 400 && plan.close));
		require(plan.bytes <= HTTP_MAX_BYTES && plan.delay_us <= HTTP_MAX_DELAY);
		require(http_format(out, &plan) < sizeof out);
		off += (size_t)n;
	}

	/* The whole input as a /fetch query, too. */
	memset(&plan, 0, sizeof plan);
	if (http_fetch_query(buf, size, &plan, &why) < 0)
		require(why != NULL);
	else
		require(plan.bytes <= HTTP_MAX_BYTES && plan.delay_us <= HTTP_MAX_DELAY);
	return 0;
}
