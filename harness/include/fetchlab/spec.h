/* spec.h - the --delay, --size and --work grammar (X, LOW..HIGH, exp:X,
 * with units), for the driver: compare checks a spec up front, with the
 * models' own message, instead of parsing it a second way. */
#ifndef FETCHLAB_SPEC_H
#define FETCHLAB_SPEC_H

#include <stdbool.h>

/* The mean of spec S: microseconds when IS_TIME, else bytes. Returns 0,
 * or -1 with WHY the models would print after "--delay 'S' ". */
int fl_spec_mean(const char *s, bool is_time, double *mean, const char **why);

#endif
