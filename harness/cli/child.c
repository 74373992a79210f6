/* child.c - the driver's children: the embedded server and the models.
 * Each model runs in its own process so its CPU time, peak RSS and context
 * switches (wait4's rusage) belong to it alone. Also the small readers of
 * the machine that compare and bench describe. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <curl/curl.h>
#include <uv.h>

#include "fetchlab/json.h"

#include "cli.h"
#include "spawn.h"

int cli_server_start(struct cli_server *s)
{
	char path[PATH_MAX];
	char *argv[] = {path, "--port", "0", s->tls ? "--tls" : NULL, NULL};
	int rc;

	/* Its own group: the terminal's Ctrl-C stops the model, which then
	 * writes its partial results, not the server it is still talking to
	 * (the server's SIGINT handler would replace an inherited ignore). */
	s->proc = (struct spawn){.argv = argv, .capture = true, .own_group = true,
				 .on_int = SPAWN_INT_IGNORED};
	snprintf(path, sizeof path, "%s/fetchlab-server", cli_bindir());
	rc = spawn_start(&s->proc);
	if (rc < 0) {
		fprintf(stderr, "fetchlab: cannot start %s: %s\n", path, strerror(-rc));
		return -1;
	}
	while (strchr(s->proc.out, '\n') == NULL && spawn_read(&s->proc, -1) > 0)
		;   /* its one line; it prints nothing more */
	if (sscanf(s->proc.out, "fetchlab-server listening on %63s ca %4095[^\n]",
		   s->url, s->ca) != 1 + s->tls) {
		fprintf(stderr, "fetchlab: the embedded server did not start "
			"(%s); try: %s --port 0\n", path, path);
		cli_server_stop(s);
		return -1;
	}
	return 0;
}

void cli_server_stop(struct cli_server *s)
{
	if (s->proc.pid <= 0)
		return;
	spawn_signal(&s->proc, SIGTERM);
	spawn_wait(&s->proc);
	free(s->proc.out);
	s->proc.out = NULL;
}

int cli_run_model(const char *model, const char *server, char *const args[],
		  char **out, struct rusage *ru)
{
	char path[PATH_MAX];

	if (cli_model_exec(model, path, sizeof path) < 0)
		return -1;
	return cli_run_exe(path, server, args, out, ru);
}

int cli_run_exe(const char *path, const char *server, char *const args[],
		char **out, struct rusage *ru)
{
	char *argv[256];
	struct spawn s = {.argv = argv, .capture = out != NULL,
			  .on_int = SPAWN_INT_STOPS};   /* the driver ignores it */
	int argc = 0, rc;

	argv[argc++] = (char *)path;
	for (int i = 0; args[i] && argc < 250; i++)
		argv[argc++] = args[i];
	if (server) {
		argv[argc++] = "--server";
		argv[argc++] = (char *)server;
	}
	argv[argc] = NULL;
	rc = spawn_run(&s);
	if (rc == -ENOENT && strstr(path, "/harness/peers/") != NULL) {
		/* The script exists (cli_model_path saw it): its interpreter
		 * does not. A peer is optional: skip it. */
		const char *name = strrchr(path, '/') + 1;   /* NAME.py */

		fprintf(stderr, "%.*s: skipped: its interpreter is not installed "
			"(apt-get install python3 python3-aiohttp)\n",
			(int)strcspn(name, "."), name);
		rc = CLI_SKIP;
	} else if (rc < 0) {
		fprintf(stderr, "fetchlab: cannot run %s: %s\n", path, strerror(-rc));
		rc = 127;
	}
	if (out)
		*out = s.out;
	if (ru)
		*ru = s.ru;
	return rc;
}

int cli_json_number(const char *json, const char *key, double *v)
{
	struct fl_json j;
	struct fl_json_tok *tok;
	const char *why;
	size_t at, len = json ? strlen(json) : 0;
	unsigned cap = len / 2 + 2;   /* a token takes two bytes at the least */
	int rc = -1;

	if (json == NULL || (tok = malloc(cap * sizeof *tok)) == NULL)
		return -1;
	if (fl_json_parse(&j, json, len, tok, cap, &why, &at) == 0)
		rc = fl_json_number(&j, key, v);
	free(tok);
	return rc;
}

void cli_command_line(const char *command, char *buf, size_t n)
{
	char *argv[] = {"/bin/sh", "-c", (char *)command, NULL};
	struct spawn s = {.argv = argv, .capture = true};

	snprintf(buf, n, "unknown");
	if (spawn_run(&s) >= 0 && s.out[0] != '\0')
		snprintf(buf, n, "%.*s", (int)strcspn(s.out, "\n"), s.out);
	free(s.out);
}

void cli_proc_field(const char *file, const char *key, char *buf, size_t n)
{
	FILE *f = fopen(file, "r");
	char line[512];

	snprintf(buf, n, "unknown");
	while (f && fgets(line, sizeof line, f)) {
		char *colon = strchr(line, ':');

		if (colon && strncmp(line, key, strlen(key)) == 0) {
			colon += strspn(colon + 1, " \t") + 1;
			colon[strcspn(colon, "\n")] = '\0';
			snprintf(buf, n, "%s", colon);
			break;
		}
	}
	if (f)
		fclose(f);
}

void cli_describe_machine(FILE *f, const char *format)
{
	char buf[256];
	struct utsname u;

	cli_proc_field("/proc/cpuinfo", "model name", buf, sizeof buf);
	fprintf(f, format, "cpu:", buf);
	snprintf(buf, sizeof buf, "%ld online", sysconf(_SC_NPROCESSORS_ONLN));
	fprintf(f, format, "cores:", buf);
	cli_proc_field("/proc/meminfo", "MemTotal", buf, sizeof buf);
	fprintf(f, format, "memory:", buf);
	if (uname(&u) == 0) {
		snprintf(buf, sizeof buf, "%s %s %s", u.sysname, u.release, u.machine);
		fprintf(f, format, "kernel:", buf);
	}
	fprintf(f, format, "libcurl:", curl_version());
	fprintf(f, format, "libuv:", uv_version_string());
}

void cli_git_describe(char *buf, size_t n)
{
	char cmd[PATH_MAX + 64];

	snprintf(cmd, sizeof cmd, "git -C '%s' describe --always --dirty 2>/dev/null",
		 cli_source_dir());
	cli_command_line(cmd, buf, n);
}
