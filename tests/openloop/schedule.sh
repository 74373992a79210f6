#!/bin/sh
# schedule.sh CLI - the arrival schedule belongs to the workload, not to the
# model: it is drawn from the seed before the run, so every model gets the
# same due times (relative to the first), with constant and poisson gaps.
# And no model starts a request before it is due (start_ns >= due_ns).
set -eu
cli=$1
bin=$(dirname "$cli")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL openloop schedule: $*" >&2; exit 1; }

for arrivals in constant poisson; do
	first=""
	for model in sync threads eventloop coroutine; do
		[ -x "$bin/fetch-$model" ] || continue
		rec=$tmp/$model-$arrivals.csv
		"$cli" run "$model" --rate 500 -n 100 -c 50 --delay 1ms --seed 9 \
			--arrivals "$arrivals" --json --records "$rec" >"$tmp/out.json" ||
			fail "$model --arrivals $arrivals: exit status $?"
		[ "$(tail -n +2 "$rec" | wc -l)" -eq 100 ] ||
			fail "$model --arrivals $arrivals: $(tail -n +2 "$rec" | wc -l) records, want 100"
		early=$(awk -F, 'NR > 1 && $4 < $3 { n++ } END { print n + 0 }' "$rec")
		[ "$early" -eq 0 ] ||
			fail "$model --arrivals $arrivals: $early requests started before they were due"
		# id and due time after the first due time, in id order.
		tail -n +2 "$rec" | sort -t, -k1,1n |
			awk -F, 'NR == 1 { t0 = $3 } { print $1 "," $3 - t0 }' >"$tmp/$model-$arrivals.due"
		if [ -z "$first" ]; then
			first=$model
		else
			cmp -s "$tmp/$first-$arrivals.due" "$tmp/$model-$arrivals.due" ||
				fail "--arrivals $arrivals: $model's due times differ from $first's: $(diff "$tmp/$first-$arrivals.due" "$tmp/$model-$arrivals.due" | head -3 | tr '\n' ' ')"
		fi
	done
	echo "ok $arrivals: the same 100 due times in every model, none started early"
done
# The two processes differ, or the test proves nothing.
cmp -s "$tmp/$first-constant.due" "$tmp/$first-poisson.due" &&
	fail "constant and poisson arrivals gave the same due times"
echo "ok schedule"
