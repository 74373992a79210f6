/* test_json.c - the JSON reader and string escaper (json.h).
 *
 * The reader must accept what RFC 8259 accepts and refuse the rest with a
 * reason; find a value by its path and only there (a key that also appears
 * nested is not confused with the top-level one); decode every escape; and
 * the escaper's output must read back as the string it was given. Exits 0
 * when every check passes.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetchlab/json.h"
#include "tally.h"

#define NTOK 64

struct doc {
	struct fl_json j;
	struct fl_json_tok tok[NTOK];
	const char *why;
	size_t at;
};

/* Parse TEXT into D. Returns what fl_json_parse returned. */
static int parse(struct doc *d, const char *text)
{
	d->why = NULL;
	return fl_json_parse(&d->j, text, strlen(text), d->tok, NTOK, &d->why, &d->at);
}

static void test_accepts(struct tally *t)
{
	static const char *const good[] = {
		"{}", "[]", " \t\r\n{ } ", "0", "-0", "1.5", "-12.25e+3", "1E-2",
		"\"\"", "true", "false", "null", "[1,[2,[3,{}]]]",
		"{\"a\":{\"b\":[true,false,null]},\"c\":\"\\u00e9\"}",
		"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\uD83D\\uDE00\"",
	};
	struct doc d;

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		int rc = parse(&d, good[i]);

		check(t, rc == 0, "refused valid %s: %s at %zu", good[i],
		      d.why ? d.why : "?", d.at);
	}
}

static void test_refuses(struct tally *t)
{
	static const char *const bad[] = {
		"", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}",
		"01", "1.", ".5", "1e", "1e+", "-", "+1", "0x10", "NaN", "Infinity",
		"tru", "nul", "\"abc", "\"a\\x\"", "\"\\u12\"", "\"\\u12G4\"",
		"\"tab\there\"", "{} {}", "[1 2]", "{\"a\":1 \"b\":2}", "'a'",
		"\"\\", "[", "{\"a\":",
	};
	struct doc d;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = parse(&d, bad[i]);

		check(t, rc < 0 && d.why != NULL && d.at <= strlen(bad[i]),
		      "accepted invalid <%s>", bad[i]);
	}
	/* A NUL inside the text is not whitespace or a value. */
	check(t, fl_json_parse(&d.j, "{}\0", 3, d.tok, NTOK, &d.why, &d.at) < 0,
	      "accepted a NUL after the value");
}

static void test_limits(struct tally *t)
{
	char deep[2 * FL_JSON_DEPTH + 8] = "";
	struct doc d;

	/* FL_JSON_DEPTH nested arrays parse; one more is refused, not recursed. */
	for (int i = 0; i < FL_JSON_DEPTH; i++)
		strcat(deep, "[");
	for (int i = 0; i < FL_JSON_DEPTH; i++)
		strcat(deep, "]");
	int rc = parse(&d, deep);

	check(t, rc == 0, "refused %d nested arrays: %s", FL_JSON_DEPTH,
	      d.why ? d.why : "?");
	memmove(deep + 1, deep, strlen(deep) + 1);
	deep[0] = '[';
	strcat(deep, "]");
	check(t, parse(&d, deep) < 0 && strstr(d.why, "nested"),
	      "accepted %d nested arrays", FL_JSON_DEPTH + 1);

	/* More values than tokens: refused with a reason, nothing written past. */
	struct fl_json_tok few[3 + 1];
	struct fl_json j;

	few[3].start = 12345;
	check(t, fl_json_parse(&j, "[1,2,3]", 7, few, 3, &d.why, &d.at) < 0 &&
		 few[3].start == 12345, "overflowed a token array of 3");
	check(t, fl_json_parse(&j, "[1,2]", 5, few, 3, &d.why, &d.at) == 0 &&
		 j.ntok == 3, "[1,2] is not 3 tokens");
}

static void test_find(struct tally *t)
{
	const char *text = "{\"ok\":7,\"errors\":{\"ok\":1,\"connect\":2,"
			   "\"deep\":{\"x\":-3.5e2}},\"list\":[{\"ok\":9}],"
			   "\"s\":\"a\\\"b\",\"t\":true,\"f\":false,"
			   "\"big\":18446744073709551615,\"e\":1E3,\"p\":2e-3}";
	struct doc d;
	double v = 0;
	uint64_t u = 0;
	char buf[16];

	int rc = parse(&d, text);

	if (!check(t, rc == 0, "refused %s: %s", text, d.why))
		return;
	check(t, fl_json_number(&d.j, "ok", &v) == 0 && v == 7,
	      "top-level ok is %g, want 7 (not the nested 1)", v);
	check(t, fl_json_number(&d.j, "errors.ok", &v) == 0 && v == 1,
	      "errors.ok is %g, want 1", v);
	check(t, fl_json_number(&d.j, "errors.connect", &v) == 0 && v == 2,
	      "errors.connect is %g", v);
	check(t, fl_json_number(&d.j, "errors.deep.x", &v) == 0 && v == -350,
	      "errors.deep.x is %g, want -350", v);
	check(t, fl_json_number(&d.j, "connect", &v) < 0,
	      "found connect at the top; it is only nested");
	check(t, fl_json_number(&d.j, "errors", &v) < 0, "an object read as a number");
	check(t, fl_json_number(&d.j, "errors.nope", &v) < 0, "found errors.nope");
	check(t, fl_json_number(&d.j, "ok.x", &v) < 0, "walked into a number");
	check(t, fl_json_number(&d.j, "list.ok", &v) < 0, "walked into an array");
	check(t, fl_json_number(&d.j, "e", &v) == 0 && v == 1000, "1E3 is %g", v);
	check(t, fl_json_number(&d.j, "p", &v) == 0 && fabs(v - 0.002) < 1e-15,
	      "2e-3 is %g", v);
	check(t, fl_json_u64(&d.j, "big", &u) == 0 && u == UINT64_MAX,
	      "big is %llu, want 2^64 - 1 exactly", (unsigned long long)u);
	check(t, fl_json_u64(&d.j, "errors.deep.x", &u) < 0, "-3.5e2 read as a u64");
	check(t, fl_json_bool(&d.j, "t") == 1 && fl_json_bool(&d.j, "f") == 0 &&
		 fl_json_bool(&d.j, "ok") < 0, "true/false/number as bools");
	check(t, fl_json_unescape(&d.j, fl_json_find(&d.j, 0, "s"), buf, sizeof buf) == 3 &&
		 strcmp(buf, "a\"b") == 0, "s is <%s>, want <a\"b>", buf);
	check(t, fl_json_unescape(&d.j, fl_json_find(&d.j, 0, "s"), buf, 3) < 0,
	      "a 3-byte string fit in 3 bytes with its NUL");
	check(t, fl_json_unescape(&d.j, fl_json_find(&d.j, 0, "ok"), buf, sizeof buf) < 0,
	      "a number unescaped as a string");
}

static void test_unescape(struct tally *t)
{
	static const struct { const char *json, *want; } cases[] = {
		{"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t"},
		{"\"\\u0041\\u00e9\\u20ac\"", "A\xc3\xa9\xe2\x82\xac"},
		{"\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80"},       /* a surrogate pair */
		{"\"\\ud83dx\"", "\xef\xbf\xbdx"},                /* a lone one: U+FFFD */
		{"\"caf\xc3\xa9\"", "caf\xc3\xa9"},               /* raw UTF-8 passes */
	};
	struct doc d;
	char buf[64];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int n = -1;

		if (parse(&d, cases[i].json) == 0)
			n = fl_json_unescape(&d.j, 0, buf, sizeof buf);
		check(t, n == (int)strlen(cases[i].want) && strcmp(buf, cases[i].want) == 0,
		      "%s unescaped to <%s>", cases[i].json, n < 0 ? "(failed)" : buf);
	}
	/* An escaped key matches its plain path. */
	check(t, parse(&d, "{\"l\\u0061t\":{\"p\\u0035\\u0030\":5}}") == 0 &&
		 fl_json_find(&d.j, 0, "lat.p50") > 0, "escaped keys do not match");
}

/* Write S with the escaper and read it back. */
static void round_trip(struct tally *t, const char *s)
{
	char *text = NULL, buf[256];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct doc d;
	int n = -1;

	fl_json_write_string(f, s);
	fclose(f);
	if (parse(&d, text) == 0)
		n = fl_json_unescape(&d.j, 0, buf, sizeof buf);
	check(t, n >= 0 && strcmp(buf, s) == 0, "<%s> wrote %s, read back <%s>",
	      s, text, n < 0 ? "(failed)" : buf);
	free(text);
}

static void test_escape(struct tally *t)
{
	char all[128];
	char *text = NULL;
	size_t len;
	FILE *f;

	round_trip(t, "");
	round_trip(t, "plain 50ms");
	round_trip(t, "quote \" backslash \\ slash / tab \t newline \n");
	round_trip(t, "caf\xc3\xa9 \xe2\x82\xac");
	for (int c = 1; c < 128; c++)
		all[c - 1] = (char)c;
	all[127] = '\0';
	round_trip(t, all);
	f = open_memstream(&text, &len);
	fl_json_write_string(f, "a\"b\x01");
	fclose(f);
	check(t, strcmp(text, "\"a\\\"b\\u0001\"") == 0, "escaped as %s", text);
	free(text);
}

int main(void)
{
	struct tally t = {0};

	test_accepts(&t);
	test_refuses(&t);
	test_limits(&t);
	test_find(&t);
	test_unescape(&t);
	test_escape(&t);
	printf("unit-json: %d passed, %d failed\n", t.passed, t.failed);
	return t.failed ? 1 : 0;
}
