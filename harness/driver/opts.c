/* opts.c - a command's options, declared once: one table row per option
 * gives its name, its value, its line in the usage and where the value
 * goes, and both the parser and the usage below follow the table. What
 * a row cannot say (one option against another) the command checks after.
 *
 * The grammar is getopt_long's, less its corners: "--name VALUE",
 * "--name=VALUE", "-n VALUE", "-nVALUE"; "--" ends the options; every
 * other word is an unexpected argument. libc only, like util.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

/* The row named by ARG ("--delay=5ms" finds --delay), or NULL. */
static const struct cli_opt *find(const struct cli_opt *opts, const char *arg)
{
	for (const struct cli_opt *o = opts; o->name; o++) {
		size_t len = strlen(o->name);

		if (strncmp(arg, o->name, len) != 0)
			continue;
		if (arg[len] == '\0' || (arg[len] == '=' && arg[1] == '-') ||
		    (arg[1] != '-' && o->arg))   /* -n50 */
			return o;
	}
	return NULL;
}

/* Store VAL as O says. Returns 0, or -1 when VAL is not what O takes. */
static int store(const struct cli_opt *o, const char *val)
{
	char *e;

	switch (o->type) {
	case CLI_FLAG:
		*(bool *)o->to = true;
		return 0;
	case CLI_STR:
		*(const char **)o->to = val;
		return 0;
	case CLI_COUNT: {
		unsigned long v;

		errno = 0;
		v = strtoul(val, &e, 10);
		if (*val < '0' || *val > '9' || *e || errno || v < o->min || v > o->max)
			return -1;
		*(unsigned long *)o->to = v;
		return 0;
	}
	case CLI_NUM: {
		double v = strtod(val, &e);

		if (((*val < '0' || *val > '9') && *val != '.') || *e ||
		    !(v > o->min) || v > o->max)
			return -1;
		*(double *)o->to = v;
		return 0;
	}
	case CLI_CALL:
		return o->call(val, o->to);
	}
	return -1;
}

int cli_opts_parse(const char *who, const struct cli_opt *opts, int argc,
		   char **argv,
		   void (*usage)(FILE *out, const struct cli_opt *opts))
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *val = NULL;
		const struct cli_opt *o;

		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			usage(stdout, opts);
			return 1;
		}
		if (!strcmp(arg, "--") && (arg = argv[++i]) == NULL)
			break;   /* "--" ends the options: what follows is an argument */
		if (arg[0] != '-' || arg[1] == '\0' || (i > 1 && !strcmp(argv[i - 1], "--"))) {
			fprintf(stderr, "%s: '%s': unexpected argument; see %s --help\n",
				who, arg, who);
			return 2;
		}
		o = find(opts, arg);
		if (o && o->arg) {
			size_t len = strlen(o->name);

			val = arg[len] == '=' ? arg + len + 1 :
			      arg[len] != '\0' ? arg + len : argv[++i];
		}
		if (o == NULL || (o->arg && val == NULL) ||
		    (!o->arg && arg[strlen(o->name)] != '\0')) {
			fprintf(stderr, "%s: %s: unknown option or missing value; "
				"see %s --help\n", who, arg, who);
			return 2;
		}
		switch (store(o, val)) {
		case -1:
			fprintf(stderr, "%s: %s '%s': %s\n", who, o->name, val, o->hint);
			/* fall through */
		case -2:   /* CLI_CALL said why */
			return 2;
		}
	}
	return 0;
}

void cli_opts_usage(FILE *out, const struct cli_opt *opts)
{
	int width = 0;

	for (const struct cli_opt *o = opts; o->name; o++) {
		int w = (int)strlen(o->name) + (o->arg ? 1 + (int)strlen(o->arg) : 0);

		width = w > width ? w : width;
	}
	for (const struct cli_opt *o = opts; o->name; o++) {
		const char *h = o->help;
		char left[128];

		snprintf(left, sizeof left, "%s%s%s", o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
		fprintf(out, "  %-*s  ", width, left);
		/* Each newline of the help continues under the first line. */
		for (const char *nl; (nl = strchr(h, '\n')); h = nl + 1)
			fprintf(out, "%.*s\n  %*s  ", (int)(nl - h), h, width, "");
		fprintf(out, "%s\n", h);
	}
}
