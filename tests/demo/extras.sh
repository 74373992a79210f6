#!/bin/sh
# extras.sh CLI - `fetchlab demo --timeline --gif FILE` on a quick race of
# one concurrent model: the timeline's lanes and axis, and an animated GIF
# (skipped, status 77, when gnuplot has no gif terminal).
set -eu
cli=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL demo: $*" >&2; exit 1; }

gnuplot -e 'set terminal' </dev/null 2>&1 | grep -q '^ *gif ' || { echo "SKIP: no gif terminal"; exit 77; }
bin=$(dirname "$cli")
model=sync
for m in eventloop threads coroutine; do
	if [ -x "$bin/fetch-$m" ]; then model=$m; break; fi
done

"$cli" demo --models "$model" -n 100 -c 20 --delay 5ms --timeline \
	--gif "$tmp/race.gif" >"$tmp/out.txt" 2>"$tmp/err.txt" ||
	fail "exit status $?: $(cat "$tmp/err.txt" "$tmp/out.txt")"
cat "$tmp/out.txt"
grep -q '^timeline:' "$tmp/out.txt" || fail "no timeline"
lanes=$(grep -c ' |[A-Za-z0-9 ]*$' "$tmp/out.txt") || true
[ "$lanes" -ge 2 ] || fail "$lanes timeline lanes for $model at C = 6, want several"
grep -q 'a column is' "$tmp/out.txt" || fail "no time axis"
[ "$(head -c 6 "$tmp/race.gif")" = GIF89a ] || fail "race.gif is not a GIF"

# --gif refuses a path it cannot write, before the race.
set +e
"$cli" demo --gif /proc/nope/race.gif >/dev/null 2>"$tmp/err.txt"
rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q -- --gif "$tmp/err.txt" && [ "$(wc -l <"$tmp/err.txt")" -eq 1 ] ||
	fail "--gif /proc/nope: exit $rc: $(cat "$tmp/err.txt")"
# ...and a machine without gnuplot, before the race (and before the file).
set +e
PATH=/nonexistent "$cli" demo --gif "$tmp/none.gif" >/dev/null 2>"$tmp/err.txt"
rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q -- '--gif .*gnuplot' "$tmp/err.txt" && [ "$(wc -l <"$tmp/err.txt")" -eq 1 ] &&
	[ ! -e "$tmp/none.gif" ] || fail "--gif without gnuplot: exit $rc: $(cat "$tmp/err.txt")"
echo "PASS demo extras"
