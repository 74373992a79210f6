/* body.c - generate and verify the deterministic body stream (see body.h). */
#include <string.h>

#include "fetchlab/body.h"

void fl_body_fill(uint64_t id, uint64_t offset, void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n > 0) {
		uint64_t w = fl_body_word(id, offset / 8);
		unsigned skip = offset % 8;
		unsigned take = 8 - skip < n ? 8 - skip : (unsigned)n;

		for (unsigned i = 0; i < take; i++)
			p[i] = (unsigned char)(w >> (8 * (skip + i)));
		p += take;
		offset += take;
		n -= take;
	}
}

bool fl_body_check(uint64_t id, uint64_t offset, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	unsigned char chunk[256];

	while (n > 0) {
		size_t take = n < sizeof chunk ? n : sizeof chunk;

		fl_body_fill(id, offset, chunk, take);
		if (memcmp(chunk, p, take) != 0)
			return false;
		p += take;
		offset += take;
		n -= take;
	}
	return true;
}
