/* bench.c - `fetchlab bench`: our models, server and coroutines against
 * their references (the Python peers, the curl tool, nginx), as one table
 * of ratios with their targets.
 *
 * Every ratio is measured side by side in the same run: the runs of both
 * sides alternate (A B A B A B) and each side's median is taken, so the
 * load of a shared machine falls on both alike. The table goes to stdout
 * and, with the machine it was measured on, to --out (Markdown).
 *
 * The suites:
 *   models  fetch-* against harness/peers/python-*: throughput at zero
 *           delay and C = 100, with CPU per request under it (and
 *           instructions per request for coroutine / eventloop,
 *           harness/bench/instructions.sh); efficiency (throughput x delay / C) at 50 ms
 *           and C = 1000; marginal memory per in-flight request,
 *           (peak RSS at C = 1000 - peak RSS at C = 1) / 999, the same N at
 *           both points (the C = 1 runs use zero delay: the RSS of a
 *           one-at-a-time run does not depend on how long each one waits)
 *   curl    fetch-eventloop against curl --parallel: harness/bench/
 *           eventloop_vs_curl.sh
 *   loop    fetch-eventloop's efficiency at the two points of its targets (C = 1000
 *           at 50 ms, C = 10,000 at 1 s), wrk beside it for the same time:
 *           harness/bench/efficiency.sh (about 5 minutes)
 *   server  fetchlab-server against nginx under wrk: harness/bench/server.sh
 *   tls     fetchlab-server --tls against nginx (ssl) under wrk over https,
 *           kept-alive and with a full handshake per connection:
 *           harness/bench/tls.sh; then what a connection costs the
 *           clients: every concurrent model at C = 100, zero delay, over
 *           https, --connections fresh against reuse (about 3 minutes)
 *   coro    the coroutine switch, asm against ucontext backend
 *   cpuwork concurrency is not parallelism: CPU work per response (--work
 *           500us, C = 100, 5 ms), the models that spread it over the cores
 *           against the event loop that cannot, the Python peers under the
 *           GIL, and each model's CPU per request against the work asked:
 *           harness/bench/cpuwork.sh (about 3 minutes)
 * The scripts print "RESULT KEY VALUE" and "SKIP KEY REASON" lines, which
 * are parsed here; everything else they print is passed on to stderr.
 *
 * A reference that cannot run here (no aiohttp, curl, wrk, nginx) makes its
 * rows say "skipped: REASON"; that is not an error. A run that fails is:
 * its rows say so and the exit status is 1.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define MAX_ROWS   80
#define MAX_ROUNDS 5     /* runs per side; noise on a shared machine needs them */
#define SERVER_ROUNDS 3  /* server.sh runs last 5-10 s each: 3 keep it near 2 min */

enum suite { S_MODELS, S_CURL, S_LOOP, S_SERVER, S_TLS, S_CORO, S_CPUWORK, NSUITES };
static const char *const suite_names[NSUITES] = {"models", "curl", "loop", "server",
						 "tls", "coro", "cpuwork"};

/* What a row's target constrains. */
enum goal {
	G_NONE,        /* shown for context, no target */
	G_RATIO_MIN,   /* ours / theirs >= v */
	G_RATIO_MAX,   /* ours / theirs <= v */
	G_OURS_MAX,    /* ours <= v */
	G_OURS_BELOW,  /* ours < v */
	G_OURS_MIN,    /* ours >= v */
	G_RATIO_NEAR,  /* |ours / theirs - 1| <= v */
};

/* One line of the table, its cells formatted. */
struct row {
	char what[100], ours[96], theirs[48], ratio[16], target[24], met[40];
	enum suite suite;
};

struct bench {
	bool suite[NSUITES];
	bool quick;        /* one round, small N: a smoke test */
	bool by_cpu;       /* judge throughput by CPU per request, always */
	int rounds;        /* runs per side; the median is taken */
	const char *out;   /* the Markdown file */
	char loadavg[64];  /* /proc/loadavg at start */
	struct row rows[MAX_ROWS];
	int nrows;
	enum suite current;   /* the suite running: its rows are tagged with it */
	int failed;        /* runs that failed: exit status 1 */
};

static void bench_usage(FILE *out)
{
	fprintf(out,
		"usage: fetchlab bench [options] [SUITE...]\n"
		"Measure ours against the references side by side (alternating runs,\n"
		"medians of 5) and print one table of ratios with their targets.\n"
		"SUITEs (default: all):\n"
		"  models   eventloop, coroutine, threads vs python-asyncio, python-threads:\n"
		"           throughput, CPU and instructions per request, memory\n"
		"           (about 1 minute)\n"
		"  curl     eventloop vs curl --parallel --parallel-max 100\n"
		"  loop     eventloop's efficiency at C=1000 and C=10000, wrk beside it\n"
		"           (about 5 minutes)\n"
		"  server   fetchlab-server vs nginx under wrk (about 2 minutes)\n"
		"  tls      fetchlab-server --tls vs nginx (ssl) under wrk, kept-alive and\n"
		"           full handshakes; every model over https, connections fresh\n"
		"           vs reused (about 3 minutes)\n"
		"  coro     coroutine switch cost, asm vs ucontext backend\n"
		"  cpuwork  500 us of CPU work per response: offload, threads, two loops\n"
		"           vs eventloop; the Python peers under the GIL (about 3 minutes)\n"
		"  --quick      one run per side and small workloads (a smoke test)\n"
		"  --by-cpu     judge every throughput ratio by CPU per request (by\n"
		"               default only where the repeats spread by more than 10%%)\n"
		"  --out FILE   the Markdown report (default results/bench.md under\n"
		"               $FETCHLAB_ROOT, else ./results/bench.md)\n");
}

/* ---- the table ---- */

/* V with UNIT, three significant digits or more. */
static void fmt_value(char *buf, size_t n, double v, const char *unit)
{
	const char *f = fabs(v) >= 100 ? "%.0f%s%s" : fabs(v) >= 10 ? "%.1f%s%s" : "%.2f%s%s";

	snprintf(buf, n, f, v, *unit == '%' ? "" : " ", unit);
}

/* Append a row to B (silently dropped past MAX_ROWS, which the suites
 * below never reach). Returns it, zeroed, with WHAT set. */
static struct row *new_row(struct bench *b, const char *what)
{
	static struct row spare;
	struct row *r = b->nrows < MAX_ROWS ? &b->rows[b->nrows++] : &spare;

	memset(r, 0, sizeof *r);
	snprintf(r->what, sizeof r->what, "%s", what);
	r->suite = b->current;
	return r;
}

/* The target column's text for GOAL V (UNIT for a target on ours). */
static void fmt_target(char *buf, size_t n, enum goal goal, double v,
		       const char *unit)
{
	switch (goal) {
	case G_NONE:       snprintf(buf, n, "-"); break;
	case G_RATIO_MIN:  snprintf(buf, n, ">= %.3gx", v); break;
	case G_RATIO_MAX:  snprintf(buf, n, "<= %.3gx", v); break;
	case G_OURS_MAX:   snprintf(buf, n, "<= %g %s", v, unit); break;
	case G_OURS_BELOW: snprintf(buf, n, "< %g %s", v, unit); break;
	case G_OURS_MIN:   snprintf(buf, n, ">= %g%s%s", v, *unit == '%' ? "" : " ", unit); break;
	case G_RATIO_NEAR: snprintf(buf, n, "1x +/- %g%%", 100 * v); break;
	}
}

/* Add a measured row: OURS against THEIRS (NAN: no reference measured),
 * both in UNIT, the ratio ours / theirs, and whether GOAL V is met; a miss
 * says by how much. */
static struct row *add_row(struct bench *b, const char *what, double ours,
			   double theirs, const char *unit, enum goal goal, double v)
{
	struct row *r = new_row(b, what);
	double ratio = ours / theirs, x = goal == G_RATIO_MIN ||
		goal == G_RATIO_MAX || goal == G_RATIO_NEAR ? ratio : ours;
	bool met = goal == G_RATIO_MIN || goal == G_OURS_MIN ? x >= v :
		goal == G_OURS_BELOW ? x < v :
		goal == G_RATIO_NEAR ? fabs(x - 1) <= v : x <= v;

	fmt_value(r->ours, sizeof r->ours, ours, unit);
	if (isnan(theirs)) {
		snprintf(r->theirs, sizeof r->theirs, "-");
		snprintf(r->ratio, sizeof r->ratio, "-");
	} else {
		fmt_value(r->theirs, sizeof r->theirs, theirs, unit);
		snprintf(r->ratio, sizeof r->ratio, ratio >= 10 ? "%.1fx" :
			 ratio >= 0.1 ? "%.2fx" : "%.3fx", ratio);
	}
	fmt_target(r->target, sizeof r->target, goal, v, unit);
	if (goal == G_NONE)
		snprintf(r->met, sizeof r->met, "-");
	else if (isnan(x))
		snprintf(r->met, sizeof r->met, "no: not measured");
	else if (met)
		snprintf(r->met, sizeof r->met, "yes");
	else if (goal == G_RATIO_NEAR)
		snprintf(r->met, sizeof r->met, "no: %.0f%% %s", 100 * fabs(x - 1),
			 x > 1 ? "over" : "under");
	else if (goal == G_RATIO_MIN || goal == G_OURS_MIN)
		snprintf(r->met, sizeof r->met, "no: %.0f%% short", 100 * (1 - x / v));
	else
		snprintf(r->met, sizeof r->met, "no: %.0f%% over", 100 * (x / v - 1));
	return r;
}

/* Add a row that could not be measured: "skipped: REASON" (or "failed:")
 * in the ours cell, the target kept so the reader sees what was wanted. */
static void add_skip(struct bench *b, const char *what, const char *reason,
		     enum goal goal, double v, const char *unit)
{
	struct row *r = new_row(b, what);

	snprintf(r->ours, sizeof r->ours, "%s", reason);
	snprintf(r->theirs, sizeof r->theirs, "-");
	snprintf(r->ratio, sizeof r->ratio, "-");
	fmt_target(r->target, sizeof r->target, goal, v, unit);
	snprintf(r->met, sizeof r->met, "%s", strncmp(reason, "failed", 6) ? "skipped" : "failed");
}

/* Print the rows of SUITE (NSUITES: all) as a Markdown table, columns
 * padded to line up. */
static void print_table(const struct bench *b, FILE *f, enum suite suite)
{
	static const char *const head[6] = {"what", "ours", "theirs", "ratio", "target", "met"};
	int w[6];

	for (int c = 0; c < 6; c++)
		w[c] = (int)strlen(head[c]);
	for (int i = 0; i < b->nrows; i++) {
		const struct row *r = &b->rows[i];
		const char *cell[6] = {r->what, r->ours, r->theirs, r->ratio, r->target, r->met};

		for (int c = 0; c < 6 && (suite == NSUITES || r->suite == suite); c++)
			if ((int)strlen(cell[c]) > w[c])
				w[c] = (int)strlen(cell[c]);
	}
	for (int c = 0; c < 6; c++)
		fprintf(f, "| %-*s ", w[c], head[c]);
	fprintf(f, "|\n");
	for (int c = 0; c < 6; c++)
		fprintf(f, "|%.*s", w[c] + 2, "---------------------------------------------"
			"-------------------------------------------------------------------");
	fprintf(f, "|\n");
	for (int i = 0; i < b->nrows; i++) {
		const struct row *r = &b->rows[i];
		const char *cell[6] = {r->what, r->ours, r->theirs, r->ratio, r->target, r->met};

		if (suite != NSUITES && r->suite != suite)
			continue;
		for (int c = 0; c < 6; c++)
			fprintf(f, "| %-*s ", w[c], cell[c]);
		fprintf(f, "|\n");
	}
}

/* ---- measuring ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of V[0..N), NAN when N is 0. V is sorted in place. */
static double median(double *v, int n)
{
	if (n == 0)
		return NAN;
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- the scripts of harness/bench ---- */

/* A "RESULT KEY VALUE" line of a script's output. */
struct result {
	char key[32];
	double value;
};

/* Run the bench script NAME (harness/bench) with ENV and ARGS, passing its
 * human lines on to stderr and keeping its RESULT lines in RES (up to
 * *NRES) and the reason of its first SKIP of KEY "all" (or of SKIP_KEY) in
 * the matching buffer. Returns the script's exit status (77: skipped). */
static int run_script(const char *name, const char *env, const char *args,
		      struct result *res, int *nres, char *skip_all,
		      const char *skip_key, char *skip_other, size_t n)
{
	char cmd[PATH_MAX * 2 + 256], line[512];
	int max = *nres, status;
	FILE *p;

	snprintf(cmd, sizeof cmd, "%s bash '%s/harness/bench/%s' %s 2>&1", env,
		 cli_source_dir(), name, args);
	*nres = 0;
	fflush(stderr);
	p = popen(cmd, "r");
	if (p == NULL) {
		fprintf(stderr, "fetchlab bench: cannot run %s: %s\n", cmd, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, p)) {
		char key[32];
		int used = 0;

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "RESULT %31s %lf", key, &res[*nres].value) == 2 &&
		    *nres < max) {
			snprintf(res[(*nres)++].key, sizeof res->key, "%s", key);
			continue;
		}
		if (sscanf(line, "SKIP %31s %n", key, &used) == 1 && used > 0) {
			if (strcmp(key, "all") == 0)
				snprintf(skip_all, n, "skipped: %s", line + used);
			else if (skip_key && strcmp(key, skip_key) == 0)
				snprintf(skip_other, n, "skipped: %s", line + used);
		}
		fprintf(stderr, "  %s\n", line);
	}
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The value of KEY among RES, or NAN. */
static double result(const struct result *res, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (strcmp(res[i].key, key) == 0)
			return res[i].value;
	return NAN;
}

/* What a script's rows say when it did not run: SKIP's reason, or the
 * failure (counted). */
static const char *script_reason(struct bench *b, const char *name, int rc,
				 const char *skip, char *buf, size_t n)
{
	if (rc == CLI_SKIP && skip[0])
		return skip;
	snprintf(buf, n, "failed: %s exit status %d, see its lines above", name, rc);
	b->failed++;
	return buf;
}

/* The models suite's contenders: ours first, then the peers. */
enum { M_EVENTLOOP, M_COROUTINE, M_THREADS, M_ASYNCIO, M_PYTHREADS, M_UVLOOP,
       NMODELS };
static const char *const model_names[NMODELS] = {
	"eventloop", "coroutine", "threads", "python-asyncio", "python-threads",
	"python-asyncio --uvloop",
};

/* Run contender NAME ("MODEL" or "MODEL OPTION") with ARGS, which has a
 * free slot at its start for the option; as cli_run_model. */
static int run_contender(const char *name, const char *server, char **args,
			 char **out, struct rusage *ru)
{
	char model[32];
	const char *opt = strchr(name, ' ');

	if (opt == NULL)
		return cli_run_model(name, server, args + 1, out, ru);
	snprintf(model, sizeof model, "%.*s", (int)(opt - name), name);
	args[0] = (char *)opt + 1;
	return cli_run_model(model, server, args, out, ru);
}

/* The three workloads of the models suite. */
enum { P_ZERO, P_DELAY, P_ONE, NPOINTS };

/* What one model measured: the runs of each point, and whether it can run. */
struct contender {
	char skip[128];                       /* "" when it runs; else why not */
	double startup_cpu_s;                 /* CPU of the one-request probe */
	double rps[NPOINTS][MAX_ROUNDS];      /* throughput_rps of each run */
	double cpu[NPOINTS][MAX_ROUNDS];      /* CPU us per request, start-up off */
	double rss[NPOINTS][MAX_ROUNDS];      /* peak RSS of each run, KiB */
	int runs[NPOINTS];
};

/* The CPU seconds (user + system) a run's JSON reports, 0 without them. */
static double json_cpu_s(const char *json)
{
	double user, sys;

	if (json == NULL || cli_json_number(json, "cpu_user_s", &user) < 0 ||
	    cli_json_number(json, "cpu_sys_s", &sys) < 0)
		return 0;
	return user + sys;
}

/* Run MODEL once on one request with its stderr kept, to learn whether it
 * can run here; with CA (an https SERVER) with --ca CA --connections fresh.
 * Returns 0, or fills WHY with "skipped: REASON" (a peer's own line, a peer
 * without those options, a model not built) or "failed: ..." and returns -1. */
static int probe(struct contender *m, const char *model, const char *server,
		 const char *ca, char *why, size_t n)
{
	char *args[] = {NULL, "-n", "1", "-c", "1", "--delay", "0", "--json",
			ca ? "--ca" : NULL, (char *)ca, "--connections", "fresh", NULL};
	char line[256] = "", last[256] = "";
	FILE *err = tmpfile();
	struct rusage ru;
	char *json = NULL;
	int saved, rc;

	if (err == NULL || (saved = dup(STDERR_FILENO)) < 0) {
		snprintf(why, n, "failed: no temporary file (%s)", strerror(errno));
		if (err)
			fclose(err);
		return -1;
	}
	fflush(stderr);
	dup2(fileno(err), STDERR_FILENO);   /* the child inherits this stderr */
	rc = run_contender(model, server, args, &json, &ru);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	m->startup_cpu_s = json_cpu_s(json);
	free(json);
	rewind(err);
	while (fgets(line, sizeof line, err))
		if (line[strspn(line, " \t\n")] != '\0')
			snprintf(last, sizeof last, "%s", line);
	fclose(err);
	last[strcspn(last, "\n")] = '\0';
	if (rc == 0)
		return 0;
	if (rc == CLI_SKIP) {   /* "python-asyncio: skipped: REASON" */
		char *p = strstr(last, "skipped: ");

		snprintf(why, n, "skipped: %s", p ? p + 9 : last);
	} else if (rc == -1) {
		snprintf(why, n, "skipped: %s/fetch-%s is not built", cli_bindir(), model);
	} else if (rc == 2 && ca && strncmp(model, "python-", 7) == 0) {
		fprintf(stderr, "bench: %s over https: %s\n", model, last);
		snprintf(why, n, "skipped: this peer takes no --ca, --connections yet");
	} else {
		snprintf(why, n, "failed: exit status %d (try: fetchlab run %s -n 1)",
			 rc, model);
	}
	return -1;
}

/* Run contender M once at point P, adding its throughput and peak RSS.
 * Returns 0, or -1 after a line saying what failed (marking it failed). */
static int run_once(struct bench *b, struct contender *m, const char *model,
		    const char *server, int p, unsigned n, unsigned c,
		    const char *delay)
{
	char n_arg[16], c_arg[16];
	char *args[] = {NULL, "-n", n_arg, "-c", c_arg, "--delay", (char *)delay,
			"--size", "1k", "--json", NULL};
	char *json = NULL;
	struct rusage ru;
	double rps, ok;
	int rc;

	snprintf(n_arg, sizeof n_arg, "%u", n);
	snprintf(c_arg, sizeof c_arg, "%u", c);
	rc = run_contender(model, server, args, &json, &ru);
	if (rc != 0 || cli_json_number(json, "throughput_rps", &rps) < 0 ||
	    cli_json_number(json, "ok", &ok) < 0 || ok != n) {
		fprintf(stderr, "fetchlab bench: %s -n %u -c %u --delay %s failed "
			"(exit status %d, %s requests ok); try: fetchlab run %s -n %u "
			"-c %u --delay %s\n", model, n, c, delay, rc,
			json && strstr(json, "\"ok\":") ? "not all" : "no summary",
			model, n, c, delay);
		snprintf(m->skip, sizeof m->skip, "failed: %s exit status %d, "
			 "see the line on stderr", model, rc);
		b->failed++;
		free(json);
		return -1;
	}
	m->rps[p][m->runs[p]] = rps;
	m->rss[p][m->runs[p]] = (double)ru.ru_maxrss;
	m->cpu[p][m->runs[p]] = (json_cpu_s(json) - m->startup_cpu_s) / n * 1e6;
	fprintf(stderr, "bench: %-14s -n %u -c %-4u --delay %-4s %8.0f req/s, "
		"%6.1f us CPU/request, peak RSS %6ld KiB\n", model, n, c, delay, rps,
		m->cpu[p][m->runs[p]], ru.ru_maxrss);
	m->runs[p]++;
	free(json);
	return 0;
}

/* The figure the models suite compares, from a contender's medians. */
enum metric { THROUGHPUT, CPU, EFFICIENCY, MEMORY };

static double figure(struct contender *m, enum metric what, double delay_s,
		     unsigned c)
{
	if (m->skip[0] != '\0')
		return NAN;
	switch (what) {
	case THROUGHPUT:
		return median(m->rps[P_ZERO], m->runs[P_ZERO]);
	case CPU:
		return median(m->cpu[P_ZERO], m->runs[P_ZERO]);
	case EFFICIENCY:
		return median(m->rps[P_DELAY], m->runs[P_DELAY]) * delay_s / c * 100;
	case MEMORY:
		return (median(m->rss[P_DELAY], m->runs[P_DELAY]) -
			median(m->rss[P_ONE], m->runs[P_ONE])) / (c - 1);
	}
	return NAN;
}

/* (max / min - 1) of V[0..N): how far apart the repeats of one figure are. */
static double spread(const double *v, int n)
{
	double lo = INFINITY, hi = 0;

	for (int i = 0; i < n; i++) {
		lo = fmin(lo, v[i]);
		hi = fmax(hi, v[i]);
	}
	return n > 0 && lo > 0 ? hi / lo - 1 : NAN;
}

/* Below a throughput row T (label WHAT, target GOAL V), the same two
 * contenders' CPU per request; CPU is a cost, so its target is the
 * inverse (8x the throughput: at most 1/8 of the CPU). When either side's
 * wall-clock repeats spread by more than NOISY, T's verdict is the CPU
 * row's: on two shared vCPUs throughput swings with where the scheduler
 * puts client and server, while the CPU a request costs does not. */
#define NOISY 0.10
static void cpu_row(struct bench *b, struct row *t, struct contender *ours,
		    struct contender *theirs, const char *what, enum goal goal,
		    double v)
{
	double s = fmax(spread(ours->rps[P_ZERO], ours->runs[P_ZERO]),
			spread(theirs->rps[P_ZERO], theirs->runs[P_ZERO]));
	char text[100];
	struct row *r;

	snprintf(text, sizeof text, "  CPU per request%s", strchr(what, ':'));
	r = add_row(b, text, figure(ours, CPU, 0, 0), figure(theirs, CPU, 0, 0), "us",
		    goal == G_RATIO_MIN ? G_RATIO_MAX : G_NONE, 1 / v);
	if (goal == G_RATIO_MIN && (s > NOISY || b->by_cpu))
		snprintf(t->met, sizeof t->met, "%s by CPU (wall +/-%.0f%%)",
			 strncmp(r->met, "yes", 3) ? "no" : "yes", 100 * s);
}

/* The instructions per request of OURS against eventloop's (C = 100, zero
 * delay), counted by callgrind (harness/bench/instructions.sh): the
 * figure no scheduler moves. Its target is the inverse of throughput
 * target V, like the CPU row's. */
static void instructions_row(struct bench *b, const char *ours, double v)
{
	char what[100], env[64], args[PATH_MAX + 64], skip[256] = "", key[40];
	struct result res[2];
	int nres = 2, rc;

	snprintf(what, sizeof what, "  instructions per request: %s / eventloop", ours);
	snprintf(env, sizeof env, "N_SMALL=%d N_BIG=%d", b->quick ? 200 : 1000,
		 b->quick ? 600 : 3000);
	snprintf(args, sizeof args, "'%s' %s eventloop", cli_bindir(), ours);
	fprintf(stderr, "bench: instructions.sh %s (%s)\n", args, env);
	rc = run_script("instructions.sh", env, args, res, &nres, skip, NULL, NULL,
			sizeof skip);
	snprintf(key, sizeof key, "ir_%s", ours);
	if (rc != 0 || isnan(result(res, nres, key)) ||
	    isnan(result(res, nres, "ir_eventloop"))) {
		add_skip(b, what, script_reason(b, "instructions.sh", rc, skip, args,
						sizeof args), G_RATIO_MAX, 1 / v, "");
		return;
	}
	add_row(b, what, result(res, nres, key), result(res, nres, "ir_eventloop"), "",
		G_RATIO_MAX, 1 / v);
}

/* Pin the server PID to the last CPU we may use and this process, so every
 * model it starts from now on, to the others: client and server no longer
 * trade places on a small machine. Returns false (nothing pinned) with
 * fewer than two CPUs; OLD receives our mask, for unpin. */
static bool pin_apart(pid_t server, cpu_set_t *old)
{
	cpu_set_t srv, cli;
	int last = -1, n = 0;

	if (sched_getaffinity(0, sizeof *old, old) < 0)
		return false;
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, old)) {
			last = c;
			n++;
		}
	if (n < 2)
		return false;
	CPU_ZERO(&srv);
	CPU_SET(last, &srv);
	cli = *old;
	CPU_CLR(last, &cli);
	if (sched_setaffinity(server, sizeof srv, &srv) < 0)
		return false;
	if (sched_setaffinity(0, sizeof cli, &cli) < 0) {
		sched_setaffinity(server, sizeof *old, old);
		return false;
	}
	fprintf(stderr, "bench: server pinned to CPU %d, the models to the rest\n", last);
	return true;
}

/* The models suite: every contender at each point, alternating
 * (round 1: all of them, round 2: all of them, ...), then the rows. */
static void suite_models(struct bench *b)
{
	static const struct {   /* the rows: ours against theirs */
		enum metric what;
		int ours, theirs;
		enum goal goal;
		double v;
	} rows[] = {
		{THROUGHPUT, M_EVENTLOOP, M_ASYNCIO, G_RATIO_MIN, 8},
		{THROUGHPUT, M_COROUTINE, M_ASYNCIO, G_NONE, 0},
		{THROUGHPUT, M_COROUTINE, M_EVENTLOOP, G_RATIO_MIN, 0.95},
		{THROUGHPUT, M_THREADS, M_PYTHREADS, G_RATIO_MIN, 3},
		{THROUGHPUT, M_UVLOOP, M_ASYNCIO, G_NONE, 0},
		{EFFICIENCY, M_EVENTLOOP, M_ASYNCIO, G_NONE, 0},
		{EFFICIENCY, M_COROUTINE, M_ASYNCIO, G_NONE, 0},
		{EFFICIENCY, M_THREADS, M_PYTHREADS, G_NONE, 0},
		{EFFICIENCY, M_UVLOOP, M_ASYNCIO, G_NONE, 0},
		{MEMORY, M_EVENTLOOP, M_ASYNCIO, G_RATIO_MAX, 0.25},
		{MEMORY, M_COROUTINE, M_ASYNCIO, G_RATIO_MAX, 0.25},
		{MEMORY, M_THREADS, M_PYTHREADS, G_NONE, 0},
	};
	static const char *const label[] = {
		[THROUGHPUT] = "throughput, 0 ms, C=100",
		[EFFICIENCY] = "efficiency, 50 ms, C=1000",
		[MEMORY] = "memory per request in flight, C=1000",
	};
	static const char *const unit[] = {
		[THROUGHPUT] = "req/s", [EFFICIENCY] = "%", [MEMORY] = "KiB",
	};
	/* N: the same at both memory points, so the records weigh alike. */
	const unsigned n_zero = b->quick ? 1000 : 5000, n_mem = b->quick ? 1000 : 3000;
	const struct { unsigned n, c; const char *delay; } point[NPOINTS] = {
		[P_ZERO] = {n_zero, 100, "0"},
		[P_DELAY] = {n_mem, 1000, "50ms"},
		[P_ONE] = {n_mem, 1, "0"},
	};
	struct contender m[NMODELS] = {0};
	struct cli_server server = {0};
	cpu_set_t mask;

	if (cli_server_start(&server) < 0) {
		b->failed++;
		for (int i = 0; i < NMODELS; i++)
			snprintf(m[i].skip, sizeof m[i].skip, "failed: the server did not start");
	} else {
		bool pinned = pin_apart(server.proc.pid, &mask);

		for (int i = 0; i < NMODELS; i++)
			if (probe(&m[i], model_names[i], server.url, NULL, m[i].skip,
				  sizeof m[i].skip) < 0)
				fprintf(stderr, "bench: %s: %s\n", model_names[i], m[i].skip);
		for (int p = 0; p < NPOINTS; p++)
			for (int r = 0; r < b->rounds; r++)
				for (int i = 0; i < NMODELS; i++)
					if (m[i].skip[0] == '\0')
						run_once(b, &m[i], model_names[i], server.url, p,
							 point[p].n, point[p].c, point[p].delay);
		cli_server_stop(&server);
		if (pinned)
			sched_setaffinity(0, sizeof mask, &mask);
	}

	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct contender *ours = &m[rows[i].ours], *theirs = &m[rows[i].theirs];
		enum metric what = rows[i].what;
		char text[80];
		struct row *r;

		snprintf(text, sizeof text, "%s: %s / %s", label[what],
			 model_names[rows[i].ours], model_names[rows[i].theirs]);
		if (ours->skip[0] || theirs->skip[0]) {
			char why[160];

			snprintf(why, sizeof why, "%s (%s)", ours->skip[0] ? ours->skip :
				 theirs->skip, model_names[ours->skip[0] ? rows[i].ours :
							   rows[i].theirs]);
			add_skip(b, text, why, rows[i].goal, rows[i].v, unit[what]);
			continue;
		}
		r = add_row(b, text, figure(ours, what, 0.05, point[P_DELAY].c),
			    figure(theirs, what, 0.05, point[P_DELAY].c), unit[what],
			    rows[i].goal, rows[i].v);
		if (what == THROUGHPUT)
			cpu_row(b, r, ours, theirs, text, rows[i].goal, rows[i].v);
		if (what == THROUGHPUT && rows[i].theirs == M_EVENTLOOP)
			instructions_row(b, model_names[rows[i].ours], rows[i].v);
	}
}

/* The curl suite: harness/bench/eventloop_vs_curl.sh, C = 100. */
static void suite_curl(struct bench *b)
{
	const char *what = "throughput, 0 ms, C=100: eventloop / curl --parallel";
	char env[PATH_MAX + 64], skip[256] = "", buf[256];
	struct result res[4];
	int nres = 4, rc;

	snprintf(env, sizeof env, "N=%d C=100 ROUNDS=%d", b->quick ? 2000 : 20000,
		 b->rounds);
	fprintf(stderr, "bench: eventloop_vs_curl.sh (%s)\n", env);
	snprintf(buf, sizeof buf, "'%s'", cli_bindir());
	rc = run_script("eventloop_vs_curl.sh", env, buf, res, &nres, skip, NULL,
			NULL, sizeof skip);
	if (rc != 0 || isnan(result(res, nres, "curl_rps"))) {
		add_skip(b, what, script_reason(b, "eventloop_vs_curl.sh", rc, skip,
						buf, sizeof buf), G_RATIO_MIN, 1.3, "");
		return;
	}
	add_row(b, what, result(res, nres, "eventloop_rps"),
		result(res, nres, "curl_rps"), "req/s", G_RATIO_MIN, 1.3);
}

/* The loop suite: harness/bench/efficiency.sh at its two points,
 * C:DELAY_MS:SECONDS, each with its target on ours (percent). */
static void suite_loop(struct bench *b)
{
	static const struct { int c, delay_ms, secs, quick_secs; double target; } pts[] = {
		{1000, 50, 10, 2, 97},
		{10000, 1000, 20, 3, 90},
	};
	char env[32], args[PATH_MAX + 64], skip[256] = "", nowrk[256] = "", buf[256];
	char what[2][80], key[32];
	struct result res[8];
	int nres = 8, rc, len;

	/* All 5 rounds: one slow spell of the machine moves a median of 3. */
	snprintf(env, sizeof env, "ROUNDS=%d", b->rounds);
	len = snprintf(args, sizeof args, "'%s'", cli_bindir());
	for (int i = 0; i < 2; i++) {
		int secs = b->quick ? pts[i].quick_secs : pts[i].secs;

		len += snprintf(args + len, sizeof args - (size_t)len, " %d:%d:%d",
				pts[i].c, pts[i].delay_ms, secs);
		snprintf(what[i], sizeof what[i], "efficiency, %d %s, C=%d, %d s runs: eventloop / wrk",
			 pts[i].delay_ms % 1000 ? pts[i].delay_ms : pts[i].delay_ms / 1000,
			 pts[i].delay_ms % 1000 ? "ms" : "s", pts[i].c, secs);
	}
	fprintf(stderr, "bench: efficiency.sh (%s)\n", env);
	rc = run_script("efficiency.sh", env, args, res, &nres, skip, "wrk", nowrk,
			sizeof skip);
	for (int i = 0; i < 2; i++) {
		double ours, theirs;

		if (rc != 0) {
			add_skip(b, what[i], script_reason(b, "efficiency.sh", rc, skip,
							   buf, sizeof buf), G_OURS_MIN, pts[i].target, "%");
			continue;
		}
		snprintf(key, sizeof key, "ev_%d", pts[i].c);
		ours = result(res, nres, key);
		snprintf(key, sizeof key, "wrk_%d", pts[i].c);
		theirs = result(res, nres, key);
		if (isnan(ours))
			add_skip(b, what[i], "skipped: the descriptor limit is too low "
				 "(see efficiency.sh's line)", G_OURS_MIN, pts[i].target, "%");
		else
			add_row(b, what[i], ours, theirs, "%", G_OURS_MIN, pts[i].target);
	}
}

/* The server suite: harness/bench/server.sh. Without nginx, the p99 row
 * still shows ours against its absolute target. */
static void suite_server(struct bench *b)
{
	const char *what_rps = "server, small bodies: fetchlab-server / nginx";
	const char *what_p99 = "server p99, 10k conns, 1 s delay: fetchlab-server / nginx";
	char env[64], args[PATH_MAX + 16], skip[256] = "", nginx[256] = "", buf[256];
	struct result res[8];
	int nres = 8, rc;
	double ours, theirs;

	snprintf(env, sizeof env, "ROUNDS=%d P99_DURATION=%s",
		 b->rounds < SERVER_ROUNDS ? b->rounds : SERVER_ROUNDS,
		 b->quick ? "3s" : "10s");
	snprintf(args, sizeof args, "'%s/fetchlab-server' %s", cli_bindir(),
		 b->quick ? "2s" : "5s");
	fprintf(stderr, "bench: server.sh (%s)\n", env);
	rc = run_script("server.sh", env, args, res, &nres, skip, "nginx", nginx,
			sizeof skip);
	if (rc != 0) {
		const char *why = script_reason(b, "server.sh", rc, skip, buf, sizeof buf);

		add_skip(b, what_rps, why, G_RATIO_MIN, 0.8, "");
		add_skip(b, what_p99, why, G_OURS_BELOW, 1050, "ms");
		return;
	}
	ours = result(res, nres, "ours_rps");
	theirs = result(res, nres, "nginx_rps");
	if (isnan(theirs))
		add_skip(b, what_rps, nginx[0] ? nginx : "skipped: no nginx figure",
			 G_RATIO_MIN, 0.8, "");
	else
		add_row(b, what_rps, ours, theirs, "req/s", G_RATIO_MIN, 0.8);
	ours = result(res, nres, "ours_p99_ms");
	if (isnan(ours))
		add_skip(b, what_p99, "skipped: the open-file limit is below 10,100 "
			 "(see server.sh's line)", G_OURS_BELOW, 1050, "ms");
	else
		add_row(b, what_p99, ours, result(res, nres, "nginx_p99_ms"), "ms",
			G_OURS_BELOW, 1050);
}

/* The tls suite's server half: harness/bench/tls.sh, each throughput row
 * with the servers' CPU per request under it (target the inverse). One
 * client core cannot load one server core over TLS: wrk spends more per
 * request than the server (measured once, pinned, on 2 busy vCPUs:
 * kept-alive 38 us against 20, a fresh connection 1.2-1.4 ms against
 * 0.5-0.6). When neither server reached SATURATED of its core, the runs
 * measured wrk, and the verdict is the CPU row's. */
#define SATURATED 90
static void tls_server_rows(struct bench *b)
{
	static const struct { const char *key, *what, *cpu; } kinds[] = {
		{"keep", "https server, kept-alive, 64 B: fetchlab-server / nginx",
		 "  server CPU per request, kept-alive: fetchlab-server / nginx"},
		{"fresh", "https server, fresh connections, full handshakes: fetchlab-server / nginx",
		 "  server CPU per handshake: fetchlab-server / nginx"},
	};
	char env[64], args[PATH_MAX + 16], skip[256] = "", nginx[256] = "", buf[256], key[40];
	const char *why;   /* "" when the servers were measured */
	struct result res[24];
	int nres = 24, rc;

	snprintf(env, sizeof env, "ROUNDS=%d", b->rounds < SERVER_ROUNDS ? b->rounds :
		 SERVER_ROUNDS);
	snprintf(args, sizeof args, "'%s' %s", cli_bindir(), b->quick ? "2s" : "5s");
	fprintf(stderr, "bench: tls.sh (%s)\n", env);
	rc = run_script("tls.sh", env, args, res, &nres, skip, "nginx", nginx, sizeof skip);
	why = rc != 0 ? script_reason(b, "tls.sh", rc, skip, buf, sizeof buf) : nginx;
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		double v[2][3];   /* [ours, nginx][rps, cpu_us, cpu_pct] */
		const char *fig[3] = {"rps", "cpu_us", "cpu_pct"};
		struct row *t, *c;

		if (why[0]) {
			add_skip(b, kinds[k].what, why, G_RATIO_MIN, 0.8, "");
			add_skip(b, kinds[k].cpu, why, G_RATIO_MAX, 1.25, "");
			continue;
		}
		for (int s = 0; s < 2; s++)
			for (int f = 0; f < 3; f++) {
				snprintf(key, sizeof key, "%s_%s_%s", s ? "nginx" : "ours",
					 kinds[k].key, fig[f]);
				v[s][f] = result(res, nres, key);
			}
		if (k == 1 && result(res, nres, "nginx_resumed") != 0) {
			snprintf(buf, sizeof buf, "failed: wrk resumed %.0f of %.0f handshakes "
				 "(see tls.sh's check line)", result(res, nres, "nginx_resumed"),
				 result(res, nres, "nginx_handshakes"));
			b->failed++;
			add_skip(b, kinds[k].what, buf, G_RATIO_MIN, 0.8, "");
			add_skip(b, kinds[k].cpu, buf, G_RATIO_MAX, 1.25, "");
			continue;
		}
		t = add_row(b, kinds[k].what, v[0][0], v[1][0], "req/s", G_RATIO_MIN, 0.8);
		c = add_row(b, kinds[k].cpu, v[0][1], v[1][1], "us", G_RATIO_MAX, 1.25);
		if (fmax(v[0][2], v[1][2]) < SATURATED || b->by_cpu)
			snprintf(t->met, sizeof t->met, "%s by CPU (servers at %.0f%%, %.0f%%)",
				 strncmp(c->met, "yes", 3) ? "no" : "yes", v[0][2], v[1][2]);
	}
}

/* The connections rows: what a connection costs a client. Every
 * concurrent model against one fetchlab-server --tls, C = 100, zero
 * delay, 1 KiB bodies, --connections reuse (twenty requests a connection)
 * and fresh (a TCP connection and a full handshake each), alternating. */
enum { CONN_REUSE, CONN_FRESH };
static const char *const conn_models[] = {
	"eventloop", "coroutine", "threads", "offload", "python-asyncio", "python-threads",
};
#define NCONN_MODELS (sizeof conn_models / sizeof conn_models[0])

/* One model's runs, [reuse, fresh][round]. */
struct conn_runs {
	char skip[192];
	double startup_cpu_s;
	double rps[2][MAX_ROUNDS], cpu[2][MAX_ROUNDS];
	double full[2][MAX_ROUNDS];   /* full handshakes / requests */
	int runs[2];
};

/* Run MODEL once with MODE (CONN_*) over the https SERVER, N requests;
 * keep its throughput, CPU and full handshakes per request. A fresh run
 * must make a full handshake per request and resume none. Returns 0, or
 * -1 after a line saying what failed (marking it failed). */
static int conn_run(struct bench *b, struct conn_runs *m, const char *model,
		    const struct cli_server *server, int mode, unsigned n)
{
	char n_arg[16], *how = mode == CONN_FRESH ? "fresh" : "reuse";
	char *args[] = {"-n", n_arg, "-c", "100", "--delay", "0", "--size", "1k",
			"--ca", (char *)server->ca, "--connections", how, "--json", NULL};
	double rps, ok, full, resumed;
	char *json = NULL;
	struct rusage ru;
	int rc;

	snprintf(n_arg, sizeof n_arg, "%u", n);
	rc = cli_run_model(model, server->url, args, &json, &ru);
	if (rc != 0 || cli_json_number(json, "throughput_rps", &rps) < 0 ||
	    cli_json_number(json, "ok", &ok) < 0 || ok != n ||
	    cli_json_number(json, "tls_full", &full) < 0 ||
	    cli_json_number(json, "tls_resumed", &resumed) < 0 ||
	    (mode == CONN_FRESH && (full != n || resumed != 0))) {
		fprintf(stderr, "fetchlab bench: %s -n %u -c 100 --delay 0 --connections %s "
			"over https failed (exit status %d, %s); try: fetchlab run %s --tls "
			"-n %u -c 100 --delay 0 --connections %s\n", model, n, how, rc,
			json && strstr(json, "\"tls_full\":") ? "not all ok, or fresh "
			"handshakes != requests" : "no summary", model, n, how);
		snprintf(m->skip, sizeof m->skip, "failed: %s --connections %s, see the "
			 "line on stderr", model, how);
		b->failed++;
		free(json);
		return -1;
	}
	m->rps[mode][m->runs[mode]] = rps;
	m->cpu[mode][m->runs[mode]] = (json_cpu_s(json) - m->startup_cpu_s) / n * 1e6;
	m->full[mode][m->runs[mode]] = full / n;
	fprintf(stderr, "bench: %-14s https -n %-4u -c 100 --connections %s %7.0f req/s, "
		"%7.1f us CPU/request, %4.0f full handshakes, %.0f resumed\n", model, n,
		how, rps, m->cpu[mode][m->runs[mode]], full, resumed);
	m->runs[mode]++;
	free(json);
	return 0;
}

static void tls_connection_rows(struct bench *b)
{
	const unsigned n[2] = {b->quick ? 400 : 2000, b->quick ? 200 : 600};
	const int rounds = b->rounds < 3 ? b->rounds : 3;
	struct conn_runs m[NCONN_MODELS] = {0};
	struct cli_server server = {.tls = true};
	char what[100];
	cpu_set_t mask;

	if (cli_server_start(&server) < 0) {
		b->failed++;
		for (size_t i = 0; i < NCONN_MODELS; i++)
			snprintf(m[i].skip, sizeof m[i].skip, "failed: fetchlab-server --tls "
				 "did not start");
	} else {
		bool pinned = pin_apart(server.proc.pid, &mask);

		for (size_t i = 0; i < NCONN_MODELS; i++) {
			struct contender c = {0};

			if (probe(&c, conn_models[i], server.url, server.ca, m[i].skip,
				  sizeof m[i].skip) < 0)
				fprintf(stderr, "bench: %s: %s\n", conn_models[i], m[i].skip);
			m[i].startup_cpu_s = c.startup_cpu_s;
		}
		for (int r = 0; r < rounds; r++)
			for (size_t i = 0; i < NCONN_MODELS; i++)
				for (int mode = CONN_REUSE; mode <= CONN_FRESH; mode++)
					if (m[i].skip[0] == '\0')
						conn_run(b, &m[i], conn_models[i], &server,
							 mode, n[mode]);
		cli_server_stop(&server);
		if (pinned)
			sched_setaffinity(0, sizeof mask, &mask);
	}
	for (size_t i = 0; i < NCONN_MODELS; i++) {
		struct conn_runs *x = &m[i];
		static const char *const fig[3] = {"%s", "  CPU per request, %s",
						   "  full handshakes per request, %s"};
		static const char *const unit[3] = {"req/s", "us", ""};

		for (int f = 0; f < 3; f++) {
			double *v[2] = {f == 0 ? x->rps[0] : f == 1 ? x->cpu[0] : x->full[0],
					f == 0 ? x->rps[1] : f == 1 ? x->cpu[1] : x->full[1]};
			char who[64];

			snprintf(who, sizeof who, "https C=100 0 ms, fresh / reuse: %s",
				 conn_models[i]);
			snprintf(what, sizeof what, fig[f], who);
			if (x->skip[0]) {
				add_skip(b, what, x->skip, G_NONE, 0, "");
				continue;
			}
			add_row(b, what, median(v[1], x->runs[1]), median(v[0], x->runs[0]),
				unit[f], G_NONE, 0);
		}
	}
}

/* The tls suite: the servers over https, then what a connection costs. */
static void suite_tls(struct bench *b)
{
	tls_server_rows(b);
	tls_connection_rows(b);
}

/* The cpuwork suite: harness/bench/cpuwork.sh, whose keys are the names
 * below (eventloop_rps, loops2_cpu_us ...). */
static void suite_cpuwork(struct bench *b)
{
	/* Throughput ratios: A / B >= or <= V. */
	static const struct { const char *a, *b, *what; enum goal goal; double v; } pairs[] = {
		{"offload", "eventloop", "offload / eventloop", G_RATIO_MIN, 1.6},
		{"threads", "eventloop", "threads / eventloop", G_RATIO_MIN, 1.6},
		{"loops2", "eventloop", "eventloop --loops 2 / eventloop", G_RATIO_MIN, 1.6},
		{"pythreads", "pyasyncio", "python-threads / python-asyncio (the GIL)",
		 G_RATIO_MAX, 1.2},
		{"pyprocess", "pyasyncio", "python-asyncio --offload process / python-asyncio",
		 G_RATIO_MIN, 1.4},
	};
	/* CPU per request at the work minus at none, against the work. */
	static const struct { const char *key, *name; } models[] = {
		{"eventloop", "eventloop"}, {"offload", "offload"}, {"threads", "threads"},
		{"loops2", "eventloop --loops 2"}, {"coroutine", "coroutine"},
		{"pyasyncio", "python-asyncio"}, {"pythreads", "python-threads"},
		{"pyprocess", "python-asyncio --offload process"},
	};
	const char *head = "work 500us, C=100, 5 ms:";
	char env[64], args[PATH_MAX * 2 + 8], skip[256] = "", buf[256], what[160], key[48];
	struct result res[48];
	int nres = 48, rc;
	double work_us, v;

	snprintf(env, sizeof env, "N=%d ROUNDS=%d", b->quick ? 400 : 4000,
		 b->rounds < 3 ? b->rounds : 3);
	snprintf(args, sizeof args, "'%s' '%s'", cli_bindir(), cli_source_dir());
	fprintf(stderr, "bench: cpuwork.sh (%s)\n", env);
	rc = run_script("cpuwork.sh", env, args, res, &nres, skip, NULL, NULL, sizeof skip);
	work_us = result(res, nres, "work_us");
	if (rc != 0 || isnan(work_us)) {
		const char *why = script_reason(b, "cpuwork.sh", rc, skip, buf, sizeof buf);

		snprintf(what, sizeof what, "%s the cpuwork suite", head);
		add_skip(b, what, why, G_RATIO_MIN, 1.6, "");
		return;
	}
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		double x, y;

		snprintf(what, sizeof what, "%s %s", head, pairs[i].what);
		snprintf(key, sizeof key, "%s_rps", pairs[i].a);
		x = result(res, nres, key);
		snprintf(key, sizeof key, "%s_rps", pairs[i].b);
		y = result(res, nres, key);
		if (isnan(x) || isnan(y))
			add_skip(b, what, "skipped: no python3-aiohttp (see cpuwork.sh's line)",
				 pairs[i].goal, pairs[i].v, "");
		else
			add_row(b, what, x, y, "req/s", pairs[i].goal, pairs[i].v);
	}
	/* The one-core bound holds for the measurement itself. */
	snprintf(what, sizeof what, "%s eventloop req/s x work (one core: at most 1)", head);
	add_row(b, what, result(res, nres, "eventloop_rps") * work_us / 1e6, NAN, "",
		G_OURS_MAX, 1.05);
	snprintf(what, sizeof what, "%s loop lag p99, eventloop / offload", head);
	add_row(b, what, result(res, nres, "eventloop_lag_p99_us") / 1e3,
		result(res, nres, "offload_lag_p99_us") / 1e3, "ms", G_RATIO_MIN, 10);
	for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
		snprintf(what, sizeof what, "%s CPU/request added by the work, %s",
			 head, models[i].name);
		snprintf(key, sizeof key, "%s_cpu_us", models[i].key);
		v = result(res, nres, key);
		snprintf(key, sizeof key, "%s_cpu0_us", models[i].key);
		v -= result(res, nres, key);
		if (isnan(v))
			add_skip(b, what, "skipped: no python3-aiohttp (see cpuwork.sh's line)",
				 G_RATIO_NEAR, 0.15, "");
		else
			add_row(b, what, v, work_us, "us", G_RATIO_NEAR, 0.15);
	}
}

/* Run one coroutine switch benchmark with SWITCHES; its ns per switch, or
 * NAN after a line saying why not. */
static double coro_switch(const char *backend, long switches)
{
	char cmd[PATH_MAX + 64], line[256] = "";
	double ns = NAN;
	FILE *p;

	snprintf(cmd, sizeof cmd, "'%s/fetchlab-bench-coro-%s' %ld", cli_bindir(),
		 backend, switches);
	p = popen(cmd, "r");
	if (p == NULL || fgets(line, sizeof line, p) == NULL ||
	    sscanf(line, "coro switch (%*[^)]): %lf ns/switch", &ns) != 1)
		fprintf(stderr, "fetchlab bench: %s printed no 'coro switch' line\n", cmd);
	else
		fprintf(stderr, "bench: %s", line);
	if (p)
		pclose(p);
	return ns;
}

/* The coro suite: asm and ucontext alternating. ucontext saves the signal
 * mask with a system call each switch: it gets fewer switches. */
static void suite_coro(struct bench *b)
{
	const char *what = "coroutine switch: asm / ucontext backend";
	double asm_ns[MAX_ROUNDS], uc_ns[MAX_ROUNDS], v;
	int na = 0, nu = 0;
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/fetchlab-bench-coro-asm", cli_bindir());
	if (access(path, X_OK) != 0) {
		snprintf(path, sizeof path, "skipped: %s/fetchlab-bench-coro-asm is "
			 "not built", cli_bindir());
		add_skip(b, what, path, G_OURS_MAX, 10, "ns");
		return;
	}
	for (int r = 0; r < b->rounds; r++) {
		if (!isnan(v = coro_switch("asm", b->quick ? 1000000 : 10000000)))
			asm_ns[na++] = v;
		if (!isnan(v = coro_switch("ucontext", b->quick ? 10000 : 100000)))
			uc_ns[nu++] = v;
	}
	if (na == 0) {
		b->failed++;
		add_skip(b, what, "failed: fetchlab-bench-coro-asm, see above",
			 G_OURS_MAX, 10, "ns");
		return;
	}
	add_row(b, what, median(asm_ns, na), median(uc_ns, nu), "ns", G_OURS_MAX, 10);
}

/* ---- the report ---- */

/* The section of suite NAME in the report TEXT ("## NAME" up to the next
 * "## " heading): its start, its length in *LEN; NULL when there is none. */
static const char *old_section(const char *text, const char *name, size_t *len)
{
	size_t n = strlen(name);
	const char *p = text, *end;

	while (p && (p = strstr(p, "\n## ")) != NULL) {
		p++;
		if (strncmp(p + 3, name, n) == 0 && p[3 + n] == '\n') {
			end = strstr(p + 3, "\n## ");
			*len = end ? (size_t)(end + 1 - p) : strlen(p);
			return p;
		}
		p += 3;
	}
	return NULL;
}

/* Write the report to B->out: a section per suite, each with when and how
 * it was measured and its table, then the machine. A suite not run this
 * time keeps its section from the report already there, so `fetchlab
 * bench cpuwork` refreshes its rows and leaves the others as they were.
 * Written through a temporary file: a failed write leaves the old report.
 * Returns 0, or 2 after a line naming --out. */
static int write_report(const struct bench *b, int argc, char **argv,
			const char *started)
{
	char tmp[PATH_MAX], git[256];
	char *old = cli_slurp(b->out);   /* NULL: no report yet */
	const char *sec;
	size_t len;
	FILE *f;

	snprintf(tmp, sizeof tmp, "%s.tmp", b->out);
	f = fopen(tmp, "w");
	if (f == NULL)
		goto bad;
	cli_git_describe(git, sizeof git);
	fprintf(f, "# fetchlab bench\n\nProduced by `fetchlab bench` "
		"(harness/cli/bench.c), a section per suite. Each ratio is ours / "
		"theirs, both measured in the same run with their runs alternating, "
		"the median of each side's runs. Efficiency is throughput x delay / C, "
		"over runs of the same length for both sides (the models and loop "
		"suites run the server on the last CPU, the clients on the others); "
		"memory per request is (peak RSS at C=1000, 50 ms - peak RSS at C=1, "
		"0 ms) / 999 with the same N at both. Under each throughput ratio, the "
		"CPU per request of the same runs (start-up subtracted; its target the "
		"inverse) and, for two C models, instructions per request (callgrind); "
		"where either side's throughput repeats spread by more than 10%%, the "
		"verdict is the CPU row's (\"by CPU\").\n");
	for (int s = 0; s < NSUITES; s++) {
		if (!b->suite[s]) {
			if (old && (sec = old_section(old, suite_names[s], &len)) != NULL)
				fprintf(f, "\n%.*s", (int)(len && sec[len - 1] == '\n' ?
							 len - 1 : len), sec);
			continue;
		}
		fprintf(f, "\n## %s\n\nMeasured %s by `fetchlab", suite_names[s], started);
		for (int i = 0; i < argc; i++)
			fprintf(f, " %s", argv[i]);
		fprintf(f, "` at git %s, the median of %d runs per side%s; load average "
			"at start %s.\n\n", git, (s == S_SERVER || s == S_TLS) &&
			b->rounds > SERVER_ROUNDS ? SERVER_ROUNDS : s == S_CPUWORK &&
			b->rounds > 3 ? 3 : b->rounds,
			b->quick ? " (--quick: a smoke test, not a measurement)" : "",
			b->loadavg);
		print_table(b, f, (enum suite)s);
	}
	fprintf(f, "\n## Machine\n\n");
	fprintf(f, "- last run: %s\n", started);
	cli_describe_machine(f, "- %s %s\n");
	if (fclose(f) != 0 || rename(tmp, b->out) != 0)
		goto bad;
	free(old);
	return 0;
bad:
	fprintf(stderr, "fetchlab bench: --out %s: cannot write it (%s); give a "
		"writable file\n", b->out, strerror(errno));
	unlink(tmp);
	free(old);
	return 2;
}

static void (*const suites[NSUITES])(struct bench *) = {
	[S_MODELS] = suite_models, [S_CURL] = suite_curl, [S_LOOP] = suite_loop,
	[S_SERVER] = suite_server, [S_TLS] = suite_tls, [S_CORO] = suite_coro,
	[S_CPUWORK] = suite_cpuwork,
};

/* Parse the options and suites into B. Returns 0, 1 after --help (exit 0),
 * or 2 after one line naming the bad option. */
static int parse_options(int argc, char **argv, struct bench *b)
{
	static const struct option longopts[] = {
		{"quick", no_argument, NULL, 'q'},
		{"by-cpu", no_argument, NULL, 'b'},
		{"out", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool any = false;
	int ch;

	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'q':
			b->quick = true;
			break;
		case 'b':
			b->by_cpu = true;
			break;
		case 'o':
			b->out = optarg;
			break;
		case 'h':
			bench_usage(stdout);
			return 1;
		default:
			fprintf(stderr, "fetchlab bench: %s: unknown option or missing "
				"value; see fetchlab bench --help\n", argv[optind - 1]);
			return 2;
		}
	}
	for (int i = optind; i < argc; i++) {
		int s = 0;

		while (s < NSUITES && strcmp(argv[i], suite_names[s]) != 0)
			s++;
		if (s == NSUITES) {
			fprintf(stderr, "fetchlab bench: '%s': unknown suite; the suites "
				"are models, curl, loop, server, tls, coro, cpuwork\n", argv[i]);
			return 2;
		}
		b->suite[s] = any = true;
	}
	for (int s = 0; s < NSUITES && !any; s++)
		b->suite[s] = true;
	b->rounds = b->quick ? 1 : MAX_ROUNDS;
	return 0;
}

/* Whether the directory of FILE is writable, creating it (one level, like
 * ./results) when missing. */
static bool out_dir_ok(const char *file)
{
	char dir[PATH_MAX], *slash;

	snprintf(dir, sizeof dir, "%s", file);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		return access(".", W_OK) == 0;
	*slash = '\0';
	if (dir[0] == '\0')
		return access("/", W_OK) == 0;
	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		return false;
	return access(dir, W_OK) == 0;
}

int cmd_bench(int argc, char **argv)
{
	struct bench *b = calloc(1, sizeof *b);
	char out[PATH_MAX], started[64];
	time_t t = time(NULL);
	FILE *f;
	int rc;

	if (b == NULL) {
		perror("fetchlab bench");
		return 1;
	}
	if (getenv("FETCHLAB_ROOT"))
		snprintf(out, sizeof out, "%s/results/bench.md", getenv("FETCHLAB_ROOT"));
	else
		snprintf(out, sizeof out, "results/bench.md");
	b->out = out;
	rc = parse_options(argc, argv, b);
	if (rc != 0) {
		free(b);
		return rc == 1 ? 0 : rc;
	}
	if (!out_dir_ok(b->out)) {   /* before minutes of measuring */
		fprintf(stderr, "fetchlab bench: --out %s: its directory is not "
			"writable (%s); give a writable file\n", b->out, strerror(errno));
		free(b);
		return 2;
	}
	strftime(started, sizeof started, "%Y-%m-%d %H:%M:%S %z", localtime(&t));
	snprintf(b->loadavg, sizeof b->loadavg, "unknown");
	if ((f = fopen("/proc/loadavg", "r")) != NULL) {
		double l1, l5, l15;

		if (fscanf(f, "%lf %lf %lf", &l1, &l5, &l15) == 3)
			snprintf(b->loadavg, sizeof b->loadavg, "%.2f %.2f %.2f", l1, l5, l15);
		fclose(f);
	}
	for (int s = 0; s < NSUITES; s++) {
		if (!b->suite[s])
			continue;
		b->current = (enum suite)s;
		suites[s](b);
	}
	print_table(b, stdout, NSUITES);
	rc = write_report(b, argc, argv, started);
	if (rc == 0)
		fprintf(stderr, "fetchlab bench: wrote %s\n", b->out);
	rc = rc ? rc : b->failed ? 1 : 0;
	free(b);
	return rc;
}
