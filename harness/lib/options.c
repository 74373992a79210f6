/* options.c - the command line every model shares: parsing and validation.
 * Every bad value gets one line that names the option, the value, and what
 * to give instead; the caller exits 2. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fetchlab/spec.h"
#include "internal.h"

#define MAX_REQUESTS     10000000u
#define MAX_CONCURRENCY  100000u
#define MAX_DELAY_NS     (100ll * 1000000000ll)   /* the histogram's top */
#define MAX_SIZE         (64ull << 20)

/* Parse a non-negative decimal number followed by a unit suffix. Returns the
 * suffix in *END. The grammar is the peers' too (fetchlab_peer.NUMBER):
 * digits with an optional fraction and exponent; not strtod's hex, inf or
 * nan ("0x10" is 0 with the unit "x10"), and no sign or blank before it.
 * An exponent too small for a double is 0; too large, an error. */
static int parse_number(const char *s, double *v, const char **end)
{
	const char *p = s;
	char buf[64];

	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (p == s || (p == s + 1 && *s == '.'))
		return -1;   /* no digit */
	if ((*p == 'e' || *p == 'E') &&
	    ((p[1] >= '0' && p[1] <= '9') ||
	     ((p[1] == '-' || p[1] == '+') && p[2] >= '0' && p[2] <= '9')))
		for (p += 2; *p >= '0' && *p <= '9'; p++)
			;
	if ((size_t)(p - s) >= sizeof buf)
		return -1;
	memcpy(buf, s, (size_t)(p - s));
	buf[p - s] = '\0';
	*v = strtod(buf, NULL);   /* underflow: 0 or a denormal, which is fine */
	if (!isfinite(*v))
		return -1;
	*end = p;
	return 0;
}

/* A quantity with units: durations or sizes, each unit a scale to the base
 * (nanoseconds, bytes), the first unit's name "" (a bare number), and what
 * to say when the text is not one. */
struct quantity {
	struct { const char *name; double scale; } units[8];
	double max;
	const char *not_one, *unknown_unit, *too_large;
};

static const struct quantity durations = {
	{{"", 1e6}, {"ms", 1e6}, {"us", 1e3}, {"s", 1e9}},
	(double)MAX_DELAY_NS,
	"is not a duration; give a number with a unit, e.g. 500us, 50ms, 2s",
	"has an unknown unit; use us, ms or s (a bare number is ms)",
	"is too long; at most 100s",
};

static const struct quantity sizes = {
	{{"", 1}, {"b", 1}, {"k", 1024}, {"K", 1024}, {"KiB", 1024},
	 {"m", 1024 * 1024}, {"M", 1024 * 1024}, {"MiB", 1024 * 1024}},
	(double)MAX_SIZE,
	"is not a size; give bytes with an optional unit, e.g. 512, 4k, 1m",
	"has an unknown unit; use k or m (powers of 1024), or none for bytes",
	"is too large; at most 64m",
};

/* S as a whole number of Q's base unit, into *V. Returns 0, or -1 with *WHY. */
static int parse_quantity(const char *s, const struct quantity *q, double *v,
			  const char **why)
{
	const char *unit;
	double n;
	int i = 0;

	if (parse_number(s, &n, &unit) < 0) {
		*why = q->not_one;
		return -1;
	}
	while (i < 8 && q->units[i].name && strcmp(unit, q->units[i].name) != 0)
		i++;
	if (i == 8 || q->units[i].name == NULL) {
		*why = q->unknown_unit;
		return -1;
	}
	if (n * q->units[i].scale > q->max) {
		*why = q->too_large;
		return -1;
	}
	*v = (double)llround(n * q->units[i].scale);
	return 0;
}

int fl_parse_duration(const char *s, int64_t *ns, const char **why)
{
	double v;

	if (parse_quantity(s, &durations, &v, why) < 0)
		return -1;
	*ns = (int64_t)v;
	return 0;
}

int fl_parse_size(const char *s, uint64_t *bytes, const char **why)
{
	double v;

	if (parse_quantity(s, &sizes, &v, why) < 0)
		return -1;
	*bytes = (uint64_t)v;
	return 0;
}

/* One point of a dist: microseconds for times, bytes for sizes. */
static int parse_point(const char *s, bool is_time, double *v, const char **why)
{
	if (is_time) {
		int64_t ns;

		if (fl_parse_duration(s, &ns, why) < 0)
			return -1;
		*v = (double)ns / 1e3;
	} else {
		uint64_t b;

		if (fl_parse_size(s, &b, why) < 0)
			return -1;
		*v = (double)b;
	}
	return 0;
}

int fl_parse_dist(const char *s, bool is_time, struct fl_dist *d,
		  const char **why)
{
	const char *dots = strstr(s, "..");
	char lo[64];

	if (strncmp(s, "exp:", 4) == 0) {
		d->kind = FL_EXP;
		if (parse_point(s + 4, is_time, &d->a, why) < 0)
			return -1;
		d->b = d->a;
		return 0;
	}
	if (dots == NULL) {
		d->kind = FL_FIXED;
		if (parse_point(s, is_time, &d->a, why) < 0)
			return -1;
		d->b = d->a;
		return 0;
	}
	if ((size_t)(dots - s) >= sizeof lo) {
		*why = "is not a range; write LOW..HIGH, e.g. 10ms..90ms";
		return -1;
	}
	memcpy(lo, s, (size_t)(dots - s));
	lo[dots - s] = '\0';
	d->kind = FL_UNIFORM;
	if (parse_point(lo, is_time, &d->a, why) < 0 ||
	    parse_point(dots + 2, is_time, &d->b, why) < 0)
		return -1;
	if (d->b < d->a) {
		*why = "is an empty range; the low end must not exceed the high end";
		return -1;
	}
	return 0;
}

int fl_spec_mean(const char *s, bool is_time, double *mean, const char **why)
{
	struct fl_dist d;

	if (fl_parse_dist(s, is_time, &d, why) < 0)
		return -1;
	*mean = d.kind == FL_UNIFORM ? (d.a + d.b) / 2 : d.a;   /* exp:X's mean is X */
	return 0;
}

const char *const fl_fault_names[FL_FAULT_COUNT] = {
	"none", "refused", "reset", "reset_body", "stall", "short", "trickle",
	"http500", "http503",
	"tls_unknown_ca", "tls_wrong_host", "tls_expired", "tls_reset",
};

#define FAULT_KINDS "refused, reset, reset_body, stall, short, trickle, http500, " \
	"http503, and over https tls_unknown_ca, tls_wrong_host, tls_expired, tls_reset"

int fl_parse_faults(const char *s, double faults[FL_FAULT_COUNT],
		    const char **why)
{
	double total = 0;
	char *e;

	memset(faults, 0, FL_FAULT_COUNT * sizeof faults[0]);
	if (strchr(s, '=') == NULL) {   /* "0.3": spread over every kind */
		double f = strtod(s, &e);

		if (e == s || *e != '\0' || !(f >= 0 && f <= 1)) {
			*why = "is not a fraction; give 0..1 (e.g. 0.3) or KIND=F,... with kinds " FAULT_KINDS;
			return -1;
		}
		for (int k = 1; k < FL_FAULT_HTTP_KINDS; k++)   /* TLS kinds by name */
			faults[k] = f / (FL_FAULT_HTTP_KINDS - 1);
		return 0;
	}
	while (*s != '\0') {
		size_t n = strcspn(s, "=");
		int k;

		for (k = 1; k < FL_FAULT_COUNT; k++)
			if (strlen(fl_fault_names[k]) == n &&
			    strncmp(s, fl_fault_names[k], n) == 0)
				break;
		if (k == FL_FAULT_COUNT || s[n] != '=') {
			*why = "names an unknown fault; kinds are " FAULT_KINDS;
			return -1;
		}
		faults[k] = strtod(s + n + 1, &e);
		if (e == s + n + 1 || (*e != ',' && *e != '\0') ||
		    !(faults[k] >= 0 && faults[k] <= 1)) {
			*why = "has a bad fraction; give KIND=F with F in 0..1";
			return -1;
		}
		total += faults[k];
		s = *e == ',' ? e + 1 : e;
	}
	if (total > 1 + 1e-9) {
		*why = "adds up to more than 1";
		return -1;
	}
	return 0;
}

/* Parse an unsigned count in [MIN, MAX]. */
static int parse_count(const char *s, unsigned min, unsigned max, unsigned *v)
{
	char *e;
	unsigned long long x;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	x = strtoull(s, &e, 10);
	if (*e != '\0' || errno != 0 || x < min || x > max)
		return -1;
	*v = (unsigned)x;
	return 0;
}

static void usage(FILE *out, const char *prog, const char *summary)
{
	fprintf(out,
		"usage: %s [options]\n"
		"%s\n\n"
		"workload:\n"
		"  -n N                requests in all (default 100)\n"
		"  -c C                at most C in flight (default 10)\n"
		"  --delay SPEC        server-side delay per request: 50ms, 10ms..90ms, exp:50ms (default 50ms)\n"
		"  --size SPEC         body size per request: 1k, 512..4k, exp:2k (default 1k)\n"
		"  --rate R            open loop: R requests/s arrive on a schedule (default: closed loop)\n"
		"  --arrivals KIND     with --rate: constant (default) or poisson gaps\n"
		"  --timeout DUR       bound on each request (default 30s)\n"
		"  --seed N            seed for delays, sizes and arrivals (default 1)\n"
		"  --faults SPEC       inject faults: 0.3 (30%% over the 8 HTTP kinds) or reset=0.1,stall=0.05;\n"
		"                      over https also tls_unknown_ca, tls_wrong_host, tls_expired, tls_reset\n"
		"  --server-pause ID:DUR  request ID stops the whole server for DUR (a GC pause)\n"
		"  --stack-size SIZE   per-thread / per-coroutine stack (default 64k)\n"
		"CPU work:\n"
		"  --work SPEC         the client's CPU time per response: 500us, 100us..1ms, exp:300us (default 0)\n"
		"  --loops N           loop-based models: N loops, one per thread, C/N lanes each (default 1)\n"
		"target (one of):\n"
		"  --server URL        a fetchlab-server: bodies are checksummed (fetchlab run starts one)\n"
		"  --url URL           any HTTP server: fetch URL N times, no checksum\n"
		"HTTPS and connections:\n"
		"  --ca FILE           verify an https server against this CA (default: the system's);\n"
		"                      fetchlab run --tls gives the embedded server's\n"
		"  --connections MODE  reuse (default): keep connections alive; fresh: a new\n"
		"                      connection and a full TLS handshake for every request\n"
		"output:\n"
		"  --json              one JSON object instead of the table\n"
		"  --records FILE      per-request CSV: id,worker,due_ns,start_ns,first_byte_ns,end_ns,status,bytes,error,\n"
		"                      connect_us,tls_us,wait_us,transfer_us,handshake\n"
		"  --hdr FILE          latency percentile distribution (HdrHistogram layout, ms)\n"
		"  --progress FILE     live counters in a shared file, for fetchlab demo\n"
		"  --dry-run           check the options and stop\n"
		"  -h, --help          this text\n",
		prog, summary);
}

enum { O_DELAY = 256, O_SIZE, O_RATE, O_ARRIVALS, O_TIMEOUT, O_SEED,
       O_STACK, O_SERVER, O_URL, O_JSON, O_RECORDS, O_HDR, O_FAULTS,
       O_PROGRESS, O_DRY_RUN, O_PAUSE, O_WORK, O_LOOPS, O_CA, O_CONNECTIONS };

static const struct option longopts[] = {
	{"delay", required_argument, NULL, O_DELAY},
	{"size", required_argument, NULL, O_SIZE},
	{"rate", required_argument, NULL, O_RATE},
	{"arrivals", required_argument, NULL, O_ARRIVALS},
	{"timeout", required_argument, NULL, O_TIMEOUT},
	{"seed", required_argument, NULL, O_SEED},
	{"stack-size", required_argument, NULL, O_STACK},
	{"server", required_argument, NULL, O_SERVER},
	{"url", required_argument, NULL, O_URL},
	{"json", no_argument, NULL, O_JSON},
	{"records", required_argument, NULL, O_RECORDS},
	{"hdr", required_argument, NULL, O_HDR},
	{"faults", required_argument, NULL, O_FAULTS},
	{"progress", required_argument, NULL, O_PROGRESS},
	{"dry-run", no_argument, NULL, O_DRY_RUN},
	{"server-pause", required_argument, NULL, O_PAUSE},
	{"work", required_argument, NULL, O_WORK},
	{"loops", required_argument, NULL, O_LOOPS},
	{"ca", required_argument, NULL, O_CA},
	{"connections", required_argument, NULL, O_CONNECTIONS},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* Check that S is an http:// or https:// URL curl can parse. */
static int check_url(const char *s)
{
	CURLU *u = curl_url();
	char *scheme = NULL;
	int bad;

	if (u == NULL)
		return -1;
	bad = curl_url_set(u, CURLUPART_URL, s, 0) != CURLUE_OK ||
	      curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	      (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0);
	curl_free(scheme);
	curl_url_cleanup(u);
	return bad ? -1 : 0;
}

/* What the HTTPS options and the target say together: NULL when they
 * agree, else the error to print. */
static const char *check_tls(const struct fl_options *opt)
{
	const char *target = opt->server ? opt->server : opt->url;
	bool https = target && strncmp(target, "https:", 6) == 0;

	if (opt->ca && target && !https)
		return "--ca is for an https server, and the target is http://; "
		       "give an https:// URL (fetchlab run --tls) or drop --ca";
	for (int k = FL_FAULT_HTTP_KINDS; k < FL_FAULT_COUNT; k++)
		if (opt->faults[k] > 0 && !(opt->server && https))
			return "--faults: the tls_ kinds need an https --server "
			       "(fetchlab run --tls)";
	return NULL;
}

int fl_parse_options(int argc, char **argv, const char *prog,
		     const char *summary, struct fl_options *opt)
{
	const char *why = NULL, *err;
	int ch;

	*opt = (struct fl_options){
		.requests = 100, .concurrency = 10,
		.delay = {FL_FIXED, 50000, 50000}, .delay_spec = "50ms",
		.size = {FL_FIXED, 1024, 1024}, .size_spec = "1k",
		.timeout_ns = 30ll * 1000000000ll, .seed = 1,
		.stack_size = 64 * 1024, .pause_id = -1,
		.work = {FL_FIXED, 0, 0}, .work_spec = "0", .loops = 1,
	};
	opterr = 0;
	optind = 0;   /* 0, not 1: glibc then resets its whole state */
	while ((ch = getopt_long(argc, argv, ":n:c:h", longopts, NULL)) != -1) {
		const char *name = argv[optind - 1];
		uint64_t u;

		switch (ch) {
		case 'n':
			if (parse_count(optarg, 1, MAX_REQUESTS, &opt->requests) < 0)
				goto bad_count;
			break;
		case 'c':
			if (parse_count(optarg, 1, MAX_CONCURRENCY, &opt->concurrency) < 0)
				goto bad_count;
			break;
		case O_DELAY:
			if (fl_parse_dist(optarg, true, &opt->delay, &why) < 0)
				goto bad;
			opt->delay_spec = optarg;
			break;
		case O_WORK:
			if (fl_parse_dist(optarg, true, &opt->work, &why) < 0)
				goto bad;
			opt->work_spec = optarg;
			break;
		case O_LOOPS:
			if (parse_count(optarg, 1, 256, &opt->loops) < 0) {
				why = "is not a number of loops from 1 to 256";
				goto bad;
			}
			break;
		case O_CA:
			if (access(optarg, R_OK) != 0) {
				why = "cannot be read; give the CA certificate (PEM) the "
				      "server's certificate is signed by, e.g. ~/.cache/fetchlab/tls/ca.pem";
				goto bad;
			}
			opt->ca = optarg;
			break;
		case O_CONNECTIONS:
			if (strcmp(optarg, "reuse") != 0 && strcmp(optarg, "fresh") != 0) {
				why = "is not a connection mode; give reuse (keep-alive) or fresh (one per request)";
				goto bad;
			}
			opt->fresh = optarg[0] == 'f';
			break;
		case O_SIZE:
			if (fl_parse_dist(optarg, false, &opt->size, &why) < 0)
				goto bad;
			opt->size_spec = optarg;
			break;
		case O_RATE: {
			const char *e = "";

			if (parse_number(optarg, &opt->rate, &e) < 0 || *e != '\0' ||
			    !(opt->rate > 0) || opt->rate > 1e6) {
				why = "is not a rate; give requests per second, e.g. --rate 2000 (at most 1000000)";
				goto bad;
			}
			break;
		}
		case O_ARRIVALS:
			if (strcmp(optarg, "poisson") == 0)
				opt->poisson = true;
			else if (strcmp(optarg, "constant") != 0) {
				why = "is not an arrival process; use constant or poisson";
				goto bad;
			}
			break;
		case O_TIMEOUT:
			if (fl_parse_duration(optarg, &opt->timeout_ns, &why) < 0)
				goto bad;
			if (opt->timeout_ns < 1000000) {
				why = "is too short; give at least 1ms";
				goto bad;
			}
			break;
		case O_SEED: {
			char *e;

			errno = 0;
			opt->seed = strtoull(optarg, &e, 10);
			if (*optarg < '0' || *optarg > '9' || *e != '\0' || errno) {
				why = "is not a seed; give a non-negative integer";
				goto bad;
			}
			break;
		}
		case O_STACK:
			if (fl_parse_size(optarg, &u, &why) < 0)
				goto bad;
			if (u < 16 * 1024 || u > 64ull << 20) {
				why = "is out of range; give 16k to 64m";
				goto bad;
			}
			opt->stack_size = (size_t)u;
			break;
		case O_SERVER:
		case O_URL:
			if (check_url(optarg) < 0) {
				why = "is not an http:// or https:// URL, e.g. http://127.0.0.1:8080/";
				goto bad;
			}
			if (ch == O_SERVER)
				opt->server = optarg;
			else
				opt->url = optarg;
			break;
		case O_JSON:
			opt->json = true;
			break;
		case O_RECORDS:
			opt->records = optarg;
			break;
		case O_HDR:
			opt->hdr = optarg;
			break;
		case O_PAUSE: {
			char *e;
			unsigned long long id;

			errno = 0;
			id = strtoull(optarg, &e, 10);
			if (*optarg < '0' || *optarg > '9' || *e != ':' || errno ||
			    fl_parse_duration(e + 1, &opt->pause_ns, &why) < 0 ||
			    opt->pause_ns > 10ll * 1000000000ll) {
				why = "is not ID:DURATION; e.g. 100:1s makes request 100 stop the whole server for 1 s (at most 10s)";
				goto bad;
			}
			opt->pause_id = (int64_t)id;
			break;
		}
		case O_DRY_RUN:
			opt->dry_run = true;
			break;
		case O_PROGRESS:
			opt->progress = optarg;
			break;
		case O_FAULTS:
			if (fl_parse_faults(optarg, opt->faults, &why) < 0)
				goto bad;
			opt->faults_spec = optarg;
			break;
		case 'h':
			usage(stdout, prog, summary);
			return 1;
		case ':':
			fprintf(stderr, "%s: %s needs a value; see %s --help\n",
				prog, argv[optind - 1], prog);
			return 2;
		default:
			fprintf(stderr, "%s: unknown option '%s'; see %s --help\n",
				prog, argv[optind - 1], prog);
			return 2;
		}
		continue;
bad_count:
		fprintf(stderr, "%s: %s '%s' is not a count in range; give %s\n",
			prog, ch == 'n' ? "-n" : "-c", optarg,
			ch == 'n' ? "1 to 10000000 requests" : "1 to 100000 in flight");
		return 2;
bad:
		/* getopt leaves "--opt=value" or "--opt" "value": name the option. */
		if (name == optarg)
			name = argv[optind - 2];
		fprintf(stderr, "%s: %.*s '%s' %s\n", prog,
			(int)strcspn(name, "="), name, optarg, why);
		return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'; see %s --help\n",
			prog, argv[optind], prog);
		return 2;
	}
	if ((err = check_tls(opt)) != NULL) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return 2;
	}
	if (opt->server == NULL && opt->url == NULL && !opt->dry_run) {
		fprintf(stderr, "%s: no target; give --server URL of a fetchlab-server "
			"or --url URL (or run it through: fetchlab run MODEL)\n", prog);
		return 2;
	}
	if ((opt->faults_spec != NULL || opt->pause_id >= 0) && opt->url != NULL) {
		fprintf(stderr, "%s: --faults and --server-pause need a fetchlab-server (--server), not --url\n",
			prog);
		return 2;
	}
	if (opt->server != NULL && opt->url != NULL) {
		fprintf(stderr, "%s: --server and --url exclude each other; give one\n",
			prog);
		return 2;
	}
	/* The schedule's due times are nanoseconds in an int64: and a run
	 * planned to last more than a day is a typo, not an experiment. */
	if (opt->rate > 0 && opt->requests / opt->rate > 86400) {
		fprintf(stderr, "%s: --rate %g: %u requests would take %.3g s to arrive; "
			"give a rate of at least %.3g req/s (the schedule is at most a day)\n",
			prog, opt->rate, opt->requests, opt->requests / opt->rate,
			opt->requests / 86400.0);
		return 2;
	}
	return 0;
}
