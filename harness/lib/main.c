/* main.c - fl_main, a model's whole main: parse the options, check what
 * must be checked before a run (the --url answers, the output files can
 * be written, the limits), build the workload, hand it to the model, and
 * report; Ctrl-C stops it cleanly. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fetchlab/stdfds.h"
#include "internal.h"

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
	if (run->opt.ca)
		curl_easy_setopt(easy, CURLOPT_CAINFO, run->opt.ca);
	rc = curl_easy_perform(easy);
	curl_easy_cleanup(easy);
	if (rc != CURLE_OK) {
		fl_error(run, "--url %s: cannot reach it (%s); check the address%s and "
			 "that the server is running", run->opt.url,
			 curl_easy_strerror(rc), run->tls ? ", the --ca" : "");
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

/* Over https: the base URL of each TLS fault, a name of the server's
 * (SNI picks the certificate, tls.h) on its port, and a CURLOPT_CONNECT_TO
 * entry that sends those names to the server's own host. */
static int tls_faults(struct fl_run *run)
{
	static const char *const names[] = {"unknown-ca", "wrong-host", "expired", "reset"};
	CURLU *u = curl_url();
	char *host = NULL, *port = NULL, entry[600];
	int rc = -1;

	if (u && curl_url_set(u, CURLUPART_URL, run->base_url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		rc = 0;
		for (int k = FL_FAULT_HTTP_KINDS; k < FL_FAULT_COUNT && rc == 0; k++) {
			const char *name = names[k - FL_FAULT_HTTP_KINDS];
			struct curl_slist *l;

			snprintf(run->tls_url[k], sizeof run->tls_url[k],
				 "https://%s.fetchlab.test:%s", name, port);
			snprintf(entry, sizeof entry, "%s.fetchlab.test:%s:%s:%s",
				 name, port, host, port);
			l = curl_slist_append(run->connect_to, entry);
			if (l == NULL)
				rc = -1;
			else
				run->connect_to = l;
		}
	}
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	if (rc < 0)
		fl_error(run, "--server %s: cannot set up the TLS faults' names", run->base_url);
	return rc;
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
	run.tls = strncmp(run.opt.server ? run.opt.server : run.opt.url, "https:", 6) == 0;
	if (run.tls && run.opt.server && tls_faults(&run) < 0)
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
	curl_slist_free_all(run.connect_to);
	curl_global_cleanup();
	return rc;
}
