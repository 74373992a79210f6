/* spawn.c - the one place the driver forks: see spawn.h.
 *
 * The child reports a failed exec through a close-on-exec pipe, so
 * spawn_start knows whether the program runs before it returns. The
 * watchdog is polled: spawn_wait ticks every WATCH_MS while a deadline is
 * set, and blocks in poll() or wait4() otherwise. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fetchlab/fetchlab.h"   /* fl_now_ns */

#include "driver.h"
#include "spawn.h"

#define WATCH_MS 2   /* how late a watchdog's signal may come */
#define MAX_LIVE 64  /* children at once the terminal's Ctrl-C reaches */

/* The running children, for the handlers: a slot is a pid (one the
 * terminal's Ctrl-C would reach), minus the pid of an own_group child (its
 * group's id), or 0. Written outside the handlers only with the signals
 * that run them blocked. */
static volatile pid_t live[MAX_LIVE];
static volatile sig_atomic_t stopping;   /* the signal that stopped us, or 0 */
static volatile sig_atomic_t kill_mode;  /* spawn_kill_on_interrupt(true) */

/* Open PATH with FLAGS as descriptor TO. Returns 0 or -1 with errno. */
static int redirect(const char *path, int flags, int to)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);

	return fd < 0 || dup2(fd, to) < 0 ? -1 : 0;
}

/* In the child, between fork and exec. Returns only when something
 * failed, with errno set. */
static void child(const struct spawn *s, int pipe_w, pid_t driver)
{
	const int w = O_WRONLY | O_CREAT | O_TRUNC;

	if (s->own_group)
		setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != driver)   /* it died before prctl: its signal is lost */
		_exit(128 + SIGTERM);
	if (s->on_int != SPAWN_INT_INHERIT)
		signal(SIGINT, s->on_int == SPAWN_INT_STOPS ? SIG_DFL : SIG_IGN);
	if (s->null_stdin && redirect("/dev/null", O_RDONLY, STDIN_FILENO) < 0)
		return;
	if (s->capture ? dup2(pipe_w, STDOUT_FILENO) < 0 :
	    s->out_file && redirect(s->out_file, w, STDOUT_FILENO) < 0)
		return;
	if (s->err_to_out ? dup2(STDOUT_FILENO, STDERR_FILENO) < 0 :
	    s->err_file && redirect(s->err_file, w, STDERR_FILENO) < 0)
		return;
	execvp(s->argv[0], s->argv);
}

/* Undo a start that failed with errno E. Returns -E. */
static int start_failed(struct spawn *s, const int out[2], int e)
{
	for (int i = 0; i < 2; i++)
		if (out[i] >= 0)
			close(out[i]);
	free(s->out);
	s->out = NULL;
	s->pid = 0;
	s->status = 127;
	return -e;
}

/* Block the signals on_term and on_kill handle; *OLD gets the mask to
 * put back. */
static void block_term(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &set, old);
}

/* Put PID in the slot holding WAS (0: a free one). Call with block_term's
 * signals blocked. */
static void track(pid_t pid, pid_t was)
{
	for (int i = 0; i < MAX_LIVE; i++)
		if (live[i] == was) {
			live[i] = pid;
			return;
		}
}

static void on_term(int sig)
{
	stopping = sig;
	for (int i = 0; i < MAX_LIVE; i++)
		if (live[i] > 0)
			kill(live[i], SIGINT);
}

void spawn_term_as_interrupt(void)
{
	static const int sigs[] = {SIGTERM, SIGHUP};
	struct sigaction sa = {.sa_handler = on_term}, was;

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigaction(sigs[i], NULL, &was) == 0 && was.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);   /* nohup's ignore stays */
}

bool spawn_stopping(void)
{
	return stopping != 0;
}

int spawn_stop_signal(void)
{
	return stopping;
}

static void on_kill(int sig)
{
	stopping = sig;
	for (int i = 0; i < MAX_LIVE; i++)
		if (live[i] != 0)
			kill(live[i], SIGKILL);   /* -pgid: the whole group */
}

void spawn_kill_on_interrupt(bool on)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
	struct sigaction sa = {.sa_handler = on ? on_kill : SIG_DFL};

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	kill_mode = on;
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

int spawn_start(struct spawn *s)
{
	int out[2] = {-1, -1}, ep[2], e = 0;
	pid_t driver = getpid();
	sigset_t old;

	s->pid = 0;
	s->status = -1;
	s->fd = -1;
	s->out = NULL;
	s->len = s->cap = 0;
	s->interrupted = s->killed = false;
	s->secs = s->int_secs = 0;
	memset(&s->ru, 0, sizeof s->ru);
	if (s->capture && ((s->out = calloc(1, s->cap = 8192)) == NULL ||
			   pipe2(out, O_CLOEXEC) < 0))
		return start_failed(s, out, errno);
	if (pipe2(ep, O_CLOEXEC) < 0)
		return start_failed(s, out, errno);
	s->t0_ns = fl_now_ns();
	block_term(&old);
	if (kill_mode && stopping) {   /* stopped: start nothing more */
		sigprocmask(SIG_SETMASK, &old, NULL);
		close(ep[0]), close(ep[1]);
		return start_failed(s, out, ECANCELED);
	}
	s->pid = fork();
	if (s->pid == 0) {   /* the child: exec, or tell the parent why not */
		sigprocmask(SIG_SETMASK, &old, NULL);
		child(s, out[1], driver);
		e = errno;
		while (write(ep[1], &e, sizeof e) < 0 && errno == EINTR)
			;
		_exit(127);
	}
	e = s->pid < 0 ? errno : 0;
	if (s->pid > 0 && s->own_group)
		setpgid(s->pid, s->pid);   /* also here: no race with a signal */
	if (s->pid > 0)
		track(s->own_group ? -s->pid : s->pid, 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(ep[1]);
	while (s->pid > 0 && read(ep[0], &e, sizeof e) < 0 && errno == EINTR)
		;   /* 0 bytes: exec closed the pipe, the program runs */
	close(ep[0]);
	if (e != 0) {
		while (s->pid > 0 && waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
			;
		return start_failed(s, out, e);
	}
	if (s->capture)
		close(out[1]);
	s->fd = out[0];
	return 0;
}

int spawn_read(struct spawn *s, int ms)
{
	struct pollfd p = {.fd = s->fd, .events = POLLIN};
	ssize_t n;

	if (s->fd < 0)
		return 0;
	if (poll(&p, 1, ms) <= 0)
		return -1;
	if (s->len + 4096 > s->cap) {
		char *nb = realloc(s->out, s->cap = s->cap * 2);

		if (nb == NULL) {   /* keep what we have; the child gets EPIPE */
			close(s->fd);
			s->fd = -1;
			return 0;
		}
		s->out = nb;
	}
	n = read(s->fd, s->out + s->len, s->cap - s->len - 1);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return -1;
	if (n <= 0) {
		close(s->fd);
		s->fd = -1;
		return 0;
	}
	s->len += (size_t)n;
	s->out[s->len] = '\0';
	return (int)n;
}

void spawn_signal(struct spawn *s, int sig)
{
	if (s->pid > 0)
		kill(s->own_group ? -s->pid : s->pid, sig);
}

/* Reap S if it has exited (FLAGS 0: wait until it does). Returns true
 * once reaped; the rest of its output is read first. */
static bool reap(struct spawn *s, int flags)
{
	int64_t t = fl_now_ns();
	int st;
	pid_t r;

	while ((r = wait4(s->pid, &st, flags, &s->ru)) < 0 && errno == EINTR)
		;
	if (r == 0)
		return false;
	if (r > 0) {
		sigset_t old;

		block_term(&old);
		track(0, s->own_group ? -r : r);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	while (spawn_read(s, -1) != 0)
		;
	s->status = r < 0 ? -1 : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
	s->secs = (t - s->t0_ns) / 1e9;
	if (s->interrupted)
		s->int_secs = (t - s->int_ns) / 1e9;
	s->pid = 0;
	return true;
}

/* Our stdout is a pipe nobody reads any more (`| head` has exited)? The
 * next write would raise SIGPIPE, but the next line may be minutes away. */
static bool stdout_gone(void)
{
	struct pollfd p = {.fd = STDOUT_FILENO, .events = 0};

	return poll(&p, 1, 0) == 1 && (p.revents & POLLERR) != 0;
}

bool spawn_poll(struct spawn *s)
{
	double t = (fl_now_ns() - s->t0_ns) / 1e9;

	if (s->pid <= 0)
		return true;
	if (kill_mode && !stopping && stdout_gone())
		raise(SIGPIPE);
	if (s->int_after > 0 && t >= s->int_after && !s->interrupted) {
		spawn_signal(s, SIGINT);
		s->interrupted = true;
		s->int_ns = fl_now_ns();
	}
	if (s->kill_after > 0 && t >= s->kill_after && !s->killed) {
		spawn_signal(s, SIGKILL);
		s->killed = true;
	}
	while (spawn_read(s, 0) > 0)
		;
	return reap(s, WNOHANG);
}

int spawn_wait(struct spawn *s)
{
	while (!spawn_poll(s)) {
		bool watched = s->int_after > 0 || s->kill_after > 0 || kill_mode;

		if (s->fd >= 0)
			spawn_read(s, watched ? WATCH_MS : -1);
		else if (watched)
			nanosleep(&(struct timespec){0, WATCH_MS * 1000000L}, NULL);
		else
			reap(s, 0);
	}
	return s->status;
}

int spawn_run(struct spawn *s)
{
	int rc = spawn_start(s);

	return rc < 0 ? rc : spawn_wait(s);
}
