#!/bin/sh
# tls.sh CLI SERVER PEER - #18 in a peer: --connections reuse|fresh and the
# phases over http, then over https (fetchlab run --tls): verified by --ca,
# a connection and a full handshake per request when fresh, a server of
# another CA refused, each TLS fault kind counted as class tls, and
# ok + errors == requests in every run. Exit 77 (skipped) when the peer
# cannot run here.
set -u
cli=${1:?usage: tls.sh CLI SERVER PEER} server=${2:?} peer=${3:?}
tmp=$(mktemp -d)
srv=
cleanup() { [ -z "$srv" ] || kill "$srv" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL tls $peer: $*" >&2; exit 1; }
. "$(dirname "$0")/../listening.sh"
[ -x /usr/bin/python3 ] || { echo "$peer: skipped: no /usr/bin/python3" >&2; exit 77; }
# The server's CA in here, not in the user's cache.
export FETCHLAB_TLS_DIR="$tmp/tls"

# run NAME ARGS...: the peer through the driver, its JSON in $tmp/NAME.json
# and its records in $tmp/NAME.csv; every request ended in one class.
run() {
	name=$1; shift
	"$cli" run "$peer" --json --records "$tmp/$name.csv" "$@" >"$tmp/$name.json" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 77 ] && exit 77
	[ $rc -eq 0 ] || fail "$*: exit status $rc: $(cat "$tmp/err" "$tmp/$name.json")"
	[ "$(j "$name" '.ok + ([.errors[]] | add)')" -eq "$(j "$name" .requests)" ] ||
		fail "$*: ok + errors != requests: $(j "$name" -c '[.ok, .errors]')"
}
j() { name=$1; shift; jq "$@" "$tmp/$name.json"; }
want() { # NAME JQ-EXPRESSION WHAT: the expression holds for run NAME
	[ "$(j "$1" "$2")" = true ] ||
		fail "$1: $3: $(j "$1" -c '{ok, errors, error_samples, injected, connections, tls_full, tls_resumed}')"
}

# The phases of each ok request add up to no more than its latency (each
# is rounded down) and, on the mean, to most of it: what is left is the
# bookkeeping after the last byte. A records row per request, the new
# columns last.
phases() { # NAME
	head -1 "$tmp/$1.csv" | grep -q ',error,connect_us,tls_us,wait_us,transfer_us,handshake$' ||
		fail "$1: records header $(head -1 "$tmp/$1.csv")"
	awk -F, 'NR > 1 && $9 == "ok" {
		lat = int(($6 - $4) / 1000); sum = $10 + $11 + $12 + $13
		if (sum > lat) { print "request " $1 ": phases " sum " us > latency " lat " us"; exit 1 }
		n++; tl += lat; ts += sum }
	END { if (n && ts < 0.8 * tl - 500) { print "phases " ts / n " us of a mean latency " tl / n " us"; exit 1 } }' \
		"$tmp/$1.csv" >&2 || fail "$1: the phases do not add up to the latency"
}

# Over http: fresh opens a connection per request, reuse at most C; no TLS.
for mode in reuse fresh; do
	run "http-$mode" -n 200 -c 10 --delay 2ms --connections "$mode"
	want "http-$mode" ".ok == 200 and .tls == false and .connection_mode == \"$mode\" and
		.tls_full == 0 and .tls_resumed == 0 and .tls_us.p99 == 0" "http, $mode"
	phases "http-$mode"
	! grep -v -e ',none$' -e '^id,' "$tmp/http-$mode.csv" | grep -q . ||
		fail "http-$mode: a handshake over http"
done
want http-fresh '.connections == 200 and .connect_us.p50 > 0' "fresh: a connection per request"
want http-reuse '.connections >= 1 and .connections <= 10 and .connect_us.p50 == 0' \
	"reuse: at most C connections"
# The new keys in the C models' order (the C's JSON has some more).
"$cli" run eventloop -n 20 -c 2 --delay 0 --json >"$tmp/c.json" || fail "fetch-eventloop failed"
jq -c '[keys_unsorted[] | select(. as $k | $p | index($k))]' --argjson p "$(j http-reuse -c keys_unsorted)" \
	"$tmp/c.json" >"$tmp/c.keys"
j http-reuse -c '[keys_unsorted[] | select(. as $k | $c | index($k))]' --argjson c "$(jq -c keys_unsorted "$tmp/c.json")" \
	>"$tmp/p.keys"
cmp -s "$tmp/c.keys" "$tmp/p.keys" || fail "JSON keys $(cat "$tmp/p.keys"), in fetch-eventloop's order $(cat "$tmp/c.keys")"
for k in connections tls connection_mode tls_full tls_resumed connect_us tls_us wait_us transfer_us; do
	grep -q "\"$k\"" "$tmp/p.keys" || fail "no JSON key $k"
done
# Connections open at once: at most C, where the peer sees them close
# (python-threads' http.client does; aiohttp tells nothing of a close).
case $peer in
python-threads)
	for mode in reuse fresh; do
		want "http-$mode" '.connections_peak >= 1 and .connections_peak <= 10' \
			"connections_peak $(j "http-$mode" .connections_peak), wanted 1 to C = 10"
	done ;;
*)	want http-reuse 'has("connections_peak") | not' "connections_peak without counting closes" ;;
esac
echo "ok $peer over http: reuse $(j http-reuse .connections) connections, fresh $(j http-fresh .connections) for 200 requests"

# Over https, verified against the embedded server's CA.
run https-reuse --tls -n 200 -c 10 --delay 1ms
want https-reuse '.ok == 200 and .tls and .connections <= 10 and .tls_full + .tls_resumed == .connections
	and .connect_us.p50 == 0 and .tls_us.p50 == 0' "https, reuse"
run https-fresh --tls -n 200 -c 10 --delay 1ms --connections fresh
want https-fresh '.ok == 200 and .tls and .connections == 200 and .tls_full == 200 and .tls_resumed == 0
	and .tls_us.p50 > 0' "https, fresh: a full handshake per request"
phases https-reuse
phases https-fresh
[ "$(grep -c ',ok,.*,full$' "$tmp/https-fresh.csv")" -eq 200 ] || fail "https-fresh: records' handshake not full"
echo "ok $peer over https: reuse $(j https-reuse .throughput_rps) req/s ($(j https-reuse .connections) connections)," \
	"fresh $(j https-fresh .throughput_rps) req/s (TLS $(j https-fresh .tls_us.mean) us a handshake)"

# Each TLS fault kind, for every request: class tls, counted exactly.
for kind in tls_unknown_ca tls_wrong_host tls_expired tls_reset; do
	run "$kind" --tls -n 20 -c 4 --delay 0 --faults "$kind=1"
	want "$kind" ".ok == 0 and .errors.tls == 20 and .injected.$kind == 20 and .tls_full == 0" "$kind=1"
done
# Mixed with the HTTP kinds, either way: the TLS kinds' injections are the tls errors.
for mode in reuse fresh; do
	run "mixed-$mode" --tls -n 200 -c 10 --delay 1ms --connections "$mode" \
		--faults tls_unknown_ca=0.05,tls_wrong_host=0.05,tls_expired=0.05,tls_reset=0.05,reset=0.05,http500=0.05
	want "mixed-$mode" '.errors.tls == .injected.tls_unknown_ca + .injected.tls_wrong_host +
		.injected.tls_expired + .injected.tls_reset and .errors.tls > 0 and .errors.http == .injected.http500' \
		"$mode: injected TLS faults != errors.tls"
done
echo "ok $peer: the TLS fault kinds, $(j mixed-fresh .errors.tls) of $(j mixed-fresh .injected | jq -c .) as class tls"

# A server whose certificate another CA signed: every request is class tls.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=other \
	-keyout "$tmp/other.key" -out "$tmp/other.pem" 2>/dev/null || fail "openssl could not make a CA"
"$server" --tls --port 0 >"$tmp/srv.out" 2>&1 &
srv=$!
listening "$tmp/srv.out" fetchlab-server
url=${url%% *}
for mode in reuse fresh; do
	"$cli" run "$peer" --server "$url" --ca "$tmp/other.pem" -n 20 -c 4 --delay 0 \
		--connections "$mode" --json >"$tmp/other-$mode.json" || fail "--ca of another CA: exit $?"
	want "other-$mode" '.ok == 0 and .errors.tls == 20' "--ca of another CA, $mode"
done
"$cli" run "$peer" --server "$url" -n 4 -c 2 --delay 0 --json >"$tmp/system.json" || fail "no --ca: exit $?"
want system '.errors.tls == 4' "no --ca: the system's store must not trust the server"

# And under uvloop, python-asyncio's handshakes are timed the same way.
if [ "$peer" = python-asyncio ] && /usr/bin/python3 -c 'import uvloop' 2>/dev/null; then
	run uvloop --tls --uvloop -n 100 -c 10 --delay 1ms --connections fresh --faults tls_reset=0.1
	want uvloop '.ok + .errors.tls == 100 and .errors.tls == .injected.tls_reset and
		.tls_full == .ok and .tls_us.p50 > 0 and .connect_us.p50 > 0' "--uvloop, fresh"
	echo "ok $peer --uvloop over https fresh: $(j uvloop .throughput_rps) req/s"
fi
echo "ok $peer: TLS"
