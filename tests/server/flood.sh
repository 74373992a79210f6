#!/bin/sh
# flood.sh SERVER MODEL - honest clients are served beside a slowloris
# flood. Two holders (hold.py) open 10,500 connections each, every one with
# part of a request and never the rest: more than the server's descriptor
# limit allows (20,000 here). Before the connection cap, they took every
# descriptor and the honest clients got nothing; now the oldest of them is
# closed for each newcomer, and the header timeout closes the rest. Then
# each timeout alone, with a server set to half a second.
set -eu
server=$1 model=$2
here=$(dirname "$0")
tmp=$(mktemp -d)
pids=""
trap 'kill $pids 2>/dev/null || :; wait 2>/dev/null || :; rm -rf "$tmp"' EXIT
fail() { echo "FAIL flood: $*" >&2; exit 1; }
. "$(dirname "$0")/../listening.sh"

# start NAME ARGS...: a server, its URL in $url, host and port in $host $port
start() {
	name=$1; shift
	"$server" --port 0 "$@" >"$tmp/$name.out" & pids="$pids $!"
	listening "$tmp/$name.out" "$name"
	hp=${url#http://} host=${hp%:*} port=${hp##*:}
}
# wait_line FILE: until FILE has a line (at most 60 s)
wait_line() {
	for _ in $(seq 600); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	fail "no line in $1"
}

start flood
"$here/hold.py" "$host" "$port" 10500 60 >"$tmp/hold1" 2>&1 & pids="$pids $!"
"$here/hold.py" "$host" "$port" 10500 60 >"$tmp/hold2" 2>&1 & pids="$pids $!"
wait_line "$tmp/hold1"
wait_line "$tmp/hold2"
"$model" -n 1000 -c 10 --delay 1ms --timeout 10s --server "$url" --json \
	>"$tmp/honest.json" 2>"$tmp/honest.err" || :
ok=$(jq .ok "$tmp/honest.json" 2>/dev/null || echo 0)
p99=$(jq '.latency_us.p99' "$tmp/honest.json" 2>/dev/null || echo -1)
[ "$ok" -ge 990 ] ||
	fail "honest ok $ok of 1000 beside $(cat "$tmp/hold1") + $(cat "$tmp/hold2") ($(head -c 300 "$tmp/honest.err"))"
[ "$p99" -lt 100000 ] || fail "honest p99 $p99 us (bound 100 ms)"
echo "ok flood: honest $ok/1000 ok, p99 $p99 us, beside $(cat "$tmp/hold1") and $(cat "$tmp/hold2") partial requests"

# The header timeout: part of a request, then nothing, closed in 0.5 s.
start timeouts --header-timeout 0.5 --idle-timeout 0.5
"$here/hold.py" "$host" "$port" 50 10 >"$tmp/partial" & partial=$!
# The idle timeout: a connection that asks nothing.
python3 - "$host" "$port" >"$tmp/idle" <<'PY' &
import socket, sys, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
t = time.monotonic()
s.settimeout(10)
print("idle closed after %.2f s" % (time.monotonic() - t) if s.recv(1) == b"" else "idle got data")
PY
idle=$!
start=$(date +%s)
wait "$partial"
wait "$idle"
grep -q 'closed by the server 50 of 50' "$tmp/partial" || fail "header timeout: $(cat "$tmp/partial")"
grep -q 'idle closed after 0\.[4-9]\|idle closed after [1-4]\.' "$tmp/idle" || fail "idle timeout: $(cat "$tmp/idle")"
[ $(($(date +%s) - start)) -lt 8 ] || fail "the timeouts took $(($(date +%s) - start)) s"
echo "ok timeouts: $(tail -1 "$tmp/partial") within 0.5 s; $(cat "$tmp/idle")"
