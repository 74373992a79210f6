/* test_schema.c PLOTS_DIR - the per-run figures and points.csv columns
 * (schema.h), and the writers that loop over them.
 *
 * The contracts are pinned here as text: the JSON summary's keys and
 * layout, the summary.csv and points.csv headers. The tables must be
 * well formed (every summary column placed once, nested JSON keys next to
 * each other), the JSON must read back through json.h to the values
 * written, the reductions must not depend on the order of the repeats,
 * each column's list of charts must be the scripts that draw it, and
 * docs/architecture.md must list both headers as they are (beside
 * PLOTS_DIR, ../../docs). Exits 0 when every check passes.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetchlab/schema.h"
#include "internal.h"
#include "tally.h"

static const char summary_header[] =
	"model,concurrency,rate,delay,size,repeat,requests,ok,errors,wall_s,"
	"throughput_rps,p50_us,p90_us,p99_us,p999_us,max_us,mean_us,"
	"p50_due_us,p99_due_us,cpu_user_s,cpu_sys_s,peak_rss_kib,"
	"ctx_voluntary,ctx_involuntary,threads,delay_mean_us,cpu_base_s,"
	"work,work_mean_us,loop_lag_p99_us,client_busy,steady_rps,in_flight_mean,"
	"in_flight_peak,connections_peak,tls,connection_mode,tls_full,tls_resumed,"
	"connect_mean_us,tls_mean_us,wait_mean_us,transfer_mean_us,connections\n";

static const char points_header[] =
	"model,concurrency,rate,repeats,throughput_rps,throughput_min,"
	"throughput_max,p50_ms,p99_ms,p50_due_ms,p99_due_ms,efficiency,"
	"cpu_ms_per_req,peak_rss_mib,marginal_kib,bound_rps,errors,work_ms,"
	"loop_lag_p99_ms,client_busy,steady_rps,steady_min,steady_max,in_flight_mean\n";

/* The JSON summary of fixed figures, as fl_report wrote it before the
 * schema (and as docs/architecture.md lists the keys). */
static const char json_want[] =
	"{\"model\":\"sync\",\"requests\":5,\"concurrency\":1,\"rate\":0,"
	"\"delay\":\"1ms\",\"size\":\"1k\",\"seed\":18446744073709551615,"
	"\"faults\":\"reset=0.5\",\"ok\":3,\"errors\":{\"connect\":0,\"timeout\":0,"
	"\"http\":0,\"recv\":2,\"checksum\":0,\"tls\":0,\"other\":0},\"error_samples\":"
	"{\"recv\":[\"request 0: reset\",\"say \\\"hi\\\"\\n\"]},\"injected\":"
	"{\"refused\":0,\"reset\":2,\"reset_body\":0,\"stall\":0,\"short\":0,"
	"\"trickle\":0,\"http500\":0,\"http503\":0,\"tls_unknown_ca\":0,"
	"\"tls_wrong_host\":0,\"tls_expired\":0,\"tls_reset\":0},\"interrupted\":false,"
	"\"wall_s\":0.012,\"throughput_rps\":260.4,\"bytes\":3072,"
	"\"connections\":3,\"latency_us\":{\"min\":1182,\"mean\":2142,"
	"\"p50\":1287,\"p90\":3961,\"p99\":3961,\"p999\":3961,\"max\":3961},"
	"\"latency_from_due_us\":{\"min\":1186,\"mean\":2146,\"p50\":1295,"
	"\"p90\":3965,\"p99\":3965,\"p999\":3965,\"max\":3965},"
	"\"cpu_user_s\":0.028000,\"cpu_sys_s\":0.006000,\"peak_rss_kib\":10224,"
	"\"ctx_voluntary\":6,\"ctx_involuntary\":27,\"threads\":1,"
	"\"work_spec\":\"500us\",\"work_mean_us\":500.0,\"work_ns_per_iter\":1.5000,"
	"\"work_off_thread\":5,\"loop_lag_us\":{\"p50\":812,\"p99\":41000,"
	"\"max\":48125},\"client_busy\":0.973,\"client_bound\":true,\"steady_rps\":271.5,"
	"\"in_flight_mean\":1.0,\"in_flight_peak\":1,\"connections_peak\":1,"
	"\"tls\":true,\"connection_mode\":\"fresh\",\"tls_full\":4,\"tls_resumed\":1,"
	"\"connect_us\":{\"mean\":100,\"p50\":101,\"p99\":102},"
	"\"tls_us\":{\"mean\":200,\"p50\":201,\"p99\":202},"
	"\"wait_us\":{\"mean\":300,\"p50\":301,\"p99\":302},"
	"\"transfer_us\":{\"mean\":400,\"p50\":401,\"p99\":402}}\n";

static void test_tables(struct tally *t)
{
	int ncsv = 0;

	for (int i = 0; i < FL_M_COUNT; i++) {
		const struct fl_metric *m = &fl_metrics[i];

		check(t, m->name && m->doc, "metric %d has no name or doc", i);
		check(t, m->type != FL_NUM || m->fmt, "%s: a number without a format",
		      m->name);
		check(t, m->json || m->csv || m->derive,
		      "%s: neither written nor derived", m->name);
		check(t, !m->json || !strchr(m->json, '.') ||
			 !strchr(strchr(m->json, '.') + 1, '.'),
		      "%s: JSON nests one level, not %s", m->name, m->json);
		ncsv += m->csv != NULL;
	}
	/* summary.csv: columns 1..N, each once. */
	for (int c = 1; c <= ncsv; c++) {
		int n = 0;

		for (int i = 0; i < FL_M_COUNT; i++)
			n += fl_metrics[i].csv && fl_metrics[i].col == c;
		check(t, n == 1, "summary.csv column %d is declared %d times", c, n);
	}
	/* Members of one JSON object are declared next to each other. */
	for (int i = 0; i < FL_M_COUNT; i++)
		for (int k = i + 2; k < FL_M_COUNT; k++) {
			const char *a = fl_metrics[i].json, *b = fl_metrics[k].json;
			const char *da = a ? strchr(a, '.') : NULL, *db = b ? strchr(b, '.') : NULL;

			if (!da || !db || da - a != db - b || strncmp(a, b, (size_t)(da - a)))
				continue;
			for (int m = i + 1; m < k; m++)
				check(t, fl_metrics[m].json == NULL ||
				      strncmp(fl_metrics[m].json, a, (size_t)(da - a) + 1) == 0,
				      "%s sits between %s and %s", fl_metrics[m].name, a, b);
		}
	for (int c = 0; c < FL_P_COUNT; c++) {
		const struct fl_point_col *p = &fl_point_cols[c];

		check(t, p->name && p->fmt && p->doc, "point column %d lacks a name, "
		      "format or doc", c);
		check(t, (p->metric >= 0 && p->metric < FL_M_COUNT) || p->metric == -1,
		      "%s: metric %d out of range", p->name, p->metric);
		check(t, p->metric < 0 || p->reduce != FL_R_NONE ||
			 fl_metrics[p->metric].reduce != FL_R_NONE,
		      "%s: its figure declares no reduction", p->name);
	}
}

static void test_headers(struct tally *t)
{
	char *text = NULL;
	size_t len;

	FILE *f = open_memstream(&text, &len);

	fl_write_summary_header(f);
	fclose(f);
	check(t, strcmp(text, summary_header) == 0,
	      "summary.csv header is %s", text);
	free(text);
	text = NULL;
	f = open_memstream(&text, &len);
	fl_write_points_header(f);
	fclose(f);
	check(t, strcmp(text, points_header) == 0, "points.csv header is %s", text);
	free(text);
	check(t, fl_metric_by_column("p99_due_us") == FL_M_DUE_P99 &&
		 fl_metric_by_column("nope") == -1, "fl_metric_by_column");
}

/* The figures of json_want. */
static void sample_values(union fl_value *v, uint64_t *klass, uint64_t *inj,
			  const char *(*samples)[FL_SAMPLES_MAX + 1])
{
	static const double lat[] = {1182, 2142, 1287, 3961, 3961, 3961, 3961,
				     1186, 2146, 1295, 3965, 3965, 3965, 3965};

	for (int i = 0; i < FL_M_COUNT; i++)
		v[i].num = NAN;
	memset(klass, 0, FL_CLASS_COUNT * sizeof *klass);
	memset(inj, 0, FL_FAULT_COUNT * sizeof *inj);
	klass[FL_OK] = 3;
	klass[FL_ERR_RECV] = 2;
	inj[FL_FAULT_RESET] = 2;
	samples[FL_ERR_RECV][0] = "request 0: reset";
	samples[FL_ERR_RECV][1] = "say \"hi\"\n";
	v[FL_M_MODEL].str = "sync";
	v[FL_M_REQUESTS].num = 5;
	v[FL_M_CONCURRENCY].num = 1;
	v[FL_M_RATE].num = 0;
	v[FL_M_DELAY].str = "1ms";
	v[FL_M_SIZE].str = "1k";
	v[FL_M_SEED].u64 = UINT64_MAX;
	v[FL_M_FAULTS].str = "reset=0.5";
	v[FL_M_OK].num = 3;
	v[FL_M_ERRORS_BY_CLASS].counts = klass;
	v[FL_M_ERROR_SAMPLES].samples = (const char *const (*)[FL_SAMPLES_MAX + 1])samples;
	v[FL_M_INJECTED].counts = inj;
	v[FL_M_INTERRUPTED].flag = false;
	v[FL_M_WALL].num = 0.0121;
	v[FL_M_THROUGHPUT].num = 260.44;
	v[FL_M_BYTES].num = 3072;
	v[FL_M_CONNECTIONS].num = 3;
	for (int k = 0; k < 14; k++)
		v[FL_M_LAT_MIN + k].num = lat[k];
	v[FL_M_CPU_USER].num = 0.028;
	v[FL_M_CPU_SYS].num = 0.006;
	v[FL_M_PEAK_RSS].num = 10224;
	v[FL_M_CTX_VOLUNTARY].num = 6;
	v[FL_M_CTX_INVOLUNTARY].num = 27;
	v[FL_M_THREADS].num = 1;
	v[FL_M_WORK_SPEC].str = "500us";
	v[FL_M_WORK_MEAN].num = 500;
	v[FL_M_WORK_NS_PER_STEP].num = 1.5;
	v[FL_M_WORK_OFF_THREAD].num = 5;
	v[FL_M_LAG_P50].num = 812;
	v[FL_M_LAG_P99].num = 41000;
	v[FL_M_LAG_MAX].num = 48125;
	v[FL_M_CLIENT_BUSY].num = 0.973;
	v[FL_M_STEADY].num = 271.5;
	v[FL_M_INFLIGHT_MEAN].num = 1.0;
	v[FL_M_INFLIGHT_PEAK].num = 1;
	v[FL_M_CONN_PEAK].num = 1;
	v[FL_M_CLIENT_BOUND].flag = true;
	v[FL_M_TLS].flag = true;
	v[FL_M_CONN_MODE].str = "fresh";
	v[FL_M_TLS_FULL].num = 4;
	v[FL_M_TLS_RESUMED].num = 1;
	for (int p = 0; p < 12; p++)   /* connect, tls, wait, transfer: mean p50 p99 */
		v[FL_M_CONNECT_MEAN + p].num = 100 * (p / 3 + 1) + p % 3;
}

static void test_json(struct tally *t)
{
	const char *samples[FL_CLASS_COUNT][FL_SAMPLES_MAX + 1] = {{NULL}};
	uint64_t klass[FL_CLASS_COUNT], inj[FL_FAULT_COUNT];
	union fl_value v[FL_M_COUNT], back[FL_M_COUNT];
	struct fl_json_tok tok[512];
	struct fl_json j;
	char *text = NULL, strings[256];
	const char *why = "";
	size_t len, at;
	double x = 0;
	FILE *f;

	sample_values(v, klass, inj, samples);
	f = open_memstream(&text, &len);
	fl_write_json(f, v);
	fclose(f);
	check(t, strcmp(text, json_want) == 0, "the JSON summary is\n%s\nwant\n%s",
	      text, json_want);
	if (!check(t, fl_json_parse(&j, text, strlen(text), tok, 512, &why, &at) == 0,
		   "the JSON summary does not parse: %s at %zu", why, at)) {
		free(text);
		return;
	}
	fl_read_json(&j, back, strings, sizeof strings);
	for (int i = 0; i < FL_M_COUNT; i++) {
		const struct fl_metric *m = &fl_metrics[i];

		if (m->json == NULL)
			continue;
		if (m->type == FL_NUM)
			check(t, fabs(back[i].num - v[i].num) <= 0.05 * fabs(v[i].num),
			      "%s read back %g, wrote %g", m->json, back[i].num, v[i].num);
		else if (m->type == FL_STR)
			check(t, back[i].str && strcmp(back[i].str, v[i].str) == 0,
			      "%s read back <%s>", m->json, back[i].str);
		else if (m->type == FL_U64)
			check(t, back[i].u64 == v[i].u64, "%s read back inexact", m->json);
	}
	check(t, fl_json_number(&j, "errors.recv", &x) == 0 && x == 2,
	      "errors.recv is %g", x);
	free(text);

	/* A string the user gave is escaped; absent figures are null. */
	text = NULL;
	v[FL_M_DELAY].str = "50\"ms\\";
	v[FL_M_WALL].num = NAN;
	f = open_memstream(&text, &len);
	fl_write_json(f, v);
	fclose(f);
	check(t, strstr(text, "\"delay\":\"50\\\"ms\\\\\"") && strstr(text, "\"wall_s\":null"),
	      "delay or wall_s written as %s", text);
	check(t, fl_json_parse(&j, text, strlen(text), tok, 512, &why, &at) == 0,
	      "escaped summary does not parse: %s", why);
	free(text);
}

static void test_summary_row(struct tally *t)
{
	const char *samples[FL_CLASS_COUNT][FL_SAMPLES_MAX + 1] = {{NULL}};
	uint64_t klass[FL_CLASS_COUNT], inj[FL_FAULT_COUNT];
	union fl_value v[FL_M_COUNT];
	char *text = NULL;
	size_t len;
	FILE *f;

	sample_values(v, klass, inj, samples);
	v[FL_M_REPEAT].num = 2;
	v[FL_M_ERRORS].num = 2;
	v[FL_M_DELAY_MEAN].num = 1000;
	v[FL_M_CPU_BASE].num = 0.0104;
	f = open_memstream(&text, &len);
	fl_write_summary_row(f, v);
	fclose(f);
	check(t, strcmp(text, "sync,1,0,1ms,1k,2,5,3,2,0.012,260.4,1287,3961,3961,"
			"3961,3961,2142,1295,3965,0.028000,0.006000,10224,6,27,1,1000,0.010400,500us,500.0,41000,0.973,271.5,1.0,1,1,1,fresh,4,1,100,200,300,400,3\n") == 0,
	      "summary row is %s", text);
	free(text);
}

static void test_reduce(struct tally *t)
{
	const double odd[] = {30, 10, 20}, even[] = {4, 1, 3, 2};
	double copy[4], scratch[4];

	memcpy(copy, odd, sizeof odd);
	check(t, fl_reduce(FL_R_MEDIAN, copy, 3, scratch) == 20, "median of 30,10,20");
	check(t, memcmp(copy, odd, sizeof odd) == 0, "median reordered its input");
	/* min and max of unsorted repeats, with no median computed first */
	check(t, fl_reduce(FL_R_MIN, odd, 3, scratch) == 10, "min of 30,10,20");
	check(t, fl_reduce(FL_R_MAX, odd, 3, scratch) == 30, "max of 30,10,20");
	check(t, fl_reduce(FL_R_MEDIAN, even, 4, scratch) == 2.5, "median of 4,1,3,2");
	check(t, fl_reduce(FL_R_SUM, even, 4, scratch) == 10, "sum of 4,1,3,2");
	check(t, fl_reduce(FL_R_FIRST, even, 4, scratch) == 4, "first of 4,1,3,2");
	check(t, fl_reduce(FL_R_COUNT, even, 4, scratch) == 4, "count of 4 values");
	check(t, isnan(fl_reduce(FL_R_MEDIAN, even, 0, scratch)), "median of none");
}

/* Whether SCRIPT reads the points.csv column NAME. */
static bool reads(const char *script, const char *name)
{
	char col[96], str[96];

	snprintf(col, sizeof col, "column(\"%s\")", name);
	snprintf(str, sizeof str, "strcol(\"%s\")", name);
	return strstr(script, col) || strstr(script, str);
}

/* Each column's .charts names exactly the scripts in PLOTS that read it. */
static void test_charts(struct tally *t, const char *plots)
{
	static const char *const scripts[] = {"common", "cpu", "efficiency", "latency",
					      "memory", "rate", "throughput"};

	for (size_t s = 0; s < sizeof scripts / sizeof scripts[0]; s++) {
		char path[512], *text = NULL;
		size_t cap = 0;
		FILE *f;

		snprintf(path, sizeof path, "%s/%s.gp", plots, scripts[s]);
		f = fopen(path, "r");
		if (!check(t, f != NULL, "cannot read %s", path))
			continue;
		check(t, getdelim(&text, &cap, '\0', f) > 0, "%s is empty", path);
		fclose(f);
		for (int c = 0; c < FL_P_COUNT && text; c++) {
			const char *list = fl_point_cols[c].charts ? fl_point_cols[c].charts : "";
			char word[64];
			bool listed = false;

			for (const char *w = list; *w; w += strspn(w, " ")) {
				size_t n = strcspn(w, " ");

				snprintf(word, sizeof word, "%.*s", (int)n, w);
				listed |= strcmp(word, scripts[s]) == 0;
				w += n;
			}
			check(t, listed == reads(text, fl_point_cols[c].name),
			      "%s.gp %s column %s, but its .charts is \"%s\"", scripts[s],
			      listed ? "does not read" : "reads", fl_point_cols[c].name, list);
		}
		free(text);
	}
}

/* The first code span with a comma after MARKER in the docs TEXT, its
 * blanks dropped ("a, b,\nc" -> "a,b,c"), into BUF of N bytes. Returns
 * false if none. */
static bool doc_list(const char *text, const char *marker, char *buf, size_t n)
{
	const char *p = strstr(text, marker), *end = NULL;
	size_t k = 0;

	for (p = p ? p + strlen(marker) : NULL; p && (p = strchr(p, '`')) != NULL;
	     p = end + 1)
		if ((end = strchr(++p, '`')) == NULL || memchr(p, ',', (size_t)(end - p)))
			break;
	if (p == NULL || end == NULL)
		return false;
	for (; p < end && k + 1 < n; p++)
		if (*p != ' ' && *p != '\n')
			buf[k++] = *p;
	buf[k] = '\0';
	return true;
}

/* docs/architecture.md lists the summary.csv and points.csv columns as
 * the writers print them: a column added to schema.c is added there. */
static void test_docs(struct tally *t, const char *plots)
{
	static const struct { const char *marker, *header; } lists[] = {
		{"**data/summary.csv**", summary_header},
		{"**data/points.csv**", points_header},
	};
	char path[512], list[2048], *text = NULL;
	size_t cap = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/../../docs/architecture.md", plots);
	f = fopen(path, "r");
	if (!check(t, f != NULL, "cannot read %s", path))
		return;
	check(t, getdelim(&text, &cap, '\0', f) > 0, "%s is empty", path);
	fclose(f);
	for (size_t i = 0; i < sizeof lists / sizeof lists[0] && text; i++) {
		size_t len = strlen(lists[i].header) - 1;   /* without its newline */

		if (check(t, doc_list(text, lists[i].marker, list, sizeof list),
			  "%s: no column list after %s", path, lists[i].marker))
			check(t, strlen(list) == len &&
				 strncmp(list, lists[i].header, len) == 0,
			      "%s lists %s as %s, but its header is %.*s", path,
			      lists[i].marker, list, (int)len, lists[i].header);
	}
	free(text);
}

int main(int argc, char **argv)
{
	struct tally t = {0};

	if (argc != 2) {
		fprintf(stderr, "usage: unit-schema PLOTS_DIR\n");
		return 2;
	}
	test_tables(&t);
	test_headers(&t);
	test_json(&t);
	test_summary_row(&t);
	test_reduce(&t);
	test_charts(&t, argv[1]);
	test_docs(&t, argv[1]);
	printf("unit-schema: %d passed, %d failed\n", t.passed, t.failed);
	return t.failed ? 1 : 0;
}
