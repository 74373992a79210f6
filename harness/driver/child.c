/* child.c - the driver's children: the embedded server and the models.
 * Each model runs in its own process so its CPU time, peak RSS and context
 * switches (wait4's rusage) belong to it alone. Also the small readers of
 * the machine that compare and bench describe. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <curl/curl.h>
#include <uv.h>

#include "fetchlab/body.h"
#include "fetchlab/json.h"
#include "fetchlab/schema.h"

#include "driver.h"
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
	if (sscanf(s->proc.out, "fetchlab-server listening on %511s ca %4095[^\n]",
		   s->url, s->ca) != 1 + s->tls) {
		fprintf(stderr, "fetchlab: the embedded server did not start "
			"(%s); try: %s --port 0\n", path, path);
		cli_server_stop(s);
		return -1;
	}
	return 0;
}

/* A probe's body: its first PROBE_BYTES, and how many bytes came. */
#define PROBE_BYTES 1000
struct probe_body {
	char buf[PROBE_BYTES];
	size_t n;
};

static size_t probe_write(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct probe_body *b = ctx;
	size_t len = size * nmemb, room = sizeof b->buf - b->n;

	if (b->n < sizeof b->buf)
		memcpy(b->buf + b->n, data, len < room ? len : room);
	b->n += len;
	return len;
}

/* Ask BASE for /fetch?QUERY on EASY (HEAD: headers only), its body into B.
 * Returns curl's result; *STATUS the HTTP status, *US the time it took. */
static CURLcode probe_get(CURL *easy, const char *base, const char *query,
			  bool head, struct probe_body *b, long *status, double *us)
{
	char url[sizeof ((struct cli_server *)0)->url + 64];
	curl_off_t t = 0;
	CURLcode rc;

	snprintf(url, sizeof url, "%s/fetch?%s", base, query);
	b->n = 0;
	*status = 0;
	curl_easy_setopt(easy, CURLOPT_URL, url);
	curl_easy_setopt(easy, CURLOPT_NOBODY, head ? 1L : 0L);
	rc = curl_easy_perform(easy);
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, status);
	curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &t);
	*us = (double)t;
	return rc;
}

/* The line for a probe of --server URL that failed with RC (or, when RC
 * is CURLE_OK, answered STATUS with the wrong body), saying what to do. */
static void probe_failed(const char *who, const char *url, bool https,
			 const char *ca, CURLcode rc, long status)
{
	switch (rc) {
	case CURLE_OK:
		fprintf(stderr, "%s: --server %s answers, but not as a fetchlab-server "
			"(%s%ld); --server is for a `fetchlab serve`; give any other "
			"HTTP server to fetchlab run MODEL --url URL\n", who, url,
			status == 200 ? "a body that is not the workload's, HTTP " :
			"HTTP ", status);
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
		fprintf(stderr, "%s: --server %s: cannot reach it (%s); on that host "
			"run fetchlab serve --host ADDR --port PORT (ADDR: its address "
			"on this network), check the address and port, and that its "
			"firewall lets TCP PORT in\n", who, url, curl_easy_strerror(rc));
		break;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
		fprintf(stderr, "%s: --server %s: no TLS with it (%s); %s, and the URL "
			"with the address its --host gave it (or an http:// URL for a "
			"server without --tls)\n", who, url, curl_easy_strerror(rc),
			ca ? "check that --ca is the ca.pem of that server" :
			"give --ca FILE, the ca.pem that `fetchlab serve --tls` printed");
		break;
	default:
		fprintf(stderr, "%s: --server %s answers, but not as a fetchlab-server "
			"(%s)%s; --server is for a `fetchlab serve`\n", who, url,
			curl_easy_strerror(rc), https ? "" :
			"; if it runs with --tls, give https://");
	}
}

int cli_server_use(struct cli_server *s, const char *who, const char *url,
		   const char *ca)
{
	bool https = strncmp(url, "https://", 8) == 0;
	size_t len = strlen(url);
	struct probe_body b;
	long status;
	double us;
	CURLcode rc;
	CURL *easy;

	*s = (struct cli_server){.tls = https, .remote = true};
	while (len > 0 && url[len - 1] == '/')
		len--;   /* the models add "/fetch?..." */
	if (!https && strncmp(url, "http://", 7) != 0) {
		fprintf(stderr, "%s: --server %s: give an http:// or https:// URL, "
			"e.g. http://10.0.0.5:8080\n", who, url);
		return -1;
	}
	if (len >= sizeof s->url || (ca && strlen(ca) >= sizeof s->ca)) {
		fprintf(stderr, "%s: --server or --ca: too long\n", who);
		return -1;
	}
	if (ca && !https) {
		fprintf(stderr, "%s: --ca %s is for an https:// --server; drop it, "
			"or give the server's https:// URL\n", who, ca);
		return -1;
	}
	if (ca && access(ca, R_OK) < 0) {
		fprintf(stderr, "%s: --ca %s: cannot read it (%s); give the ca.pem "
			"that `fetchlab serve --tls` printed\n", who, ca, strerror(errno));
		return -1;
	}
	memcpy(s->url, url, len);
	snprintf(s->ca, sizeof s->ca, "%s", ca ? ca : "");
	if ((easy = curl_easy_init()) == NULL)
		return -1;
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, probe_write);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	if (ca)
		curl_easy_setopt(easy, CURLOPT_CAINFO, ca);
	/* Request 1's body, as a model checks it: only a fetchlab-server has it. */
	rc = probe_get(easy, s->url, "id=1&delay_ms=0&bytes=1000", false, &b, &status, &us);
	if (rc != CURLE_OK || status != 200 || b.n != PROBE_BYTES ||
	    !fl_body_check(1, 0, b.buf, PROBE_BYTES)) {
		probe_failed(who, s->url, https, ca, rc, status);
		curl_easy_cleanup(easy);
		return -1;
	}
	/* The round trip: tiny requests on the connection now open. */
	s->rtt_ms = us / 1e3;
	for (int i = 0; i < 3 && rc == CURLE_OK; i++) {
		rc = probe_get(easy, s->url, "id=2&delay_ms=0&bytes=8", false, &b,
			       &status, &us);
		s->rtt_ms = us / 1e3 < s->rtt_ms ? us / 1e3 : s->rtt_ms;
	}
	/* A shared server refuses a body over 64 MiB (403); ours sends 1 TiB.
	 * HEAD: the answer is only announced. */
	rc = probe_get(easy, s->url, "id=1&delay_ms=0&bytes=67108865", true, &b,
		       &status, &us);
	s->shared = rc == CURLE_OK && status == 403;
	curl_easy_cleanup(easy);
	return 0;
}

void cli_server_describe(FILE *f, const char *prefix, const struct cli_server *s)
{
	if (!s->remote)
		fprintf(f, "%sthe embedded fetchlab-server%s%s (loopback)\n", prefix,
			s->url[0] ? ", " : "", s->url);
	else
		fprintf(f, "%s%s, a fetchlab-server of the user's (--server%s%s): "
			"%s limits, a tiny request in %.2f ms\n", prefix, s->url,
			s->ca[0] ? ", --ca " : "", s->ca, s->shared ? "shared" : "loopback",
			s->rtt_ms);
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

int cli_run_with_server(const char *path, char *const args[])
{
	struct cli_server server = {0};
	struct rusage ru;
	bool own_server = true, own_target = false;
	char *argv[256];
	int rc, argc = 0;

	/* The embedded server, unless the model is given a target of the
	 * user's (--url, or --server: theirs is the one it talks to) or will
	 * not fetch at all. */
	for (int i = 0; args[i]; i++) {
		if (!strcmp(args[i], "--url") || !strncmp(args[i], "--url=", 6) ||
		    !strcmp(args[i], "--server") || !strncmp(args[i], "--server=", 9))
			own_target = true;
		if (own_target || !strcmp(args[i], "--help") || !strcmp(args[i], "-h") ||
		    !strcmp(args[i], "--dry-run"))
			own_server = false;
	}
	/* --tls is the driver's: an HTTPS server, and its CA for the model. */
	for (int i = 0; args[i] && argc < 250; i++)
		if (strcmp(args[i], "--tls") == 0)
			server.tls = true;
		else
			argv[argc++] = args[i];
	if (server.tls && own_target) {
		fprintf(stderr, "fetchlab run: --tls is for the embedded server; with "
			"your own --server or --url, give an https:// URL (and --ca FILE)\n");
		return 2;
	}
	if (own_server && cli_server_start(&server) < 0)
		return 1;
	if (server.tls && own_server) {
		argv[argc++] = "--ca";
		argv[argc++] = server.ca;
	}
	argv[argc] = NULL;
	/* Ctrl-C reaches the model through the terminal; we wait for it to
	 * write its partial results, then stop the server. */
	signal(SIGINT, SIG_IGN);
	spawn_term_as_interrupt();   /* and SIGTERM, SIGHUP the same way */
	rc = cli_run_exe(path, own_server ? server.url : NULL, argv, NULL, &ru);
	cli_server_stop(&server);
	return rc < 0 ? 1 : rc;
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

int cli_read_figures(const char *who, const char *model, const char *text,
		     union fl_value *v, char *buf, size_t n)
{
	struct fl_json_tok tok[512];
	struct fl_json j;
	const char *why;
	size_t at;

	for (int i = 0; i < FL_M_COUNT; i++)
		v[i].num = NAN;
	if (text == NULL)
		return -1;
	if (fl_json_parse(&j, text, strlen(text), tok, 512, &why, &at) < 0) {
		if (text[0] != '\0')
			fprintf(stderr, "%s: %s --json: %s at byte %zu\n", who, model,
				why, at);
		return -1;
	}
	fl_read_json(&j, v, buf, n);
	return isnan(v[FL_M_OK].num) ? -1 : 0;
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
