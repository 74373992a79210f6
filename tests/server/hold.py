#!/usr/bin/python3
"""hold.py HOST PORT N SECONDS - open N connections to HOST:PORT, send each
the first part of a request (never the blank line that ends it), print
"holding K" once K of them are open, keep them open for at most SECONDS,
and print how many the server closed meanwhile. The slowloris shape that
took every descriptor of fetchlab-server before it had a header timeout
and a connection cap."""
import resource
import select
import socket
import sys
import time

host, port, n, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
n = min(n, hard - 32)
socks = []
for i in range(n):
    try:
        s = socket.create_connection((host, port), timeout=5)
        s.sendall(b"GET /fetch?id=%d HTTP/1.1\r\nHost: flood\r\n" % i)
        s.setblocking(False)
        socks.append(s)
    except OSError:
        break   # the server (or the kernel) said no: hold what we have
print("holding %d" % len(socks), flush=True)

closed = 0
end = time.monotonic() + seconds
ep = select.epoll()
for s in socks:
    ep.register(s.fileno(), select.EPOLLIN | select.EPOLLRDHUP)
while closed < len(socks) and time.monotonic() < end:
    for fd, ev in ep.poll(0.2):
        ep.unregister(fd)
        closed += 1
print("closed by the server %d of %d" % (closed, len(socks)), flush=True)
