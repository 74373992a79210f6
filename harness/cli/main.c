/* main.c - the fetchlab driver: one command per job. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* The guided labs are the labs' own program (labs/grader): hand over. */
static int cmd_lab(int argc, char **argv)
{
	char path[PATH_MAX];

	(void)argc;
	snprintf(path, sizeof path, "%s/fetchlab-lab", cli_bindir());
	argv[0] = "lab";
	fflush(NULL);
	execv(path, argv);
	fprintf(stderr, "fetchlab lab: cannot run %s: %s; build it: cmake --build "
		"build (./fetchlab does)\n", path, strerror(errno));
	return 127;
}

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{"run", cmd_run, "run MODEL [options]   one model against the embedded server"},
	{"serve", cmd_serve, "serve [--port N]      the embedded test server, in the foreground"},
	{"compare", cmd_compare, "compare [options]     every model at every concurrency: table, CSV, charts"},
	{"plot", cmd_plot, "plot DIR              redraw the table and charts of DIR from its data"},
	{"demo", cmd_demo, "demo [options]        the four models race, live"},
	{"lab", cmd_lab, "lab list|start|check|run NN|grade   the guided labs"},
	{"bench", cmd_bench, "bench [SUITE...]      ratios against peers, curl, nginx; results/bench.md"},
	{NULL, NULL, NULL},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: fetchlab COMMAND [options]   (COMMAND --help for more)\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(out, "  %s\n", c->help);
	fprintf(out, "  test                  build and run the test suite (CTest)\n");
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(argv[1], c->name) == 0)
			return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "fetchlab: unknown command '%s'; see fetchlab --help\n", argv[1]);
	return 2;
}
