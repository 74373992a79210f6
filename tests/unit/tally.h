/* tally.h - what the unit tests share: a tally of checks that prints why a
 * check failed, and a seeded generator so every run sees the same inputs. */
#ifndef FETCHLAB_TEST_TALLY_H
#define FETCHLAB_TEST_TALLY_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct tally {
	int passed, failed;
};

/* Count one check; on failure print why. Returns OK. */
static inline bool check(struct tally *t, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline bool check(struct tally *t, bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		t->passed++;
		return true;
	}
	t->failed++;
	fputs("FAIL: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return false;
}

/* splitmix64: seeded, so every run draws the same numbers. */
static inline uint64_t next_u64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

#endif
