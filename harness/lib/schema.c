/* schema.c - the declaration of every per-run figure and every points.csv
 * column, and the writers and readers that loop over them. A figure's row
 * is the only place that names its JSON key, CSV column, unit, format and
 * reduction; everything that prints or reads one goes through here. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fetchlab/schema.h"
#include "internal.h"

/* CPU time per request, ms: the run's user + sys above the model's fixed
 * start-up cost (cpu_base_s), over all its requests but one. */
static double cpu_per_req(const double *run)
{
	return fmax(0, run[FL_M_CPU_USER] + run[FL_M_CPU_SYS] - run[FL_M_CPU_BASE]) *
	       1e3 / fmax(1, run[FL_M_REQUESTS] - 1);
}

/* Little's law: at most C requests in flight, each taking the mean delay. */
static double bound(const double *run)
{
	return run[FL_M_CONCURRENCY] * 1e6 / run[FL_M_DELAY_MEAN];
}

#define LAT(id, key, column, place, what) \
	[id] = {.name = key, .json = key, .csv = column, .col = place, \
		.unit = "us", .fmt = "%.0f", .reduce = FL_R_MEDIAN, .doc = what}

/* Where an ok request's time went (the phases of libcurl's timers). */
#define PHASE(id, key, column, place, what) \
	[id] = {.name = key, .json = key, .csv = column, .col = place, \
		.unit = "us", .fmt = "%.0f", .reduce = FL_R_MEDIAN, .doc = what}

const struct fl_metric fl_metrics[FL_M_COUNT] = {
	[FL_M_MODEL] = {.name = "model", .json = "model", .csv = "model", .col = 1,
		.type = FL_STR, .reduce = FL_R_FIRST, .doc = "the model's name"},
	[FL_M_REQUESTS] = {.name = "requests", .json = "requests", .csv = "requests",
		.col = 7, .fmt = "%.0f", .reduce = FL_R_FIRST,
		.doc = "requests in the run (-n), every one reported"},
	[FL_M_CONCURRENCY] = {.name = "concurrency", .json = "concurrency",
		.csv = "concurrency", .col = 2, .fmt = "%.0f", .reduce = FL_R_FIRST,
		.doc = "-c: at most this many requests in flight"},
	[FL_M_RATE] = {.name = "rate", .json = "rate", .csv = "rate", .col = 3,
		.unit = "req/s", .fmt = "%g", .reduce = FL_R_FIRST,
		.doc = "--rate: the offered arrival rate; 0 = closed loop"},
	[FL_M_DELAY] = {.name = "delay", .json = "delay", .csv = "delay", .col = 4,
		.type = FL_STR, .reduce = FL_R_FIRST, .doc = "the --delay spec as given"},
	[FL_M_SIZE] = {.name = "size", .json = "size", .csv = "size", .col = 5,
		.type = FL_STR, .reduce = FL_R_FIRST, .doc = "the --size spec as given"},
	[FL_M_SEED] = {.name = "seed", .json = "seed", .type = FL_U64,
		.reduce = FL_R_FIRST, .doc = "--seed of the delays, sizes and arrivals"},
	[FL_M_FAULTS] = {.name = "faults", .json = "faults", .type = FL_STR,
		.reduce = FL_R_FIRST, .doc = "the --faults spec as given"},
	[FL_M_OK] = {.name = "ok", .json = "ok", .csv = "ok", .col = 8, .fmt = "%.0f",
		.reduce = FL_R_SUM, .doc = "requests that succeeded"},
	[FL_M_ERRORS_BY_CLASS] = {.name = "errors", .json = "errors",
		.type = FL_PER_CLASS, .doc = "failed requests per error class"},
	[FL_M_ERROR_SAMPLES] = {.name = "error_samples", .json = "error_samples",
		.type = FL_SAMPLES, .doc = "the first messages of each error class"},
	[FL_M_INJECTED] = {.name = "injected", .json = "injected",
		.type = FL_PER_FAULT, .doc = "requests that ran with each --faults kind"},
	[FL_M_INTERRUPTED] = {.name = "interrupted", .json = "interrupted",
		.type = FL_BOOL, .doc = "Ctrl-C stopped the run"},
	[FL_M_WALL] = {.name = "wall_s", .json = "wall_s", .csv = "wall_s", .col = 10,
		.unit = "s", .fmt = "%.3f", .reduce = FL_R_MEDIAN,
		.doc = "from the run's start to the end of its last request"},
	[FL_M_THROUGHPUT] = {.name = "throughput_rps", .json = "throughput_rps",
		.csv = "throughput_rps", .col = 11, .unit = "req/s", .fmt = "%.1f",
		.reduce = FL_R_MEDIAN, .doc = "ok / wall_s"},
	[FL_M_BYTES] = {.name = "bytes", .json = "bytes", .unit = "B", .fmt = "%.0f",
		.reduce = FL_R_SUM, .doc = "body bytes received"},
	[FL_M_CONNECTIONS] = {.name = "connections", .json = "connections",
		.csv = "connections", .col = 44, .fmt = "%.0f", .reduce = FL_R_MEDIAN, .doc = "connections opened"},
	LAT(FL_M_LAT_MIN, "latency_us.min", NULL, 0, "end - start: the least"),
	LAT(FL_M_LAT_MEAN, "latency_us.mean", "mean_us", 17, "end - start: the mean"),
	LAT(FL_M_LAT_P50, "latency_us.p50", "p50_us", 12, "end - start: the median"),
	LAT(FL_M_LAT_P90, "latency_us.p90", "p90_us", 13, "end - start: 90th percentile"),
	LAT(FL_M_LAT_P99, "latency_us.p99", "p99_us", 14, "end - start: 99th percentile"),
	LAT(FL_M_LAT_P999, "latency_us.p999", "p999_us", 15, "end - start: 99.9th percentile"),
	LAT(FL_M_LAT_MAX, "latency_us.max", "max_us", 16, "end - start: the most"),
	LAT(FL_M_DUE_MIN, "latency_from_due_us.min", NULL, 0, "end - due: the least"),
	LAT(FL_M_DUE_MEAN, "latency_from_due_us.mean", NULL, 0, "end - due: the mean"),
	LAT(FL_M_DUE_P50, "latency_from_due_us.p50", "p50_due_us", 18,
	    "end - due (queueing included): the median"),
	LAT(FL_M_DUE_P90, "latency_from_due_us.p90", NULL, 0, "end - due: 90th percentile"),
	LAT(FL_M_DUE_P99, "latency_from_due_us.p99", "p99_due_us", 19,
	    "end - due: 99th percentile"),
	LAT(FL_M_DUE_P999, "latency_from_due_us.p999", NULL, 0, "end - due: 99.9th percentile"),
	LAT(FL_M_DUE_MAX, "latency_from_due_us.max", NULL, 0, "end - due: the most"),
	[FL_M_CPU_USER] = {.name = "cpu_user_s", .json = "cpu_user_s",
		.csv = "cpu_user_s", .col = 20, .unit = "s", .fmt = "%.6f",
		.reduce = FL_R_MEDIAN, .doc = "user CPU time (compare: the child's, from wait4)"},
	[FL_M_CPU_SYS] = {.name = "cpu_sys_s", .json = "cpu_sys_s",
		.csv = "cpu_sys_s", .col = 21, .unit = "s", .fmt = "%.6f",
		.reduce = FL_R_MEDIAN, .doc = "system CPU time (compare: the child's)"},
	[FL_M_PEAK_RSS] = {.name = "peak_rss_kib", .json = "peak_rss_kib",
		.csv = "peak_rss_kib", .col = 22, .unit = "KiB", .fmt = "%.0f",
		.reduce = FL_R_MEDIAN, .doc = "peak resident set (ru_maxrss)"},
	[FL_M_CTX_VOLUNTARY] = {.name = "ctx_voluntary", .json = "ctx_voluntary",
		.csv = "ctx_voluntary", .col = 23, .fmt = "%.0f", .reduce = FL_R_MEDIAN,
		.doc = "context switches: waits"},
	[FL_M_CTX_INVOLUNTARY] = {.name = "ctx_involuntary", .json = "ctx_involuntary",
		.csv = "ctx_involuntary", .col = 24, .fmt = "%.0f", .reduce = FL_R_MEDIAN,
		.doc = "context switches: preemptions"},
	[FL_M_THREADS] = {.name = "threads", .json = "threads", .csv = "threads",
		.col = 25, .fmt = "%.0f", .reduce = FL_R_MEDIAN,
		.doc = "threads the model ran"},
	[FL_M_WORK_SPEC] = {.name = "work_spec", .json = "work_spec", .csv = "work",
		.col = 28, .type = FL_STR, .reduce = FL_R_FIRST,
		.doc = "the --work spec as given"},
	[FL_M_WORK_MEAN] = {.name = "work_mean_us", .json = "work_mean_us",
		.csv = "work_mean_us", .col = 29, .unit = "us", .fmt = "%.1f",
		.reduce = FL_R_FIRST, .doc = "the CPU work asked per response, the mean"},
	[FL_M_WORK_NS_PER_STEP] = {.name = "work_ns_per_iter", .json = "work_ns_per_iter",
		.unit = "ns", .fmt = "%.4f", .reduce = FL_R_MEDIAN,
		.doc = "--work's calibration: one step of the work loop here"},
	[FL_M_WORK_OFF_THREAD] = {.name = "work_off_thread", .json = "work_off_thread",
		.fmt = "%.0f", .reduce = FL_R_SUM,
		.doc = "responses whose work ran off the thread that began them"},
	[FL_M_LAG_P50] = {.name = "loop_lag_p50_us", .json = "loop_lag_us.p50",
		.unit = "us", .fmt = "%.0f", .reduce = FL_R_MEDIAN,
		.doc = "how late the loop's 10 ms timer fired: the median"},
	[FL_M_LAG_P99] = {.name = "loop_lag_p99_us", .json = "loop_lag_us.p99",
		.csv = "loop_lag_p99_us", .col = 30, .unit = "us", .fmt = "%.0f",
		.reduce = FL_R_MEDIAN, .doc = "how late the loop's timer fired: 99th percentile"},
	[FL_M_LAG_MAX] = {.name = "loop_lag_max_us", .json = "loop_lag_us.max",
		.unit = "us", .fmt = "%.0f", .reduce = FL_R_MEDIAN,
		.doc = "how late the loop's timer fired: the most"},
	[FL_M_CLIENT_BUSY] = {.name = "client_busy", .json = "client_busy",
		.csv = "client_busy", .col = 31, .fmt = "%.3f", .reduce = FL_R_MEDIAN,
		.doc = "the client's CPU time, plus its main thread's wait for a CPU, "
		       "over the run's wall time times the cores it can use (the fewer "
		       "of its threads and the CPUs it may run on)"},
	[FL_M_STEADY] = {.name = "steady_rps", .json = "steady_rps", .csv = "steady_rps",
		.col = 32, .unit = "req/s", .fmt = "%.1f", .reduce = FL_R_MEDIAN,
		.doc = "steady-state throughput: ok requests that ended between the "
		       "moment every lane had finished its first request and the last "
		       "claim, over that window (docs/methodology.md)"},
	[FL_M_INFLIGHT_MEAN] = {.name = "in_flight_mean", .json = "in_flight_mean",
		.csv = "in_flight_mean", .col = 33, .fmt = "%.1f", .reduce = FL_R_MEDIAN,
		.doc = "requests in flight, the mean over the steady window (the whole "
		       "run without one): the concurrency achieved, against -c"},
	[FL_M_INFLIGHT_PEAK] = {.name = "in_flight_peak", .json = "in_flight_peak",
		.csv = "in_flight_peak", .col = 34, .fmt = "%.0f", .reduce = FL_R_MEDIAN,
		.doc = "requests in flight, the most at any moment"},
	[FL_M_CONN_PEAK] = {.name = "connections_peak", .json = "connections_peak",
		.csv = "connections_peak", .col = 35, .fmt = "%.0f", .reduce = FL_R_MEDIAN,
		.doc = "connections open at once, the most (sockets curl opened and "
		       "had not yet closed)"},
	[FL_M_TLS] = {.name = "tls", .json = "tls", .csv = "tls", .col = 36,
		.type = FL_BOOL, .reduce = FL_R_FIRST,
		.doc = "HTTPS: the target was an https:// URL"},
	[FL_M_CONN_MODE] = {.name = "connection_mode", .json = "connection_mode",
		.csv = "connection_mode", .col = 37, .type = FL_STR, .reduce = FL_R_FIRST,
		.doc = "--connections: reuse (keep-alive) or fresh (one per request)"},
	[FL_M_TLS_FULL] = {.name = "tls_full", .json = "tls_full", .csv = "tls_full",
		.col = 38, .fmt = "%.0f", .reduce = FL_R_MEDIAN,
		.doc = "TLS handshakes made in full (a new session)"},
	[FL_M_TLS_RESUMED] = {.name = "tls_resumed", .json = "tls_resumed",
		.csv = "tls_resumed", .col = 39, .fmt = "%.0f", .reduce = FL_R_MEDIAN,
		.doc = "TLS handshakes that resumed a session (cheaper: no certificate)"},
	PHASE(FL_M_CONNECT_MEAN, "connect_us.mean", "connect_mean_us", 40,
	      "the TCP connect (0 on a reused connection): the mean"),
	PHASE(FL_M_CONNECT_P50, "connect_us.p50", NULL, 0, "the TCP connect: the median"),
	PHASE(FL_M_CONNECT_P99, "connect_us.p99", NULL, 0, "the TCP connect: 99th percentile"),
	PHASE(FL_M_HANDSHAKE_MEAN, "tls_us.mean", "tls_mean_us", 41,
	      "the TLS handshake (0 when reused, or plain HTTP): the mean"),
	PHASE(FL_M_HANDSHAKE_P50, "tls_us.p50", NULL, 0, "the TLS handshake: the median"),
	PHASE(FL_M_HANDSHAKE_P99, "tls_us.p99", NULL, 0, "the TLS handshake: 99th percentile"),
	PHASE(FL_M_WAIT_MEAN, "wait_us.mean", "wait_mean_us", 42,
	      "from connected (or sent) to the first byte, the server's delay "
	      "included: the mean"),
	PHASE(FL_M_WAIT_P50, "wait_us.p50", NULL, 0, "the wait for the first byte: the median"),
	PHASE(FL_M_WAIT_P99, "wait_us.p99", NULL, 0, "the wait for the first byte: 99th percentile"),
	PHASE(FL_M_TRANSFER_MEAN, "transfer_us.mean", "transfer_mean_us", 43,
	      "from the first byte to the last: the mean"),
	PHASE(FL_M_TRANSFER_P50, "transfer_us.p50", NULL, 0, "the transfer: the median"),
	PHASE(FL_M_TRANSFER_P99, "transfer_us.p99", NULL, 0, "the transfer: 99th percentile"),
	[FL_M_CLIENT_BOUND] = {.name = "client_bound", .json = "client_bound",
		.type = FL_BOOL, .doc = "client_busy reached FL_CLIENT_BOUND (0.90): "
		"the client, not the model, set the figures"},
	[FL_M_REPEAT] = {.name = "repeat", .csv = "repeat", .col = 6, .fmt = "%.0f",
		.reduce = FL_R_COUNT, .doc = "1..--repeat"},
	[FL_M_ERRORS] = {.name = "errors", .csv = "errors", .col = 9, .fmt = "%.0f",
		.reduce = FL_R_SUM, .doc = "failed requests: requests - ok"},
	[FL_M_DELAY_MEAN] = {.name = "delay_mean_us", .csv = "delay_mean_us",
		.col = 26, .unit = "us", .fmt = "%.0f", .reduce = FL_R_FIRST,
		.doc = "the mean of the --delay spec"},
	[FL_M_CPU_BASE] = {.name = "cpu_base_s", .csv = "cpu_base_s", .col = 27,
		.unit = "s", .fmt = "%.6f", .reduce = FL_R_FIRST,
		.doc = "the model's fixed CPU cost: the least of three one-request runs"},
	[FL_M_CPU_PER_REQ] = {.name = "cpu_ms_per_req", .unit = "ms", .fmt = "%.4f",
		.reduce = FL_R_MEDIAN, .derive = cpu_per_req,
		.doc = "CPU time per request, start-up taken out"},
	[FL_M_BOUND] = {.name = "bound_rps", .unit = "req/s", .fmt = "%.1f", .reduce = FL_R_FIRST,
		.derive = bound, .doc = "C / mean delay: the Little's-law bound"},
};

/* The share of the Little's-law bound a point reached: in the steady
 * state where the runs had one, else over the whole run. */
static double efficiency(const double *point)
{
	double rps = point[FL_P_STEADY] > 0 ? point[FL_P_STEADY] : point[FL_P_THROUGHPUT];

	return rps / point[FL_P_BOUND];
}

const struct fl_point_col fl_point_cols[FL_P_COUNT] = {
	[FL_P_MODEL] = {"model", FL_M_MODEL, .fmt = "%s", .charts = "common latency memory rate throughput",
		.doc = "the model"},
	[FL_P_CONCURRENCY] = {"concurrency", FL_M_CONCURRENCY, .fmt = "%.0f",
		.charts = "cpu efficiency latency memory throughput",
		.doc = "-c of the point"},
	[FL_P_RATE] = {"rate", FL_M_RATE, .fmt = "%g", .charts = "rate",
		.doc = "the offered rate, req/s; 0: a closed-loop point"},
	[FL_P_REPEATS] = {"repeats", FL_M_REPEAT, .fmt = "%.0f",
		.doc = "runs reduced into the point"},
	[FL_P_THROUGHPUT] = {"throughput_rps", FL_M_THROUGHPUT, .fmt = "%.1f",
		.charts = "throughput",
		.doc = "the median throughput (at a rate point, the achieved rate)"},
	[FL_P_THROUGHPUT_MIN] = {"throughput_min", FL_M_THROUGHPUT, FL_R_MIN,
		.fmt = "%.1f", .charts = "throughput",
		.doc = "the least throughput of the repeats"},
	[FL_P_THROUGHPUT_MAX] = {"throughput_max", FL_M_THROUGHPUT, FL_R_MAX,
		.fmt = "%.1f", .charts = "throughput",
		.doc = "the most throughput of the repeats"},
	[FL_P_P50] = {"p50_ms", FL_M_LAT_P50, .scale = 1e-3, .fmt = "%.3f",
		.charts = "latency",
		.doc = "median latency end - start, ms"},
	[FL_P_P99] = {"p99_ms", FL_M_LAT_P99, .scale = 1e-3, .fmt = "%.3f",
		.charts = "latency rate",
		.doc = "99th percentile end - start, ms"},
	[FL_P_P50_DUE] = {"p50_due_ms", FL_M_DUE_P50, .scale = 1e-3, .fmt = "%.3f",
		.doc = "median latency end - due (queueing included), ms"},
	[FL_P_P99_DUE] = {"p99_due_ms", FL_M_DUE_P99, .scale = 1e-3, .fmt = "%.3f",
		.charts = "rate",
		.doc = "99th percentile end - due, ms"},
	[FL_P_EFFICIENCY] = {"efficiency", -1, .fmt = "%.4f", .derive = efficiency,
		.charts = "efficiency",
		.doc = "steady_rps (else throughput_rps) / bound_rps: the share of the "
		       "bound reached"},
	[FL_P_CPU_PER_REQ] = {"cpu_ms_per_req", FL_M_CPU_PER_REQ, .fmt = "%.4f",
		.positive = true, .charts = "cpu",
		.doc = "CPU ms per request; empty when lost in start-up noise"},
	[FL_P_PEAK_RSS] = {"peak_rss_mib", FL_M_PEAK_RSS, .scale = 1.0 / 1024,
		.fmt = "%.2f",
		.doc = "peak resident set, MiB"},
	/* Against the model's C = 1 point: plot.c computes it across points. */
	[FL_P_MARGINAL] = {"marginal_kib", -1, .fmt = "%.2f", .charts = "memory",
		.doc = "(RSS at C - RSS at 1) / (C - 1), KiB; empty at C = 1 and rate points"},
	[FL_P_BOUND] = {"bound_rps", FL_M_BOUND, .fmt = "%.1f", .charts = "latency throughput",
		.doc = "C / mean delay, req/s"},
	[FL_P_ERRORS] = {"errors", FL_M_ERRORS, .fmt = "%.0f",
		.doc = "failed requests, summed over the repeats"},
	[FL_P_WORK] = {"work_ms", FL_M_WORK_MEAN, .scale = 1e-3, .fmt = "%.3f",
		.charts = "work worklatency", .doc = "CPU work asked per response, ms"},
	[FL_P_LAG_P99] = {"loop_lag_p99_ms", FL_M_LAG_P99, .scale = 1e-3, .fmt = "%.3f",
		.doc = "loop lag p99, ms; empty for models without a loop"},
	[FL_P_STEADY] = {"steady_rps", FL_M_STEADY, .fmt = "%.1f", .charts = "throughput",
		.doc = "the median steady-state throughput; empty where a run had no "
		       "steady window"},
	[FL_P_STEADY_MIN] = {"steady_min", FL_M_STEADY, FL_R_MIN, .fmt = "%.1f",
		.charts = "throughput", .doc = "the least steady-state throughput of the repeats"},
	[FL_P_STEADY_MAX] = {"steady_max", FL_M_STEADY, FL_R_MAX, .fmt = "%.1f",
		.charts = "throughput", .doc = "the most steady-state throughput of the repeats"},
	[FL_P_INFLIGHT] = {"in_flight_mean", FL_M_INFLIGHT_MEAN, .fmt = "%.1f",
		.charts = "memory", .doc = "the median of the runs' mean requests in flight: the "
		       "concurrency achieved"},
	[FL_P_CLIENT_BUSY] = {"client_busy", FL_M_CLIENT_BUSY, .fmt = "%.3f",
		.doc = "the median client_busy; from 0.90 the point is the client's "
		       "limit (client-bound); empty for the peers"},
};

/* One JSON value of metric M. */
static void json_value(FILE *out, const struct fl_metric *m, const union fl_value *v)
{
	switch (m->type) {
	case FL_NUM:
		if (isfinite(v->num))
			fprintf(out, m->fmt, v->num);
		else
			fputs("null", out);   /* JSON has no NaN */
		break;
	case FL_U64:
		fprintf(out, "%" PRIu64, v->u64);
		break;
	case FL_STR:
		if (v->str)
			fl_json_write_string(out, v->str);
		else
			fputs("null", out);
		break;
	case FL_BOOL:
		fputs(v->flag ? "true" : "false", out);
		break;
	case FL_PER_CLASS:
	case FL_PER_FAULT: {
		bool cls = m->type == FL_PER_CLASS;
		int n = cls ? FL_CLASS_COUNT : FL_FAULT_COUNT;

		fputc('{', out);
		for (int k = 1; k < n; k++)   /* 0 is ok, or no fault */
			fprintf(out, "%s\"%s\":%" PRIu64, k > 1 ? "," : "",
				cls ? fl_class_names[k] : fl_fault_names[k], v->counts[k]);
		fputc('}', out);
		break;
	}
	case FL_SAMPLES:
		fputc('{', out);
		for (int k = 1, first = 1; k < FL_CLASS_COUNT; k++) {
			if (v->samples[k][0] == NULL)
				continue;
			fprintf(out, "%s\"%s\":[", first ? "" : ",", fl_class_names[k]);
			for (int s = 0; v->samples[k][s]; s++) {
				fputs(s ? "," : "", out);
				fl_json_write_string(out, v->samples[k][s]);
			}
			fputc(']', out);
			first = 0;
		}
		fputc('}', out);
		break;
	}
}

void fl_write_json(FILE *out, const union fl_value v[FL_M_COUNT])
{
	const char *group = "";   /* the nested object open now ("" for none) */
	size_t glen = 0;
	bool top_first = true, in_first = true;

	fputc('{', out);
	for (int i = 0; i < FL_M_COUNT; i++) {
		const struct fl_metric *m = &fl_metrics[i];
		const char *dot, *key;
		size_t plen;

		if (m->json == NULL)
			continue;
		dot = strchr(m->json, '.');   /* one level of nesting: "a.b" */
		plen = dot ? (size_t)(dot - m->json) : 0;
		key = dot ? dot + 1 : m->json;
		if (plen != glen || strncmp(m->json, group, plen) != 0) {
			if (glen > 0)
				fputc('}', out);
			if (plen > 0) {
				fprintf(out, "%s\"%.*s\":{", top_first ? "" : ",",
					(int)plen, m->json);
				top_first = false;
				in_first = true;
			}
			group = m->json;
			glen = plen;
		}
		fprintf(out, "%s\"%s\":", (plen ? in_first : top_first) ? "" : ",", key);
		json_value(out, m, &v[i]);
		*(plen ? &in_first : &top_first) = false;
	}
	fputs(glen > 0 ? "}}\n" : "}\n", out);
}

void fl_read_json(const struct fl_json *j, union fl_value v[FL_M_COUNT],
		  char *buf, size_t n)
{
	for (int i = 0; i < FL_M_COUNT; i++) {
		const struct fl_metric *m = &fl_metrics[i];
		int len;

		if (m->json == NULL)
			continue;
		switch (m->type) {
		case FL_NUM:
			if (fl_json_number(j, m->json, &v[i].num) < 0)
				v[i].num = NAN;
			break;
		case FL_U64:
			if (fl_json_u64(j, m->json, &v[i].u64) < 0)
				v[i].u64 = 0;
			break;
		case FL_STR:
			len = fl_json_unescape(j, fl_json_find(j, 0, m->json), buf, n);
			v[i].str = len < 0 ? NULL : buf;
			if (len >= 0) {
				buf += len + 1;
				n -= (size_t)len + 1;
			}
			break;
		case FL_BOOL:
			v[i].flag = fl_json_bool(j, m->json) == 1;
			break;
		default:
			break;   /* the objects: nothing reads them back yet */
		}
	}
}

/* The figure in summary.csv column COL (from 1), or -1. */
static int by_col(int col)
{
	for (int i = 0; i < FL_M_COUNT; i++)
		if (fl_metrics[i].csv && fl_metrics[i].col == col)
			return i;
	return -1;
}

int fl_metric_by_column(const char *name)
{
	for (int i = 0; i < FL_M_COUNT; i++)
		if (fl_metrics[i].csv && strcmp(fl_metrics[i].csv, name) == 0)
			return i;
	return -1;
}

void fl_write_summary_header(FILE *out)
{
	for (int c = 1, i; (i = by_col(c)) >= 0; c++)
		fprintf(out, "%s%s", c > 1 ? "," : "", fl_metrics[i].csv);
	fputc('\n', out);
}

void fl_write_summary_row(FILE *out, const union fl_value v[FL_M_COUNT])
{
	for (int c = 1, i; (i = by_col(c)) >= 0; c++) {
		if (c > 1)
			fputc(',', out);
		if (fl_metrics[i].type == FL_STR)
			fputs(v[i].str ? v[i].str : "", out);
		else if (fl_metrics[i].type == FL_BOOL)
			fputs(v[i].flag ? "1" : "0", out);
		else if (fl_metrics[i].type == FL_U64)
			fprintf(out, "%" PRIu64, v[i].u64);
		else
			fprintf(out, fl_metrics[i].fmt, v[i].num);   /* NAN: "nan" */
	}
	fputc('\n', out);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double fl_median(double *v, int n)
{
	if (n <= 0)
		return NAN;
	qsort(v, (size_t)n, sizeof v[0], cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double fl_reduce(enum fl_reduce r, const double *v, int n, double *scratch)
{
	double acc;

	if (r == FL_R_COUNT)
		return n;
	if (n <= 0 || r == FL_R_NONE)
		return NAN;
	acc = v[0];
	switch (r) {
	case FL_R_MEDIAN:
		memcpy(scratch, v, (size_t)n * sizeof v[0]);
		return fl_median(scratch, n);
	case FL_R_MIN:
		for (int i = 1; i < n; i++)
			acc = fmin(acc, v[i]);
		return acc;
	case FL_R_MAX:
		for (int i = 1; i < n; i++)
			acc = fmax(acc, v[i]);
		return acc;
	case FL_R_SUM:
		for (int i = 1; i < n; i++)
			acc += v[i];
		return acc;
	default:
		return acc;   /* FL_R_FIRST */
	}
}

void fl_write_points_header(FILE *out)
{
	for (int c = 0; c < FL_P_COUNT; c++)
		fprintf(out, "%s%s", c ? "," : "", fl_point_cols[c].name);
	fputc('\n', out);
}

void fl_write_points_row(FILE *out, const char *model, const double v[FL_P_COUNT])
{
	for (int c = 0; c < FL_P_COUNT; c++) {
		const struct fl_point_col *p = &fl_point_cols[c];

		if (c > 0)
			fputc(',', out);
		if (p->metric >= 0 && fl_metrics[p->metric].type == FL_STR)
			fputs(model, out);
		else if (!isnan(v[c]))
			fprintf(out, p->fmt, v[c]);
	}
	fputc('\n', out);
}
