"""loop.py - the loop suite: fetch-eventloop's efficiency (throughput x
delay / C) at the two points of its targets, wrk beside it for the same
time (harness/bench/efficiency.sh; about 5 minutes).
"""
import math

import children
from table import OURS_MIN

# The points: C, the server's delay in ms, seconds a run (--quick: fewer),
# and the target on ours, percent.
POINTS = (
    (1000, 50, 10, 2, 97),
    (10000, 1000, 20, 3, 90),
)


def what(c, delay_ms, secs):
    """The row of one point: "efficiency, 50 ms, C=1000, 10 s runs: ..."."""
    delay = "%d ms" % delay_ms if delay_ms % 1000 else "%d s" % (delay_ms // 1000)
    return "efficiency, %s, C=%d, %d s runs: eventloop / wrk" % (delay, c, secs)


def run(b):
    """The loop suite's two rows. All 5 rounds: one slow spell of the
    machine moves a median of 3."""
    points = [(c, delay_ms, quick_secs if b.quick else secs, target)
              for c, delay_ms, secs, quick_secs, target in POINTS]
    args = [b.bindir] + ["%d:%d:%d" % (c, delay_ms, secs) for c, delay_ms, secs, _ in points]
    script = children.run_script(b, "efficiency.sh", {"ROUNDS": str(b.rounds)}, args)
    for c, delay_ms, secs, target in points:
        row = what(c, delay_ms, secs)
        ours, theirs = script.result("ev_%d" % c), script.result("wrk_%d" % c)
        if script.status != 0:
            b.table.add_skip(row, children.script_reason(b, script), OURS_MIN, target, "%")
        elif math.isnan(ours):
            b.table.add_skip(row, "skipped: the descriptor limit is too low (see "
                             "efficiency.sh's line)", OURS_MIN, target, "%")
        else:
            b.table.add_row(row, ours, theirs, "%", OURS_MIN, target)
