"""curl.py - the curl suite: fetch-eventloop against the curl tool's own
loop, `curl --parallel --parallel-max 100`, on the same requests
(harness/bench/eventloop_vs_curl.sh).
"""
import math

import children
from table import RATIO_MIN

WHAT = "throughput, 0 ms, C=100: eventloop / curl --parallel"


def run(b):
    """The curl suite's one row."""
    env = {"N": str(2000 if b.quick else 20000), "C": "100", "ROUNDS": str(b.rounds)}
    script = children.run_script(b, "eventloop_vs_curl.sh", env, [b.bindir])
    if script.status != 0 or math.isnan(script.result("curl_rps")):
        b.table.add_skip(WHAT, children.script_reason(b, script), RATIO_MIN, 1.3, "")
        return
    b.table.add_row(WHAT, script.result("eventloop_rps"), script.result("curl_rps"),
                    "req/s", RATIO_MIN, 1.3)
