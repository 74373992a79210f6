"""server.py - the server suite: fetchlab-server against nginx under wrk,
small bodies, and the p99 latency of 10,000 connections on a 1 s delay
(harness/bench/server.sh). Without nginx, the p99 row still shows ours
against its absolute target.
"""
import math

import children
from table import OURS_BELOW, RATIO_MIN

WHAT_RPS = "server, small bodies: fetchlab-server / nginx"
WHAT_P99 = "server p99, 10k conns, 1 s delay: fetchlab-server / nginx"


def run(b):
    """The server suite's two rows."""
    env = {"ROUNDS": str(b.long_rounds), "P99_DURATION": "3s" if b.quick else "10s"}
    args = [b.bindir + "/fetchlab-server", "2s" if b.quick else "5s"]
    script = children.run_script(b, "server.sh", env, args)
    if script.status != 0:
        why = children.script_reason(b, script)
        b.table.add_skip(WHAT_RPS, why, RATIO_MIN, 0.8, "")
        b.table.add_skip(WHAT_P99, why, OURS_BELOW, 1050, "ms")
        return
    nginx = script.result("nginx_rps")
    if math.isnan(nginx):
        b.table.add_skip(WHAT_RPS, script.skips.get("nginx", "skipped: no nginx figure"),
                         RATIO_MIN, 0.8, "")
    else:
        b.table.add_row(WHAT_RPS, script.result("ours_rps"), nginx, "req/s", RATIO_MIN, 0.8)
    ours = script.result("ours_p99_ms")
    if math.isnan(ours):
        b.table.add_skip(WHAT_P99, "skipped: the open-file limit is below 10,100 (see "
                         "server.sh's line)", OURS_BELOW, 1050, "ms")
    else:
        b.table.add_row(WHAT_P99, ours, script.result("nginx_p99_ms"), "ms", OURS_BELOW, 1050)
