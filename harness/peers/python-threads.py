#!/usr/bin/python3
"""python-threads - the workload the way the Python lesson does it with a
thread pool: concurrent.futures.ThreadPoolExecutor(max_workers=C), one task
per request, each worker blocking in its fetch while the kernel overlaps the
waits. The twin of fetch-threads: C threads, C requests in flight. Standard
library only.

Why http.client and not urllib.request.urlopen: urlopen opens a connection
per call and closes it after the response, so every request would pay a TCP
handshake that the C models, whose curl handles keep their connections
alive, do not. Each worker thread here keeps one HTTPConnection alive, as
each fetch-threads worker keeps one curl easy handle. --connections fresh
makes what urlopen does: a new socket (over https, a new TLS session) for
every request, closed after it.
"""
import concurrent.futures
import email.parser
import heapq
import http.client
import itertools
import signal
import socket
import sys
import threading

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
import fetchlab_peer as peer      # noqa: E402

NAME = "python-threads"
SUMMARY = "ThreadPoolExecutor(C) + http.client, a connection per worker: the Python lesson's thread pool"

# TCP_NODELAY, as HTTPConnection.connect sets it: the request goes out at once.
NODELAY = (socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class Worker(threading.local):
    """What each worker thread owns; __init__ runs once in each thread."""

    def __init__(self, lanes):
        self.lane = next(lanes)   # itertools.count: one C call, atomic under the GIL
        self.conns = {}           # (host, port): its keep-alive connection there
        self.sessions = {}        # (host, port): the TLS session to resume there
        self.open = set()         # (host, port) of its connections open, counted


def parse_headers_strict(fp, _class=http.client.HTTPMessage):
    """http.client.parse_headers, but a head the server cut before its blank
    line is an error (http.client takes the end of the stream for the end
    of the head: an empty body, ok), as in every model."""
    lines = []
    while True:
        line = fp.readline(65537)
        if len(line) > 65536:
            raise http.client.LineTooLong("header line")
        if line in (b"\r\n", b"\n"):
            break
        if not line:
            raise http.client.IncompleteRead(b"")    # "the head was cut short"
        lines.append(line)
        if len(lines) > 100:
            raise http.client.HTTPException("got more than 100 headers")
    return email.parser.Parser(_class=_class).parsestr(
        b"".join(lines).decode("iso-8859-1"))


http.client.parse_headers = parse_headers_strict   # HTTPResponse.begin calls it


def check_length(resp):
    """A Content-Length that is not one non-negative number (negative, or
    several that differ) is a broken response in every model; http.client
    would read to the end of the stream instead."""
    values = resp.msg.get_all("Content-Length") or []
    if values and (len(set(v.strip() for v in values)) > 1 or
                   not values[0].strip().isdigit()):
        raise http.client.HTTPException("invalid Content-Length: %s" % ", ".join(values))


class Watchdog:
    """--timeout for the whole request: a socket timeout bounds each read,
    not their sum (a head trickled a byte a second would never end), so one
    thread shuts down every socket whose request is past its deadline; the
    blocked read then returns and the request ends as a timeout."""

    def __init__(self):
        self.cond = threading.Condition()
        self.heap = []                      # (deadline ns, seq, socket)
        self.live = set()                   # seqs of requests still running
        self.seq = itertools.count()
        threading.Thread(target=self.loop, daemon=True).start()

    def watch(self, sock, deadline):
        with self.cond:
            seq = next(self.seq)
            self.live.add(seq)
            heapq.heappush(self.heap, (deadline, seq, sock))
            if self.heap[0][1] == seq:
                self.cond.notify()
        return seq

    def done(self, seq):
        """The request SEQ has ended. Returns True when its socket was shut
        down (its connection is of no further use)."""
        with self.cond:
            if seq in self.live:
                self.live.discard(seq)
                return False
            return True

    def loop(self):
        with self.cond:
            while True:
                while self.heap and self.heap[0][1] not in self.live:
                    heapq.heappop(self.heap)    # ended in time: forget it
                if not self.heap:
                    self.cond.wait()
                    continue
                wait = (self.heap[0][0] - peer.now_ns()) / 1e9
                if wait > 0:
                    self.cond.wait(wait)
                    continue
                _, seq, sock = heapq.heappop(self.heap)
                self.live.discard(seq)
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass                    # closed already


def left(deadline):
    """Seconds until DEADLINE (monotonic ns); the socket waits no longer."""
    s = (deadline - peer.now_ns()) / 1e9
    if s <= 0:
        raise socket.timeout("timed out after --timeout")
    return s


def handshake(run, worker, sock, target, req):
    """Over https: TLS on the connected SOCK, verified for TARGET's name
    (the one asked for, which a TLS fault names), resuming this worker's
    last session there unless --connections fresh. The TLS socket."""
    key = target.host, target.port
    tls = run.ssl.wrap_socket(sock, server_hostname=target.host,
                              session=worker.sessions.get(key))
    run.connected(req, req.tcp_ns, peer.now_ns(), tls.session_reused)
    return tls


def fetch(run, worker, watchdog, req):
    """Perform REQ on this worker's connection, and record it. Runs in a
    pool thread; --timeout bounds each read and WATCHDOG their sum."""
    if run.interrupted:
        return                              # never claimed: not in the report
    run.begin(req, worker.lane)
    target = run.target(req)
    deadline = req.start_ns + run.opt.timeout_ns
    where = (target.host, target.port)
    conn = worker.conns.get(where)
    if conn is None:
        conn = http.client.HTTPConnection(target.host, target.port)
        worker.conns[where] = conn
    stage = "connect"                       # the class of a socket error now
    error = text = watch = None
    try:
        if conn.sock is None:               # first use, fresh, or the server closed it
            sock = socket.create_connection((target.connect_host, target.port),
                                            timeout=left(deadline))
            run.opened()
            run.holding(+1)
            worker.open.add(where)
            run.connected(req, peer.now_ns())
            sock.setsockopt(*NODELAY)
            stage = "tls"                   # a handshake's failure, a reset in it
            conn.sock = handshake(run, worker, sock, target, req) if target.tls else sock
        stage = "recv"
        sock = conn.sock                    # kept: a closing response drops conn.sock
        watch = watchdog.watch(sock, deadline)
        sock.settimeout(left(deadline))
        conn.request("GET", target.path)
        with conn.getresponse() as resp:
            check_length(resp)
            run.got_headers(req, resp.status)
            while True:
                sock.settimeout(left(deadline))
                chunk = resp.read1(65536)
                if not chunk:
                    break
                run.got_body(req, chunk)
            if resp.length:                 # EOF before Content-Length bytes
                raise http.client.IncompleteRead(b"", resp.length)
    except socket.timeout as e:             # TimeoutError: connect, handshake or read
        error, text = "timeout", str(e)
    except OSError as e:                    # refused, bad certificate, reset, closed early
        error, text = stage, str(e) or type(e).__name__
    except http.client.IncompleteRead as e:
        error, text = "recv", ("short body: %d bytes missing" % e.expected
                               if e.expected is not None else
                               "cut short: the head or the chunked body ended early")
    except http.client.HTTPException as e:  # not HTTP, a bad status line or head
        error, text = "recv", "%s: %s" % (type(e).__name__, e)
    except Exception as e:                  # anything else still ends in a class
        error, text = "other", "%s: %s" % (type(e).__name__, e)
    fired = watch is not None and watchdog.done(watch)
    if error is not None and (fired or peer.now_ns() >= deadline):
        error, text = "timeout", "timed out after --timeout"   # the watchdog's
    if error is None and target.tls and not run.opt.fresh:
        worker.sessions[target.host, target.port] = sock.session   # to resume
    run.work(req)                           # process the response: --work, under the GIL
    run.done(req, error, text)
    if error is not None or fired or run.opt.fresh:
        conn.close()                        # after an error start afresh; fresh: always
    if conn.sock is None and where in worker.open:   # closed: here, by a closing
        worker.open.discard(where)                   # response, or a failed handshake
        run.holding(-1)


def perform(run):
    """The lesson's shape: a pool of C threads, one task per request."""
    c = run.opt.concurrency
    # threading.local runs __init__ here too, in the main thread, which
    # fetches nothing: it takes lane -1, so the workers number 0..C-1.
    worker = Worker(itertools.count(-1))

    def on_sigint(sig, frame):
        # Stop claiming; requests in flight end within --timeout. A second
        # Ctrl-C kills the process.
        run.interrupted = True
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    signal.signal(signal.SIGINT, on_sigint)
    with concurrent.futures.ThreadPoolExecutor(max_workers=c) as pool:
        # The pool starts a thread only when no worker counts as idle, and a
        # worker that finishes a task counts as idle even as it takes the
        # next; so with short requests it may stop short of C threads. Hold
        # C tasks at a barrier first: then all C workers exist.
        started = threading.Barrier(c)
        try:
            for _ in range(c):
                pool.submit(started.wait)
        except RuntimeError as e:           # "can't start new thread"
            started.abort()
            raise peer.UsageError("-c %d needs %d threads, but only %d could be "
                                  "started (%s); raise ulimit -u or lower -c"
                                  % (c, c, threading.active_count() - 1, e))
        watchdog = Watchdog()
        tasks = [pool.submit(fetch, run, worker, watchdog, req) for req in run.reqs]
        concurrent.futures.wait(tasks)
        run.threads = threading.active_count()   # the main thread + C workers
    for t in tasks:
        t.result()                          # a bug in fetch surfaces here


if __name__ == "__main__":
    sys.exit(peer.main(NAME, SUMMARY, perform))
