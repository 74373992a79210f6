#!/bin/sh
# omission.sh CLI - coordinated omission, measured. sync serves one request
# at a time: at 50 ms a request, 20 req/s. Offered 40 req/s, every request
# waits behind the ones before it, longer and longer. The latency from the
# start hides that (each request, once started, takes ~50 ms); the latency
# from the due time shows it, and grows with the length of the run.
# Generous margins: the machine is shared.
set -eu
cli=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL openloop omission: $*" >&2; exit 1; }

for n in 40 80; do   # 1 s and 2 s of arrivals
	"$cli" run sync --rate 40 -n $n --delay 50ms --json >"$tmp/n$n.json" ||
		fail "sync --rate 40 -n $n: exit status $?"
	[ "$(jq '.ok == .requests' "$tmp/n$n.json")" = true ] ||
		fail "-n $n: errors $(jq -c .errors "$tmp/n$n.json")"
done
p99() { jq ".$2.p99" "$tmp/n$1.json"; }
short_due=$(p99 40 latency_from_due_us) long_due=$(p99 80 latency_from_due_us)
short=$(p99 40 latency_us) long=$(p99 80 latency_us)
echo "sync at 40 req/s, 50 ms: p99 from start ${short} us (-n 40), ${long} us (-n 80);" \
     "from due ${short_due} us, ${long_due} us"

awk -v s="$short_due" -v l="$long_due" 'BEGIN { exit !(l > 1.3 * s) }' ||
	fail "p99 from due did not grow with the run: $short_due us, then $long_due us"
awk -v d="$long_due" -v u="$long" 'BEGIN { exit !(d > 4 * u) }' ||
	fail "p99 from due ${long_due} us is not 4x the p99 from start ${long} us"
for u in "$short" "$long"; do
	awk -v u="$u" 'BEGIN { exit !(u < 150000) }' ||
		fail "p99 from start ${u} us: not near the 50 ms delay (< 3x)"
done
echo "ok omission: from due grows x$(awk -v s="$short_due" -v l="$long_due" 'BEGIN { printf "%.2f", l / s }'), from start stays near the delay"
