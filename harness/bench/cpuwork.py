"""cpuwork.py - the cpuwork suite: concurrency is not parallelism. CPU work
per response (--work 500us, C = 100, 5 ms): the models that spread it over
the cores against the event loop that cannot, the Python peers under the
GIL, and each model's CPU per request against the work asked
(harness/bench/cpuwork.sh, whose keys are the names below: eventloop_rps,
loops2_cpu_us ...; about 3 minutes).
"""
import math

import children
from table import OURS_MAX, RATIO_MAX, RATIO_MIN, RATIO_NEAR

HEAD = "work 500us, C=100, 5 ms:"
NO_PEERS = "skipped: no python3-aiohttp (see cpuwork.sh's line)"

# Throughput ratios: A / B, the row, the target.
PAIRS = (
    ("offload", "eventloop", "offload / eventloop", RATIO_MIN, 1.6),
    ("threads", "eventloop", "threads / eventloop", RATIO_MIN, 1.6),
    ("loops2", "eventloop", "eventloop --loops 2 / eventloop", RATIO_MIN, 1.6),
    ("pythreads", "pyasyncio", "python-threads / python-asyncio (the GIL)", RATIO_MAX, 1.2),
    ("pyprocess", "pyasyncio", "python-asyncio --offload process / python-asyncio",
     RATIO_MIN, 1.4),
)
# CPU per request at the work minus at none, against the work: key, model.
MODELS = (
    ("eventloop", "eventloop"), ("offload", "offload"), ("threads", "threads"),
    ("loops2", "eventloop --loops 2"), ("coroutine", "coroutine"),
    ("pyasyncio", "python-asyncio"), ("pythreads", "python-threads"),
    ("pyprocess", "python-asyncio --offload process"),
)


def run(b):
    """The cpuwork suite's rows."""
    env = {"N": str(400 if b.quick else 4000), "ROUNDS": str(b.long_rounds)}
    script = children.run_script(b, "cpuwork.sh", env, [b.bindir, b.src])
    work_us = script.result("work_us")
    if script.status != 0 or math.isnan(work_us):
        b.table.add_skip(HEAD + " the cpuwork suite", children.script_reason(b, script),
                         RATIO_MIN, 1.6, "")
        return
    for x, y, what, goal, v in PAIRS:
        ours, theirs = script.result(x + "_rps"), script.result(y + "_rps")
        if math.isnan(ours) or math.isnan(theirs):
            b.table.add_skip("%s %s" % (HEAD, what), NO_PEERS, goal, v, "")
        else:
            b.table.add_row("%s %s" % (HEAD, what), ours, theirs, "req/s", goal, v)
    # The one-core bound holds for the measurement itself.
    b.table.add_row(HEAD + " eventloop req/s x work (one core: at most 1)",
                    script.result("eventloop_rps") * work_us / 1e6, math.nan, "",
                    OURS_MAX, 1.05)
    b.table.add_row(HEAD + " loop lag p99, eventloop / offload",
                    script.result("eventloop_lag_p99_us") / 1e3,
                    script.result("offload_lag_p99_us") / 1e3, "ms", RATIO_MIN, 10)
    for key, model in MODELS:
        what = "%s CPU/request added by the work, %s" % (HEAD, model)
        added = script.result(key + "_cpu_us") - script.result(key + "_cpu0_us")
        if math.isnan(added):
            b.table.add_skip(what, NO_PEERS, RATIO_NEAR, 0.15, "")
        else:
            b.table.add_row(what, added, work_us, "us", RATIO_NEAR, 0.15)
