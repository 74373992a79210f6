/* test_body.c - the deterministic body stream (body.h).
 *
 * The server writes a body in whatever pieces the socket takes and the
 * client checks it in whatever pieces arrive, so generating a body piece by
 * piece, at any offset, must give the bytes of generating it at once; and
 * the check must catch any single wrong byte. Exits 0 when every check
 * passes.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetchlab/body.h"
#include "tally.h"

#define SIZE (1u << 20)   /* 1 MiB */

/* A chunk length as the network might deliver: often a few bytes (so the
 * pieces straddle 8-byte words), sometimes thousands. */
static size_t next_chunk(uint64_t *state)
{
	uint64_t r = next_u64(state);

	return r % 4 == 0 ? 1 + (r >> 8) % 16384 : 1 + (r >> 8) % 13;
}

/* The one-shot fill WHOLE is the stream body.h defines, byte by byte. */
static void test_definition(struct tally *t, uint64_t id,
			    const unsigned char *whole)
{
	size_t bad = 0;

	for (size_t k = 0; k < SIZE; k++)
		if (whole[k] !=
		    (unsigned char)(fl_body_word(id, k / 8) >> (8 * (k % 8))))
			bad++;
	check(t, bad == 0, "id %llu: %zu bytes differ from body.h's definition",
	      (unsigned long long)id, bad);
}

/* Filling BODY's bytes in random pieces gives the one-shot fill WHOLE. */
static void test_chunked_fill(struct tally *t, uint64_t id,
			      const unsigned char *whole, unsigned char *buf,
			      uint64_t *state)
{
	for (int round = 0; round < 8; round++) {
		size_t pieces = 0;

		memset(buf, 0xa5, SIZE);
		for (size_t off = 0; off < SIZE; pieces++) {
			size_t n = next_chunk(state);

			if (n > SIZE - off)
				n = SIZE - off;
			fl_body_fill(id, off, buf + off, n);
			off += n;
		}
		check(t, memcmp(buf, whole, SIZE) == 0,
		      "id %llu round %d: %zu-piece fill differs from one-shot",
		      (unsigned long long)id, round, pieces);
	}
}

/* Every start offset within two words and every short length, so each
 * alignment of start and end against the 8-byte words is covered. */
static void test_offsets(struct tally *t, uint64_t id,
			 const unsigned char *whole)
{
	unsigned char piece[40];
	int bad = 0;

	for (uint64_t off = 0; off < 16; off++) {
		for (size_t n = 0; n <= 24; n++) {
			memset(piece, 0xa5, sizeof piece);
			fl_body_fill(id, off, piece, n);
			/* right bytes, and nothing written past them */
			if (memcmp(piece, whole + off, n) != 0 ||
			    piece[n] != 0xa5)
				bad++;
		}
	}
	check(t, bad == 0, "id %llu: %d short fills at offsets 0..15 are wrong",
	      (unsigned long long)id, bad);

	/* And far from the start, at an odd offset. */
	uint64_t far = SIZE - 1000 + 3;

	fl_body_fill(id, far, piece, 29);
	check(t, memcmp(piece, whole + far, 29) == 0,
	      "id %llu: fill at offset %llu is wrong", (unsigned long long)id,
	      (unsigned long long)far);
}

/* fl_body_check accepts the right bytes in any chunking, and rejects the
 * body after any single byte changes, whichever chunk holds it. */
static void test_check(struct tally *t, uint64_t id, unsigned char *whole,
		       uint64_t *state)
{
	bool ok = true;

	check(t, fl_body_check(id, 0, whole, SIZE),
	      "id %llu: check rejects the correct body",
	      (unsigned long long)id);
	for (size_t off = 0; off < SIZE && ok;) {
		size_t n = next_chunk(state);

		if (n > SIZE - off)
			n = SIZE - off;
		ok = fl_body_check(id, off, whole + off, n);
		off += n;
	}
	check(t, ok, "id %llu: check rejects a correct piece",
	      (unsigned long long)id);

	/* Flip one bit of one byte at the edges, at word boundaries, and at
	 * random places; check the whole body and the 100 bytes around it. */
	size_t fixed[] = { 0, 1, 7, 8, 9, 255, 256, 257, SIZE - 8, SIZE - 1 };
	size_t nfixed = sizeof fixed / sizeof fixed[0];
	int missed = 0, tried = 0;

	for (size_t i = 0; i < nfixed + 200; i++) {
		size_t pos = i < nfixed ? fixed[i] : next_u64(state) % SIZE;
		unsigned char bit = (unsigned char)(1u << (i % 8));
		size_t from = pos < 50 ? 0 : pos - 50;
		size_t n = SIZE - from < 100 ? SIZE - from : 100;

		whole[pos] ^= bit;
		if (fl_body_check(id, 0, whole, SIZE) ||
		    fl_body_check(id, from, whole + from, n))
			missed++;
		whole[pos] ^= bit;
		tried++;
	}
	check(t, missed == 0, "id %llu: check missed %d of %d flipped bytes",
	      (unsigned long long)id, missed, tried);
	check(t, fl_body_check(id, 0, whole, SIZE),
	      "id %llu: check rejects the restored body",
	      (unsigned long long)id);

	/* The right bytes at the wrong offset are wrong. */
	check(t, !fl_body_check(id, 1, whole, 4096) &&
	      !fl_body_check(id, 8, whole, 4096),
	      "id %llu: check accepts bytes at a shifted offset",
	      (unsigned long long)id);
}

/* Different ids give different bodies, each rejected as the other's. */
static void test_ids(struct tally *t)
{
	enum { IDS = 32, LEN = 4096 };
	static unsigned char bodies[IDS][LEN];
	int same = 0, accepted = 0;

	for (uint64_t id = 0; id < IDS; id++)
		fl_body_fill(id, 0, bodies[id], LEN);
	for (int a = 0; a < IDS; a++) {
		for (int b = a + 1; b < IDS; b++) {
			if (memcmp(bodies[a], bodies[b], LEN) == 0)
				same++;
			if (fl_body_check((uint64_t)b, 0, bodies[a], LEN))
				accepted++;
		}
	}
	check(t, same == 0, "%d pairs of ids 0..%d share a body",
	      same, IDS - 1);
	check(t, accepted == 0, "%d bodies pass the check of another id",
	      accepted);

	/* Large and neighbouring ids too: the id is a full 64-bit value. */
	unsigned char x[LEN], y[LEN];

	fl_body_fill(UINT64_MAX, 0, x, LEN);
	fl_body_fill(UINT64_MAX - 1, 0, y, LEN);
	check(t, memcmp(x, y, LEN) != 0 && !fl_body_check(0, 0, x, LEN),
	      "ids 2^64-1 and 2^64-2 give the same body");
}

int main(void)
{
	static const uint64_t ids[] = { 0, 1, 17, 4294967295u };
	struct tally t = { 0, 0 };
	uint64_t state = 7;
	unsigned char *whole = malloc(SIZE), *buf = malloc(SIZE);

	if (whole == NULL || buf == NULL) {
		fprintf(stderr, "test_body: out of memory for 2 x %u bytes\n",
			SIZE);
		free(whole);
		free(buf);
		return 1;
	}
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		fl_body_fill(ids[i], 0, whole, SIZE);
		test_definition(&t, ids[i], whole);
		test_chunked_fill(&t, ids[i], whole, buf, &state);
		test_offsets(&t, ids[i], whole);
		test_check(&t, ids[i], whole, &state);
	}
	test_ids(&t);

	free(whole);
	free(buf);
	printf("test_body: %d passed, %d failed\n", t.passed, t.failed);
	return t.failed == 0 ? 0 : 1;
}
