#!/usr/bin/python3
"""guides.py ROOT CLI [NN...] - the lab guides show what the labs print.

For each guide labs/NN-topic/README.md (00..08, or the NN given):

  paths   every file the guide's prose names (a word ending in .c, .h, .S,
          .md, .patch, .sh, .py, .svg, or one with a slash under a top
          directory of the repository) is a path from the repository root
          that exists; a student's file is labs/NN-topic/work/NAME, one that
          `lab start NN` writes; `tests/labs/broken/03-*.patch` must match
          a file; absolute /tmp/... paths are a command's output and are
          left alone. Link targets are relative to the guide and must exist
          (a chart under results/charts/ may be missing if harness/plots/
          NAME.gp draws it: compare makes it).

  blocks  every fenced block without a language (```) is either output,
          marked by one or more comments just before it,

            <!-- you-will-see: BUILD; run: ./fetchlab COMMAND... -->

          or says it is not: <!-- not output: a diagram -->. BUILD is the
          lab's files the command runs on: `starter` (what `lab start`
          writes), `reference` (the reference model's files, as
          tests/labs/check.sh makes them) or `broken NAME.patch` (the
          reference with tests/labs/broken/NAME.patch applied). COMMAND is
          `lab check NN`, `lab run NN ...`, `lab start NN`, `run MODEL ...`
          or `compare ...`; `lab` commands get `--dir` a scratch copy, so
          the guide's /.../labs/NN-topic/work matches any prefix.

          The test runs the command and finds the block in what it printed:
          the block's lines, a `...` line skipping any number of lines, each
          run of lines matching consecutive output lines, in order. Text
          and spacing shape match literally (a run of blanks is any run of
          blanks); numbers match literally too (counts the workload fixes:
          `ok 40   errors 0`, `Score: 1/8`, `threads 51`) except the
          measured ones, which are named by where they stand (MEASURED
          below: wall, throughput, latencies, CPU, RSS, switches, a test's
          seconds, perf ratios, a pid) and match any number. A perf test's
          verdict and points are measured too (they depend on the load):
          in a block that shows one, the Score less the perf points (the
          correctness points) must equal the output's. Physics then
          bounds every run summary, in the output and in the block alike:
          latency from start >= the delay, the percentiles in order, from
          due >= from start, throughput <= C / delay (and the rate), and
          throughput x wall = ok.

The check proves itself: each block, once matched, is edited in a copy of
the guide (its first literal count changed) and must then fail, with the
guide, the block's line and the mismatching line named; the first such
failure is printed.

Exit 0 when every guide holds, 1 otherwise, one line per problem.
"""
import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

LABS = ["00", "01", "02", "03", "04", "05", "06", "07", "08"]
MARKER = re.compile(r"<!--\s*(you-will-see|not output)\s*:\s*(.*?)\s*-->", re.S)
FENCE = re.compile(r"^```(\S*)\s*$")
NUM = re.compile(r"(?<![\w.])\d+(?:\.\d+)?")
NUMBER = r"\d+(?:\.\d+)?"

# Measured spans: each group of each pattern is a measured figure; `fields:`
# marks a span of blank-separated fields (a compare row) each of which may be
# a number or '-'; `path:` a directory prefix that is the reader's own.
MEASURED = [
    r"wall (\S+) s +throughput (\S+) req/s",
    r"in flight: mean (\S+) over the (?:run|steady state), peak (\d+), of C",
    r"steady state (\S+) req/s, from (\S+) s \(every lane past its first request\) "
    r"to (\S+) s \(the last claim\)",
    r"where the time went \(ms, mean of the ok requests\): connect (\S+), TLS (\S+), "
    r"wait (\S+), transfer (\S+)",
    r"loop lag \(ms\) +p50 (\S+) +p99 (\S+) +max (\S+)",
    r"^ *from (?:start|due) +(.*)$",
    r"cpu user (\S+) s, sys (\S+) s +peak RSS (\S+) MiB +context switches (\d+) "
    r"voluntary, (\d+) involuntary",
    r" \((\d+\.\d)s\)",
    r"^ +(\d+) req/s vs the reference's (\d+): (\d+\.\d+)x",
    r"p99 (\S+) ms vs the reference's (\S+) ms \+ 2 ms: (\S+)x",
    # lab 08's perf test: medians of turns, and the speed-up over fresh
    # connections (its connection count stays literal: 1)
    r"^ +(\d+) req/s vs the reference's (\d+), medians of \d+ turns; yours / the "
    r"reference's in a turn: (\d+\.\d+)x at the median",
    r"--connections fresh\): (\d+) req/s; yours, with \d+ connections?, is (\S+)x that",
    r"loop lag p99 (\S+) ms vs eventloop's (\S+) ms",
    r"\(pid=(\d+)\)",
    r"done in (\S+) s, but",
    r"on_timer_change\((\d+)\)",
    r"left socket (\d+) watched",
    r"per response \(mean (\d+) us; a step takes (\S+) ns here\)",
    r"request (\d+) was taken off the loop at Ctrl-C",
    r"model bug: (\d+) of \d+ requests were reported with fl_done; every",
    r"records: (\d+) of \d+ requests started before",
    r"records: (\d+) rows for \d+ requests, (\d+) duplicated ids, (\d+) not ok",
]
FIELDS = re.compile(r"^(?:sync|threads|eventloop|coroutine|offload) +\d+ +(.*)$")
PATHS = [re.compile(r"(/\S*/)labs/\d\d-[\w-]+/work"),
         re.compile(r"charts in (/\S+) \(svg")]


# A perf test's verdict is measured (it depends on the machine's load), so
# are its points; a block that shows one matches any Score, and the block's
# Score less its perf points must equal the output's (scores_agree): the
# correctness points stay literal.
PERF = re.compile(r"^perf: .* (OK|FAIL) \(\d+\.\ds\) (\d+)/\d+$")
SCORE = re.compile(r"^Score: (\d+)/\d+$")


def line_regex(line, perf_block=False):
    """The regex an output line must match for the block's LINE (in a
    block that shows a perf test's line, if PERF_BLOCK)."""
    spans = []                                  # (a, b, kind)
    m = PERF.match(line)
    if m:
        spans += [(m.start(1), m.end(1), "verdict"), (m.start(2), m.end(2), "num")]
    m = SCORE.match(line)
    if m and perf_block:
        spans.append((m.start(1), m.end(1), "num"))
    for pat in MEASURED:
        for m in re.finditer(pat, line):
            for g in range(1, (m.lastindex or 0) + 1):
                spans.append((m.start(g), m.end(g), "num"))
    m = FIELDS.match(line)
    if m:
        spans.append((m.start(1), m.end(1), "fields"))
    for pat in PATHS:
        for m in pat.finditer(line):
            spans.append((m.start(1), m.end(1), "path"))
    spans.sort()
    out, pos = [], 0

    def literal(text, measured):
        parts, p = [], 0
        for m in NUM.finditer(text):
            parts.append(re.sub(r"\\ (\\ )+|\\ ", lambda s: " +" if len(s.group(0)) > 2 else " ",
                                re.escape(text[p:m.start()])))
            parts.append(NUMBER if measured else re.escape(m.group(0)))
            p = m.end()
        parts.append(re.sub(r"\\ (\\ )+|\\ ", lambda s: " +" if len(s.group(0)) > 2 else " ",
                            re.escape(text[p:])))
        return "".join(parts)

    for a, b, kind in spans:
        if a < pos:
            continue
        out.append(literal(line[pos:a], False))
        if kind == "num":
            out.append(literal(line[a:b], True))
        elif kind == "verdict":
            out.append("(?:OK|FAIL)")
        elif kind == "fields":   # a number, a percentage, (min..max) or '-'
            field = r"(?:-?%s%%?|\(%s\.\.%s\)|-)" % (NUMBER, NUMBER, NUMBER)
            out.append(" +".join(field for _ in line[a:b].split()))
            # ...and the flags a loaded machine adds to a row (compare's
            # "IN FLIGHT 84", "CLIENT-BOUND"): measured, not the guide's.
            out.append(r"(?: +[A-Z][A-Z-]*(?: [A-Z][A-Z-]*)*(?: \d+)?)*")
        else:
            out.append(r"\S*/" if kind == "path" and line[a:b].endswith("/") else r"\S+")
        pos = b
    out.append(literal(line[pos:], False))
    regex = "".join(out)
    # Leading blanks: as many as the block shows (the table's shape);
    # trailing blanks are nobody's business.
    return re.compile(regex.rstrip(" +").rstrip() + r"\s*")


def first_literal_number(line):
    """(start, end) of LINE's first number that is not measured, or None."""
    rx = line_regex(line, True)
    for m in NUM.finditer(line):
        edited = line[:m.start()] + str(int(float(m.group(0))) + 7) + line[m.end():]
        if not rx.fullmatch(edited):
            return m.span()
    return None


# ---- physics of a run summary ------------------------------------------------
HEAD = re.compile(r"^fetch-\w+: (\d+) requests, C=(\d+), delay (\d+)(us|ms|s), .*?, "
                  r"(closed loop|open loop at (\d+) req/s)")


def physics(lines, where, strict=True):
    """Problems with each run summary in LINES (fetchlab run's table); a
    block may be an excerpt (not STRICT): what it leaves out is not checked."""
    problems = []
    for i, line in enumerate(lines):
        m = HEAD.match(line)
        if not m:
            continue
        n, c = int(m.group(1)), int(m.group(2))
        delay = int(m.group(3)) * {"us": 1e-6, "ms": 1e-3, "s": 1.0}[m.group(4)]
        rate = float(m.group(6)) if m.group(6) else None
        part = []
        for p in lines[i + 1:i + 40]:
            if HEAD.match(p):
                break
            part.append(p)

        def find(rx):
            for p in part:
                mm = re.search(rx, p)
                if mm:
                    return mm
            return None
        got = {k: find(rx) for k, rx in (
            ("ok", r"^  ok (\d+) "), ("wall", r"wall (\S+) s +throughput (\S+) req/s"),
            ("start", r"^  from start +(.*)$"), ("due", r"^  from due +(.*)$"))}
        missing = [k for k, v in got.items() if v is None]
        if missing and strict:
            problems.append("%s: the run summary at '%s' has no %s line"
                            % (where, line, ", ".join(missing)))
            continue
        ok = int(got["ok"].group(1)) if got["ok"] else None
        if ok == 0:
            continue   # nothing ran (a starter): no latency to bound
        checks = []
        if got["start"]:
            start = [float(v) for v in got["start"].group(1).split()]
            checks += [
                (start[0] >= delay * 1e3 - 0.01, "latency from start %.2f ms < the delay"
                 % start[0]),
                (all(start[k] <= start[k + 1] + 0.01 for k in (0, 2, 3, 4, 5)) and
                 start[0] <= start[1] <= start[6] + 0.01, "latency percentiles out of order")]
            if got["due"]:
                due = [float(v) for v in got["due"].group(1).split()]
                checks.append((all(d >= s - 0.02 for s, d in zip(start, due)),
                               "from due < from start"))
        if got["wall"]:
            wall, x = map(float, got["wall"].groups())
            bound = c / delay
            if rate:
                bound = min(bound, rate * n / max(n - 1, 1))
            checks.append((x <= bound * 1.02, "throughput %.1f > the bound %.1f (C / delay%s)"
                           % (x, bound, ", rate" if rate else "")))
            if ok is not None:
                checks.append((abs(x * wall - ok) <= 0.02 * ok + 1,
                               "throughput x wall = %.1f, not ok %d" % (x * wall, ok)))
        problems += ["%s: %s (%s)" % (where, why, line) for good, why in checks if not good]
    return problems


# ---- matching ------------------------------------------------------------------
def find(block, out):
    """None when BLOCK's lines are found in OUT, else (block line index,
    the nearest output line or None)."""
    segments, seg = [], []
    for k, line in enumerate(block):
        if line.strip() == "...":
            segments.append(seg)
            seg = []
        else:
            seg.append((k, line_regex(line, any(PERF.match(b) for b in block))))
    segments.append(seg)
    cursor = 0
    for seg in segments:
        if not seg:
            continue
        best = (-1, None)
        for p in range(cursor, len(out) - len(seg) + 1):
            j = 0
            while j < len(seg) and seg[j][1].fullmatch(out[p + j]):
                j += 1
            if j == len(seg):
                cursor = p + j
                break
            if j > best[0]:
                best = (j, p)
        else:
            j, p = best
            if j <= 0:   # not even the first line: show the likeliest one
                word = block[seg[0][0]].split()[0] if block[seg[0][0]].split() else ""
                near = [o for o in out[cursor:] if o.split()[:1] == [word]]
                return seg[0][0], (near[0] if near else None)
            return seg[j][0], (out[p + j] if p + j < len(out) else None)
    return None


# ---- the guides ------------------------------------------------------------------
def parse(path):
    """[(marker list, fence line number, block lines)] and the markers' problems."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    lines = text.split("\n")
    blocks, problems, k = [], [], 0
    while k < len(lines):
        m = FENCE.match(lines[k])
        if not m:
            k += 1
            continue
        lang, start = m.group(1), k
        k += 1
        body = []
        while k < len(lines) and not lines[k].startswith("```"):
            body.append(lines[k])
            k += 1
        k += 1
        # the comments just before the fence (blank lines allowed)
        before = "\n".join(lines[max(0, start - 12):start])
        markers = []
        tail = before.rstrip()
        while tail.endswith("-->"):
            a = tail.rfind("<!--")
            mm = MARKER.fullmatch(tail[a:])
            if not mm:
                break
            markers.insert(0, (mm.group(1), mm.group(2)))
            tail = tail[:a].rstrip()
        if lang:
            continue
        if not markers:
            problems.append("%s:%d: a block with no language and no marker: mark it "
                            "<!-- you-will-see: BUILD; run: ./fetchlab ... --> or "
                            "<!-- not output: ... -->" % (path, start + 1))
            continue
        if markers[0][0] == "not output":
            continue
        blocks.append((markers, start + 1, body))
    return blocks, problems


class Runner:
    """Builds each lab version once and runs each command once."""

    def __init__(self, root, cli, tmp):
        self.root, self.cli, self.tmp = root, cli, tmp
        self.dirs, self.cache, self.n = {}, {}, 0

    def topic(self, lab):
        return os.path.basename(glob.glob(os.path.join(self.root, "labs", lab + "-*"))[0])

    def work(self, lab, build, fresh=False):
        key = (lab, build)
        if key in self.dirs and not fresh:
            return self.dirs[key]
        self.n += 1
        d = os.path.join(self.tmp, "v%d" % self.n, "labs", self.topic(lab), "work")
        os.makedirs(os.path.dirname(d))
        if fresh:
            return d
        subprocess.run([self.cli, "lab", "start", lab, "--dir", d], check=True,
                       stdout=subprocess.DEVNULL)
        if build != "starter":
            for f in glob.glob(os.path.join(d, "*.c")):
                ref = glob.glob(os.path.join(self.root, "impl-*", os.path.basename(f)))
                shutil.copy(ref[0], f)
            if lab == "00":
                shutil.copy(os.path.join(self.root, "tests/labs/answers-00.md"),
                            os.path.join(d, "answers.md"))
        if build.startswith("broken "):
            patch = os.path.join(self.root, "tests/labs/broken", build.split()[1])
            with open(patch) as f:
                subprocess.run(["patch", "-s", "-d", d, "-p2"], stdin=f, check=True)
        self.dirs[key] = d
        return d

    def run(self, build, command):
        """The output lines of COMMAND (after ./fetchlab) on BUILD."""
        words = shlex.split(command)
        if not words or words[0] != "./fetchlab":
            raise ValueError("the command must start with ./fetchlab")
        words = words[1:]
        if words[:1] == ["lab"] and len(words) >= 3 and words[1] in ("check", "run", "start"):
            lab = words[2]
            if build not in ("starter", "reference") and not build.startswith("broken "):
                raise ValueError("BUILD is starter, reference or broken NAME.patch")
            fresh = words[1] == "start"
            d = self.work(lab, build, fresh)
            argv = [self.cli] + words[:3] + ["--dir", d] + words[3:]
        elif words[:1] in (["run"], ["compare"]):
            if build != "reference":
                raise ValueError("`%s` runs the reference models: BUILD is reference" % words[0])
            argv = [self.cli] + words
            if "--out" in argv:   # compare writes there: ours
                k = argv.index("--out") + 1
                argv[k] = os.path.join(self.tmp, "out%d" % len(self.cache))
        else:
            raise ValueError("not a command the test runs: %s" % command)
        key = (build, command) if words[1:2] != ["start"] else None
        if key in self.cache:
            return self.cache[key]
        env = dict(os.environ, FETCHLAB_ROOT=self.root, TMPDIR=self.tmp)
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           env=env, timeout=180, text=True)
        out = p.stdout.split("\n")
        if key is not None:
            self.cache[key] = out
        return out


def check_blocks(path, runner, problems, proof):
    blocks, marks = parse(path)
    problems += marks
    n = 0
    for markers, line, body in blocks:
        for _, head in markers:
            build, _, run = head.partition(";")
            run = run.strip()
            if not run.startswith("run:"):
                problems.append("%s:%d: the marker takes 'BUILD; run: ./fetchlab ...'"
                                % (path, line))
                continue
            build, command = build.strip(), run[4:].strip()
            try:
                out = runner.run(build, command)
            except (ValueError, subprocess.SubprocessError, OSError) as e:
                problems.append("%s:%d: %s" % (path, line, e))
                continue
            n += 1
            problems += physics(body, "%s:%d: the block" % (path, line), strict=False)
            problems += physics(out, "%s:%d: `%s` (%s) printed" % (path, line, command, build))
            bad = find(body, out)
            if bad is not None:
                k, near = bad
                problems.append("%s:%d: `%s` (%s) printed no line matching the block's line "
                                "%d: '%s'; the nearest output line: '%s'"
                                % (path, line, command, build, line + 1 + k, body[k],
                                   near if near is not None else "(none)"))
                problems.append("  it printed:\n" + "\n".join("  | " + o for o in out))
                continue
            why = scores_agree(body, out)
            if why:
                problems.append("%s:%d: `%s` (%s): %s" % (path, line, command, build, why))
                continue
            proof_of(path, line, body, out, command, build, proof, problems)
    return len(blocks), n


def scores_agree(block, out):
    """None if BLOCK's Score less its perf points is OUT's (the points for
    correctness, which the workload fixes), else why not."""
    def points(lines):
        score = perf = None
        for line in lines:
            m, p = SCORE.match(line), PERF.match(line)
            if m:
                score = int(m.group(1))
            if p:
                perf = (perf or 0) + int(p.group(2))
        return score, perf
    bs, bp = points(block)
    if bs is None or bp is None:
        return None
    os_, op = points(out)
    if os_ is None or op is None:
        return "no Score or perf line in the output"
    if bs - bp != os_ - op:
        return ("the block scores %d for correctness (Score %d less perf %d), the output "
                "%d (Score %d less perf %d)" % (bs - bp, bs, bp, os_ - op, os_, op))
    return None


def proof_of(path, line, body, out, command, build, proof, problems):
    """Edit the block's first literal count in a copy of the guide: the copy
    must fail, naming the copy, the block and the edited line."""
    for k, text in enumerate(body):
        span = first_literal_number(text)
        if span:
            break
    else:
        problems.append("%s:%d: the block has no literal number to prove it can fail"
                        % (path, line))
        return
    a, b = span
    edited = text[:a] + str(int(float(text[a:b])) + 7) + text[b:]
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    lines[line + k] = edited
    copy = os.path.join(proof["tmp"], "copy-" + os.path.basename(os.path.dirname(path)) + ".md")
    with open(copy, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    for _, cline, cbody in parse(copy)[0]:
        if cline != line:
            continue
        bad = find(cbody, out)
        if bad is None or bad[0] != k:
            problems.append("%s:%d: editing the block's line %d to '%s' did not fail the "
                            "check" % (path, line, line + 1 + k, edited))
        else:
            proof["caught"] += 1
            if proof["first"] is None:
                proof["first"] = ("%s:%d: `%s` (%s) printed no line matching the block's "
                                  "line %d: '%s'; the nearest output line: '%s'"
                                  % (copy, cline, command, build, cline + 1 + bad[0],
                                     cbody[bad[0]], bad[1]))


def check_paths(root, path, starter_files, problems):
    """Every file the prose names is a path from the root that exists."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    # prose: outside fenced blocks and HTML comments
    text = re.sub(r"```.*?```", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    text = re.sub(r"<!--.*?-->", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    n = 0
    for lineno, line in enumerate(text.split("\n"), 1):
        where = "%s:%d" % (path, lineno)
        for m in re.finditer(r"\]\(([^)\s]+)\)", line):      # links
            target = m.group(1).split("#")[0]
            if target and not re.match(r"\w+://", target):
                n += 1
                full = os.path.normpath(os.path.join(os.path.dirname(path), target))
                chart = re.fullmatch(r"results/charts/(\w+)\.(svg|png)",
                                     os.path.relpath(full, root))
                if chart and os.path.exists(os.path.join(root, "harness/plots",
                                                         chart.group(1) + ".gp")):
                    continue   # drawn by compare from harness/plots/NAME.gp
                if not os.path.exists(full):
                    problems.append("%s: link %s: no such file" % (where, target))
        line = re.sub(r"\]\([^)]*\)", "]", line)
        seg = r"(?:[\w.*-]|\{[^}\s]*\})+"
        for m in re.finditer(r"(?<![\w/.~-])(%s(?:/%s)*/?)" % (seg, seg), line):
            word = m.group(1).rstrip(".")
            ext = re.search(r"\.(c|h|S|md|patch|sh|py|svg|png|gp|json|csv)$", word)
            top = re.match(r"(impl-[\w-]+|labs|tests|harness|docs|results)/", word)
            if not (ext or top) or word.startswith("/tmp/"):
                continue
            n += 1
            full = os.path.join(root, word)
            work = re.match(r"labs/(\d\d)-[\w-]+/work/(.*)$", word)
            if work:
                names = set(starter_files.get(work.group(1), ()))
                want = re.sub(r"\{(.*)\}", r"\1", work.group(2)).split(",")
                if work.group(2) == "" or all(w in names for w in want):
                    continue
                problems.append("%s: %s: lab start %s writes no such file (it writes %s)"
                                % (where, word, work.group(1), ", ".join(sorted(names))))
                continue
            if "/" not in word:
                problems.append("%s: '%s' is not a path from the repository root (which "
                                "file: impl-*/%s, labs/NN-topic/work/%s?)" % (where, word,
                                                                             word, word))
                continue
            if any(ch in word for ch in "*{"):
                if not glob.glob(full.replace("{", "").replace("}", "")):
                    problems.append("%s: %s matches no file" % (where, word))
                continue
            chart = re.fullmatch(r"results/charts/(\w+)\.(svg|png)", word)
            if chart and os.path.exists(os.path.join(root, "harness/plots",
                                                     chart.group(1) + ".gp")):
                continue
            if not os.path.exists(full.rstrip("/")):
                problems.append("%s: %s: no such file" % (where, word))
    return n


def main():
    if len(sys.argv) < 3:
        print("usage: guides.py ROOT CLI [NN...]", file=sys.stderr)
        return 2
    root, cli = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    labs = sys.argv[3:] or LABS
    problems = []
    tmp = tempfile.mkdtemp(prefix="guides-")
    try:
        runner = Runner(root, cli, tmp)
        proof = {"tmp": tmp, "caught": 0, "first": None}
        starter_files = {}
        for lab in LABS:
            d = runner.work(lab, "starter", fresh=True)
            subprocess.run([cli, "lab", "start", lab, "--dir", d], check=True,
                           stdout=subprocess.DEVNULL)
            starter_files[lab] = os.listdir(d)
        counts = []
        for lab in labs:
            guide = os.path.relpath(glob.glob(os.path.join(root, "labs", lab + "-*",
                                                           "README.md"))[0], root)
            here = len(problems)
            os.chdir(root)
            npaths = check_paths(root, guide, starter_files, problems)
            nblocks, nruns = check_blocks(guide, runner, problems, proof)
            counts.append("%s %d output blocks (%d commands) checked, %d paths%s"
                          % (guide, nblocks, nruns, npaths,
                          "" if len(problems) == here else
                          ", %d problems" % (len(problems) - here)))
        for c in counts:
            print("guides: " + c)
        # Physics proves itself too: a run summary whose latency from start
        # is below its delay, or whose throughput beats C / delay, fails.
        for out in runner.cache.values():
            heads = [k for k, o in enumerate(out) if HEAD.match(o)]
            if not heads or physics(out, "x") or any(o.startswith("  ok 0 ") for o in out):
                continue   # a summary of nothing proves nothing
            fast = [re.sub(r"^(  from start +)\S+", r"\g<1>0.01", o) for o in out]
            wild = [re.sub(r"throughput \S+ req/s", "throughput 999999.9 req/s", o)
                    for o in out]
            if not physics(fast, "x") or not physics(wild, "x"):
                problems.append("self-check: physics passed an impossible run summary")
            else:
                print("self-check: physics fails a summary faster than its delay: %s"
                      % physics(fast, "the edited summary")[0])
            break
        if proof["first"]:
            print("self-check: %d edited blocks failed as they must; the first:\n  %s"
                  % (proof["caught"], proof["first"]))
        for p in problems:
            print("FAIL " + p)
        return 1 if problems else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
