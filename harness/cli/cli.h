/* cli.h - the driver's shared pieces: finding the models, the embedded
 * server, running one model as a child process. */
#ifndef FETCHLAB_CLI_H
#define FETCHLAB_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/types.h>

/* The four models, in the order charts and tables show them. */
extern const char *const cli_models[];
/* Reference implementations in other languages (harness/peers), the same
 * command line and JSON; a peer that cannot run here (no Python, no
 * aiohttp) exits CLI_SKIP after one line on stderr saying why. */
extern const char *const cli_peers[];
#define CLI_SKIP 77

/* A running fetchlab-server. */
struct cli_server {
	pid_t pid;
	char url[64];   /* http://127.0.0.1:PORT */
};

/* The directory holding the driver, the server and the model executables. */
const char *cli_bindir(void);

/* Resolve MODEL to an executable (and, for a script peer, its interpreter)
 * in ARGV0 / SCRIPT. Returns 0, or -1 after printing "unknown model" with the
 * list of known ones. */
int cli_model_exec(const char *model, char *path, size_t n);

/* Start fetchlab-server on an ephemeral loopback port. Returns 0 or -1 after
 * printing why. */
int cli_server_start(struct cli_server *s);
void cli_server_stop(struct cli_server *s);

/* Run MODEL with ARGS (NULL-terminated, without argv[0]); when SERVER is not
 * NULL, "--server URL" is added. With OUT, the child's stdout is captured
 * into a malloc'd string (*OUT, caller frees); without, it is inherited.
 * RU receives the child's rusage from wait4. Returns the exit status, or
 * 128+signal, or -1 if it could not be started. */
int cli_run_model(const char *model, const char *server, char *const args[],
		  char **out, struct rusage *ru);

/* Find "KEY": in a flat or nested JSON text (KEY may be "a.b" for a nested
 * object) and parse its number. Returns 0 or -1 when absent. */
int cli_json_number(const char *json, const char *key, double *v);

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

/* Subcommands. Each returns the process exit status. */
int cmd_run(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_demo(int argc, char **argv);   /* demo.c: the models race, live */
int cmd_lab(int argc, char **argv);    /* lab.c: the guided labs and their grader */
int cmd_bench(int argc, char **argv);  /* bench.c: ratios against peers, curl, nginx */

/* compare.c and plot.c. */

/* The source tree: $FETCHLAB_ROOT, else the one this driver was built from. */
const char *cli_source_dir(void);

/* Reduce DIR/data/summary.csv to DIR/data/points.csv (the median of the
 * repeats per model and C), print the table when TABLE, and draw every
 * chart of the plots directory into DIR/charts. Returns 0, or 1 or 2
 * after a line saying why. */
int cli_plot(const char *dir, bool table);

#endif
