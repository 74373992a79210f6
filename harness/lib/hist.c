/* hist.c - the latency histogram: log-linear buckets, HdrHistogram's idea.
 *
 * A value v keeps its top 8 significant bits and drops the SHIFT bits below
 * them, so every bucket is narrower than 1/128 of the values it holds:
 *
 *     shift = max(0, bit_length(v) - 8)       (so v >> shift < 256)
 *     index = shift * 128 + (v >> shift)
 *
 * Values 0..255 get a bucket each (shift 0). From 256 on, each power of two
 * [2^e, 2^(e+1)) is split into 128 buckets of width 2^(e-7): for instance
 * 256..511 in steps of 2, 512..1023 in steps of 4. The two halves of the
 * formula never collide because v >> shift >= 128 whenever shift > 0. For
 * 1 us .. 100 s that is 2,623 buckets, 21 KiB.
 */
#include <math.h>
#include <stdlib.h>

#include "fetchlab/hist.h"

#define SUB 128u   /* buckets per power of two */

struct fl_hist {
	uint64_t count;       /* recordings */
	uint64_t min, max;    /* exact, after clamping; empty: UINT64_MAX, 0 */
	uint64_t sum;         /* exact up to 1.8e11 recordings of 100 s */
	size_t nbuckets;      /* bucket_of(FL_HIST_MAX) + 1 */
	uint64_t counts[];    /* recordings per bucket */
};

/* The number of low bits of V that its bucket ignores. */
static unsigned shift_of(uint64_t v)
{
	/* bit_length = 64 - leading zeros; __builtin_clzll(0) is undefined. */
	unsigned bits = v == 0 ? 0 : 64 - (unsigned)__builtin_clzll(v);

	return bits > 8 ? bits - 8 : 0;
}

/* The bucket that holds V (V <= FL_HIST_MAX). */
static size_t bucket_of(uint64_t v)
{
	unsigned shift = shift_of(v);

	return (size_t)shift * SUB + (size_t)(v >> shift);
}

/* The largest value that falls in bucket I: the inverse of bucket_of. */
static uint64_t bucket_top(size_t i)
{
	unsigned shift = i < 2 * SUB ? 0 : (unsigned)(i / SUB) - 1;
	uint64_t lowest = (uint64_t)(i - (size_t)shift * SUB) << shift;

	return lowest + ((uint64_t)1 << shift) - 1;
}

/* A bucket's value as reported: its top, but never above the exact max, so
 * that no percentile exceeds the largest recording. */
static uint64_t reported(const struct fl_hist *h, size_t i)
{
	uint64_t top = bucket_top(i);

	return top < h->max ? top : h->max;
}

struct fl_hist *fl_hist_new(void)
{
	size_t n = bucket_of(FL_HIST_MAX) + 1;
	struct fl_hist *h = calloc(1, sizeof *h + n * sizeof h->counts[0]);

	if (h == NULL)
		return NULL;
	h->nbuckets = n;
	h->min = UINT64_MAX;
	return h;
}

void fl_hist_free(struct fl_hist *h)
{
	free(h);
}

void fl_hist_reset(struct fl_hist *h)
{
	for (size_t i = 0; i < h->nbuckets; i++)
		h->counts[i] = 0;
	h->count = 0;
	h->sum = 0;
	h->max = 0;
	h->min = UINT64_MAX;
}

/* Values above FL_HIST_MAX count as FL_HIST_MAX, in the buckets and in
 * min, max and mean alike. No allocation, no lock: one writer at a time. */
void fl_hist_record(struct fl_hist *h, uint64_t value)
{
	if (value > FL_HIST_MAX)
		value = FL_HIST_MAX;
	h->counts[bucket_of(value)]++;
	h->count++;
	h->sum += value;
	if (value < h->min)
		h->min = value;
	if (value > h->max)
		h->max = value;
}

uint64_t fl_hist_count(const struct fl_hist *h)
{
	return h->count;
}

uint64_t fl_hist_min(const struct fl_hist *h)
{
	return h->count == 0 ? 0 : h->min;
}

uint64_t fl_hist_max(const struct fl_hist *h)
{
	return h->max;
}

double fl_hist_mean(const struct fl_hist *h)
{
	return h->count == 0 ? 0.0 : (double)h->sum / (double)h->count;
}

/* The k-th smallest recording (k = ceil(P% of count), at least 1) lies in
 * the first bucket where the running count reaches k; report that bucket.
 * P <= 0 (or NaN) gives the exact min, P >= 100 the exact max. */
uint64_t fl_hist_percentile(const struct fl_hist *h, double percentile)
{
	if (h->count == 0)
		return 0;
	if (!(percentile > 0.0))
		return h->min;
	if (percentile >= 100.0)
		return h->max;

	/* P * count / 100, not P / 100 * count: 99.9 * 10^6 / 100 is exactly
	 * 999000, while 0.999 * 10^6 rounds up to 999000.0000000001. */
	uint64_t k = (uint64_t)ceil(percentile * (double)h->count / 100.0);
	uint64_t seen = 0;

	if (k == 0)
		k = 1;
	for (size_t i = 0; i < h->nbuckets; i++) {
		seen += h->counts[i];
		if (seen >= k)
			return reported(h, i);
	}
	return h->max;   /* not reached: seen ends at count >= k */
}

/* The percentile level (in percent) reported after LEVEL: HdrHistogram's
 * percentile iterator takes TICKS steps per halving of the distance to 100%,
 * so with 5 ticks: 0, 10, ..., 50, then 55, ..., 75, then 77.5, ... */
static double next_level(double level, int ticks)
{
	/* halvings = how many times 100% - level has halved since 0%. */
	double halvings = floor(log2(100.0 / (100.0 - level)));

	return level + 100.0 / (ticks * exp2(halvings + 1));
}

/* One line of the table, P a fraction; at P = 1 the last column would be
 * 1/0, which HdrHistogram's CSV writes "Infinity" (gnuplot reads it as inf). */
static int write_line(FILE *out, double value, double p, uint64_t seen)
{
	unsigned long long n = seen;
	int rc;

	if (p < 1.0)
		rc = fprintf(out, "%.3f,%.6f,%llu,%.2f\n", value, p, n,
			     1.0 / (1.0 - p));
	else
		rc = fprintf(out, "%.3f,%.6f,%llu,Infinity\n", value, p, n);
	return rc < 0 ? -1 : 0;
}

/* HdrHistogram's percentile distribution, as CSV. Walk the buckets in value
 * order; each bucket reports every level its running count reaches. The
 * last bucket reports only the next level, then the 100% line. An empty
 * histogram writes the header alone. */
int fl_hist_write_distribution(const struct fl_hist *h, FILE *out, double scale,
			       int ticks)
{
	if (!(scale > 0.0) || ticks < 1)
		return -1;
	if (fprintf(out, "Value,Percentile,TotalCount,1/(1-Percentile)\n") < 0)
		return -1;
	if (h->count == 0)
		return 0;

	double level = 0.0;   /* the next percentile level to report, in % */
	uint64_t seen = 0;    /* recordings in the buckets walked so far */

	for (size_t i = 0; i < h->nbuckets; i++) {
		if (h->counts[i] == 0)
			continue;
		seen += h->counts[i];
		double value = (double)reported(h, i) / scale;

		while (100.0 * (double)seen / (double)h->count >= level) {
			if (write_line(out, value, level / 100.0, seen) < 0)
				return -1;
			if (seen == h->count)   /* the last bucket */
				return write_line(out, value, 1.0, seen);
			level = next_level(level, ticks);
		}
	}
	return 0;   /* not reached: the last bucket returns above */
}
