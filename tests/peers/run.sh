#!/bin/sh
# run.sh CLI PEER - run PEER through the driver and check that it ran the C
# models' workload: every request ok, latency never below the delay, and
# request by request the same body sizes (and delays) as fetch-sync draws
# from the same seed. Exit 77 (skipped) when the peer cannot run here.
set -u
cli=$1 peer=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL $peer: $*" >&2; exit 1; }
[ -x /usr/bin/python3 ] || { echo "$peer: skipped: no /usr/bin/python3" >&2; exit 77; }

# The issue's run: 200 requests at C = 20, 5 ms each, bodies of 0..20 KiB.
"$cli" run "$peer" -n 200 -c 20 --delay 5ms --size 0..20k --json >"$tmp/p.json"
rc=$?
[ $rc -eq 77 ] && exit 77
[ $rc -eq 0 ] || fail "exit status $rc: $(cat "$tmp/p.json")"
j=$tmp/p.json
[ "$(jq .ok "$j")" -eq 200 ] || fail "ok $(jq .ok "$j"); $(jq -c '.errors, .error_samples' "$j")"
[ "$(jq '[.errors[]] | add' "$j")" -eq 0 ] || fail "errors $(jq -c .errors "$j")"
[ "$(jq .latency_us.min "$j")" -ge 5000 ] || fail "latency min $(jq .latency_us.min "$j")us < 5ms"
"$cli" run sync -n 200 --delay 0ms --size 0..20k --json >"$tmp/s.json" ||
	fail "fetch-sync failed: $(cat "$tmp/s.json")"
[ "$(jq .bytes "$j")" -eq "$(jq .bytes "$tmp/s.json")" ] ||
	fail "bytes $(jq .bytes "$j"), fetch-sync's $(jq .bytes "$tmp/s.json")"

# Request by request: the sizes of uniform, exponential and rounded specs,
# and the delays of a wide range (a request never ends sooner than its own
# delay, so the peer is never more than a margin faster than sync on one;
# sync's own latency is only an upper bound of the delay, which a loaded
# machine can stretch on a few requests: a peer that ignored the delays
# would be faster on most of them, so more than a fifth fails).
for spec in "exp:3k --seed 7" "0.5k..1000.5 --seed 18446744073709551615" \
	    "3k --delay 0ms..100ms -n 40 --seed 3"; do
	# shellcheck disable=SC2086
	"$cli" run sync -n 300 --delay 0ms --size $spec --records "$tmp/s.csv" >/dev/null ||
		fail "fetch-sync --size $spec failed"
	# shellcheck disable=SC2086
	"$cli" run "$peer" -n 300 -c 30 --delay 0ms --size $spec --records "$tmp/p.csv" >/dev/null ||
		fail "--size $spec: exit status $?"
	sort -t, -k1,1n "$tmp/s.csv" | awk -F, 'NR > 1 { print $1, $8, $6 - $4 }' >"$tmp/s.txt"
	sort -t, -k1,1n "$tmp/p.csv" | awk -F, 'NR > 1 { print $1, $8, $6 - $4 }' >"$tmp/p.txt"
	paste -d' ' "$tmp/s.txt" "$tmp/p.txt" | awk -v spec="$spec" '
		$1 != $4 || $2 != $5 { print "request " $1 ": " $5 " bytes, fetch-sync " $2 " (--size " spec ")"; bad = 1; exit }
		$6 + 10e6 < $3 { if (!fast++) first = "request " $1 ": " $6 / 1e6 "ms, fetch-sync " $3 / 1e6 "ms" }
		END { if (!bad && fast * 5 > NR) { print first ", and " fast - 1 " more of " NR ": not the same delays (--size " spec ")"; bad = 1 }
		      exit bad }' >&2 || fail "the workload differs from fetch-sync's"
	[ "$(wc -l <"$tmp/s.txt")" -eq "$(wc -l <"$tmp/p.txt")" ] || fail "record counts differ (--size $spec)"
done
echo "ok $peer: $(jq -r '"\(.throughput_rps) req/s, p50 \(.latency_us.p50)us, bytes \(.bytes), threads \(.threads)"' "$j")"
