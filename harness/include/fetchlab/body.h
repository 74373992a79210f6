/* body.h - the deterministic body of a request, shared by server and client.
 *
 * Byte k of the body of request ID is byte (k % 8) of the little-endian word
 * fl_body_word(ID, k / 8). The server streams it; the client regenerates it
 * and compares as the bytes arrive, so no model can skip reading the body
 * and a short, long or corrupted body is always caught.
 */
#ifndef FETCHLAB_BODY_H
#define FETCHLAB_BODY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* splitmix64's finaliser over (id, word index): cheap and well mixed. */
static inline uint64_t fl_body_word(uint64_t id, uint64_t w)
{
	uint64_t z = id * 0x9e3779b97f4a7c15ull + (w + 1) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Write bytes [OFFSET, OFFSET+N) of body ID into BUF. */
void fl_body_fill(uint64_t id, uint64_t offset, void *buf, size_t n);

/* True if BUF holds bytes [OFFSET, OFFSET+N) of body ID. */
bool fl_body_check(uint64_t id, uint64_t offset, const void *buf, size_t n);

#endif
