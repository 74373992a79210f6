/* plot.c - `fetchlab plot DIR`: the table and the charts, from DIR/data
 * alone, without running anything.
 *
 * DIR/data/summary.csv (one row per run, see compare.c) is reduced to
 * DIR/data/points.csv, one row per model, C and offered rate:
 *   model, concurrency, rate, repeats   rate 0: a closed-loop point
 *   throughput_rps, throughput_min, throughput_max   median and spread (req/s);
 *                         at a rate point, the achieved rate
 *   p50_ms, p99_ms        median latencies, end - start
 *   p50_due_ms, p99_due_ms  median latencies, end - due: with queueing
 *   efficiency            throughput x mean delay / C: the share of the
 *                         Little's-law bound the model reached
 *   cpu_ms_per_req        (user + sys - cpu_base) / (requests - 1): CPU time
 *                         per request, the model's start-up cost taken out
 *                         (empty when not above 0: lost in start-up's noise)
 *   peak_rss_mib          peak resident set
 *   marginal_kib          (RSS at C - RSS at 1) / (C - 1): the memory one more
 *                         request in flight costs (empty at C = 1 and at a
 *                         rate point)
 *   bound_rps             C / mean delay
 *   errors                failed requests, summed over the repeats
 * Then every NAME.gp of the plots directory but common.gp is run twice by
 * gnuplot, writing DIR/charts/NAME.svg and NAME.png: rate.gp when the data
 * has rate points, every other script when it has closed-loop points. A
 * chart the data cannot draw is removed, so no chart outlives its data.
 * The same data gives byte-identical charts: nothing here or in the
 * scripts reads the clock.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

#define MAX_ROWS 4096

/* The summary columns a point is made of, by name. */
enum col { C_CONC, C_REQ, C_ERR, C_TPUT, C_P50, C_P99, C_USER, C_SYS,
	   C_RSS, C_DELAY, C_BASE, C_RATE, C_P50_DUE, C_P99_DUE, NCOLS };
static const char *const col_names[NCOLS] = {
	"concurrency", "requests", "errors", "throughput_rps", "p50_us", "p99_us",
	"cpu_user_s", "cpu_sys_s", "peak_rss_kib", "delay_mean_us", "cpu_base_s",
	"rate", "p50_due_us", "p99_due_us",
};
#define C_OPTIONAL C_BASE   /* this column and the ones after: older files lack them */

/* One row of summary.csv: one run. */
struct row {
	char model[32];
	double v[NCOLS];
};

/* One point: the repeats of one model at one C and rate, reduced. */
struct point {
	char model[32];
	unsigned c, repeats;
	double rate;   /* offered req/s; 0: closed loop */
	double tput, tput_min, tput_max, p50_ms, p99_ms, p50_due_ms, p99_due_ms;
	double eff, cpu_ms, rss_mib, marginal_kib, bound, errors;
};

/* What the table and the charts need, read from one summary. */
struct dataset {
	struct row rows[MAX_ROWS];
	int nrows;
	struct point points[MAX_ROWS];
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
		d = (x->v[C_RATE] > y->v[C_RATE]) - (x->v[C_RATE] < y->v[C_RATE]);
	if (d == 0)
		d = (x->v[C_CONC] > y->v[C_CONC]) - (x->v[C_CONC] < y->v[C_CONC]);
	return d;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of N values (sorted in place): the middle one, or the mean
 * of the middle two. */
static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof v[0], cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Read PATH into D->rows, by column name, sorted by model, rate and C
 * (closed-loop rows, rate 0, first). Returns 0,
 * or 2 after a line saying what is wrong with the file. */
static int read_summary(const char *path, struct dataset *d)
{
	int idx[NCOLS], i_model = -1, i_delay = -1, i_size = -1, ncol = 0;
	char *line = NULL, *field[64];
	size_t cap = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		fprintf(stderr, "fetchlab plot: %s: cannot read it (%s); run "
			"fetchlab compare --out DIR first\n", path, strerror(errno));
		return 2;
	}
	for (int k = 0; k < NCOLS; k++)
		idx[k] = -1;
	while (getline(&line, &cap, f) > 0) {
		int nf = 0;

		line[strcspn(line, "\r\n")] = '\0';
		for (char *p = line, *e; p && nf < 64; p = e ? e + 1 : NULL) {
			e = strchr(p, ',');
			if (e)
				*e = '\0';
			field[nf++] = p;
		}
		if (ncol == 0) {   /* the header: find our columns by name */
			ncol = nf;
			for (int j = 0; j < nf; j++) {
				for (int k = 0; k < NCOLS; k++)
					if (strcmp(field[j], col_names[k]) == 0)
						idx[k] = j;
				i_model = strcmp(field[j], "model") ? i_model : j;
				i_delay = strcmp(field[j], "delay") ? i_delay : j;
				i_size = strcmp(field[j], "size") ? i_size : j;
			}
			for (int k = 0; k < NCOLS; k++)
				if (idx[k] < 0 && k < C_OPTIONAL)
					i_model = -1;
			if (i_model < 0 || i_delay < 0 || i_size < 0)
				break;
			continue;
		}
		if (nf != ncol || d->nrows == MAX_ROWS)
			continue;   /* a torn last line of an interrupted run */
		struct row *r = &d->rows[d->nrows++];

		snprintf(r->model, sizeof r->model, "%s", field[i_model]);
		for (int k = 0; k < NCOLS; k++)
			r->v[k] = idx[k] < 0 ? 0 : strtod(field[idx[k]], NULL);
		int open = r->v[C_RATE] > 0;

		if (d->delay[open][0] == '\0') {
			snprintf(d->delay[open], sizeof d->delay[open], "%s", field[i_delay]);
			snprintf(d->size[open], sizeof d->size[open], "%s", field[i_size]);
		}
	}
	free(line);
	fclose(f);
	if (i_model < 0 || i_delay < 0 || i_size < 0) {
		fprintf(stderr, "fetchlab plot: %s: the header lacks a column we need "
			"(model, delay, size, %s, ...); rerun fetchlab compare\n", path,
			col_names[0]);
		return 2;
	}
	if (d->nrows == 0) {
		fprintf(stderr, "fetchlab plot: %s: no runs in it; rerun fetchlab "
			"compare\n", path);
		return 2;
	}
	qsort(d->rows, (size_t)d->nrows, sizeof d->rows[0], cmp_rows);
	return 0;
}

/* Reduce the runs of each model, rate and C to a point; then the marginal
 * memory of a closed-loop point, against the C = 1 point of its model. */
static void reduce(struct dataset *d)
{
	static double tput[MAX_ROWS], p50[MAX_ROWS], p99[MAX_ROWS], cpu[MAX_ROWS],
		rss[MAX_ROWS], p50d[MAX_ROWS], p99d[MAX_ROWS];   /* scratch: one group's values */

	d->npoints = d->nclosed = d->nrate = 0;
	for (int i = 0, j; i < d->nrows; i = j) {
		struct point *p = &d->points[d->npoints++];
		const struct row *r = &d->rows[i];
		int n = 0;

		*p = (struct point){.c = (unsigned)r->v[C_CONC], .rate = r->v[C_RATE]};
		memcpy(p->model, r->model, sizeof p->model);
		for (j = i; j < d->nrows && cmp_rows(&d->rows[j], r) == 0; j++, n++) {
			const double *v = d->rows[j].v;

			tput[n] = v[C_TPUT];
			p50[n] = v[C_P50] / 1e3;
			p99[n] = v[C_P99] / 1e3;
			p50d[n] = v[C_P50_DUE] / 1e3;
			p99d[n] = v[C_P99_DUE] / 1e3;
			cpu[n] = fmax(0, v[C_USER] + v[C_SYS] - v[C_BASE]) * 1e3 /
				 fmax(1, v[C_REQ] - 1);
			rss[n] = v[C_RSS];
			p->errors += v[C_ERR];
		}
		p->repeats = (unsigned)n;
		p->tput = median(tput, n);
		p->tput_min = tput[0];
		p->tput_max = tput[n - 1];
		p->p50_ms = median(p50, n);
		p->p99_ms = median(p99, n);
		p->p50_due_ms = median(p50d, n);
		p->p99_due_ms = median(p99d, n);
		p->cpu_ms = median(cpu, n);
		if (p->cpu_ms <= 0)
			p->cpu_ms = NAN;   /* below start-up's noise: unknown, not 0 */
		p->rss_mib = median(rss, n) / 1024;
		p->bound = p->c * 1e6 / r->v[C_DELAY];
		p->eff = p->tput / p->bound;
		p->marginal_kib = NAN;
		if (p->rate > 0)
			d->nrate++;
		else
			d->nclosed++;
	}
	for (int i = 0; i < d->npoints; i++) {
		struct point *p = &d->points[i];

		for (int k = 0; k < d->npoints && p->c > 1 && p->rate == 0; k++)
			if (d->points[k].c == 1 && d->points[k].rate == 0 &&
			    !strcmp(d->points[k].model, p->model))
				p->marginal_kib = (p->rss_mib - d->points[k].rss_mib) *
						  1024 / (p->c - 1);
	}
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
	fprintf(f, "model,concurrency,rate,repeats,throughput_rps,throughput_min,"
		"throughput_max,p50_ms,p99_ms,p50_due_ms,p99_due_ms,efficiency,"
		"cpu_ms_per_req,peak_rss_mib,marginal_kib,bound_rps,errors\n");
	for (int i = 0; i < d->npoints; i++) {
		const struct point *p = &d->points[i];

		fprintf(f, "%s,%u,%g,%u,%.1f,%.1f,%.1f,%.3f,%.3f,%.3f,%.3f,%.4f,",
			p->model, p->c, p->rate, p->repeats, p->tput, p->tput_min,
			p->tput_max, p->p50_ms, p->p99_ms, p->p50_due_ms,
			p->p99_due_ms, p->eff);
		if (!isnan(p->cpu_ms))
			fprintf(f, "%.4f", p->cpu_ms);
		fprintf(f, ",%.2f,", p->rss_mib);
		if (!isnan(p->marginal_kib))
			fprintf(f, "%.2f", p->marginal_kib);
		fprintf(f, ",%.1f,%.0f\n", p->bound, p->errors);
	}
	return fclose(f) == 0 ? 0 : 1;
}

/* The closed-loop points: one line per model and C. */
static void print_table(const struct dataset *d)
{
	if (d->nclosed == 0)
		return;
	printf("delay %s, size %s; req/s is the median of the repeats (min..max)\n",
	       d->delay[0], d->size[0]);
	printf("%-10s %6s %9s %-19s %7s %7s %5s %8s %7s %9s\n", "model", "C",
	       "req/s", " (spread)", "p50 ms", "p99 ms", "eff", "CPU ms", "RSS",
	       "KiB per");
	printf("%-10s %6s %9s %-19s %7s %7s %5s %8s %7s %9s\n", "", "", "", "",
	       "", "", "", "per req", "MiB", "in flight");
	for (int i = 0; i < d->npoints; i++) {
		const struct point *p = &d->points[i];
		char spread[32], cpu[16] = "-", marginal[16] = "-";

		if (p->rate > 0)
			continue;

		snprintf(spread, sizeof spread, " (%.1f..%.1f)", p->tput_min, p->tput_max);
		if (!isnan(p->cpu_ms))
			snprintf(cpu, sizeof cpu, "%.3f", p->cpu_ms);
		if (!isnan(p->marginal_kib))
			snprintf(marginal, sizeof marginal, "%.1f", p->marginal_kib);
		printf("%-10s %6u %9.1f %-19s %7.1f %7.1f %4.0f%% %8s %7.1f %9s%s\n",
		       p->model, p->c, p->tput, spread, p->p50_ms, p->p99_ms,
		       p->eff * 100, cpu, p->rss_mib, marginal,
		       p->errors > 0 ? "  ERRORS" : "");
	}
}

/* The rate points: one line per model and offered rate, the latencies
 * from start (uncorrected) and from due (corrected) side by side. */
static void print_rate_table(const struct dataset *d)
{
	if (d->nrate == 0)
		return;
	if (d->nclosed > 0)
		putchar('\n');
	printf("open loop, delay %s, size %s; achieved req/s = ok / wall time "
	       "(median of the repeats)\n", d->delay[1], d->size[1]);
	printf("%-10s %6s %9s %9s %9s %9s %10s %10s\n", "model", "C", "offered",
	       "achieved", "p50 ms", "p99 ms", "p50 ms", "p99 ms");
	printf("%-10s %6s %9s %9s %19s %21s\n", "", "", "req/s", "req/s",
	       "from start", "from due");
	for (int i = 0; i < d->npoints; i++) {
		const struct point *p = &d->points[i];

		if (p->rate <= 0)
			continue;
		printf("%-10s %6u %9g %9.1f %9.1f %9.1f %10.1f %10.1f%s\n", p->model,
		       p->c, p->rate, p->tput, p->p50_ms, p->p99_ms, p->p50_due_ms,
		       p->p99_due_ms, p->errors > 0 ? "  ERRORS" : "");
	}
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
static void gp_vars(const char *dir, const struct dataset *d, const char *plots,
		    char *buf, size_t n)
{
	char models[512] = "", spec[512] = "", timeline[512] = "", path[PATH_MAX];
	char ratemodels[512] = "", workload[160], rateworkload[160], num[128];
	unsigned specc = 0, minc = UINT_MAX, nmarginal = 0, ratec = 0;
	double delay_ms = 0;

	for (int i = 0; i < d->npoints; i++) {
		const struct point *p = &d->points[i];
		unsigned c = p->c;

		if (p->rate > 0) {
			add_word(ratemodels, sizeof ratemodels, p->model);
			if (ratec == 0) {   /* a rate sweep runs every point at one C */
				ratec = c;
				delay_ms = c * 1e3 / p->bound;
			}
			continue;
		}
		nmarginal += p->marginal_kib > 0;

		if (c <= 100 && c > specc)
			specc = c;
		if (c < minc)
			minc = c;
	}
	if (specc == 0 && minc != UINT_MAX)
		specc = minc;
	for (int i = 0; i < d->npoints; i++) {
		const char *m = d->points[i].model;

		if (d->points[i].rate > 0 ||
		    (i > 0 && strcmp(m, d->points[i - 1].model) == 0))
			continue;   /* points are sorted by model: one visit each */
		add_word(models, sizeof models, m);
		snprintf(path, sizeof path, "%s/data/hdr/%s-c%u.csv", dir, m, specc);
		if (access(path, R_OK) == 0)
			snprintf(spec + strlen(spec), sizeof spec - strlen(spec),
				 "%s%s", spec[0] ? " " : "", m);
		snprintf(path, sizeof path, "%s/data/timeline-%s.csv", dir, m);
		if (access(path, R_OK) == 0)
			snprintf(timeline + strlen(timeline),
				 sizeof timeline - strlen(timeline), "%s%s",
				 timeline[0] ? " " : "", m);
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
}

int cli_gnuplot(const char *vars, const char *name, const char *fmt,
		const char *script, const char *log)
{
	char e[8192], colours[1024];
	char *argv[] = {"gnuplot", "-e", e, (char *)script, NULL};
	struct spawn s = {.argv = argv, .err_file = log, .null_stdin = true};
	int rc;

	cli_model_colours(colours, sizeof colours);
	snprintf(e, sizeof e, "%s", vars);
	cli_gp_var(e, sizeof e, "colours", colours);
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

/* Whether D has the points the chart NAME draws: rate.gp the rate points,
 * every other script the closed-loop points. */
static bool has_points(const struct dataset *d, const char *name)
{
	return strcmp(name, "rate") == 0 ? d->nrate > 0 : d->nclosed > 0;
}

/* Draw every chart of the plots directory that D has points for into
 * DIR/charts, and remove the others' files, left by an earlier sweep. */
static int draw(const char *dir, const struct dataset *d)
{
	static char vars[8192];   /* one driver thread */
	char plots[PATH_MAX], script[PATH_MAX * 2], name[256], old[PATH_MAX * 2];
	struct dirent **list;
	int n, failed = 0, drawn = 0;

	if (plots_dir(plots, sizeof plots) < 0)
		return 1;
	n = scandir(plots, &list, is_chart_script, alphasort);
	if (n <= 0) {
		fprintf(stderr, "fetchlab plot: no NAME.gp chart scripts in %s\n", plots);
		return 1;
	}
	gp_vars(dir, d, plots, vars, sizeof vars);
	for (int i = 0; i < n; i++) {
		snprintf(script, sizeof script, "%s/%s", plots, list[i]->d_name);
		snprintf(name, sizeof name, "%.*s", (int)strlen(list[i]->d_name) - 3,
			 list[i]->d_name);
		if (!has_points(d, name)) {
			for (int f = 0; f < 2; f++) {
				snprintf(old, sizeof old, "%s/charts/%s.%s", dir, name,
					 f ? "png" : "svg");
				unlink(old);   /* ENOENT: nothing to remove */
			}
			free(list[i]);
			continue;
		}
		drawn++;
		for (int f = 0; f < 2 && !failed; f++) {
			int rc = cli_gnuplot(vars, name, f ? "png" : "svg", script, NULL);

			if (rc == 127) {
				fprintf(stderr, "fetchlab plot: cannot run gnuplot; install "
					"it (Debian: apt-get install gnuplot-nox)\n");
				failed = 1;
			} else if (rc != 0) {
				fprintf(stderr, "fetchlab plot: gnuplot failed on %s "
					"(exit status %d); the data is in %s/data\n",
					script, rc, dir);
				failed = 1;
			}
		}
		free(list[i]);
	}
	free(list);
	if (!failed)
		fprintf(stderr, "fetchlab plot: %d charts in %s/charts (svg, png)\n",
			drawn, dir);
	return failed;
}

int cli_plot(const char *dir, bool table)
{
	static struct dataset d;   /* large; the driver is one thread */
	char path[PATH_MAX];
	int rc;

	snprintf(path, sizeof path, "%s/data/summary.csv", dir);
	rc = read_summary(path, &d);
	if (rc != 0)
		return rc;
	reduce(&d);
	snprintf(path, sizeof path, "%s/data/points.csv", dir);
	if (write_points(path, &d) != 0)
		return 1;
	if (table) {
		print_table(&d);
		print_rate_table(&d);
	}
	fflush(stdout);
	snprintf(path, sizeof path, "%s/charts", dir);
	if (mkdir(path, 0777) < 0 && errno != EEXIST) {
		fprintf(stderr, "fetchlab plot: %s: cannot create it (%s)\n", path,
			strerror(errno));
		return 2;
	}
	return draw(dir, &d);
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
	return cli_plot(argv[1], true);
}
