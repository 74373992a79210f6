/* body.c - generate and verify the deterministic body stream (see body.h).
 *
 * Both run once per body byte on every request, in the server and in every
 * model, so they go a word at a time: a ragged head byte by byte up to the
 * next word boundary, then whole words, then a ragged tail. A word is
 * stored and loaded little-endian whatever the host's byte order.
 */
#include <string.h>

#include "fetchlab/body.h"

/* The little-endian bytes of W, as one native word. */
static inline uint64_t le64(uint64_t w)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap64(w);
#else
	return w;
#endif
}

/* Bytes [SKIP, SKIP+N) of word W into P, N <= 8 - SKIP. */
static void put_bytes(unsigned char *p, uint64_t w, unsigned skip, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(w >> (8 * (skip + i)));
}

void fl_body_fill(uint64_t id, uint64_t offset, void *buf, size_t n)
{
	unsigned char *p = buf;
	uint64_t k = offset / 8;
	unsigned skip = offset % 8;

	if (skip != 0 && n > 0) {   /* the head, up to a word boundary */
		size_t take = 8 - skip < n ? 8 - skip : n;

		put_bytes(p, fl_body_word(id, k++), skip, take);
		p += take;
		n -= take;
	}
	for (; n >= 8; p += 8, n -= 8) {
		uint64_t w = le64(fl_body_word(id, k++));

		memcpy(p, &w, 8);
	}
	if (n > 0)   /* the tail */
		put_bytes(p, fl_body_word(id, k), 0, n);
}

bool fl_body_check(uint64_t id, uint64_t offset, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	uint64_t k = offset / 8;
	unsigned skip = offset % 8;
	unsigned char part[8];

	if (skip != 0 && n > 0) {
		size_t take = 8 - skip < n ? 8 - skip : n;

		put_bytes(part, fl_body_word(id, k++), skip, take);
		if (memcmp(part, p, take) != 0)
			return false;
		p += take;
		n -= take;
	}
	for (; n >= 8; p += 8, n -= 8) {
		uint64_t got;

		memcpy(&got, p, 8);
		if (got != le64(fl_body_word(id, k++)))
			return false;
	}
	if (n > 0) {
		put_bytes(part, fl_body_word(id, k), 0, n);
		if (memcmp(part, p, n) != 0)
			return false;
	}
	return true;
}
