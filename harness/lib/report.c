/* report.c - what a run prints: the JSON summary or a table, the per-request
 * CSV, and the percentile distribution. Histograms are built here, after the
 * run, from the request records, so the hot path never touches them. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "fetchlab/hist.h"
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

static void json_lat(FILE *out, const char *name, const struct lat *l)
{
	fprintf(out, "\"%s\":{\"min\":%" PRIu64 ",\"mean\":%.0f,\"p50\":%" PRIu64
		",\"p90\":%" PRIu64 ",\"p99\":%" PRIu64 ",\"p999\":%" PRIu64
		",\"max\":%" PRIu64 "}", name, l->min, l->mean, l->p50, l->p90,
		l->p99, l->p999, l->max);
}

/* Print S as a JSON string body (the samples hold curl's plain text). */
static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		if ((unsigned char)*s >= 0x20)
			fputc(*s, out);
	}
	fputc('"', out);
}

static void table_lat(FILE *out, const char *name, const struct lat *l)
{
	fprintf(out, "  %-14s %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f\n", name,
		l->min / 1e3, l->mean / 1e3, l->p50 / 1e3, l->p90 / 1e3,
		l->p99 / 1e3, l->p999 / 1e3, l->max / 1e3);
}

static int write_records(const struct fl_run *run, const char *path)
{
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		fl_error(run, "--records %s: cannot write it (%m); give a "
			 "writable path", path);
		return -1;
	}
	fputs("id,worker,due_ns,start_ns,first_byte_ns,end_ns,status,bytes,error\n", f);
	for (unsigned i = 0; i < run->opt.requests; i++) {
		const struct fl_request *r = &run->reqs[i];

		if (r->end_ns == 0)
			continue;   /* never started: the run was interrupted */
		fprintf(f, "%u,%u,%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64
			",%d,%" PRIu64 ",%s\n", r->id, r->lane,
			r->due_ns - run->t0_ns, r->start_ns - run->t0_ns,
			r->first_byte_ns ? r->first_byte_ns - run->t0_ns : 0,
			r->end_ns - run->t0_ns, r->status, r->bytes,
			fl_class_names[r->klass]);
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

int fl_report(struct fl_run *run, FILE *out)
{
	const struct fl_options *o = &run->opt;
	struct fl_hist *from_start = fl_hist_new(), *from_due = fl_hist_new();
	uint64_t done = 0, errors = 0, bytes = 0;
	unsigned injected[FL_FAULT_COUNT] = {0};   /* faults, of requests run */
	struct lat ls, ld;
	struct rusage ru;
	int64_t last_end_ns = 0;
	double wall;
	int rc = 0;

	if (from_start == NULL || from_due == NULL) {
		fl_error(run, "no memory for the histograms");
		rc = 1;
		goto out;
	}
	for (int k = 0; k < FL_CLASS_COUNT; k++) {
		done += atomic_load(&run->klass[k]);
		if (k != FL_OK)
			errors += atomic_load(&run->klass[k]);
	}
	/* The accounting invariant: every claimed request was reported once. */
	if (!atomic_load(&run->interrupted) && done != o->requests) {
		fl_error(run, "model bug: %" PRIu64 " of %u requests were reported "
			 "with fl_done; every request must end in exactly one class",
			 done, o->requests);
		rc = 1;
	}
	for (unsigned i = 0; i < o->requests; i++) {
		const struct fl_request *r = &run->reqs[i];

		bytes += r->bytes;
		if (r->end_ns != 0)
			injected[r->fault]++;
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
	wall = (double)((last_end_ns ? last_end_ns : run->t1_ns) - run->t0_ns) / 1e9;
	summarize(from_start, &ls);
	summarize(from_due, &ld);
	getrusage(RUSAGE_SELF, &ru);
	double user = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
	double sys = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	double rps = wall > 0 ? atomic_load(&run->klass[FL_OK]) / wall : 0;
	double work_us = 0;   /* the mean work asked per request */
	for (unsigned i = 0; i < o->requests; i++)
		work_us += run->reqs[i].work_ns / 1e3 / o->requests;

	if (o->json) {
		fprintf(out, "{\"model\":\"%s\",\"requests\":%" PRIu64
			",\"concurrency\":%u,\"rate\":%g,", run->model->name,
			done, o->concurrency, o->rate);
		fprintf(out, "\"delay\":\"%s\",\"size\":\"%s\",\"seed\":%" PRIu64
			",\"faults\":\"%s\",", o->url ? "" : o->delay_spec,
			o->url ? "" : o->size_spec, o->seed,
			o->faults_spec ? o->faults_spec : "");
		fprintf(out, "\"ok\":%" PRIu64 ",\"errors\":{",
			(uint64_t)atomic_load(&run->klass[FL_OK]));
		for (int k = 1; k < FL_CLASS_COUNT; k++)
			fprintf(out, "%s\"%s\":%" PRIu64, k > 1 ? "," : "",
				fl_class_names[k], (uint64_t)atomic_load(&run->klass[k]));
		fprintf(out, "},\"error_samples\":{");
		for (int k = 1, first = 1; k < FL_CLASS_COUNT; k++) {
			if (run->nsamples[k] == 0)
				continue;
			fprintf(out, "%s\"%s\":[", first ? "" : ",", fl_class_names[k]);
			for (unsigned s = 0; s < run->nsamples[k]; s++) {
				fputs(s ? "," : "", out);
				json_str(out, run->samples[k][s]);
			}
			fputc(']', out);
			first = 0;
		}
		fprintf(out, "},\"injected\":{");
		for (int f = 1; f < FL_FAULT_COUNT; f++)
			fprintf(out, "%s\"%s\":%u", f > 1 ? "," : "",
				fl_fault_names[f], injected[f]);
		fprintf(out, "},\"interrupted\":%s,\"wall_s\":%.3f,\"throughput_rps\":%.1f,"
			"\"bytes\":%" PRIu64 ",\"connections\":%" PRIu64 ",",
			atomic_load(&run->interrupted) ? "true" : "false", wall, rps,
			bytes, (uint64_t)atomic_load(&run->connects));
		json_lat(out, "latency_us", &ls);
		fputc(',', out);
		json_lat(out, "latency_from_due_us", &ld);
		fprintf(out, ",\"work_spec\":");
		json_str(out, o->work_spec);
		fprintf(out, ",\"work_mean_us\":%.1f,\"work_ns_per_iter\":%.4f,"
			"\"work_off_thread\":%" PRIu64, work_us, run->work_ns_per_step,
			(uint64_t)atomic_load(&run->work_off_thread));
		if (run->lag != NULL)
			fprintf(out, ",\"loop_lag_us\":{\"p50\":%" PRIu64 ",\"p99\":%" PRIu64
				",\"max\":%" PRIu64 "}", fl_hist_percentile(run->lag, 50),
				fl_hist_percentile(run->lag, 99), fl_hist_max(run->lag));
		fprintf(out, ",\"cpu_user_s\":%.3f,\"cpu_sys_s\":%.3f,\"peak_rss_kib\":%ld,"
			"\"ctx_voluntary\":%ld,\"ctx_involuntary\":%ld,\"threads\":%u}\n",
			user, sys, ru.ru_maxrss, ru.ru_nvcsw, ru.ru_nivcsw, run->threads);
	} else {
		fprintf(out, "%s: %" PRIu64 " requests, C=%u, ", run->prog, done,
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
			(uint64_t)atomic_load(&run->klass[FL_OK]), errors);
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
			"   connections opened %" PRIu64 "\n", wall, rps, bytes,
			(uint64_t)atomic_load(&run->connects));
		fprintf(out, "  latency (ms)        min     mean      p50      p90      p99    p99.9      max\n");
		table_lat(out, "from start", &ls);
		table_lat(out, "from due", &ld);
		if (run->lag != NULL)
			fprintf(out, "  loop lag (ms)    p50 %.2f   p99 %.2f   max %.2f\n",
				fl_hist_percentile(run->lag, 50) / 1e3,
				fl_hist_percentile(run->lag, 99) / 1e3,
				fl_hist_max(run->lag) / 1e3);
		if (work_us > 0)
			fprintf(out, "  work %s per response (mean %.0f us; %.3f ns a step here)"
				"   done off the request's thread: %" PRIu64 "\n",
				o->work_spec, work_us, run->work_ns_per_step,
				(uint64_t)atomic_load(&run->work_off_thread));
		fprintf(out, "  cpu user %.2f s, sys %.2f s   peak RSS %.1f MiB   "
			"context switches %ld voluntary, %ld involuntary   threads %u\n",
			user, sys, ru.ru_maxrss / 1024.0, ru.ru_nvcsw, ru.ru_nivcsw,
			run->threads);
	}
	fflush(out);
	if (o->records && write_records(run, o->records) < 0)
		rc = 2;
	if (o->hdr && write_hdr(run, from_due, o->hdr) < 0)
		rc = 2;
out:
	fl_hist_free(from_start);
	fl_hist_free(from_due);
	return rc;
}
