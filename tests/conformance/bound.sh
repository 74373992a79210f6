#!/bin/sh
# bound.sh SERVER MODEL - the saturation guard: a run whose client kept 90%
# of the cores it can use busy says so (client_bound in the JSON, a
# CLIENT-BOUND line in the table), and an easy run does not. The event loop
# at C = 1000 against a zero-delay server is bound by its one core; at
# C = 10 and a 50 ms delay it sleeps nearly all the time. The server and
# the client are pinned to separate CPUs (the test runs alone), so the
# client's core is its own.
set -eu
server=$1 model=$2
tmp=$(mktemp -d)
trap 'kill $spid 2>/dev/null || :; rm -rf "$tmp"' EXIT
fail() { echo "FAIL bound: $*" >&2; exit 1; }
. "$(dirname "$0")/../listening.sh"
ncpu=$(nproc)
if [ "$ncpu" -ge 2 ]; then pin_s="taskset -c $((ncpu - 1))" pin_c="taskset -c 0"; else pin_s="" pin_c=""; fi
$pin_s "$server" --port 0 >"$tmp/server.out" & spid=$!
listening "$tmp/server.out"
run() { $pin_c "$model" --server "$url" "$@"; }

run -n 20000 -c 1000 --delay 0 --json >"$tmp/hard.json" ||
	fail "the hard run failed: $(cat "$tmp/hard.json")"
jq -e '.client_bound == true and .client_busy >= 0.9' "$tmp/hard.json" >/dev/null ||
	fail "C = 1000, no delay: $(jq -c '{client_busy, client_bound, throughput_rps}' "$tmp/hard.json")"
run -n 200 -c 10 --delay 50ms --json >"$tmp/easy.json" ||
	fail "the easy run failed: $(cat "$tmp/easy.json")"
jq -e '.client_bound == false and .client_busy < 0.5' "$tmp/easy.json" >/dev/null ||
	fail "C = 10, 50 ms: $(jq -c '{client_busy, client_bound}' "$tmp/easy.json")"
run -n 20000 -c 1000 --delay 0 >"$tmp/hard.txt" || fail "the table run failed"
grep -q 'CLIENT-BOUND' "$tmp/hard.txt" || fail "no CLIENT-BOUND line: $(tail -3 "$tmp/hard.txt")"
echo "ok bound: C = 1000 busy $(jq .client_busy "$tmp/hard.json") (bound), C = 10 busy $(jq .client_busy "$tmp/easy.json")"
