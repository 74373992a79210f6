"""tls.py - the tls suite: the servers over https, then what a connection
costs the clients.

The servers: fetchlab-server --tls against nginx (ssl) under wrk over
https, kept-alive and with a full handshake per connection
(harness/bench/tls.sh), each throughput row with the servers' CPU per
request under it. The clients: every concurrent model against one
fetchlab-server --tls, C = 100, zero delay, 1 KiB bodies, with
--connections reuse (twenty requests a connection) against fresh (a TCP
connection and a full handshake each), alternating.
"""
import sys

import children
from table import NONE, RATIO_MAX, RATIO_MIN

# The servers' rows: tls.sh's key, the throughput row, its CPU row.
KINDS = (
    ("keep", "https server, kept-alive, 64 B: fetchlab-server / nginx",
     "  server CPU per request, kept-alive: fetchlab-server / nginx"),
    ("fresh", "https server, fresh connections, full handshakes: fetchlab-server / nginx",
     "  server CPU per handshake: fetchlab-server / nginx"),
)

# One client core cannot load one server core over TLS: wrk spends more
# per request than the server (measured once, pinned, on 2 busy vCPUs:
# kept-alive 38 us against 20, a fresh connection 1.2-1.4 ms against
# 0.5-0.6). When neither server reached this share of its core (percent),
# the runs measured wrk, and the verdict is the CPU row's.
SATURATED = 90

MODELS = ("eventloop", "coroutine", "threads", "offload", "python-asyncio", "python-threads")
MODES = ("reuse", "fresh")


def server_figure(script, side, kind, name):
    """tls.sh's median NAME (rps, cpu_us, cpu_pct: the server's share of one
    core) of SIDE (ours, nginx) for KIND (keep, fresh)."""
    return script.result("%s_%s_%s" % (side, kind, name))


def server_rows(b):
    """The servers' four rows, from tls.sh."""
    env = {"ROUNDS": str(b.long_rounds)}
    script = children.run_script(b, "tls.sh", env, [b.bindir, "2s" if b.quick else "5s"])
    why = children.script_reason(b, script) if script.status != 0 \
        else script.skips.get("nginx", "")
    for kind, what, cpu_what in KINDS:
        reason = why
        resumed = script.result("nginx_resumed")
        if not reason and kind == "fresh" and resumed != 0:   # nan too: no check ran
            b.failed += 1
            reason = "failed: wrk resumed %.0f of %.0f handshakes (see tls.sh's " \
                     "check line)" % (resumed, script.result("nginx_handshakes"))
        if reason:
            b.table.add_skip(what, reason, RATIO_MIN, 0.8, "")
            b.table.add_skip(cpu_what, reason, RATIO_MAX, 1.25, "")
            continue
        t = b.table.add_row(what, server_figure(script, "ours", kind, "rps"),
                            server_figure(script, "nginx", kind, "rps"), "req/s",
                            RATIO_MIN, 0.8)
        c = b.table.add_row(cpu_what, server_figure(script, "ours", kind, "cpu_us"),
                            server_figure(script, "nginx", kind, "cpu_us"), "us",
                            RATIO_MAX, 1.25)
        ours = server_figure(script, "ours", kind, "cpu_pct")
        nginx = server_figure(script, "nginx", kind, "cpu_pct")
        if children.fmax(ours, nginx) < SATURATED or b.by_cpu:
            t.met = "%s by CPU (servers at %.0f%%, %.0f%%)" % (
                "yes" if c.met.startswith("yes") else "no", ours, nginx)


class Client:
    """One model's runs: mode -> the figure of each run."""

    def __init__(self, name):
        self.name = name
        self.skip = ""             # "" when it runs; else why not
        self.startup_cpu_s = 0     # CPU of the one-request probe
        self.rps = {mode: [] for mode in MODES}
        self.cpu = {mode: [] for mode in MODES}    # us per request, start-up off
        self.full = {mode: [] for mode in MODES}   # full handshakes / requests


def conn_run(b, m, server, mode, n):
    """Run client M once with --connections MODE over the https SERVER, N
    requests; keep its throughput, CPU and full handshakes per request. A
    fresh run must make a full handshake per request and resume none. On
    a failure, a line saying what failed, and m.skip set (counted)."""
    args = ["-n", str(n), "-c", "100", "--delay", "0", "--size", "1k",
            "--ca", server.ca, "--connections", mode, "--json"]
    rc, summary = children.run_model(b, m.name, server.url, args)
    rps, ok = children.number(summary, "throughput_rps"), children.number(summary, "ok")
    full, resumed = children.number(summary, "tls_full"), children.number(summary, "tls_resumed")
    if rc != 0 or None in (rps, ok, full, resumed) or ok != n or \
            (mode == "fresh" and (full != n or resumed != 0)):
        print("fetchlab bench: %s -n %d -c 100 --delay 0 --connections %s over https "
              "failed (exit status %d, %s); try: fetchlab run %s --tls -n %d -c 100 "
              "--delay 0 --connections %s"
              % (m.name, n, mode, rc, "no summary" if full is None else
                 "not all ok, or fresh handshakes != requests", m.name, n, mode),
              file=sys.stderr)
        m.skip = "failed: %s --connections %s, see the line on stderr" % (m.name, mode)
        b.failed += 1
        return
    cpu = (children.cpu_seconds(summary) - m.startup_cpu_s) / n * 1e6
    m.rps[mode].append(rps)
    m.cpu[mode].append(cpu)
    m.full[mode].append(full / n)
    print("bench: %-14s https -n %-4d -c 100 --connections %s %7.0f req/s, %7.1f us "
          "CPU/request, %4.0f full handshakes, %.0f resumed"
          % (m.name, n, mode, rps, cpu, full, resumed), file=sys.stderr)


def measure_clients(b, clients):
    """Every client that can run, reuse and fresh, alternating."""
    n = {"reuse": 400 if b.quick else 2000, "fresh": 200 if b.quick else 600}
    with children.Server(b.bindir, tls=True) as server:
        mask = children.get_ready(b, server, clients, "fetchlab-server --tls")
        if mask is False:
            return
        for _ in range(b.long_rounds):
            for m in clients:
                for mode in MODES:
                    if not m.skip:
                        conn_run(b, m, server, mode, n[mode])
    children.unpin(mask)


def connection_rows(b):
    """Per model: throughput, CPU and full handshakes per request, fresh
    against reuse."""
    clients = [Client(name) for name in MODELS]
    measure_clients(b, clients)
    for m in clients:
        who = "https C=100 0 ms, fresh / reuse: " + m.name
        for what, runs, unit in ((who, m.rps, "req/s"),
                                 ("  CPU per request, " + who, m.cpu, "us"),
                                 ("  full handshakes per request, " + who, m.full, "")):
            if m.skip:
                b.table.add_skip(what, m.skip, NONE, 0, "")
            else:
                b.table.add_row(what, children.median(runs["fresh"]),
                                children.median(runs["reuse"]), unit, NONE, 0)


def run(b):
    """The tls suite: the servers, then the clients."""
    server_rows(b)
    connection_rows(b)
