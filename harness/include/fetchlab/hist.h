/* hist.h - a latency histogram with log-linear buckets (HdrHistogram's idea).
 *
 * Values are integers (fetchlab records microseconds) from 1 to 10^8, i.e.
 * 1 us to 100 s; larger values are clamped to the top. Each power of two is
 * split into 128 linear sub-buckets, so a reported value is within 1/128
 * (< 0.8%) of the recorded one. Recording is an index computation and an
 * increment: no allocation, no lock (one histogram per thread, or build it
 * after the run from the request records, as fetchlab does).
 */
#ifndef FETCHLAB_HIST_H
#define FETCHLAB_HIST_H

#include <stdint.h>
#include <stdio.h>

#define FL_HIST_MAX 100000000ull   /* 100 s in microseconds */

struct fl_hist;

struct fl_hist *fl_hist_new(void);              /* NULL when out of memory */
void fl_hist_free(struct fl_hist *h);
void fl_hist_reset(struct fl_hist *h);

/* Count VALUE once. Values above FL_HIST_MAX count as FL_HIST_MAX, in min,
 * max and mean too; 0 is a value like any other. One writer at a time. */
void fl_hist_record(struct fl_hist *h, uint64_t value);
uint64_t fl_hist_count(const struct fl_hist *h);
uint64_t fl_hist_min(const struct fl_hist *h);  /* 0 when empty */
uint64_t fl_hist_max(const struct fl_hist *h);  /* exact, not bucketed */
double fl_hist_mean(const struct fl_hist *h);

/* The value below which PERCENTILE (0..100) percent of the recordings fall:
 * the top of the bucket holding the ceil(PERCENTILE% of count)-th smallest
 * recording (HdrHistogram's convention), never above the exact max. 0 gives
 * the exact min, 100 the exact max; 0 when empty. */
uint64_t fl_hist_percentile(const struct fl_hist *h, double percentile);

/* Write HdrHistogram's "percentile distribution" table as CSV:
 *     Value,Percentile,TotalCount,1/(1-Percentile)
 *     50.175,0.500000,501492,2.00
 * with Value divided by SCALE (e.g. 1000.0 to print milliseconds), the
 * percentile as a fraction, TICKS reporting steps per halving of the
 * remaining distance to 100% (HdrHistogram uses 5: 0%, 10%, ..., 50%, 55%,
 * ..., 75%, 77.5%, ...). The last line is at 1.000000 with "Infinity" in the
 * last column, as HdrHistogram's CSV has it; an empty histogram writes the
 * header alone. Returns 0, or -1 if SCALE <= 0, TICKS < 1 or a write fails. */
int fl_hist_write_distribution(const struct fl_hist *h, FILE *out, double scale,
			       int ticks);

#endif
