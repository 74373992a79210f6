#!/usr/bin/python3
"""figures.py ROOT - the figures the docs quote are the committed results'.

A Markdown file declares where a passage's figures come from with a block:

    <!-- figures: results/bench.md results/data/c10k-summary.csv; params: 100 1000 -->
    ... prose and tables quoting measured figures ...
    <!-- end figures -->

A source FILE#A,B is only the "## A" and "## B" sections of a Markdown
FILE (results/bench.md#models,cpuwork): a narrower source for a passage
that quotes some suites of a report that has many.

Every number in the block (outside code spans, fenced code, link targets
and HTML comments), except the listed params (the workload's own numbers:
C, delay, N) and integers under 10, is a figure, and must be one of the
sources' numbers as printed: within half a unit of its last printed digit
(the source printed at least as precisely), or within 5% when it is a
round figure (an integer ending in two or more zeros: "about 9,000"). A
percentage may also be a source's fraction (99% for 0.99).

The check proves itself: every figure, edited by +20% and -20% (kept to
its printed precision), must fail; a figure that would still pass (it
happens to lie near another number of its sources) is reported, and the
passage should cite a narrower source or quote more digits.

Exit 0 when every block holds, 1 otherwise, with a line per problem.
"""
import os
import re
import sys

NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+(?!\d)|\d+)(\.\d+)?(?!\.?\d)")
BLOCK = re.compile(r"<!--\s*figures:\s*(.*?)\s*-->(.*?)<!--\s*end figures\s*-->", re.S)


def numbers_in(text):
    """(value, digits after the point, span) for each number in TEXT."""
    for m in NUMBER.finditer(text):
        whole = m.group(1).replace(",", "")
        frac = m.group(2) or ""
        yield float(whole + frac), max(len(frac) - 1, 0), m.span(), m.group(0)


def prose(text):
    """TEXT with what is not prose blanked (same length, so spans hold):
    fenced code, code spans, HTML comments, link targets."""
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    for pattern in (r"```.*?```", r"`[^`\n]*`", r"<!--.*?-->", r"\]\([^)]*\)"):
        text = re.sub(pattern, blank, text, flags=re.S)
    return text


def sections(text, names, path):
    """The "## NAME" sections of Markdown TEXT, for each NAME (raises
    OSError naming PATH when one is missing)."""
    parts = []
    for name in names.split(","):
        m = re.search(r"(?ms)^## %s\n.*?(?=^## |\Z)" % re.escape(name), text)
        if m is None:
            raise OSError("%s has no section '## %s'" % (path, name))
        parts.append(m.group(0))
    return "\n".join(parts)


def source_numbers(root, paths):
    """(value, digits after the point) of every number in PATHS; a path
    FILE#A,B means only the sections "## A" and "## B" of FILE."""
    values = set()
    for source in paths:
        path, _, names = source.partition("#")
        with open(os.path.join(root, path), encoding="utf-8") as f:
            text = f.read()
        if names:
            text = sections(text, names, path)
        if path.endswith(".csv"):   # commas separate fields, not thousands
            text = text.replace(",", " ")
        # A report's dates, load averages and machine lines are not figures
        # (a quoted 28% would pass on "2026-11-28").
        text = re.sub(r"(?m)^(Measured |date:|- (last run|cpu|cores|memory|kernel|"
                      r"libcurl|libuv):).*$", "", text)
        for value, decimals, _, literal in numbers_in(text):
            values.add((value, len(literal.partition(".")[2])))
    return sorted(values)


def tolerance(value, decimals, literal):
    if decimals == 0 and re.fullmatch(r"[\d,]*[1-9][\d,]*00|[1-9]00+", literal.replace(",", "")):
        return 0.05 * value                   # a round figure: "about 9,000"
    return 0.5 * 10 ** -decimals              # as printed


def holds(value, decimals, literal, percent, sources):
    """VALUE is one of SOURCES as printed: near it, and the source at least
    as precise (a quoted 4.00 is not the source's 4)."""
    tol = tolerance(value, decimals, literal)
    for s, s_dec in sources:
        if s_dec >= decimals and abs(s - value) <= tol + 1e-9:
            return True
        if percent and s_dec >= decimals + 2 and abs(s * 100 - value) <= tol + 1e-9:
            return True
    return False


def fmt(value, decimals, literal):
    text = "%.*f" % (decimals, value)
    if "," in literal:
        whole, _, frac = text.partition(".")
        text = "{:,}".format(int(whole)) + ("." + frac if frac else "")
    return text


def check_file(root, path, problems, proved):
    with open(os.path.join(root, path), encoding="utf-8") as f:
        doc = f.read()
    nblocks = 0
    for block in BLOCK.finditer(doc):
        nblocks += 1
        head, body = block.group(1), block.group(2)
        line = doc.count("\n", 0, block.start()) + 1
        files, _, params = head.partition(";")
        params = params.strip()
        if params and not params.startswith("params:"):
            problems.append("%s:%d: after ';' the marker takes 'params: N ...'" % (path, line))
            continue
        skip = {float(p.replace(",", "")) for p in params[len("params:"):].split()}
        try:
            sources = source_numbers(root, files.split())
        except OSError as e:
            problems.append("%s:%d: source %s" % (path, line, e))
            continue
        text = prose(body)
        for value, decimals, (a, b), literal in numbers_in(text):
            if value in skip or (decimals == 0 and value < 10):
                continue                      # a param, or a small count ("2 cores")
            percent = text[b:b + 1] == "%"
            where = "%s:%d" % (path, line + body.count("\n", 0, a))
            if not holds(value, decimals, literal, percent, sources):
                problems.append("%s: '%s' is not in %s (as printed, or within 5%% for a "
                                "round figure); rerun the command that made it and "
                                "quote the new figure" % (where, literal, files.strip()))
                continue
            for factor in (1.2, 0.8):
                edited = fmt(value * factor, decimals, literal)
                if edited == literal:
                    continue
                v2 = float(edited.replace(",", ""))
                if holds(v2, decimals, edited, percent, sources):
                    problems.append("%s: '%s' edited to '%s' would still pass: another "
                                    "number of %s lies near it; cite a narrower source "
                                    "or quote more digits" % (where, literal, edited,
                                                              files.strip()))
                else:
                    proved[0] += 1
    return nblocks


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    problems, proved, blocks, figures_files = [], [0], 0, 0
    for top in ("README.md", "docs", "results/README.md", "labs"):
        base = os.path.join(root, top)
        paths = [top] if os.path.isfile(base) else [
            os.path.relpath(os.path.join(d, f), root)
            for d, _, fs in os.walk(base) for f in fs if f.endswith(".md")]
        for path in sorted(paths):
            n = check_file(root, path, problems, proved)
            blocks += n
            figures_files += n > 0
    for p in problems:
        print("FAIL " + p, file=sys.stderr)
    if blocks == 0:
        print("FAIL no '<!-- figures: ... -->' block in the docs", file=sys.stderr)
        return 1
    print("figures: %d blocks in %d files; %d edits of 20%% caught%s" %
          (blocks, figures_files, proved[0], "" if not problems else
           "; %d problems" % len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
