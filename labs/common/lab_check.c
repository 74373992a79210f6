/* lab_check.c - the labs' checks report a broken rule (lab_check.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "lab_check.h"

bool lab_checking(void)
{
	return getenv("FETCHLAB_LAB_CHECK") != NULL;
}

static void report(int step, const char *fmt, va_list ap)
{
	fprintf(stderr, "lab-check: STEP %d: ", step);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void lab_broken(int step, const char *fmt, ...)
{
	va_list ap;

	if (!lab_checking())
		return;
	va_start(ap, fmt);
	report(step, fmt, ap);
	va_end(ap);
	abort();
}

void lab_broken_always(int step, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(step, fmt, ap);
	va_end(ap);
	abort();
}
