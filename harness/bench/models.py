"""models.py - the models suite: fetch-* against the Python peers.

Every contender runs at three points, alternating (round 1: all of them,
round 2: all of them, ...) against one embedded server pinned to its own
CPU; then each row compares two contenders' medians:
  throughput   zero delay, C = 100, with the CPU per request of the same
               runs under it (and instructions per request for coroutine /
               eventloop, harness/bench/instructions.sh)
  efficiency   throughput x delay / C at 50 ms and C = 1000
  memory       per request in flight: (peak RSS at C = 1000 - peak RSS at
               C = 1) / 999, the same N at both points (the C = 1 runs use
               zero delay: the RSS of a one-at-a-time run does not depend
               on how long each one waits)
"""
import math
import sys

import children
from table import NONE, RATIO_MAX, RATIO_MIN

# The contenders: ours first, then the peers.
CONTENDERS = ("eventloop", "coroutine", "threads", "python-asyncio", "python-threads",
              "python-asyncio --uvloop")

# The rows: the figure, ours against theirs, the target.
ROWS = (
    ("throughput", "eventloop", "python-asyncio", RATIO_MIN, 8),
    ("throughput", "coroutine", "python-asyncio", NONE, 0),
    ("throughput", "coroutine", "eventloop", RATIO_MIN, 0.95),
    ("throughput", "threads", "python-threads", RATIO_MIN, 3),
    ("throughput", "python-asyncio --uvloop", "python-asyncio", NONE, 0),
    ("efficiency", "eventloop", "python-asyncio", NONE, 0),
    ("efficiency", "coroutine", "python-asyncio", NONE, 0),
    ("efficiency", "threads", "python-threads", NONE, 0),
    ("efficiency", "python-asyncio --uvloop", "python-asyncio", NONE, 0),
    ("memory", "eventloop", "python-asyncio", RATIO_MAX, 0.25),
    ("memory", "coroutine", "python-asyncio", RATIO_MAX, 0.25),
    ("memory", "threads", "python-threads", NONE, 0),
)
LABEL = {
    "throughput": "throughput, 0 ms, C=100",
    "efficiency": "efficiency, 50 ms, C=1000",
    "memory": "memory per request in flight, C=1000",
}
UNIT = {"throughput": "req/s", "efficiency": "%", "memory": "KiB"}
DELAY_S, C_BIG = 0.05, 1000   # the efficiency and memory point

# On two shared vCPUs throughput swings with where the scheduler puts
# client and server, while the CPU a request costs does not: when either
# side's wall-clock repeats spread by more than this, a throughput row's
# verdict is its CPU row's.
NOISY = 0.10


def points(b):
    """The three workloads: name -> (N, C, delay). N is the same at both
    memory points, so the records weigh alike."""
    n_zero, n_mem = (1000, 1000) if b.quick else (5000, 3000)
    return {"zero": (n_zero, 100, "0"), "delay": (n_mem, C_BIG, "50ms"),
            "one": (n_mem, 1, "0")}


class Contender:
    """What one model measured at each point, and whether it can run."""

    def __init__(self, name):
        self.name = name
        self.skip = ""             # "" when it runs; else why not
        self.startup_cpu_s = 0     # CPU of the one-request probe
        self.rps = {}              # point -> throughput_rps of each run
        self.cpu = {}              # point -> CPU us per request, start-up off
        self.rss = {}              # point -> peak RSS of each run, KiB (its summary's)


def run_once(b, m, url, point, n, c, delay):
    """Run contender M once at POINT, keeping its throughput, CPU per
    request and peak RSS. On a failure, a line saying what failed, and
    m.skip set (counted: the exit status is 1)."""
    args = ["-n", str(n), "-c", str(c), "--delay", delay, "--size", "1k", "--json"]
    rc, summary = children.run_model(b, m.name, url, args)
    rps, ok = children.number(summary, "throughput_rps"), children.number(summary, "ok")
    rss = children.number(summary, "peak_rss_kib")
    if rc != 0 or rps is None or rss is None or ok != n:
        print("fetchlab bench: %s -n %d -c %d --delay %s failed (exit status %d, %s "
              "requests ok); try: fetchlab run %s -n %d -c %d --delay %s"
              % (m.name, n, c, delay, rc, "not all" if ok is not None else "no summary",
                 m.name, n, c, delay), file=sys.stderr)
        m.skip = "failed: %s exit status %d, see the line on stderr" % (m.name, rc)
        b.failed += 1
        return
    cpu = (children.cpu_seconds(summary) - m.startup_cpu_s) / n * 1e6
    m.rps.setdefault(point, []).append(rps)
    m.cpu.setdefault(point, []).append(cpu)
    m.rss.setdefault(point, []).append(rss)
    print("bench: %-14s -n %d -c %-4d --delay %-4s %8.0f req/s, %6.1f us CPU/request, "
          "peak RSS %6.0f KiB" % (m.name, n, c, delay, rps, cpu, rss), file=sys.stderr)


def figure(m, what):
    """The figure row kind WHAT compares, from contender M's medians."""
    if m.skip:
        return math.nan
    if what == "throughput":
        return children.median(m.rps.get("zero", []))
    if what == "cpu":
        return children.median(m.cpu.get("zero", []))
    if what == "efficiency":
        return children.median(m.rps.get("delay", [])) * DELAY_S / C_BIG * 100
    # memory
    return (children.median(m.rss.get("delay", [])) -
            children.median(m.rss.get("one", []))) / (C_BIG - 1)


def cpu_row(b, t, ours, theirs, goal, v):
    """Below throughput row T (target GOAL V), the same two contenders' CPU
    per request. CPU is a cost, so its target is the inverse (8x the
    throughput: at most 1/8 of the CPU); on noisy wall clocks (or with
    --by-cpu) T's verdict is this row's."""
    s = children.fmax(children.spread(ours.rps.get("zero", [])),
                      children.spread(theirs.rps.get("zero", [])))
    what = "  CPU per request: %s / %s" % (ours.name, theirs.name)
    if goal == RATIO_MIN:
        r = b.table.add_row(what, figure(ours, "cpu"), figure(theirs, "cpu"), "us",
                            RATIO_MAX, 1 / v)
    else:
        r = b.table.add_row(what, figure(ours, "cpu"), figure(theirs, "cpu"), "us", NONE, 0)
    if goal == RATIO_MIN and (s > NOISY or b.by_cpu):
        t.met = "%s by CPU (wall +/-%.0f%%)" % ("yes" if r.met.startswith("yes") else "no",
                                               100 * s)


def instructions_row(b, ours, v):
    """The instructions per request of OURS against eventloop's (C = 100,
    zero delay), counted by callgrind (harness/bench/instructions.sh): the
    figure no scheduler moves. Its target is the inverse of throughput
    target V, like the CPU row's."""
    what = "  instructions per request: %s / eventloop" % ours
    env = {"N_SMALL": str(200 if b.quick else 1000), "N_BIG": str(600 if b.quick else 3000)}
    script = children.run_script(b, "instructions.sh", env, [b.bindir, ours, "eventloop"])
    x, y = script.result("ir_" + ours), script.result("ir_eventloop")
    if script.status != 0 or math.isnan(x) or math.isnan(y):
        b.table.add_skip(what, children.script_reason(b, script), RATIO_MAX, 1 / v, "")
    else:
        b.table.add_row(what, x, y, "", RATIO_MAX, 1 / v)


def measure(b, contenders):
    """Every contender that can run, at each point, alternating."""
    with children.Server(b.bindir) as server:
        mask = children.get_ready(b, server, contenders, "the server")
        if mask is False:
            return
        for point, (n, c, delay) in points(b).items():
            for _ in range(b.rounds):
                for m in contenders:
                    if not m.skip:
                        run_once(b, m, server.url, point, n, c, delay)
    children.unpin(mask)


def run(b):
    """The models suite: measure, then a row (or three) per comparison."""
    contenders = {name: Contender(name) for name in CONTENDERS}
    measure(b, contenders.values())
    for what, a, z, goal, v in ROWS:
        ours, theirs = contenders[a], contenders[z]
        text = "%s: %s / %s" % (LABEL[what], a, z)
        if ours.skip or theirs.skip:
            m = ours if ours.skip else theirs
            b.table.add_skip(text, "%s (%s)" % (m.skip, m.name), goal, v, UNIT[what])
            continue
        t = b.table.add_row(text, figure(ours, what), figure(theirs, what), UNIT[what],
                            goal, v)
        if what == "throughput":
            cpu_row(b, t, ours, theirs, goal, v)
        if what == "throughput" and z == "eventloop":
            instructions_row(b, a, v)
