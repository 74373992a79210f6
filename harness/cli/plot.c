/* plot.c - `fetchlab plot DIR`: the table and the charts, from DIR/data
 * alone, without running anything.
 *
 * DIR/data/summary.csv (one row per run, see compare.c) is reduced to
 * DIR/data/points.csv, one row per model, C and offered rate, column by
 * column as fl_point_cols (harness/lib/schema.c) declares them: which run
 * figure, reduced how over the repeats, in which unit, and what it means.
 * Then every NAME.gp of the plots directory but common.gp is run twice by
 * gnuplot, writing DIR/charts/NAME.svg and NAME.png: rate.gp when the data
 * has rate points, every other script when it has closed-loop points. A
 * chart the data cannot draw is removed, so no chart outlives its data.
 * The same data gives byte-identical charts: nothing here or in the
 * scripts reads the clock.
 */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "fetchlab/schema.h"

/* One row of summary.csv: one run, its figures by enum fl_metric_id. */
struct row {
	char model[32];
	double v[FL_M_COUNT];
};

/* One point: the repeats of one model at one C and rate, reduced to the
 * points.csv columns (enum fl_point_id). */
struct point {
	char model[32];
	double v[FL_P_COUNT];
};

/* What the table and the charts need, read from one summary. */
struct dataset {
	struct row *rows;           /* malloc'd, grown as the file is read */
	int nrows, cap;
	struct point *points;       /* at most one per row */
	int npoints;
	int nclosed, nrate;         /* closed-loop and rate points */
	/* The workload of the first closed-loop row [0] and rate row [1]. */
	char delay[2][64], size[2][64];
};

/* The gnuplot scripts: $FETCHLAB_PLOTS, else harness/plots of the source
 * tree that holds build/bin, else of the tree this driver was built from.
 * Returns 0, or -1 after a line naming where we looked. */
static int plots_dir(char *buf, size_t n)
{
	struct stat st;

	if (getenv("FETCHLAB_PLOTS")) {
		snprintf(buf, n, "%s", getenv("FETCHLAB_PLOTS"));
		if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
			return 0;
		fprintf(stderr, "fetchlab plot: FETCHLAB_PLOTS=%s is not a directory; "
			"point it at harness/plots or unset it\n", buf);
		return -1;
	}
	snprintf(buf, n, "%s/../../harness/plots", cli_bindir());
	if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	snprintf(buf, n, "%s/harness/plots", cli_source_dir());
	if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	fprintf(stderr, "fetchlab plot: no gnuplot scripts in %s or %s/../../harness/plots; "
		"set FETCHLAB_PLOTS to the source tree's harness/plots\n", buf,
		cli_bindir());
	return -1;
}

static int cmp_rows(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int d = cli_model_rank(x->model) - cli_model_rank(y->model);

	if (d == 0)
		d = strcmp(x->model, y->model);
	if (d == 0)
		d = (x->v[FL_M_RATE] > y->v[FL_M_RATE]) - (x->v[FL_M_RATE] < y->v[FL_M_RATE]);
	if (d == 0)
		d = (x->v[FL_M_CONCURRENCY] > y->v[FL_M_CONCURRENCY]) -
		    (x->v[FL_M_CONCURRENCY] < y->v[FL_M_CONCURRENCY]);
	if (d == 0)   /* the work axis (work-summary.csv): one point per work */
		d = (x->v[FL_M_WORK_MEAN] > y->v[FL_M_WORK_MEAN]) -
		    (x->v[FL_M_WORK_MEAN] < y->v[FL_M_WORK_MEAN]);
	return d;
}

/* A new row at the end of D->rows, grown when full. Returns NULL when
 * out of memory. */
static struct row *add_row(struct dataset *d)
{
	if (d->nrows == d->cap) {
		int cap = d->cap ? d->cap * 2 : 256;
		struct row *rows = realloc(d->rows, (size_t)cap * sizeof *rows);

		if (rows == NULL)
			return NULL;
		d->rows = rows;
		d->cap = cap;
	}
	return &d->rows[d->nrows++];
}

/* Read PATH into D->rows, each figure by its summary.csv column name (one
 * an older file lacks reads as 0), derived figures computed, sorted by
 * model, rate and C (closed-loop rows, rate 0, first). Returns 0, or 2
 * after a line saying what is wrong with the file. */
static int read_summary(const char *path, struct dataset *d)
{
	int idx[FL_M_COUNT], ncol = 0, rc = 0;
	char *line = NULL, *field[64];
	size_t cap = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		fprintf(stderr, "fetchlab plot: %s: cannot read it (%s); run "
			"fetchlab compare --out DIR first\n", path, strerror(errno));
		return 2;
	}
	for (int k = 0; k < FL_M_COUNT; k++)
		idx[k] = -1;
	while (rc == 0 && getline(&line, &cap, f) > 0) {
		int nf = 0;
		struct row *r;

		line[strcspn(line, "\r\n")] = '\0';
		for (char *p = line, *e; p && nf < 64; p = e ? e + 1 : NULL) {
			e = strchr(p, ',');
			if (e)
				*e = '\0';
			field[nf++] = p;
		}
		if (ncol == 0) {   /* the header: find the columns by name */
			ncol = nf;
			for (int j = 0; j < nf; j++)
				if (fl_metric_by_column(field[j]) >= 0)
					idx[fl_metric_by_column(field[j])] = j;
			if (idx[FL_M_MODEL] < 0 || idx[FL_M_CONCURRENCY] < 0 ||
			    idx[FL_M_DELAY] < 0 || idx[FL_M_SIZE] < 0) {
				fprintf(stderr, "fetchlab plot: %s: the header lacks a "
					"column we need (model, concurrency, delay, size); "
					"rerun fetchlab compare\n", path);
				rc = 2;
			}
			continue;
		}
		if (nf != ncol)
			continue;   /* a torn last line of an interrupted run */
		if ((r = add_row(d)) == NULL) {
			fprintf(stderr, "fetchlab plot: %s: no memory for row %d\n",
				path, d->nrows + 1);
			rc = 2;
			break;
		}
		snprintf(r->model, sizeof r->model, "%s", field[idx[FL_M_MODEL]]);
		for (int k = 0; k < FL_M_COUNT; k++)
			r->v[k] = idx[k] < 0 ? 0 : strtod(field[idx[k]], NULL);
		for (int k = 0; k < FL_M_COUNT; k++)
			if (fl_metrics[k].derive)
				r->v[k] = fl_metrics[k].derive(r->v);
		int open = r->v[FL_M_RATE] > 0;

		if (d->delay[open][0] == '\0') {
			snprintf(d->delay[open], sizeof d->delay[open], "%s",
				 field[idx[FL_M_DELAY]]);
			snprintf(d->size[open], sizeof d->size[open], "%s",
				 field[idx[FL_M_SIZE]]);
		}
	}
	free(line);
	fclose(f);
	if (rc == 0 && ncol == 0)
		fprintf(stderr, "fetchlab plot: %s: empty; rerun fetchlab compare\n", path);
	else if (rc == 0 && d->nrows == 0)
		fprintf(stderr, "fetchlab plot: %s: no runs in it; rerun fetchlab "
			"compare\n", path);
	if (rc != 0 || d->nrows == 0)
		return 2;
	qsort(d->rows, (size_t)d->nrows, sizeof d->rows[0], cmp_rows);
	return 0;
}

/* Column C of the point reducing the N rows R: the figure its column
 * declares, scaled, reduced as declared. VALS and SCRATCH hold N doubles. */
static double reduce_column(int c, const struct row *r, int n, double *vals,
			    double *scratch)
{
	const struct fl_point_col *col = &fl_point_cols[c];
	const struct fl_metric *m = &fl_metrics[col->metric];
	double x;

	for (int k = 0; k < n; k++)
		vals[k] = r[k].v[col->metric] * (col->scale ? col->scale : 1);
	x = fl_reduce(col->reduce ? col->reduce : m->reduce, vals, n, scratch);
	return col->positive && !(x > 0) ? NAN : x;   /* not above 0: unknown */
}

/* Reduce the runs of each model, rate and C to a point, column by column
 * as fl_point_cols declares them; then the marginal memory of a
 * closed-loop point, against the C = 1 point of its model. Returns 0, or
 * 2 after a line saying why. */
static int reduce(struct dataset *d)
{
	double *vals = malloc(2 * (size_t)d->nrows * sizeof *vals);

	d->points = malloc((size_t)d->nrows * sizeof *d->points);
	if (vals == NULL || d->points == NULL) {
		fprintf(stderr, "fetchlab plot: no memory for %d runs\n", d->nrows);
		free(vals);
		return 2;
	}
	d->npoints = d->nclosed = d->nrate = 0;
	for (int i = 0, j; i < d->nrows; i = j) {
		struct point *p = &d->points[d->npoints++];

		for (j = i; j < d->nrows && cmp_rows(&d->rows[j], &d->rows[i]) == 0; j++)
			;
		memcpy(p->model, d->rows[i].model, sizeof p->model);
		for (int c = 0; c < FL_P_COUNT; c++)
			p->v[c] = fl_point_cols[c].metric < 0 ? NAN :
				  reduce_column(c, &d->rows[i], j - i, vals, vals + d->nrows);
		for (int c = 0; c < FL_P_COUNT; c++)
			if (fl_point_cols[c].derive)
				p->v[c] = fl_point_cols[c].derive(p->v);
		if (p->v[FL_P_RATE] > 0)
			d->nrate++;
		else
			d->nclosed++;
	}
	free(vals);
	for (int i = 0; i < d->npoints; i++) {
		double *p = d->points[i].v;

		for (int k = 0; k < d->npoints && p[FL_P_CONCURRENCY] > 1 &&
		     p[FL_P_RATE] == 0; k++) {
			const double *one = d->points[k].v;

			if (one[FL_P_CONCURRENCY] == 1 && one[FL_P_RATE] == 0 &&
			    !strcmp(d->points[k].model, d->points[i].model))
				p[FL_P_MARGINAL] = (p[FL_P_PEAK_RSS] - one[FL_P_PEAK_RSS]) *
						   1024 / (p[FL_P_CONCURRENCY] - 1);
		}
	}
	return 0;
}

/* Write D's points to PATH. Returns 0, or 1 after a line saying why. */
static int write_points(const char *path, const struct dataset *d)
{
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		fprintf(stderr, "fetchlab plot: %s: cannot write it (%s)\n", path,
			strerror(errno));
		return 1;
	}
	fl_write_points_header(f);
	for (int i = 0; i < d->npoints; i++)
		fl_write_points_row(f, d->points[i].model, d->points[i].v);
	if (fclose(f) != 0) {   /* a full disk shows here */
		fprintf(stderr, "fetchlab plot: %s: write failed (%s); free some space\n",
			path, strerror(errno));
		return 1;
	}
	return 0;
}

/* " CLIENT-BOUND" for a point whose client was its limit, "" else. */
static const char *bound_mark(const double *v)
{
	return v[FL_P_CLIENT_BUSY] >= FL_CLIENT_BOUND ? "  CLIENT-BOUND" : "";
}

/* The line that says what the mark means, under a table that has one. */
static void bound_note(const struct dataset *d)
{
	for (int i = 0; i < d->npoints; i++)
		if (*bound_mark(d->points[i].v)) {
			printf("CLIENT-BOUND: the client kept %.0f%% or more of the cores "
			       "it can use busy; that point measures the client's limit, "
			       "not the model's\n", 100 * FL_CLIENT_BOUND);
			return;
		}
}

/* The width of the tables' model column: 10, or the longest name's
 * (python-threads) when D has one longer. */
static int name_width(const struct dataset *d)
{
	int w = 10;

	for (int i = 0; i < d->npoints; i++)
		if ((int)strlen(d->points[i].model) > w)
			w = (int)strlen(d->points[i].model);
	return w;
}

/* The closed-loop points: one line per model and C. */
static void print_table(const struct dataset *d)
{
	bool any_short = false;
	int w = name_width(d);

	if (d->nclosed == 0)
		return;
	printf("delay %s, size %s; req/s is the median of the repeats (min..max) over "
	       "the whole run, steady over its steady state; eff = steady / (C / delay)\n",
	       d->delay[0], d->size[0]);
	printf("%-*s %6s %9s %-19s %9s %7s %7s %5s %8s %7s %9s\n", w, "model", "C",
	       "req/s", " (spread)", "steady", "p50 ms", "p99 ms", "eff", "CPU ms",
	       "RSS", "KiB per");
	printf("%-*s %6s %9s %-19s %9s %7s %7s %5s %8s %7s %9s\n", w, "", "", "", "",
	       "req/s", "", "", "", "per req", "MiB", "in flight");
	for (int i = 0; i < d->npoints; i++) {
		const double *v = d->points[i].v;
		char spread[32], cpu[16] = "-", marginal[16] = "-", steady[16] = "-";
		char shortfall[32] = "";

		if (v[FL_P_RATE] > 0)
			continue;
		if (v[FL_P_STEADY] > 0)
			snprintf(steady, sizeof steady, "%.1f", v[FL_P_STEADY]);
		snprintf(spread, sizeof spread, " (%.1f..%.1f)", v[FL_P_THROUGHPUT_MIN],
			 v[FL_P_THROUGHPUT_MAX]);
		if (!isnan(v[FL_P_CPU_PER_REQ]))
			snprintf(cpu, sizeof cpu, "%.3f", v[FL_P_CPU_PER_REQ]);
		/* What one more request in flight costs: only where C of them
		 * were (the memory chart draws the same points). */
		if (!isnan(v[FL_P_MARGINAL]) && !(v[FL_P_INFLIGHT] < 0.9 * v[FL_P_CONCURRENCY]))
			snprintf(marginal, sizeof marginal, "%.1f", v[FL_P_MARGINAL]);
		/* C that the run never reached (sync's one request aside) */
		if (v[FL_P_INFLIGHT] < 0.9 * v[FL_P_CONCURRENCY] &&
		    strcmp(d->points[i].model, "sync") != 0)
			snprintf(shortfall, sizeof shortfall, "  IN FLIGHT %.0f",
				 v[FL_P_INFLIGHT]);
		printf("%-*s %6u %9.1f %-19s %9s %7.1f %7.1f %4.0f%% %8s %7.1f %9s%s%s%s\n", w,
		       d->points[i].model, (unsigned)v[FL_P_CONCURRENCY],
		       v[FL_P_THROUGHPUT], spread, steady, v[FL_P_P50], v[FL_P_P99],
		       v[FL_P_EFFICIENCY] * 100, cpu, v[FL_P_PEAK_RSS], marginal,
		       v[FL_P_ERRORS] > 0 ? "  ERRORS" : "", bound_mark(v), shortfall);
		any_short |= shortfall[0] != '\0';
	}
	bound_note(d);
	if (any_short)
		printf("IN FLIGHT n: the run kept only n requests in flight on average, "
		       "not C: its figures are for that concurrency\n");
}

/* The rate points: one line per model and offered rate, the latencies
 * from start (uncorrected) and from due (corrected) side by side. */
static void print_rate_table(const struct dataset *d)
{
	int w = name_width(d);

	if (d->nrate == 0)
		return;
	if (d->nclosed > 0)
		putchar('\n');
	printf("open loop, delay %s, size %s; achieved req/s = ok / wall time "
	       "(median of the repeats)\n", d->delay[1], d->size[1]);
	printf("%-*s %6s %9s %9s %9s %9s %10s %10s\n", w, "model", "C", "offered",
	       "achieved", "p50 ms", "p99 ms", "p50 ms", "p99 ms");
	printf("%-*s %6s %9s %9s %19s %21s\n", w, "", "", "req/s", "req/s",
	       "from start", "from due");
	for (int i = 0; i < d->npoints; i++) {
		const double *v = d->points[i].v;

		if (v[FL_P_RATE] <= 0)
			continue;
		printf("%-*s %6u %9g %9.1f %9.1f %9.1f %10.1f %10.1f%s%s%s\n", w,
		       d->points[i].model, (unsigned)v[FL_P_CONCURRENCY], v[FL_P_RATE],
		       v[FL_P_THROUGHPUT], v[FL_P_P50], v[FL_P_P99], v[FL_P_P50_DUE],
		       v[FL_P_P99_DUE], v[FL_P_ERRORS] > 0 ? "  ERRORS" : "",
		       v[FL_P_THROUGHPUT] < 0.95 * v[FL_P_RATE] ? "  BEHIND" : "",
		       bound_mark(v));
	}
	for (int i = 0; i < d->npoints; i++)
		if (d->points[i].v[FL_P_RATE] > 0 &&
		    d->points[i].v[FL_P_THROUGHPUT] < 0.95 * d->points[i].v[FL_P_RATE]) {
			printf("BEHIND: the run achieved less than 95%% of the offered "
			       "rate; its latencies from due keep growing with the run\n");
			break;
		}
}

/* The work axis: one line per model and CPU work per response. */
static void print_work_table(const struct dataset *w)
{
	int nw = name_width(w);

	if (w->npoints == 0)
		return;
	printf("\nwork axis: C = %.0f, delay %s, size %s; the client's CPU work per "
	       "response (--work)\n", w->points[0].v[FL_P_CONCURRENCY], w->delay[0],
	       w->size[0]);
	printf("%-*s %8s %9s %-19s %7s %7s %8s %9s\n", nw, "model", "work ms", "req/s",
	       " (spread)", "p50 ms", "p99 ms", "CPU ms", "loop lag");
	printf("%-*s %8s %9s %-19s %7s %7s %8s %9s\n", nw, "", "", "", "", "", "",
	       "per req", "p99 ms");
	for (int i = 0; i < w->npoints; i++) {
		const double *v = w->points[i].v;
		char spread[32], cpu[16] = "-", lag[16] = "-";

		snprintf(spread, sizeof spread, " (%.1f..%.1f)", v[FL_P_THROUGHPUT_MIN],
			 v[FL_P_THROUGHPUT_MAX]);
		if (!isnan(v[FL_P_CPU_PER_REQ]))
			snprintf(cpu, sizeof cpu, "%.3f", v[FL_P_CPU_PER_REQ]);
		if (v[FL_P_LAG_P99] > 0)
			snprintf(lag, sizeof lag, "%.1f", v[FL_P_LAG_P99]);
		printf("%-*s %8.2f %9.1f %-19s %7.1f %7.1f %8s %9s%s%s\n", nw,
		       w->points[i].model, v[FL_P_WORK], v[FL_P_THROUGHPUT], spread,
		       v[FL_P_P50], v[FL_P_P99], cpu, lag,
		       v[FL_P_ERRORS] > 0 ? "  ERRORS" : "", bound_mark(v));
	}
	bound_note(w);
}

/* The cores of the machine that measured DIR (its machine.txt), else of
 * this one: the cores / work bound of the work charts. */
static long machine_cores(const char *dir)
{
	char path[PATH_MAX], line[256];
	long cores = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/machine.txt", dir);
	if ((f = fopen(path, "r")) != NULL) {
		while (cores == 0 && fgets(line, sizeof line, f))
			if (sscanf(line, "cores: %ld", &cores) != 1)
				cores = 0;
		fclose(f);
	}
	return cores > 0 ? cores : sysconf(_SC_NPROCESSORS_ONLN);
}

/* Append word W to the space-separated list LIST of size N, once: points
 * are sorted by model, so a repeat is always the last word. */
static void add_word(char *list, size_t n, const char *w)
{
	size_t len = strlen(list), wl = strlen(w);

	if (len >= wl && strcmp(list + len - wl, w) == 0 &&
	    (len == wl || list[len - wl - 1] == ' '))
		return;
	snprintf(list + len, n - len, "%s%s", len ? " " : "", w);
}

/* The gnuplot variables every script gets: where the data is, the models
 * with closed-loop points, the workload, and the concurrency of the
 * spectrum chart (the largest C <= 100, else the smallest) with the models
 * that have its percentile file, the models that have a timeline, and how
 * many points have a marginal memory cost to draw; for rate.gp, the models
 * with rate points, their workload, C and mean delay. */
static void gp_vars(const char *dir, const struct dataset *d,
		    const struct dataset *w, const char *plots, char *buf, size_t n)
{
	char workmodels[512] = "", worknum[160];
	char models[512] = "", spec[512] = "", timeline[512] = "", path[PATH_MAX];
	char ratemodels[512] = "", workload[160], rateworkload[160], num[128];
	unsigned specc = 0, minc = UINT_MAX, nmarginal = 0, ratec = 0;
	double delay_ms = 0;

	for (int i = 0; i < d->npoints; i++) {
		const double *v = d->points[i].v;
		unsigned c = (unsigned)v[FL_P_CONCURRENCY];

		if (v[FL_P_RATE] > 0) {
			add_word(ratemodels, sizeof ratemodels, d->points[i].model);
			if (ratec == 0) {   /* a rate sweep runs every point at one C */
				ratec = c;
				delay_ms = c * 1e3 / v[FL_P_BOUND];
			}
			continue;
		}
		nmarginal += v[FL_P_MARGINAL] > 0;

		if (c <= 100 && c > specc)
			specc = c;
		if (c < minc)
			minc = c;
	}
	if (specc == 0 && minc != UINT_MAX)
		specc = minc;
	for (int i = 0; i < d->npoints; i++) {
		const char *m = d->points[i].model;

		if (d->points[i].v[FL_P_RATE] > 0 ||
		    (i > 0 && strcmp(m, d->points[i - 1].model) == 0))
			continue;   /* points are sorted by model: one visit each */
		add_word(models, sizeof models, m);
		snprintf(path, sizeof path, "%s/data/hdr/%s-c%u.csv", dir, m, specc);
		if (access(path, R_OK) == 0)
			add_word(spec, sizeof spec, m);
		snprintf(path, sizeof path, "%s/data/timeline-%s.csv", dir, m);
		if (access(path, R_OK) == 0)
			add_word(timeline, sizeof timeline, m);
	}
	snprintf(workload, sizeof workload, "delay %s, body %s", d->delay[0], d->size[0]);
	snprintf(rateworkload, sizeof rateworkload, "delay %s, body %s", d->delay[1],
		 d->size[1]);
	buf[0] = '\0';
	snprintf(path, sizeof path, "%s/data", dir);
	cli_gp_var(buf, n, "datadir", path);
	snprintf(path, sizeof path, "%s/charts", dir);
	cli_gp_var(buf, n, "outdir", path);
	cli_gp_var(buf, n, "plotsdir", plots);
	cli_gp_var(buf, n, "models", models);
	cli_gp_var(buf, n, "specmodels", spec);
	cli_gp_var(buf, n, "tlmodels", timeline);
	cli_gp_var(buf, n, "workload", workload);
	cli_gp_var(buf, n, "ratemodels", ratemodels);
	cli_gp_var(buf, n, "rateworkload", rateworkload);
	snprintf(num, sizeof num, "specc=%u; nmarginal=%u; ratec=%u; delayms=%g; ",
		 specc, nmarginal, ratec, delay_ms);
	snprintf(buf + strlen(buf), n - strlen(buf), "%s", num);
	if (w->npoints == 0)
		return;
	for (int i = 0; i < w->npoints; i++)
		add_word(workmodels, sizeof workmodels, w->points[i].model);
	cli_gp_var(buf, n, "workmodels", workmodels);
	cli_gp_var(buf, n, "workdelay", w->delay[0]);
	snprintf(worknum, sizeof worknum, "workc=%.0f; workdelay_s=%g; cores=%ld; ",
		 w->points[0].v[FL_P_CONCURRENCY],
		 w->points[0].v[FL_P_CONCURRENCY] / w->points[0].v[FL_P_BOUND],
		 machine_cores(dir));
	snprintf(buf + strlen(buf), n - strlen(buf), "%s", worknum);
}

int cli_gnuplot(const char *vars, const char *name, const char *fmt,
		const char *script, const char *log)
{
	char e[8192], colours[1024], peers[256];
	char *argv[] = {"gnuplot", "-e", e, (char *)script, NULL};
	struct spawn s = {.argv = argv, .err_file = log, .null_stdin = true};
	int rc;

	cli_model_colours(colours, sizeof colours);
	snprintf(e, sizeof e, "%s", vars);
	cli_gp_var(e, sizeof e, "colours", colours);
	cli_model_names(peers, sizeof peers, true, " ");
	cli_gp_var(e, sizeof e, "peers", peers);
	snprintf(e + strlen(e), sizeof e - strlen(e), "name='%s'; fmt='%s'", name, fmt);
	rc = spawn_run(&s);
	return rc < 0 ? 127 : rc;
}

static int is_chart_script(const struct dirent *e)
{
	size_t len = strlen(e->d_name);

	return len > 3 && strcmp(e->d_name + len - 3, ".gp") == 0 &&
	       strcmp(e->d_name, "common.gp") != 0;
}

/* Whether the data has the points the chart NAME draws: rate.gp the rate
 * points, work*.gp the work axis (W), every other script the closed-loop
 * points. */
static bool has_points(const struct dataset *d, const struct dataset *w,
		       const char *name)
{
	if (strncmp(name, "work", 4) == 0)
		return w->npoints > 0;
	return strcmp(name, "rate") == 0 ? d->nrate > 0 : d->nclosed > 0;
}

/* The charts that need more than the summary CSVs, and what: NULL when
 * NAME's chart can be drawn from DIR, else why not (for a line). */
static const char *missing_data(const char *dir, const char *name)
{
	static const struct { const char *chart, *files, *why; } needs[] = {
		{"spectrum", "data/hdr/*-c*.csv", "no data/hdr/MODEL-cC.csv (compare's "
		 "--hdr files of a concurrency sweep)"},
		{"timeline", "data/timeline-*.csv", "no data/timeline-MODEL.csv (compare's "
		 "timeline runs, made after the sweep)"},
		{"connections", "data/connections-summary.csv", "no data/connections-summary.csv "
		 "(compare's connections axis; --quick leaves it out, --connections-axis adds it)"},
	};
	char pattern[PATH_MAX];
	glob_t g;

	for (size_t i = 0; i < sizeof needs / sizeof needs[0]; i++) {
		int rc;

		if (strcmp(name, needs[i].chart) != 0)
			continue;
		snprintf(pattern, sizeof pattern, "%s/%s", dir, needs[i].files);
		rc = glob(pattern, 0, NULL, &g);
		globfree(&g);
		return rc == 0 ? NULL : needs[i].why;
	}
	return NULL;
}

/* Draw every chart of the plots directory that D has points for into
 * DIR/charts, and remove the others' files, left by an earlier sweep. */
static int draw(const char *dir, const char *shown, const struct dataset *d,
		const struct dataset *w)
{
	static char vars[8192];   /* one driver thread */
	char plots[PATH_MAX], script[PATH_MAX * 2], name[256], old[PATH_MAX * 2];
	struct dirent **list;
	int n, failed = 0, drawn = 0, skipped = 0;

	if (plots_dir(plots, sizeof plots) < 0)
		return 1;
	n = scandir(plots, &list, is_chart_script, alphasort);
	if (n <= 0) {
		fprintf(stderr, "fetchlab plot: no NAME.gp chart scripts in %s\n", plots);
		return 1;
	}
	gp_vars(dir, d, w, plots, vars, sizeof vars);
	for (int i = 0; i < n; i++) {
		snprintf(script, sizeof script, "%s/%s", plots, list[i]->d_name);
		snprintf(name, sizeof name, "%.*s", (int)strlen(list[i]->d_name) - 3,
			 list[i]->d_name);
		const char *why = has_points(d, w, name) ? missing_data(dir, name) : "";

		if (why != NULL) {   /* "": nothing of this kind measured, say nothing */
			if (why[0] != '\0') {
				fprintf(stderr, "fetchlab plot: skipped %s: %s\n", name, why);
				skipped++;
			}
			for (int f = 0; f < 2; f++) {
				snprintf(old, sizeof old, "%s/charts/%s.%s", dir, name,
					 f ? "png" : "svg");
				unlink(old);   /* ENOENT: nothing to remove */
			}
			free(list[i]);
			continue;
		}
		drawn++;
		for (int f = 0, bad = 0; f < 2 && !bad; f++) {
			int rc = cli_gnuplot(vars, name, f ? "png" : "svg", script, NULL);

			if (rc == 127) {
				fprintf(stderr, "fetchlab plot: cannot run gnuplot; install "
					"it (Debian: apt-get install gnuplot-nox)\n");
				failed = bad = 1;
			} else if (rc != 0) {
				fprintf(stderr, "fetchlab plot: gnuplot failed on %s "
					"(exit status %d); the data is in %s/data\n",
					script, rc, shown);
				failed = bad = 1;
			}
		}
		free(list[i]);
	}
	free(list);
	if (!failed)
		fprintf(stderr, "fetchlab plot: %d charts in %s/charts (svg, png)%s\n",
			drawn, shown, skipped ? "; the skipped ones are named above" : "");
	return failed;
}

/* True if the CSV at PATH has a row below its header. */
static bool has_rows(const char *path)
{
	FILE *f = fopen(path, "r");
	int c, lines = 0;
	bool text = false;

	if (f == NULL)
		return false;
	while (!text && (c = getc(f)) != EOF)
		if (c == '\n')
			lines++;
		else if (lines >= 1)
			text = true;   /* a character below the header */
	fclose(f);
	return text;
}

/* Reduce DIR/data/NAME.csv into D and write D's points beside it
 * (summary.csv -> points.csv, work-summary.csv -> work-points.csv). A work
 * summary with no run (a compare stopped before its work axis leaves only
 * the header) removes an earlier sweep's points instead. Returns 0, or 1 or
 * 2 after a line saying why. */
static int reduce_file(const char *dir, const char *name, struct dataset *d)
{
	char path[PATH_MAX];
	bool work = strcmp(name, "summary") != 0;
	int rc;

	snprintf(path, sizeof path, "%s/data/%s.csv", dir, name);
	if (work && !has_rows(path)) {
		snprintf(path, sizeof path, "%s/data/work-points.csv", dir);
		unlink(path);   /* an earlier sweep's: no work axis now */
		return 0;
	}
	if ((rc = read_summary(path, d)) != 0 || (rc = reduce(d)) != 0)
		return rc;
	snprintf(path, sizeof path, "%s/data/%spoints.csv", dir, work ? "work-" : "");
	return write_points(path, d) != 0 ? 1 : 0;
}

/* The table and charts of DIR from D, read from DIR/data/summary.csv, and
 * W, the work axis, from DIR/data/work-summary.csv when it has runs. */
static int plot(const char *dir, const char *shown, bool table, struct dataset *d,
		struct dataset *w)
{
	char path[PATH_MAX];
	int rc;

	rc = reduce_file(dir, "summary", d);
	if (rc == 0)
		rc = reduce_file(dir, "work-summary", w);
	if (rc != 0)
		return rc;
	if (table) {
		print_table(d);
		print_rate_table(d);
		print_work_table(w);
	}
	fflush(stdout);
	snprintf(path, sizeof path, "%s/charts", dir);
	if (mkdir(path, 0777) < 0 && errno != EEXIST) {
		fprintf(stderr, "fetchlab plot: %s: cannot create it (%s)\n", path,
			strerror(errno));
		return 2;
	}
	return draw(dir, shown, d, w);
}

int cli_plot(const char *dir, bool table, const char *shown)
{
	struct dataset d = {0}, w = {0};
	int rc = plot(dir, shown ? shown : dir, table, &d, &w);

	free(d.rows);
	free(d.points);
	free(w.rows);
	free(w.points);
	return rc;
}

int cmd_plot(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: fetchlab plot DIR\n"
		       "Redraw the table and every chart of DIR (a fetchlab compare\n"
		       "--out) from DIR/data alone: DIR/data/points.csv, DIR/charts.\n");
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "fetchlab plot: name one results directory, e.g. "
			"fetchlab plot results\n");
		return 2;
	}
	return cli_plot(argv[1], true, NULL);
}
