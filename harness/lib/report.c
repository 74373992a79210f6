/* report.c - what a run prints: the JSON summary or a table, the per-request
 * CSV, and the percentile distribution. Histograms are built here, after the
 * run, from the request records, so the hot path never touches them. */
#include <inttypes.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "fetchlab/hist.h"
#include "fetchlab/schema.h"
#include "internal.h"

struct lat {
	uint64_t min, p50, p90, p99, p999, max;
	double mean;
};

static void summarize(const struct fl_hist *h, struct lat *l)
{
	l->min = fl_hist_min(h);
	l->mean = fl_hist_mean(h);
	l->p50 = fl_hist_percentile(h, 50);
	l->p90 = fl_hist_percentile(h, 90);
	l->p99 = fl_hist_percentile(h, 99);
	l->p999 = fl_hist_percentile(h, 99.9);
	l->max = fl_hist_max(h);
}

static void table_lat(FILE *out, const char *name, const struct lat *l)
{
	fprintf(out, "  %-14s %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f\n", name,
		l->min / 1e3, l->mean / 1e3, l->p50 / 1e3, l->p90 / 1e3,
		l->p99 / 1e3, l->p999 / 1e3, l->max / 1e3);
}

static const char *const handshake_names[] = {"none", "full", "resumed"};

static int write_records(const struct fl_run *run, const char *path)
{
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		fl_error(run, "--records %s: cannot write it (%m); give a "
			 "writable path", path);
		return -1;
	}
	fputs("id,worker,due_ns,start_ns,first_byte_ns,end_ns,status,bytes,error,"
	      "connect_us,tls_us,wait_us,transfer_us,handshake\n", f);
	for (unsigned i = 0; i < run->opt.requests; i++) {
		const struct fl_request *r = &run->reqs[i];

		if (r->end_ns == 0)
			continue;   /* never started: the run was interrupted */
		fprintf(f, "%u,%u,%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64
			",%d,%" PRIu64 ",%s,%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",%" PRIu32
			",%s\n", r->id, r->lane,
			r->due_ns - run->t0_ns, r->start_ns - run->t0_ns,
			r->first_byte_ns ? r->first_byte_ns - run->t0_ns : 0,
			r->end_ns - run->t0_ns, r->status, r->bytes,
			fl_class_names[r->klass], r->connect_us, r->tls_us, r->wait_us,
			r->transfer_us, handshake_names[r->handshake]);
	}
	if (fclose(f) != 0) {
		fl_error(run, "--records %s: write failed (%m)", path);
		return -1;
	}
	return 0;
}

static int write_hdr(const struct fl_run *run, const struct fl_hist *h,
		     const char *path)
{
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		fl_error(run, "--hdr %s: cannot write it (%m); give a writable path",
			 path);
		return -1;
	}
	fl_hist_write_distribution(h, f, 1000.0, 5);
	if (fclose(f) != 0) {
		fl_error(run, "--hdr %s: write failed (%m)", path);
		return -1;
	}
	return 0;
}

/* What the summary reports, computed once from the records. */
struct figures {
	uint64_t done, errors, bytes;
	uint64_t injected[FL_FAULT_COUNT];   /* faults, of requests run */
	struct lat ls, ld;                   /* from start, from due */
	struct rusage ru;
	double wall, rps, user, sys;
	double work_us;                      /* the mean work asked, per request */
	double lag[3];                       /* loop lag p50, p99, max, us; NAN: none */
	double busy;                         /* client_busy; NAN: unknown */
	double steady, from, to;             /* steady_rps, its window (s from t0) */
	double in_mean, in_peak;             /* requests in flight; NAN: none ran */
	struct phase { double mean, p50, p99; } phase[4];   /* connect, tls, wait, transfer */
	uint64_t handshakes[3];              /* none, full, resumed */
	unsigned cores;                      /* the cores it can use */
};

_Static_assert(sizeof ((struct fl_run *)0)->samples[0] /
	       sizeof ((struct fl_run *)0)->samples[0][0] == FL_SAMPLES_MAX,
	       "the run keeps FL_SAMPLES_MAX messages per class");

/* Set the seven latency figures from MIN on (min, mean, p50 ... max). */
static void lat_values(union fl_value *v, int min, const struct lat *l)
{
	v[min + FL_M_LAT_MIN - FL_M_LAT_MIN].num = (double)l->min;
	v[min + FL_M_LAT_MEAN - FL_M_LAT_MIN].num = l->mean;
	v[min + FL_M_LAT_P50 - FL_M_LAT_MIN].num = (double)l->p50;
	v[min + FL_M_LAT_P90 - FL_M_LAT_MIN].num = (double)l->p90;
	v[min + FL_M_LAT_P99 - FL_M_LAT_MIN].num = (double)l->p99;
	v[min + FL_M_LAT_P999 - FL_M_LAT_MIN].num = (double)l->p999;
	v[min + FL_M_LAT_MAX - FL_M_LAT_MIN].num = (double)l->max;
}

/* The JSON summary: F and RUN's counters, as the figures of schema.c. */
static void write_json(FILE *out, const struct fl_run *run, const struct figures *f)
{
	const struct fl_options *o = &run->opt;
	const char *samples[FL_CLASS_COUNT][FL_SAMPLES_MAX + 1] = {{NULL}};
	uint64_t klass[FL_CLASS_COUNT];
	union fl_value v[FL_M_COUNT];

	for (int k = 0; k < FL_CLASS_COUNT; k++) {
		klass[k] = atomic_load(&run->klass[k]);
		for (unsigned s = 0; s < run->nsamples[k]; s++)
			samples[k][s] = run->samples[k][s];
	}
	for (int i = 0; i < FL_M_COUNT; i++)
		v[i].num = NAN;   /* the driver's figures are not written */
	v[FL_M_MODEL].str = run->model->name;
	v[FL_M_REQUESTS].num = (double)f->done;
	v[FL_M_CONCURRENCY].num = o->concurrency;
	v[FL_M_RATE].num = o->rate;
	v[FL_M_DELAY].str = o->url ? "" : o->delay_spec;
	v[FL_M_SIZE].str = o->url ? "" : o->size_spec;
	v[FL_M_SEED].u64 = o->seed;
	v[FL_M_FAULTS].str = o->faults_spec ? o->faults_spec : "";
	v[FL_M_OK].num = (double)klass[FL_OK];
	v[FL_M_ERRORS_BY_CLASS].counts = klass;
	v[FL_M_ERROR_SAMPLES].samples = (const char *const (*)[FL_SAMPLES_MAX + 1])samples;
	v[FL_M_INJECTED].counts = f->injected;
	v[FL_M_INTERRUPTED].flag = atomic_load(&run->interrupted);
	v[FL_M_WALL].num = f->wall;
	v[FL_M_THROUGHPUT].num = f->rps;
	v[FL_M_BYTES].num = (double)f->bytes;
	v[FL_M_CONNECTIONS].num = (double)atomic_load(&run->connects);
	lat_values(v, FL_M_LAT_MIN, &f->ls);
	lat_values(v, FL_M_DUE_MIN, &f->ld);
	v[FL_M_CPU_USER].num = f->user;
	v[FL_M_CPU_SYS].num = f->sys;
	v[FL_M_PEAK_RSS].num = (double)f->ru.ru_maxrss;
	v[FL_M_CTX_VOLUNTARY].num = (double)f->ru.ru_nvcsw;
	v[FL_M_CTX_INVOLUNTARY].num = (double)f->ru.ru_nivcsw;
	v[FL_M_THREADS].num = run->threads;
	v[FL_M_WORK_SPEC].str = o->work_spec;
	v[FL_M_WORK_MEAN].num = f->work_us;
	v[FL_M_WORK_NS_PER_STEP].num = run->work_ns_per_step;
	v[FL_M_WORK_OFF_THREAD].num = (double)atomic_load(&run->work_off_thread);
	v[FL_M_LAG_P50].num = f->lag[0];
	v[FL_M_LAG_P99].num = f->lag[1];
	v[FL_M_LAG_MAX].num = f->lag[2];
	v[FL_M_STEADY].num = f->steady;
	v[FL_M_INFLIGHT_MEAN].num = f->in_mean;
	v[FL_M_INFLIGHT_PEAK].num = f->in_peak;
	v[FL_M_CONN_PEAK].num = (double)atomic_load(&run->sockets_peak);
	v[FL_M_TLS].flag = run->tls;
	v[FL_M_CONN_MODE].str = o->fresh ? "fresh" : "reuse";
	v[FL_M_TLS_FULL].num = (double)f->handshakes[1];
	v[FL_M_TLS_RESUMED].num = (double)f->handshakes[2];
	for (int p = 0; p < 4; p++) {
		v[FL_M_CONNECT_MEAN + 3 * p].num = f->phase[p].mean;
		v[FL_M_CONNECT_P50 + 3 * p].num = f->phase[p].p50;
		v[FL_M_CONNECT_P99 + 3 * p].num = f->phase[p].p99;
	}
	v[FL_M_CLIENT_BUSY].num = f->busy;
	v[FL_M_CLIENT_BOUND].flag = f->busy >= FL_CLIENT_BOUND;
	fl_write_json(out, v);
}

/* The summary as a table, for a person. */
static void write_table(FILE *out, const struct fl_run *run, const struct figures *f)
{
	const struct fl_options *o = &run->opt;

	fprintf(out, "%s: %" PRIu64 " requests, C=%u, ", run->prog, f->done,
		o->concurrency);
	if (o->url)
		fprintf(out, "--url %s", o->url);
	else
		fprintf(out, "delay %s, size %s", o->delay_spec, o->size_spec);
	if (o->rate > 0)
		fprintf(out, ", open loop at %g req/s%s\n", o->rate,
			o->poisson ? " (poisson)" : "");
	else
		fprintf(out, ", closed loop\n");
	fprintf(out, "  ok %" PRIu64 "   errors %" PRIu64,
		(uint64_t)atomic_load(&run->klass[FL_OK]), f->errors);
	for (int k = 1; k < FL_CLASS_COUNT; k++)
		fprintf(out, "%s%s %" PRIu64, k == 1 ? " (" : ", ",
			fl_class_names[k], (uint64_t)atomic_load(&run->klass[k]));
	fprintf(out, ")%s\n", atomic_load(&run->interrupted) ?
		"   INTERRUPTED" : "");
	for (int k = 1; k < FL_CLASS_COUNT; k++)
		for (unsigned s = 0; s < run->nsamples[k]; s++)
			fprintf(out, "    %s: %s\n", fl_class_names[k],
				run->samples[k][s]);
	fprintf(out, "  wall %.3f s   throughput %.1f req/s   body bytes %" PRIu64
		"   connections opened %" PRIu64 ", open at most %" PRId64 "\n", f->wall,
		f->rps, f->bytes, (uint64_t)atomic_load(&run->connects),
		(int64_t)atomic_load(&run->sockets_peak));
	if (!isnan(f->steady))
		fprintf(out, "  steady state %.1f req/s, from %.3f s (every lane past its "
			"first request) to %.3f s (the last claim)\n", f->steady, f->from,
			f->to);
	if (!isnan(f->in_mean))
		fprintf(out, "  in flight: mean %.0f over the %s, peak %.0f, of C = %u%s\n",
			f->in_mean, isnan(f->steady) ? "run" : "steady state", f->in_peak,
			o->concurrency, f->in_mean < 0.9 * o->concurrency &&
			(double)o->concurrency <= (double)o->requests / 2 ?
			"   (C NOT REACHED: the figures are for the concurrency achieved)" : "");
	if (run->tls || o->fresh)
		fprintf(out, "  %s, connections %s: TLS handshakes %" PRIu64 " full, %" PRIu64
			" resumed\n", run->tls ? "https" : "http", o->fresh ? "fresh" : "reused",
			f->handshakes[1], f->handshakes[2]);
	fprintf(out, "  where the time went (ms, mean of the ok requests): connect %.3f, "
		"TLS %.3f, wait %.3f, transfer %.3f\n", f->phase[0].mean / 1e3,
		f->phase[1].mean / 1e3, f->phase[2].mean / 1e3, f->phase[3].mean / 1e3);
	fprintf(out, "  latency (ms)        min     mean      p50      p90      p99    p99.9      max\n");
	table_lat(out, "from start", &f->ls);
	table_lat(out, "from due", &f->ld);
	if (!isnan(f->lag[1]))
		fprintf(out, "  loop lag (ms)    p50 %.2f   p99 %.2f   max %.2f\n",
			f->lag[0] / 1e3, f->lag[1] / 1e3, f->lag[2] / 1e3);
	if (f->work_us > 0)
		fprintf(out, "  work %s per response (mean %.0f us; a step takes %.3f ns "
			"here)   done off the request's thread: %" PRIu64 "\n",
			o->work_spec, f->work_us, run->work_ns_per_step,
			(uint64_t)atomic_load(&run->work_off_thread));
	fprintf(out, "  cpu user %.2f s, sys %.2f s   peak RSS %.1f MiB   "
		"context switches %ld voluntary, %ld involuntary   threads %u\n",
		f->user, f->sys, f->ru.ru_maxrss / 1024.0, f->ru.ru_nvcsw,
		f->ru.ru_nivcsw, run->threads);
	if (f->busy >= FL_CLIENT_BOUND)
		fprintf(out, "  CLIENT-BOUND: the client kept %.0f%% of the %u core%s it "
			"can use busy; these figures are its limit, not the model's\n",
			100 * f->busy, f->cores, f->cores == 1 ? "" : "s");
}

double fl_thread_wait_s(void)
{
	FILE *f = fopen("/proc/thread-self/schedstat", "r");
	unsigned long long run_ns, wait_ns;
	int n = f ? fscanf(f, "%llu %llu", &run_ns, &wait_ns) : 0;

	if (f)
		fclose(f);
	return n == 2 ? wait_ns / 1e9 : 0;
}

/* The steady state of a closed loop: from the moment every lane has
 * finished its first request (the start-up is over: every connection is
 * open, every lane has claimed) to the last claim (after it, lanes only
 * drain). Its throughput counts the ok requests that ended inside that
 * window. Sets F's steady (NAN for an open loop, whose claims follow its
 * schedule, or when the window is empty), from and to. */
static void steady_state(const struct fl_run *run, struct figures *f)
{
	const struct fl_options *o = &run->opt;
	int64_t *first = NULL, from = 0, to = 0;
	uint64_t n = 0;

	f->steady = f->from = f->to = NAN;
	if (o->rate > 0 || (first = calloc(o->concurrency, sizeof *first)) == NULL)
		return;
	for (unsigned i = 0; i < o->requests; i++) {
		const struct fl_request *r = &run->reqs[i];

		if (r->end_ns == 0 || r->lane >= o->concurrency)
			continue;
		if (first[r->lane] == 0 || r->end_ns < first[r->lane])
			first[r->lane] = r->end_ns;
		if (r->start_ns > to)
			to = r->start_ns;
	}
	for (unsigned l = 0; l < o->concurrency; l++)
		if (first[l] > from)
			from = first[l];
	free(first);
	for (unsigned i = 0; i < o->requests; i++) {
		const struct fl_request *r = &run->reqs[i];

		if (r->end_ns > from && r->end_ns <= to && r->klass == FL_OK)
			n++;
	}
	if (to > from && n > 0) {
		f->steady = n / ((double)(to - from) / 1e9);
		f->from = (double)(from - run->t0_ns) / 1e9;
		f->to = (double)(to - run->t0_ns) / 1e9;
	}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The concurrency achieved, from the records: the mean number of requests
 * in flight over the steady window (each request's overlap with it, over
 * its length; the whole run, first start to last end, without one), and
 * the peak (the starts and ends in time order, an end before a start at
 * the same nanosecond). Call after steady_state. Sets F's in_mean and
 * in_peak, NAN when no request ran. */
static void in_flight(const struct fl_run *run, struct figures *f)
{
	const struct fl_options *o = &run->opt;
	int64_t from = INT64_MAX, to = 0, *ev;
	double area = 0;
	size_t n = 0;
	long now = 0, peak = 0;

	f->in_mean = f->in_peak = NAN;
	if (!isnan(f->steady)) {
		from = run->t0_ns + llround(f->from * 1e9);
		to = run->t0_ns + llround(f->to * 1e9);
	} else {
		for (unsigned i = 0; i < o->requests; i++) {
			const struct fl_request *r = &run->reqs[i];

			if (r->end_ns == 0)
				continue;
			from = r->start_ns < from ? r->start_ns : from;
			to = r->end_ns > to ? r->end_ns : to;
		}
	}
	if (to <= from || (ev = malloc(2 * (size_t)o->requests * sizeof *ev)) == NULL)
		return;
	for (unsigned i = 0; i < o->requests; i++) {
		const struct fl_request *r = &run->reqs[i];
		int64_t a = r->start_ns > from ? r->start_ns : from;
		int64_t b = r->end_ns < to ? r->end_ns : to;

		if (r->end_ns == 0)
			continue;
		if (b > a)
			area += (double)(b - a);
		ev[n++] = (r->start_ns - run->t0_ns) * 2 + 1;   /* odd: a start */
		ev[n++] = (r->end_ns - run->t0_ns) * 2;         /* even: an end */
	}
	qsort(ev, n, sizeof *ev, cmp_i64);
	for (size_t i = 0; i < n; i++)
		if ((now += ev[i] & 1 ? 1 : -1) > peak)
			peak = now;
	free(ev);
	f->in_mean = area / (double)(to - from);
	f->in_peak = (double)peak;
}

_Static_assert(FL_M_HANDSHAKE_MEAN - FL_M_CONNECT_MEAN == 3 &&
	       FL_M_TRANSFER_P99 - FL_M_CONNECT_MEAN == 11,
	       "the phases' figures are mean, p50, p99 of each phase in turn");

/* Where the ok requests' time went, each phase's mean, p50 and p99, and
 * the TLS handshakes every request made. Sets F's phase and handshakes. */
static int phases(const struct fl_run *run, struct figures *f)
{
	struct fl_hist *h = fl_hist_new();

	if (h == NULL)
		return -1;
	for (unsigned i = 0; i < run->opt.requests; i++)
		if (run->reqs[i].end_ns != 0)
			f->handshakes[run->reqs[i].handshake]++;
	for (int p = 0; p < 4; p++) {
		fl_hist_reset(h);
		for (unsigned i = 0; i < run->opt.requests; i++) {
			const struct fl_request *r = &run->reqs[i];
			const uint32_t us[4] = {r->connect_us, r->tls_us, r->wait_us,
						r->transfer_us};

			if (r->end_ns != 0 && r->klass == FL_OK)
				fl_hist_record(h, us[p]);
		}
		f->phase[p].mean = fl_hist_count(h) ? fl_hist_mean(h) : NAN;
		f->phase[p].p50 = fl_hist_count(h) ? (double)fl_hist_percentile(h, 50) : NAN;
		f->phase[p].p99 = fl_hist_count(h) ? (double)fl_hist_percentile(h, 99) : NAN;
	}
	fl_hist_free(h);
	return 0;
}

/* How busy the client was: the time it ran or wanted to, from the run's
 * start to the model's return (the process's CPU time, plus the main
 * thread's wait for a CPU: a loop starved by another process is as bound
 * as one that computes), over that wall time times the cores it can use,
 * the fewer of its threads and the CPUs it may run on. Sets F's busy and
 * cores. */
static void client_busy(const struct fl_run *run, struct figures *f)
{
	double wall = (double)(run->t1_ns - run->t0_ns) / 1e9;
	double used = run->cpu1_s - run->cpu0_s + run->wait1_s - run->wait0_s;
	cpu_set_t set;
	int cpus = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;

	f->cores = run->threads < (unsigned)cpus ? run->threads : (unsigned)cpus;
	if (f->cores == 0)
		f->cores = 1;
	f->busy = wall > 0 ? used / (wall * f->cores) : NAN;
}

int fl_report(struct fl_run *run, FILE *out)
{
	const struct fl_options *o = &run->opt;
	struct fl_hist *from_start = fl_hist_new(), *from_due = fl_hist_new();
	struct figures f = {0};
	int64_t last_end_ns = 0;
	int rc = 0;

	if (from_start == NULL || from_due == NULL) {
		fl_error(run, "no memory for the histograms");
		rc = 1;
		goto out;
	}
	for (int k = 0; k < FL_CLASS_COUNT; k++) {
		f.done += atomic_load(&run->klass[k]);
		if (k != FL_OK)
			f.errors += atomic_load(&run->klass[k]);
	}
	/* The accounting invariant: every claimed request was reported once. */
	if (!atomic_load(&run->interrupted) && f.done != o->requests) {
		fl_error(run, "model bug: %" PRIu64 " of %u requests were reported "
			 "with fl_done; every request must end in exactly one class",
			 f.done, o->requests);
		rc = 1;
	}
	for (unsigned i = 0; i < o->requests; i++) {
		const struct fl_request *r = &run->reqs[i];

		f.bytes += r->bytes;
		f.work_us += r->work_ns / 1e3 / o->requests;
		if (r->end_ns != 0)
			f.injected[r->fault]++;
		if (r->end_ns > last_end_ns)
			last_end_ns = r->end_ns;
		if (r->end_ns == 0 || r->klass != FL_OK)
			continue;
		fl_hist_record(from_start, (uint64_t)(r->end_ns - r->start_ns) / 1000);
		fl_hist_record(from_due, (uint64_t)(r->end_ns - r->due_ns) / 1000);
	}
	/* The run lasts from its start, the model's set-up included, to the
	 * end of its last request; the model's clean-up after that is not the
	 * workload's (wrk does not count its own either). */
	f.wall = (double)((last_end_ns ? last_end_ns : run->t1_ns) - run->t0_ns) / 1e9;
	summarize(from_start, &f.ls);
	summarize(from_due, &f.ld);
	getrusage(RUSAGE_SELF, &f.ru);
	f.user = f.ru.ru_utime.tv_sec + f.ru.ru_utime.tv_usec / 1e6;
	f.sys = f.ru.ru_stime.tv_sec + f.ru.ru_stime.tv_usec / 1e6;
	f.rps = f.wall > 0 ? atomic_load(&run->klass[FL_OK]) / f.wall : 0;
	client_busy(run, &f);
	steady_state(run, &f);
	in_flight(run, &f);
	if (phases(run, &f) < 0) {
		fl_error(run, "no memory for the histograms");
		rc = 1;
		goto out;
	}
	f.lag[0] = f.lag[1] = f.lag[2] = NAN;
	if (run->lag != NULL) {
		f.lag[0] = (double)fl_hist_percentile(run->lag, 50);
		f.lag[1] = (double)fl_hist_percentile(run->lag, 99);
		f.lag[2] = (double)fl_hist_max(run->lag);
	}
	if (o->json)
		write_json(out, run, &f);
	else
		write_table(out, run, &f);
	if (fflush(out) != 0 || ferror(out)) {   /* a full disk, a closed pipe */
		fl_error(run, "the summary (standard output): write failed (%m)");
		rc = 2;
	}
	if (o->records && write_records(run, o->records) < 0)
		rc = 2;
	if (o->hdr && write_hdr(run, from_due, o->hdr) < 0)
		rc = 2;
out:
	fl_hist_free(from_start);
	fl_hist_free(from_due);
	return rc;
}
