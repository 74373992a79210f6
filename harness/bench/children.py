"""children.py - what `fetchlab bench` starts: the embedded server, one run
of a model (its JSON summary), the scripts of harness/bench; and the
figures taken from repeats (median, spread).
"""
import json
import math
import os
import re
import signal
import subprocess
import sys
import tempfile

SKIP = 77   # a peer or a script that cannot run here exits with this

LISTENING = re.compile(r"fetchlab-server listening on (\S+)(?: ca (.+))?$")


def median(values):
    """The middle value of VALUES, or the mean of the middle two; nan when
    there are none."""
    v = sorted(values)
    n = len(v)
    if n == 0:
        return math.nan
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def spread(values):
    """max / min - 1 of VALUES: how far apart the repeats of one figure
    are; nan when there are none (or one is not above zero)."""
    if not values or min(values) <= 0:
        return math.nan
    return max(values) / min(values) - 1


def fmax(a, b):
    """The larger of A and B, the one that is a number when the other is
    nan (nan only when both are)."""
    if math.isnan(a):
        return b
    if math.isnan(b):
        return a
    return max(a, b)


def shell_status(code):
    """An exit code as Python gives it (-N: ended by signal N) as the shell
    says it: the exit code, or 128 + N."""
    return code if code >= 0 else 128 - code


# ---- the embedded server ----

class Server:
    """fetchlab-server on an ephemeral loopback port (with TLS: https, and
    the CA its clients verify it by), in a process group of its own so the
    terminal's Ctrl-C reaches the models, not the server they talk to.
    Use it in a with statement: it is stopped however the block ends."""

    def __init__(self, bindir, tls=False):
        self.path = os.path.join(bindir, "fetchlab-server")
        self.tls = tls
        self.proc = None
        self.url = None
        self.ca = None

    def __enter__(self):
        """Start it and read its one line. Returns self, with url None after
        a line saying why it did not start."""
        argv = [self.path, "--port", "0"] + (["--tls"] if self.tls else [])
        try:
            self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True,
                                         start_new_session=True)
        except OSError as e:
            print("fetchlab: cannot start %s: %s" % (self.path, e.strerror), file=sys.stderr)
            return self
        # "fetchlab-server listening on URL", then " ca FILE" with --tls
        m = LISTENING.match(self.proc.stdout.readline())
        if m and (m.group(2) is not None) == self.tls:
            self.url, self.ca = m.group(1), m.group(2)
        else:
            print("fetchlab: the embedded server did not start (%s); try: %s --port 0"
                  % (self.path, self.path), file=sys.stderr)
            self.stop()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        """SIGTERM to its group, and wait for it."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        self.proc.wait()
        self.proc.stdout.close()
        self.proc = None


def pin_apart(server):
    """Pin SERVER (a running Server) to the last CPU we may use, and this
    process, so every model it starts from now on, to the others: client
    and server no longer trade places on a small machine. Returns our old
    CPU set, for unpin; None (nothing pinned) with fewer than two CPUs."""
    old = os.sched_getaffinity(0)
    if len(old) < 2:
        return None
    last = max(old)
    try:
        os.sched_setaffinity(server.proc.pid, {last})
    except OSError:
        return None
    try:
        os.sched_setaffinity(0, old - {last})
    except OSError:
        os.sched_setaffinity(server.proc.pid, old)
        return None
    print("bench: server pinned to CPU %d, the models to the rest" % last, file=sys.stderr)
    return old


def unpin(old):
    """Undo pin_apart for this process (OLD: what it returned)."""
    if old is not None:
        os.sched_setaffinity(0, old)


# ---- one run of a model ----

def model_path(b, name):
    """The executable of model NAME: fetch-NAME beside the driver, else the
    peer script harness/peers/NAME.py; None when neither is there."""
    if not name or name.startswith(".") or "/" in name:
        return None
    for path in (os.path.join(b.bindir, "fetch-" + name),
                 os.path.join(b.src, "harness", "peers", name + ".py")):
        if os.access(path, os.X_OK):
            return path
    return None


def run_model(b, model, url, args, err=None):
    """Run MODEL ("NAME", or "NAME OPTION": python-asyncio --uvloop) with
    ARGS against the server at URL, its stderr to the file ERR (None:
    ours). Returns (status, its JSON summary or None): the exit status of
    `fetchlab run` (SKIP for a peer that cannot run here), or -1 when the
    model is not there.

    It runs as a child of the driver (`fetchlab run`), not of this script:
    a child of Python starts with Python's resident set (fork copies it,
    exec keeps its high-water mark; 13 MB here, above a C model's 11 MB at
    C = 1), so its peak RSS would not be its own. The driver is small, and
    the summary's peak_rss_kib is then the model's."""
    name, _, option = model.partition(" ")
    if model_path(b, name) is None:
        return -1, None
    argv = [os.path.join(b.bindir, "fetchlab-cli"), "run", name] + \
        ([option] if option else []) + list(args) + ["--server", url]
    sys.stderr.flush()
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=err, text=True,
                          errors="replace")
    try:
        summary = json.loads(proc.stdout)
    except ValueError:
        summary = None
    return shell_status(proc.returncode), summary if isinstance(summary, dict) else None


def number(summary, key):
    """The number at KEY of a run's JSON SUMMARY, or None."""
    v = summary.get(key) if summary else None
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def cpu_seconds(summary):
    """The CPU seconds (user + system) a run's summary reports, 0 without
    them."""
    user, sys_ = number(summary, "cpu_user_s"), number(summary, "cpu_sys_s")
    return 0 if user is None or sys_ is None else user + sys_


def last_line(f):
    """The last line of the file F that is not blank."""
    f.seek(0)
    lines = [line.rstrip("\n") for line in f if line.strip()]
    return lines[-1] if lines else ""


def get_ready(b, server, contenders, what):
    """Before a suite's runs on SERVER (WHAT names it): pin it apart (see
    pin_apart) and probe every contender, setting its skip and its
    startup_cpu_s. Returns the CPU set to unpin; False when the server did
    not start (the run failed, every contender skipped)."""
    if server.url is None:
        b.failed += 1
        for m in contenders:
            m.skip = "failed: %s did not start" % what
        return False
    mask = pin_apart(server)
    for m in contenders:
        m.skip, m.startup_cpu_s = probe(b, m.name, server.url, server.ca)
    return mask


def probe(b, model, url, ca=None):
    """Run MODEL once on one request with its stderr kept, to learn whether
    it can run here; with CA (an https URL) with --ca CA --connections
    fresh. Returns (why, the CPU seconds it took): why is "" when it runs,
    else "skipped: REASON" (a peer's own line, a peer without those
    options, a model not built) or "failed: ..." (counted: the exit status
    is 1), after a line saying so."""
    args = ["-n", "1", "-c", "1", "--delay", "0", "--json"]
    if ca:
        args += ["--ca", ca, "--connections", "fresh"]
    with tempfile.TemporaryFile("w+", errors="replace") as err:
        rc, summary = run_model(b, model, url, args, err)
        last = last_line(err)
    if rc == 0:
        return "", cpu_seconds(summary)
    if rc == SKIP:   # "python-asyncio: skipped: REASON"
        _, found, reason = last.partition("skipped: ")
        why = "skipped: " + (reason if found else last)
    elif rc == -1:
        why = "skipped: %s/fetch-%s is not built" % (b.bindir, model)
    elif rc == 2 and ca and model.startswith("python-"):
        print("bench: %s over https: %s" % (model, last), file=sys.stderr)
        why = "skipped: this peer takes no --ca, --connections yet"
    else:
        why = "failed: exit status %d (try: fetchlab run %s -n 1)" % (rc, model)
        b.failed += 1
    print("bench: %s: %s" % (model, why), file=sys.stderr)
    return why, cpu_seconds(summary)


# ---- the scripts of harness/bench ----

class Script:
    """What a script of harness/bench said: its exit status, its
    "RESULT KEY VALUE" lines, and the reasons of its "SKIP KEY REASON"
    lines ("skipped: REASON", by KEY; "all" when nothing could run)."""

    def __init__(self, name, status, results, skips):
        self.name, self.status = name, status
        self.results, self.skips = results, skips

    def result(self, key):
        """The value of RESULT KEY, or nan."""
        return self.results.get(key, math.nan)


def run_script(b, name, env, args):
    """Run the bench script NAME (harness/bench) with the variables ENV and
    ARGS, passing its human lines on to stderr (indented) and keeping its
    RESULT and SKIP lines. Returns a Script."""
    print("bench: %s (%s)" % (name, " ".join("%s=%s" % kv for kv in env.items())),
          file=sys.stderr, flush=True)
    argv = ["bash", os.path.join(b.src, "harness", "bench", name)] + args
    results, skips = {}, {}
    try:
        proc = subprocess.Popen(argv, env=dict(os.environ, **env), text=True,
                                errors="replace", stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
    except OSError as e:
        print("fetchlab bench: cannot run %s: %s" % (" ".join(argv), e.strerror),
              file=sys.stderr)
        return Script(name, -1, results, skips)
    with proc:
        for line in proc.stdout:
            line = line.rstrip("\n")
            words = line.split(None, 2)
            if len(words) == 3 and words[0] == "RESULT" and is_number(words[2]):
                results[words[1]] = float(words[2])
                continue
            if len(words) == 3 and words[0] == "SKIP":
                skips[words[1]] = "skipped: " + words[2]
            print("  " + line, file=sys.stderr, flush=True)
    return Script(name, shell_status(proc.returncode), results, skips)


def is_number(text):
    """Whether TEXT is a number float() reads."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def script_reason(b, script):
    """What the rows of SCRIPT say when it did not give its figures: its
    SKIP all reason, or the failure (counted: the exit status is 1)."""
    if script.status == SKIP and "all" in script.skips:
        return script.skips["all"]
    b.failed += 1
    return "failed: %s exit status %d, see its lines above" % (script.name, script.status)
