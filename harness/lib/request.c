/* request.c - the hot path a model calls: fl_next claims a request,
 * fl_easy_setup readies an easy handle for it, fl_done records how it
 * ended and in which class. Recording is a few stores into the request's
 * own slot and one atomic increment: no lock and no allocation while
 * requests are in flight. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "fetchlab/body.h"
#include "internal.h"

const char *const fl_class_names[FL_CLASS_COUNT] = {
	"ok", "connect", "timeout", "http", "recv", "checksum", "tls", "other",
};

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
	case FL_FAULT_TLS_UNKNOWN_CA:
	case FL_FAULT_TLS_WRONG_HOST:
	case FL_FAULT_TLS_EXPIRED:
	case FL_FAULT_TLS_RESET:
		base = run->tls_url[req->fault];   /* the server's name for it */
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

/* At the status line, while the connection is still open: did this
 * request make a TLS handshake (a new connection over https), and did it
 * resume a session? OpenSSL knows; libcurl lends us its session. */
static void note_handshake(struct fl_request *req)
{
	curl_off_t tls_done = 0;
	struct curl_tlssessioninfo *info = NULL;

	if (curl_easy_getinfo(req->easy, CURLINFO_APPCONNECT_TIME_T, &tls_done) != CURLE_OK ||
	    tls_done == 0)
		return;   /* plain HTTP, or a reused connection */
	req->handshake = 1;
	if (curl_easy_getinfo(req->easy, CURLINFO_TLS_SSL_PTR, &info) == CURLE_OK &&
	    info && info->backend == CURLSSLBACKEND_OPENSSL && info->internals &&
	    SSL_session_reused(info->internals))
		req->handshake = 2;
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
	else if (req->handshake == 0 && n > 5 && memcmp(line, "HTTP/", 5) == 0)
		note_handshake(req);
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

void fl_socket_closed(struct fl_run *run)
{
	atomic_fetch_sub_explicit(&run->root->sockets, 1, memory_order_relaxed);
}

static int on_close_socket(void *arg, curl_socket_t fd)
{
	fl_socket_closed(arg);
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
	/* --connections fresh: a connection of its own, closed after it, and
	 * no session to resume: what a new aiohttp.ClientSession per fetch
	 * costs. Set either way: a model may run many requests on one handle. */
	curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, (long)o->fresh);
	curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, (long)o->fresh);
	curl_easy_setopt(easy, CURLOPT_SSL_SESSIONID_CACHE, (long)!o->fresh);
	/* Set per request, though a handle keeps it: the models make their own
	 * handles, and nothing here can tell a new one (a freed handle's
	 * address comes back). libcurl copies the path: about 270
	 * instructions, 0.07% of an eventloop request over TLS (callgrind,
	 * -n 5000 -c 100 --delay 0, connections reused). */
	if (o->ca)
		curl_easy_setopt(easy, CURLOPT_CAINFO, o->ca);
	if (run->root->connect_to)
		curl_easy_setopt(easy, CURLOPT_CONNECT_TO, run->root->connect_to);
	req->easy = easy;
	req->handshake = 0;
	req->connect_us = req->tls_us = req->wait_us = req->transfer_us = 0;
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
	case CURLE_SSL_CONNECT_ERROR:        /* the handshake failed, or was reset */
	case CURLE_PEER_FAILED_VERIFICATION: /* unknown CA, wrong name, expired */
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_USE_SSL_FAILED:
		return FL_ERR_TLS;
	case CURLE_OUT_OF_MEMORY:
		/* After a status line: libcurl refused a head over its limit
		 * (CURL_MAX_HTTP_HEADER), which it reports as out of memory. */
		return req->status != 0 ? FL_ERR_RECV : FL_ERR_OTHER;
	default:
		return FL_ERR_OTHER;
	}
}

static uint32_t us32(curl_off_t us)
{
	return us <= 0 ? 0 : us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

/* Where REQ's time went, from libcurl's timers (each from the transfer's
 * start): connect, the TLS handshake (over a connection it opened, NEW),
 * the wait for the first byte, and the transfer of the rest. */
static void phases(struct fl_request *req, CURL *easy, bool new)
{
	curl_off_t connect = 0, tls = 0, first = 0, total = 0, ready;

	curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connect);
	curl_easy_getinfo(easy, CURLINFO_APPCONNECT_TIME_T, &tls);
	curl_easy_getinfo(easy, CURLINFO_STARTTRANSFER_TIME_T, &first);
	curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &total);
	if (!new)
		connect = tls = 0;
	ready = tls > connect ? tls : connect;   /* when it could send */
	req->connect_us = us32(connect);
	req->tls_us = us32(tls > 0 ? tls - connect : 0);
	req->wait_us = us32(first > ready ? first - ready : 0);
	req->transfer_us = us32(total > first && first > 0 ? total - first : 0);
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
		phases(req, easy, connects > 0);
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
