/* models.c - the registry of models: every list of models in the driver,
 * the demo, the charts and the docs follows this one table.
 *
 * A C model is the executable fetch-NAME beside the driver; a peer is the
 * script harness/peers/NAME.py of the source tree, speaking the same
 * command line and JSON. A model missing from the table still runs when
 * named (fetchlab run NAME); the table gives it a place in the default
 * sets, its colour, and its line in `fetchlab run --help`. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"

/* Chart order. Colours: Okabe & Ito's colour-blind-safe palette. */
const struct cli_model cli_models[] = {
	{"sync", "#E69F00", false,
	 "one easy handle, curl_easy_perform in a loop: the baseline"},
	{"threads", "#0072B2", false,
	 "a pool of worker threads fed by a bounded queue"},
	{"eventloop", "#009E73", false,
	 "one thread: libuv drives libcurl's multi_socket interface"},
	{"coroutine", "#CC79A7", false,
	 "code that reads like sync.c, thousands of fetches on one thread"},
	{"offload", "#000000", false,
	 "the event loop handing each response's CPU work to a thread pool"},
	/* A new C model goes here, before the peers. */
	{"python-asyncio", "#56B4E9", true,
	 "Python's asyncio.gather over aiohttp"},
	{"python-threads", "#D55E00", true,
	 "Python's ThreadPoolExecutor over http.client"},
	{NULL, NULL, false, NULL},
};

const struct cli_model *cli_model_find(const char *name)
{
	for (const struct cli_model *m = cli_models; m->name; m++)
		if (strcmp(m->name, name) == 0)
			return m;
	return NULL;
}

const char *cli_model_colour(const char *name)
{
	const struct cli_model *m = cli_model_find(name);

	return m ? m->colour : "#777777";
}

int cli_model_rank(const char *name)
{
	const struct cli_model *m = cli_model_find(name);

	return m ? (int)(m - cli_models) : 100;
}

int cli_model_path(const char *name, char *path, size_t n)
{
	if (name[0] == '\0' || name[0] == '.' || strchr(name, '/') != NULL)
		return -1;
	snprintf(path, n, "%s/fetch-%s", cli_bindir(), name);
	if (access(path, X_OK) == 0)
		return 0;
	snprintf(path, n, "%s/harness/peers/%s.py", FL_SOURCE_DIR, name);
	return access(path, X_OK) == 0 ? 1 : -1;
}

void cli_print_built(FILE *f, bool peers)
{
	char path[PATH_MAX];

	for (const struct cli_model *m = cli_models; m->name; m++) {
		int where = cli_model_path(m->name, path, sizeof path);

		if (where == 0 || (where == 1 && peers))
			fprintf(f, " %s", m->name);
	}
	fputc('\n', f);
}

int cli_model_exec(const char *model, char *path, size_t n)
{
	if (cli_model_path(model, path, n) >= 0)
		return 0;
	fprintf(stderr, "fetchlab: unknown model '%s'; the models are:", model);
	cli_print_built(stderr, true);
	return -1;
}

int cli_parse_models(const char *who, const char *list, bool peers,
		     const char **names, int max, char *copy, size_t n)
{
	char path[PATH_MAX];
	int count = 0;

	snprintf(copy, n, "%s", list);
	if (copy[0] == '\0') {
		fprintf(stderr, "%s: --models: name at least one model, e.g. "
			"--models sync,eventloop\n", who);
		return -1;
	}
	for (char *rest = copy, *tok; (tok = strsep(&rest, ",")) != NULL; ) {
		int where = cli_model_path(tok, path, sizeof path);   /* "": none */

		if (count < max && (where == 0 || (where == 1 && peers))) {
			names[count++] = tok;
			continue;
		}
		fprintf(stderr, "%s: --models %s: '%s' is %s; the built ones are:",
			who, list, tok, count == max ? "one model too many" :
			where == 1 ? "a Python peer, and this command runs the C models "
			"only" : "not a built model");
		cli_print_built(stderr, peers);
		return -1;
	}
	return count;
}

int cli_default_models(const char *who, bool peers, const char **names, int max)
{
	char path[PATH_MAX];
	int count = 0;

	for (const struct cli_model *m = cli_models; m->name && count < max; m++) {
		if (m->peer && !peers)
			continue;
		if (cli_model_path(m->name, path, sizeof path) >= 0)
			names[count++] = m->name;
		else
			fprintf(stderr, "%s: skipping %s: %s/fetch-%s is not built\n",
				who, m->name, cli_bindir(), m->name);
	}
	if (count == 0)
		fprintf(stderr, "%s: no model is built in %s; build them first "
			"(./fetchlab builds everything)\n", who, cli_bindir());
	return count;
}

void cli_model_names(char *buf, size_t n, bool peers, const char *sep)
{
	size_t len = 0;

	buf[0] = '\0';
	for (const struct cli_model *m = cli_models; m->name && len < n; m++)
		if (m->peer == peers)
			len += (size_t)snprintf(buf + len, n - len, "%s%s",
						len ? sep : "", m->name);
}

void cli_model_colours(char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (const struct cli_model *m = cli_models; m->name && len < n; m++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s %s",
					len ? " " : "", m->name, m->colour);
}
