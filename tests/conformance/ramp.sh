#!/bin/sh
# ramp.sh CLI MODEL - the event-driven models open their C lanes a batch per
# turn of the loop, so the first answers come back while later lanes are
# still being opened. Opening all C at once would put every first request
# behind every connect: then no request could end before the last one
# starts. At C = 2000 with no delay, some must.
set -eu
cli=$1 model=$2
n=2000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL ramp $model: $*" >&2; exit 1; }

"$cli" run "$model" -n "$n" -c "$n" --delay 0 --json --records "$tmp/records.csv" \
	>"$tmp/out.json" || fail "exit status $?: $(cat "$tmp/out.json")"
[ "$(jq .ok "$tmp/out.json")" -eq "$n" ] || fail "ok $(jq .ok "$tmp/out.json") != $n"
# Columns: id,worker,due_ns,start_ns,first_byte_ns,end_ns,...
awk -F, 'NR > 1 {
	if (first_end == "" || $6 < first_end) first_end = $6
	if ($4 > last_start) last_start = $4
	ends[NR] = $6
} END {
	for (i in ends) if (ends[i] < last_start) before++
	printf "first end %.1f ms, last start %.1f ms, %d of %d ended before it\n",
	       first_end / 1e6, last_start / 1e6, before, NR - 1
	exit !(before > 0)
}' "$tmp/records.csv" >"$tmp/verdict" || fail "$(cat "$tmp/verdict"): every lane was opened before any request ended"
echo "ramp $model: $(cat "$tmp/verdict")"
