/* lab.c - fetchlab-lab, `fetchlab lab`: the guided labs, and the grader
 * that checks them. The driver execs it; it shares the driver's pieces
 * (driver.h: the spawn function, the server, a model run).
 *
 *   lab list                  the labs, and which ones you have started
 *   lab start NN [--force]    the starter files in labs/NN-topic/work/
 *   lab check NN [--dir D]    build your files as a model, run the checks
 *   lab run NN [OPTIONS]      build them the same way, run as fetchlab run does
 *   lab grade                 every lab's score
 *
 * One source of truth: a starter is the reference model with the regions
 * between `LAB NN begin STEP n: hint` and `LAB NN end[, stub: CODE]` marker
 * comments cut out, each replaced by `TODO (STEP n): hint` and the stub that
 * keeps the file compiling. Other labs' markers are dropped, their code kept.
 *
 * A check builds the student's files with the reference sources they need,
 * against libfetchlab (the CMake project labs/student builds them),
 * then runs each test against one embedded server, each run under a
 * watchdog: correctness first, then performance measured against the
 * reference model in the same check, zero when correctness fails.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fetchlab/schema.h"   /* fl_median */

#include "driver.h"

#define WATCHDOG_S 10.0   /* a model run longer than this is hung: FAIL */

/* What one test does. */
enum kind {
	T_BUILD,      /* the student's files compile and link */
	T_CONFORM,    /* every request ok, checksummed, recorded once, in order */
	T_REUSE,      /* one connection for the whole run: the handle is reused */
	T_FAULTS,     /* faults injected: each request in its class, none lost */
	T_TIMEOUT,    /* stalled requests end at --timeout: curl's timer fires */
	T_TSAN,       /* the same files under ThreadSanitizer: no report */
	T_RULE,       /* no coroutine resumed inside libcurl (labs/04 shim) */
	T_DUE,        /* open loop: nothing starts before it is due */
	T_SCHEDULE,   /* open loop: due times stay on the schedule */
	T_SLEEPS,     /* open loop: waiting for due times costs no CPU */
	T_INTERRUPT,  /* Ctrl-C: exit 130 promptly, every request accounted */
	T_OFFLOAD,    /* --work ran off the thread that began each request */
	T_LAG,        /* loop lag p99 against the reference model's */
	T_PERF,       /* throughput against the reference model */
	T_LATENCY,    /* latency from due against the reference model */
	T_SPEEDUP,    /* throughput against the reference: the median of turns, each both back to back */
	T_ANSWERS,    /* answers.md: question `n` answered */
};

struct test {
	enum kind kind;
	const char *name;
	int points;
	unsigned n, c;          /* -n, -c */
	const char *delay;      /* --delay */
	const char *extra;      /* more options, space-separated, or NULL */
	double target;          /* T_PERF / T_LATENCY / T_SPEEDUP: the ratio for full points */
	const char *hint;       /* T_PERF / T_LATENCY / T_TSAN / T_REUSE / T_TIMEOUT: the likely step, on a FAIL */
};

struct lab {
	const char *num;          /* "02" */
	const char *dir;          /* under labs/ */
	const char *title;
	const char *model;        /* the reference model this lab rebuilds */
	const char *files[4];     /* the student's: reference paths in the source tree;
				   * labs/student/CMakeLists.txt builds them */
	bool threads_c1;          /* the model reports C + 1 threads, not 1 */
	const struct test tests[16];
	bool threads_pool;        /* the model reports 1 + a thread per core */
	bool tls;                 /* over HTTPS: the server with --tls, every run with its --ca */
};

static const struct lab lab_table[] = {
	{.num = "00", .dir = "00-measure", .title = "Measure first", .model = NULL,
	 .tests = {
		{.kind = T_ANSWERS, .name = "answers: question 1 answered", .points = 1, .n = 1},
		{.kind = T_ANSWERS, .name = "answers: question 2 answered", .points = 1, .n = 2},
		{.kind = T_ANSWERS, .name = "answers: question 3 answered", .points = 1, .n = 3},
		{.kind = T_ANSWERS, .name = "answers: question 4 answered", .points = 1, .n = 4},
		{.kind = T_ANSWERS, .name = "answers: question 5 answered", .points = 1, .n = 5},
		{.kind = T_ANSWERS, .name = "answers: question 6 answered", .points = 1, .n = 6},
	}},
	{.num = "01", .dir = "01-sync", .title = "Synchronous fetch", .model = "sync",
	 .files = {"impl-sync/sync.c"},
	 .tests = {
		{.kind = T_BUILD, .name = "build: sync.c", .points = 1},
		{.kind = T_CONFORM, .name = "conformance: 40 requests, C=1", .points = 1, .n = 40, .c = 1, .delay = "2ms"},
		{.kind = T_CONFORM, .name = "conformance: bodies of 0..300k", .points = 1, .n = 30, .c = 1, .delay = "1ms", .extra = "--size 0..300k"},
		{.kind = T_REUSE, .name = "reuse: one connection for the whole run", .points = 1, .n = 40, .c = 1, .delay = "1ms"},
		{.kind = T_FAULTS, .name = "accounting: faults, ok + errors == requests", .points = 1, .n = 30, .c = 1, .delay = "1ms", .extra = "--faults 0.4 --timeout 300ms"},
		{.kind = T_RULE, .name = "rules: one handle, every request set up and reported (traced)", .points = 1, .n = 40, .c = 1, .delay = "1ms",
		 /* 10 ms apart, and only the faults that end at once: a model that
		  * never waits is early on nearly every request, where a stall
		  * (or a loaded machine at 200/s) left it late on all of them */
		 .extra = "--rate 100 --faults refused=0.1,reset=0.1,short=0.1,http500=0.1 --timeout 300ms"},
		{.kind = T_PERF, .name = "perf: throughput at C=1 vs sync", .points = 2, .n = 200, .c = 1, .delay = "2ms", .target = 0.9},
	}},
	{.num = "02", .dir = "02-threads", .title = "Thread pool", .model = "threads",
	 .files = {"impl-threads/queue.c", "impl-threads/threads.c"},
	 .threads_c1 = true, .tests = {
		{.kind = T_BUILD, .name = "build: queue.c threads.c", .points = 1},
		{.kind = T_RULE, .name = "rules: the queue's waits as steps 1-7 say (traced)", .points = 1, .n = 300, .c = 8, .delay = "1ms"},
		{.kind = T_CONFORM, .name = "conformance: C=1", .points = 1, .n = 40, .c = 1, .delay = "2ms"},
		{.kind = T_CONFORM, .name = "conformance: C=8", .points = 1, .n = 200, .c = 8, .delay = "5ms"},
		{.kind = T_CONFORM, .name = "conformance: C=100", .points = 1, .n = 400, .c = 100, .delay = "20ms"},
		{.kind = T_FAULTS, .name = "accounting: faults, ok + errors == requests", .points = 1, .n = 60, .c = 8, .delay = "1ms", .extra = "--faults 0.4 --timeout 300ms"},
		{.kind = T_TSAN, .name = "tsan: no data race (ThreadSanitizer)", .points = 2, .n = 300, .c = 8, .delay = "1ms",
		 .hint = "STEPS 1-5 read and write the queue's fields only with q->lock held"},
		{.kind = T_PERF, .name = "perf: throughput at C=50 vs threads", .points = 2, .n = 1000, .c = 50, .delay = "10ms", .target = 0.8},
	}},
	{.num = "03", .dir = "03-eventloop", .title = "Event loop", .model = "eventloop",
	 .files = {"impl-eventloop/curl_uv.c"},
	 .tests = {
		{.kind = T_BUILD, .name = "build: curl_uv.c (+ eventloop.c)", .points = 1},
		{.kind = T_CONFORM, .name = "conformance: C=1", .points = 1, .n = 40, .c = 1, .delay = "2ms"},
		{.kind = T_CONFORM, .name = "conformance: C=100", .points = 1, .n = 400, .c = 100, .delay = "20ms"},
		{.kind = T_CONFORM, .name = "conformance: C=1000, bodies of 0..64k", .points = 1, .n = 2000, .c = 1000, .delay = "20ms", .extra = "--size 0..64k"},
		{.kind = T_RULE, .name = "rules: libcurl driven as steps 1-4 say (traced)", .points = 1, .n = 1000, .c = 100, .delay = "2ms", .extra = "--faults reset=0.2,stall=0.05 --timeout 300ms"},
		{.kind = T_TIMEOUT, .name = "timer: stalled requests end at --timeout", .points = 1, .n = 40, .c = 8, .delay = "1ms", .extra = "--faults stall=0.3 --timeout 300ms",
		 .hint = "STEP 1: a stalled transfer ends only when curl's timer fires: on_timer_change starts libuv's timer for ms (stops it for -1), and on_timeout tells curl"},
		{.kind = T_FAULTS, .name = "accounting: faults, ok + errors == requests", .points = 1, .n = 60, .c = 8, .delay = "1ms", .extra = "--faults 0.4 --timeout 300ms"},
		{.kind = T_PERF, .name = "perf: throughput at C=200 vs eventloop", .points = 2, .n = 2000, .c = 200, .delay = "10ms", .target = 0.9},
	}},
	{.num = "04", .dir = "04-coroutines", .title = "Coroutines", .model = "coroutine",
	 .files = {"impl-coroutine/coro.c", "impl-coroutine/coroutine.c"}, .tests = {
		{.kind = T_BUILD, .name = "build: coro.c coroutine.c (+ curl_uv.c)", .points = 1},
		{.kind = T_CONFORM, .name = "conformance: C=1", .points = 1, .n = 40, .c = 1, .delay = "2ms"},
		{.kind = T_CONFORM, .name = "conformance: C=100", .points = 1, .n = 400, .c = 100, .delay = "20ms"},
		{.kind = T_CONFORM, .name = "conformance: C=1000", .points = 1, .n = 2000, .c = 1000, .delay = "20ms"},
		{.kind = T_RULE, .name = "rule: resumed only from the loop, never inside libcurl", .points = 1, .n = 200, .c = 20, .delay = "1ms"},
		{.kind = T_RULE, .name = "rules: steps 1-4 as the guide says, with faults (traced)", .points = 1, .n = 200, .c = 20, .delay = "1ms", .extra = "--faults 0.4 --timeout 300ms"},
		{.kind = T_FAULTS, .name = "accounting: faults, ok + errors == requests", .points = 1, .n = 60, .c = 8, .delay = "1ms", .extra = "--faults 0.4 --timeout 300ms"},
		{.kind = T_PERF, .name = "perf: throughput at C=200 vs coroutine", .points = 2, .n = 2000, .c = 200, .delay = "10ms", .target = 0.8},
	}},
	{.num = "05", .dir = "05-latency", .title = "Honest latency", .model = "eventloop",
	 .files = {"impl-eventloop/eventloop.c"},
	 .tests = {
		{.kind = T_BUILD, .name = "build: eventloop.c (+ curl_uv.c)", .points = 1},
		{.kind = T_CONFORM, .name = "conformance: closed loop, C=8", .points = 1, .n = 100, .c = 8, .delay = "5ms"},
		{.kind = T_DUE, .name = "open loop: nothing starts before it is due", .points = 1, .n = 60, .c = 4, .delay = "5ms", .extra = "--rate 100"},
		{.kind = T_SCHEDULE, .name = "open loop: due times stay on the schedule, over capacity", .points = 1, .n = 60, .c = 1, .delay = "20ms", .extra = "--rate 100"},
		{.kind = T_SLEEPS, .name = "open loop: waiting costs no CPU", .points = 1, .n = 50, .c = 4, .delay = "1ms", .extra = "--rate 50"},
		{.kind = T_RULE, .name = "rules: waits with a timer armed as step 1 says (traced)", .points = 1, .n = 60, .c = 4, .delay = "5ms", .extra = "--rate 100"},
		{.kind = T_LATENCY, .name = "perf: p99 from due at 200/s vs eventloop", .points = 2, .n = 200, .c = 8, .delay = "10ms", .extra = "--rate 200", .target = 0.9,
		 .hint = "STEP 1 waits for the due time without holding up the loop: a lane's timer, not a sleep"},
	}},
	{.num = "06", .dir = "06-faults", .title = "When things go wrong", .model = "eventloop",
	 .files = {"impl-eventloop/eventloop.c"},
	 .tests = {
		{.kind = T_BUILD, .name = "build: eventloop.c (+ curl_uv.c)", .points = 1},
		{.kind = T_CONFORM, .name = "conformance: C=8", .points = 1, .n = 100, .c = 8, .delay = "5ms"},
		{.kind = T_FAULTS, .name = "accounting: refused, reset, stall, http500 in their classes", .points = 1, .n = 40, .c = 8, .delay = "1ms", .extra = "--timeout 300ms --faults refused=0.3,reset=0.3,stall=0.2,http500=0.2"},
		{.kind = T_FAULTS, .name = "accounting: every fault kind mixed, ok + errors == requests", .points = 1, .n = 80, .c = 16, .delay = "1ms", .extra = "--faults 0.6 --timeout 400ms"},
		{.kind = T_RULE, .name = "rules: each request reported once, as it ended (traced)", .points = 1, .n = 80, .c = 16, .delay = "1ms", .extra = "--faults 0.6 --timeout 400ms"},
		{.kind = T_INTERRUPT, .name = "ctrl-c: exit 130 within 500 ms, every request accounted", .points = 2, .n = 100000, .c = 20, .delay = "10s"},
		{.kind = T_PERF, .name = "perf: throughput at C=100 vs eventloop", .points = 1, .n = 1000, .c = 100, .delay = "10ms", .target = 0.9},
	}},
	{.num = "07", .dir = "07-offload", .title = "Don't block the loop",
	 .model = "eventloop", .files = {"impl-eventloop/offload.c"}, .threads_pool = true,
	 .tests = {
		{.kind = T_BUILD, .name = "build: offload.c (+ curl_uv.c, lanes.c)", .points = 1},
		{.kind = T_RULE, .name = "rules: loop begins and records, pool works, once (traced)", .points = 1, .n = 80, .c = 16, .delay = "1ms", .extra = "--faults 0.4 --timeout 300ms --work 100us"},
		{.kind = T_CONFORM, .name = "conformance: C=100", .points = 1, .n = 400, .c = 100, .delay = "20ms"},
		{.kind = T_FAULTS, .name = "accounting: faults with work, ok + errors == requests", .points = 1, .n = 80, .c = 16, .delay = "1ms", .extra = "--faults 0.4 --timeout 300ms --work 200us"},
		{.kind = T_TSAN, .name = "tsan: the pool and the loop share no state unguarded", .points = 1, .n = 300, .c = 20, .delay = "1ms", .extra = "--work 100us",
		 .hint = "STEP 2 runs on a pool thread: it may touch only its own request (fl_work); no shared counter, no loop state"},
		{.kind = T_OFFLOAD, .name = "offload: every response's work ran off the loop thread", .points = 1, .n = 400, .c = 50, .delay = "5ms", .extra = "--work 300us"},
		{.kind = T_LAG, .name = "loop lag: p99 at most half of eventloop's", .points = 1, .n = 1500, .c = 100, .delay = "5ms", .extra = "--work 500us", .target = 0.5},
		{.kind = T_PERF, .name = "perf: throughput with 500us of work vs eventloop", .points = 2, .n = 3000, .c = 100, .delay = "5ms", .extra = "--work 500us", .target = 1.1},
	}},
	/* The starter is not the reference minus its steps but a file of its
	 * own, the model as it starts out: a new easy handle per request. The
	 * reference is impl-sync/sync.c. */
	{.num = "08", .dir = "08-reuse", .title = "Reuse your connections", .model = "sync",
	 .files = {"labs/08-reuse/starter/sync.c"}, .tls = true,
	 .tests = {
		{.kind = T_BUILD, .name = "build: sync.c", .points = 1},
		{.kind = T_RULE, .name = "rules: one handle for the run, cleaned up once (traced)", .points = 1, .n = 60, .c = 1, .delay = "1ms", .extra = "--faults 0.3 --timeout 300ms"},
		{.kind = T_CONFORM, .name = "conformance: 40 requests, C=1", .points = 1, .n = 40, .c = 1, .delay = "1ms"},
		{.kind = T_REUSE, .name = "connections: 1 for 100 requests, not 100", .points = 1, .n = 100, .c = 1, .delay = "0ms",
		 .hint = "STEPS 1-3: one easy handle for the whole run, with reuse left on (no "
		 "CURLOPT_FORBID_REUSE, CURLOPT_FRESH_CONNECT or Connection: close)"},
		/* The reference against itself, 10 checks at a load average of 9-11
		 * on 2 vCPUs: 0.87-1.18, median 1.00; the reference with a
		 * connection per request: 0.22-0.36. */
		{.kind = T_SPEEDUP, .name = "perf: throughput vs sync, 5 turns of each", .points = 2, .n = 200, .c = 1, .delay = "1ms", .target = 0.7},
	}},
};
#define NLABS (sizeof lab_table / sizeof lab_table[0])

/* ---- small helpers ------------------------------------------------------ */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static const struct lab *find_lab(const char *num)
{
	for (size_t i = 0; i < NLABS; i++)
		if (!strcmp(lab_table[i].num, num) || !strcmp(lab_table[i].dir, num) ||
		    (strlen(num) == 1 && lab_table[i].num[1] == num[0] && lab_table[i].num[0] == '0'))
			return &lab_table[i];
	fprintf(stderr, "fetchlab lab: no lab '%s'; see fetchlab lab list\n", num);
	return NULL;
}

static void lab_path(const struct lab *lab, const char *rest, char *buf, size_t n)
{
	snprintf(buf, n, "%s/labs/%s%s%s", cli_source_dir(), lab->dir,
		 rest[0] ? "/" : "", rest);
}

/* ---- starters: the reference minus the LAB NN regions ------------------- */

/* If LINE is a whole-line marker comment "LAB <num> begin|end...", return a
 * pointer just past "LAB " with the lab number in NUM, else NULL. */
static const char *marker(const char *line, char num[3])
{
	const char *p = line;

	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "/* LAB ", 7) != 0 || !isdigit((unsigned char)p[7]) ||
	    !isdigit((unsigned char)p[8]))
		return NULL;
	num[0] = p[7], num[1] = p[8], num[2] = '\0';
	return p + 10;
}

/* Write to OUT the starter of SRC for lab NUM. Returns the number of regions
 * cut, or -1 after printing why (unreadable, unbalanced markers). */
static int write_starter(const char *src, const char *num, FILE *out)
{
	FILE *in = fopen(src, "r");
	char line[1024], m[3], indent[64];
	int regions = 0, lineno = 0;
	bool inside = false;

	if (in == NULL) {
		fprintf(stderr, "fetchlab lab: cannot read %s: %s\n", src, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, in)) {
		const char *rest = marker(line, m);
		size_t ind;

		lineno++;
		if (rest == NULL) {
			if (!inside)
				fputs(line, out);
			continue;
		}
		if (strcmp(m, num) != 0)
			continue;   /* another lab's marker: drop the line, keep the code */
		ind = strspn(line, " \t");
		snprintf(indent, sizeof indent, "%.*s", (int)(ind < 63 ? ind : 63), line);
		if (!strncmp(rest, "begin", 5)) {
			const char *hint = strstr(rest, "STEP");
			char *end;
			long step;
			size_t len;

			if (inside || hint == NULL)
				goto bad;
			step = strtol(hint + 4, &end, 10);
			hint = end + strspn(end, ": ");
			len = strcspn(hint, "*");   /* up to the closing comment */
			while (len > 0 && hint[len - 1] == ' ')
				len--;
			fprintf(out, "%s/* TODO (STEP %ld): %.*s */\n", indent, step,
				(int)len, hint);
			inside = true;
			regions++;
		} else if (!strncmp(rest, "end", 3)) {
			const char *stub = strstr(rest, "stub:");

			if (!inside)
				goto bad;
			if (stub != NULL) {
				size_t len;

				stub += 5;
				while (*stub == ' ')
					stub++;
				len = strcspn(stub, "*");
				while (len > 0 && stub[len - 1] == ' ')
					len--;
				fprintf(out, "%s%.*s\n", indent, (int)len, stub);
			}
			inside = false;
		}
	}
	fclose(in);
	if (inside) {
		fprintf(stderr, "fetchlab lab: %s: LAB %s begin without its end\n", src, num);
		return -1;
	}
	return regions;
bad:
	fclose(in);
	fprintf(stderr, "fetchlab lab: %s:%d: misplaced LAB %s marker\n", src, lineno, num);
	return -1;
}

/* ---- building the student's model ---------------------------------------- */

/* Run ARGV with stdout and stderr into LOG; wait. Returns the exit status.
 * A group of its own: stopping it stops the compiler's passes too. */
static int run_logged(char *const argv[], const char *log)
{
	struct spawn s = {.argv = argv, .out_file = log, .err_to_out = true,
			  .own_group = true};
	int rc = spawn_run(&s);
	FILE *f;

	if (rc < 0 && (f = fopen(log, "a")) != NULL) {
		fprintf(f, "cannot run %s: %s\n", argv[0], strerror(-rc));
		fclose(f);
	}
	return rc < 0 ? 127 : rc;
}

/* Build the student's files in DIR as the CMake project labs/student's
 * target fetch-lab, in the build directory TMP/NAME; SANITIZE ("thread") adds
 * a sanitizer. CMake's output, then the compiler's, goes to LOG. Returns
 * their status (0: TMP/NAME/fetch-lab is built). */
static int build_model(const struct lab *lab, const char *dir, const char *tmp,
		       const char *name, const char *sanitize, const char *log)
{
	char src[PATH_MAX], build[PATH_MAX], num[16], stu[PATH_MAX + 20], set[PATH_MAX], san[64];
	char abs[PATH_MAX];   /* CMake reads a relative path from labs/student */
	char *conf[] = {"cmake", "-S", src, "-B", build, num, stu, set, san, NULL};
	char *make[] = {"cmake", "--build", build, NULL};
	int rc;

	snprintf(build, sizeof build, "%s/%s", tmp, name);
	snprintf(num, sizeof num, "-DFL_LAB=%s", lab->num);
	snprintf(stu, sizeof stu, "-DFL_STUDENT_DIR=%s", realpath(dir, abs) ? abs : dir);
	snprintf(set, sizeof set, "-DFL_SETTINGS=%s/fetchlab-labs.cmake", cli_bindir());
	snprintf(san, sizeof san, "-DFL_SANITIZE=%s", sanitize ? sanitize : "");
	for (int i = 0; i < 4 && lab->files[i]; i++) {
		FILE *f;

		snprintf(src, sizeof src, "%s/%s", dir, base_name(lab->files[i]));
		if (access(src, R_OK) != 0 && (f = fopen(log, "w")) != NULL) {
			fprintf(f, "%s: error: %s\n", src, strerror(errno));
			fclose(f);
			return 1;
		}
	}
	snprintf(src, sizeof src, "%s/labs/student", cli_source_dir());
	rc = run_logged(conf, log);
	return rc != 0 ? rc : run_logged(make, log);
}

/* ---- running a model under a watchdog ----------------------------------- */

struct proc {
	int status;       /* exit status, 128 + signal, or -1 */
	bool hung;        /* killed by the watchdog */
	double secs;      /* wall time */
	double after_int; /* seconds from SIGINT to exit, when one was sent */
	char *out, *err;  /* captured stdout and stderr (malloc'd) */
};

/* Run ARGV (argv[0] a path) with stdout and stderr captured, in a process
 * group of its own. After INT_AFTER seconds (if > 0) send it SIGINT; after
 * LIMIT seconds kill the group. TMP is a directory for the captures. */
static void run_watched(char *const argv[], const char tmp[128], double limit,
			double int_after, struct proc *p)
{
	char fo[PATH_MAX], fe[PATH_MAX];
	struct spawn s = {.argv = argv, .out_file = fo, .err_file = fe,
			  .own_group = true, .on_int = SPAWN_INT_STOPS,
			  .int_after = int_after, .kill_after = limit};

	snprintf(fo, sizeof fo, "%s/stdout", tmp);
	snprintf(fe, sizeof fe, "%s/stderr", tmp);
	spawn_run(&s);
	*p = (struct proc){.status = s.status, .hung = s.killed, .secs = s.secs,
			   .after_int = s.int_secs, .out = cli_slurp(fo),
			   .err = cli_slurp(fe)};
}

static void proc_free(struct proc *p)
{
	free(p->out);
	free(p->err);
	p->out = p->err = NULL;
}

/* One check of one lab: where things are, and how it is going. */
struct check {
	const struct lab *lab;
	const char *dir;             /* the student's files */
	char tmp[128];               /* scratch: builds, captures, records */
	char exe[PATH_MAX];          /* the student's model */
	char tsan_exe[PATH_MAX];     /* the same, under ThreadSanitizer */
	char ref[PATH_MAX];          /* the reference model */
	struct cli_server server;
	bool built;
	bool correct;                /* every correctness test so far passed */
	bool hung;                   /* a run hung: skip the other runs */
	int points;                  /* a perf test's points, or -1 */
	char why[512];               /* the reason of the last FAIL */
};

static void why(struct check *ck, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void why(struct check *ck, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ck->why, sizeof ck->why, fmt, ap);
	va_end(ap);
}

/* Run EXE with T's workload (+ --json, --records when RECORDS). */
static void run_test(struct check *ck, const char *exe, const struct test *t,
		     bool records, double int_after, struct proc *p)
{
	char n[16], c[16], rec[PATH_MAX], extra[256];
	char *argv[64];
	int argc = 0;

	snprintf(n, sizeof n, "%u", t->n);
	snprintf(c, sizeof c, "%u", t->c);
	snprintf(rec, sizeof rec, "%s/records.csv", ck->tmp);
	argv[argc++] = (char *)exe;
	argv[argc++] = "-n";
	argv[argc++] = n;
	argv[argc++] = "-c";
	argv[argc++] = c;
	argv[argc++] = "--delay";
	argv[argc++] = (char *)t->delay;
	argv[argc++] = "--seed";
	argv[argc++] = "7";
	argv[argc++] = "--json";
	if (records) {
		argv[argc++] = "--records";
		argv[argc++] = rec;
	}
	if (t->extra) {
		snprintf(extra, sizeof extra, "%s", t->extra);
		for (char *s = strtok(extra, " "); s && argc < 58; s = strtok(NULL, " "))
			argv[argc++] = s;
	}
	argv[argc++] = "--server";
	argv[argc++] = ck->server.url;
	if (ck->server.tls) {
		argv[argc++] = "--ca";
		argv[argc++] = ck->server.ca;
	}
	argv[argc] = NULL;
	run_watched(argv, ck->tmp, WATCHDOG_S, int_after, p);
	if (p->hung)
		ck->hung = true;
}

static double jnum(const struct proc *p, const char *key)
{
	double v = -1;

	cli_json_number(p->out, key, &v);
	return v;
}

/* The first line of the model's stderr that says something, for a FAIL. */
static const char *first_err(const struct proc *p)
{
	static char line[200];
	const char *e = p->err ? p->err : "";

	while (*e == '\n')
		e++;
	snprintf(line, sizeof line, "%.*s", (int)strcspn(e, "\n"), e);
	return line[0] ? line : "(nothing on stderr)";
}

/* Did the run end as a run should: not hung, exit 0, with a JSON summary? */
static bool ran(struct check *ck, const struct proc *p, bool any_status)
{
	if (p->hung) {
		why(ck, "hung: killed after %.0f s (a lost wakeup, or nothing "
		    "drives the transfers?)", WATCHDOG_S);
		return false;
	}
	if ((p->status != 0 && !any_status) || p->status >= 128) {
		why(ck, "exit status %d: %s", p->status, first_err(p));
		return false;
	}
	if (jnum(p, "requests") < 0) {
		why(ck, "no JSON summary; stderr: %s", first_err(p));
		return false;
	}
	return true;
}

/* ok + every error class == requests, and requests == N. */
static bool accounted(struct check *ck, const struct proc *p, unsigned n)
{
	static const char *const cls[] = {"connect", "timeout", "http", "recv",
					  "checksum", "tls", "other"};
	double ok = jnum(p, "ok"), errors = 0, req = jnum(p, "requests");
	char key[32];

	for (int i = 0; i < 7; i++) {
		snprintf(key, sizeof key, "errors.%s", cls[i]);
		errors += fmax(0, jnum(p, key));   /* -1: a class it does not report */
	}
	if (req != n) {
		why(ck, "requests %.0f, wanted %u", req, n);
		return false;
	}
	if (ok + errors != req) {
		why(ck, "ok %.0f + errors %.0f != requests %.0f: a request was "
		    "lost or counted twice", ok, errors, req);
		return false;
	}
	return true;
}

/* The records CSV: one row per request, distinct ids, every one ok with
 * status 200, due <= start <= end. */
static bool records_ok(struct check *ck, unsigned n)
{
	char path[PATH_MAX], line[256];
	unsigned rows = 0, bad = 0, dup = 0, early = 0;
	unsigned char *seen = calloc(n, 1);
	FILE *f;

	snprintf(path, sizeof path, "%s/records.csv", ck->tmp);
	if (seen == NULL || (f = fopen(path, "r")) == NULL) {
		free(seen);
		why(ck, "no records file");
		return false;
	}
	while (fgets(line, sizeof line, f)) {
		unsigned id, lane;
		long long due, start, fb, end;
		int status;
		unsigned long long bytes;
		char err[32];

		if (sscanf(line, "%u,%u,%lld,%lld,%lld,%lld,%d,%llu,%31[^,\n]", &id,
			   &lane, &due, &start, &fb, &end, &status, &bytes, err) != 9)
			continue;   /* the header */
		rows++;
		if (id >= n || seen[id]++)
			dup++;
		if (start < due)
			early++;
		else if (strcmp(err, "ok") != 0 || status != 200 || end < start)
			bad++;
	}
	fclose(f);
	free(seen);
	if (early) {
		why(ck, "records: %u of %u requests started before they were due",
		    early, rows);
		return false;
	}
	if (rows != n || dup || bad) {
		why(ck, "records: %u rows for %u requests, %u duplicated ids, %u "
		    "not ok or out of time order", rows, n, dup, bad);
		return false;
	}
	return true;
}

/* Each error class matches the faults the server injected. */
static bool classes_ok(struct check *ck, const struct proc *p)
{
	static const struct { const char *cls; const char *faults[4]; } map[] = {
		{"connect", {"refused"}},
		{"recv", {"reset", "reset_body", "short"}},
		{"timeout", {"stall", "trickle"}},
		{"http", {"http500", "http503"}},
	};
	char key[64];

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		double want = 0, got;

		for (int j = 0; j < 4 && map[i].faults[j]; j++) {
			snprintf(key, sizeof key, "injected.%s", map[i].faults[j]);
			want += fmax(0, jnum(p, key));
		}
		snprintf(key, sizeof key, "errors.%s", map[i].cls);
		got = jnum(p, key);
		if (got != want) {
			why(ck, "errors.%s is %.0f, but %.0f requests had such a fault "
			    "injected", map[i].cls, got, want);
			return false;
		}
	}
	return true;
}

static unsigned threads_wanted(const struct check *ck, unsigned c)
{
	if (ck->lab->threads_pool)
		return 1 + (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	return ck->lab->threads_c1 ? c + 1 : 1;
}

/* A throughput (HIGHER) or latency ratio, student against reference. */
static double ratio(struct check *ck, const struct test *t, bool latency,
		    double *stu, double *ref)
{
	struct proc a, b;
	double best = 0;

	*stu = *ref = 0;
	for (int attempt = 0; attempt < 5 && best < t->target; attempt++) {
		double r;

		run_test(ck, ck->ref, t, false, 0, &b);
		run_test(ck, ck->exe, t, false, 0, &a);
		if (!ran(ck, &a, false) || !accounted(ck, &a, t->n) ||
		    jnum(&a, "ok") != t->n) {
			if (ck->why[0] == '\0')
				why(ck, "not every request ok");
			proc_free(&a), proc_free(&b);
			return -1;
		}
		if (latency) {
			double sa = jnum(&a, "latency_from_due_us.p99");
			double sb = jnum(&b, "latency_from_due_us.p99");

			/* 2 ms of slack: a p99 of 13 ms against 12 ms is noise */
			r = sa > 0 ? (sb + 2000) / sa : 0;
			if (r > best)
				best = r, *stu = sa / 1000, *ref = sb / 1000;
		} else {
			double sa = jnum(&a, "throughput_rps");
			double sb = jnum(&b, "throughput_rps");

			r = sb > 0 ? sa / sb : 0;
			if (r > best)
				best = r, *stu = sa, *ref = sb;
		}
		proc_free(&a), proc_free(&b);
	}
	return best;
}


#define SPEEDUP_RUNS 5

struct speedup {
	double stu, ref;   /* throughput, req/s: the student's, the reference's */
	double fresh;      /* the reference's with --connections fresh */
	double conns;      /* connections the student's model opened */
};

/* Throughput, student against reference, from SPEEDUP_RUNS turns, each a
 * run of both back to back (the order rotates: none always goes first):
 * the median of the turns' ratios. A turn's two runs share the machine's
 * load of the moment, and the median drops a turn that did not. The
 * reference with a connection per request runs in the same turns, for the
 * speed-up the student sees. Returns the ratio, or -1. */
static double speedup(struct check *ck, const struct test *t, struct speedup *s)
{
	double v[4][SPEEDUP_RUNS], ratio[SPEEDUP_RUNS];
	struct test fresh = *t;
	char extra[256];

	snprintf(extra, sizeof extra, "%s%s--connections fresh", t->extra ? t->extra : "",
		 t->extra ? " " : "");
	fresh.extra = extra;
	for (int i = 0; i < SPEEDUP_RUNS; i++) {
		struct proc p[3];   /* student, reference, reference fresh */

		for (int k = 0; k < 3; k++) {
			int j = (i + k) % 3;

			run_test(ck, j == 0 ? ck->exe : ck->ref, j == 2 ? &fresh : t,
				 false, 0, &p[j]);
		}
		if (!ran(ck, &p[0], false) || !accounted(ck, &p[0], t->n) ||
		    jnum(&p[0], "ok") != t->n || !ran(ck, &p[1], false) ||
		    !ran(ck, &p[2], false)) {
			if (ck->why[0] == '\0')
				why(ck, "not every request ok");
			for (int k = 0; k < 3; k++)
				proc_free(&p[k]);
			return -1;
		}
		for (int k = 0; k < 3; k++)
			v[k][i] = jnum(&p[k], "throughput_rps");
		v[3][i] = jnum(&p[0], "connections");
		ratio[i] = v[1][i] > 0 ? v[0][i] / v[1][i] : 0;
		for (int k = 0; k < 3; k++)
			proc_free(&p[k]);
	}
	s->stu = fl_median(v[0], SPEEDUP_RUNS);
	s->ref = fl_median(v[1], SPEEDUP_RUNS);
	s->fresh = fl_median(v[2], SPEEDUP_RUNS);
	s->conns = fl_median(v[3], SPEEDUP_RUNS);
	return fl_median(ratio, SPEEDUP_RUNS);
}

/* answers.md: the text under heading "## N." has something in it besides
 * the template's placeholder and comments. */
static bool answered(struct check *ck, unsigned q)
{
	char path[PATH_MAX], head[16];
	char *text, *p, *end;
	bool ok = false;

	snprintf(path, sizeof path, "%s/answers.md", ck->dir);
	if ((text = cli_slurp(path)) == NULL) {
		why(ck, "no %s: run fetchlab lab start %s", path, ck->lab->num);
		return false;
	}
	snprintf(head, sizeof head, "\n## %u.", q);
	if ((p = strstr(text, head)) == NULL) {
		why(ck, "answers.md has no question %u (\"## %u.\")", q, q);
		free(text);
		return false;
	}
	p = strchr(p + 1, '\n');
	end = p ? strstr(p, "\n## ") : NULL;
	if (end)
		*end = '\0';
	for (char *l = p ? strtok(p, "\n") : NULL; l; l = strtok(NULL, "\n")) {
		while (isspace((unsigned char)*l))
			l++;
		if (*l == '\0' || *l == '>' || !strncmp(l, "<!--", 4) ||
		    strstr(l, "(your answer)"))
			continue;   /* blank, the question's quote, a comment, the placeholder */
		ok = true;
	}
	if (!ok)
		why(ck, "question %u has no answer yet", q);
	free(text);
	return ok;
}

/* ---- the test kinds: one function each ---------------------------------- */

/* A kind's function runs test T and says whether it passed, with the reason
 * of a FAIL (or a perf test's figures) in ck->why. P is the run to free
 * after. A perf kind puts the points it measured in ck->points. */
typedef bool kind_fn(struct check *ck, const struct test *t, struct proc *p);

/* Run EXE with T's workload; true if it ended as a run should and every
 * request is accounted for. */
static bool run_accounted(struct check *ck, const char *exe, const struct test *t,
			  bool records, bool any_status, struct proc *p)
{
	run_test(ck, exe, t, records, 0, p);
	return ran(ck, p, any_status) && accounted(ck, p, t->n);
}

/* Append "\n    HINT" to the reason, when the test has a hint. */
static void add_hint(struct check *ck, const struct test *t)
{
	size_t len = strlen(ck->why);

	if (t->hint)
		snprintf(ck->why + len, sizeof ck->why - len, "\n    %s", t->hint);
}

static bool k_answers(struct check *ck, const struct test *t, struct proc *p)
{
	(void)p;
	return answered(ck, t->n);
}

static bool k_build(struct check *ck, const struct test *t, struct proc *p)
{
	char log[PATH_MAX], *text;
	const char *e;

	(void)t, (void)p;
	snprintf(log, sizeof log, "%s/build.log", ck->tmp);
	if (build_model(ck->lab, ck->dir, ck->tmp, "build", NULL, log) == 0)
		return ck->built = true;
	text = cli_slurp(log);
	e = text ? strstr(text, "error") : NULL;
	while (e && e > text && e[-1] != '\n')
		e--;   /* the whole story: file:line: error: ... */
	why(ck, "%.*s", e ? (int)strcspn(e, "\n") : 40,
	    e ? e : "the compiler failed (no message)");
	free(text);
	return false;
}

/* Every request ok, recorded once, in time order, by the right threads. */
static bool k_conform(struct check *ck, const struct test *t, struct proc *p)
{
	unsigned want = threads_wanted(ck, t->c);

	if (!run_accounted(ck, ck->exe, t, true, false, p) || !records_ok(ck, t->n))
		return false;
	if (jnum(p, "threads") != want) {
		why(ck, "threads %.0f, wanted %u", jnum(p, "threads"), want);
		return false;
	}
	return true;
}

static bool k_reuse(struct check *ck, const struct test *t, struct proc *p)
{
	double conns;

	if (!k_conform(ck, t, p))
		return false;
	if ((conns = jnum(p, "connections")) == 1)
		return true;
	if (t->hint && ck->server.tls)
		why(ck, "%.0f connections opened for %u requests, %.0f full TLS "
		    "handshakes\n    %s", conns, t->n, jnum(p, "tls_full"), t->hint);
	else if (t->hint)
		why(ck, "%.0f connections opened for %u requests\n    %s", conns,
		    t->n, t->hint);
	else
		why(ck, "STEP 1: %.0f connections opened for %u requests: make one "
		    "easy handle and reuse it, so its connection stays open", conns, t->n);
	return false;
}

/* Faults injected (or stalls, for the timer): every error in its class. */
static bool k_faults(struct check *ck, const struct test *t, struct proc *p)
{
	run_test(ck, ck->exe, t, false, 0, p);
	if (p->err && strstr(p->err, "model bug")) {
		why(ck, "%s", strstr(p->err, "model bug"));
		ck->why[strcspn(ck->why, "\n")] = '\0';
		return false;
	}
	if (ran(ck, p, true) && accounted(ck, p, t->n) && classes_ok(ck, p))
		return true;
	add_hint(ck, t);   /* the timer's: the step that drives it */
	return false;
}

/* The first line from MARK on in the model's stderr, as the reason. */
static bool reported(struct check *ck, const struct proc *p, const char *mark)
{
	const char *w = p->err ? strstr(p->err, mark) : NULL;

	if (w)
		why(ck, "%.*s", (int)strcspn(w, "\n"), w);
	return w != NULL;
}

static bool k_tsan(struct check *ck, const struct test *t, struct proc *p)
{
	char log[PATH_MAX];

	snprintf(log, sizeof log, "%s/build-tsan.log", ck->tmp);
	if (build_model(ck->lab, ck->dir, ck->tmp, "build-tsan", "thread", log) != 0) {
		why(ck, "did not build with -fsanitize=thread (see %s)", log);
		return false;
	}
	setenv("TSAN_OPTIONS", "halt_on_error=1 report_signal_unsafe=0", 1);
	run_test(ck, ck->tsan_exe, t, false, 0, p);
	unsetenv("TSAN_OPTIONS");
	if (reported(ck, p, "WARNING: ThreadSanitizer")) {
		add_hint(ck, t);
		return false;
	}
	return ran(ck, p, false) && accounted(ck, p, t->n) && jnum(p, "ok") == t->n;
}

/* check/'s wrappers enforce their rules when asked. */
static bool k_rule(struct check *ck, const struct test *t, struct proc *p)
{
	setenv("FETCHLAB_LAB_CHECK", "1", 1);
	run_test(ck, ck->exe, t, false, 0, p);
	unsetenv("FETCHLAB_LAB_CHECK");
	if (reported(ck, p, "lab-check:"))
		return false;
	return ran(ck, p, t->extra != NULL) && accounted(ck, p, t->n);
}

static bool k_due(struct check *ck, const struct test *t, struct proc *p)
{
	return run_accounted(ck, ck->exe, t, true, false, p) && records_ok(ck, t->n);
}

static double rate_of(const struct test *t)
{
	return strtod(strstr(t->extra, "--rate") + 7, NULL);
}

/* Request id is due id / rate seconds after the schedule's start (the
 * first claim, after set-up). */
static bool k_schedule(struct check *ck, const struct test *t, struct proc *p)
{
	char path[PATH_MAX], line[256];
	double rate = rate_of(t), t0 = 0;
	unsigned off = 0, rows = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/records.csv", ck->tmp);
	if (!run_accounted(ck, ck->exe, t, true, false, p))
		return false;
	if ((f = fopen(path, "r")) == NULL)
		return true;
	while (fgets(line, sizeof line, f)) {
		unsigned id, lane;
		long long due;

		if (sscanf(line, "%u,%u,%lld", &id, &lane, &due) != 3)
			continue;
		if (rows++ == 0)
			t0 = (double)due - id * 1e9 / rate;
		if (fabs((double)due - t0 - id * 1e9 / rate) > 1e6)
			off++;
	}
	fclose(f);
	if (off || rows != t->n) {
		why(ck, "STEP 1: %u of %u requests have a due time off the schedule "
		    "(id / %g s): keep the due time the workload gave", off, rows, rate);
		return false;
	}
	return true;
}

static bool k_sleeps(struct check *ck, const struct test *t, struct proc *p)
{
	double cpu, span = t->n / rate_of(t);

	if (!run_accounted(ck, ck->exe, t, false, false, p))
		return false;
	if (p->secs < 0.8 * span) {
		why(ck, "done in %.2f s, but the last request is due at %.2f s: "
		    "requests started before they were due", p->secs, span);
		return false;
	}
	cpu = jnum(p, "cpu_user_s") + jnum(p, "cpu_sys_s");
	if (cpu > 0.25 * p->secs) {
		why(ck, "STEP 1: %.2f s of CPU in %.2f s of waiting: sleep until "
		    "the due time (a timer), do not poll the clock", cpu, p->secs);
		return false;
	}
	return true;
}

static bool k_interrupt(struct check *ck, const struct test *t, struct proc *p)
{
	run_test(ck, ck->exe, t, false, 0.7, p);
	if (p->hung)
		why(ck, "still running %.0f s after Ctrl-C", WATCHDOG_S - 0.7);
	else if (p->status != 130)
		why(ck, "exit status %d after Ctrl-C, wanted 130: %s", p->status,
		    first_err(p));
	else if (p->after_int > 0.5)
		why(ck, "took %.0f ms to exit after Ctrl-C: cancel the transfers "
		    "in flight", p->after_int * 1000);
	else if (accounted(ck, p, (unsigned)jnum(p, "requests")) &&
		 jnum(p, "requests") == 0)
		why(ck, "no request was reported: a cancelled transfer is "
		    "reported too, with fl_done(..., CURLE_ABORTED_BY_CALLBACK, ...)");
	else
		return ck->why[0] == '\0';   /* accounted, or why not */
	return false;
}

static bool k_offload(struct check *ck, const struct test *t, struct proc *p)
{
	double off;

	if (!run_accounted(ck, ck->exe, t, false, false, p))
		return false;
	if ((off = jnum(p, "work_off_thread")) < t->n) {
		why(ck, "STEP 2: the work of %.0f of %u responses ran on the loop thread: "
		    "do it in the pool's callback (do_work), not on the loop",
		    t->n - off, t->n);
		return false;
	}
	return true;
}

/* The student's loop lag p99 against eventloop's, the medians of
 * LAG_TURNS alternating runs: on a quiet machine offload's is about 2.5 ms
 * against eventloop's 35-70 ms (0.04-0.07x), but one run under a load of
 * 3-11 read 17-20 ms for the reference offload (0.26-0.34x), so the mark
 * is half, on medians; work left on the loop reads about 1.0x. */
#define LAG_TURNS 3
static bool k_lag(struct check *ck, const struct test *t, struct proc *p)
{
	double stu[LAG_TURNS], ref[LAG_TURNS], s, r;

	for (int i = 0; i < LAG_TURNS; i++) {
		struct proc b;

		run_test(ck, ck->ref, t, false, 0, &b);
		ref[i] = jnum(&b, "loop_lag_us.p99") / 1000;
		proc_free(&b);
		if (i > 0)
			proc_free(p);
		if (!run_accounted(ck, ck->exe, t, false, false, p))
			return false;
		stu[i] = jnum(p, "loop_lag_us.p99") / 1000;
	}
	s = fl_median(stu, LAG_TURNS);
	r = fl_median(ref, LAG_TURNS);
	why(ck, "loop lag p99 %.1f ms vs eventloop's %.1f ms, medians of %d alternating "
	    "runs (pass at %.2fx or less)", s, r, LAG_TURNS, t->target);
	return r > 0 && s <= t->target * r;
}

/* A perf test's points: the share of the target ratio R reached. */
static bool scored(struct check *ck, const struct test *t, double r)
{
	ck->points = (int)floor(t->points * fmin(1, r / t->target) + 1e-9);
	return r >= t->target;
}

static bool k_speedup(struct check *ck, const struct test *t, struct proc *p)
{
	struct speedup s;
	double r;
	bool pass;

	(void)p;
	if (!ck->correct) {
		why(ck, "skipped: correctness first");
		return false;
	}
	if ((r = speedup(ck, t, &s)) < 0)
		return false;
	pass = scored(ck, t, r);
	why(ck, "%.0f req/s vs the reference's %.0f, medians of %d turns; "
	    "yours / the reference's in a turn: %.2fx at the median (full "
	    "marks at %.2fx)\n    a connection per request (the reference, "
	    "--connections fresh): %.0f req/s; yours, with %.0f connection%s, "
	    "is %.1fx that", s.stu, s.ref, SPEEDUP_RUNS, r, t->target, s.fresh,
	    s.conns, s.conns == 1 ? "" : "s", s.fresh > 0 ? s.stu / s.fresh : 0);
	return pass;
}

/* Throughput (T_PERF) or p99 latency from due (T_LATENCY) against the
 * reference's. */
static bool k_perf(struct check *ck, const struct test *t, struct proc *p)
{
	bool latency = t->kind == T_LATENCY, pass;
	double stu, ref, r;

	(void)p;
	if (t->extra && strstr(t->extra, "--work") && sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		why(ck, "skipped: one core here, so no pool can beat the loop");
		return true;
	}
	if (!ck->correct) {
		why(ck, "skipped: correctness first");
		return false;
	}
	if ((r = ratio(ck, t, latency, &stu, &ref)) < 0)
		return false;
	pass = scored(ck, t, r);
	if (latency)
		why(ck, "p99 %.1f ms vs the reference's %.1f ms + 2 ms: %.2fx "
		    "(full marks at %.2fx)", stu, ref, r, t->target);
	else
		why(ck, "%.0f req/s vs the reference's %.0f: %.2fx (full marks "
		    "at %.2fx)", stu, ref, r, t->target);
	if (!pass)
		add_hint(ck, t);
	return pass;
}

static const struct {
	kind_fn *run;
	bool no_model;   /* needs no built model: runs even when the build failed */
	bool perf;       /* scored against the reference: points and figures shown */
} kinds[] = {
	[T_BUILD] = {.run = k_build, .no_model = true},
	[T_CONFORM] = {.run = k_conform},
	[T_REUSE] = {.run = k_reuse},
	[T_FAULTS] = {.run = k_faults},
	[T_TIMEOUT] = {.run = k_faults},
	[T_TSAN] = {.run = k_tsan},
	[T_RULE] = {.run = k_rule},
	[T_DUE] = {.run = k_due},
	[T_SCHEDULE] = {.run = k_schedule},
	[T_SLEEPS] = {.run = k_sleeps},
	[T_INTERRUPT] = {.run = k_interrupt},
	[T_OFFLOAD] = {.run = k_offload},
	[T_LAG] = {.run = k_lag},
	[T_PERF] = {.run = k_perf, .perf = true},
	[T_LATENCY] = {.run = k_perf, .perf = true},
	[T_SPEEDUP] = {.run = k_speedup, .perf = true},
	[T_ANSWERS] = {.run = k_answers, .no_model = true},
};

/* Run test T. Returns the points earned; PASS says OK or FAIL. A failed
 * test marks the check incorrect, which skips the perf tests. */
static int run_one(struct check *ck, const struct test *t, bool *pass)
{
	struct proc p = {0};

	ck->why[0] = '\0';
	ck->points = -1;
	if (!kinds[t->kind].no_model && (!ck->built || ck->hung)) {
		why(ck, "skipped: %s", !ck->built ? "the model did not build" :
		    "an earlier run hung");
		*pass = false;
	} else {
		*pass = kinds[t->kind].run(ck, t, &p);
	}
	proc_free(&p);
	if (ck->points >= 0)
		return ck->points;   /* a perf test's share of its points */
	if (!*pass)
		ck->correct = false;
	return *pass ? t->points : 0;
}

/* ---- the commands -------------------------------------------------------- */

static bool is_perf(const struct test *t)
{
	return kinds[t->kind].perf;
}

static int total_points(const struct lab *lab)
{
	int sum = 0;

	for (int i = 0; i < 16 && lab->tests[i].name; i++)
		sum += lab->tests[i].points;
	return sum;
}

/* The mkdtemp template of a scratch directory for lab NUM, in $TMPDIR
 * (when it fits in N) or /tmp: fetchlab-labNN-TAGXXXXXX. */
static void scratch_template(char *buf, size_t n, const char *num, const char *tag)
{
	const char *t = getenv("TMPDIR");

	if (t == NULL || t[0] != '/' || strlen(t) + 32 > n)
		t = "/tmp";
	snprintf(buf, n, "%s/fetchlab-lab%s-%sXXXXXX", t, num, tag);
}

/* After Ctrl-C, SIGTERM, SIGHUP or a closed pipe (spawn_kill_on_interrupt):
 * die of that signal, as the shell expects; its exit status if we cannot. */
static int stopped(void)
{
	int sig = spawn_stop_signal();

	spawn_kill_on_interrupt(false);
	raise(sig);
	return 128 + sig;
}

/* Check LAB's files in DIR: print each test and the score. Returns the
 * points earned into *GOT (of total_points), or -1 if it could not start. */
static int check_lab(const struct lab *lab, const char *dir, int *got)
{
	struct check ck = { .lab = lab, .dir = dir, .correct = true };
	char tmpdir[PATH_MAX];
	int score = 0, total = total_points(lab), rc = -1;
	bool need_server = lab->files[0] != NULL;

	*got = 0;
	printf("== lab %s: %s (%s) ==\n", lab->num, lab->title, dir);
	fflush(stdout);
	scratch_template(ck.tmp, sizeof ck.tmp, lab->num, "");
	if (mkdtemp(ck.tmp) == NULL) {
		perror("fetchlab lab: mkdtemp");
		return -1;
	}
	snprintf(ck.exe, sizeof ck.exe, "%s/build/fetch-lab", ck.tmp);
	snprintf(ck.tsan_exe, sizeof ck.tsan_exe, "%s/build-tsan/fetch-lab", ck.tmp);
	if (lab->model)
		snprintf(ck.ref, sizeof ck.ref, "%s/fetch-%s", cli_bindir(), lab->model);
	/* The compiler's scratch files in ours too, so a stopped build leaves
	 * none in /tmp. */
	snprintf(tmpdir, sizeof tmpdir, "%s", getenv("TMPDIR") ? getenv("TMPDIR") : "");
	setenv("TMPDIR", ck.tmp, 1);
	ck.server.tls = lab->tls;
	if (need_server && cli_server_start(&ck.server) < 0)
		goto done;
	for (int i = 0; i < 16 && lab->tests[i].name; i++) {
		const struct test *t = &lab->tests[i];
		double t0 = now_s();
		bool pass;
		int pts = run_one(&ck, t, &pass);
		char label[80];
		int dots;

		if (spawn_stopping())
			break;   /* that run was cut short: no verdict */
		score += pts;
		snprintf(label, sizeof label, "%s", t->name);
		dots = 62 - (int)strlen(label);
		printf("%s %.*s %s (%.1fs)", label, dots > 1 ? dots : 1,
		       "..............................................................",
		       pass ? "OK" : "FAIL", now_s() - t0);
		if (t->points > 1 || is_perf(t))
			printf(" %d/%d", pts, t->points);
		putchar('\n');
		if (ck.why[0] && (!pass || is_perf(t)))
			printf("    %s\n", ck.why);
		fflush(stdout);
	}
	if (!spawn_stopping()) {
		printf("Score: %d/%d\n", score, total);
		*got = score;
		rc = 0;
	}
done:
	cli_server_stop(&ck.server);
	cli_remove_tree(ck.tmp);
	if (tmpdir[0])
		setenv("TMPDIR", tmpdir, 1);
	else
		unsetenv("TMPDIR");
	return rc;
}

/* `lab run NN [--dir DIR] OPTIONS...`: LAB's files in DIR built as `lab
 * check` builds them, then run as `fetchlab run MODEL OPTIONS...` runs a
 * model. Returns the exit status: the model's, or 2 when it did not build. */
static int run_lab(const struct lab *lab, const char *dir, char *const args[])
{
	char tmp[128], exe[PATH_MAX], log[PATH_MAX], tmpdir[PATH_MAX];
	int rc;

	if (lab->files[0] == NULL) {
		fprintf(stderr, "fetchlab lab run: lab %s has no code of yours to run; "
			"it measures the reference models: fetchlab run MODEL (see "
			"labs/%s/README.md)\n", lab->num, lab->dir);
		return 2;
	}
	if (access(dir, F_OK) != 0) {
		fprintf(stderr, "fetchlab lab run: no %s; start with: fetchlab lab "
			"start %s\n", dir, lab->num);
		return 2;
	}
	scratch_template(tmp, sizeof tmp, lab->num, "run-");
	if (mkdtemp(tmp) == NULL) {
		perror("fetchlab lab run: mkdtemp");
		return 2;
	}
	snprintf(exe, sizeof exe, "%s/build/fetch-lab", tmp);
	snprintf(log, sizeof log, "%s/build.log", tmp);
	spawn_kill_on_interrupt(true);   /* a stopped build leaves nothing */
	snprintf(tmpdir, sizeof tmpdir, "%s", getenv("TMPDIR") ? getenv("TMPDIR") : "");
	setenv("TMPDIR", tmp, 1);        /* not even the compiler's files */
	rc = build_model(lab, dir, tmp, "build", NULL, log);
	if (tmpdir[0])
		setenv("TMPDIR", tmpdir, 1);
	else
		unsetenv("TMPDIR");
	spawn_kill_on_interrupt(false);
	if (spawn_stopping()) {
		cli_remove_tree(tmp);
		return stopped();
	}
	if (rc != 0) {
		char *text = cli_slurp(log);
		int shown = 0;

		fprintf(stderr, "fetchlab lab run: your lab %s files in %s do not "
			"compile:\n", lab->num, dir);
		for (char *l = text ? strtok(text, "\n") : NULL; l && shown < 10;
		     l = strtok(NULL, "\n"))
			if (strstr(l, "error") != NULL && ++shown)
				fprintf(stderr, "  %s\n", l);
		if (shown == 0)
			fprintf(stderr, "  the compiler failed (exit %d) without an error "
				"line\n", rc);
		fprintf(stderr, "fix them, then run again (fetchlab lab check %s "
			"shows the same)\n", lab->num);
		free(text);
		cli_remove_tree(tmp);
		return 2;
	}
	rc = cli_run_with_server(exe, args);
	cli_remove_tree(tmp);
	return rc;
}

static void lab_usage(FILE *out)
{
	fprintf(out,
		"usage: fetchlab lab list\n"
		"       fetchlab lab start NN [--force] [--dir DIR]\n"
		"       fetchlab lab check NN [--dir DIR]\n"
		"       fetchlab lab run NN [--dir DIR] [workload options]\n"
		"       fetchlab lab grade\n"
		"The guided labs (labs/NN-topic/README.md). start writes the starter\n"
		"files into labs/NN-topic/work/ (never over yours without --force);\n"
		"check builds them as a model and grades it (exit 0 only at full marks);\n"
		"run builds them the same way and runs your model as fetchlab run MODEL\n"
		"does (same options, table, --json and exit status; see fetchlab run\n"
		"MODEL --help), e.g. fetchlab lab run 01 -n 40 -c 1 --delay 50ms;\n"
		"grade checks every lab you have started. --dir DIR uses DIR instead\n"
		"of the work directory.\n");
}

static int cmd_list(void)
{
	char path[PATH_MAX];
	struct stat st;

	printf("%-4s %-24s %-22s %s\n", "lab", "title", "guide", "status");
	for (size_t i = 0; i < NLABS; i++) {
		lab_path(&lab_table[i], "work", path, sizeof path);
		printf("%-4s %-24s labs/%-17s %s\n", lab_table[i].num, lab_table[i].title,
		       lab_table[i].dir, stat(path, &st) == 0 ? "started (work/)" : "-");
	}
	printf("Read labs/NN-topic/README.md, then: fetchlab lab start NN\n");
	return 0;
}

/* Copy SRC to DST unless DST exists and not FORCE. 1 written, 0 kept, -1. */
static int put_file(const char *dst, bool force, const char *src,
		    const char *num)
{
	char tmp[PATH_MAX];
	FILE *out;
	int rc;

	if (!force && access(dst, F_OK) == 0) {
		printf("  kept    %s (yours; --force replaces it)\n", dst);
		return 0;
	}
	snprintf(tmp, sizeof tmp, "%s.new", dst);
	if ((out = fopen(tmp, "w")) == NULL) {
		fprintf(stderr, "fetchlab lab: cannot write %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	if (num != NULL) {
		rc = write_starter(src, num, out);
	} else {
		char *text = cli_slurp(src);

		rc = text ? 0 : -1;
		if (text)
			fputs(text, out);
		else
			fprintf(stderr, "fetchlab lab: cannot read %s\n", src);
		free(text);
	}
	if (fclose(out) != 0 || rc < 0 || rename(tmp, dst) != 0) {
		unlink(tmp);
		return -1;
	}
	printf("  wrote   %s", dst);
	if (num != NULL)
		printf(" (%d step%s to do)", rc, rc == 1 ? "" : "s");
	putchar('\n');
	return 1;
}

static int cmd_start(const struct lab *lab, const char *dir, bool force)
{
	char src[PATH_MAX], dst[PATH_MAX];

	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "fetchlab lab: cannot make %s: %s\n", dir, strerror(errno));
		return 1;
	}
	printf("lab %s: %s\n", lab->num, lab->title);
	for (int i = 0; i < 4 && lab->files[i]; i++) {
		snprintf(src, sizeof src, "%s/%s", cli_source_dir(), lab->files[i]);
		snprintf(dst, sizeof dst, "%s/%s", dir, base_name(lab->files[i]));
		if (put_file(dst, force, src, lab->num) < 0)
			return 1;
	}
	lab_path(lab, "answers-template.md", src, sizeof src);
	snprintf(dst, sizeof dst, "%s/answers.md", dir);
	if (put_file(dst, force, src, NULL) < 0)
		return 1;
	printf("Next: follow labs/%s/README.md, then: fetchlab lab check %s\n",
	       lab->dir, lab->num);
	return 0;
}

/* fetchlab-lab: `fetchlab lab ARGS` hands its ARGS over (argv[0] "lab"). */
int main(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL, *dir = NULL;
	const struct lab *lab = NULL;
	char work[3072];   /* leaves room for a file name */
	bool force = false;
	int got;

	if (sub == NULL || !strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		lab_usage(sub ? stdout : stderr);
		return sub ? 0 : 2;
	}
	if (!strcmp(sub, "run")) {   /* the options after NN are the model's */
		int a = 2;

		if (argc < 3 || argv[2][0] == '-') {
			fprintf(stderr, "fetchlab lab run: which lab? e.g. fetchlab lab "
				"run 01 -n 40 -c 1\n");
			return 2;
		}
		if ((lab = find_lab(argv[a++])) == NULL)
			return 2;
		if (a + 1 < argc && !strcmp(argv[a], "--dir")) {
			dir = argv[a + 1];
			a += 2;
		} else {
			lab_path(lab, "work", work, sizeof work);
			dir = work;
		}
		return run_lab(lab, dir, argv + a);
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--force"))
			force = true;
		else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			dir = argv[++i];
		else if (argv[i][0] != '-' && lab == NULL) {
			if ((lab = find_lab(argv[i])) == NULL)
				return 2;
		} else {
			fprintf(stderr, "fetchlab lab %s: unexpected '%s'; see fetchlab "
				"lab --help\n", sub, argv[i]);
			return 2;
		}
	}
	if (!strcmp(sub, "list"))
		return cmd_list();
	if (!strcmp(sub, "grade")) {
		int sum = 0, all = 0;

		spawn_kill_on_interrupt(true);   /* stopped: nothing left behind */
		int score[NLABS];

		for (size_t i = 0; i < NLABS; i++) {
			lab_path(&lab_table[i], "work", work, sizeof work);
			score[i] = -1;
			if (spawn_stopping())
				return stopped();
			if (access(work, F_OK) == 0 && check_lab(&lab_table[i], work, &got) == 0) {
				score[i] = got;
				putchar('\n');
			}
		}
		printf("== grade ==\n");
		for (size_t i = 0; i < NLABS; i++) {
			int total = total_points(&lab_table[i]);

			printf("lab %s  %-24s %s%d/%d\n", lab_table[i].num, lab_table[i].title,
			       score[i] < 0 ? "not started  " : "", score[i] < 0 ? 0 : score[i],
			       total);
			sum += score[i] < 0 ? 0 : score[i];
			all += total;
		}
		printf("Score: %d/%d\n", sum, all);
		return sum == all ? 0 : 1;
	}
	if (strcmp(sub, "start") != 0 && strcmp(sub, "check") != 0) {
		fprintf(stderr, "fetchlab lab: unknown '%s'; see fetchlab lab --help\n", sub);
		return 2;
	}
	if (lab == NULL) {
		fprintf(stderr, "fetchlab lab %s: which lab? e.g. fetchlab lab %s 02\n",
			sub, sub);
		return 2;
	}
	if (dir == NULL) {
		lab_path(lab, "work", work, sizeof work);
		dir = work;
	}
	if (!strcmp(sub, "start"))
		return cmd_start(lab, dir, force);
	if (access(dir, F_OK) != 0) {
		fprintf(stderr, "fetchlab lab check: no %s; start with: fetchlab lab "
			"start %s\n", dir, lab->num);
		return 2;
	}
	spawn_kill_on_interrupt(true);
	if (check_lab(lab, dir, &got) < 0)
		return spawn_stopping() ? stopped() : 2;
	return got == total_points(lab) ? 0 : 1;
}
