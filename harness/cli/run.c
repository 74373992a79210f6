/* run.c - `fetchlab run MODEL [options]` and `fetchlab serve`.
 * run starts the embedded server (unless --url is given), runs the model in
 * its own process with the options passed through, and stops the server
 * (cli_run_with_server, in the driver library: `fetchlab lab run` does the
 * same with a student's build). */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void run_usage(FILE *out)
{
	fprintf(out,
		"usage: fetchlab run MODEL [workload options]\n"
		"Run one model against the embedded server and print its summary.\n"
		"MODEL is one of:\n");
	for (const struct cli_model *m = cli_models; m->name; m++)
		fprintf(out, "  %-15s %s%s\n", m->name, m->summary,
			m->peer ? " (peer)" : "");
	fprintf(out,
		"Workload options (see fetchlab run MODEL --help): -n N -c C --delay SPEC\n"
		"--size SPEC --rate R --timeout DUR --seed N --json --records FILE --url URL\n"
		"--connections reuse|fresh, --server URL (another machine's fetchlab serve\n"
		"--host ADDR, used as it is: no embedded server) with --ca FILE for https://,\n"
		"and the driver's own:\n"
		"  --tls   the embedded server speaks HTTPS; the model verifies it by its CA\n"
		"example: fetchlab run sync -n 40 -c 1 --delay 50ms\n");
}

int cmd_run(int argc, char **argv)
{
	char path[PATH_MAX];

	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			run_usage(stdout);
			return 0;
		}
		fprintf(stderr, "fetchlab run: name a model first, e.g. fetchlab run sync; "
			"see fetchlab run --help\n");
		return 2;
	}
	if (cli_model_exec(argv[1], path, sizeof path) < 0)
		return 2;
	return cli_run_with_server(path, argv + 2);
}

int cmd_serve(int argc, char **argv)
{
	char path[PATH_MAX];

	/* fetchlab-server itself answers --help: its options, its limits. */
	(void)argc;
	snprintf(path, sizeof path, "%s/fetchlab-server", cli_bindir());
	argv[0] = path;
	execv(path, argv);
	perror("fetchlab serve");
	return 1;
}
