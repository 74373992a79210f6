/* spawn.h - every child process of the driver starts here: one argument
 * vector, where its output goes, what Ctrl-C does to it, a watchdog, and
 * its rusage back. Nothing here knows about models or the server.
 *
 * Fill the options of a struct spawn (zero is the default for each), then
 * spawn_run it, or spawn_start it and spawn_poll / spawn_wait for it. */
#ifndef FETCHLAB_SPAWN_H
#define FETCHLAB_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

/* What the terminal's Ctrl-C (SIGINT) does to the child. */
enum spawn_int {
	SPAWN_INT_INHERIT,   /* what it does to the driver at the time */
	SPAWN_INT_STOPS,     /* the default action, though the driver ignores it */
	SPAWN_INT_IGNORED,   /* nothing */
};

struct spawn {
	/* Options, set before spawn_start. */
	char *const *argv;      /* argv[0]: a path, or a name looked up in PATH */
	bool capture;           /* stdout into out, through a pipe */
	const char *out_file;   /* else stdout to this file (truncated); NULL: ours */
	const char *err_file;   /* stderr to this file (truncated); NULL: ours */
	bool err_to_out;        /* stderr where stdout goes (overrides err_file) */
	bool null_stdin;        /* stdin from /dev/null, else ours */
	bool own_group;         /* a process group of its own: the terminal's
				 * Ctrl-C does not reach it, spawn_signal
				 * reaches everything it started */
	enum spawn_int on_int;
	/* The watchdog, in seconds since the start; 0: never. The caller may
	 * change them while the child runs (spawn_poll reads them). */
	double int_after;       /* SIGINT once, after this long */
	double kill_after;      /* SIGKILL once, after this long */

	/* Results. */
	pid_t pid;              /* > 0 until reaped */
	int status;             /* exit status, or 128 + signal; -1 until reaped */
	bool interrupted;       /* the watchdog sent SIGINT */
	bool killed;            /* the watchdog sent SIGKILL */
	double secs;            /* wall time, start to exit */
	double int_secs;        /* from the watchdog's SIGINT to exit */
	struct rusage ru;       /* the child's alone, from wait4 */
	char *out;              /* captured stdout, NUL-ended (malloc'd: the
				 * caller frees it), or NULL */

	/* Private to spawn.c. */
	int fd;                 /* the capture pipe's read end, or -1 */
	size_t len, cap;        /* of out */
	int64_t t0_ns, int_ns;  /* started; SIGINT sent */
};

/* Start S->argv with S's options, without waiting for it to finish.
 * Returns 0, or -errno when it could not be started (no such program,
 * fork failed...): then S->status is 127 and nothing is left running. */
int spawn_start(struct spawn *s);

/* One step, without blocking: the watchdog, the output so far, and the
 * exit if it has come. Returns true once S has exited (S->status set). */
bool spawn_poll(struct spawn *s);

/* Wait for S to exit, reading its output and keeping its watchdog.
 * Returns S->status. */
int spawn_wait(struct spawn *s);

/* spawn_start then spawn_wait. Returns the exit status (or 128 + signal),
 * or -errno when it could not be started. */
int spawn_run(struct spawn *s);

/* Read what S wrote to the capture pipe into S->out, waiting at most MS
 * milliseconds (-1: until something comes). Returns the bytes read, 0 once
 * the pipe is closed (or S captures nothing), -1 when nothing came. */
int spawn_read(struct spawn *s, int ms);

/* Send SIG to S (to its whole group with own_group) if it still runs. */
void spawn_signal(struct spawn *s, int sig);

/* Every child gets SIGTERM when the driver dies, however it dies (the
 * parent-death signal), so nothing is orphaned. For a driver that waits
 * out Ctrl-C (run, compare, demo: they ignore SIGINT and let the terminal
 * stop their children), make SIGTERM and SIGHUP act as Ctrl-C: SIGINT to
 * every running child the terminal's would reach (not own_group), and
 * spawn_stopping() true from then on, so the driver reports, cleans up and
 * exits as after Ctrl-C. */
void spawn_term_as_interrupt(void);
bool spawn_stopping(void);

/* For a driver with nothing to report when stopped (lab check), ON makes
 * SIGINT, SIGTERM, SIGHUP and SIGPIPE kill every running child at once
 * (SIGKILL; its whole group with own_group), make spawn_stopping() true
 * and every later spawn_start fail with -ECANCELED: the driver removes
 * its scratch files and exits 128 + spawn_stop_signal(). While a child
 * runs, a stdout that is a pipe with no reader left (`| head` exited)
 * counts as SIGPIPE at once, not at the next line. OFF puts the default
 * actions back (not the stopped state). */
void spawn_kill_on_interrupt(bool on);
/* The signal that stopped the driver, or 0. */
int spawn_stop_signal(void);

#endif
