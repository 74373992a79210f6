#!/bin/sh
# cpuwork.sh CLI - `fetchlab bench --quick cpuwork` end to end: exit 0 and
# a row for every comparison of the suite, each measured (a figure and a
# verdict) or skipped with a reason. Whether a target is met is the bench's
# business, not the test's.
set -u
cli=${1:?usage: cpuwork.sh PATH-TO-fetchlab-cli}
tmp=$(mktemp -d /tmp/fetchlab-bench-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$cli" bench --quick cpuwork --out "$tmp/bench.md" >"$tmp/out" 2>"$tmp/err" ||
	{ cat "$tmp/err" >&2; fail "bench --quick cpuwork exited $?"; }
n=0
for what in 'offload / eventloop' 'threads / eventloop' 'eventloop --loops 2 / eventloop' \
	    'python-threads / python-asyncio' 'python-asyncio --offload process / python-asyncio' \
	    'eventloop req/s x work' 'loop lag p99, eventloop / offload' \
	    'added by the work, eventloop ' 'added by the work, offload ' \
	    'added by the work, threads ' 'added by the work, coroutine ' \
	    'added by the work, python-asyncio '; do
	grep -F "$what" "$tmp/bench.md" |
		grep -Eq '\| [0-9.]+ ?[a-z/%]* +\|.*\| (yes|no: [^|]*) *\|$|\| skipped: [^|]* +\|.*\| skipped *\|$' ||
		{ cat "$tmp/bench.md" >&2; fail "no judged row for '$what'"; }
	n=$((n + 1))
done
echo "bench cpuwork: ok, $n rows"
