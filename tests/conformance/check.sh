#!/bin/sh
# check.sh CLI MODEL N C DELAY SIZE - run MODEL through the driver against the
# embedded server and check what every model promises: every request ok and
# checksummed, ok + errors == requests, one record per request, latency never
# below the server's delay, the body bytes the sizes ask for.
set -eu
cli=$1 model=$2 n=$3 c=$4 delay=$5 size=$6
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL $model n=$n c=$c delay=$delay size=$size: $*" >&2; exit 1; }

"$cli" run "$model" ${FL_RUN_ARGS:-} -n "$n" -c "$c" --delay "$delay" --size "$size" \
	--seed 7 --json --records "$tmp/records.csv" >"$tmp/out.json" ||
	fail "exit status $?: $(cat "$tmp/out.json")"
j=$tmp/out.json
[ "$(jq -r .model "$j")" = "$model" ] || fail "model is $(jq -r .model "$j")"
[ "$(jq .requests "$j")" -eq "$n" ] || fail "requests $(jq .requests "$j") != $n"
[ "$(jq .ok "$j")" -eq "$n" ] || fail "ok $(jq .ok "$j") != $n; errors $(jq -c .errors "$j") $(jq -c .error_samples "$j")"
[ "$(jq '[.errors[]] | add' "$j")" -eq 0 ] || fail "errors $(jq -c .errors "$j")"
[ "$(jq '.ok + ([.errors[]] | add)' "$j")" -eq "$n" ] || fail "ok + errors != requests"

# One record per request, each ok, each with start >= due and end >= start +
# the delay the request asked for (the server cannot answer sooner).
rows=$(tail -n +2 "$tmp/records.csv" | wc -l)
[ "$rows" -eq "$n" ] || fail "$rows records for $n requests"
[ "$(head -1 "$tmp/records.csv")" = "id,worker,due_ns,start_ns,first_byte_ns,end_ns,status,bytes,error,connect_us,tls_us,wait_us,transfer_us,handshake" ] ||
	fail "records header is $(head -1 "$tmp/records.csv")"
bad=$(awk -F, 'NR > 1 && ($9 != "ok" || $7 != 200 || $4 < $3 || $6 < $4) { n++ } END { print n + 0 }' "$tmp/records.csv")
[ "$bad" -eq 0 ] || fail "$bad records not ok, not 200, or out of time order"
ids=$(tail -n +2 "$tmp/records.csv" | cut -d, -f1 | sort -un | wc -l)
[ "$ids" -eq "$n" ] || fail "$ids distinct ids for $n requests"

# The minimum latency is at least the smallest possible delay.
min_us=$(jq '.latency_us.min' "$j")
case $delay in
*..*) lo=${delay%%..*} ;;
exp:*) lo=0 ;;
*) lo=$delay ;;
esac
lo_us=$(echo "$lo" | awk '/us$/ { print $0 + 0; next } /ms$/ { print ($0 + 0) * 1000; next }
	/s$/ { print ($0 + 0) * 1000000; next } { print ($0 + 0) * 1000 }')
awk -v m="$min_us" -v l="$lo_us" 'BEGIN { exit !(m + 1 >= l) }' ||
	fail "latency min ${min_us}us below the requested delay ${lo_us}us"
# Where the time went: each request's phases add up to no more than its
# latency (libcurl's clock starts a little after ours), and the wait holds
# the server's delay.
bad=$(awk -F, -v lo="$lo_us" 'NR > 1 && ($10 + $11 + $12 + $13 > ($6 - $4) / 1000 + 1 ||
	$12 + $13 + $10 + $11 + 1 < lo) { n++ } END { print n + 0 }' "$tmp/records.csv")
[ "$bad" -eq 0 ] || fail "$bad records whose phases exceed the latency or miss the delay"

# HTTPS and the connection setting: what was asked is what happened.
conns=$(jq .connections "$j") full=$(jq .tls_full "$j") resumed=$(jq .tls_resumed "$j")
case " ${FL_RUN_ARGS:-} " in
*" --tls "*)
	[ "$(jq .tls "$j")" = true ] || fail "tls is $(jq .tls "$j") over --tls"
	[ $((full + resumed)) -eq "$conns" ] ||
		fail "$full full + $resumed resumed handshakes for $conns connections" ;;
*)
	[ "$(jq .tls "$j")" = false ] || fail "tls is $(jq .tls "$j") over http"
	[ $((full + resumed)) -eq 0 ] || fail "$full + $resumed TLS handshakes over http" ;;
esac
case " ${FL_RUN_ARGS:-} " in
*" fresh "*)
	[ "$(jq -r .connection_mode "$j")" = fresh ] || fail "connection_mode $(jq -r .connection_mode "$j")"
	[ "$conns" -eq "$n" ] || fail "$conns connections for $n requests with --connections fresh"
	[ "$resumed" -eq 0 ] || fail "$resumed resumed handshakes with --connections fresh" ;;
*)
	[ "$(jq -r .connection_mode "$j")" = reuse ] || fail "connection_mode $(jq -r .connection_mode "$j")"
	[ "$conns" -le "$c" ] || fail "$conns connections for C = $c, reusing them" ;;
esac
echo "ok $model n=$n c=$c delay=$delay size=$size: $(jq -r '"\(.throughput_rps) req/s, p50 \(.latency_us.p50)us, threads \(.threads), \(.connections) connections, \(.tls_full) handshakes"' "$j")"
