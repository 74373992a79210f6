/* fuzz_json.c - libFuzzer target over the JSON reader (json.h): any input
 * is parsed or refused with a reason; a parsed document has well-formed
 * tokens inside the text; every string unescapes; path lookups stay in
 * bounds; and writing the document back out in a canonical form and
 * parsing that gives the same canonical form (a round trip through the
 * escaper too).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetchlab/json.h"

#define NTOK 512

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Die loudly, so libFuzzer saves the input. */
static void require(int cond)
{
	if (!cond)
		abort();
}

/* Write token T of J canonically to OUT (no spaces, strings re-escaped;
 * BUF of CAP bytes holds one unescaped string); returns the index past it. */
static unsigned emit(FILE *out, const struct fl_json *j, unsigned t,
		     char *buf, size_t cap)
{
	const struct fl_json_tok *k = &j->tok[t];
	unsigned i = t + 1;

	switch (k->type) {
	case FL_JSON_OBJECT:
	case FL_JSON_ARRAY:
		fputc(k->type == FL_JSON_OBJECT ? '{' : '[', out);
		for (int n = 0; i < k->end; n++) {
			fputs(n ? "," : "", out);
			if (k->type == FL_JSON_OBJECT) {
				i = emit(out, j, i, buf, cap);
				fputc(':', out);
			}
			i = emit(out, j, i, buf, cap);
		}
		fputc(k->type == FL_JSON_OBJECT ? '}' : ']', out);
		return i;
	case FL_JSON_STRING:
		require(fl_json_unescape(j, (int)t, buf, cap) >= 0);   /* never longer than its text */
		fl_json_write_string(out, buf);
		return i;
	default:   /* numbers and literals: their text */
		fwrite(j->text + k->start, 1, k->len, out);
		return i;
	}
}

/* Parse TEXT (LEN bytes) and return its canonical form (malloc'd), or
 * NULL when it does not parse. */
static char *canonical(const char *text, size_t len, struct fl_json_tok *tok)
{
	struct fl_json j;
	const char *why = NULL;
	char *out = NULL;
	size_t at = 0, n = 0;
	FILE *f;

	if (fl_json_parse(&j, text, len, tok, NTOK, &why, &at) < 0) {
		require(why != NULL && at <= len);
		return NULL;
	}
	require(j.ntok >= 1 && j.ntok <= NTOK && j.tok[0].end == j.ntok);
	for (unsigned t = 0; t < j.ntok; t++) {
		require(j.tok[t].end > t && j.tok[t].end <= j.ntok);
		require(j.tok[t].start <= len && j.tok[t].len <= len - j.tok[t].start);
	}
	/* Lookups by path, whatever the document: in bounds, never past it. */
	static const char *const paths[] = {"a", "a.b", "errors.connect", "", ".", "a..b"};
	for (size_t p = 0; p < sizeof paths / sizeof paths[0]; p++) {
		int t = fl_json_find(&j, 0, paths[p]);
		double v;
		uint64_t u;

		require(t == -1 || (t > 0 && (unsigned)t < j.ntok));
		fl_json_number(&j, paths[p], &v);
		fl_json_u64(&j, paths[p], &u);
		fl_json_bool(&j, paths[p]);
	}
	char *buf = malloc(len + 1);

	f = open_memstream(&out, &n);
	require(f != NULL && buf != NULL);
	require(emit(f, &j, 0, buf, len + 1) == j.ntok);
	fclose(f);
	free(buf);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fl_json_tok tok[NTOK];
	char *once, *twice;

	once = canonical((const char *)data, size, tok);
	if (once == NULL)
		return 0;
	twice = canonical(once, strlen(once), tok);
	require(twice != NULL && strcmp(once, twice) == 0);
	free(once);
	free(twice);
	return 0;
}
