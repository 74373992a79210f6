"""table.py - the rows of `fetchlab bench`: a figure of ours against theirs,
their ratio, the target and whether it is met, formatted once here for
the table on stdout and the Markdown report alike.
"""
import math

# What a row's target constrains.
NONE = "none"              # shown for context, no target
RATIO_MIN = "ratio_min"    # ours / theirs >= v
RATIO_MAX = "ratio_max"    # ours / theirs <= v
OURS_MAX = "ours_max"      # ours <= v
OURS_BELOW = "ours_below"  # ours < v
OURS_MIN = "ours_min"      # ours >= v
RATIO_NEAR = "ratio_near"  # |ours / theirs - 1| <= v

RATIO_GOALS = (RATIO_MIN, RATIO_MAX, RATIO_NEAR)
HEAD = ("what", "ours", "theirs", "ratio", "target", "met")


def divide(a, b):
    """A / B as the floating point unit gives it: a figure over zero is
    inf (nan for 0 / 0), so its row says so instead of stopping the run."""
    if b != 0 or math.isnan(b):
        return a / b
    if a == 0 or math.isnan(a):
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1, b)


def unit_sep(unit):
    """The space between a value and UNIT: none before a percent sign."""
    return "" if unit.startswith("%") else " "


def fmt_value(v, unit):
    """V with UNIT, three significant digits or more."""
    f = "%.0f" if abs(v) >= 100 else "%.1f" if abs(v) >= 10 else "%.2f"
    return f % v + unit_sep(unit) + unit


def fmt_ratio(ratio):
    """Ours / theirs, three significant digits or more."""
    f = "%.1fx" if ratio >= 10 else "%.2fx" if ratio >= 0.1 else "%.3fx"
    return f % ratio


def fmt_target(goal, v, unit):
    """The target column's text for GOAL V (UNIT for a target on ours)."""
    return {
        NONE: "-",
        RATIO_MIN: ">= %.3gx" % v,
        RATIO_MAX: "<= %.3gx" % v,
        OURS_MAX: "<= %g %s" % (v, unit),
        OURS_BELOW: "< %g %s" % (v, unit),
        OURS_MIN: ">= %g%s%s" % (v, unit_sep(unit), unit),
        RATIO_NEAR: "1x +/- %g%%" % (100 * v),
    }[goal]


def verdict(goal, x, v):
    """The met column for the judged figure X (the ratio, or ours) against
    GOAL V: "yes", or "no" and by how much it misses."""
    if goal == NONE:
        return "-"
    if math.isnan(x):
        return "no: not measured"
    if goal in (RATIO_MIN, OURS_MIN):
        met = x >= v
    elif goal == OURS_BELOW:
        met = x < v
    elif goal == RATIO_NEAR:
        met = abs(x - 1) <= v
    else:
        met = x <= v
    if met:
        return "yes"
    if goal == RATIO_NEAR:
        return "no: %.0f%% %s" % (100 * abs(x - 1), "over" if x > 1 else "under")
    if goal in (RATIO_MIN, OURS_MIN):
        return "no: %.0f%% short" % (100 * (1 - x / v))
    return "no: %.0f%% over" % (100 * (x / v - 1))


class Row:
    """One line of the table, its cells formatted, and the suite it is of."""

    def __init__(self, suite, what, ours, theirs, ratio, target, met):
        self.suite = suite
        self.what, self.ours, self.theirs = what, ours, theirs
        self.ratio, self.target, self.met = ratio, target, met

    def cells(self):
        """The six cells, in the order of HEAD."""
        return (self.what, self.ours, self.theirs, self.ratio, self.target, self.met)


class Table:
    """The rows of every suite run, in order; new rows belong to `suite`."""

    def __init__(self):
        self.rows = []
        self.suite = None

    def add_row(self, what, ours, theirs, unit, goal, v):
        """Add a measured row: OURS against THEIRS (nan: no reference
        measured), both in UNIT, the ratio ours / theirs, and whether GOAL V
        is met. Returns the row."""
        ratio = divide(ours, theirs)
        x = ratio if goal in RATIO_GOALS else ours
        if math.isnan(theirs):
            theirs_cell, ratio_cell = "-", "-"
        else:
            theirs_cell, ratio_cell = fmt_value(theirs, unit), fmt_ratio(ratio)
        row = Row(self.suite, what, fmt_value(ours, unit), theirs_cell, ratio_cell,
                  fmt_target(goal, v, unit), verdict(goal, x, v))
        self.rows.append(row)
        return row

    def add_skip(self, what, reason, goal, v, unit):
        """Add a row that could not be measured: "skipped: REASON" (or
        "failed: ...") in the ours cell, the target kept so the reader sees
        what was wanted."""
        met = "failed" if reason.startswith("failed") else "skipped"
        self.rows.append(Row(self.suite, what, reason, "-", "-",
                             fmt_target(goal, v, unit), met))

    def markdown(self, suite=None):
        """The rows of SUITE (None: all) as a Markdown table, columns padded
        to line up."""
        rows = [r.cells() for r in self.rows if suite is None or r.suite == suite]
        widths = [max([len(h)] + [len(cells[c]) for cells in rows])
                  for c, h in enumerate(HEAD)]

        def line(cells):
            return "".join("| %-*s " % (w, cell) for w, cell in zip(widths, cells)) + "|\n"
        rule = "".join("|" + "-" * (w + 2) for w in widths) + "|\n"
        return line(HEAD) + rule + "".join(line(cells) for cells in rows)
