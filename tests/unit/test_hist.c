/* test_hist.c - the latency histogram against exact, sorted answers.
 *
 * Records 10^6 lognormal (median 50 ms, sigma 1) and 10^6 uniform
 * (1 us .. 10 s) samples, keeps an exact copy, and checks percentiles,
 * min, max and mean against it; then clamping, the empty histogram, and the
 * percentile distribution table. Exits 0 when every check passes.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetchlab/hist.h"
#include "tally.h"

#define N 1000000
#define HEADER "Value,Percentile,TotalCount,1/(1-Percentile)\n"

/* Uniform in (0, 1): never 0, so log() below is safe. */
static double next_unit(uint64_t *state)
{
	return ((double)(next_u64(state) >> 11) + 0.5) * 0x1p-53;
}

/* Lognormal with the given median and sigma, rounded to an integer;
 * Box-Muller turns two uniforms into one standard normal. */
static uint64_t next_lognormal(uint64_t *state, double median, double sigma)
{
	const double two_pi = 6.283185307179586;
	double u1 = next_unit(state), u2 = next_unit(state);
	double z = sqrt(-2.0 * log(u1)) * cos(two_pi * u2);

	return (uint64_t)llround(median * exp(sigma * z));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The exact percentile of sorted V[0..n): the element at ceil(P% of n) - 1,
 * the histogram's definition (P * n / 100, in that order, as hist.c). */
static uint64_t exact_percentile(const uint64_t *v, size_t n, double p)
{
	size_t k = (size_t)ceil(p * (double)n / 100.0);

	return v[k == 0 ? 0 : k - 1];
}

/* Record V[0..n) (values already clamped to FL_HIST_MAX), then compare the
 * histogram with the exact answers from the sorted copy. */
static void check_against_exact(struct tally *t, const char *name, uint64_t *v,
				size_t n)
{
	static const double ps[] = { 1, 10, 50, 90, 99, 99.9, 99.99 };
	struct fl_hist *h = fl_hist_new();
	double sum = 0.0;

	if (!check(t, h != NULL, "%s: fl_hist_new returned NULL", name))
		return;
	for (size_t i = 0; i < n; i++) {
		fl_hist_record(h, v[i]);
		sum += (double)v[i];
	}
	qsort(v, n, sizeof v[0], cmp_u64);

	check(t, fl_hist_count(h) == n, "%s: count %" PRIu64 ", want %zu",
	      name, fl_hist_count(h), n);
	check(t, fl_hist_min(h) == v[0], "%s: min %" PRIu64 ", want %" PRIu64,
	      name, fl_hist_min(h), v[0]);
	check(t, fl_hist_max(h) == v[n - 1],
	      "%s: max %" PRIu64 ", want %" PRIu64, name, fl_hist_max(h),
	      v[n - 1]);
	check(t, fl_hist_percentile(h, 100) == v[n - 1],
	      "%s: p100 %" PRIu64 " is not the max", name,
	      fl_hist_percentile(h, 100));
	check(t, fl_hist_percentile(h, 0) == v[0],
	      "%s: p0 %" PRIu64 " is not the min", name,
	      fl_hist_percentile(h, 0));

	double mean = sum / (double)n;

	check(t, fabs(fl_hist_mean(h) - mean) <= 0.005 * mean,
	      "%s: mean %.1f, want %.1f within 0.5%%", name, fl_hist_mean(h),
	      mean);

	for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
		uint64_t want = exact_percentile(v, n, ps[i]);
		uint64_t got = fl_hist_percentile(h, ps[i]);
		double err = fabs((double)got - (double)want) / (double)want;

		/* The bucket's top is never below the exact value. */
		check(t, got >= want && err < 0.01,
		      "%s: p%g = %" PRIu64 ", exact %" PRIu64 " (error %.3f%%)",
		      name, ps[i], got, want, 100.0 * err);
		printf("  %-9s p%-6g hist %10" PRIu64 "  exact %10" PRIu64
		       "  error %.3f%%\n", name, ps[i], got, want, 100.0 * err);
	}
	fl_hist_free(h);
}

static void test_empty(struct tally *t)
{
	struct fl_hist *h = fl_hist_new();
	char buf[256];

	if (!check(t, h != NULL, "empty: fl_hist_new returned NULL"))
		return;
	check(t, fl_hist_count(h) == 0 && fl_hist_min(h) == 0 &&
	      fl_hist_max(h) == 0 && fl_hist_mean(h) == 0.0,
	      "empty: count/min/max/mean are not all 0");
	check(t, fl_hist_percentile(h, 0) == 0 &&
	      fl_hist_percentile(h, 50) == 0 &&
	      fl_hist_percentile(h, 100) == 0, "empty: a percentile is not 0");

	/* After a reset, a used histogram is empty again. */
	fl_hist_record(h, 1234);
	fl_hist_reset(h);
	check(t, fl_hist_count(h) == 0 && fl_hist_min(h) == 0 &&
	      fl_hist_max(h) == 0 && fl_hist_percentile(h, 50) == 0,
	      "reset: the histogram is not empty");

	/* The distribution of nothing is the header alone. */
	FILE *f = tmpfile();

	if (!check(t, f != NULL, "empty: tmpfile failed")) {
		fl_hist_free(h);
		return;
	}
	check(t, fl_hist_write_distribution(h, f, 1.0, 5) == 0,
	      "empty: write_distribution failed");
	rewind(f);
	size_t len = fread(buf, 1, sizeof buf - 1, f);

	buf[len] = '\0';
	check(t, strcmp(buf, HEADER) == 0,
	      "empty: distribution is \"%s\", want the header alone", buf);
	fclose(f);
	fl_hist_free(h);
}

/* Values above FL_HIST_MAX count as FL_HIST_MAX; 0 is a value like any. */
static void test_clamp(struct tally *t)
{
	struct fl_hist *h = fl_hist_new();

	if (!check(t, h != NULL, "clamp: fl_hist_new returned NULL"))
		return;
	fl_hist_record(h, 0);
	fl_hist_record(h, FL_HIST_MAX + 1);
	fl_hist_record(h, 1000000000000ull);
	fl_hist_record(h, UINT64_MAX);
	check(t, fl_hist_count(h) == 4, "clamp: count %" PRIu64 ", want 4",
	      fl_hist_count(h));
	check(t, fl_hist_min(h) == 0, "clamp: min %" PRIu64 ", want 0",
	      fl_hist_min(h));
	check(t, fl_hist_max(h) == FL_HIST_MAX,
	      "clamp: max %" PRIu64 ", want %llu", fl_hist_max(h), FL_HIST_MAX);
	check(t, fl_hist_percentile(h, 25) == 0,
	      "clamp: p25 %" PRIu64 ", want 0", fl_hist_percentile(h, 25));
	check(t, fl_hist_percentile(h, 50) == FL_HIST_MAX &&
	      fl_hist_percentile(h, 99.99) == FL_HIST_MAX,
	      "clamp: p50 %" PRIu64 " or p99.99 %" PRIu64 " is not %llu",
	      fl_hist_percentile(h, 50), fl_hist_percentile(h, 99.99),
	      FL_HIST_MAX);
	check(t, fl_hist_mean(h) == 0.75 * (double)FL_HIST_MAX,
	      "clamp: mean %.1f, want %.1f", fl_hist_mean(h),
	      0.75 * (double)FL_HIST_MAX);
	fl_hist_free(h);
}

/* Every value up to 10^8 is reported within 1/128 above itself, never
 * below: the bucket layout holds at every power-of-two boundary. */
static void test_resolution(struct tally *t)
{
	struct fl_hist *h = fl_hist_new();
	uint64_t bad = 0, got = 0;

	if (!check(t, h != NULL, "resolution: fl_hist_new returned NULL"))
		return;
	for (uint64_t base = 1; base <= FL_HIST_MAX && bad == 0; base *= 2) {
		for (uint64_t v = base - 1; v <= base + 2; v++) {
			/* Record 10^8 too, so the max clamps nothing. */
			fl_hist_reset(h);
			fl_hist_record(h, v);
			fl_hist_record(h, FL_HIST_MAX);
			got = fl_hist_percentile(h, 50);
			if (got < v || (double)(got - v) >= v / 128.0 + 1) {
				bad = v;
				break;
			}
		}
	}
	check(t, bad == 0, "resolution: %" PRIu64 " reported as %" PRIu64,
	      bad, got);
	fl_hist_free(h);
}

/* The values 1, 2, 3, 4 with 5 ticks, worked by hand: levels 0..50% step
 * 10, 50..75% step 5, then 2.5; the last bucket reports the next level and
 * the 100% line. */
static void test_distribution_small(struct tally *t)
{
	static const char want[] =
		HEADER
		"1.000,0.000000,1,1.00\n"
		"1.000,0.100000,1,1.11\n"
		"1.000,0.200000,1,1.25\n"
		"2.000,0.300000,2,1.43\n"
		"2.000,0.400000,2,1.67\n"
		"2.000,0.500000,2,2.00\n"
		"3.000,0.550000,3,2.22\n"
		"3.000,0.600000,3,2.50\n"
		"3.000,0.650000,3,2.86\n"
		"3.000,0.700000,3,3.33\n"
		"3.000,0.750000,3,4.00\n"
		"4.000,0.775000,4,4.44\n"
		"4.000,1.000000,4,Infinity\n";
	struct fl_hist *h = fl_hist_new();
	FILE *f = tmpfile();
	char got[1024];

	if (!check(t, h != NULL && f != NULL, "small: setup failed"))
		goto out;
	for (uint64_t v = 1; v <= 4; v++)
		fl_hist_record(h, v);
	check(t, fl_hist_write_distribution(h, f, 1.0, 5) == 0,
	      "small: write_distribution failed");
	check(t, fl_hist_write_distribution(h, f, 0.0, 5) == -1 &&
	      fl_hist_write_distribution(h, f, 1.0, 0) == -1,
	      "small: bad scale or ticks accepted");
	rewind(f);
	size_t len = fread(got, 1, sizeof got - 1, f);

	got[len] = '\0';
	check(t, strcmp(got, want) == 0, "small: distribution is\n%s\nwant\n%s",
	      got, want);
out:
	if (f != NULL)
		fclose(f);
	fl_hist_free(h);
}

/* The distribution of uniform samples, in milliseconds, read back as a
 * plotting tool would: header exact, columns non-decreasing, the levels
 * HdrHistogram's iterator visits, and a last line at 1.0 with every count. */
static void test_distribution_large(struct tally *t, const uint64_t *v,
				    size_t n)
{
	static const double levels[] = { 0, .1, .2, .3, .4, .5, .55, .6, .65,
					 .7, .75, .775, .8 };
	struct fl_hist *h = fl_hist_new();
	FILE *f = tmpfile();
	char line[256], inv[64];
	double value, p, prev_value = -1, prev_p = -1;
	unsigned long long total = 0, prev_total = 0;
	size_t lines = 0;
	bool ordered = true, levels_ok = true;

	if (!check(t, h != NULL && f != NULL, "large: setup failed"))
		goto out;
	for (size_t i = 0; i < n; i++)
		fl_hist_record(h, v[i]);
	check(t, fl_hist_write_distribution(h, f, 1000.0, 5) == 0,
	      "large: write_distribution failed");
	rewind(f);

	check(t, fgets(line, sizeof line, f) != NULL &&
	      strcmp(line, HEADER) == 0,
	      "large: header is \"%s\"", line);
	while (fgets(line, sizeof line, f) != NULL) {
		int fields = sscanf(line, "%lf,%lf,%llu,%63s", &value, &p,
				    &total, inv);

		if (fields != 4)
			break;
		if (value < prev_value || p < prev_p || total < prev_total)
			ordered = false;
		if (lines < sizeof levels / sizeof levels[0] &&
		    fabs(p - levels[lines]) > 1e-9)
			levels_ok = false;
		prev_value = value;
		prev_p = p;
		prev_total = total;
		lines++;
	}
	check(t, feof(f), "large: unreadable line \"%s\"", line);
	check(t, ordered, "large: a column decreases");
	check(t, levels_ok,
	      "large: levels are not 0, 0.1, ..., 0.5, 0.55, ..., 0.775");
	check(t, p == 1.0 && total == n && strcmp(inv, "Infinity") == 0,
	      "large: last line is %f,%llu,%s, want 1.0,%zu,Infinity", p, total,
	      inv, n);
	check(t, fabs(value - (double)fl_hist_max(h) / 1000.0) < 0.001,
	      "large: last value %.3f is not the max", value);
	printf("  distribution: %zu lines, last %.3f ms at %.6f, count %llu\n",
	       lines, value, p, total);
out:
	if (f != NULL)
		fclose(f);
	fl_hist_free(h);
}

int main(void)
{
	struct tally t = { 0, 0 };
	uint64_t state = 42;
	uint64_t *v = malloc(N * sizeof *v);

	if (v == NULL) {
		fprintf(stderr, "test_hist: out of memory for %d samples\n", N);
		return 1;
	}

	for (size_t i = 0; i < N; i++) {
		uint64_t x = next_lognormal(&state, 50000.0, 1.0);

		v[i] = x > FL_HIST_MAX ? FL_HIST_MAX : x;
	}
	check_against_exact(&t, "lognormal", v, N);

	for (size_t i = 0; i < N; i++)
		v[i] = 1 + next_u64(&state) % 10000000;
	test_distribution_large(&t, v, N);
	check_against_exact(&t, "uniform", v, N);

	test_empty(&t);
	test_clamp(&t);
	test_resolution(&t);
	test_distribution_small(&t);

	free(v);
	printf("test_hist: %d passed, %d failed\n", t.passed, t.failed);
	return t.failed == 0 ? 0 : 1;
}
