#!/bin/sh
# quick.sh CLI - `fetchlab bench --quick coro models` (and loop) end to end: exit 0,
# the table on stdout, the report file with a row per comparison (measured
# or skipped); a tool that is missing makes a skipped row, not an error; a
# run that fails exits 1; bad options exit 2 with one line.
set -u
cli=${1:?usage: quick.sh PATH-TO-fetchlab-cli}
tmp=$(mktemp -d /tmp/fetchlab-bench-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$cli" bench --quick --by-cpu coro models --out "$tmp/bench.md" >"$tmp/out" 2>"$tmp/err" ||
	{ cat "$tmp/err" >&2; fail "bench --quick --by-cpu coro models exited $?"; }
grep -q '^| what  *| ours  *| theirs  *| ratio  *| target  *| met  *|$' "$tmp/out" ||
	{ cat "$tmp/out" >&2; fail "no table header on stdout"; }
[ -s "$tmp/bench.md" ] || fail "no $tmp/bench.md"
cmp -s "$tmp/out" /dev/null && fail "empty stdout"
# One row per comparison: 4 throughput (each with its CPU per request row,
# coroutine / eventloop with instructions too; python-asyncio --uvloop /
# python-asyncio without a target), 4 efficiency, 3 memory,
# 1 switch; each ends in a verdict.
for what in 'throughput, 0 ms, C=100: eventloop / python-asyncio' \
	    'throughput, 0 ms, C=100: coroutine / eventloop' \
	    'throughput, 0 ms, C=100: threads / python-threads' \
	    'efficiency, 50 ms, C=1000: eventloop / python-asyncio' \
	    'memory per request in flight, C=1000: coroutine / python-asyncio' \
	    'coroutine switch: asm / ucontext backend'; do
	grep -F "| $what " "$tmp/bench.md" | grep -Eq '\| (yes[^|]*|no[^|]*|-|skipped) *\|$' ||
		{ cat "$tmp/bench.md" >&2; fail "no row for '$what'"; }
done
[ "$(grep -c '^| [ a-z]' "$tmp/bench.md")" -eq 21 ] ||   # 2 tables' headers and 19 rows
	{ cat "$tmp/bench.md" >&2; fail "not 19 rows"; }
# Under each throughput row its CPU row, whose target is the inverse; with
# --by-cpu the throughput verdict is the CPU row's.
for pair in 'eventloop / python-asyncio|>= 8x|<= 0.125x' \
	    'coroutine / eventloop|>= 0.95x|<= 1.05x' \
	    'threads / python-threads|>= 3x|<= 0.333x'; do
	models=${pair%%|*} rest=${pair#*|}
	t=$(grep -F "| throughput, 0 ms, C=100: $models " "$tmp/bench.md")
	c=$(grep -A1 -F "| throughput, 0 ms, C=100: $models " "$tmp/bench.md" | tail -1)
	echo "$c" | grep -Fq "|   CPU per request: $models " && echo "$c" | grep -Fq "| ${rest#*|} " ||
		{ cat "$tmp/bench.md" >&2; fail "no CPU row with target ${rest#*|} under $models"; }
	echo "$c" | grep -q '| [0-9.]* us *| [0-9.]* us *|' ||
		{ echo "$c" >&2; fail "$models: CPU per request not measured"; }
	verdict=$(echo "$c" | sed 's/.*| \(yes\|no\)[^|]*|$/\1/')
	echo "$t" | grep -q "| $verdict by CPU (wall +/-[0-9]*%) *|$" ||
		{ echo "$t" "$c" >&2; fail "$models: the throughput verdict is not the CPU row's ($verdict)"; }
done
grep -q '^|   instructions per request: coroutine / eventloop *| [0-9]\{4,\} *| [0-9]\{4,\} *| [0-9.]*x *| <= 1.05x *| \(yes\|no: [^|]*\) *|$' "$tmp/bench.md" ||
	grep -q '^|   instructions per request: coroutine / eventloop *| skipped: ' "$tmp/bench.md" ||
	{ cat "$tmp/bench.md" >&2; fail "no instructions row"; }
grep -q '^## models$' "$tmp/bench.md" && grep -q '^## coro$' "$tmp/bench.md" ||
	{ cat "$tmp/bench.md" >&2; fail "no section per suite"; }

# One suite again: its section is new, the other suite's is kept as it was.
sed -n '/^## models$/,/^## coro$/p' "$tmp/bench.md" >"$tmp/models.before"
"$cli" bench --quick coro --out "$tmp/bench.md" >/dev/null 2>"$tmp/err" ||
	{ cat "$tmp/err" >&2; fail "bench --quick coro exited $?"; }
sed -n '/^## models$/,/^## coro$/p' "$tmp/bench.md" | cmp -s - "$tmp/models.before" ||
	{ cat "$tmp/bench.md" >&2; fail "bench coro did not keep the models section"; }
for key in '- cpu:' '- cores:' '- kernel:' '- libcurl:' '- libuv:' 'load average at start' 'Produced by `fetchlab bench'; do
	grep -qF -- "$key" "$tmp/bench.md" || fail "the report lacks '$key'"
done

# The loop suite: its two rows, measured (wrk or not) and judged.
"$cli" bench --quick loop --out "$tmp/loop.md" >"$tmp/out" 2>"$tmp/err" ||
	{ cat "$tmp/err" >&2; fail "bench --quick loop exited $?"; }
for what in 'efficiency, 50 ms, C=1000, 2 s runs: eventloop / wrk' \
	    'efficiency, 1 s, C=10000, 3 s runs: eventloop / wrk'; do
	grep -F "| $what " "$tmp/loop.md" | grep -Eq '\| ([0-9.]+%|skipped: [^|]*) +\|.*\| >= 9[07]% +\| (yes|no: [0-9]+% short|skipped) *\|$' ||
		{ cat "$tmp/loop.md" "$tmp/err" >&2; fail "no measured row for '$what'"; }
done

# No curl tool on PATH: the row says skipped, the exit status is 0.
mkdir "$tmp/bin" && ln -s "$(command -v bash)" "$tmp/bin/bash"
PATH=$tmp/bin "$cli" bench --quick curl --out "$tmp/curl.md" >"$tmp/out" 2>"$tmp/err" ||
	{ cat "$tmp/err" >&2; fail "bench curl without curl exited $?"; }
grep -q 'eventloop / curl --parallel *| skipped: the curl tool is not installed' "$tmp/out" ||
	{ cat "$tmp/out" "$tmp/err" >&2; fail "no skipped curl row"; }

# A run that fails makes its row say so and the exit status 1: a driver
# beside executables where the coroutine switch benchmark is broken.
mkdir "$tmp/broken"
for f in "$(dirname "$cli")"/*; do ln -s "$f" "$tmp/broken/"; done
rm "$tmp/broken/fetchlab-cli" "$tmp/broken/fetchlab-bench-coro-asm"
cp "$cli" "$tmp/broken/fetchlab-cli"   # a copy: the driver finds the rest beside itself
printf '#!/bin/sh\nexit 3\n' >"$tmp/broken/fetchlab-bench-coro-asm"
chmod +x "$tmp/broken/fetchlab-bench-coro-asm"
"$tmp/broken/fetchlab-cli" bench --quick coro --out "$tmp/broken.md" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q '^| coroutine switch: asm / ucontext backend *| failed: [^|]*|.*| failed *|$' "$tmp/out" ||
	{ cat "$tmp/out" "$tmp/err" >&2; fail "a failed run exited $rc, or its row does not say failed"; }

# Bad options: exit 2, one line naming what is wrong.
"$cli" bench nonsense >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "'nonsense': unknown suite" "$tmp/err" || fail "bench nonsense"
"$cli" bench --out /nonexistent/dir/bench.md coro >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q -- "--out /nonexistent/dir/bench.md" "$tmp/err" || fail "bench --out unwritable"
"$cli" bench --frobnicate >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q -- "--frobnicate: unknown option" "$tmp/err" || fail "bench --frobnicate"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "more than one line for a bad option"
echo "bench: ok"
