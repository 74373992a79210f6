#!/bin/sh
# race.sh CLI - `fetchlab demo` piped, as CI sees it: a short race ends with
# exit status 0, plain progress lines and no ANSI escapes, every built model
# in the final table with its loop lag (the loop models), sync last in the
# finishing order; a race stopped midway says how far each model got, in
# 80 columns, and exits 130; bad options are
# refused with exit status 2 and one line naming the option.
set -eu
cli=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL demo: $*" >&2; exit 1; }

"$cli" demo -n 300 -c 30 --delay 20ms --deadline 10 >"$tmp/out.txt" 2>"$tmp/err.txt" ||
	fail "exit status $?: $(cat "$tmp/err.txt" "$tmp/out.txt")"
cat "$tmp/out.txt"

grep -q '^t=[0-9.]*s ' "$tmp/out.txt" || fail "no plain progress line (t=...)"
! grep -q "$(printf '\033')" "$tmp/out.txt" || fail "ANSI escapes in piped output"

# Every model built beside the driver has a row in the table.
bin=$(dirname "$cli")
for m in sync threads eventloop coroutine offload; do
	[ -x "$bin/fetch-$m" ] || continue
	sed -n '/^model /,$p' "$tmp/out.txt" | grep -q "^$m " ||
		fail "$m is built but not in the final table"
done

# The loop models report their loop lag in the last column; the others a dash.
table=$(sed -n '/^model /,/^$/p' "$tmp/out.txt")
for m in eventloop coroutine offload; do
	[ -x "$bin/fetch-$m" ] || continue
	echo "$table" | grep -Eq "^$m .* [0-9.]+ ms\$" || fail "$m has no loop lag in the table"
done
echo "$table" | grep -Eq '^threads .* -$' || fail "threads shows a loop lag"

# The finishing order, a line per model: a place ("=" for a tie, closer
# than a request's p99 - p50) or a dash; sync, one request at a time, last.
order=$(sed -n '/^finishing order/,/^$/p' "$tmp/out.txt" | grep '^  ') ||
	fail "no finishing order"
echo "$order" | grep -Evq '^  ([1-9](st|nd|rd|th)=?|-) +[a-z-]+ +([0-9.]+ s|stopped at [0-9]+%)' &&
	fail "a finishing line is not 'PLACE MODEL TIME': $order"
[ "$(echo "$order" | wc -l)" -eq "$(sed -n '/^model /,$p' "$tmp/out.txt" | grep -Ec '^(sync|threads|eventloop|coroutine|offload) ')" ] ||
	fail "not a finishing line per model in the table: $order"
echo "$order" | tail -1 | grep -q ' sync ' || fail "sync is not last: $order"
# A projector's 80 columns: the order and the table fit.
sed -n '/^finishing order/,$p' "$tmp/out.txt" | awk 'length > 80 { print; bad = 1 } END { exit bad }' ||
	fail "lines wider than 80 columns above"

# Ctrl-C mid-race (SIGTERM here, which the driver passes on the same way):
# every racer stops, its row says how far it got, the table still fits 80
# columns, and the demo exits 130.
"$cli" demo -n 5000 -c 10 --delay 50ms --deadline 60 >"$tmp/int.txt" 2>&1 &
pid=$!
sleep 2
kill -TERM "$pid"
set +e
wait "$pid"
rc=$?
set -e
cat "$tmp/int.txt"
[ "$rc" -eq 130 ] || fail "a race stopped by SIGTERM: exit status $rc, want 130"
sed -n '/^finishing order/,$p' "$tmp/int.txt" | awk 'length > 80 { print; bad = 1 } END { exit bad }' ||
	fail "an interrupted race: lines wider than 80 columns above"
for m in sync threads eventloop coroutine offload; do
	[ -x "$bin/fetch-$m" ] || continue
	sed -n '/^model /,$p' "$tmp/int.txt" | grep -Eq "^$m +interrupted [0-9]+% " ||
		fail "$m's row does not say 'interrupted N%'"
done

# Bad input: exit status 2 and one line naming the option.
. "$(dirname "$0")/../expect2.sh"
expect2 -c demo -c 0
expect2 --models demo --models nope
expect2 "python-asyncio' is a Python peer" demo --models python-asyncio   # not "not built"
expect2 -n demo -n 12x
expect2 -n demo -n0            # -nVALUE is read as -n VALUE
expect2 --seed demo --seed=x
expect2 --deadline demo --deadline 0
expect2 --delay demo --delay abc
echo "PASS demo race"
