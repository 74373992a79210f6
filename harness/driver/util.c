/* util.c - the driver's small helpers, written once: where things are,
 * files, numbers, gnuplot strings. libc only: every other file
 * of the driver may call these, and these call none of them. */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "driver.h"

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

const char *cli_source_dir(void)
{
	return getenv("FETCHLAB_ROOT") ? getenv("FETCHLAB_ROOT") : FL_SOURCE_DIR;
}

static int remove_one(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	(void)st; (void)ftw;
	return (type == FTW_DP ? rmdir(path) : unlink(path)) < 0 ? -1 : 0;
}

int cli_remove_tree(const char *path)
{
	return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *cli_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL)
		return NULL;
	do {
		if (len + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = 2 * cap + 8192);

			if (nb == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

int cli_parse_count(const char *s, unsigned long max, unsigned long *v)
{
	char *e;

	errno = 0;
	*v = strtoul(s, &e, 10);
	return *s >= '0' && *s <= '9' && *e == '\0' && errno == 0 && *v >= 1 &&
	       *v <= max ? 0 : -1;
}

void cli_gp_var(char *buf, size_t n, const char *name, const char *value)
{
	size_t len = strlen(buf);

	len += (size_t)snprintf(buf + len, n - len, "%s='", name);
	for (; *value && len + 4 < n; value++) {
		if (*value == '\'')
			buf[len++] = '\'';
		buf[len++] = *value;
	}
	snprintf(buf + len, n - len, "'; ");
}
