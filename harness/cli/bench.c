/* bench.c - `fetchlab bench`: our models, server and coroutines against
 * their references, as one table of ratios with their targets. The
 * measuring lives in harness/bench: shell scripts that drive the tools,
 * and bench.py, which runs them and the models, alternates the runs, takes
 * the medians and writes the table (its header describes the suites).
 *
 * The driver only hands over to bench.py what it alone knows: its own
 * directory (the server and the model executables), the source tree, and
 * the machine with the libcurl and libuv the models are linked with. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Debian's, the interpreter the peers name too: ./fetchlab installs it.
 * A path, not a name: bench runs with the PATH it is given (a test hides
 * the curl tool that way). */
#define PYTHON "/usr/bin/python3"

int cmd_bench(int argc, char **argv)
{
	char script[PATH_MAX], *machine = NULL;
	char **args = calloc((size_t)argc + 5, sizeof *args);
	size_t len = 0;
	FILE *f = open_memstream(&machine, &len);

	if (args == NULL || f == NULL) {
		perror("fetchlab bench");
		return 1;
	}
	cli_describe_machine(f, "%s %s\n");
	if (fclose(f) != 0 || setenv("FETCHLAB_MACHINE", machine, 1) < 0) {
		perror("fetchlab bench");
		return 1;
	}
	snprintf(script, sizeof script, "%s/harness/bench/bench.py", cli_source_dir());
	/* python3 -B: no __pycache__ in the source tree. */
	args[0] = PYTHON;
	args[1] = "-B";
	args[2] = script;
	args[3] = (char *)cli_bindir();
	args[4] = (char *)cli_source_dir();
	memcpy(args + 5, argv + 1, (size_t)(argc - 1) * sizeof *args);
	fflush(NULL);
	execv(PYTHON, args);
	fprintf(stderr, "fetchlab bench: cannot run %s %s: %s; install python3 "
		"(./fetchlab installs it)\n", PYTHON, script, strerror(errno));
	free(args);
	free(machine);
	return 127;
}
