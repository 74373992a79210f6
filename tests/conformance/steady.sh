#!/bin/sh
# steady.sh CLI MODEL - the steady-state throughput and the concurrency
# achieved are what docs/methodology.md defines, recomputed here from the
# per-request records: the ok requests that ended after every lane had
# finished its first request and no later than the last claim (start),
# over that window; the requests in flight, their mean over the window and
# their peak. The JSON must agree (0.5%, 1% for the mean in flight, whose
# window edges the JSON rounds to the microsecond), and the peak never
# exceeds C (sync's is 1); the connections open at once are at least the
# requests in flight and at most the connections opened.
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
set -- $(awk -F, 'NR > 1 {
	if (!($2 in first) || $6 < first[$2]) first[$2] = $6
	if ($4 > to) to = $4
	start[NR] = $4; end[NR] = $6; ok[NR] = ($9 == "ok")
} END {
	for (w in first) if (first[w] > from) from = first[w]
	for (i in end) {
		if (ok[i] && end[i] > from && end[i] <= to) n++
		a = start[i] > from ? start[i] : from; b = end[i] < to ? end[i] : to
		if (b > a) area += b - a
	}
	printf "%.1f %.2f", n / ((to - from) / 1e9), area / (to - from)
}' "$tmp/r.csv")
ours=$1 inflight=$2
awk -v a="$json" -v b="$ours" 'BEGIN { exit !(a > 0 && (a - b) / b < 0.005 && (b - a) / b < 0.005) }' ||
	fail "steady_rps $json in the JSON, $ours from the records"
mean=$(jq .in_flight_mean "$tmp/out.json")
awk -v a="$mean" -v b="$inflight" 'BEGIN { exit !(a > 0 && (a - b) / b < 0.01 && (b - a) / b < 0.01) }' ||
	fail "in_flight_mean $mean in the JSON, $inflight from the records"
peak=$(jq .in_flight_peak "$tmp/out.json")
[ "$peak" -ge 1 ] && [ "$peak" -le 100 ] || fail "in_flight_peak $peak, not within 1..C = 100"
# Connections open at once: an HTTP/1.1 request in flight holds one, so at
# least the peak in flight, and at most every connection the run opened.
# (The Python peers do not count their connections.)
conns=$(jq .connections_peak "$tmp/out.json")
opened=$(jq .connections "$tmp/out.json")
case $model in
python-*) ;;
*)	[ "$conns" -ge "$peak" ] && [ "$conns" -le "$opened" ] ||
		fail "connections_peak $conns, not within in_flight_peak $peak..connections opened $opened" ;;
esac
echo "ok steady $model: $json req/s (records: $ours), whole run $(jq .throughput_rps "$tmp/out.json"); in flight $mean (records: $inflight), peak $peak; connections open at most $conns"
