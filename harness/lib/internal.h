/* internal.h - libfetchlab's private types: options, the workload, the run.
 * Models see only fetchlab.h; the harness's own files and tests see this. */
#ifndef FETCHLAB_INTERNAL_H
#define FETCHLAB_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include "fetchlab/fetchlab.h"
#include "fetchlab/progress.h"

/* A value drawn per request: fixed, uniform in [a, b], or exponential with
 * mean a. Units are microseconds for delays and bytes for sizes. */
struct fl_dist {
	enum { FL_FIXED, FL_UNIFORM, FL_EXP } kind;
	double a, b;
};

struct fl_options {
	unsigned requests;        /* -n */
	unsigned concurrency;     /* -c */
	struct fl_dist delay;     /* --delay, microseconds */
	struct fl_dist size;      /* --size, bytes */
	int64_t timeout_ns;       /* --timeout */
	uint64_t seed;            /* --seed */
	double rate;              /* --rate, requests/s; 0 = closed loop */
	bool poisson;             /* --arrivals poisson */
	size_t stack_size;        /* --stack-size */
	const char *server;       /* --server: base URL of fetchlab-server */
	const char *url;          /* --url: fetch this URL, no checksum */
	const char *records;      /* --records FILE: per-request CSV */
	const char *hdr;          /* --hdr FILE: percentile distribution */
	const char *progress;     /* --progress FILE: live counters (progress.h) */
	const char *delay_spec;   /* the specs as given, for the summary */
	const char *size_spec;
	bool json;                /* --json */
	bool dry_run;             /* --dry-run: check the options, run nothing */
	int64_t pause_id;         /* --server-pause ID:DUR: request ID stops */
	int64_t pause_ns;         /* the whole server for DUR (-1: none) */
	double faults[FL_FAULT_COUNT];   /* --faults: fraction of each kind */
	const char *faults_spec;
	struct fl_dist work;      /* --work, microseconds of CPU per response */
	const char *work_spec;
	unsigned loops;           /* --loops */
	const char *ca;           /* --ca FILE: the CA an https server is verified against */
	bool fresh;               /* --connections fresh: a new connection per request */
};

/* The --faults kinds every server has; the TLS kinds follow them. */
#define FL_FAULT_HTTP_KINDS FL_FAULT_TLS_UNKNOWN_CA

extern const char *const fl_fault_names[FL_FAULT_COUNT];

/* Parse a --faults spec: a total fraction spread over every kind ("0.3"),
 * or KIND=FRACTION pairs ("reset=0.1,stall=0.05"). */
int fl_parse_faults(const char *s, double faults[FL_FAULT_COUNT],
		    const char **why);

/* Parse a duration ("500us", "50ms", "2s"; bare = ms) into nanoseconds.
 * Returns 0, or -1 with a reason in WHY. */
int fl_parse_duration(const char *s, int64_t *ns, const char **why);
/* Parse a size ("512", "4k", "1m") into bytes. */
int fl_parse_size(const char *s, uint64_t *bytes, const char **why);
/* Parse a --delay or --size spec: X, X..Y, exp:X. IS_TIME picks the unit. */
int fl_parse_dist(const char *s, bool is_time, struct fl_dist *d,
		  const char **why);
/* Parse argv into OPT. Returns 0, 1 after --help was printed, or 2 after a
 * one-line error naming the option was printed to stderr. */
int fl_parse_options(int argc, char **argv, const char *prog,
		     const char *summary, struct fl_options *opt);

/* Draw request ID's value from D, deterministically from SEED and STREAM. */
double fl_dist_draw(const struct fl_dist *d, uint64_t seed, uint64_t id,
		    uint64_t stream);

/* One run. With --loops N the model runs N times at once, each on a copy
 * of the run whose -c is its share and whose lanes start at lane0; the
 * copies claim, record and count through root, the run fl_main made
 * (itself when there is one loop). Only what changes during the run goes
 * through root; the copies read the rest from themselves. */
struct fl_run {
	struct fl_run *root;
	unsigned lane0;               /* --loops: this copy's first lane */
	const struct fl_model *model;
	const char *prog;             /* "fetch-sync" */
	struct fl_options opt;
	struct fl_request *reqs;      /* opt.requests slots */
	int64_t t0_ns;                /* run start */
	int64_t t1_ns;                /* run end */
	double cpu0_s, cpu1_s;        /* the process's CPU time at t0, at t1 */
	double wait0_s, wait1_s;      /* the main thread's runnable-but-waiting time */
	atomic_uint_fast64_t next;    /* next request index to claim */
	atomic_uint_fast64_t klass[FL_CLASS_COUNT];
	atomic_uint_fast64_t connects;  /* new connections the transfers made */
	atomic_int_fast64_t sockets;    /* open now: curl's open minus close */
	atomic_int_fast64_t sockets_peak;  /* the most open at once */
	atomic_bool interrupted;
	_Atomic int64_t sched0_ns;    /* open loop: the schedule's start, set at the first claim */
	unsigned threads;
	pthread_mutex_t sample_lock;  /* guards the error samples (rare path) */
	char samples[FL_CLASS_COUNT][3][128];   /* first curl errors per class */
	unsigned nsamples[FL_CLASS_COUNT];
	char base_url[256];           /* --server without a trailing slash */
	struct fl_progress *progress; /* --progress, mapped; NULL without */
	double work_ns_per_step;      /* --work: fl_work_calibrate's figure */
	atomic_uint_fast64_t work_off_thread;  /* fl_work calls off the request's thread */
	pthread_mutex_t lag_lock;     /* guards lag */
	struct fl_hist *lag;          /* loop lag, microseconds (loops.c), or NULL */
	char refused_url[64];         /* a bound port with no listener */
	bool tls;                     /* --server is https */
	char tls_url[FL_FAULT_COUNT][300];  /* the TLS faults' base URLs, by name */
	struct curl_slist *connect_to;      /* ... and where those names connect */
	int refused_fd;
};

extern const char *const fl_class_names[FL_CLASS_COUNT];

/* The process's CPU time so far, every thread's, in seconds: the kernel's
 * own clock, to the nanosecond, not rusage's tick-sampled split. */
static inline double fl_process_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* How long the calling thread has waited, runnable, for a CPU (the
 * kernel's schedstat), in seconds; 0 where the kernel does not say. */
double fl_thread_wait_s(void);

/* Measure the nanoseconds one step of fl_work's loop takes on this
 * machine (thread CPU time, the median of a few trials). */
double fl_work_calibrate(void);

/* Run the model: once, or --loops times at once on threads of their own
 * (loops.c). Returns model.run's result, or -1 after fl_error. */
int fl_run_loops(struct fl_run *run);

/* Build the workload into RUN (request slots, delays, sizes, due offsets). */
int fl_workload_build(struct fl_run *run);

/* Write the summary (JSON or a table) to OUT, and the records/hdr files. */
int fl_report(struct fl_run *run, FILE *out);

#endif
