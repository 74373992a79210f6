#!/bin/sh
# steady.sh CLI MODEL - the steady-state throughput is what
# docs/methodology.md defines, recomputed here from the per-request
# records: the ok requests that ended after every lane had finished its
# first request and no later than the last claim (start), over that
# window. The JSON's steady_rps must agree within 0.5%.
set -eu
cli=$1 model=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL steady $model: $*" >&2; exit 1; }

"$cli" run "$model" -n 3000 -c 100 --delay 10ms --json --records "$tmp/r.csv" \
	>"$tmp/out.json" || fail "exit status $?: $(cat "$tmp/out.json")"
json=$(jq .steady_rps "$tmp/out.json")
[ "$json" != null ] || fail "no steady_rps: $(cat "$tmp/out.json")"
# Columns: id,worker,due_ns,start_ns,first_byte_ns,end_ns,status,bytes,error
ours=$(awk -F, 'NR > 1 {
	if (!($2 in first) || $6 < first[$2]) first[$2] = $6
	if ($4 > to) to = $4
	end[NR] = $6; ok[NR] = ($9 == "ok")
} END {
	for (w in first) if (first[w] > from) from = first[w]
	for (i in end) if (ok[i] && end[i] > from && end[i] <= to) n++
	printf "%.1f", n / ((to - from) / 1e9)
}' "$tmp/r.csv")
awk -v a="$json" -v b="$ours" 'BEGIN { exit !(a > 0 && (a - b) / b < 0.005 && (b - a) / b < 0.005) }' ||
	fail "steady_rps $json in the JSON, $ours from the records"
echo "ok steady $model: $json req/s (records: $ours), whole run $(jq .throughput_rps "$tmp/out.json")"
