/* fuzz_options.c - libFuzzer target over the workload option parsing: the
 * duration, size, distribution and fault specs, and the whole command line.
 * Every input must be accepted with an in-range value or refused with a
 * reason; nothing may crash, hang, or read past the string. Run it with
 * -close_fd_mask=2: the parser's one-line errors would flood the log. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *argv[16];
	double faults[FL_FAULT_COUNT];
	struct fl_options opt;
	struct fl_dist d;
	const char *why = NULL;
	uint64_t bytes;
	int64_t ns;
	int argc = 1;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	why = NULL;
	if (fl_parse_duration(s, &ns, &why) == 0)
		require(ns >= 0 && ns <= 100ll * 1000000000ll);
	else
		require(why != NULL);
	why = NULL;
	if (fl_parse_size(s, &bytes, &why) == 0)
		require(bytes <= 64ull << 20);
	else
		require(why != NULL);
	for (int is_time = 0; is_time < 2; is_time++) {
		why = NULL;
		if (fl_parse_dist(s, is_time, &d, &why) == 0) {
			require(d.a >= 0 && d.b >= d.a);
			require(fl_dist_draw(&d, 1, 2, 3) >= 0);
		} else {
			require(why != NULL);
		}
	}
	why = NULL;
	if (fl_parse_faults(s, faults, &why) == 0) {
		double total = 0;

		for (int k = 0; k < FL_FAULT_COUNT; k++) {
			require(faults[k] >= 0 && faults[k] <= 1);
			total += faults[k];
		}
		require(total <= 1 + 1e-9);
	} else {
		require(why != NULL);
	}

	/* The whole command line: split the input at NULs-turned-spaces. */
	argv[0] = "fetch-fuzz";
	for (char *tok = strtok(s, " \n"); tok && argc < 15; tok = strtok(NULL, " \n"))
		argv[argc++] = tok;
	argv[argc] = NULL;
	fl_parse_options(argc, argv, "fetch-fuzz", "fuzz", &opt);
	free(s);
	return 0;
}
