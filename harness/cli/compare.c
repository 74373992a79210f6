/* compare.c - `fetchlab compare`: every model at every concurrency, against
 * one embedded server, each point in its own child process; then the table
 * and the charts (plot.c). With --rate LIST it sweeps offered arrival rates
 * instead (open loop): every model at every rate R, at most C in flight.
 *
 * What it writes under --out DIR:
 *   machine.txt             what the numbers were measured on
 *   data/summary.csv        one row per point and repeat (columns below)
 *   data/hdr/MODEL-cC.csv   latency percentile distribution of one repeat
 *                           (HdrHistogram layout, ms; the model's --hdr);
 *                           MODEL-rR.csv for a rate point
 *   data/timeline-MODEL.csv the per-request records of a 40-request run at
 *                           C = 8 with varied delays (the model's --records);
 *                           not written by a rate sweep
 *   data/c10k-summary.csv   --full: each concurrent C model at -n 30000
 *                           -c 10000 --delay 1s (same columns)
 *   data/connections-summary.csv  the connections axis: every model at
 *                           C = 100, delay 50 ms, over http and https, with
 *                           connections reused and fresh (same columns)
 *   data/work-summary.csv   the work axis: every model at C = 100, delay
 *                           10 ms, for each --work value (same columns)
 *   data/points.csv, work-points.csv, charts/  written by plot.c from the
 *                           files above
 *
 * data/summary.csv has one column per figure that fl_metrics (harness/lib/
 * schema.c) gives a summary.csv place, with its meaning: most come from the
 * model's JSON summary; measure below sets the ones only the driver
 * knows (the child's rusage from wait4, the repeat, the delay's mean, the
 * model's start-up CPU cost measured by cpu_baseline).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fetchlab/schema.h"
#include "fetchlab/spec.h"

#define MAX_MODELS 16
#define MAX_CONC   16
#define MAX_RATES  16
#define POINT_S    0.6   /* aim: each point keeps its model busy ~0.6 s */
#define RATE_S     1.0   /* a rate point's schedule: ~1 s of arrivals */
#define RATE_MAX_S 3.0   /* ...but at most ~3 s of work at the model's bound */
#define RATE_CMAX  1000u /* a rate point's default cap on requests in flight */
#define MAX_WORK   8
#define STR_(x) #x
#define STR(x)  STR_(x)   /* a limit above, in an option's hint */
/* The work axis: C and delay put Little's bound at 10,000 req/s, so the
 * CPU work per response is what binds; each point ~0.4 s at one core. */
#define WORK_C     100u
#define WORK_DELAY "10ms"
#define WORK_DELAY_US 10000.0
#define WORK_S     0.4
/* What a Python peer fetches per second at most here, whatever C (aiohttp
 * and http.client cost ~200-400 us of CPU a request: 3,000-5,000 req/s on
 * one core at zero delay, bench's models suite): its points are sized for
 * this, not for a bound it never nears. */
#define PEER_RPS   3000.0
#define PEER_US    250.0   /* its CPU per request before any --work */
#define PEER_CMAX  1000u   /* the peers' largest C: at 10,000, python-threads
			    * runs 10,000 threads at ~250 req/s, 80 s a point */

/* The sweep, as the options asked for it. */
struct sweep {
	const char *models[MAX_MODELS];
	int nmodels;
	unsigned conc[MAX_CONC];
	int nconc;
	const char *conc_opt;       /* the option that set conc: --concurrency, --full */
	double rates[MAX_RATES];    /* --rate: offered rates, req/s; none = closed loop */
	int nrates;
	double work[MAX_WORK];      /* --work: the work axis, us per response */
	const char *work_spec[MAX_WORK];
	int nwork;
	char work_list[256];
	const char *delay, *size;   /* specs, passed to every model */
	double delay_us;            /* the mean of the delay spec */
	double base[MAX_MODELS];    /* each model's start-up CPU, s (cpu_baseline) */
	const struct cli_server *srv;   /* the server of the sweep */
	int repeat;
	double scale;               /* --requests-scale (0 until set) */
	const char *out;            /* where this run writes: a staging directory */
	const char *final;          /* --out: where it lands when all is written */
	int lock;                   /* --out, open and flock'ed while we run */
	char model_list[256], conc_list[256], rate_list[256];   /* copies the lists point into */
	bool out_given;             /* --out was given */
	bool work_given;            /* --work was given */
	FILE *summary;              /* DIR/data/summary.csv, open for append */
	FILE *work_summary;         /* DIR/data/work-summary.csv, or NULL */
	bool c10k;                  /* --full: the C10K run of each concurrent C model */
	int conn_axis;              /* the connections axis: 1 on, 0 off, -1 default */
	bool tls;                   /* --tls: the sweep over HTTPS */
	const char *ca;             /* ... verified by the server's CA */
	const char *connections;    /* --connections: reuse (default) or fresh */
	const char *server;         /* --server URL: a remote fetchlab-server (and --ca) */
	int done, total;            /* points run / planned */
	double planned_done, planned_total;   /* their expected seconds */
	struct timespec t0;
};

static void compare_usage(FILE *out, const struct cli_opt *opts)
{
	fprintf(out,
		"usage: fetchlab compare [options]\n"
		"Run every model at every concurrency against the embedded server,\n"
		"print the table, write DIR/data/*.csv and draw DIR/charts/*.svg,png.\n");
	cli_opts_usage(out, opts);
}

/* Split the comma list LIST, copied into COPY (N bytes), which the items
 * point into: ITEM takes token K into SW, or returns -1 when it is bad.
 * Returns how many, or -1 when one is bad, there are none or over MAX. */
static int split(struct sweep *sw, const char *list, char *copy, size_t n, int max,
		 int (*item)(struct sweep *sw, char *tok, int k))
{
	int k = 0;

	snprintf(copy, n, "%s", list);
	for (char *rest = copy, *tok; (tok = strsep(&rest, ",")) != NULL; )
		if (k == max || item(sw, tok, k++) < 0)
			return -1;   /* an empty item ("1,,10") too */
	return k;
}

static int conc_item(struct sweep *sw, char *tok, int k)
{
	unsigned long c;

	sw->conc[k] = cli_parse_count(tok, 100000, &c) == 0 ? (unsigned)c : 0;
	return sw->conc[k] ? 0 : -1;
}

/* A rate, req/s, in (0, 1e6] (the models' --rate limit). */
static int rate_item(struct sweep *sw, char *tok, int k)
{
	char *e;

	errno = 0;
	sw->rates[k] = strtod(tok, &e);
	return ((*tok < '0' || *tok > '9') && *tok != '.') || *e || errno ||
	       !(sw->rates[k] > 0) || sw->rates[k] > 1e6 ? -1 : 0;
}

/* A --work duration: one fixed one, a work axis point is not a range. */
static int work_item(struct sweep *sw, char *tok, int k)
{
	const char *why;

	sw->work_spec[k] = tok;
	return fl_spec_mean(tok, true, &sw->work[k], &why) < 0 || sw->work[k] > 1e6 ||
	       strstr(tok, "..") || strchr(tok, ':') ? -1 : 0;
}

/* --concurrency LIST: the C values. */
static int parse_conc(const char *list, void *to)
{
	struct sweep *sw = to;

	sw->conc_opt = "--concurrency";
	sw->nconc = split(sw, list, sw->conc_list, sizeof sw->conc_list, MAX_CONC,
			  conc_item);
	return sw->nconc > 0 ? 0 : -1;
}

/* --rate LIST: the offered rates. */
static int parse_rates(const char *list, void *to)
{
	struct sweep *sw = to;

	sw->nrates = split(sw, list, sw->rate_list, sizeof sw->rate_list, MAX_RATES,
			   rate_item);
	return sw->nrates > 0 ? 0 : -1;
}

/* --work LIST: the work axis's durations, or none. */
static int parse_work(const char *list, void *to)
{
	struct sweep *sw = to;

	sw->work_given = true;
	sw->nwork = strcmp(list, "none") == 0 ? 0 :
		split(sw, list, sw->work_list, sizeof sw->work_list, MAX_WORK, work_item);
	return sw->nwork >= 0 ? 0 : -1;
}

/* --connections: reuse or fresh. */
static int parse_connections(const char *mode, void *to)
{
	*(const char **)to = mode;
	return strcmp(mode, "reuse") && strcmp(mode, "fresh") ? -1 : 0;
}

/* --out DIR: not "", whose "/data" would be the root's. */
static int parse_out(const char *dir, void *to)
{
	struct sweep *sw = to;

	sw->out = sw->final = dir;
	sw->out_given = true;
	return dir[0] ? 0 : -1;
}

/* A Python peer of the registry: closed loop only, sized by PEER_RPS. */
static bool is_peer(const char *model)
{
	const struct cli_model *m = cli_model_find(model);

	return m != NULL && m->peer;
}

/* --models: the list, checked against the models built. */
static int parse_models(const char *list, void *to)
{
	struct sweep *sw = to;

	sw->nmodels = cli_parse_models("fetchlab compare", list, true, sw->models,
				       MAX_MODELS, sw->model_list, sizeof sw->model_list);
	return sw->nmodels < 0 ? -2 : 0;
}

/* Parse the options into SW. Returns 0, or 2 after one line naming the bad
 * option (or 1 after --help was printed: exit 0). */
static int parse_options(int argc, char **argv, struct sweep *sw)
{
	char cmodels[128], models_help[512];
	bool quick = false, full = false, axis = false, no_axis = false;
	unsigned long repeat = 0;
	const struct cli_opt opts[] = {
		{"--models", "a,b", CLI_CALL, sw, .call = parse_models,
		 .help = models_help},
		{"--concurrency", "LIST", CLI_CALL, sw, .call = parse_conc,
		 .hint = "give up to " STR(MAX_CONC) " counts 1..100000, comma-separated, "
			 "e.g. 1,10,100",
		 .help = "C values, e.g. 1,10,100 (default 1,10,100,1000)"},
		{"--tls", NULL, CLI_FLAG, &sw->tls,
		 .help = "the sweep over HTTPS (the embedded server's CA verified)"},
		{"--connections", "MODE", CLI_CALL, &sw->connections, .call = parse_connections,
		 .hint = "give reuse (keep-alive) or fresh (one per request)",
		 .help = "reuse (default): keep-alive; fresh: a connection and a\n"
		 "full TLS handshake per request, for every point"},
		{"--connections-axis", NULL, CLI_FLAG, &axis,
		 .help = "every model at C = 100, delay 50 ms, over http and\n"
		 "https, connections reused and fresh, and the chart\n"
		 "of where the time goes (on by default, off with\n"
		 "--quick, --rate or --no-connections-axis)"},
		{"--no-connections-axis", NULL, CLI_FLAG, &no_axis,
		 .help = "leave the connections axis out"},
		{"--full", NULL, CLI_FLAG, &full,
		 .help = "C = 1,10,100,1000,3000,10000, and C10K as it really\n"
		 "is: each concurrent C model with -n 30000 -c 10000\n"
		 "--delay 1s (data/c10k-summary.csv)"},
		{"--rate", "LIST", CLI_CALL, sw, .call = parse_rates,
		 .hint = "give up to " STR(MAX_RATES) " rates in requests/s, comma-separated, "
			 "e.g. 20,40,80,160 (each above 0, at most 1000000)",
		 .help = "open loop: sweep offered rates (req/s) instead of C,\n"
		 "e.g. 20,40,80,160; each point ~1 s of arrivals at\n"
		 "most C in flight (--concurrency C, default 1000);\n"
		 "default --out is results/open-loop"},
		{"--work", "LIST", CLI_CALL, sw, .call = parse_work,
		 .hint = "give up to " STR(MAX_WORK) " durations, comma-separated, e.g. 0,500us,1ms,2ms "
			 "(each at most 1s), or none",
		 .help = "the work axis: CPU per response, every model at C = 100\n"
		 "and delay 10ms (default 0,500us,1ms,2ms; none: skip it)"},
		{"--delay", "SPEC", CLI_STR, &sw->delay,
		 .help = "server delay per request (default 50ms)"},
		{"--size", "SPEC", CLI_STR, &sw->size,
		 .help = "body size per request (default 1k)"},
		{"--repeat", "N", CLI_COUNT, &repeat, .min = 1, .max = 100,
		 .hint = "give a count from 1 to 100",
		 .help = "runs per point; the table shows the median (default 3)"},
		{"--requests-scale", "F", CLI_NUM, &sw->scale, .min = 0, .max = 100,
		 .hint = "give a factor above 0 and at most 100, e.g. 0.1",
		 .help = "scale each point's requests (default 1: ~1 s a point)"},
		{"--quick", NULL, CLI_FLAG, &quick,
		 .help = "--repeat 1 --requests-scale 0.1 (a smoke test)"},
		{"--out", "DIR", CLI_CALL, sw, .call = parse_out,
		 .hint = "give a directory, e.g. --out /tmp/mine",
		 .help = "where data/ and charts/ go (default ./results,\n"
		 "or $FETCHLAB_ROOT/results)"},
		{"--server", "URL", CLI_STR, &sw->server,
		 .help = "measure against the fetchlab-server at URL (fetchlab\n"
		 "serve --host ADDR on another machine) instead of the\n"
		 "embedded one; no connections axis"},
		{"--ca", "FILE", CLI_STR, &sw->ca,
		 .help = "with an https:// --server: the ca.pem it printed"},
		{NULL},
	};
	const char *why;
	double size;
	int rc;

	cli_model_names(cmodels, sizeof cmodels, false, ",");
	snprintf(models_help, sizeof models_help, "models to compare (default: every "
		 "C model built of\n%s,\nand python-asyncio,python-threads, dashed on "
		 "the\ncharts, up to C = 1000, except in a --rate sweep)", cmodels);
	rc = cli_opts_parse("fetchlab compare", opts, argc, argv, compare_usage);
	if (rc != 0)
		return rc;
	/* --quick: what --repeat and --requests-scale do not say. */
	sw->repeat = repeat ? (int)repeat : quick ? 1 : 3;
	sw->scale = sw->scale > 0 ? sw->scale : quick ? 0.1 : 1.0;
	if (axis || no_axis)
		sw->conn_axis = axis && !no_axis;
	else if (quick)
		sw->conn_axis = 0;
	if (full) {
		sw->c10k = true;
		if (sw->nconc == 0)
			parse_conc("1,10,100,1000,3000,10000", sw);
		sw->conc_opt = "--full";
	}
	if (sw->nrates > 0 && sw->nconc > 1) {
		fprintf(stderr, "fetchlab compare: %s: with --rate give one "
			"concurrency, the cap on requests in flight (default %u)\n",
			sw->conc_opt, RATE_CMAX);
		return 2;
	}
	if (sw->nrates > 0 && sw->nwork > 0) {
		fprintf(stderr, "fetchlab compare: --work with --rate: the work axis "
			"is a closed-loop sweep; run it without --rate\n");
		return 2;
	}
	if (sw->tls && sw->server) {
		fprintf(stderr, "fetchlab compare: --tls is for the embedded server; "
			"with --server, give its https:// URL (and --ca FILE)\n");
		return 2;
	}
	if (sw->ca && !sw->server) {
		fprintf(stderr, "fetchlab compare: --ca is for an https:// --server; "
			"the embedded server needs none\n");
		return 2;
	}
	/* The connections axis compares http with https on servers of its own. */
	if (sw->server && sw->conn_axis == 1) {
		fprintf(stderr, "fetchlab compare: --connections-axis runs on embedded "
			"servers of its own, not on --server; leave one of them out\n");
		return 2;
	}
	if (sw->server)
		sw->conn_axis = 0;
	if (!sw->work_given && sw->nrates == 0)
		parse_work("0,500us,1ms,2ms", sw);
	if (sw->nconc == 0 && sw->nrates > 0) {
		sw->conc[0] = RATE_CMAX;
		sw->nconc = 1;
	}
	if (sw->nconc == 0)
		parse_conc("1,10,100,1000", sw);
	/* The models' own grammar and limits (libfetchlab), checked before
	 * the sweep starts rather than failing every point. */
	if (fl_spec_mean(sw->delay, true, &sw->delay_us, &why) < 0 ||
	    (sw->delay_us < 1 && (why = "is too short for a sweep; give at least 1us"))) {
		fprintf(stderr, "fetchlab compare: --delay '%s' %s\n", sw->delay, why);
		return 2;
	}
	if (fl_spec_mean(sw->size, false, &size, &why) < 0) {
		fprintf(stderr, "fetchlab compare: --size '%s' %s\n", sw->size, why);
		return 2;
	}
	if (sw->nmodels == 0)
		/* The Python peers too, dashed on the charts; they have no
		 * open loop, so not in a --rate sweep. */
		sw->nmodels = cli_default_models("fetchlab compare", sw->nrates == 0,
						 sw->models, MAX_MODELS);
	for (int m = 0; m < sw->nmodels && sw->nrates > 0; m++)
		if (is_peer(sw->models[m])) {
			fprintf(stderr, "fetchlab compare: --rate with --models %s: a "
				"peer runs a closed loop only; leave it out of --models\n",
				sw->models[m]);
			return 2;
		}
	return sw->nmodels > 0 ? 0 : 2;
}

/* mkdir -p for PATH (modified and restored). Returns 0 or -1 with errno. */
static int make_dirs(char *path)
{
	for (char *p = path + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(path, 0777) < 0 && errno != EEXIST) {
			*p = c;
			return -1;
		}
		*p = c;
		if (c == '\0')
			return 0;
	}
}

/* The files a run puts in --out; everything else there is left alone
 * (results/ also holds the README, bench.md and open-loop/). */
static const char *const placed[] = {"data", "charts", "machine.txt"};

/* Remove the staging directories in DIR that a compare killed outright
 * (SIGKILL, a power cut) left behind: we hold the lock, so none is live. */
static void remove_stale(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(dir);

	while (d != NULL && (e = readdir(d)) != NULL)
		if (strncmp(e->d_name, ".compare-", 9) == 0) {
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			cli_remove_tree(path);
		}
	if (d != NULL)
		closedir(d);
}

/* A run is written into a staging directory inside --out (STAGE, of size
 * N, becomes SW->out) and swapped into place only once every file is
 * written and every chart drawn: a compare that is interrupted, fails or
 * dies leaves --out as it was. A lock on --out keeps a second compare out.
 * Returns 0, or 2 after a line naming --out. */
static int stage_out(struct sweep *sw, char *stage, size_t n)
{
	snprintf(stage, n, "%s", sw->final);
	if (make_dirs(stage) < 0 ||
	    (sw->lock = open(sw->final, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "fetchlab compare: --out %s: cannot create it (%s); "
			"give a writable directory\n", sw->final, strerror(errno));
		return 2;
	}
	if (flock(sw->lock, LOCK_EX | LOCK_NB) < 0) {
		fprintf(stderr, "fetchlab compare: --out %s: another compare is "
			"writing there; wait for it, or give another --out\n", sw->final);
		return 2;
	}
	remove_stale(sw->final);
	snprintf(stage, n, "%s/.compare-XXXXXX", sw->final);
	if (mkdtemp(stage) == NULL) {
		fprintf(stderr, "fetchlab compare: --out %s: cannot write in it (%s); "
			"give a writable directory\n", sw->final, strerror(errno));
		return 2;
	}
	sw->out = stage;
	return 0;
}

/* Every chart in DIR/charts has bytes (gnuplot exits 0 on a full disk).
 * Returns 0, or 1 after a line naming the first empty one. */
static int check_charts(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	struct stat st;
	DIR *d;
	int rc = 0;

	snprintf(path, sizeof path, "%s/charts", dir);
	if ((d = opendir(path)) == NULL)
		return 1;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/charts/%s", dir, e->d_name);
		if (stat(path, &st) < 0 || st.st_size == 0) {
			fprintf(stderr, "fetchlab compare: chart %s is empty (a full "
				"disk?)\n", e->d_name);
			rc = 1;
		}
	}
	closedir(d);
	return rc;
}

/* Swap the staged run into --out: each of placed[] trades places with the
 * old one (renameat2 RENAME_EXCHANGE: never a moment without it), then the
 * staging directory, now holding the old run, goes. KEEP: the run is not
 * to be placed (interrupted, or a file is missing); the staging directory
 * goes all the same and --out is as it was. Returns 0, or 1 after a line. */
static int place_out(struct sweep *sw, bool keep)
{
	char from[PATH_MAX], to[PATH_MAX];
	int rc = 0;

	for (size_t i = 0; !keep && i < sizeof placed / sizeof placed[0]; i++) {
		snprintf(from, sizeof from, "%s/%s", sw->out, placed[i]);
		snprintf(to, sizeof to, "%s/%s", sw->final, placed[i]);
		if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_EXCHANGE) == 0)
			continue;
		if (errno == ENOENT && rename(from, to) == 0)
			continue;   /* the first run into --out */
		fprintf(stderr, "fetchlab compare: cannot move %s to %s (%s)\n",
			from, to, strerror(errno));
		rc = 1;
		break;
	}
	cli_remove_tree(sw->out);
	close(sw->lock);
	return rc;
}

/* Create DIR/data/hdr and DIR/charts, and DIR/data/summary.csv with its
 * header. Returns 0, or 2 after a line naming --out. */
static int open_out(struct sweep *sw)
{
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/data/hdr", sw->out);
	if (make_dirs(path) < 0)
		goto bad;
	snprintf(path, sizeof path, "%s/charts", sw->out);
	if (make_dirs(path) < 0)
		goto bad;
	snprintf(path, sizeof path, "%s/data/summary.csv", sw->out);
	sw->summary = fopen(path, "w");
	if (sw->summary == NULL)
		goto bad;
	fl_write_summary_header(sw->summary);
	snprintf(path, sizeof path, "%s/data/work-summary.csv", sw->out);
	if (sw->nwork == 0)
		return 0;   /* no work axis this time: none in the new data/ */
	if ((sw->work_summary = fopen(path, "w")) == NULL)
		goto bad;
	fl_write_summary_header(sw->work_summary);
	return 0;
bad:
	fprintf(stderr, "fetchlab compare: --out %s: cannot write %s (%s); "
		"give a writable directory\n", sw->final, path, strerror(errno));
	return 2;
}

/* Write DIR/machine.txt: the hardware, kernel, libraries, server and sweep. */
static int write_machine(const struct sweep *sw, const struct cli_server *server,
			 int argc, char **argv)
{
	char path[PATH_MAX], buf[256];
	time_t t = time(NULL);
	FILE *f;

	snprintf(path, sizeof path, "%s/machine.txt", sw->out);
	f = fopen(path, "w");
	if (f == NULL) {
		fprintf(stderr, "fetchlab compare: --out %s: cannot write %s (%s)\n",
			sw->final, path, strerror(errno));
		return 2;
	}
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %z", localtime(&t));
	fprintf(f, "date:       %s\n", buf);
	cli_describe_machine(f, "%-12s%s\n");
	cli_command_line("gnuplot --version 2>/dev/null", buf, sizeof buf);
	fprintf(f, "gnuplot:    %s\n", buf);
	cli_git_describe(buf, sizeof buf);
	fprintf(f, "fetchlab:   git %s\n", buf);
	cli_server_describe(f, "server:     ", server);
	fprintf(f, "command:    fetchlab");
	for (int i = 0; i < argc; i++)
		fprintf(f, " %s", argv[i]);
	if (sw->nrates > 0)
		fprintf(f, "\nsweep:      %d models x %d rates (open loop, C = %u) x %d "
			"repeats, delay %s, size %s, requests x%g\n", sw->nmodels,
			sw->nrates, sw->conc[0], sw->repeat, sw->delay, sw->size,
			sw->scale);
	else
		fprintf(f, "\nsweep:      %d models x %d concurrencies x %d repeats, "
			"delay %s, size %s, requests x%g\n", sw->nmodels, sw->nconc,
			sw->repeat, sw->delay, sw->size, sw->scale);
	fprintf(f, "transport:  %s, connections %s\n", sw->tls ? "https (TLS, the "
		"server's certificate verified)" : "http", sw->connections &&
		sw->connections[0] == 'f' ? "fresh (one per request)" : "kept alive");
	if (sw->nwork > 0) {
		fprintf(f, "work axis:  %d models x works", sw->nmodels);
		for (int i = 0; i < sw->nwork; i++)
			fprintf(f, "%s%s", i ? "," : " ", sw->work_spec[i]);
		fprintf(f, " x %d repeats, C = %u, delay %s\n", sw->repeat, WORK_C,
			WORK_DELAY);
	}
	if (fclose(f) != 0) {   /* a full disk shows here */
		fprintf(stderr, "fetchlab compare: --out %s: cannot write %s (%s); "
			"free some space or give another --out\n", sw->final, path,
			strerror(errno));
		return 2;
	}
	return 0;
}

/* Close the summary F (DIR/data/NAME). Returns 0, or 2 after a line naming
 * it when a write failed (a full disk). */
static int close_summary(const struct sweep *sw, FILE *f, const char *name)
{
	bool bad = ferror(f) != 0;
	int err = errno;

	if (fclose(f) != 0 || bad) {
		fprintf(stderr, "fetchlab compare: --out %s: cannot write data/%s (%s); "
			"free some space or give another --out\n", sw->final, name,
			strerror(bad ? (err ? err : EIO) : errno));
		return 2;
	}
	return 0;
}

static bool is_sequential(const char *model)
{
	return strcmp(model, "sync") == 0;   /* one request at a time, whatever C */
}

/* Points per model: one per rate in a rate sweep, else one per C. */
static int sweep_points(const struct sweep *sw)
{
	return sw->nrates > 0 ? sw->nrates : sw->nconc;
}

/* The rate a point is sized for: Little's bound, or a peer's ceiling. */
static double bound_rps(const struct sweep *sw, const char *model, unsigned c)
{
	double bound = (is_sequential(model) ? 1 : c) * 1e6 / sw->delay_us;

	return is_peer(model) ? fmin(bound, PEER_RPS) : bound;
}

/* Requests for one closed-loop point: about POINT_S seconds at the bound,
 * so every point costs the same time; at least 20, and for the concurrent
 * models at least three rounds of C, so C requests really are in flight
 * and there is a steady state after the first round (--quick too).
 * For a rate point (RATE > 0): RATE_S seconds of arrivals, at least 20, but
 * no more than RATE_MAX_S seconds of work at the bound, so a model far past
 * its capacity (sync at 2000 req/s) ends in seconds, not minutes. */
static unsigned point_requests(const struct sweep *sw, const char *model,
			       unsigned c, double rate)
{
	double n;

	if (rate > 0)
		n = fmin(sw->scale * RATE_S * rate, RATE_MAX_S * bound_rps(sw, model, c));
	else
		n = sw->scale * POINT_S * bound_rps(sw, model, c);
	if (n < 20)
		n = 20;
	if (rate <= 0 && !is_sequential(model) && n < 3.0 * c)
		n = 3.0 * c;   /* three rounds: a steady state after the first */
	return n > 10000000 ? 10000000 : (unsigned)lround(n);
}

/* Requests for one point of the work axis: about WORK_S seconds at the
 * lower of Little's bound and one core's (1 / work), at least C. */
static unsigned work_requests(const struct sweep *sw, const char *model,
			      double work_us)
{
	double rps = is_sequential(model) ? 1e6 / (WORK_DELAY_US + work_us)
					  : WORK_C * 1e6 / WORK_DELAY_US;
	double n;

	if (is_peer(model))
		rps = fmin(rps, 1e6 / (work_us + PEER_US));
	else if (work_us > 0)
		rps = fmin(rps, 1e6 / work_us);
	n = fmax(sw->scale * WORK_S * rps, is_sequential(model) ? 20 : WORK_C);
	return (unsigned)lround(n);
}

/* The seconds a point should take: its requests at the bound, or for a
 * rate point its schedule, whichever is longer. */
static double point_seconds(const struct sweep *sw, const char *model,
			    unsigned c, double rate)
{
	unsigned n = point_requests(sw, model, c, rate);
	double s = n / bound_rps(sw, model, c);

	if (rate > 0)
		s = fmax(s, n / rate);
	return s + 0.05;
}

/* Whether point I of the sweep is run for MODEL: every point, but the
 * peers' concurrency points stop at PEER_CMAX. */
static bool in_sweep(const struct sweep *sw, const char *model, int i)
{
	return sw->nrates > 0 || !is_peer(model) || sw->conc[i] <= PEER_CMAX;
}

/* The points MODEL runs, its work axis too, each --repeat times. */
static int model_points(const struct sweep *sw, const char *model)
{
	int n = sw->nwork;

	for (int i = 0; i < sweep_points(sw); i++)
		n += in_sweep(sw, model, i);
	return n * sw->repeat;
}

/* The seconds MODEL's part of the sweep should take, its timeline too. */
static double model_seconds(const struct sweep *sw, const char *model)
{
	double s = is_sequential(model) ? 2.0 : 0.3;   /* 40 requests of ~50 ms */

	if (sw->nrates > 0)
		s = 0;   /* no timeline */
	for (int i = 0; i < sweep_points(sw); i++)
		s += !in_sweep(sw, model, i) ? 0 : sw->repeat * (sw->nrates > 0
			? point_seconds(sw, model, sw->conc[0], sw->rates[i])
			: point_seconds(sw, model, sw->conc[i], 0));
	for (int i = 0; i < sw->nwork; i++)
		s += sw->repeat * (WORK_S * sw->scale + 0.05);
	return s;
}

/* Seconds left: the planned time left, scaled by how the points so far
 * compared with their plan. */
static double eta_s(const struct sweep *sw)
{
	double elapsed = fl_now_ns() / 1e9 - (sw->t0.tv_sec + sw->t0.tv_nsec / 1e9);

	if (sw->planned_done <= 0)
		return sw->planned_total;
	return (sw->planned_total - sw->planned_done) * elapsed / sw->planned_done;
}

/* On a terminal, redraw the one progress line: WHAT is running now. */
static void progress_bar(const struct sweep *sw, const char *what)
{
	int width = 24, fill = sw->done * width / sw->total;

	if (!isatty(STDERR_FILENO))
		return;
	fprintf(stderr, "\r[%.*s%*s] %3d/%d  %-32s ETA %3.0f s\033[K", fill,
		"########################", width - fill, "", sw->done, sw->total,
		what, eta_s(sw));
}

/* Not on a terminal (a log, CI): one plain line per point, after it; an
 * open-loop point adds its p99 from the due time (P99_DUE_US, else NAN). */
static void progress_line(const struct sweep *sw, const char *what, double rps,
			  double p99_us, double p99_due_us)
{
	char due[48] = "";

	if (isatty(STDERR_FILENO))
		return;
	if (!isnan(p99_due_us))
		snprintf(due, sizeof due, ", from due %.1f ms", p99_due_us / 1e3);
	fprintf(stderr, "compare: %3d/%d %s: %.1f req/s, p99 %.1f ms%s, ETA %.0f s\n",
		sw->done, sw->total, what, rps, p99_us / 1e3, due, eta_s(sw));
}

/* One run of a model: what it is given beyond the sweep's --size, and
 * the sweep's server and --connections unless it names its own. */
struct run {
	const char *model;
	unsigned n, c;
	const char *delay;
	double rate;                    /* > 0: open loop at RATE req/s */
	const char *work;               /* --work SPEC, or NULL */
	const char *hdr, *records;      /* --hdr FILE, --records FILE, or NULL */
	const struct cli_server *srv;   /* NULL: the sweep's */
	const char *connections;        /* NULL: the sweep's --connections */
};

/* Run R: its JSON summary into *JSON, its rusage into *RU, and into TRY
 * (N bytes) what follows "fetchlab run MODEL" to repeat it by hand, made
 * from the same options. Returns as cli_run_model. */
static int run_model(const struct sweep *sw, const struct run *r, char **json,
		     struct rusage *ru, char *try, size_t n)
{
	const struct cli_server *srv = r->srv ? r->srv : sw->srv;
	const char *conn = r->connections ? r->connections : sw->connections;
	char n_arg[16], c_arg[16], rate[32];
	char *args[24] = {"-n", n_arg, "-c", c_arg, "--delay", (char *)r->delay,
			  "--size", (char *)sw->size};
	int argc = 8, shown;

	snprintf(n_arg, sizeof n_arg, "%u", r->n);
	snprintf(c_arg, sizeof c_arg, "%u", r->c);
	snprintf(rate, sizeof rate, "%g", r->rate);
#define ARG(opt, value) (args[argc++] = (opt), args[argc++] = (char *)(value))
	if (r->rate > 0)
		ARG("--rate", rate);
	if (r->work)
		ARG("--work", r->work);
	if (conn)
		ARG("--connections", conn);
	shown = argc;   /* the rest names files of this run and the server */
	args[argc++] = "--json";
	if (r->hdr)
		ARG("--hdr", r->hdr);
	if (r->records)
		ARG("--records", r->records);
	if (srv->tls && srv->ca[0])   /* a --server's without --ca: the system's */
		ARG("--ca", srv->ca);
#undef ARG
	args[argc] = NULL;
	try[0] = '\0';
	for (int i = 0; i < shown; i++)
		snprintf(try + strlen(try), n - strlen(try), " %s", args[i]);
	if (srv->remote)
		snprintf(try + strlen(try), n - strlen(try), " --server %s%s%s", srv->url,
			 srv->ca[0] ? " --ca " : "", srv->ca);
	else if (srv->tls)
		snprintf(try + strlen(try), n - strlen(try), " --tls");
	return cli_run_model(r->model, srv->url, args, json, ru);
}

/* A measured run: its figures (strings in strings[]), its rusage. */
struct measured {
	union fl_value v[FL_M_COUNT];
	char strings[1024];
	struct rusage ru;
};

/* Run R into *M, with the figures only the driver knows: its repeat REP,
 * the model's start-up CPU BASE, and the child's own rusage (wait4),
 * which includes its start and exit; then append its row to CSV.
 * Returns 0; 1 after a line saying what failed and how to repeat it; 130
 * if interrupted. */
static int measure(const struct sweep *sw, const struct run *r, int rep,
		   double base, FILE *csv, struct measured *m)
{
	char try[PATH_MAX + 512], *json = NULL;
	union fl_value *v = m->v;
	const struct rusage *ru = &m->ru;
	const char *why;
	int rc = run_model(sw, r, &json, &m->ru, try, sizeof try);

	if (rc != 0 || cli_read_figures("fetchlab compare", r->model, json, v, m->strings,
					  sizeof m->strings) < 0) {
		if (isatty(STDERR_FILENO))
			fputc('\n', stderr);
		fprintf(stderr, "fetchlab compare: %s%s failed (exit status %d); try: "
			"fetchlab run %s%s\n", r->model, try, rc, r->model, try);
		free(json);
		return rc == 130 ? 130 : 1;
	}
	free(json);   /* M's strings are in m->strings, not in it */
	if (v[FL_M_INTERRUPTED].flag || spawn_stopping())
		return 130;
	v[FL_M_MODEL].str = r->model;
	v[FL_M_CONCURRENCY].num = r->c;
	v[FL_M_DELAY].str = r->delay;
	fl_spec_mean(r->delay, true, &v[FL_M_DELAY_MEAN].num, &why);   /* checked */
	v[FL_M_SIZE].str = sw->size;
	v[FL_M_REPEAT].num = rep;
	v[FL_M_ERRORS].num = v[FL_M_REQUESTS].num - v[FL_M_OK].num;
	v[FL_M_CPU_USER].num = ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6;
	v[FL_M_CPU_SYS].num = ru->ru_stime.tv_sec + ru->ru_stime.tv_usec / 1e6;
	v[FL_M_PEAK_RSS].num = (double)ru->ru_maxrss;
	v[FL_M_CTX_VOLUNTARY].num = (double)ru->ru_nvcsw;
	v[FL_M_CTX_INVOLUNTARY].num = (double)ru->ru_nivcsw;
	v[FL_M_CPU_BASE].num = base;
	fl_write_summary_row(csv, v);
	fflush(csv);
	return 0;
}

/* Run point I of model M once, repeat REP: at the I-th C, or at the I-th
 * rate (open loop, at most C in flight) in a rate sweep; or with WORK, the
 * I-th point of the work axis, into the work summary. Returns as measure. */
static int run_point(struct sweep *sw, int m, int i, bool work, int rep)
{
	const char *model = sw->models[m];
	bool open = !work && sw->nrates > 0;
	unsigned c = work ? WORK_C : open ? sw->conc[0] : sw->conc[i];
	double rate = open ? sw->rates[i] : 0;
	char hdr[PATH_MAX], what[64];
	const struct run r = {.model = model, .c = c, .rate = rate,
			      .delay = work ? WORK_DELAY : sw->delay,
			      .work = work ? sw->work_spec[i] : NULL,
			      .hdr = work ? NULL : hdr,
			      .n = work ? work_requests(sw, model, sw->work[i])
					: point_requests(sw, model, c, rate)};
	struct measured pt;
	int rc;

	/* Every repeat writes the same file: the last repeat's is kept. */
	snprintf(hdr, sizeof hdr, "%s/data/hdr/%s-%c%g.csv", sw->out, model,
		 open ? 'r' : 'c', open ? rate : c);
	if (work)
		snprintf(what, sizeof what, "%s work %s", model, sw->work_spec[i]);
	else
		snprintf(what, sizeof what, "%s %s=%g", model, open ? "R" : "C",
			 open ? rate : c);
	snprintf(what + strlen(what), sizeof what - strlen(what), " repeat %d/%d",
		 rep, sw->repeat);
	progress_bar(sw, what);
	if ((rc = measure(sw, &r, rep, sw->base[m], work ? sw->work_summary :
			  sw->summary, &pt)) != 0)
		return rc;   /* 130: SIGTERM between two points stops all the same */
	sw->done++;
	sw->planned_done += work ? WORK_S * sw->scale + 0.05
				 : point_seconds(sw, model, c, rate);
	progress_line(sw, what, pt.v[FL_M_THROUGHPUT].num, pt.v[FL_M_LAT_P99].num,
		      open ? pt.v[FL_M_DUE_P99].num : NAN);
	return 0;
}

/* MODEL's fixed CPU cost, seconds, into *BASE: the least user + sys time
 * of three one-request runs. Start-up (libcurl's TLS library initialises
 * itself) is tens of ms, which would swamp the per-request cost of short
 * points. Returns the first failing run's exit status (CLI_SKIP: a peer
 * that cannot run here, after its line saying why), else 0. */
static int cpu_baseline(const struct sweep *sw, const char *model, double *base)
{
	const struct run r = {.model = model, .n = 1, .c = 1, .delay = "0ms"};
	char try[PATH_MAX + 512];

	*base = 0;
	for (int i = 0; i < 3; i++) {
		char *json = NULL;
		struct rusage ru;
		double cpu;
		int rc = run_model(sw, &r, &json, &ru, try, sizeof try);

		free(json);
		if (rc != 0)
			return rc;   /* not CLI_SKIP: the points will say why */
		cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		      ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
		if (i == 0 || cpu < *base)
			*base = cpu;
	}
	return 0;
}

/* The timeline run of MODEL: 40 requests at C = 8 with varied delays, its
 * per-request records in DIR/data/timeline-MODEL.csv. */
static int run_timeline(struct sweep *sw, const char *model)
{
	char records[PATH_MAX], try[PATH_MAX + 512], *json = NULL;
	const struct run r = {.model = model, .n = 40, .c = 8, .delay = "10ms..90ms",
			      .records = records};
	struct rusage ru;
	int rc;

	snprintf(records, sizeof records, "%s/data/timeline-%s.csv", sw->out, model);
	rc = run_model(sw, &r, &json, &ru, try, sizeof try);
	free(json);
	if (rc != 0)
		fprintf(stderr, "fetchlab compare: the timeline run of %s failed "
			"(exit status %d); try: fetchlab run %s%s\n", model, rc, model, try);
	return rc;
}

/* C10K, as it really is: model M (a concurrent C model) with 10,000
 * requests in flight, with a delay long enough (1 s) that the client is
 * not the bound, 30,000 requests so the steady window spans two rounds.
 * Its row goes to CSV and a line to stderr: the concurrency achieved, the
 * connections that held it. Returns 0, 1 if it failed (a line says why),
 * 130 if interrupted. */
static int run_c10k(struct sweep *sw, int m, FILE *csv)
{
	const struct run r = {.model = sw->models[m], .n = 30000, .c = 10000,
			      .delay = "1s"};
	struct measured pt;
	const union fl_value *v = pt.v;
	int rc;

	progress_bar(sw, "C10K: -n 30000 -c 10000 --delay 1s");
	if ((rc = measure(sw, &r, 1, sw->base[m], csv, &pt)) != 0)
		return rc;
	if (isatty(STDERR_FILENO))
		fputc('\n', stderr);
	fprintf(stderr, "compare: C10K %-10s in flight mean %5.0f, peak %5.0f; connections "
		"open at most %5.0f; %6.0f req/s steady, peak RSS %.0f MiB%s\n", r.model,
		v[FL_M_INFLIGHT_MEAN].num, v[FL_M_INFLIGHT_PEAK].num, v[FL_M_CONN_PEAK].num,
		v[FL_M_STEADY].num, v[FL_M_PEAK_RSS].num / 1024,
		v[FL_M_INFLIGHT_MEAN].num < 9000 ? "   (C NOT REACHED)" : "");
	return 0;
}

/* Open DIR/data/NAME with its header. Returns it, or NULL after a line. */
static FILE *open_axis(const struct sweep *sw, const char *name)
{
	char path[PATH_MAX];
	FILE *csv;

	snprintf(path, sizeof path, "%s/data/%s", sw->out, name);
	if ((csv = fopen(path, "w")) == NULL)
		fprintf(stderr, "fetchlab compare: cannot write %s (%s)\n", path,
			strerror(errno));
	else
		fl_write_summary_header(csv);
	return csv;
}

/* The C10K runs of --full: every concurrent C model in the sweep (sync
 * would take 30,000 s; the peers are not C). Returns as run_c10k. */
static int run_c10ks(struct sweep *sw, int *failed)
{
	FILE *csv = open_axis(sw, "c10k-summary.csv");
	int rc = 0;

	if (csv == NULL) {
		(*failed)++;
		return 0;
	}
	for (int m = 0; m < sw->nmodels && rc != 130; m++)
		if (!is_sequential(sw->models[m]) && !is_peer(sw->models[m])) {
			rc = run_c10k(sw, m, csv);
			*failed += rc == 1;
		}
	*failed += close_summary(sw, csv, "c10k-summary.csv") != 0;
	return rc;
}

/* The connections axis: what a connection costs. Every model at CONN_C,
 * delay 50 ms, over http and https, its connections kept alive (reuse) or
 * one per request (fresh: a TCP connect and a full TLS handshake each, what
 * an aiohttp.ClientSession per fetch costs). One run of each into
 * DIR/data/connections-summary.csv; conn.gp draws where the time went. */
#define CONN_C 100u
static const char *const conn_modes[] = {"reuse", "fresh"};

/* One run of model M over SRV (http or https) with MODE. Returns as run_point. */
static int run_conn_point(struct sweep *sw, const struct cli_server *srv, int m,
			  const char *mode, FILE *csv)
{
	const char *model = sw->models[m];
	/* Reused connections: ten requests each, so the first handshakes
	 * weigh as they would in a longer run; fresh ones cost the same each. */
	unsigned n = is_sequential(model) ? 20 : (mode[0] == 'r' ? 10 : 3) * CONN_C;
	const struct run r = {.model = model, .c = CONN_C, .delay = "50ms", .srv = srv,
			      .connections = mode, .n = (unsigned)fmax(
				      is_sequential(model) ? 4 : CONN_C, n * sw->scale)};
	struct measured pt;
	const union fl_value *v = pt.v;
	char what[96];
	int rc;

	snprintf(what, sizeof what, "connections: %s %s %s", model,
		 srv->tls ? "https" : "http", mode);
	progress_bar(sw, what);
	if ((rc = measure(sw, &r, 1, sw->base[m], csv, &pt)) != 0)
		return rc;
	if (isatty(STDERR_FILENO))
		fputc('\n', stderr);
	fprintf(stderr, "compare: %-15s %-5s %-5s %6.0f req/s, CPU %.3f ms/request, "
		"%4.0f connections, %4.0f full handshakes; connect %.2f + TLS %.2f + "
		"wait %.2f + transfer %.2f ms\n", model, srv->tls ? "https" : "http", mode,
		v[FL_M_THROUGHPUT].num, fl_metrics[FL_M_CPU_PER_REQ].derive(
			(double[FL_M_COUNT]){[FL_M_CPU_USER] = v[FL_M_CPU_USER].num,
			[FL_M_CPU_SYS] = v[FL_M_CPU_SYS].num, [FL_M_CPU_BASE] = sw->base[m],
			[FL_M_REQUESTS] = v[FL_M_REQUESTS].num}),
		v[FL_M_CONNECTIONS].num, v[FL_M_TLS_FULL].num, v[FL_M_CONNECT_MEAN].num / 1e3,
		v[FL_M_HANDSHAKE_MEAN].num / 1e3, v[FL_M_WAIT_MEAN].num / 1e3,
		v[FL_M_TRANSFER_MEAN].num / 1e3);
	return 0;
}

/* The connections axis over the sweep's models, over http and https: the
 * sweep's server SWEPT for the one it speaks, one of its own for the
 * other. Returns as run_c10ks. */
static int run_conn_axis(struct sweep *sw, const struct cli_server *swept, int *failed)
{
	struct cli_server own[2] = {{.tls = false}, {.tls = true}};
	const struct cli_server *srv[2];
	FILE *csv = open_axis(sw, "connections-summary.csv");
	int rc = 0, bad = csv == NULL;

	for (int s = 0; s < 2; s++) {
		srv[s] = swept->tls == own[s].tls ? swept : &own[s];
		bad = bad || (srv[s] == &own[s] && cli_server_start(&own[s]) < 0);
	}
	for (int m = 0; m < sw->nmodels && rc != 130 && !bad; m++)
		for (int s = 0; s < 2 && rc != 130; s++)
			for (int k = 0; k < 2 && rc != 130; k++) {
				rc = run_conn_point(sw, srv[s], m, conn_modes[k], csv);
				*failed += rc == 1;
			}
	for (int s = 0; s < 2; s++)
		cli_server_stop(&own[s]);   /* one never started: nothing to do */
	if (bad)
		fprintf(stderr, "fetchlab compare: no connections axis\n");
	*failed += bad || (csv && close_summary(sw, csv, "connections-summary.csv") != 0);
	return rc;
}

int cmd_compare(int argc, char **argv)
{
	struct sweep sw = {
		.delay = "50ms", .size = "1k", .conn_axis = -1,
	};
	struct cli_server server = {0};
	char out[PATH_MAX], stage[PATH_MAX - 64];   /* room for the names below it */
	int rc, failed = 0, plotted;

	if (getenv("FETCHLAB_ROOT"))
		snprintf(out, sizeof out, "%s/results", getenv("FETCHLAB_ROOT"));
	else
		snprintf(out, sizeof out, "results");
	sw.out = sw.final = out;
	rc = parse_options(argc, argv, &sw);
	if (rc != 0)
		return rc == 1 ? 0 : rc;
	/* A rate sweep keeps its own directory, so it never replaces the
	 * concurrency sweep's data (plot.c draws what the data holds). */
	if (sw.nrates > 0 && !sw.out_given)
		snprintf(out + strlen(out), sizeof out - strlen(out), "/open-loop");
	/* A user's server is probed before --out is touched. */
	if (sw.server && cli_server_use(&server, "fetchlab compare", sw.server, sw.ca) < 0)
		return 2;
	sw.tls |= server.tls;   /* an https:// --server: the transport machine.txt names */
	if (stage_out(&sw, stage, sizeof stage) != 0)
		return 2;
	if (open_out(&sw) != 0 || write_machine(&sw, &server, argc, argv) != 0) {
		place_out(&sw, true);
		return 2;
	}
	for (int m = 0; m < sw.nmodels; m++) {
		sw.planned_total += model_seconds(&sw, sw.models[m]);
		if (sw.c10k && !is_sequential(sw.models[m]) && !is_peer(sw.models[m]))
			sw.planned_total += 5.0;   /* 30,000 requests at 10,000 / s, and start */
	}
	for (int m = 0; m < sw.nmodels; m++)
		sw.total += model_points(&sw, sw.models[m]);
	if (sw.nrates > 0)
		fprintf(stderr, "fetchlab compare: %d models x %d rates (open loop, "
			"C = %u) x %d repeats, delay %s, size %s: about %.0f s, then "
			"the charts in %s/charts\n", sw.nmodels, sw.nrates, sw.conc[0],
			sw.repeat, sw.delay, sw.size, sw.planned_total, sw.final);
	else
		fprintf(stderr, "fetchlab compare: %d models x (%d concurrencies + %d works) "
			"x %d repeats, delay %s, size %s: about %.0f s, then the charts in "
			"%s/charts\n", sw.nmodels, sw.nconc, sw.nwork, sw.repeat, sw.delay,
			sw.size, sw.planned_total, sw.final);
	server.tls = sw.tls;
	if (!server.remote && cli_server_start(&server) < 0) {
		fclose(sw.summary);
		if (sw.work_summary)
			fclose(sw.work_summary);
		place_out(&sw, true);
		return 1;
	}
	/* Ctrl-C reaches the models through the terminal; each writes what it
	 * measured, and we stop the sweep, show the points so far and leave
	 * --out as it was. */
	signal(SIGINT, SIG_IGN);
	spawn_term_as_interrupt();   /* and SIGTERM, SIGHUP the same way */
	sw.srv = &server;
	clock_gettime(CLOCK_MONOTONIC, &sw.t0);
	for (int m = 0; m < sw.nmodels && rc != 130; m++) {
		if (cpu_baseline(&sw, sw.models[m], &sw.base[m]) == CLI_SKIP) {
			fprintf(stderr, "fetchlab compare: skipping %s\n", sw.models[m]);
			sw.total -= model_points(&sw, sw.models[m]);
			sw.planned_total -= model_seconds(&sw, sw.models[m]);
			sw.nmodels--;   /* drop it from the list: no timeline either */
			for (int k = m--; k < sw.nmodels; k++)
				sw.models[k] = sw.models[k + 1];
			continue;
		}
		/* Its sweep points, then its work axis. */
		for (int i = 0, np = sweep_points(&sw); i < np + sw.nwork && rc != 130; i++)
			for (int r = 1; (i >= np || in_sweep(&sw, sw.models[m], i)) &&
			     r <= sw.repeat && rc != 130; r++) {
				rc = run_point(&sw, m, i < np ? i : i - np, i >= np, r);
				failed += rc != 0;
			}
	}
	/* The timelines are closed-loop runs: a rate sweep has none. */
	if (sw.nrates == 0)
		progress_bar(&sw, "timelines (40 requests at C = 8)");
	for (int m = 0; m < sw.nmodels && rc != 130 && sw.nrates == 0; m++)
		failed += run_timeline(&sw, sw.models[m]) != 0;
	if (sw.c10k && sw.nrates == 0 && rc != 130)
		rc = run_c10ks(&sw, &failed);
	if (sw.conn_axis != 0 && sw.nrates == 0 && rc != 130)
		rc = run_conn_axis(&sw, &server, &failed);
	cli_server_stop(&server);
	if (isatty(STDERR_FILENO))
		fputc('\n', stderr);
	if (close_summary(&sw, sw.summary, "summary.csv") != 0 ||
	    (sw.work_summary && close_summary(&sw, sw.work_summary, "work-summary.csv") != 0)) {
		place_out(&sw, true);   /* a partial run: --out stays as it was */
		return 2;
	}
	if (rc == 130)
		fprintf(stderr, "fetchlab compare: interrupted: the %d points "
			"measured are below; %s is left as it was\n", sw.done, sw.final);
	fprintf(stderr, "fetchlab compare: %d points%s in %.1f s\n", sw.done,
		sw.nrates > 0 ? "" : " and the timelines",
		fl_now_ns() / 1e9 - (sw.t0.tv_sec + sw.t0.tv_nsec / 1e9));
	if (sw.done == 0) {
		place_out(&sw, true);
		return rc == 130 ? 130 : 1;
	}
	cli_server_describe(stdout, "measured against ", &server);
	plotted = cli_plot(sw.out, true, sw.final);
	if (plotted == 0)
		plotted = check_charts(sw.out);
	if (plotted != 0 && rc != 130)
		fprintf(stderr, "fetchlab compare: %s is left as it was\n", sw.final);
	if (place_out(&sw, rc == 130 || plotted != 0) != 0)
		plotted = 1;
	if (rc == 130)
		return 130;   /* interrupted: that first, whatever the charts did */
	return plotted != 0 ? plotted : failed ? 1 : 0;
}
