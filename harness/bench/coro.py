"""coro.py - the coro suite: the cost of one coroutine switch, the asm
backend against ucontext, alternating. ucontext saves the signal mask with
a system call each switch: it gets fewer switches.
"""
import os
import re
import subprocess
import sys

import children
from table import OURS_MAX

WHAT = "coroutine switch: asm / ucontext backend"
SWITCH = re.compile(r"coro switch \([^)]+\): (\S+) ns/switch")


def switch_ns(b, backend, switches):
    """Run fetchlab-bench-coro-BACKEND with SWITCHES: its ns per switch, or
    None after a line saying why not."""
    argv = [os.path.join(b.bindir, "fetchlab-bench-coro-" + backend), str(switches)]
    try:
        out = subprocess.run(argv, stdout=subprocess.PIPE, text=True).stdout
    except OSError:
        out = ""
    line = out.partition("\n")[0]
    m = SWITCH.match(line)
    if m is None or not children.is_number(m.group(1)):
        print("fetchlab bench: %s printed no 'coro switch' line" % " ".join(argv),
              file=sys.stderr)
        return None
    print("bench: " + line, file=sys.stderr)
    return float(m.group(1))


def run(b):
    """The coro suite's one row."""
    asm = os.path.join(b.bindir, "fetchlab-bench-coro-asm")
    if not os.access(asm, os.X_OK):
        b.table.add_skip(WHAT, "skipped: %s is not built" % asm, OURS_MAX, 10, "ns")
        return
    asm_ns, ucontext_ns = [], []
    for _ in range(b.rounds):
        asm_ns.append(switch_ns(b, "asm", 1000000 if b.quick else 10000000))
        ucontext_ns.append(switch_ns(b, "ucontext", 10000 if b.quick else 100000))
    asm_ns = [v for v in asm_ns if v is not None]
    ucontext_ns = [v for v in ucontext_ns if v is not None]
    if not asm_ns:
        b.failed += 1
        b.table.add_skip(WHAT, "failed: fetchlab-bench-coro-asm, see above", OURS_MAX, 10, "ns")
        return
    b.table.add_row(WHAT, children.median(asm_ns), children.median(ucontext_ns), "ns",
                    OURS_MAX, 10)
