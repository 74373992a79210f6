"""fetchlab_peer.py - what every Python peer shares with libfetchlab.

A peer is a fetchlab model written in another language. To be compared with
the C models it must ask for the same requests, check the same bodies and
print the same summary, so this module ports, piece by piece:

    options      harness/lib/options.c   the command line and its messages
    workload     harness/lib/workload.c  each request's delay, size and work
    work         harness/lib/work.c      --work, the CPU a response costs
    body         harness/lib/body.c      the bytes the server owes us
    recording    harness/lib/request.c   fl_done's classes and samples
    main         harness/lib/main.c      fl_main: --url's probe, the checks, the run
    reporting    harness/lib/report.c    JSON, table, --records, --hdr

A peer script only performs the requests, its own way, and calls
run.begin(), run.got_headers(), run.got_body() and run.done() for each.
"""
import getopt
import http.client
import json
import math
import os
import re
import resource
import socket
import ssl
import struct
import sys
import threading
import time
import urllib.parse

MASK64 = (1 << 64) - 1           # C's uint64_t arithmetic wraps modulo 2**64
MAX_REQUESTS = 10000000
MAX_CONCURRENCY = 100000
MAX_DELAY_NS = 100 * 10**9       # the histogram's top
MAX_SIZE = 64 << 20
HIST_MAX_US = 100000000          # fl_hist_record clamps here (100 s)

CLASSES = ("ok", "connect", "timeout", "http", "recv", "checksum", "tls", "other")
FAULTS = ("none", "refused", "reset", "reset_body", "stall", "short",
          "trickle", "http500", "http503",
          "tls_unknown_ca", "tls_wrong_host", "tls_expired", "tls_reset")
HTTP_FAULTS = 9                  # FAULTS[:9]; a bare fraction spreads over 1..8
FAULT_KINDS = ("refused, reset, reset_body, stall, short, trickle, http500, "
               "http503, and over https tls_unknown_ca, tls_wrong_host, "
               "tls_expired, tls_reset")
TLS_NAME = ".fetchlab.test"      # tls_unknown_ca asks for unknown-ca.fetchlab.test
HANDSHAKES = ("none", "full", "resumed")
STREAM_DELAY, STREAM_SIZE, STREAM_ARRIVAL, STREAM_FAULT, STREAM_WORK = 1, 2, 3, 4, 5
MAX_WORK_NS = 4 * 10**9          # workload.c caps a response's work here
SKIP = 77                        # "cannot run here": the driver's CLI_SKIP


class UsageError(Exception):
    """One line for stderr; the peer exits 2: a bad option, or a limit that
    stops the run (as a C model's fl_error + return -1)."""


def llround(x):
    """C's llround: halves away from zero. Python's round() rounds halves to
    even, and floor(x + 0.5) is off by one at 0.49999999999999994."""
    f = math.floor(abs(x))
    n = f + 1 if abs(x) - f >= 0.5 else f
    return n if x >= 0 else -n


# --- options (options.c) ----------------------------------------------------

# strtod's decimal forms; options.c refuses a leading sign or space.
NUMBER = re.compile(r"([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?")


def parse_number(s):
    """A non-negative number and the unit text after it, or None."""
    m = NUMBER.match(s)
    if m is None:
        return None
    v = float(m.group(0))
    return (v, s[m.end():]) if math.isfinite(v) else None


def parse_duration(s):
    """fl_parse_duration: nanoseconds. Raises ValueError(why)."""
    p = parse_number(s)
    if p is None:
        raise ValueError("is not a duration; give a number with a unit, e.g. 500us, 50ms, 2s")
    v, unit = p
    scale = {"": 1e6, "ms": 1e6, "us": 1e3, "s": 1e9}.get(unit)
    if scale is None:
        raise ValueError("has an unknown unit; use us, ms or s (a bare number is ms)")
    if v * scale > MAX_DELAY_NS:
        raise ValueError("is too long; at most 100s")
    return llround(v * scale)


def parse_size(s):
    """fl_parse_size: bytes. Raises ValueError(why)."""
    p = parse_number(s)
    if p is None:
        raise ValueError("is not a size; give bytes with an optional unit, e.g. 512, 4k, 1m")
    v, unit = p
    if unit in ("", "b"):
        scale = 1
    elif unit in ("k", "K", "KiB"):
        scale = 1024
    elif unit in ("m", "M", "MiB"):
        scale = 1024 * 1024
    else:
        raise ValueError("has an unknown unit; use k or m (powers of 1024), or none for bytes")
    if v * scale > MAX_SIZE:
        raise ValueError("is too large; at most 64m")
    return llround(v * scale)


class Dist:
    """fl_dist: FIXED a, UNIFORM a..b, EXP mean a; microseconds or bytes."""

    def __init__(self, kind, a, b):
        self.kind, self.a, self.b = kind, a, b

    def draw(self, seed, i, stream):
        """fl_dist_draw."""
        u = uniform01(seed, i, stream)
        if self.kind == "uniform":
            return self.a + u * (self.b - self.a)
        if self.kind == "exp":
            return -self.a * math.log(u)
        return self.a


def parse_point(s, is_time):
    return parse_duration(s) / 1e3 if is_time else float(parse_size(s))


def parse_dist(s, is_time):
    """fl_parse_dist: 50ms, 10ms..90ms, exp:50ms (sizes alike)."""
    if s.startswith("exp:"):
        a = parse_point(s[4:], is_time)
        return Dist("exp", a, a)
    if ".." not in s:
        a = parse_point(s, is_time)
        return Dist("fixed", a, a)
    lo, hi = s.split("..", 1)
    if len(lo) >= 64:
        raise ValueError("is not a range; write LOW..HIGH, e.g. 10ms..90ms")
    a, b = parse_point(lo, is_time), parse_point(hi, is_time)
    if b < a:
        raise ValueError("is an empty range; the low end must not exceed the high end")
    return Dist("uniform", a, b)


def parse_fraction(s):
    """strtod's reading of a fraction in 0..1, or None."""
    m = NUMBER.match(s)
    if m is None or m.end() != len(s):
        return None
    f = float(s)
    return f if 0 <= f <= 1 else None


def parse_faults(s):
    """fl_parse_faults: a fraction per fault kind (index 0 unused). A bare
    fraction spreads over the HTTP kinds; the TLS kinds are named."""
    faults = [0.0] * len(FAULTS)
    if "=" not in s:
        f = parse_fraction(s)
        if f is None:
            raise ValueError("is not a fraction; give 0..1 (e.g. 0.3) or KIND=F,... with kinds " + FAULT_KINDS)
        faults[1:HTTP_FAULTS] = [f / (HTTP_FAULTS - 1)] * (HTTP_FAULTS - 1)
        return faults
    for item in s.split(","):
        name, eq, value = item.partition("=")
        if name not in FAULTS[1:] or not eq:
            raise ValueError("names an unknown fault; kinds are " + FAULT_KINDS)
        f = parse_fraction(value)
        if f is None:
            raise ValueError("has a bad fraction; give KIND=F with F in 0..1")
        faults[FAULTS.index(name)] = f
    if sum(faults) > 1 + 1e-9:
        raise ValueError("adds up to more than 1")
    return faults


def check_url(s):
    """An http:// or https:// URL with a host, as options.c asks curl to check."""
    try:
        u = urllib.parse.urlsplit(s)
        ok = u.scheme in ("http", "https") and u.hostname is not None
        u.port   # raises on a bad port
    except ValueError:
        ok = False
    if not ok:
        raise ValueError("is not an http:// or https:// URL, e.g. http://127.0.0.1:8080/")
    return s


def check_tls(o):
    """options.c's check_tls: what the HTTPS options and the target say
    together. Raises UsageError when they disagree."""
    target = o.server or o.url
    https = target is not None and target.startswith("https:")
    if o.ca is not None and target is not None and not https:
        raise UsageError("--ca is for an https server, and the target is http://; "
                         "give an https:// URL (fetchlab run --tls) or drop --ca")
    if any(o.faults[HTTP_FAULTS:]) and not (o.server is not None and https):
        raise UsageError("--faults: the tls_ kinds need an https --server "
                         "(fetchlab run --tls)")


USAGE = """usage: {prog} [options]
{summary}

workload:
  -n N                requests in all (default 100)
  -c C                at most C in flight (default 10)
  --delay SPEC        server-side delay per request: 50ms, 10ms..90ms, exp:50ms (default 50ms)
  --size SPEC         body size per request: 1k, 512..4k, exp:2k (default 1k)
  --timeout DUR       bound on each request (default 30s)
  --seed N            seed for delays, sizes and faults (default 1)
  --faults SPEC       inject faults: 0.3 (30% over the 8 HTTP kinds) or reset=0.1,stall=0.05;
                      over https also tls_unknown_ca, tls_wrong_host, tls_expired, tls_reset
  --server-pause ID:DUR  request ID stops the whole server for DUR (a GC pause)
  --stack-size SIZE   accepted for the C models' sake; Python keeps its own stacks
CPU work:
  --work SPEC         the client's CPU time per response, pure Python that holds
                      the GIL as parsing code does: 500us, 100us..1ms, exp:300us (default 0)
{extra}target (one of):
  --server URL        a fetchlab-server: bodies are checksummed (fetchlab run starts one)
  --url URL           any HTTP server: fetch URL N times, no checksum
HTTPS and connections:
  --ca FILE           verify an https server against this CA (default: the system's);
                      fetchlab run --tls gives the embedded server's
  --connections MODE  reuse (default): keep connections alive; fresh: a new
                      connection and a full TLS handshake for every request
output:
  --json              one JSON object instead of the table
  --records FILE      per-request CSV: id,worker,due_ns,start_ns,first_byte_ns,end_ns,status,bytes,error,
                      connect_us,tls_us,wait_us,transfer_us,handshake
  --hdr FILE          latency percentile distribution (HdrHistogram layout, ms)
  --dry-run           check the options and stop
  -h, --help          this text
not supported by this peer (closed loop only): --rate, --arrivals, --progress
"""

LONGOPTS = ["delay=", "size=", "rate=", "arrivals=", "timeout=", "seed=",
            "stack-size=", "server=", "url=", "json", "records=", "hdr=",
            "faults=", "progress=", "dry-run", "server-pause=", "help", "work=",
            "offload=", "uvloop", "ca=", "connections="]


class Options:
    """fl_options, with the C models' defaults."""

    def __init__(self):
        self.requests, self.concurrency = 100, 10
        self.delay, self.delay_spec = Dist("fixed", 50000.0, 50000.0), "50ms"
        self.size, self.size_spec = Dist("fixed", 1024.0, 1024.0), "1k"
        self.timeout_ns, self.seed = 30 * 10**9, 1
        self.faults, self.faults_spec = [0.0] * len(FAULTS), None
        self.server = self.url = self.records = self.hdr = None
        self.json = self.dry_run = False
        self.pause_id, self.pause_ns = -1, 0   # --server-pause ID:DUR
        self.work, self.work_spec = Dist("fixed", 0.0, 0.0), "0"
        self.offload = None                     # --offload: python-asyncio's
        self.uvloop = False                     # --uvloop: python-asyncio's
        self.ca = None                          # --ca: the CA file to verify against
        self.fresh = False                      # --connections fresh


def parse_count(s, lo, hi):
    if not re.fullmatch(r"[0-9]+", s) or not lo <= int(s) <= hi:
        raise ValueError
    return int(s)


def parse_seed(s):
    if not re.fullmatch(r"[0-9]+", s) or int(s) > MASK64:
        raise ValueError("is not a seed; give a non-negative integer")
    return int(s)


def parse_pause(s):
    """--server-pause ID:DUR: (id, ns), DUR at most 10 s."""
    m = re.fullmatch(r"([0-9]+):(.*)", s)
    try:
        if m is None or int(m.group(1)) > MASK64:
            raise ValueError
        ns = parse_duration(m.group(2))
        if ns > 10 * 10**9:
            raise ValueError
    except ValueError:
        raise ValueError("is not ID:DURATION; e.g. 100:1s makes request 100 "
                         "stop the whole server for 1 s (at most 10s)")
    return int(m.group(1)), ns


def parse_stack_size(s):
    n = parse_size(s)
    if not 16 * 1024 <= n <= 64 << 20:
        raise ValueError("is out of range; give 16k to 64m")
    return n


def parse_options(argv, prog, summary, offload=False):
    """fl_parse_options: an Options, or None after --help. Raises UsageError
    with the line options.c would print for the same mistake. OFFLOAD: the
    peer takes --offload thread|process."""
    o = Options()
    see = "see %s --help" % prog
    try:
        pairs, rest = getopt.gnu_getopt(argv, "n:c:h", LONGOPTS)
    except getopt.GetoptError as e:
        name = ("-" if len(e.opt) == 1 else "--") + e.opt
        if "requires argument" in e.msg:
            raise UsageError("%s needs a value; %s" % (name, see))
        raise UsageError("unknown option '%s'; %s" % (name, see))
    for name, value in pairs:
        try:
            if name == "-n":
                o.requests = parse_count(value, 1, MAX_REQUESTS)
            elif name == "-c":
                o.concurrency = parse_count(value, 1, MAX_CONCURRENCY)
            elif name == "--delay":
                o.delay, o.delay_spec = parse_dist(value, True), value
            elif name == "--ca":
                if not os.access(value, os.R_OK):
                    raise ValueError("cannot be read; give the CA certificate (PEM) the "
                                     "server's certificate is signed by, e.g. "
                                     "~/.cache/fetchlab/tls/ca.pem")
                o.ca = value
            elif name == "--connections":
                if value not in ("reuse", "fresh"):
                    raise ValueError("is not a connection mode; give reuse "
                                     "(keep-alive) or fresh (one per request)")
                o.fresh = value == "fresh"
            elif name == "--size":
                o.size, o.size_spec = parse_dist(value, False), value
            elif name == "--work":
                o.work, o.work_spec = parse_dist(value, True), value
            elif name == "--offload":
                if not offload:
                    raise UsageError("--offload is python-asyncio's (run_in_executor); "
                                     "%s does the work where it fetches" % prog)
                if value not in ("thread", "process"):
                    raise ValueError("is not thread or process: run_in_executor "
                                     "on a thread pool (GIL-bound) or a process pool")
                o.offload = value
            elif name == "--uvloop":
                if not offload:
                    raise UsageError("--uvloop is python-asyncio's (the asyncio loop "
                                     "on libuv); %s has no event loop" % prog)
                o.uvloop = True
            elif name in ("--rate", "--arrivals", "--progress"):
                raise UsageError("%s is not supported by this peer (closed loop "
                                 "only); drop it or run a C model" % name)
            elif name == "--timeout":
                o.timeout_ns = parse_duration(value)
                if o.timeout_ns < 1000000:
                    raise ValueError("is too short; give at least 1ms")
            elif name == "--seed":
                o.seed = parse_seed(value)
            elif name == "--stack-size":
                parse_stack_size(value)
            elif name == "--server":
                o.server = check_url(value)
            elif name == "--url":
                o.url = check_url(value)
            elif name == "--json":
                o.json = True
            elif name == "--records":
                o.records = value
            elif name == "--hdr":
                o.hdr = value
            elif name == "--server-pause":
                o.pause_id, o.pause_ns = parse_pause(value)
            elif name == "--dry-run":
                o.dry_run = True
            elif name == "--faults":
                o.faults, o.faults_spec = parse_faults(value), value
            elif name in ("-h", "--help"):
                extra = ("  --offload KIND      do the work off the loop, with run_in_executor on a\n"
                         "                      thread pool (thread: still under the GIL) or a\n"
                         "                      process pool (process: in parallel), a worker a core\n"
                         "  --uvloop            run the same code on uvloop (asyncio's loop on libuv,\n"
                         "                      Debian's python3-uvloop): what a faster loop buys\n"
                         if offload else "")
                print(USAGE.format(prog=prog, summary=summary, extra=extra), end="")
                return None
        except ValueError as e:
            if name in ("-n", "-c"):
                limit = ("1 to 10000000 requests" if name == "-n"
                         else "1 to 100000 in flight")
                raise UsageError("%s '%s' is not a count in range; give %s"
                                 % (name, value, limit))
            raise UsageError("%s '%s' %s" % (name, value, e))
    if rest:
        raise UsageError("unexpected argument '%s'; %s" % (rest[0], see))
    check_tls(o)
    if o.server is None and o.url is None and not o.dry_run:
        raise UsageError("no target; give --server URL of a fetchlab-server or "
                         "--url URL (or run it through: fetchlab run MODEL)")
    if (o.faults_spec is not None or o.pause_id >= 0) and o.url is not None:
        raise UsageError("--faults and --server-pause need a fetchlab-server "
                         "(--server), not --url")
    if o.server is not None and o.url is not None:
        raise UsageError("--server and --url exclude each other; give one")
    return o


# --- workload (workload.c) and body (body.h) ----------------------------------

def uniform01(seed, i, stream):
    """splitmix64 over (seed, id, stream): a uniform float in (0, 1)."""
    z = ((seed * 0x9e3779b97f4a7c15) ^ (i * 0xd6e8feb86659fd93) ^
         (stream * 0xca5a826395121157)) & MASK64
    z = (z + 0x9e3779b97f4a7c15) & MASK64
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & MASK64
    z ^= z >> 31
    return ((z >> 11) + 0.5) / 9007199254740992.0   # 2**53


def body_bytes(i, size):
    """The whole body of request I: little-endian words fl_body_word(I, w).
    The body depends on the id, so there is nothing to reuse between
    requests; about 40 us per KiB."""
    words = []
    z = i * 0x9e3779b97f4a7c15      # + (w + 1) * K, one K per word
    for _ in range((size + 7) >> 3):
        z = (z + 0xbf58476d1ce4e5b9) & MASK64
        x = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & MASK64
        x = ((x ^ (x >> 27)) * 0x94d049bb133111eb) & MASK64
        words.append(x ^ (x >> 31))
    return struct.pack("<%dQ" % len(words), *words)[:size]


class Request:
    """fl_request: one request of the workload. Times are monotonic ns."""
    __slots__ = ("id", "lane", "delay_us", "size", "fault", "due_ns",
                 "start_ns", "headers_ns", "first_byte_ns", "last_byte_ns",
                 "end_ns", "bytes", "status", "klass", "body_bad", "expected",
                 "work_ns", "tail", "work_out", "tcp_ns", "tls_ns", "handshake")

    def __init__(self, i, delay_us, size, fault, work_ns):
        self.id, self.delay_us, self.size, self.fault = i, delay_us, size, fault
        self.work_ns, self.tail, self.work_out = work_ns, b"", 0
        self.lane = self.due_ns = self.start_ns = self.headers_ns = 0
        self.first_byte_ns = self.last_byte_ns = self.end_ns = 0
        self.bytes = self.status = 0
        self.klass, self.body_bad, self.expected = "", False, None
        self.tcp_ns = self.tls_ns = 0     # its own connection: up, then TLS done
        self.handshake = 0                # HANDSHAKES: none, full, resumed

    def phases(self):
        """Where the transfer's time went, in us: connect, tls, wait,
        transfer (request.c's phases). Connect and TLS are 0 on a reused
        connection; wait runs from when it could send (connected, or the
        start) to the head; transfer from the head to the last byte, the
        processing (--work) after it not counted."""
        ready = self.tls_ns or self.tcp_ns or self.start_ns
        first = self.headers_ns or ready
        last = max(self.last_byte_ns, first)
        return ((self.tcp_ns - self.start_ns) // 1000 if self.tcp_ns else 0,
                (self.tls_ns - self.tcp_ns) // 1000 if self.tls_ns else 0,
                (first - ready) // 1000 if self.headers_ns else 0,
                (last - first) // 1000 if self.headers_ns else 0)


def build_workload(o):
    """fl_workload_build (closed loop): the same requests as the C models."""
    reqs = []
    for i in range(o.requests):
        delay = o.delay.draw(o.seed, i, STREAM_DELAY)
        size = o.size.draw(o.seed, i, STREAM_SIZE)
        fault = 0
        if o.faults_spec is not None:
            u, edge = uniform01(o.seed, i, STREAM_FAULT), 0.0
            for k in range(1, len(FAULTS)):
                edge += o.faults[k]
                if u < edge:
                    fault = k
                    break
        work = 0
        if o.work.a > 0:   # microseconds, at most 4 s
            work = int(min(llround(1e3 * o.work.draw(o.seed, i, STREAM_WORK)),
                           MAX_WORK_NS))
        reqs.append(Request(i, int(min(llround(delay), 100e6)),
                            int(min(llround(size), float(MAX_SIZE))), fault, work))
    return reqs


# --- work (work.c) ------------------------------------------------------------

def work_steps(h, steps):
    """STEPS dependent multiply-xorshift steps from H, as work.c's, in pure
    Python: every step holds the GIL. A module-level function, so a process
    pool can run it (it is pickled by name)."""
    for i in range(steps):
        h ^= h >> 29
        h = (h * 0xbf58476d1ce4e5b9 + i) & MASK64
    return h


def work_calibrate():
    """fl_work_calibrate: the median of seven trials of 2^12 steps, in this
    thread's CPU time: the ns one step takes here."""
    ns = []
    for i in range(7):
        t0 = time.thread_time_ns()
        work_steps(i, 1 << 12)
        ns.append((time.thread_time_ns() - t0) / (1 << 12))
    return max(sorted(ns)[3], 1.0)


class Target:
    """Where a request goes: host, port, the path with its query, whether
    over TLS, and the host to connect to (a TLS fault's name is asked for,
    SNI and certificate, on the server's own host: CURLOPT_CONNECT_TO)."""
    __slots__ = ("host", "port", "path", "url", "tls", "connect_host")

    def __init__(self, url, connect_host=None):
        u = urllib.parse.urlsplit(url)
        self.tls = u.scheme == "https"
        self.host, self.port, self.url = u.hostname, u.port or (443 if self.tls else 80), url
        self.path = (u.path or "/") + ("?" + u.query if u.query else "")
        self.connect_host = connect_host or self.host


# --- one run: recording (run.c) -----------------------------------------------

def now_ns():
    """CLOCK_MONOTONIC, as fl_now_ns."""
    return time.monotonic_ns()


# A client this busy is the bound of its own figures (schema.h FL_CLIENT_BOUND).
CLIENT_BOUND = 0.90


def busy_clock():
    """The CPU the process has taken, its joined children's too (a process
    pool's), plus the time this thread waited runnable for a CPU
    (fl_process_cpu_s + fl_thread_wait_s): a difference of two readings
    over the wall time between them is how busy the client was."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        with open("/proc/thread-self/schedstat") as f:
            wait_s = int(f.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        wait_s = 0.0
    return time.process_time() + kids.ru_utime + kids.ru_stime + wait_s


class Run:
    """fl_run: the options, the requests, the counters of one run. Recording
    is safe from many threads: one lock, taken once per request."""

    def __init__(self, name, opt):
        self.name, self.prog, self.opt = name, name, opt
        self.reqs = build_workload(opt)
        self.klass = dict.fromkeys(CLASSES, 0)
        self.samples = {k: [] for k in CLASSES}
        self.lock = threading.Lock()
        self.interrupted = False
        self.threads = 1
        self.loop_name = None      # python-asyncio: the event loop's class
        self.t0_ns = self.t1_ns = 0
        self.busy0 = self.busy1 = 0.0   # busy_clock() at t0 and t1
        self.base = (opt.server or "").rstrip("/")
        self.refused = None       # the socket that holds fault=refused's port
        self.work_ns_per_step = work_calibrate() if opt.work.a > 0 else 0.0
        self.work_off_thread = 0  # responses whose work ran elsewhere
        self.connections = 0      # new connections made (TCP connects that succeeded)
        self.open_now = 0         # connections open now, where the peer counts closes
        self.open_peak = None     # the most open at once (connections_peak); None: not counted
        self.tls = (opt.server or opt.url or "").startswith("https:")
        self.server_host = Target(opt.server or opt.url).host if self.tls else None
        # The client's TLS: always verified, against --ca alone when given,
        # else the system's store. There is no insecure path.
        self.ssl = ssl.create_default_context(cafile=opt.ca) if self.tls else None

    def target(self, req):
        """format_url: the URL that asks the server for REQ."""
        if self.opt.url is not None:
            return Target(self.opt.url)
        base, path, fault = self.base, "fetch", ""
        name = FAULTS[req.fault]
        if name == "refused":
            base = "http://127.0.0.1:%d" % self.refused.getsockname()[1]
        elif name in ("http500", "http503"):
            path = "status/" + name[4:]
        elif name.startswith("tls_"):   # the server's name for it, on its port
            base = "https://%s%s:%d" % (name[4:].replace("_", "-"), TLS_NAME,
                                        Target(self.base).port)
        elif name != "none":
            fault = "&fault=" + name
        if req.id == self.opt.pause_id:
            fault += "&pause_ms=%d" % (self.opt.pause_ns // 1000000)
        return Target("%s/%s?id=%d&delay_ms=%d.%03d&bytes=%d%s" % (
            base, path, req.id, req.delay_us // 1000, req.delay_us % 1000,
            req.size, fault), self.server_host if name.startswith("tls_") else None)

    def opened(self):
        """A new TCP connection was made (the JSON's connections)."""
        with self.lock:
            self.connections += 1

    def holding(self, delta):
        """A connection opened (DELTA +1) or closed (-1): a peer that sees
        its connections close counts them, for connections_peak, as
        harness/lib/request.c does in curl's socket callbacks (which also
        count, for its moment, the socket of a connect that fails)."""
        with self.lock:
            self.open_now += delta
            self.open_peak = max(self.open_peak or 0, self.open_now)

    def connected(self, req, tcp_ns, tls_ns=0, resumed=False):
        """REQ made its own connection: TCP was up at TCP_NS, and over
        https its handshake, TLS_NS, a full one or RESUMED a session."""
        req.tcp_ns, req.tls_ns = tcp_ns, tls_ns
        req.handshake = 0 if not tls_ns else 2 if resumed else 1

    def begin(self, req, lane):
        """A closed loop's claim: REQ is due now and starts now (fl_next +
        fl_easy_setup)."""
        req.lane, req.bytes, req.body_bad = lane, 0, False
        req.first_byte_ns = req.headers_ns = req.last_byte_ns = 0
        req.tcp_ns = req.tls_ns = req.handshake = 0
        req.due_ns = req.start_ns = now_ns()

    def got_headers(self, req, status):
        """The status line and headers arrived."""
        req.status = status
        req.headers_ns = now_ns()

    def work_args(self, req):
        """What the work of REQ needs: its seed, from the last bytes of the
        body received (so it depends on the response), and its steps."""
        h = int.from_bytes(req.tail, "little") ^ req.id
        return h, int(req.work_ns / self.work_ns_per_step) if req.work_ns else 0

    def work(self, req):
        """fl_work, here: process REQ's response on this thread, holding
        the GIL for its --work."""
        if req.work_ns:
            req.work_out = work_steps(*self.work_args(req))

    def worked_elsewhere(self, req, out):
        """REQ's work ran on another thread or process and gave OUT."""
        req.work_out = out
        with self.lock:
            self.work_off_thread += 1

    def got_body(self, req, chunk):
        """on_body_checked: count CHUNK and compare it with the body the
        server owes us (a --url run only counts)."""
        n = len(chunk)
        req.tail = (req.tail + chunk)[-8:] if n < 8 else chunk[-8:]
        req.last_byte_ns = now_ns()
        if req.first_byte_ns == 0:
            req.first_byte_ns = req.last_byte_ns
        if self.opt.url is None and not req.body_bad:
            if req.expected is None:
                req.expected = body_bytes(req.id, req.size)
            at = req.bytes
            if at + n > req.size or req.expected[at:at + n] != chunk:
                req.body_bad = True
        req.bytes += n

    def done(self, req, error=None, text=None):
        """fl_done: REQ ended. ERROR is the class of a transfer that failed
        (connect, timeout, recv, other) with TEXT saying why, or None for one
        that completed; then its status and body decide, as classify does."""
        req.end_ns = now_ns()
        req.expected = None
        if req.status == 0:
            req.handshake = 0    # counted at the status line, as request.c does
        if error is None:
            if req.first_byte_ns == 0:
                req.first_byte_ns = req.headers_ns   # an empty body
            if req.status >= 400:
                error, text = "http", "HTTP status >= 400"
            elif self.opt.url is None and (req.body_bad or req.bytes != req.size):
                error, text = "checksum", "body differs from the expected bytes"
        req.klass = error or "ok"
        with self.lock:
            self.klass[req.klass] += 1
            if error is not None and len(self.samples[error]) < 3:
                self.samples[error].append("request %d: %s (status %d)" %
                                           (req.id, text, req.status))


# --- reporting (report.c) ---------------------------------------------------

class Latency:
    """min, mean and percentiles in us, exact: the k-th smallest value with
    k = ceil(P * n / 100), the definition fl_hist_percentile uses."""

    def __init__(self, values):
        v = self.values = sorted(min(x, HIST_MAX_US) for x in values)
        n = len(v)
        at = lambda p: v[max(1, math.ceil(p * n / 100)) - 1] if n else 0
        self.min, self.max = (v[0], v[-1]) if n else (0, 0)
        self.mean = sum(v) / n if n else 0.0
        self.p50, self.p90, self.p99, self.p999 = at(50), at(90), at(99), at(99.9)

    def json(self):
        return ('{"min":%d,"mean":%.0f,"p50":%d,"p90":%d,"p99":%d,"p999":%d,'
                '"max":%d}' % (self.min, self.mean, self.p50, self.p90,
                               self.p99, self.p999, self.max))

    def row(self, name):
        return "  %-14s %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f" % (
            name, self.min / 1e3, self.mean / 1e3, self.p50 / 1e3,
            self.p90 / 1e3, self.p99 / 1e3, self.p999 / 1e3, self.max / 1e3)

    def write_distribution(self, f, scale=1000.0, ticks=5):
        """fl_hist_write_distribution, over exact values: each distinct
        value is a bucket of its own."""
        f.write("Value,Percentile,TotalCount,1/(1-Percentile)\n")
        v, n, level, seen = self.values, len(self.values), 0.0, 0
        for j, x in enumerate(v):
            seen += 1
            if j + 1 < n and v[j + 1] == x:
                continue
            while 100.0 * seen / n >= level:
                f.write("%.3f,%.6f,%d,%.2f\n" % (x / scale, level / 100, seen,
                                                 1 / (1 - level / 100)))
                if seen == n:
                    f.write("%.3f,%.6f,%d,Infinity\n" % (x / scale, 1.0, seen))
                    return
                halvings = math.floor(math.log2(100.0 / (100.0 - level)))
                level += 100.0 / (ticks * 2.0 ** (halvings + 1))


def steady_state(run, ran):
    """harness/lib/report.c's steady_state: the ok requests that ended
    after every lane had finished its first request and no later than the
    last claim, over that window. (rps, from_ns, to_ns), or None."""
    first = {}
    to = 0
    for r in ran:
        if r.lane not in first or r.end_ns < first[r.lane]:
            first[r.lane] = r.end_ns
        to = max(to, r.start_ns)
    if len(first) < run.opt.concurrency:
        return None                      # a lane never finished: no window
    frm = max(first.values())
    n = sum(1 for r in ran if r.klass == "ok" and frm < r.end_ns <= to)
    if to <= frm or n == 0:
        return None
    return n / ((to - frm) / 1e9), frm, to


def in_flight(ran, window):
    """report.c's in_flight: the mean requests in flight over WINDOW (from,
    to), else over the whole run, and the peak (an end before a start at
    the same nanosecond). (mean, peak), or (None, None)."""
    if window is None:
        if not ran:
            return None, None
        window = (min(r.start_ns for r in ran), max(r.end_ns for r in ran))
    frm, to = window
    if to <= frm:
        return None, None
    area = sum(max(0, min(r.end_ns, to) - max(r.start_ns, frm)) for r in ran)
    events = sorted([r.start_ns * 2 + 1 for r in ran] + [r.end_ns * 2 for r in ran])
    now = peak = 0
    for e in events:
        now += 1 if e & 1 else -1
        peak = max(peak, now)
    return area / (to - frm), peak


def write_records(f, run, ran):
    """--records: a line per request that ran (report.c's write_records)."""
    f.write("id,worker,due_ns,start_ns,first_byte_ns,end_ns,status,bytes,error,"
            "connect_us,tls_us,wait_us,transfer_us,handshake\n")
    t0 = run.t0_ns
    for r in ran:
        f.write("%d,%d,%d,%d,%d,%d,%d,%d,%s,%d,%d,%d,%d,%s\n" % (
            (r.id, r.lane, r.due_ns - t0, r.start_ns - t0,
             r.first_byte_ns - t0 if r.first_byte_ns else 0,
             r.end_ns - t0, r.status, r.bytes, r.klass) + r.phases() +
            (HANDSHAKES[r.handshake],)))


class Phases:
    """report.c's phases: where the ok requests' time went (connect, tls,
    wait, transfer: each a Latency), and the handshakes every request that
    ran made (none, full, resumed)."""
    NAMES = ("connect_us", "tls_us", "wait_us", "transfer_us")

    def __init__(self, ran, ok):
        per = [r.phases() for r in ok]
        self.phase = [Latency(p[k] for p in per) for k in range(4)]
        self.count = len(ok)
        self.handshakes = [0, 0, 0]
        for r in ran:
            self.handshakes[r.handshake] += 1

    def json(self):
        """Each phase's mean, p50 and p99 (null without an ok request)."""
        return ",".join('"%s":{"mean":%.0f,"p50":%d,"p99":%d}' % (n, l.mean, l.p50, l.p99)
                        if self.count else '"%s":{"mean":null,"p50":null,"p99":null}' % n
                        for n, l in zip(self.NAMES, self.phase))


def report(run, out):
    """fl_report: the summary on OUT, then --records and --hdr. Returns the
    exit status."""
    o, rc = run.opt, 0
    done = sum(run.klass.values())
    if not run.interrupted and done != o.requests:
        print("%s: peer bug: %d of %d requests were recorded; every request "
              "must end in exactly one class" % (run.prog, done, o.requests),
              file=sys.stderr)
        rc = 1
    ran = [r for r in run.reqs if r.end_ns != 0]
    ok = [r for r in ran if r.klass == "ok"]
    ls = Latency((r.end_ns - r.start_ns) // 1000 for r in ok)
    ld = Latency((r.end_ns - r.due_ns) // 1000 for r in ok)
    injected = [0] * len(FAULTS)
    for r in ran:
        injected[r.fault] += 1
    nbytes = sum(r.bytes for r in run.reqs)
    ru = resource.getrusage(resource.RUSAGE_SELF)
    # A process pool's workers, joined by now, count as the peer's CPU, as
    # wait4 counts them for the driver.
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    user, sys_ = ru.ru_utime + kids.ru_utime, ru.ru_stime + kids.ru_stime
    work_us = sum(r.work_ns for r in run.reqs) / 1e3 / max(o.requests, 1)
    # From the start, set-up included, to the end of the last request; the
    # clean-up after it is not counted (as in harness/lib/report.c).
    last_end_ns = max((r.end_ns for r in ran), default=run.t1_ns)
    wall = (last_end_ns - run.t0_ns) / 1e9
    rps = run.klass["ok"] / wall if wall > 0 else 0
    errors = done - run.klass["ok"]
    steady = steady_state(run, ran)
    in_mean, in_peak = in_flight(ran, steady[1:] if steady else None)
    ph = Phases(ran, ok)
    # client_busy, as harness/lib/report.c:client_busy, over the cores the
    # peer can use: one, the GIL's (its threads take turns running Python),
    # unless --offload process runs the work in processes of their own.
    cores = len(os.sched_getaffinity(0)) if o.offload == "process" else 1
    run_s = (run.t1_ns - run.t0_ns) / 1e9
    busy = (run.busy1 - run.busy0) / (run_s * cores) if run_s > 0 else math.nan
    if o.json:
        fields = [
            '"model":%s' % json.dumps(run.name), '"requests":%d' % done,
            '"concurrency":%d' % o.concurrency, '"rate":0',
            '"delay":%s' % json.dumps("" if o.url else o.delay_spec),
            '"size":%s' % json.dumps("" if o.url else o.size_spec),
            '"seed":%d' % o.seed,
            '"faults":%s' % json.dumps(o.faults_spec or ""),
            '"ok":%d' % run.klass["ok"],
            '"errors":{%s}' % ",".join('"%s":%d' % (k, run.klass[k])
                                       for k in CLASSES[1:]),
            '"error_samples":{%s}' % ",".join(
                '"%s":%s' % (k, json.dumps(run.samples[k], separators=(",", ":")))
                for k in CLASSES[1:] if run.samples[k]),
            '"injected":{%s}' % ",".join('"%s":%d' % (FAULTS[f], injected[f])
                                         for f in range(1, len(FAULTS))),
            '"interrupted":%s' % ("true" if run.interrupted else "false"),
            '"wall_s":%.3f' % wall, '"throughput_rps":%.1f' % rps,
            '"bytes":%d' % nbytes, '"connections":%d' % run.connections,
            '"latency_us":' + ls.json(), '"latency_from_due_us":' + ld.json(),
            '"cpu_user_s":%.6f' % user, '"cpu_sys_s":%.6f' % sys_,
            '"peak_rss_kib":%d' % ru.ru_maxrss,
            '"ctx_voluntary":%d' % ru.ru_nvcsw,
            '"ctx_involuntary":%d' % ru.ru_nivcsw, '"threads":%d' % run.threads,
            '"work_spec":%s' % json.dumps(o.work_spec),
            '"work_mean_us":%.1f' % work_us,
            '"work_ns_per_iter":%.4f' % run.work_ns_per_step,
            '"work_off_thread":%d' % run.work_off_thread,
            '"loop_lag_us":{"p50":null,"p99":null,"max":null}',
            '"client_busy":%s' % ("%.3f" % busy if math.isfinite(busy) else "null"),
            '"client_bound":%s' % ("true" if busy >= CLIENT_BOUND else "false"),
            '"steady_rps":%s' % ("%.1f" % steady[0] if steady else "null"),
            '"in_flight_mean":%s' % ("%.1f" % in_mean if in_mean is not None else "null"),
            '"in_flight_peak":%s' % (in_peak if in_peak is not None else "null"),
        ] + (['"connections_peak":%d' % run.open_peak]   # where the peer counts it
             if run.open_peak is not None else []) + [
            '"tls":%s' % ("true" if run.tls else "false"),
            '"connection_mode":"%s"' % ("fresh" if o.fresh else "reuse"),
            '"tls_full":%d' % ph.handshakes[1], '"tls_resumed":%d' % ph.handshakes[2],
            ph.json(),
        ]
        print("{" + ",".join(fields) + "}", file=out)
    else:
        what = ("--url " + o.url if o.url else
                "delay %s, size %s" % (o.delay_spec, o.size_spec))
        print("%s: %d requests, C=%d, %s, closed loop%s" %
              (run.prog, done, o.concurrency, what,
               ", event loop " + run.loop_name if run.loop_name else ""), file=out)
        print("  ok %d   errors %d (%s)%s" % (
            run.klass["ok"], errors,
            ", ".join("%s %d" % (k, run.klass[k]) for k in CLASSES[1:]),
            "   INTERRUPTED" if run.interrupted else ""), file=out)
        for k in CLASSES[1:]:
            for s in run.samples[k]:
                print("    %s: %s" % (k, s), file=out)
        print("  wall %.3f s   throughput %.1f req/s   body bytes %d   "
              "connections opened %d%s" % (wall, rps, nbytes, run.connections,
              ", open at most %d" % run.open_peak if run.open_peak is not None
              else ""), file=out)
        if steady:
            print("  steady state %.1f req/s, from %.3f s (every lane past its "
                  "first request) to %.3f s (the last claim)" %
                  (steady[0], (steady[1] - run.t0_ns) / 1e9,
                   (steady[2] - run.t0_ns) / 1e9), file=out)
        if in_mean is not None:
            print("  in flight: mean %.0f over the %s, peak %d, of C = %d%s" %
                  (in_mean, "steady state" if steady else "run", in_peak,
                   o.concurrency, "   (C NOT REACHED: the figures are for the "
                   "concurrency achieved)" if in_mean < 0.9 * o.concurrency and
                   o.concurrency <= o.requests / 2 else ""), file=out)
        if run.tls or o.fresh:
            print("  %s, connections %s: TLS handshakes %d full, %d resumed" %
                  ("https" if run.tls else "http", "fresh" if o.fresh else "reused",
                   ph.handshakes[1], ph.handshakes[2]), file=out)
        print("  where the time went (ms, mean of the ok requests): connect %.3f, "
              "TLS %.3f, wait %.3f, transfer %.3f" %
              tuple(l.mean / 1e3 if ph.count else math.nan for l in ph.phase), file=out)
        print("  latency (ms)        min     mean      p50      p90      p99"
              "    p99.9      max", file=out)
        print(ls.row("from start"), file=out)
        print(ld.row("from due"), file=out)
        if work_us > 0:
            print("  work %s per response (mean %.0f us; a step takes %.3f ns "
                  "here)   done off the request's thread: %d" %
                  (o.work_spec, work_us, run.work_ns_per_step,
                   run.work_off_thread), file=out)
        print("  cpu user %.2f s, sys %.2f s   peak RSS %.1f MiB   context "
              "switches %d voluntary, %d involuntary   threads %d" %
              (user, sys_, ru.ru_maxrss / 1024.0, ru.ru_nvcsw,
               ru.ru_nivcsw, run.threads), file=out)
        if busy >= CLIENT_BOUND:
            print("  CLIENT-BOUND: the client kept %.0f%% of the %d core%s it can "
                  "use busy; these figures are its limit, not the model's" %
                  (100 * busy, cores, "" if cores == 1 else "s"), file=out)
    out.flush()
    for opt, path, write in (("--records", o.records, lambda f: write_records(f, run, ran)),
                             ("--hdr", o.hdr, ld.write_distribution)):
        if path is None:
            continue
        try:
            with open(path, "w") as f:
                write(f)
        except OSError as e:             # a full disk: name the option and file
            print("%s: %s %s: write failed (%s)" % (run.prog, opt, path, e.strerror),
                  file=sys.stderr)
            rc = 2
    return rc


# --- main (fl_main) ---------------------------------------------------------

def check_writable(opt, path):
    if path is not None:
        try:
            open(path, "a").close()
        except OSError as e:
            raise UsageError("%s %s: cannot write it (%s); give a writable path"
                             % (opt, path, e.strerror))


def probe_url(o):
    """With --url, connect once first (fl_main's probe_url: connect only), so
    an unreachable URL is a usage error with a reason rather than N counted
    failures; what the server then does is the run's to count."""
    t = Target(o.url)
    try:
        socket.create_connection((t.host, t.port), timeout=min(3.0, o.timeout_ns / 1e9)).close()
    except OSError as e:
        raise UsageError("--url %s: cannot reach it (%s); check the address%s "
                         "and that the server is running"
                         % (o.url, e, ", the --ca" if o.url.startswith("https:") else ""))


def raise_fd_limit(fds):
    """fl_check_limits' descriptor half: lift the soft limit to the hard one
    if FDS descriptors do not fit under it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < fds:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        if hard != resource.RLIM_INFINITY and hard < fds:
            raise UsageError("-c %d needs about %d file descriptors, but the "
                             "limit is %d; raise it (ulimit -n %d) or lower -c"
                             % (fds - 64, fds, hard, fds))


def main(name, summary, perform, offload=False):
    """fl_main for a peer: parse, build the workload, call PERFORM(run), which
    performs every request, report. Returns the exit status: 0 ok, 1 run
    failed, 2 bad usage, 130 interrupted. OFFLOAD: the peer takes --offload."""
    try:
        opt = parse_options(sys.argv[1:], name, summary, offload)
        if opt is None:
            return 0
        if opt.dry_run:
            print("%s: the options are valid" % name)
            return 0
        check_writable("--records", opt.records)
        check_writable("--hdr", opt.hdr)
        if opt.url is not None:
            probe_url(opt)
    except UsageError as e:
        print("%s: %s" % (name, e), file=sys.stderr)
        return 2
    run = Run(name, opt)
    if opt.faults[FAULTS.index("refused")] > 0:
        # A loopback port bound but never listening: connecting is refused.
        run.refused = socket.socket()
        run.refused.bind(("127.0.0.1", 0))
    try:
        raise_fd_limit(opt.concurrency + 64)
        run.t0_ns, run.busy0 = now_ns(), busy_clock()
        perform(run)
        run.t1_ns, run.busy1 = now_ns(), busy_clock()
    except UsageError as e:
        print("%s: %s" % (name, e), file=sys.stderr)
        return 2
    try:
        rc = report(run, sys.stdout)
    except OSError as e:                 # the summary itself: a full disk, a closed pipe
        print("%s: the summary (standard output): write failed (%s)" %
              (name, e.strerror), file=sys.stderr)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # exit quietly
        rc = 2
    if run.refused is not None:
        run.refused.close()
    return 130 if rc == 0 and run.interrupted else rc

