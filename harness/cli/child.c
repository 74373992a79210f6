/* child.c - running things as child processes: the embedded server and the
 * models. Each model runs in its own process so its CPU time, peak RSS and
 * context switches (wait4's rusage) belong to it alone. Also the small
 * readers of the machine that compare and bench describe. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <uv.h>

#include "cli.h"

const char *const cli_models[] = {"sync", "threads", "eventloop", "coroutine", "offload", NULL};

const char *cli_bindir(void)
{
	static char dir[PATH_MAX];   /* computed once; the driver is one thread */
	ssize_t n;

	if (dir[0] != '\0')
		return dir;
	n = readlink("/proc/self/exe", dir, sizeof dir - 1);
	if (n <= 0)
		return ".";
	dir[n] = '\0';
	*strrchr(dir, '/') = '\0';
	return dir;
}

const char *const cli_peers[] = {"python-asyncio", "python-threads", NULL};

int cli_model_exec(const char *model, char *path, size_t n)
{
	if (strchr(model, '/') != NULL || model[0] == '.')
		goto unknown;
	/* A C model is built beside the driver; a peer is a script in the
	 * source tree speaking the same command line and JSON. */
	snprintf(path, n, "%s/fetch-%s", cli_bindir(), model);
	if (access(path, X_OK) == 0)
		return 0;
	snprintf(path, n, "%s/harness/peers/%s.py", FL_SOURCE_DIR, model);
	if (access(path, X_OK) == 0)
		return 0;
unknown:
	fprintf(stderr, "fetchlab: unknown model '%s'; the models are:", model);
	for (int i = 0; cli_models[i]; i++) {
		snprintf(path, n, "%s/fetch-%s", cli_bindir(), cli_models[i]);
		if (access(path, X_OK) == 0)
			fprintf(stderr, " %s", cli_models[i]);
	}
	for (int i = 0; cli_peers[i]; i++) {
		snprintf(path, n, "%s/harness/peers/%s.py", FL_SOURCE_DIR, cli_peers[i]);
		if (access(path, X_OK) == 0)
			fprintf(stderr, " %s", cli_peers[i]);
	}
	fputc('\n', stderr);
	return -1;
}

int cli_server_start(struct cli_server *s)
{
	char path[PATH_MAX], line[256];
	int fds[2];
	FILE *f;

	snprintf(path, sizeof path, "%s/fetchlab-server", cli_bindir());
	if (pipe2(fds, O_CLOEXEC) < 0) {
		perror("fetchlab: pipe");
		return -1;
	}
	s->pid = fork();
	if (s->pid < 0) {
		perror("fetchlab: fork");
		return -1;
	}
	if (s->pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		signal(SIGINT, SIG_IGN);   /* Ctrl-C stops the model, not its server */
		execl(path, "fetchlab-server", "--port", "0", (char *)NULL);
		fprintf(stderr, "fetchlab: cannot start %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	if (f == NULL || fgets(line, sizeof line, f) == NULL ||
	    sscanf(line, "fetchlab-server listening on %63s", s->url) != 1) {
		fprintf(stderr, "fetchlab: the embedded server did not start "
			"(%s); try: %s --port 0\n", path, path);
		if (f)
			fclose(f);
		cli_server_stop(s);
		return -1;
	}
	fclose(f);   /* the server prints nothing more */
	return 0;
}

void cli_server_stop(struct cli_server *s)
{
	if (s->pid <= 0)
		return;
	kill(s->pid, SIGTERM);
	waitpid(s->pid, NULL, 0);
	s->pid = 0;
}

int cli_run_model(const char *model, const char *server, char *const args[],
		  char **out, struct rusage *ru)
{
	char path[PATH_MAX];
	char *argv[256];
	int argc = 0, fds[2] = {-1, -1}, status;
	size_t len = 0, cap = 0;
	char *buf = NULL;
	pid_t pid;

	if (cli_model_exec(model, path, sizeof path) < 0)
		return -1;
	argv[argc++] = path;
	for (int i = 0; args[i] && argc < 250; i++)
		argv[argc++] = args[i];
	if (server) {
		argv[argc++] = "--server";
		argv[argc++] = (char *)server;
	}
	argv[argc] = NULL;
	if (out && pipe2(fds, O_CLOEXEC) < 0) {
		perror("fetchlab: pipe");
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		perror("fetchlab: fork");
		return -1;
	}
	if (pid == 0) {
		if (out)
			dup2(fds[1], STDOUT_FILENO);
		signal(SIGINT, SIG_DFL);   /* the driver ignores Ctrl-C; the model must not */
		execv(path, argv);
		if (errno == ENOENT && strstr(path, "/harness/peers/") != NULL) {
			/* The script exists (cli_model_exec saw it): its
			 * interpreter does not. A peer is optional: skip it. */
			fprintf(stderr, "%s: skipped: its interpreter is not installed "
				"(apt-get install python3 python3-aiohttp)\n", model);
			_exit(CLI_SKIP);
		}
		fprintf(stderr, "fetchlab: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	if (out) {
		close(fds[1]);
		for (;;) {
			ssize_t n;

			if (len + 4096 > cap) {
				char *nb = realloc(buf, cap = cap * 2 + 8192);

				if (nb == NULL)
					break;
				buf = nb;
			}
			n = read(fds[0], buf + len, cap - len - 1);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			len += (size_t)n;
		}
		close(fds[0]);
		if (buf)
			buf[len] = '\0';
		*out = buf;
	}
	while (wait4(pid, &status, 0, ru) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int cli_json_number(const char *json, const char *key, double *v)
{
	const char *p = json, *dot = strchr(key, '.');
	char name[64];

	if (json == NULL)
		return -1;
	if (dot) {   /* "a.b": find "a":{ first, then b inside it */
		snprintf(name, sizeof name, "\"%.*s\":{", (int)(dot - key), key);
		p = strstr(json, name);
		if (p == NULL)
			return -1;
		key = dot + 1;
	}
	snprintf(name, sizeof name, "\"%s\":", key);
	p = strstr(p, name);
	if (p == NULL)
		return -1;
	*v = strtod(p + strlen(name), NULL);
	return 0;
}

/* The first line of COMMAND's output, or "unknown". */
void cli_command_line(const char *command, char *buf, size_t n)
{
	FILE *p = popen(command, "r");

	snprintf(buf, n, "unknown");
	if (p == NULL)
		return;
	if (fgets(buf, (int)n, p) == NULL)
		snprintf(buf, n, "unknown");
	buf[strcspn(buf, "\n")] = '\0';
	pclose(p);
}

/* The value after "KEY<spaces>:" in a /proc file, or "unknown". */
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
