/* lab_check.h - how the labs' checks (labs/NN-topic/check/trace.c) report
 * a broken rule. A check wraps the model's calls with the linker's --wrap;
 * at the first rule broken it prints one line on stderr,
 *     lab-check: STEP n: what happened, and what to do
 * where n is the step of the lab's guide, and aborts. `fetchlab lab check`
 * shows that line as the test's verdict.
 */
#ifndef LAB_CHECK_H
#define LAB_CHECK_H

#include <stdbool.h>

/* The rules test is running (it sets FETCHLAB_LAB_CHECK). Other runs of the
 * same build (the counts, the timings, tsan) only pass calls through. */
bool lab_checking(void);

/* Rule STEP is broken: under the rules test, print FMT (as printf) after
 * "lab-check: STEP n: " and abort; in any other run, return. */
void lab_broken(int step, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The same in every run: for a rule that only a run other than the rules
 * test reaches (lab 06's Ctrl-C). */
_Noreturn void lab_broken_always(int step, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
