/* driver.h - libfetchlab-driver: what the driver's commands (harness/cli)
 * and the labs' grader (labs/grader) share, bottom up: each section calls
 * only the ones above it (spawn.h sits beside util.c, below the models). */
#ifndef FETCHLAB_DRIVER_H
#define FETCHLAB_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "spawn.h"

/* ---- util.c: small helpers, libc only ---------------------------------- */

/* The directory holding the driver, the server and the model executables. */
const char *cli_bindir(void);
/* The source tree: $FETCHLAB_ROOT, else the one this driver was built from. */
const char *cli_source_dir(void);
/* The whole of file PATH as a malloc'd string, or NULL with errno. */
char *cli_slurp(const char *path);
/* rm -r PATH (it does not follow symbolic links). Returns 0 or -1. */
int cli_remove_tree(const char *path);
/* A whole decimal number from 1 to MAX into *V. Returns 0 or -1. */
int cli_parse_count(const char *s, unsigned long max, unsigned long *v);
/* Append NAME='VALUE'; to the gnuplot command BUF of size N (quotes doubled). */
void cli_gp_var(char *buf, size_t n, const char *name, const char *value);

/* ---- opts.c: a command's options, declared once ----------------------- */

/* Where an option's value goes. */
enum cli_opt_type {
	CLI_FLAG,    /* a switch: bool *to = true */
	CLI_STR,     /* const char **to = the value, unchecked (checked after) */
	CLI_COUNT,   /* unsigned long *to: a whole number in [min, max] */
	CLI_NUM,     /* double *to: a decimal number in (min, max] */
	CLI_CALL,    /* call(value, to): 0; -1 when the value is bad (the hint
		      * follows); -2 after call printed its own line */
};

/* One option: a row of the command's table, which ends with a NULL name. */
struct cli_opt {
	const char *name;    /* "--delay" or "-n" */
	const char *arg;     /* the value's name in the usage ("SPEC"); NULL: a switch */
	enum cli_opt_type type;
	void *to;
	const char *help;    /* its usage text; a newline continues it, indented */
	double min, max;     /* CLI_COUNT, CLI_NUM */
	const char *hint;    /* a bad value: "WHO: NAME 'VALUE': HINT" */
	int (*call)(const char *value, void *to);   /* CLI_CALL */
};

/* Parse ARGV[1..ARGC) by the table OPTS for WHO ("fetchlab demo"). Returns
 * 0; 1 after USAGE(stdout, OPTS) for --help (exit 0); 2 after one line
 * naming the bad option, value or argument. */
int cli_opts_parse(const char *who, const struct cli_opt *opts, int argc,
		   char **argv,
		   void (*usage)(FILE *out, const struct cli_opt *opts));
/* The table's lines of the usage on OUT, aligned. */
void cli_opts_usage(FILE *out, const struct cli_opt *opts);

/* ---- models.c: the registry of models ------------------------------------ */

struct cli_model {
	const char *name;      /* fetchlab run NAME: fetch-NAME, or a peer's NAME.py */
	const char *colour;    /* in every chart and the demo: "#RRGGBB" */
	bool peer;             /* a script of harness/peers, not a C model */
	const char *summary;   /* one line: what it shows */
};

/* Every model in chart order, C models first; ends with a NULL name. */
extern const struct cli_model cli_models[];
/* A peer that cannot run here (no Python, no aiohttp) exits CLI_SKIP after
 * one line on stderr saying why. */
#define CLI_SKIP 77

/* NAME's entry, or NULL. */
const struct cli_model *cli_model_find(const char *name);
/* NAME's colour; grey for a model not in the table. */
const char *cli_model_colour(const char *name);
/* NAME's place in chart order; after every listed model if not listed. */
int cli_model_rank(const char *name);
/* Resolve NAME into PATH: 0 for a built C model, 1 for a peer script,
 * -1 when neither exists. */
int cli_model_path(const char *name, char *path, size_t n);
/* " NAME" for each listed model that is built (with PEERS, or a peer that
 * is there), then a newline, on F. */
void cli_print_built(FILE *f, bool peers);
/* cli_model_path, or -1 after printing "unknown model" and the built ones. */
int cli_model_exec(const char *model, char *path, size_t n);
/* Split the comma list LIST (copied into COPY of size N, which the names
 * point into) into at most MAX built models (peers too with PEERS).
 * Returns how many, or -1 after one line for WHO ("fetchlab demo") naming
 * the bad one and the built ones. */
int cli_parse_models(const char *who, const char *list, bool peers,
		     const char **names, int max, char *copy, size_t n);
/* The built C models of the table (with PEERS, the peers too: one that
 * cannot run here skips when run), at most MAX, with a line for WHO for
 * each that is not built. Returns how many (0 after a line saying so). */
int cli_default_models(const char *who, bool peers, const char **names, int max);
/* The names of the C models (of the peers with PEERS) in BUF, separated by
 * SEP: "sync,threads,..." for the usages, "python-asyncio python-threads"
 * for the gnuplot variable `peers` (drawn dashed beside the C models). */
void cli_model_names(char *buf, size_t n, bool peers, const char *sep);
/* "sync #E69F00 threads #0072B2 ...": every model and its colour, for the
 * gnuplot variable `colours` that harness/plots/common.gp reads. */
void cli_model_colours(char *buf, size_t n);

/* ---- child.c: the server, a model run, the machine ----------------------- */

/* A running fetchlab-server: the embedded one, or a user's (--server). */
struct cli_server {
	bool tls;          /* set before the start: HTTPS (fetchlab-server --tls) */
	struct spawn proc;
	char url[512];     /* http://127.0.0.1:PORT, or https://; or the user's */
	char ca[4096];     /* with tls: the CA certificate its clients verify it by
			    * ("" for a user's server without --ca: the system's) */
	bool remote;       /* the user's --server, not ours to start or stop */
	bool shared;       /* it refuses a body over 64 MiB: a shared server's limits */
	double rtt_ms;     /* the least time of a tiny request on an open connection */
};

/* Start fetchlab-server on an ephemeral loopback port. Returns 0 or -1 after
 * printing why. */
int cli_server_start(struct cli_server *s);
/* Use the fetchlab-server at URL (WHO's --server), verified by the CA file
 * CA (NULL: the system's): one small request must come back with the body
 * the workload owes, then S describes it (remote). Returns 0, or -1 after a
 * line naming --server: unreachable, not verified, or not a fetchlab-server,
 * and what to do. */
int cli_server_use(struct cli_server *s, const char *who, const char *url,
		   const char *ca);
/* Stop the embedded server (a remote one is left alone). */
void cli_server_stop(struct cli_server *s);
/* One line on F saying which server the figures come from, after PREFIX. */
void cli_server_describe(FILE *f, const char *prefix, const struct cli_server *s);

/* Run MODEL with ARGS (NULL-terminated, without argv[0]); when SERVER is not
 * NULL, "--server URL" is added. Ctrl-C stops it (the driver ignores it
 * and waits). With OUT, the child's stdout is captured into a malloc'd
 * string (*OUT, caller frees); without, it is inherited. RU receives the
 * child's rusage from wait4. Returns the exit status, or 128+signal, or
 * CLI_SKIP for a peer without its interpreter, or 127 when it could not be
 * run, or -1 for an unknown model (each after a line saying why). */
int cli_run_model(const char *model, const char *server, char *const args[],
		  char **out, struct rusage *ru);
/* The same for the model executable at PATH (a lab's build, say). */
int cli_run_exe(const char *path, const char *server, char *const args[],
		char **out, struct rusage *ru);

/* `fetchlab run` (and `fetchlab lab run`): the model executable at PATH
 * with ARGS (without argv[0]), against the embedded server unless ARGS name
 * a target of their own (--url, --server) or fetch nothing (--help,
 * --dry-run); the driver's --tls makes that server HTTPS. Ctrl-C is waited
 * out. Returns the exit status for the driver. */
int cli_run_with_server(const char *path, char *const args[]);

/* The number at KEY ("a.b": member b of the top object's member a) of the
 * JSON text, read with libfetchlab's parser (json.h). Returns 0, or -1 when
 * the text is not JSON or KEY is absent or not a number. */
int cli_json_number(const char *json, const char *key, double *v);
/* The figures of MODEL's JSON summary TEXT into V by the schema (schema.h:
 * every one absent is NAN, or NULL for a string), its strings in BUF of N
 * bytes. Returns 0, or -1 when TEXT is NULL, not JSON (after a line for
 * WHO, unless TEXT is empty) or not a summary (no "ok"). */
union fl_value;
int cli_read_figures(const char *who, const char *model, const char *text,
		     union fl_value *v, char *buf, size_t n);

/* The first line of COMMAND's output, or "unknown", in BUF. */
void cli_command_line(const char *command, char *buf, size_t n);
/* The value after "KEY<blanks>:" in a /proc file such as /proc/cpuinfo, or
 * "unknown", in BUF. */
void cli_proc_field(const char *file, const char *key, char *buf, size_t n);
/* The machine (cpu, cores, memory, kernel, libcurl, libuv) on F, a line
 * per item, each printed with FORMAT from the item's "name:" and value
 * ("%-12s%s\n" for a plain list, "- %s %s\n" for Markdown). */
void cli_describe_machine(FILE *f, const char *format);
/* `git describe --always --dirty` of the source tree, or "unknown". */
void cli_git_describe(char *buf, size_t n);

#endif
