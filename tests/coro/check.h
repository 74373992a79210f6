/* check.h - the one assertion the coroutine tests use.
 *
 * CHECK(cond) prints the failed condition with its place and exits with 1;
 * CHECK_OK(rc) does the same for a 0-or-negative-errno result, naming the
 * error. Unlike assert(), both stay active in release builds.
 */
#ifndef FETCHLAB_TEST_CHECK_H
#define FETCHLAB_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: check failed: %s\n", \
			__FILE__, __LINE__, #cond); \
		exit(1); \
	} \
} while (0)

#define CHECK_OK(expr) do { \
	int rc_ = (expr); \
	if (rc_ < 0) { \
		fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, \
			#expr, strerror(-rc_)); \
		exit(1); \
	} \
} while (0)

#endif
