/* json.c - a recursive-descent JSON reader into a flat token array, lookup
 * by path, and the string escaper. The grammar is RFC 8259's; bytes of 0x80
 * and above inside strings are passed through unchecked (UTF-8 or not). */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fetchlab/json.h"

#define NUM_MAX 127   /* the longest number we convert: digits beyond are noise */

/* The one-letter escapes: esc_name[i] after a backslash stands for esc_char[i]. */
static const char esc_name[] = "\"\\/bfnrt", esc_char[] = "\"\\/\b\f\n\r\t";

struct parser {
	const char *s;
	size_t len, pos;
	struct fl_json_tok *tok;
	unsigned cap, n;
	const char *why;
};

static int value(struct parser *p, int depth);

static void skip_space(struct parser *p)
{
	while (p->pos < p->len && p->s[p->pos] && strchr(" \t\n\r", p->s[p->pos]))
		p->pos++;
}

static int fail(struct parser *p, const char *why)
{
	p->why = why;
	return -1;
}

/* Append a token of TYPE starting at START. Returns its index, or -1. */
static int add(struct parser *p, enum fl_json_type type, size_t start)
{
	if (p->n == p->cap)
		return fail(p, "more values than the token array holds");
	p->tok[p->n] = (struct fl_json_tok){.type = type, .start = (unsigned)start};
	return (int)p->n++;
}

/* Close token T: its text ends at END, its inner tokens at p->n. */
static int close_tok(struct parser *p, int t, size_t end)
{
	p->tok[t].len = (unsigned)(end - p->tok[t].start);
	p->tok[t].end = p->n;
	return t;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A string at p->pos (its opening quote). */
static int string(struct parser *p)
{
	int t = add(p, FL_JSON_STRING, ++p->pos);

	if (t < 0)
		return -1;
	for (; p->pos < p->len; p->pos++) {
		unsigned char c = (unsigned char)p->s[p->pos];

		if (c == '"') {
			close_tok(p, t, p->pos++);
			return t;
		}
		if (c < 0x20)
			return fail(p, "a control character inside a string");
		if (c != '\\')
			continue;
		if (++p->pos == p->len)
			break;
		c = (unsigned char)p->s[p->pos];
		if (c == 'u') {
			for (int k = 1; k <= 4; k++)
				if (p->pos + k >= p->len || !is_hex(p->s[p->pos + k]))
					return fail(p, "\\u needs four hex digits");
			p->pos += 4;
		} else if (c == '\0' || !strchr(esc_name, c)) {
			return fail(p, "an unknown escape in a string");
		}
	}
	return fail(p, "a string without its closing quote");
}

/* Digits at p->pos; returns how many. */
static size_t digits(struct parser *p)
{
	size_t start = p->pos;

	while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
		p->pos++;
	return p->pos - start;
}

/* -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static int number(struct parser *p)
{
	size_t start = p->pos;
	int t = add(p, FL_JSON_NUMBER, start);

	if (t < 0)
		return -1;
	if (p->s[p->pos] == '-')
		p->pos++;
	if (p->pos < p->len && p->s[p->pos] == '0')
		p->pos++;
	else if (digits(p) == 0)
		return fail(p, "a number without digits");
	if (p->pos < p->len && p->s[p->pos] == '.') {
		p->pos++;
		if (digits(p) == 0)
			return fail(p, "a number without digits after its point");
	}
	if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
		p->pos++;
		if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
			p->pos++;
		if (digits(p) == 0)
			return fail(p, "a number without digits in its exponent");
	}
	if (p->pos - start > NUM_MAX)
		return fail(p, "a number longer than 127 characters");
	return close_tok(p, t, p->pos);
}

/* true, false or null at p->pos. */
static int literal(struct parser *p, const char *word, enum fl_json_type type)
{
	size_t n = strlen(word);
	int t;

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
		return fail(p, "not a JSON value");
	t = add(p, type, p->pos);
	if (t < 0)
		return -1;
	p->pos += n;
	return close_tok(p, t, p->pos);
}

/* An object or array at p->pos (its bracket); members are key, value. */
static int container(struct parser *p, int depth, bool object)
{
	int t = add(p, object ? FL_JSON_OBJECT : FL_JSON_ARRAY, p->pos++);
	char close = object ? '}' : ']';

	if (t < 0)
		return -1;
	if (depth >= FL_JSON_DEPTH)
		return fail(p, "nested deeper than FL_JSON_DEPTH");
	skip_space(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		return close_tok(p, t, p->pos);
	}
	for (;;) {
		skip_space(p);
		if (object) {
			if (p->pos == p->len || p->s[p->pos] != '"')
				return fail(p, "an object member without a string key");
			if (string(p) < 0)
				return -1;
			skip_space(p);
			if (p->pos == p->len || p->s[p->pos++] != ':')
				return fail(p, "a key without ':' after it");
		}
		if (value(p, depth + 1) < 0)
			return -1;
		skip_space(p);
		if (p->pos == p->len)
			return fail(p, object ? "an object without its '}'" :
				       "an array without its ']'");
		if (p->s[p->pos] == close) {
			p->pos++;
			return close_tok(p, t, p->pos);
		}
		if (p->s[p->pos++] != ',')
			return fail(p, "values without ',' between them");
	}
}

static int value(struct parser *p, int depth)
{
	skip_space(p);
	if (p->pos == p->len)
		return fail(p, "the text ends where a value should be");
	switch (p->s[p->pos]) {
	case '{': return container(p, depth, true);
	case '[': return container(p, depth, false);
	case '"': return string(p);
	case 't': return literal(p, "true", FL_JSON_TRUE);
	case 'f': return literal(p, "false", FL_JSON_FALSE);
	case 'n': return literal(p, "null", FL_JSON_NULL);
	default:
		if (p->s[p->pos] == '-' || (p->s[p->pos] >= '0' && p->s[p->pos] <= '9'))
			return number(p);
		return fail(p, "not a JSON value");
	}
}

int fl_json_parse(struct fl_json *j, const char *text, size_t len,
		  struct fl_json_tok *tok, unsigned cap, const char **why,
		  size_t *at)
{
	struct parser p = {.s = text, .len = len, .tok = tok, .cap = cap};

	*j = (struct fl_json){.text = text, .tok = tok};
	if (len >= UINT_MAX) {
		p.why = "a text of 4 GiB or more";
	} else if (value(&p, 0) >= 0) {
		skip_space(&p);
		if (p.pos == len) {
			j->ntok = p.n;
			return 0;
		}
		p.why = "more text after the value";
	}
	*why = p.why;
	*at = p.pos;
	return -1;
}

static unsigned hex4(const char *s)
{
	unsigned v = 0;

	for (int k = 0; k < 4; k++)
		v = v * 16 + (unsigned)(s[k] <= '9' ? s[k] - '0' : (s[k] | 0x20) - 'a' + 10);
	return v;
}

/* Append code point CP to BUF as UTF-8 at *LEN if it fits in N (NUL kept). */
static bool put_utf8(char *buf, size_t n, size_t *len, unsigned cp)
{
	char u[4];
	size_t k = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;

	if (k == 1)
		u[0] = (char)cp;
	else {
		for (size_t i = k - 1; i > 0; i--, cp >>= 6)
			u[i] = (char)(0x80 | (cp & 0x3f));
		u[0] = (char)((0xf00u >> k) | cp);   /* 110x, 1110, 11110 */
	}
	if (*len + k >= n)
		return false;
	memcpy(buf + *len, u, k);
	*len += k;
	return true;
}

int fl_json_unescape(const struct fl_json *j, int t, char *buf, size_t n)
{
	const char *s, *e;
	size_t len = 0;

	if (t < 0 || (unsigned)t >= j->ntok || j->tok[t].type != FL_JSON_STRING || n == 0)
		return -1;
	s = j->text + j->tok[t].start;
	for (e = s + j->tok[t].len; s < e; s++) {
		unsigned cp = (unsigned char)*s;
		bool raw = cp != '\\';   /* a byte as it came, UTF-8 or not */

		if (!raw && *++s != 'u') {
			cp = (unsigned char)esc_char[strchr(esc_name, *s) - esc_name];
		} else if (!raw) {
			cp = hex4(s + 1);
			s += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && e - s > 6 && s[1] == '\\' &&
			    s[2] == 'u' && hex4(s + 3) >= 0xdc00 && hex4(s + 3) < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (hex4(s + 3) - 0xdc00);
				s += 6;
			} else if (cp >= 0xd800 && cp < 0xe000) {
				cp = 0xfffd;   /* a lone surrogate: the replacement character */
			}
		}
		if (raw || cp < 0x80) {
			if (len + 1 >= n)
				return -1;
			buf[len++] = (char)cp;
		} else if (!put_utf8(buf, n, &len, cp)) {
			return -1;
		}
	}
	buf[len] = '\0';
	return (int)len;
}

/* Whether key token K spells SEG (N bytes), escapes decoded. */
static bool key_is(const struct fl_json *j, int k, const char *seg, size_t n)
{
	char buf[256];
	int len = fl_json_unescape(j, k, buf, sizeof buf);

	return len >= 0 && (size_t)len == n && memcmp(buf, seg, n) == 0;
}

int fl_json_find(const struct fl_json *j, int from, const char *path)
{
	int cur = from;

	if (from < 0 || (unsigned)from >= j->ntok)
		return -1;
	for (const char *seg = path; ; ) {
		size_t n = strcspn(seg, ".");
		unsigned i;

		if (j->tok[cur].type != FL_JSON_OBJECT)
			return -1;
		for (i = (unsigned)cur + 1; i < j->tok[cur].end; i = j->tok[i + 1].end)
			if (key_is(j, (int)i, seg, n))
				break;
		if (i >= j->tok[cur].end)
			return -1;
		cur = (int)i + 1;
		if (seg[n] == '\0')
			return cur;
		seg += n + 1;
	}
}

/* The text of number token T, NUL-ended, in BUF (NUM_MAX + 1 bytes). */
static bool number_text(const struct fl_json *j, int t, char *buf)
{
	if (t < 0 || j->tok[t].type != FL_JSON_NUMBER)
		return false;
	memcpy(buf, j->text + j->tok[t].start, j->tok[t].len);
	buf[j->tok[t].len] = '\0';
	return true;
}

int fl_json_number(const struct fl_json *j, const char *path, double *v)
{
	char buf[NUM_MAX + 1];

	if (!number_text(j, fl_json_find(j, 0, path), buf))
		return -1;
	*v = strtod(buf, NULL);   /* out of range: +-HUGE_VAL or 0, as JSON allows */
	return 0;
}

int fl_json_u64(const struct fl_json *j, const char *path, uint64_t *v)
{
	char buf[NUM_MAX + 1], *e;

	if (!number_text(j, fl_json_find(j, 0, path), buf) || buf[0] == '-')
		return -1;
	errno = 0;
	*v = strtoull(buf, &e, 10);
	return *e || errno ? -1 : 0;
}

int fl_json_bool(const struct fl_json *j, const char *path)
{
	int t = fl_json_find(j, 0, path);

	if (t < 0 || (j->tok[t].type != FL_JSON_TRUE && j->tok[t].type != FL_JSON_FALSE))
		return -1;
	return j->tok[t].type == FL_JSON_TRUE;
}

void fl_json_write_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		const char *esc = c == '/' ? NULL : strchr(esc_char, c);

		if (esc)
			fprintf(out, "\\%c", esc_name[esc - esc_char]);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}
