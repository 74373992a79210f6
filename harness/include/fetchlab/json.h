/* json.h - a small JSON reader (RFC 8259) and the one string escaper the
 * writers share. The text is parsed once into a flat array of tokens that
 * the caller provides, so parsing allocates nothing; values are then found
 * by path ("errors.connect": the member "connect" of the top object's
 * member "errors"), never by searching the text.
 */
#ifndef FETCHLAB_JSON_H
#define FETCHLAB_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum fl_json_type {
	FL_JSON_OBJECT, FL_JSON_ARRAY, FL_JSON_STRING, FL_JSON_NUMBER,
	FL_JSON_TRUE, FL_JSON_FALSE, FL_JSON_NULL,
};

/* One value, or one object key (a STRING token before its value). */
struct fl_json_tok {
	enum fl_json_type type;
	unsigned start, len;   /* its text; a string's without the quotes */
	unsigned end;          /* the index just past its last inner token */
};

struct fl_json {
	const char *text;
	struct fl_json_tok *tok;   /* tok[0] is the top value */
	unsigned ntok;
};

#define FL_JSON_DEPTH 32   /* deeper nesting is refused, not recursed into */

/* Parse TEXT (LEN bytes, no NUL needed) into J, using TOK[0..CAP) as its
 * tokens. Returns 0, or -1 with a reason in *WHY and the byte offset where
 * parsing stopped in *AT. J keeps pointers to TEXT and TOK. */
int fl_json_parse(struct fl_json *j, const char *text, size_t len,
		  struct fl_json_tok *tok, unsigned cap, const char **why,
		  size_t *at);

/* The index of the value at PATH (member names joined by '.') under the
 * object token FROM (0: the top). Returns -1 when a step is missing or not
 * an object. The first of duplicate keys wins. */
int fl_json_find(const struct fl_json *j, int from, const char *path);

/* The number at PATH into *V. Returns 0, or -1 when absent or not a number. */
int fl_json_number(const struct fl_json *j, const char *path, double *v);
/* The same, exact to 64 bits: a non-negative integer only. */
int fl_json_u64(const struct fl_json *j, const char *path, uint64_t *v);

/* The string token T, unescaped (UTF-8) into BUF of N bytes, NUL-ended.
 * Returns its length, or -1 when T is not a string or does not fit. */
int fl_json_unescape(const struct fl_json *j, int t, char *buf, size_t n);

/* Whether the token at PATH is true (1), false (0), or absent/other (-1). */
int fl_json_bool(const struct fl_json *j, const char *path);

/* Write S to OUT as a JSON string, quotes included: '"', '\\' and control
 * characters escaped, other bytes (UTF-8) as they are. */
void fl_json_write_string(FILE *out, const char *s);

#endif
