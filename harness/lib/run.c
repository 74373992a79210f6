/* run.c - fl_main and the hot path a model calls: fl_next, fl_easy_setup,
 * fl_done. Recording is a few stores into the request's own slot and one
 * atomic increment: no lock and no allocation while requests are in flight. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fetchlab/body.h"
#include "fetchlab/stdfds.h"
#include "internal.h"

const char *const fl_class_names[FL_CLASS_COUNT] = {
	"ok", "connect", "timeout", "http", "recv", "checksum", "other",
};

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

unsigned fl_requests(const struct fl_run *run) { return run->opt.requests; }
unsigned fl_concurrency(const struct fl_run *run) { return run->opt.concurrency; }
size_t fl_stack_size(const struct fl_run *run) { return run->opt.stack_size; }
bool fl_interrupted(const struct fl_run *run) { return atomic_load(&run->root->interrupted); }
void fl_set_threads(struct fl_run *run, unsigned threads) { run->threads = threads; }

bool fl_next(struct fl_run *run, struct fl_request **req)
{
	uint64_t i;

	run = run->root;   /* --loops: every loop claims from the one workload */
	if (atomic_load_explicit(&run->interrupted, memory_order_relaxed))
		return false;
	i = atomic_fetch_add_explicit(&run->next, 1, memory_order_relaxed);
	if (i >= run->opt.requests)
		return false;
	*req = &run->reqs[i];
	if (run->progress)
		atomic_fetch_add_explicit(&run->progress->claimed, 1, memory_order_relaxed);
	if (run->opt.rate <= 0) {
		(*req)->due_ns = fl_now_ns();   /* closed loop: due when claimed */
	} else {
		/* Open loop: the schedule starts at the first claim, when the
		 * model is ready; its set-up is not the clients' queueing. */
		int64_t t = 0, now = fl_now_ns();

		if (atomic_compare_exchange_strong(&run->sched0_ns, &t, now))
			t = now;
		(*req)->due_ns += t;
	}
	return true;
}

/* The body callback of a --server run: count the bytes and compare them with
 * the stream the server owes us (body.h). A mismatch is remembered, not
 * reported to curl, so the transfer ends normally and fl_done classifies it. */
static size_t on_body_checked(char *data, size_t one, size_t n, void *arg)
{
	struct fl_request *req = arg;

	(void)one;   /* always 1 */
	if (req->first_byte_ns == 0)
		req->first_byte_ns = fl_now_ns();
	if (req->bytes + n > req->size ||
	    !fl_body_check(req->id, req->bytes, data, n))
		req->body_bad = true;
	req->bytes += n;
	return n;
}

/* The body callback of a --url run: count only. */
static size_t on_body_counted(char *data, size_t one, size_t n, void *arg)
{
	struct fl_request *req = arg;

	(void)data;
	(void)one;
	if (req->first_byte_ns == 0)
		req->first_byte_ns = fl_now_ns();
	req->bytes += n;
	return n;
}

/* Called by libcurl while a transfer makes progress: after Ctrl-C, abort
 * it so the run ends promptly. curl_easy_perform calls it at least once a
 * second; under multi_socket it runs only when a socket stirs, so the
 * event-driven models also cancel from a timer of their own. */
static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
		       curl_off_t ultotal, curl_off_t ulnow)
{
	const struct fl_run *run = arg;

	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return atomic_load_explicit(&run->root->interrupted, memory_order_relaxed);
}

/* libcurl's receive buffer for REQ: room for the headers and the whole
 * body in one read, capped at libcurl's default of 16 KiB (bigger bodies
 * take several reads, as they would anyway). The buffer is allocated for
 * every transfer, and its pages are new memory for every new lane, so at
 * C = 10,000 a 16 KiB buffer for a 1 KiB body costs time as well as RSS. */
static long recv_buffer_size(const struct fl_request *req)
{
	long want = (long)req->size + 1024;   /* + the status line and headers */

	return want < CURL_MAX_WRITE_SIZE ? want : CURL_MAX_WRITE_SIZE;
}

/* The URL that asks the server for REQ: its id, delay, size and fault. */
static void format_url(const struct fl_run *run, const struct fl_request *req,
		       char *url, size_t n)
{
	const char *base = run->base_url, *path = "fetch", *fault = "";

	switch (req->fault) {
	case FL_FAULT_NONE:
		break;
	case FL_FAULT_REFUSED:
		base = run->refused_url;
		break;
	case FL_FAULT_HTTP500:
		path = "status/500";
		break;
	case FL_FAULT_HTTP503:
		path = "status/503";
		break;
	default:
		fault = fl_fault_names[req->fault];
		break;
	}
	int k = snprintf(url, n, "%s/%s?id=%" PRIu32 "&delay_ms=%" PRIu32 ".%03"
			 PRIu32 "&bytes=%" PRIu32 "%s%s", base, path, req->id,
			 req->delay_us / 1000, req->delay_us % 1000, req->size,
			 *fault ? "&fault=" : "", fault);

	if (req->id == run->opt.pause_id && k > 0 && (size_t)k < n)
		snprintf(url + k, n - (size_t)k, "&pause_ms=%" PRId64,
			 run->opt.pause_ns / 1000000);
}

/* Each line of the response's head: the blank one ends it. A connection
 * closed mid-head leaves head_done false, which libcurl itself accepts as
 * an empty body (CURLE_OK); classify counts it as the recv error it is. */
static size_t on_header(char *line, size_t one, size_t n, void *arg)
{
	struct fl_request *req = arg;

	(void)one;   /* always 1 */
	if (n <= 2 && (line[0] == '\r' || line[0] == '\n'))
		req->head_done = true;
	return n;
}

/* curl's sockets pass through these two, so a run knows how many
 * connections it held open at once (connections_peak), whatever the model:
 * lanes of a loop share a connection pool, and C lanes need not mean C
 * connections. One atomic add per connection, none per reused request. */
static curl_socket_t on_open_socket(void *arg, curlsocktype purpose,
				    struct curl_sockaddr *a)
{
	struct fl_run *run = arg;
	int fd = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
	int_fast64_t open, peak;

	(void)purpose;
	if (fd < 0)
		return CURL_SOCKET_BAD;
	open = atomic_fetch_add_explicit(&run->sockets, 1, memory_order_relaxed) + 1;
	peak = atomic_load_explicit(&run->sockets_peak, memory_order_relaxed);
	while (open > peak && !atomic_compare_exchange_weak_explicit(&run->sockets_peak,
			&peak, open, memory_order_relaxed, memory_order_relaxed))
		;
	return fd;
}

static int on_close_socket(void *arg, curl_socket_t fd)
{
	struct fl_run *run = arg;

	atomic_fetch_sub_explicit(&run->sockets, 1, memory_order_relaxed);
	return close(fd);
}

void fl_easy_setup(struct fl_run *run, struct fl_request *req, CURL *easy,
		   unsigned lane)
{
	const struct fl_options *o = &run->opt;
	char url[512];

	if (o->url != NULL) {
		curl_easy_setopt(easy, CURLOPT_URL, o->url);
		curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body_counted);
	} else {
		format_url(run, req, url, sizeof url);
		curl_easy_setopt(easy, CURLOPT_URL, url);   /* curl copies it */
		curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body_checked);
		curl_easy_setopt(easy, CURLOPT_NOPROXY, "*");
		curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, recv_buffer_size(req));
	}
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, req);
	curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(easy, CURLOPT_HEADERDATA, req);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, (long)(o->timeout_ns / 1000000));
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);   /* threads: no SIGALRM */
	curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(easy, CURLOPT_XFERINFODATA, run);
	curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
	curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, run->root);
	curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, on_close_socket);
	curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, run->root);
	req->lane = run->lane0 + lane;   /* --loops: lanes numbered across loops */
	req->thread = pthread_self();
	req->bytes = 0;
	req->body_bad = false;
	req->head_done = false;
	req->first_byte_ns = 0;
	req->start_ns = fl_now_ns();
}

/* Which class a finished transfer belongs to. */
static enum fl_class classify(const struct fl_run *run,
			      const struct fl_request *req, CURLcode rc)
{
	switch (rc) {
	case CURLE_OK:
		if (!req->head_done)
			return FL_ERR_RECV;   /* closed mid-head: not a response */
		if (req->status >= 400)
			return FL_ERR_HTTP;
		if (run->opt.url == NULL &&
		    (req->body_bad || req->bytes != req->size))
			return FL_ERR_CHECKSUM;
		return FL_OK;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return FL_ERR_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return FL_ERR_TIMEOUT;
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
	case CURLE_WEIRD_SERVER_REPLY:     /* not HTTP, or lying about its length */
	case CURLE_UNSUPPORTED_PROTOCOL:   /* here: no status line (HTTP/0.9) */
		return FL_ERR_RECV;
	case CURLE_OUT_OF_MEMORY:
		/* After a status line: libcurl refused a head over its limit
		 * (CURL_MAX_HTTP_HEADER), which it reports as out of memory. */
		return req->status != 0 ? FL_ERR_RECV : FL_ERR_OTHER;
	default:
		return FL_ERR_OTHER;
	}
}

void fl_done(struct fl_run *run, struct fl_request *req, CURLcode rc,
	     CURL *easy)
{
	long status = 0;
	enum fl_class k;

	run = run->root;   /* --loops: one set of counters */
	req->end_ns = fl_now_ns();
	if (easy != NULL) {
		long connects = 0;   /* 0 when a kept-alive connection was reused */

		curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
		atomic_fetch_add_explicit(&run->connects, (uint64_t)connects,
					  memory_order_relaxed);
	}
	req->status = (int32_t)status;
	if (req->first_byte_ns == 0 && rc == CURLE_OK && easy != NULL) {
		curl_off_t us = 0;   /* an empty body: take curl's first-byte time */

		curl_easy_getinfo(easy, CURLINFO_STARTTRANSFER_TIME_T, &us);
		req->first_byte_ns = req->start_ns + (int64_t)us * 1000;
	}
	k = classify(run, req, rc);
	req->klass = (uint8_t)k;
	if (k != FL_OK) {
		/* Rare path: keep curl's words for the first few of each class. */
		pthread_mutex_lock(&run->sample_lock);
		if (run->nsamples[k] < 3) {
			const char *text = rc == CURLE_ABORTED_BY_CALLBACK ?
				"cancelled: the run was interrupted"
				: rc != CURLE_OK ? curl_easy_strerror(rc)
				: k == FL_ERR_HTTP ? "HTTP status >= 400"
				: "body differs from the expected bytes";

			snprintf(run->samples[k][run->nsamples[k]++],
				 sizeof run->samples[k][0], "request %u: %s (status %ld)",
				 (unsigned)req->id, text, status);
		}
		pthread_mutex_unlock(&run->sample_lock);
	}
	atomic_fetch_add_explicit(&run->klass[k], 1, memory_order_relaxed);
	if (run->progress) {
		struct fl_progress *p = run->progress;
		int64_t us = (req->end_ns - req->due_ns) / 1000;

		if (k == FL_OK) {
			atomic_store_explicit(&p->latency_us[req->id],
					      us < 1 ? 1 : us > UINT32_MAX ? UINT32_MAX
					      : (uint32_t)us, memory_order_relaxed);
			atomic_fetch_add_explicit(&p->ok, 1, memory_order_relaxed);
		}
		atomic_fetch_add_explicit(&p->done, 1, memory_order_release);
	}
}

int fl_check_limits(struct fl_run *run, unsigned threads, unsigned fds)
{
	struct rlimit rl;
	unsigned long maps = 0, tmax = 0;
	FILE *f;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < fds + 64) {
		rl.rlim_cur = rl.rlim_max;   /* the soft limit may rise to the hard */
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0 || getrlimit(RLIMIT_NOFILE, &rl) < 0)
			rl.rlim_cur = 0;     /* not raised: judge what is in force */
		if (rl.rlim_cur < fds + 64) {
			unsigned c = run->opt.concurrency;
			unsigned per = fds / c ? fds / c : 1;  /* descriptors per lane */
			unsigned long fixed = fds > per * c ? fds - per * c : 0, most = 0;
			unsigned long have = rl.rlim_cur ? rl.rlim_cur : rl.rlim_max;
			char fit[64] = "";

			if (have > 64 + fixed)
				most = (have - 64 - fixed) / per;
			if (most > 0)
				snprintf(fit, sizeof fit, " or lower -c to at most %lu", most);
			fl_error(run, "-c %u needs about %u file descriptors (%u per "
				 "request in flight), but the limit is %lu; raise it "
				 "(ulimit -n, or ulimit -Hn %u, which needs root with "
				 "CAP_SYS_RESOURCE, or /etc/security/limits.conf)%s",
				 c, fds + 64, per, have, fds + 64,
				 most > 0 ? fit : ": not even -c 1 fits under it");
			return -1;
		}
	}
	if (threads <= 1)
		return 0;
	if (getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < threads + 16) {
		fl_error(run, "-c %u needs %u threads, but the per-user process "
			 "limit (ulimit -u) is %lu; raise it or lower -c",
			 run->opt.concurrency, threads, (unsigned long)rl.rlim_cur);
		return -1;
	}
	if ((f = fopen("/proc/sys/kernel/threads-max", "r")) != NULL) {
		if (fscanf(f, "%lu", &tmax) == 1 && tmax < threads + 16) {
			fl_error(run, "-c %u needs %u threads, but kernel.threads-max "
				 "is %lu; raise it (sysctl kernel.threads-max) or lower -c",
				 run->opt.concurrency, threads, tmax);
			fclose(f);
			return -1;
		}
		fclose(f);
	}
	/* Each thread's stack is a mapping plus a guard page mapping. */
	if ((f = fopen("/proc/sys/vm/max_map_count", "r")) != NULL) {
		if (fscanf(f, "%lu", &maps) == 1 && maps < 2ul * threads + 1024) {
			fl_error(run, "-c %u needs about %u memory maps, but "
				 "vm.max_map_count is %lu; raise it (sysctl "
				 "vm.max_map_count=%u) or lower -c",
				 run->opt.concurrency, 2 * threads + 1024, maps,
				 2 * threads + 1024);
			fclose(f);
			return -1;
		}
		fclose(f);
	}
	return 0;
}

/* Ctrl-C: the one piece of process-wide state, because a signal handler has
 * no other way to reach the run. The first stops new requests; a second one
 * kills the process the usual way. */
static struct fl_run *interrupt_target;

static void on_sigint(int sig)
{
	atomic_store(&interrupt_target->interrupted, true);
	signal(sig, SIG_DFL);
}

/* With --url, make one request first, so an unreachable URL is a usage
 * error with a reason rather than N counted failures. */
static int probe_url(struct fl_run *run)
{
	CURL *easy = curl_easy_init();
	CURLcode rc;

	if (easy == NULL)
		return -1;
	/* Connect only: whatever the server then does (no answer, garbage, a
	 * reset) is the run's to count, not a reason to refuse it. */
	curl_easy_setopt(easy, CURLOPT_URL, run->opt.url);
	curl_easy_setopt(easy, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(easy);
	curl_easy_cleanup(easy);
	if (rc != CURLE_OK) {
		fl_error(run, "--url %s: cannot reach it (%s); check the address and "
			 "that the server is running", run->opt.url,
			 curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

/* Fail before the run, not after it, when an output file cannot be written. */
static int check_writable(const struct fl_run *run, const char *opt,
			  const char *path)
{
	FILE *f;

	if (path == NULL)
		return 0;
	f = fopen(path, "a");
	if (f == NULL) {
		fl_error(run, "%s %s: cannot write it (%s); give a writable path",
			 opt, path, strerror(errno));
		return -1;
	}
	fclose(f);
	return 0;
}

/* --progress FILE: map the shared counters (progress.h). */
static int map_progress(struct fl_run *run)
{
	const char *path = run->opt.progress;
	uint64_t size = fl_progress_size(run->opt.requests);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	void *p;

	if (fd < 0 || ftruncate(fd, (off_t)size) < 0) {
		fl_error(run, "--progress %s: cannot use it (%s); give a writable path",
			 path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);   /* the mapping keeps the file */
	if (p == MAP_FAILED) {
		fl_error(run, "--progress %s: cannot map it (%s)", path, strerror(errno));
		return -1;
	}
	run->progress = p;
	run->progress->requests = run->opt.requests;
	return 0;
}

/* For fault=refused: a loopback port that is bound but never listens, so a
 * connection to it is refused (RST) for as long as the run holds it. */
static int reserve_refused_port(struct fl_run *run)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof sa;

	run->refused_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (run->refused_fd < 0 ||
	    bind(run->refused_fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    getsockname(run->refused_fd, (struct sockaddr *)&sa, &len) < 0) {
		fl_error(run, "--faults refused: cannot reserve a port (%s)",
			 strerror(errno));
		return -1;
	}
	snprintf(run->refused_url, sizeof run->refused_url,
		 "http://127.0.0.1:%u", ntohs(sa.sin_port));
	return 0;
}

int fl_main(int argc, char **argv, const struct fl_model *model)
{
	static struct fl_run run;   /* lives as long as the process */
	char prog[64];
	int rc;

	fl_fill_std_fds();
	snprintf(prog, sizeof prog, "fetch-%s", model->name);
	run.root = &run;
	run.model = model;
	run.prog = prog;
	run.refused_fd = -1;
	run.threads = 1;
	pthread_mutex_init(&run.sample_lock, NULL);
	pthread_mutex_init(&run.lag_lock, NULL);
	rc = fl_parse_options(argc, argv, prog, model->summary, &run.opt);
	if (rc != 0)
		return rc == 1 ? 0 : 2;
	if (run.opt.dry_run) {
		printf("%s: the options are valid\n", prog);
		return 0;
	}
	if (run.opt.server != NULL) {
		size_t len = strlen(run.opt.server);

		while (len > 0 && run.opt.server[len - 1] == '/')
			len--;
		if (len >= sizeof run.base_url) {
			fl_error(&run, "--server: URL too long");
			return 2;
		}
		memcpy(run.base_url, run.opt.server, len);
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fl_error(&run, "libcurl failed to initialise");
		return 1;
	}
	if (check_writable(&run, "--records", run.opt.records) < 0 ||
	    check_writable(&run, "--hdr", run.opt.hdr) < 0)
		return 2;
	if (fl_workload_build(&run) < 0)
		return 1;
	if (run.opt.work.a > 0)
		run.work_ns_per_step = fl_work_calibrate();
	if (run.opt.faults[FL_FAULT_REFUSED] > 0 && reserve_refused_port(&run) < 0)
		return 1;
	if (run.opt.url != NULL && probe_url(&run) < 0) {
		rc = 2;
		goto out;
	}
	if (run.opt.progress && map_progress(&run) < 0) {
		rc = 2;
		goto out;
	}
	interrupt_target = &run;
	signal(SIGINT, on_sigint);

	run.t0_ns = fl_now_ns();
	run.cpu0_s = fl_process_cpu_s();
	run.wait0_s = fl_thread_wait_s();
	if (run.progress) {
		atomic_store(&run.progress->t0_ns, run.t0_ns);
		atomic_store_explicit(&run.progress->magic, FL_PROGRESS_MAGIC,
				      memory_order_release);
	}
	rc = fl_run_loops(&run);
	run.t1_ns = fl_now_ns();
	run.cpu1_s = fl_process_cpu_s();
	run.wait1_s = fl_thread_wait_s();
	if (run.progress)
		atomic_store(&run.progress->t1_ns, run.t1_ns);
	signal(SIGINT, SIG_DFL);

	if (rc != 0) {
		rc = 2;   /* the model said why: a limit or a setup failure */
		goto out;
	}
	rc = fl_report(&run, stdout);
	if (rc == 0 && atomic_load(&run.interrupted))
		rc = 130;
out:
	if (run.refused_fd >= 0)
		close(run.refused_fd);
	if (run.progress)
		munmap(run.progress, fl_progress_size(run.opt.requests));
	free(run.reqs);
	curl_global_cleanup();
	return rc;
}
