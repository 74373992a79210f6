/* fetchlab.h - the contract between the harness and a concurrency model.
 *
 * A model is one executable whose main is one line:
 *
 *     return fl_main(argc, argv, &model);
 *
 * fl_main parses the shared options, builds the workload (one preallocated
 * request record per request), sets up libcurl, calls model->run, and prints
 * the summary. The model only claims requests (fl_next), performs them its
 * own way (fl_easy_setup + libcurl), and reports each one (fl_done).
 */
#ifndef FETCHLAB_H
#define FETCHLAB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <curl/curl.h>

/* Every request ends in exactly one of these classes. */
enum fl_class {
	FL_OK = 0,
	FL_ERR_CONNECT,   /* could not connect or resolve */
	FL_ERR_TIMEOUT,   /* --timeout expired */
	FL_ERR_HTTP,      /* the server answered with status >= 400 */
	FL_ERR_RECV,      /* connection reset, short or empty body */
	FL_ERR_CHECKSUM,  /* the body is not the one the server owes us */
	FL_ERR_TLS,       /* the TLS handshake failed, or the certificate did not verify */
	FL_ERR_OTHER,     /* anything else curl reports */
	FL_CLASS_COUNT
};

/* Faults the workload can ask for (--faults), one per request at most. */
enum fl_fault {
	FL_FAULT_NONE = 0,
	FL_FAULT_REFUSED,     /* a port nobody listens on: connect */
	FL_FAULT_RESET,       /* reset before the response: recv */
	FL_FAULT_RESET_BODY,  /* reset in the middle of the body: recv */
	FL_FAULT_STALL,       /* never answers: timeout */
	FL_FAULT_SHORT,       /* body shorter than its Content-Length: recv */
	FL_FAULT_TRICKLE,     /* a few bytes per 100 ms: timeout, if short */
	FL_FAULT_HTTP500,     /* status 500: http */
	FL_FAULT_HTTP503,     /* status 503: http */
	/* Over HTTPS only, each asked for by name: tls */
	FL_FAULT_TLS_UNKNOWN_CA,   /* a certificate from a CA nobody trusts */
	FL_FAULT_TLS_WRONG_HOST,   /* a certificate for another name */
	FL_FAULT_TLS_EXPIRED,      /* an expired certificate */
	FL_FAULT_TLS_RESET,        /* the connection reset at the ClientHello */
	FL_FAULT_COUNT
};

/* One request of the workload, in a preallocated slot. The model may read
 * every field; the harness writes them (fl_easy_setup, the body callback,
 * fl_done). Times are CLOCK_MONOTONIC nanoseconds. */
struct fl_request {
	uint32_t id;             /* index in the workload, 0..N-1 */
	uint32_t lane;           /* worker, connection or coroutine that ran it */
	uint32_t delay_us;       /* server-side delay asked for */
	uint32_t size;           /* body size asked for, bytes */
	int64_t due_ns;          /* when the workload wanted it to start */
	int64_t start_ns;        /* when the model began it (fl_easy_setup) */
	int64_t first_byte_ns;   /* first body byte (0: none) */
	int64_t end_ns;          /* fl_done */
	uint64_t bytes;          /* body bytes received */
	uint64_t body_state;     /* checksum state of the body callback */
	uint64_t work_out;       /* what fl_work computed from the body */
	uint32_t work_ns;        /* CPU work asked for (--work), ns */
	pthread_t thread;        /* the thread that began it (fl_easy_setup) */
	int32_t status;          /* HTTP status, 0 if none */
	uint8_t klass;           /* enum fl_class, set by fl_done */
	uint8_t fault;           /* enum fl_fault injected into it */
	bool body_bad;           /* a body byte differed from the expected stream */
	bool head_done;          /* the response's head ended (its blank line came) */
	uint8_t handshake;       /* a TLS handshake it made: 0 none, 1 full, 2 resumed */
	/* Where its time went (libcurl's timers, microseconds; fl_done): */
	uint32_t connect_us;     /* the TCP connect; 0 on a reused connection */
	uint32_t tls_us;         /* the TLS handshake; 0 when reused or plain HTTP */
	uint32_t wait_us;        /* from connected (or sent) to the first byte */
	uint32_t transfer_us;    /* from the first byte to the last */
	CURL *easy;              /* the handle that ran it (fl_easy_setup) */
};

struct fl_run;   /* opaque: one run of one model over one workload */

struct fl_model {
	const char *name;        /* "sync", "threads", ... */
	const char *summary;     /* one line for --help */
	int (*run)(struct fl_run *run);   /* 0, or -1 after fl_error() */
	bool loops;              /* --loops N may run N copies, one per thread */
};

/* Parse options, build the workload, run the model, report. Returns the
 * process exit status: 0 every request reported (errors are counted, not
 * failures); 1 the run could not start (no memory for the workload, the
 * refused port) or a model bug lost a request; 2 bad usage, a limit, a
 * --url that cannot be reached, the model's own setup failing, or a
 * summary, --records or --hdr that could not be written; 130 Ctrl-C
 * stopped it (the summary of what ran is still printed). */
int fl_main(int argc, char **argv, const struct fl_model *model);

/* Claim the next request. Returns false when every request has been claimed
 * or the run was interrupted. Thread-safe (one atomic increment). In a closed
 * loop the due time is the claim time; with --rate it may lie in the future,
 * and the model waits for it in its own idiom before starting the request. */
bool fl_next(struct fl_run *run, struct fl_request **req);

/* Point EASY at REQ: URL, timeouts, the body callback that counts bytes and
 * checks them, the shared connection options. Stamps REQ's lane and start
 * time, so call it right before the transfer begins. Leaves CURLOPT_PRIVATE
 * to the model. */
void fl_easy_setup(struct fl_run *run, struct fl_request *req, CURL *easy,
		   unsigned lane);

/* Record REQ's outcome: end time, status, class. RC is the transfer's result.
 * Thread-safe; no lock and no allocation on the success path. */
void fl_done(struct fl_run *run, struct fl_request *req, CURLcode rc,
	     CURL *easy);

/* Process REQ's response: the CPU work --work asks for, computed from the
 * body received. Call it where the model's idiom processes a response,
 * before fl_done, so the latency includes it; a no-op without --work.
 * Thread-safe. */
void fl_work(struct fl_run *run, struct fl_request *req);

/* For loop helpers (impl-eventloop/lanes.c): a periodic timer of the loop
 * fired LATE_NS after it was due. Thread-safe. */
void fl_loop_lag(struct fl_run *run, int64_t late_ns);

/* For loop helpers that close curl's sockets themselves (a
 * CURLOPT_CLOSESOCKETFUNCTION of their own replaces the harness's, which
 * counts the connections open at once): count one socket closed, as the
 * harness's callback would. Thread-safe. */
void fl_socket_closed(struct fl_run *run);

/* Read-only facts a model needs. */
unsigned fl_requests(const struct fl_run *run);     /* -n */
unsigned fl_concurrency(const struct fl_run *run);  /* -c */
size_t fl_stack_size(const struct fl_run *run);     /* --stack-size, bytes */
bool fl_interrupted(const struct fl_run *run);      /* Ctrl-C seen */

/* The number of threads the model ran on, for the summary (default 1). */
void fl_set_threads(struct fl_run *run, unsigned threads);

/* Check that the model can hold THREADS threads and FDS descriptors at once,
 * raising the soft descriptor limit to the hard one if needed. Returns 0, or
 * -1 after printing which limit stops it, its value, and how to raise it. */
int fl_check_limits(struct fl_run *run, unsigned threads, unsigned fds);

/* Print "fetch-MODEL: message" to stderr. */
void fl_error(const struct fl_run *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t fl_now_ns(void);

#endif
