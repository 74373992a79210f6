/* demo.c - `fetchlab demo`: the models race on the same workload at the
 * same time, against one embedded server, drawn live for a classroom.
 *
 * Each model runs in its own child process, as in `fetchlab run`, but all
 * of them at once: the driver starts them without waiting (start_racer),
 * then watches them through their --progress files (progress.h), which it
 * maps too. Counters are read, never written: a watched model runs exactly
 * as it does unwatched. A model still running at --deadline gets SIGINT;
 * it stops claiming requests, writes its partial JSON marked interrupted
 * and exits 130, and the table shows how far it got.
 *
 * On a terminal the view is one line per model, redrawn in place ten times
 * a second with ANSI cursor movement (no curses). Piped, it is a plain
 * progress line a second, so tests and logs can read it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "fetchlab/progress.h"   /* the mapped progress page a model writes */
#include "fetchlab/schema.h"     /* the figures of its summary */

#include "cli.h"

#define MAX_RACERS 8
#define TICK_NS    100000000LL   /* redraw and poll every 100 ms */
#define SAMPLE_NS  200000000LL   /* --gif: one frame per 200 ms of race */
#define KILL_AFTER 5.0           /* s after the deadline: SIGKILL the stuck */
#define TL_MAX     64            /* --timeline: requests per model, at most */

/* One model in the race. */
struct racer {
	const char *model;
	struct spawn proc;          /* pid 0 once reaped; status; rusage; the
				     * deadline's SIGINT (interrupted) */
	struct fl_progress *prog;   /* its mapped --progress file */
	uint32_t *scratch;          /* latencies copied for the p99 */
	int place;                  /* 1st, 2nd...: finished every request */
	double finish_s;            /* when, in seconds since the race began */
	bool summary;               /* it wrote its --json summary: v[] */
	union fl_value v[FL_M_COUNT];   /* the summary's figures (schema.h) */
	char strings[1024];         /* the strings among them */
	char file[PATH_MAX];        /* tmpdir/I-MODEL: .json .err .progress */
};

/* The demo, as the options asked for it, and its race. */
struct demo {
	unsigned long n, c;
	const char *delay, *size, *seed;
	const char *work;           /* --work, passed to every racer */
	double deadline;            /* s */
	bool timeline;
	const char *gif;            /* output file, or NULL */
	const char *server, *ca;    /* --server URL (a remote fetchlab-server), --ca FILE */
	char where[600];            /* "one server", or "server URL" */
	struct racer r[MAX_RACERS];
	int nracers;
	char model_list[256];       /* the --models copy r[].model points into */
	bool tty, colour;
	int cols;                   /* terminal width */
	int64_t t0_ns;              /* the race began */
	char tmpdir[64];
	FILE *samples;              /* --gif: tmpdir/race.csv */
	int nsamples;
};

static void demo_usage(FILE *out, const struct cli_opt *opts)
{
	fprintf(out,
		"usage: fetchlab demo [options]\n"
		"The models race on the same workload at the same time, against one\n"
		"embedded server: a live bar per model, then the finishing order and a table.\n");
	cli_opts_usage(out, opts);
	fprintf(out,
		"Ctrl-C stops the race; the table shows how far each model got.\n"
		"example: fetchlab demo -n 500 --delay 20ms --deadline 10\n");
}

/* --seed: a whole number, 0 too. */
static int parse_seed(const char *seed, void *to)
{
	unsigned long v;

	*(const char **)to = seed;
	return cli_parse_count(seed, ULONG_MAX, &v) < 0 && strcmp(seed, "0") ? -1 : 0;
}

/* --deadline: seconds, "20" or "20s". */
static int parse_deadline(const char *s, void *to)
{
	char *e;
	double v = strtod(s, &e);

	*(double *)to = v;
	return *s < '0' || *s > '9' || (*e && strcmp(e, "s")) || !(v > 0) ||
	       v > 3600 ? -1 : 0;
}

/* Parse the options into D. Returns 0, 1 after --help (exit 0), or 2 after
 * one line naming the bad option. */
static int parse_options(struct demo *d, int argc, char **argv)
{
	const char *models = NULL, *names[MAX_RACERS];
	char cmodels[128], models_help[256];
	const struct cli_opt opts[] = {
		{"-n", "N", CLI_COUNT, &d->n, .min = 1, .max = 10000000,
		 .hint = "give a count of requests from 1 to 10000000",
		 .help = "requests per model (default 2000)"},
		{"-c", "C", CLI_COUNT, &d->c, .min = 1, .max = 100000,
		 .hint = "give a concurrency from 1 to 100000",
		 .help = "at most C in flight, every model (default 100)"},
		/* the models check the specs, and say why */
		{"--delay", "SPEC", CLI_STR, &d->delay,
		 .help = "server delay per request (default 50ms)"},
		{"--size", "SPEC", CLI_STR, &d->size,
		 .help = "body size per request (default 1k)"},
		{"--work", "SPEC", CLI_STR, &d->work,
		 .help = "client CPU per response, e.g. 2ms: the loop falls behind (default 0)"},
		{"--seed", "N", CLI_CALL, &d->seed, .call = parse_seed,
		 .hint = "give a whole number, e.g. 7",
		 .help = "the workload's seed (default 1)"},
		{"--models", "a,b", CLI_STR, &models, .help = models_help},
		{"--deadline", "S", CLI_CALL, &d->deadline, .call = parse_deadline,
		 .hint = "give seconds above 0 and at most 3600, e.g. 20",
		 .help = "stop the models still running after S seconds (default 20)"},
		{"--timeline", NULL, CLI_FLAG, &d->timeline,
		 .help = "then a run of 30 requests per model, drawn lane by lane"},
		{"--gif", "FILE", CLI_STR, &d->gif,
		 .help = "also write the race as an animated GIF (gnuplot)"},
		{"--server", "URL", CLI_STR, &d->server,   /* cmd_demo probes it */
		 .help = "race against the fetchlab-server at URL (fetchlab serve\n"
			 "--host ADDR on another machine), not the embedded one"},
		{"--ca", "FILE", CLI_STR, &d->ca,
		 .help = "with an https:// --server: the ca.pem it printed"},
		{NULL},
	};
	int rc;

	cli_model_names(cmodels, sizeof cmodels, false, ",");
	snprintf(models_help, sizeof models_help, "the racers (default: every C "
		 "model built of\n%s)", cmodels);
	rc = cli_opts_parse("fetchlab demo", opts, argc, argv, demo_usage);
	if (rc != 0)
		return rc;
	if (d->ca && !d->server) {
		fprintf(stderr, "fetchlab demo: --ca is for an https:// --server; "
			"the embedded server needs none\n");
		return 2;
	}
	d->nracers = models ?
		cli_parse_models("fetchlab demo", models, false, names, MAX_RACERS,
				 d->model_list, sizeof d->model_list) :
		cli_default_models("fetchlab demo", false, names, MAX_RACERS);
	for (int i = 0; i < d->nracers; i++)
		d->r[i].model = names[i];
	return d->nracers > 0 ? 0 : 2;
}

/* --gif needs gnuplot with its gif terminal (libgd), and a writable FILE.
 * Returns 0, or 2 after one line naming --gif. */
static int check_gif(const char *gif)
{
	/* gnuplot exits 1 on a terminal it does not have */
	char *argv[] = {"gnuplot", "-e", "set terminal gif", NULL};
	struct spawn s = {.argv = argv, .err_file = "/dev/null", .null_stdin = true};
	FILE *f;

	if (spawn_run(&s) != 0) {
		fprintf(stderr, "fetchlab demo: --gif %s: no gnuplot with a gif "
			"terminal here (install gnuplot-nox, built with libgd); run the "
			"demo without --gif\n", gif);
		return 2;
	}
	f = fopen(gif, "a");
	if (f == NULL) {
		fprintf(stderr, "fetchlab demo: --gif %s: cannot write it (%s); give "
			"a writable path\n", gif, strerror(errno));
		return 2;
	}
	fclose(f);
	return 0;
}

/* Start R's model on the workload of D against SERVER without waiting for
 * it: stdout (the JSON) and stderr go to R->file.json and .err, progress to
 * R->file.progress, which we create and map first. Returns 0 or -1. */
static int start_racer(struct demo *d, struct racer *r, const char *server)
{
	char path[PATH_MAX], n_arg[24], c_arg[24], prog[PATH_MAX + 16];
	char out[PATH_MAX + 16], err[PATH_MAX + 16];
	char *argv[] = {path, "-n", n_arg, "-c", c_arg, "--delay", (char *)d->delay,
			"--size", (char *)d->size, "--seed", (char *)d->seed,
			"--work", (char *)d->work,
			"--json", "--progress", prog, "--server", (char *)server,
			d->ca ? "--ca" : NULL, (char *)d->ca, NULL};
	size_t size = fl_progress_size((uint32_t)d->n);
	int fd, rc;

	/* The deadline's SIGINT waits for the run (poll_racers arms it). */
	r->proc = (struct spawn){.argv = argv, .out_file = out, .err_file = err,
				 .on_int = SPAWN_INT_STOPS, .status = -1,
				 .kill_after = d->deadline + KILL_AFTER};
	if (cli_model_exec(r->model, path, sizeof path) < 0)
		return -1;
	snprintf(n_arg, sizeof n_arg, "%lu", d->n);
	snprintf(c_arg, sizeof c_arg, "%lu", d->c);
	snprintf(prog, sizeof prog, "%s.progress", r->file);
	snprintf(out, sizeof out, "%s.json", r->file);
	snprintf(err, sizeof err, "%s.err", r->file);
	/* A zero-filled file of the model's size: magic stays 0 until it runs. */
	fd = open(prog, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0 && ftruncate(fd, (off_t)size) == 0)
		r->prog = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	rc = -errno;
	if (fd >= 0)
		close(fd);
	r->scratch = malloc(d->n * sizeof *r->scratch);
	if (r->prog != NULL && r->prog != MAP_FAILED && r->scratch != NULL &&
	    (rc = spawn_start(&r->proc)) == 0)
		return 0;
	fprintf(stderr, "fetchlab demo: cannot start %s (%s: %s)\n", r->model,
		prog, strerror(-rc));
	if (r->prog == MAP_FAILED)
		r->prog = NULL;
	return -1;
}

/* The whole of R's file R->file.EXT (malloc'd), or NULL. */
static char *racer_file(const struct racer *r, const char *ext)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof path, "%s.%s", r->file, ext);
	return cli_slurp(path);
}

/* True once R's model has started its run (its progress header is set). */
static bool running(const struct racer *r)
{
	return r->prog && atomic_load_explicit(&r->prog->magic, memory_order_acquire)
		== FL_PROGRESS_MAGIC;
}

static uint64_t done_of(const struct racer *r)
{
	return running(r) ? atomic_load_explicit(&r->prog->done, memory_order_relaxed) : 0;
}

/* Reap the racers that exited, place those that finished every request
 * (in the order of their end times), and stop the late ones. */
static void poll_racers(struct demo *d)
{
	for (;;) {   /* one place per pass: the earliest unplaced finisher */
		struct racer *first = NULL;
		int place = 1;

		for (int i = 0; i < d->nracers; i++) {
			struct racer *r = &d->r[i];
			int64_t t1 = running(r) ? atomic_load(&r->prog->t1_ns) : 0;

			place += r->place > 0;
			if (r->place == 0 && t1 != 0 && done_of(r) == d->n &&
			    (first == NULL || t1 < atomic_load(&first->prog->t1_ns)))
				first = r;
		}
		if (first == NULL)
			break;
		first->place = place;
		first->finish_s = (atomic_load(&first->prog->t1_ns) - d->t0_ns) / 1e9;
	}
	for (int i = 0; i < d->nracers; i++) {
		struct racer *r = &d->r[i];

		/* The deadline: SIGINT once the model's handler is in place (it
		 * is when magic is set), never to a finisher; SIGKILL at
		 * kill_after if it still has not stopped. */
		r->proc.int_after = r->place == 0 && running(r) ? d->deadline : 0;
		spawn_poll(&r->proc);
	}
}

/* The K-th smallest of A[0..N) (0-based), reordering A: Hoare's
 * quickselect, O(N) on average, so a redraw costs a pass per model. */
static uint32_t kth(uint32_t *a, long n, long k)
{
	long lo = 0, hi = n - 1;

	while (lo < hi) {
		uint32_t pivot = a[lo + (hi - lo) / 2], x;
		long i = lo, j = hi;

		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				x = a[i], a[i++] = a[j], a[j--] = x;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return a[k];   /* between the halves: equal to the pivot */
	}
	return a[k];
}

/* The p99 so far of R's requests done ok, end - due, in ms (0 if none). */
static double p99_ms(const struct demo *d, const struct racer *r)
{
	long m = 0;

	if (!running(r))
		return 0;
	for (unsigned long i = 0; i < d->n; i++) {
		uint32_t us = atomic_load_explicit(&r->prog->latency_us[i],
						   memory_order_relaxed);
		if (us != 0)   /* 0: not done yet, or failed */
			r->scratch[m++] = us;
	}
	return m ? kth(r->scratch, m, (long)ceil(0.99 * m) - 1) / 1e3 : 0;
}

static const char *ordinal(int place)
{
	static const char *const names[] = {"", "1st", "2nd", "3rd", "4th",
					    "5th", "6th", "7th", "8th"};

	return names[place < 9 ? place : 0];
}

/* How R stands, in at most 16 columns, so the table fits 80: "1st 1.06
 * s", "stopped at 20%" (the deadline), "interrupted 53%" (Ctrl-C), "failed:
 * exit 2"... */
static void standing(const struct demo *d, const struct racer *r, char *buf,
		     size_t n)
{
	if (r->place > 0)
		snprintf(buf, n, "%s %.2f s", ordinal(r->place), r->finish_s);
	else if (r->proc.interrupted || r->proc.status == 130)
		snprintf(buf, n, "%s %.0f%%", r->proc.interrupted ? "stopped at" :
			 "interrupted", 100.0 * done_of(r) / d->n);
	else if (r->proc.pid == 0)
		snprintf(buf, n, "failed: exit %d", r->proc.status);
	else if (!running(r))
		snprintf(buf, n, "starting");
	else
		buf[0] = '\0';
}

/* The ANSI escape that sets MODEL's colour, its registry colour in 24 bits
 * (empty without colour). */
static void colour_of(const struct demo *d, const char *model, char *buf, size_t n)
{
	unsigned r = 0x77, g = 0x77, b = 0x77;

	sscanf(cli_model_colour(model), "#%2x%2x%2x", &r, &g, &b);
	if (d->colour)
		snprintf(buf, n, "\033[1;38;2;%u;%u;%um", r, g, b);
	else
		buf[0] = '\0';
}

/* The escape that ends a colour (empty without colour). */
static const char *plain(const struct demo *d)
{
	return d->colour ? "\033[0m" : "";
}

/* One live line: name, bar, done/N, in flight, req/s, p99, standing. The
 * line never reaches the last column, or the terminal would wrap it and
 * the cursor-up redraw would climb too few lines. */
static void draw_line(const struct demo *d, const struct racer *r, int bar)
{
	uint64_t done = done_of(r), claimed = 0;
	int fill = (int)(done * (uint64_t)bar / d->n), room;
	char col[32], rest[160], where[48];
	double secs = 0;

	if (running(r)) {
		int64_t t1 = atomic_load(&r->prog->t1_ns);

		claimed = atomic_load_explicit(&r->prog->claimed, memory_order_relaxed);
		secs = ((t1 ? t1 : fl_now_ns()) - atomic_load(&r->prog->t0_ns)) / 1e9;
	}
	standing(d, r, where, sizeof where);
	colour_of(d, r->model, col, sizeof col);
	snprintf(rest, sizeof rest, " %*lu/%lu  in flight %*lu  %5.0f req/s  "
		 "p99 %5.1f ms  %s", snprintf(NULL, 0, "%lu", d->n),
		 (unsigned long)done, d->n, snprintf(NULL, 0, "%lu", d->c),
		 (unsigned long)(claimed - done), secs > 0 ? done / secs : 0.0,
		 p99_ms(d, r), where);
	room = d->cols - 1 - (9 + 3 + bar);
	printf("\r%s%-9.9s%s [%s%.*s%s%*s]%.*s\033[K\n", col, r->model,
	       plain(d), col, fill,
	       "########################################", plain(d),
	       bar - fill, "", room > 0 ? room : 0, rest);
}

/* Draw the live view; after the first frame, move up over the last one. */
static void draw_live(const struct demo *d, double t, bool first)
{
	/* The bar takes what the rest of the widest line leaves, 10 to 40. */
	int bar = d->cols - 1 - 12 - snprintf(NULL, 0, " %lu/%lu  in flight %lu  "
		"%5.0f req/s  p99 %5.1f ms  stopped at 99%%", d->n, d->n, d->c, 0.0, 0.0);
	char head[768];

	bar = bar > 40 ? 40 : bar < 10 ? 10 : bar;
	if (!first)
		printf("\033[%dA", d->nracers + 1);
	snprintf(head, sizeof head, "fetchlab demo: %lu requests each, delay %s, "
		 "C = %lu, %s   t = %5.1f s (deadline %g s)", d->n,
		 d->delay, d->c, d->where, t, d->deadline);
	printf("\r%.*s\033[K\n", d->cols - 1, head);
	for (int i = 0; i < d->nracers; i++)
		draw_line(d, &d->r[i], bar);
	fflush(stdout);
}

/* Not on a terminal: one plain line of every model's progress. */
static void draw_plain(const struct demo *d, double t)
{
	printf("t=%.1fs", t);
	for (int i = 0; i < d->nracers; i++) {
		const struct racer *r = &d->r[i];

		printf(" %s %lu/%lu%s", r->model, (unsigned long)done_of(r), d->n,
		       r->place ? " done" : r->proc.interrupted ? " stopped" :
		       r->proc.status == 130 ? " interrupted" : r->proc.pid == 0 ? " failed" : "");
	}
	putchar('\n');
	fflush(stdout);
}

/* --gif: one row of the samples, every model's done count. */
static void sample(struct demo *d)
{
	if (d->samples == NULL)
		return;
	fprintf(d->samples, "%d", d->nsamples++);
	for (int i = 0; i < d->nracers; i++)
		fprintf(d->samples, ",%lu", (unsigned long)done_of(&d->r[i]));
	fputc('\n', d->samples);
}

/* Start every racer, watch them until all have exited, and collect their
 * summaries. Returns 0, or 2 when a model refused the options (its one
 * line is printed: it names the option). */
static int race(struct demo *d, const char *server)
{
	int64_t next_plain = 1000000000LL, next_sample = 0, t;
	bool shown = false;   /* the first frame waits for every model to start */

	d->t0_ns = fl_now_ns();
	for (int i = 0; i < d->nracers; i++)
		start_racer(d, &d->r[i], server);
	for (;;) {
		int alive = 0, starting = 0;

		t = fl_now_ns() - d->t0_ns;
		poll_racers(d);
		for (int i = 0; i < d->nracers; i++) {
			alive += d->r[i].proc.pid > 0;
			starting += d->r[i].proc.pid > 0 && !running(&d->r[i]);
			/* Exit status 2 before the run began: the model refused
			 * the options, and the others will too. */
			if (d->r[i].proc.pid == 0 && d->r[i].proc.status == 2 && !running(&d->r[i]))
				goto refused;
		}
		if (t >= next_sample) {
			sample(d);
			next_sample += SAMPLE_NS;
		}
		if (!shown && starting > 0 && t < 1000000000LL) {
			nanosleep(&(struct timespec){0, TICK_NS / 10}, NULL);
			continue;   /* nothing drawn yet, so a refusal stays one line */
		}
		if (!shown && !d->tty)
			printf("fetchlab demo: %lu requests each, delay %s, size %s, "
			       "C = %lu,\n%s, deadline %g s\n", d->n, d->delay,
			       d->size, d->c, d->where, d->deadline);
		if (d->tty)
			draw_live(d, t / 1e9, !shown);
		else if (t >= next_plain || alive == 0) {
			draw_plain(d, t / 1e9);
			next_plain += 1000000000LL;
		}
		shown = true;
		if (alive == 0)
			break;
		nanosleep(&(struct timespec){0, TICK_NS}, NULL);
	}
	sample(d);
	for (int i = 0; i < d->nracers; i++) {
		struct racer *r = &d->r[i];
		char *json = racer_file(r, "json");

		r->summary = cli_read_figures("fetchlab demo", r->model, json, r->v,
					      r->strings, sizeof r->strings) == 0;
		free(json);
	}
	return 0;
refused:
	for (int i = 0; i < d->nracers; i++)
		if (d->r[i].proc.pid > 0) {
			spawn_signal(&d->r[i].proc, SIGKILL);
			spawn_wait(&d->r[i].proc);
		}
	for (int i = 0; i < d->nracers; i++) {
		char *err = racer_file(&d->r[i], "err");
		bool said = d->r[i].proc.status == 2 && err && err[0];

		if (said)
			fprintf(stderr, "%.*s\n", (int)strcspn(err, "\n"), err);
		free(err);
		if (said)
			break;
	}
	return 2;
}

/* Finishing order: the placed models by place, then the rest, most done
 * first. For qsort over racer pointers. */
static int by_finish(const void *a, const void *b)
{
	const struct racer *x = *(struct racer *const *)a, *y = *(struct racer *const *)b;

	if (x->place && y->place)
		return x->place - y->place;
	if (x->place || y->place)
		return x->place ? -1 : 1;
	return done_of(x) > done_of(y) ? -1 : done_of(x) < done_of(y);
}

/* How much one request's time varied in R's run, seconds: p99 - p50 of
 * its latency. The end of a race moves by about that much from one run to
 * the next (its last requests decide it), so two finishes closer than
 * the larger of their spreads are a tie, not a ranking. */
static double finish_spread(const struct racer *r)
{
	double p50 = r->v[FL_M_DUE_P50].num, p99 = r->v[FL_M_DUE_P99].num;

	return !r->summary || isnan(p50) || isnan(p99) ? 0 : (p99 - p50) / 1e6;
}

/* The finishing order, a line per model (it fits 80 columns): a finisher
 * within the spread of the one before it shares its place, marked "=". */
static void print_order(struct demo *d)
{
	struct racer *order[MAX_RACERS];
	bool tie[MAX_RACERS] = {false};
	char where[48], label[8];
	int place = 0;

	for (int i = 0; i < d->nracers; i++)
		order[i] = &d->r[i];
	qsort(order, (size_t)d->nracers, sizeof order[0], by_finish);
	for (int k = 1; k < d->nracers && order[k]->place; k++)
		tie[k] = order[k]->finish_s - order[k - 1]->finish_s <=
			 fmax(finish_spread(order[k]), finish_spread(order[k - 1]));
	printf("\nfinishing order (a tie, =, when two finishes are closer than the\n"
	       "p99 - p50 of one request: the run-to-run spread of a race's end):\n");
	for (int k = 0; k < d->nracers; k++) {
		const struct racer *r = order[k];

		if (!r->place) {
			standing(d, r, where, sizeof where);
			printf("  -     %-16s %s\n", r->model, where);
			continue;
		}
		if (!tie[k])
			place = k + 1;
		snprintf(label, sizeof label, "%s%s", ordinal(place),
			 tie[k] || (k + 1 < d->nracers && tie[k + 1]) ? "=" : "");
		printf("  %-5s %-16s %.2f s", label, r->model, r->finish_s);
		if (tie[k])
			printf("   %.3f s after %s, spread %.3f s\n",
			       r->finish_s - order[k - 1]->finish_s, order[k - 1]->model,
			       fmax(finish_spread(r), finish_spread(order[k - 1])));
		else
			printf("\n");
	}
	printf("\n");
}

/* The final table, from the summaries (JSON) and wait4's rusage. */
static void print_table(const struct demo *d)
{
	char where[48];
	int w = 14;   /* the result column: "1st 1.06 s", up to 16 (standing) */

	for (int i = 0; i < d->nracers; i++) {
		standing(d, &d->r[i], where, sizeof where);
		w = (int)strlen(where) > w ? (int)strlen(where) : w;
	}
	printf("%-10s %-*s %8s %6s %7s %6s %6s %5s %8s\n", "model", w, "result",
	       "req/s", "p50 ms", "p99 ms", "CPU s", "MiB", "thr", "lag p99");
	for (int i = 0; i < d->nracers; i++) {
		const struct racer *r = &d->r[i];
		char lag[16] = "-";   /* loop lag: the loop models only */

		standing(d, r, where, sizeof where);
		if (!r->summary) {
			printf("%-10s %-*s (no summary: exit status %d)\n", r->model,
			       w, where, r->proc.status);
			continue;
		}
		if (!isnan(r->v[FL_M_LAG_P99].num))
			snprintf(lag, sizeof lag, "%.1f ms", r->v[FL_M_LAG_P99].num / 1e3);
		/* end - due, as the live p99: equal to end - start in a closed loop */
		printf("%-10s %-*s %8.1f %6.1f %7.1f %6.2f %6.1f %5.0f %8s\n",
		       r->model, w, where, r->v[FL_M_THROUGHPUT].num,
		       r->v[FL_M_DUE_P50].num / 1e3, r->v[FL_M_DUE_P99].num / 1e3,
		       r->proc.ru.ru_utime.tv_sec + r->proc.ru.ru_utime.tv_usec / 1e6 +
		       r->proc.ru.ru_stime.tv_sec + r->proc.ru.ru_stime.tv_usec / 1e6,
		       r->proc.ru.ru_maxrss / 1024.0, r->v[FL_M_THREADS].num, lag);
	}
	for (int i = 0; i < d->nracers; i++) {
		const struct racer *r = &d->r[i];
		double req = r->v[FL_M_REQUESTS].num, ok = r->v[FL_M_OK].num;
		char *err;

		if (req > ok && r->proc.status != 130)   /* a stop cancels those in flight */
			printf("note: %s: %.0f of %.0f requests failed; see fetchlab run "
			       "%s -n %lu -c %lu --delay %s\n", r->model, req - ok, req,
			       r->model, d->n, d->c, d->delay);
		if (r->proc.status == 0 || r->proc.status == 130)
			continue;
		err = racer_file(r, "err");
		printf("note: %s exited with status %d: %.*s\n", r->model, r->proc.status,
		       err ? (int)strcspn(err, "\n") : 0, err ? err : "");
		free(err);
	}
}

/* One request of a timeline run: its lane and span, in ns since the run began. */
struct tl_req {
	unsigned id, lane;
	int64_t start, end;
};

/* Read up to TL_MAX records of a --records file. Returns how many, or -1. */
static int read_records(const char *path, struct tl_req *q)
{
	FILE *f = fopen(path, "r");
	char line[256];
	int m = 0;
	long long due, start, fb, end;

	if (f == NULL)
		return -1;
	while (m < TL_MAX && fgets(line, sizeof line, f))
		if (sscanf(line, "%u,%u,%lld,%lld,%lld,%lld", &q[m].id, &q[m].lane,
			   &due, &start, &fb, &end) == 6) {
			q[m].start = start;
			q[m].end = end;
			m++;
		}
	fclose(f);
	return m;
}

/* --timeline: 30 requests of each model at C = 6 with delays of 10..90 ms,
 * drawn lane by lane on one time scale, a letter per request: sync is one
 * lane, each request after the last; the others overlap six at a time. */
static void draw_timeline(struct demo *d, const char *server)
{
	static const char letters[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	struct tl_req q[MAX_RACERS][TL_MAX];
	int nq[MAX_RACERS], width = (d->tty ? d->cols : 100) - 13;
	int64_t tmax = 1;

	width = width > 500 ? 500 : width < 20 ? 20 : width;
	printf("\ntimeline: a run of 30 requests per model, C = 6, delays 10..90 ms;\n"
	       "a row per lane, a letter per request (A = the first)\n");
	fflush(stdout);
	for (int i = 0; i < d->nracers; i++) {
		char records[PATH_MAX + 16], *json = NULL;
		char *args[] = {"-n", "30", "-c", "6", "--delay", "10ms..90ms",
				"--size", (char *)d->size, "--seed", (char *)d->seed,
				"--json", "--records", records,
				d->ca ? "--ca" : NULL, (char *)d->ca, NULL};
		struct rusage ru;

		snprintf(records, sizeof records, "%s.records", d->r[i].file);
		nq[i] = cli_run_model(d->r[i].model, server, args, &json, &ru) == 0 ?
			read_records(records, q[i]) : -1;
		free(json);
		for (int k = 0; k < nq[i]; k++)
			tmax = q[i][k].end > tmax ? q[i][k].end : tmax;
	}
	for (int i = 0; i < d->nracers; i++) {
		char col[32], row[512];
		unsigned lanes = 0;

		colour_of(d, d->r[i].model, col, sizeof col);
		if (nq[i] < 0) {
			printf("%-10s   (the timeline run failed; try fetchlab run %s "
			       "-n 30 -c 6)\n", d->r[i].model, d->r[i].model);
			continue;
		}
		for (int k = 0; k < nq[i]; k++)
			lanes = q[i][k].lane >= lanes ? q[i][k].lane + 1 : lanes;
		for (unsigned lane = 0; lane < lanes && lane < 32; lane++) {
			memset(row, ' ', (size_t)width);
			row[width] = '\0';
			for (int k = 0; k < nq[i]; k++) {
				/* Columns [a, b), rounded, so back-to-back requests
				 * meet without a gap; at least one column each. */
				int a = (int)((q[i][k].start * width + tmax / 2) / tmax);
				int b = (int)((q[i][k].end * width + tmax / 2) / tmax);

				for (int x = a; q[i][k].lane == lane && (x < b || x == a) &&
				     x < width; x++)
					row[x] = letters[q[i][k].id % 62];
			}
			printf("%s%-10.10s%s |%s\n", col, lane ? "" : d->r[i].model,
			       plain(d), row);
		}
	}
	printf("%-10s +", "");   /* the time axis: a tick every 10 columns */
	for (int x = 0; x < width; x++)
		putchar(x % 10 == 9 ? '+' : '-');
	printf("\n%-10s 0 s%*.2f s\n%-10s (a column is %.1f ms)\n", "", width - 3,
	       tmax / 1e9, "", tmax / 1e6 / width);
}

/* --gif: one frame per sample of the race, a bar per model. Returns 0, or
 * 1 after a line saying why. */
static int write_gif(struct demo *d)
{
	char vars[2048] = "", path[PATH_MAX], log[96], models[256] = "";

	fclose(d->samples);
	d->samples = NULL;
	for (int i = 0; i < d->nracers; i++)
		snprintf(models + strlen(models), sizeof models - strlen(models),
			 "%s%s", i ? " " : "", d->r[i].model);
	/* common.gp opens OUTDIR/race.png, which the gif terminal replaces. */
	snprintf(path, sizeof path, "%s/harness/plots", cli_source_dir());
	cli_gp_var(vars, sizeof vars, "plotsdir", path);
	cli_gp_var(vars, sizeof vars, "outdir", d->tmpdir);
	snprintf(path, sizeof path, "%s/race.csv", d->tmpdir);
	cli_gp_var(vars, sizeof vars, "datafile", path);
	cli_gp_var(vars, sizeof vars, "gif", d->gif);
	cli_gp_var(vars, sizeof vars, "models", models);
	snprintf(path, sizeof path, "%lu requests, delay %s, C = %lu", d->n,
		 d->delay, d->c);
	cli_gp_var(vars, sizeof vars, "title", path);
	snprintf(vars + strlen(vars), sizeof vars - strlen(vars),
		 "n = %lu; nframes = %d; ", d->n, d->nsamples);
	snprintf(path, sizeof path, "%s/harness/plots/demo/race.gp", cli_source_dir());
	/* its chatter ("N frames in animation") to the log */
	snprintf(log, sizeof log, "%s/gnuplot.log", d->tmpdir);
	if (cli_gnuplot(vars, "race", "png", path, log) != 0) {
		char *why = cli_slurp(log);

		fprintf(stderr, "fetchlab demo: --gif %s: gnuplot failed: %.*s\n",
			d->gif, why ? (int)strcspn(why, "\n") : 0, why ? why : "");
		free(why);
		return 1;
	}
	printf("\nthe race as a GIF: %s\n(%d frames, a frame per 0.2 s of race, "
	       "played at twice the speed)\n", d->gif, d->nsamples);
	return 0;
}

/* Unmap the progress files, free the summaries, remove the temp dir. */
static void cleanup(struct demo *d)
{
	DIR *dir = opendir(d->tmpdir);
	struct dirent *e;

	for (int i = 0; i < d->nracers; i++) {
		if (d->r[i].prog)
			munmap(d->r[i].prog, fl_progress_size((uint32_t)d->n));
		free(d->r[i].scratch);
	}
	if (d->samples)
		fclose(d->samples);
	while (dir && (e = readdir(dir)) != NULL)
		if (e->d_name[0] != '.')
			unlinkat(dirfd(dir), e->d_name, 0);
	if (dir)
		closedir(dir);
	rmdir(d->tmpdir);
}

int cmd_demo(int argc, char **argv)
{
	struct demo d = {
		.n = 2000, .c = 100, .delay = "50ms", .size = "1k", .seed = "1", .work = "0",
		.deadline = 20,
	};
	struct cli_server server = {0};
	struct winsize ws;
	const char *tmp;
	int rc, failed = 0;
	bool interrupted = false;

	rc = parse_options(&d, argc, argv);
	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (d.gif && check_gif(d.gif) != 0)
		return 2;
	d.tty = isatty(STDOUT_FILENO);
	d.colour = d.tty && getenv("NO_COLOR") == NULL;
	d.cols = d.tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ?
		 ws.ws_col : 120;
	tmp = getenv("TMPDIR");   /* a long one would not fit tmpdir[] */
	if (tmp == NULL || tmp[0] == '\0' || strlen(tmp) > 40)
		tmp = "/tmp";
	snprintf(d.tmpdir, sizeof d.tmpdir, "%s/fetchlab-demo-XXXXXX", tmp);
	if (mkdtemp(d.tmpdir) == NULL) {
		fprintf(stderr, "fetchlab demo: cannot make a temp dir in %s: %s\n",
			tmp, strerror(errno));
		return 1;
	}
	for (int i = 0; i < d.nracers; i++)
		snprintf(d.r[i].file, sizeof d.r[i].file, "%s/%d-%s", d.tmpdir, i,
			 d.r[i].model);
	if (d.gif) {
		char path[96];

		snprintf(path, sizeof path, "%s/race.csv", d.tmpdir);
		d.samples = fopen(path, "w");
		if (d.samples == NULL) {
			fprintf(stderr, "fetchlab demo: --gif: cannot write %s: %s\n",
				path, strerror(errno));
			cleanup(&d);
			return 1;
		}
		fprintf(d.samples, "sample");   /* common.gp reads a header line */
		for (int i = 0; i < d.nracers; i++)
			fprintf(d.samples, ",%s", d.r[i].model);
		fputc('\n', d.samples);
	}
	if (d.server ? cli_server_use(&server, "fetchlab demo", d.server, d.ca) < 0 :
	    cli_server_start(&server) < 0) {
		cleanup(&d);
		return d.server ? 2 : 1;
	}
	snprintf(d.where, sizeof d.where, "%s%s", d.server ? "server " : "one server",
		 d.server ? server.url : "");
	/* Ctrl-C reaches the models through the terminal: each stops and
	 * writes what it measured, and we show the race so far. */
	signal(SIGINT, SIG_IGN);
	spawn_term_as_interrupt();   /* and SIGTERM, SIGHUP the same way */
	if (d.tty)
		setvbuf(stdout, NULL, _IOFBF, 1 << 16);   /* a frame at a time */
	rc = race(&d, server.url);
	if (rc == 0) {
		print_order(&d);
		print_table(&d);
		for (int i = 0; i < d.nracers; i++) {
			interrupted |= d.r[i].proc.status == 130 && !d.r[i].proc.interrupted;
			failed |= d.r[i].proc.status != 0 &&
				  !(d.r[i].proc.interrupted && d.r[i].proc.status == 130);
		}
		if (d.timeline && !interrupted)
			draw_timeline(&d, server.url);
	}
	cli_server_stop(&server);
	if (rc == 0 && d.gif && write_gif(&d) != 0)
		failed = 1;
	fflush(stdout);
	cleanup(&d);
	return rc != 0 ? rc : interrupted ? 130 : failed ? 1 : 0;
}
