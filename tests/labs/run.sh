#!/bin/sh
# run.sh CLI LAB - `fetchlab lab run LAB` on the reference's files prints the
# run table and its --json counts every request ok; on files that do not
# compile it says so and exits 2; lab 00 has nothing to run.
set -u
cli=$1 lab=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/scratch" && export TMPDIR="$tmp/scratch"   # lab run's, ours alone
fail() { echo "FAIL lab run $lab: $*"; cat "$tmp/out" 2>/dev/null; exit 1; }

"$cli" lab start "$lab" --dir "$tmp/work" >/dev/null || fail "lab start failed"
for f in "$tmp"/work/*.c; do   # the reference files, by name
	cp "$(ls "$src"/impl-*/"$(basename "$f")")" "$f" || fail "no reference for $f"
done

"$cli" lab run "$lab" --dir "$tmp/work" -n 40 -c 4 --delay 2ms >"$tmp/out" 2>&1 ||
	fail "exit $? for the reference"
grep -q '^  ok 40   errors 0 ' "$tmp/out" || fail "no run table with ok 40"
grep -q '^  latency (ms) ' "$tmp/out" || fail "no latency table"

"$cli" lab run "$lab" --dir "$tmp/work" -n 40 -c 4 --delay 2ms --json >"$tmp/out" 2>&1 ||
	fail "exit $? with --json"
[ "$(jq '.ok == .requests and .requests == 40' "$tmp/out")" = true ] ||
	fail "--json: ok != requests"

f=$(ls "$tmp"/work/*.c | head -1)
echo 'int this_is_not_c = ;' >>"$f"
"$cli" lab run "$lab" --dir "$tmp/work" -n 4 >"$tmp/out" 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "exit $rc for files that do not compile, wanted 2"
grep -q 'do not compile' "$tmp/out" || fail "no 'do not compile' message"
grep -q "$(basename "$f"):[0-9]*:[0-9]*: error" "$tmp/out" || fail "no file:line: error"

"$cli" lab run 00 >"$tmp/out" 2>&1
rc=$?
[ "$rc" -eq 2 ] && grep -q 'no code of yours' "$tmp/out" || fail "lab 00: exit $rc"
[ -z "$(ls -A "$TMPDIR")" ] || fail "left in \$TMPDIR: $(ls "$TMPDIR")"
echo "ok lab run $lab"
