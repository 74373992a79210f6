/* cli.h - the driver's commands (fetchlab-cli); what they share with the
 * labs' grader is the driver library, driver.h (harness/driver). */
#ifndef FETCHLAB_CLI_H
#define FETCHLAB_CLI_H

#include <stdbool.h>

#include "driver.h"

/* Subcommands. Each returns the process exit status. */
int cmd_run(int argc, char **argv);    /* run.c: one model, and serve */
int cmd_serve(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_demo(int argc, char **argv);   /* demo.c: the models race, live */
int cmd_bench(int argc, char **argv);  /* bench.c: ratios against peers, curl, nginx */

/* ---- plot.c -------------------------------------------------------------- */

/* Reduce DIR/data/summary.csv to DIR/data/points.csv (the median of the
 * repeats per model and C), print the table when TABLE, and draw every
 * chart of the plots directory into DIR/charts. Messages name SHOWN
 * instead of DIR when it is not NULL (compare draws in a staging
 * directory). Returns 0, or 1 or 2 after a line saying why. */
int cli_plot(const char *dir, bool table, const char *shown);

/* Run gnuplot on SCRIPT with the variables VARS ("a='x'; b=2; ") and
 * colours (the registry's), name and fmt; stdin /dev/null, stderr to LOG
 * (NULL: ours). Returns its exit status, or 127 when it cannot be run. */
int cli_gnuplot(const char *vars, const char *name, const char *fmt,
		const char *script, const char *log);

#endif
