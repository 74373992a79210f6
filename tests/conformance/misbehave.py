#!/usr/bin/python3
"""misbehave.py - an HTTP server that misbehaves on purpose, one way per
path, for the classification corpus (tests/conformance/classes.sh): every
model and peer must put each behaviour's requests in the same class.

    misbehave.py            listen on 127.0.0.1, an ephemeral port; print
                            "misbehave listening on http://127.0.0.1:PORT"
    misbehave.py --list     print "NAME CLASS" for every behaviour

GET /NAME answers with behaviour NAME. CLASS is what every model must
count it as (docs/methodology.md, "One classification"). Every behaviour
ends: the endless ones stop after a bounded amount (a few MB or 30 s),
long after the test's --timeout has fired.
"""
import gzip
import socket
import sys
import threading
import time

BEHAVIOURS = {}


def behaviour(name, klass):
    def register(fn):
        BEHAVIOURS[name] = (klass, fn)
        return fn
    return register


def head(status="200 OK", length=None, extra=""):
    h = "HTTP/1.1 %s\r\n" % status
    if length is not None:
        h += "Content-Length: %d\r\n" % length
    return (h + extra + "\r\n").encode()


def trickle(conn, data, gap=0.2, limit=30.0):
    """Send DATA a byte per GAP seconds, for at most LIMIT seconds."""
    end = time.monotonic() + limit
    for i in range(len(data)):
        if time.monotonic() > end:
            return
        conn.sendall(data[i:i + 1])
        time.sleep(gap)


# ---- well-formed: ok, or an HTTP status class ----
@behaviour("ok", "ok")
def ok(conn):
    conn.sendall(head(length=5) + b"hello")


@behaviour("ok-close-delimited", "ok")
def close_delimited(conn):
    conn.sendall(b"HTTP/1.0 200 OK\r\n\r\n" + b"x" * 1000)
    return "close"


@behaviour("ok-chunked", "ok")
def chunked(conn):
    conn.sendall(head(extra="Transfer-Encoding: chunked\r\n") +
                 b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")


@behaviour("no-content-204", "ok")
def no_content(conn):
    conn.sendall(b"HTTP/1.1 204 No Content\r\n\r\n")


@behaviour("redirect-301", "ok")
def redirect(conn):
    # Not followed by any model: the answer to the request is this one.
    conn.sendall(head("301 Moved Permanently", 0,
                      "Location: http://127.0.0.1:9/elsewhere\r\n"))


@behaviour("continue-100", "ok")
def continue_100(conn):
    conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n" + head(length=2) + b"ok")


@behaviour("early-hints-103", "ok")
def early_hints(conn):
    conn.sendall(b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n" +
                 head(length=2) + b"ok")


@behaviour("gzip", "ok")
def gzip_body(conn):
    # Counted as sent: no model decodes a content encoding it did not ask for.
    body = gzip.compress(b"fetchlab " * 1000)
    conn.sendall(head(length=len(body), extra="Content-Encoding: gzip\r\n") + body)


# 50 MiB of zeros in ~50 KiB, compressed once: compressing it for every
# request took seconds of this server's CPU on a loaded machine, and the
# clients' 2 s timeout ran out before the bomb was sent.
BOMB = gzip.compress(b"\0" * (50 << 20), 9)


@behaviour("gzip-bomb", "ok")
def gzip_bomb(conn):
    conn.sendall(head(length=len(BOMB), extra="Content-Encoding: gzip\r\n") + BOMB)


@behaviour("extra-bytes", "ok")
def extra_bytes(conn):
    # A Content-Length shorter than what follows: the response ends at its
    # length and the rest is junk. With "Connection: close" no model reads
    # the junk as a next response. (Without it, aiohttp's parser fails the
    # response itself on junk in the same segment, where curl and
    # http.client drop the connection after it; and junk that arrives
    # later lands on whatever request reuses the connection: a race, not a
    # classification.)
    conn.sendall(head(length=5, extra="Connection: close\r\n") + b"helloEXTRA-BYTES")
    return "close"


@behaviour("not-found-404", "http")
def not_found(conn):
    conn.sendall(head("404 Not Found", 9) + b"not found")


@behaviour("error-500", "http")
def error_500(conn):
    conn.sendall(head("500 Internal Server Error", 0))


@behaviour("unavailable-503", "http")
def unavailable(conn):
    conn.sendall(head("503 Service Unavailable", 0, "Retry-After: 1\r\n"))


@behaviour("status-599", "http")
def status_599(conn):
    conn.sendall(head("599 Whatever", 0))


# ---- not HTTP, or cut short: recv ----
@behaviour("close-at-once", "recv")
def close_at_once(conn):
    return "close"


@behaviour("reset", "recv")
def reset(conn):
    return "reset"


@behaviour("garbage", "recv")
def garbage(conn):
    conn.sendall(bytes(range(256)) * 4 + b"\r\n\r\n")
    return "close"


@behaviour("http09-body-only", "recv")
def http09(conn):
    conn.sendall(b"hello, no status line\n")
    return "close"


@behaviour("bad-status-line", "recv")
def bad_status(conn):
    conn.sendall(b"HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n")
    return "close"


@behaviour("cut-mid-status", "recv")
def cut_mid_status(conn):
    conn.sendall(b"HTTP/1.1 20")
    return "close"


@behaviour("cut-mid-header", "recv")
def cut_mid_header(conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Le")
    return "close"


@behaviour("cut-before-body", "recv")
def cut_before_body(conn):
    conn.sendall(head(length=100))
    return "close"


@behaviour("short-body", "recv")
def short_body(conn):
    conn.sendall(head(length=100) + b"x" * 50)
    return "close"


@behaviour("bad-chunk-size", "recv")
def bad_chunk_size(conn):
    conn.sendall(head(extra="Transfer-Encoding: chunked\r\n") + b"zz\r\nhello\r\n0\r\n\r\n")
    return "close"


@behaviour("chunk-cut", "recv")
def chunk_cut(conn):
    conn.sendall(head(extra="Transfer-Encoding: chunked\r\n") + b"a\r\nhel")
    return "close"


@behaviour("reset-mid-body", "recv")
def reset_mid_body(conn):
    conn.sendall(head(length=100000) + b"x" * 1000)
    time.sleep(0.05)
    return "reset"


@behaviour("negative-length", "recv")
def negative_length(conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\nhello")
    return "close"


@behaviour("conflicting-lengths", "recv")
def conflicting_lengths(conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello")
    return "close"


@behaviour("endless-headers", "recv")
def endless_headers(conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    for i in range(200000):                  # ~4 MB of headers, then stop
        conn.sendall(b"X-Header-%06d: yes\r\n" % i)
    return "close"


@behaviour("huge-header-line", "recv")
def huge_header_line(conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * (4 << 20) + b"\r\n\r\n")
    return "close"


# ---- too slow: timeout ----
@behaviour("no-answer", "timeout")
def no_answer(conn):
    time.sleep(30)
    return "close"


@behaviour("trickle-head", "timeout")
def trickle_head(conn):
    trickle(conn, head(length=5) + b"hello" + b"X" * 200)
    return "close"


@behaviour("trickle-body", "timeout")
def trickle_body(conn):
    conn.sendall(head(length=1000))
    trickle(conn, b"y" * 1000)
    return "close"


@behaviour("huge-body", "timeout")
def huge_body(conn):
    conn.sendall(head(length=1 << 40))
    block = b"z" * 65536
    end = time.monotonic() + 30
    while time.monotonic() < end:
        conn.sendall(block)
    return "close"


def read_request(conn):
    """The request's path, after reading its head (None: no request)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return None
        data += chunk
        if len(data) > 65536:
            return None
    line = data.split(b"\r\n", 1)[0].decode("latin-1").split()
    return line[1] if len(line) >= 2 else None


def serve(conn):
    try:
        while True:                          # keep-alive until a behaviour closes
            path = read_request(conn)
            if path is None:
                return
            name = path.lstrip("/").split("?")[0]
            if name not in BEHAVIOURS:
                conn.sendall(head("404 Not Found", 0))
                continue
            how = BEHAVIOURS[name][1](conn)
            if how == "reset":
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                b"\1\0\0\0\0\0\0\0")   # l_onoff 1, l_linger 0: RST
                return
            if how == "close":
                return
    except OSError:
        return                               # the client gave up first: fine
    finally:
        conn.close()


def main():
    if sys.argv[1:] == ["--list"]:
        for name, (klass, _) in BEHAVIOURS.items():
            print(name, klass)
        return 0
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(128)
    print("misbehave listening on http://127.0.0.1:%d" % srv.getsockname()[1], flush=True)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
