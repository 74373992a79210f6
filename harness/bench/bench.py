#!/usr/bin/python3
"""bench.py BINDIR SRCDIR [OPTION...] [SUITE...] - `fetchlab bench`: our
models, server and coroutines against their references (the Python peers,
the curl tool, nginx), as one table of ratios with their targets.

The driver runs this with BINDIR (its own directory: the server and the
model executables), SRCDIR (the source tree: the peers and these scripts)
and the machine it runs on in $FETCHLAB_MACHINE (a "NAME: VALUE" line per
item, with the libcurl and libuv the models are linked with).

Every ratio is measured side by side in the same run: the runs of both
sides alternate (A B A B A B) and each side's median is taken, so the load
of a shared machine falls on both alike. The table goes to stdout and,
with the machine it was measured on, to --out (Markdown).

The suites, a module each:
  models   fetch-* against harness/peers/python-*: throughput at zero delay
           and C = 100, with CPU per request under it (and instructions per
           request for coroutine / eventloop, harness/bench/instructions.sh);
           efficiency (throughput x delay / C) at 50 ms and C = 1000;
           marginal memory per in-flight request, (peak RSS at C = 1000 -
           peak RSS at C = 1) / 999, the same N at both points (the C = 1
           runs use zero delay: the RSS of a one-at-a-time run does not
           depend on how long each one waits)
  curl     fetch-eventloop against curl --parallel:
           harness/bench/eventloop_vs_curl.sh
  loop     fetch-eventloop's efficiency at the two points of its targets
           (C = 1000 at 50 ms, C = 10,000 at 1 s), wrk beside it for the
           same time: harness/bench/efficiency.sh (about 5 minutes)
  server   fetchlab-server against nginx under wrk: harness/bench/server.sh
  tls      fetchlab-server --tls against nginx (ssl) under wrk over https,
           kept-alive and with a full handshake per connection:
           harness/bench/tls.sh; then what a connection costs the clients:
           every concurrent model at C = 100, zero delay, over https,
           --connections fresh against reuse (about 3 minutes)
  coro     the coroutine switch, asm against ucontext backend
  cpuwork  concurrency is not parallelism: CPU work per response (--work
           500us, C = 100, 5 ms), the models that spread it over the cores
           against the event loop that cannot, the Python peers under the
           GIL, and each model's CPU per request against the work asked:
           harness/bench/cpuwork.sh (about 3 minutes)
The scripts print "RESULT KEY VALUE" and "SKIP KEY REASON" lines, which
are parsed here; everything else they print is passed on to stderr.

A reference that cannot run here (no aiohttp, curl, wrk, nginx) makes its
rows say "skipped: REASON"; that is not an error. A run that fails is: its
rows say so and the exit status is 1.
"""
import errno
import os
import signal
import subprocess
import sys
import time

import coro
import cpuwork
import curl
import loop
import models
import server
import tls
from table import Table

SUITES = {"models": models, "curl": curl, "loop": loop, "server": server,
          "tls": tls, "coro": coro, "cpuwork": cpuwork}
ROUNDS = 5          # runs per side; noise on a shared machine needs them
LONG_ROUNDS = 3     # the same for the suites of long runs: server.sh's runs
                    # last 5-10 s each, 3 keep it near 2 min
LONG_SUITES = ("server", "tls", "cpuwork")
OPTIONS = ("quick", "by-cpu", "out", "help")

USAGE = """\
usage: fetchlab bench [options] [SUITE...]
Measure ours against the references side by side (alternating runs,
medians of 5) and print one table of ratios with their targets.
SUITEs (default: all):
  models   eventloop, coroutine, threads vs python-asyncio, python-threads:
           throughput, CPU and instructions per request, memory
           (about 1 minute)
  curl     eventloop vs curl --parallel --parallel-max 100
  loop     eventloop's efficiency at C=1000 and C=10000, wrk beside it
           (about 5 minutes)
  server   fetchlab-server vs nginx under wrk (about 2 minutes)
  tls      fetchlab-server --tls vs nginx (ssl) under wrk, kept-alive and
           full handshakes; every model over https, connections fresh
           vs reused (about 3 minutes)
  coro     coroutine switch cost, asm vs ucontext backend
  cpuwork  500 us of CPU work per response: offload, threads, two loops
           vs eventloop; the Python peers under the GIL (about 3 minutes)
  --quick      one run per side and small workloads (a smoke test)
  --by-cpu     judge every throughput ratio by CPU per request (by
               default only where the repeats spread by more than 10%)
  --out FILE   the Markdown report (default results/bench.md under
               $FETCHLAB_ROOT, else ./results/bench.md)
"""

HEADER = (
    "# fetchlab bench\n\nProduced by `fetchlab bench` (harness/bench/bench.py), a "
    "section per suite. Each ratio is ours / theirs, both measured in the same run "
    "with their runs alternating, the median of each side's runs. Efficiency is "
    "throughput x delay / C, over runs of the same length for both sides (the models "
    "and loop suites run the server on the last CPU, the clients on the others); "
    "memory per request is (peak RSS at C=1000, 50 ms - peak RSS at C=1, 0 ms) / 999 "
    "with the same N at both. Under each throughput ratio, the CPU per request of the "
    "same runs (start-up subtracted; its target the inverse) and, for two C models, "
    "instructions per request (callgrind); where either side's throughput repeats "
    "spread by more than 10%, the verdict is the CPU row's (\"by CPU\").\n")


class UsageError(Exception):
    """A bad command line; the message is its one line."""


class Bench:
    """One `fetchlab bench`: its options, where things are, what it found."""

    def __init__(self, bindir, src):
        self.bindir = bindir    # the server and the model executables
        self.src = src          # the source tree: the peers, these scripts
        self.quick = False      # one round, small N: a smoke test
        self.by_cpu = False     # judge throughput by CPU per request, always
        self.rounds = ROUNDS    # runs per side; the median is taken
        self.long_rounds = LONG_ROUNDS   # the same in LONG_SUITES
        self.out = os.path.join(os.environ.get("FETCHLAB_ROOT", ""), "results", "bench.md")
        self.suites = []        # the names of the suites to run, in SUITES order
        self.table = Table()
        self.failed = 0         # runs that failed: exit status 1


def bad_option(arg):
    """The error for option ARG: unknown, or its value missing."""
    return UsageError("%s: unknown option or missing value; see fetchlab bench --help"
                      % arg)


def long_option(arg):
    """The option --ARG names (a unique prefix will do, as with getopt),
    and the value given with "=", or None."""
    name, eq, value = arg[2:].partition("=")
    matches = [o for o in OPTIONS if o == name] or \
        [o for o in OPTIONS if o.startswith(name)]
    if len(matches) != 1 or (eq and matches[0] != "out"):
        raise bad_option(arg)
    return matches[0], value if eq else None


def parse_options(b, args):
    """Read the options and suites of ARGS into B, in any order ("--" ends
    the options). Returns False after --help; raises UsageError."""
    suites = set()
    args = list(args)
    while args:
        arg = args.pop(0)
        if arg == "--":
            suites.update(suite_name(a) for a in args)
            break
        if arg == "-" or not arg.startswith("-"):
            suites.add(suite_name(arg))
            continue
        if arg == "-h":
            arg = "--help"
        if not arg.startswith("--"):
            raise bad_option(arg)
        name, value = long_option(arg)
        if name == "help":
            sys.stdout.write(USAGE)
            return False
        elif name == "quick":
            b.quick = True
        elif name == "by-cpu":
            b.by_cpu = True
        else:   # --out FILE, or --out=FILE
            if value is None and not args:
                raise bad_option(arg)
            b.out = args.pop(0) if value is None else value
    b.suites = [s for s in SUITES if s in suites] or list(SUITES)
    b.rounds = 1 if b.quick else ROUNDS
    b.long_rounds = min(b.rounds, LONG_ROUNDS)
    return True


def suite_name(arg):
    """ARG, a suite's name; raises UsageError for any other word."""
    if arg not in SUITES:
        raise UsageError("'%s': unknown suite; the suites are %s"
                         % (arg, ", ".join(SUITES)))
    return arg


def check_out_dir(path):
    """Raise UsageError unless the directory of PATH is writable, creating
    it (one level, like ./results) when missing: before minutes of
    measuring."""
    directory = os.path.dirname(path) or "."
    try:
        os.mkdir(directory)
    except FileExistsError:
        pass
    except OSError as e:
        raise UsageError("--out %s: its directory is not writable (%s); give a "
                         "writable file" % (path, e.strerror))
    if not os.access(directory, os.W_OK):
        raise UsageError("--out %s: its directory is not writable (%s); give a "
                         "writable file" % (path, os.strerror(errno.EACCES)))


def load_average():
    """The 1, 5 and 15 minute load averages, or "unknown"."""
    try:
        with open("/proc/loadavg") as f:
            return "%.2f %.2f %.2f" % tuple(float(v) for v in f.read().split()[:3])
    except (OSError, ValueError, TypeError):
        return "unknown"


def git_describe(src):
    """`git describe --always --dirty` of the source tree, or "unknown"."""
    try:
        out = subprocess.run(["git", "-C", src, "describe", "--always", "--dirty"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True).stdout
    except OSError:
        out = ""
    return out.partition("\n")[0] or "unknown"


def old_section(text, name):
    """The section of suite NAME in the report TEXT ("## NAME" up to the
    next "## " heading), without its blank last line; None when there is
    none."""
    start = text.find("\n## %s\n" % name)
    if start < 0:
        return None
    end = text.find("\n## ", start + 4)
    section = text[start + 1:] if end < 0 else text[start + 1:end + 1]
    return section[:-1] if section.endswith("\n") else section


def section(b, name, args, started, load, git):
    """The report's section of suite NAME, run this time: when (STARTED, the
    load average LOAD) and how (ARGS, at commit GIT) it was measured, then
    its table."""
    rounds = b.long_rounds if name in LONG_SUITES else b.rounds
    return ("## %s\n\nMeasured %s by `fetchlab %s` at git %s, the median of %d runs "
            "per side%s; load average at start %s.\n\n%s"
            % (name, started, " ".join(["bench"] + args), git, rounds,
               " (--quick: a smoke test, not a measurement)" if b.quick else "", load,
               b.table.markdown(name)))


def write_report(b, args, started, load):
    """Write the report to b.out: a section per suite, then the machine. A
    suite not run this time keeps its section from the report already
    there, so `fetchlab bench cpuwork` refreshes its rows and leaves the
    others as they were. Written through a temporary file: a failed write
    leaves the old report. Returns 0, or 2 after a line naming --out."""
    try:
        with open(b.out) as f:
            old = f.read()
    except OSError:
        old = ""   # no report yet
    parts = [HEADER]
    git = git_describe(b.src)
    for name in SUITES:
        kept = old_section(old, name)
        if name in b.suites:
            parts.append(section(b, name, args, started, load, git))
        elif kept is not None:
            parts.append(kept)
    machine = "".join("- %s\n" % line
                      for line in os.environ.get("FETCHLAB_MACHINE", "").splitlines())
    parts.append("## Machine\n\n- last run: %s\n%s" % (started, machine))
    tmp = b.out + ".tmp"
    try:
        with open(tmp, "w") as f:
            f.write("\n".join(parts))
        os.rename(tmp, b.out)
    except OSError as e:
        print("fetchlab bench: --out %s: cannot write it (%s); give a writable file"
              % (b.out, e.strerror), file=sys.stderr)
        if os.path.exists(tmp):
            os.unlink(tmp)
        return 2
    return 0


def stop(signum, frame):
    """SIGTERM and SIGHUP end the run as Ctrl-C does: the servers of the
    suite running are stopped on the way out."""
    raise KeyboardInterrupt


def main(argv):
    """Parse, measure each suite, print the table, write the report.
    Returns the exit status: 0; 1 when a run failed; 2 for a bad command
    line or an --out that cannot be written; 130 when interrupted."""
    if len(argv) < 3:
        print("usage: bench.py BINDIR SRCDIR [OPTION...] [SUITE...] (run it as "
              "fetchlab bench)", file=sys.stderr)
        return 2
    b = Bench(argv[1], argv[2])
    args = argv[3:]
    try:
        if not parse_options(b, args):
            return 0
        check_out_dir(b.out)
    except UsageError as e:
        print("fetchlab bench: %s" % e, file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    started = time.strftime("%Y-%m-%d %H:%M:%S %z")
    load = load_average()
    try:
        for name in b.suites:
            b.table.suite = name
            SUITES[name].run(b)
    except KeyboardInterrupt:
        print("fetchlab bench: interrupted; %s left as it was" % b.out, file=sys.stderr)
        return 130
    sys.stdout.write(b.table.markdown())
    sys.stdout.flush()
    rc = write_report(b, args, started, load)
    if rc == 0:
        print("fetchlab bench: wrote %s" % b.out, file=sys.stderr)
    return rc or (1 if b.failed else 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
