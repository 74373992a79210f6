/* schema.h - every per-run figure, declared once (harness/lib/schema.c):
 * its JSON key, its summary.csv column, its unit, how the repeats of a
 * point reduce it, how it prints. The model's JSON summary (report.c),
 * compare's data/summary.csv and plot's data/points.csv are loops over
 * these tables, so a new figure is one name below, one row in schema.c,
 * and the code that measures it.
 */
#ifndef FETCHLAB_SCHEMA_H
#define FETCHLAB_SCHEMA_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "fetchlab/fetchlab.h"
#include "fetchlab/json.h"

/* The figures of one run, in the JSON summary's order. */
enum fl_metric_id {
	FL_M_MODEL, FL_M_REQUESTS, FL_M_CONCURRENCY, FL_M_RATE, FL_M_DELAY,
	FL_M_SIZE, FL_M_SEED, FL_M_FAULTS, FL_M_OK, FL_M_ERRORS_BY_CLASS,
	FL_M_ERROR_SAMPLES, FL_M_INJECTED, FL_M_INTERRUPTED, FL_M_WALL,
	FL_M_THROUGHPUT, FL_M_BYTES, FL_M_CONNECTIONS,
	FL_M_LAT_MIN, FL_M_LAT_MEAN, FL_M_LAT_P50, FL_M_LAT_P90, FL_M_LAT_P99,
	FL_M_LAT_P999, FL_M_LAT_MAX,
	FL_M_DUE_MIN, FL_M_DUE_MEAN, FL_M_DUE_P50, FL_M_DUE_P90, FL_M_DUE_P99,
	FL_M_DUE_P999, FL_M_DUE_MAX,
	FL_M_CPU_USER, FL_M_CPU_SYS, FL_M_PEAK_RSS, FL_M_CTX_VOLUNTARY,
	FL_M_CTX_INVOLUNTARY, FL_M_THREADS,
	FL_M_WORK_SPEC, FL_M_WORK_MEAN, FL_M_WORK_NS_PER_STEP, FL_M_WORK_OFF_THREAD,
	FL_M_LAG_P50, FL_M_LAG_P99, FL_M_LAG_MAX,
	FL_M_CLIENT_BUSY, FL_M_CLIENT_BOUND, FL_M_STEADY, FL_M_INFLIGHT_MEAN,
	FL_M_INFLIGHT_PEAK, FL_M_CONN_PEAK,
	FL_M_TLS, FL_M_CONN_MODE, FL_M_TLS_FULL, FL_M_TLS_RESUMED,
	FL_M_CONNECT_MEAN, FL_M_CONNECT_P50, FL_M_CONNECT_P99,
	FL_M_HANDSHAKE_MEAN, FL_M_HANDSHAKE_P50, FL_M_HANDSHAKE_P99,
	FL_M_WAIT_MEAN, FL_M_WAIT_P50, FL_M_WAIT_P99,
	FL_M_TRANSFER_MEAN, FL_M_TRANSFER_P50, FL_M_TRANSFER_P99,
	/* The driver's, not in the JSON: compare measures or knows them. */
	FL_M_REPEAT, FL_M_ERRORS, FL_M_DELAY_MEAN, FL_M_CPU_BASE,
	/* Derived from a run's other figures when its row is read back. */
	FL_M_CPU_PER_REQ, FL_M_BOUND,
	FL_M_COUNT
};

enum fl_type {
	FL_NUM,         /* a double (counts too: exact below 2^53), printed with fmt */
	FL_U64,         /* an integer exact in all 64 bits (the seed) */
	FL_STR,         /* text; escaped in JSON, as it is in CSV */
	FL_BOOL,
	FL_PER_CLASS,   /* an object: a count per error class but ok */
	FL_PER_FAULT,   /* an object: a count per fault kind but none */
	FL_SAMPLES,     /* an object: per error class, a list of messages (omitted when none) */
};

/* How the repeats of one point reduce a figure. */
enum fl_reduce {
	FL_R_NONE,      /* not reduced (a point column does not use it) */
	FL_R_FIRST,     /* the same in every repeat: the first */
	FL_R_MEDIAN,    /* the middle value, or the mean of the middle two */
	FL_R_MIN, FL_R_MAX, FL_R_SUM,
	FL_R_COUNT,     /* how many repeats */
};

struct fl_metric {
	const char *name;      /* what it is called in code and docs */
	const char *json;      /* key path ("latency_us.p50"); NULL: not in the JSON */
	const char *csv;       /* data/summary.csv column; NULL: not in it */
	int col;               /* the column's place in summary.csv, from 1 */
	const char *unit;      /* "us", "s", "req/s", "KiB", "" */
	enum fl_type type;
	const char *fmt;       /* printf format of an FL_NUM, in JSON and CSV */
	enum fl_reduce reduce;
	double (*derive)(const double *run);   /* computed from a run's figures */
	const char *doc;       /* one line: what it measures */
};

extern const struct fl_metric fl_metrics[FL_M_COUNT];

/* A client that kept this share of the cores it can use busy is the
 * bound of its own figures: they measure the client, not the model. */
#define FL_CLIENT_BOUND 0.90

/* The columns of data/points.csv, in order: one point per model, C, rate. */
enum fl_point_id {
	FL_P_MODEL, FL_P_CONCURRENCY, FL_P_RATE, FL_P_REPEATS, FL_P_THROUGHPUT,
	FL_P_THROUGHPUT_MIN, FL_P_THROUGHPUT_MAX, FL_P_P50, FL_P_P99,
	FL_P_P50_DUE, FL_P_P99_DUE, FL_P_EFFICIENCY, FL_P_CPU_PER_REQ,
	FL_P_PEAK_RSS, FL_P_MARGINAL, FL_P_BOUND, FL_P_ERRORS,
	FL_P_WORK, FL_P_LAG_P99, FL_P_CLIENT_BUSY,
	FL_P_STEADY, FL_P_STEADY_MIN, FL_P_STEADY_MAX, FL_P_INFLIGHT,
	FL_P_COUNT
};

struct fl_point_col {
	const char *name;      /* the points.csv column */
	int metric;            /* the run figure it reduces; -1: derived below */
	enum fl_reduce reduce; /* FL_R_NONE: the metric's own reduction */
	double scale;          /* a unit change (us to ms: 1e-3); 0 means 1 */
	const char *fmt;       /* printf format; NAN prints as an empty field */
	bool positive;         /* a value not above 0 is unknown (NAN), not 0 */
	double (*derive)(const double *point);   /* from the point's other columns */
	const char *charts;    /* the harness/plots scripts that draw it */
	const char *doc;       /* one line: what it shows */
};

extern const struct fl_point_col fl_point_cols[FL_P_COUNT];

#define FL_SAMPLES_MAX 3   /* error messages kept per class */

/* One figure's value; the metric's type says which member holds it. */
union fl_value {
	double num;                          /* FL_NUM; NAN: unknown */
	uint64_t u64;                        /* FL_U64 */
	const char *str;                     /* FL_STR; NULL: unknown */
	bool flag;                           /* FL_BOOL */
	const uint64_t *counts;              /* FL_PER_CLASS, FL_PER_FAULT: by index */
	const char *const (*samples)[FL_SAMPLES_MAX + 1];   /* FL_SAMPLES: NULL-ended, by class */
};

/* Write the figures V (indexed by enum fl_metric_id) as one JSON object
 * and a newline, following fl_metrics: figures without a JSON key are not
 * written, a path "a.b" is the member b of the object a. */
void fl_write_json(FILE *out, const union fl_value v[FL_M_COUNT]);

/* Fill V from the parsed summary J: every figure with a JSON key that is a
 * number, a string or a bool (strings unescaped into BUF of N bytes; an
 * absent number is NAN, an absent string NULL). Others are left alone. */
void fl_read_json(const struct fl_json *j, union fl_value v[FL_M_COUNT],
		  char *buf, size_t n);

/* The data/summary.csv header line and one row of it, from V. */
void fl_write_summary_header(FILE *out);
void fl_write_summary_row(FILE *out, const union fl_value v[FL_M_COUNT]);

/* The figure whose summary.csv column is NAME, or -1. */
int fl_metric_by_column(const char *name);

/* The median of V[0..N): the middle value, or the mean of the middle two;
 * NAN when N is 0. Sorts V in place. */
double fl_median(double *v, int n);

/* Reduce N values V by R; SCRATCH holds N doubles (V is not reordered). */
double fl_reduce(enum fl_reduce r, const double *v, int n, double *scratch);

/* The data/points.csv header line, and one point's row from MODEL and V
 * (indexed by enum fl_point_id). */
void fl_write_points_header(FILE *out);
void fl_write_points_row(FILE *out, const char *model, const double v[FL_P_COUNT]);

#endif
