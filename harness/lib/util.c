/* util.c - what every part of libfetchlab uses: the clock and the error
 * line. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "internal.h"

int64_t fl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void fl_error(const struct fl_run *run, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", run->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
