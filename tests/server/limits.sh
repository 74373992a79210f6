#!/bin/sh
# limits.sh SERVER - what one request may ask of fetchlab-server. On
# loopback: bodies up to 1 TiB, pause_ms up to 10 s; shared (--shared, or a
# --host that is not loopback, here in a network namespace of its own):
# bodies up to 64 MiB, delays up to 100 s, no pause_ms, each refusal a 403
# naming the limit. Always: 10 s of pause_ms a minute for all clients
# together (pipelined pauses froze the server for their sum).
set -u
server=${1:?usage: limits.sh PATH-TO-fetchlab-server}
tmp=$(mktemp -d)
pids=
trap 'kill $pids 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL limits: $*" >&2; exit 1; }
. "$(dirname "$0")/../listening.sh"

# start NAME ARGS...: a server, its URL in $url
start() {
	name=$1; shift
	"$server" --port 0 "$@" >"$tmp/$name.out" &
	pids="$pids $!"
	listening "$tmp/$name.out" "$name"
}
# code URL: the status of a HEAD (no body: a 1 TiB answer is only promised)
code() { curl -s -I -o /dev/null -w '%{http_code}' "$1"; }
body() { curl -s "$1"; }

start loop
[ "$(code "$url/fetch?id=1&bytes=1099511627776")" = 200 ] || fail "loopback refused a 1 TiB body"
start shared --shared
[ "$(code "$url/fetch?id=1&bytes=67108864")" = 200 ] || fail "shared refused 64 MiB"
body "$url/fetch?id=1&bytes=67108865" | grep -q '^403 Forbidden: bytes over this shared server.s limit, 64 MiB' ||
	fail "shared: bytes over 64 MiB: $(body "$url/fetch?id=1&bytes=67108865")"
body "$url/fetch?id=1&bytes=8&delay_ms=100001" | grep -q '^403 Forbidden: delay over' ||
	fail "shared: a delay over 100 s was not refused"
body "$url/fetch?id=1&bytes=8&pause_ms=10" | grep -q '^403 Forbidden: pause_ms stops the server for everyone' ||
	fail "shared: pause_ms was not refused"

# The pause budget, on loopback: 6 s, then 6 s more is over 10 s a minute.
start budget
t0=$(date +%s)
[ "$(code "$url/fetch?id=1&bytes=8&pause_ms=6000")" = 200 ] || fail "the first 6 s pause"
body "$url/fetch?id=2&bytes=8&pause_ms=6000" | grep -q '^403 Forbidden: pause_ms over its budget' ||
	fail "a second 6 s pause within the minute was not refused"
[ $(( $(date +%s) - t0 )) -lt 10 ] || fail "the refused pause paused"

# A --host that is not loopback is shared by default (a namespace of our own).
if unshare -n true 2>/dev/null && command -v ip >/dev/null; then
	unshare -n sh -c "ip link set lo up && ip addr add 10.77.0.1/32 dev lo &&
		{ \"$server\" --host 10.77.0.1 --port 8080 >/dev/null & sleep 0.5;
		  curl -s 'http://10.77.0.1:8080/fetch?id=1&bytes=67108865'; kill \$!; }" >"$tmp/ns" 2>&1
	grep -q '^403 Forbidden: bytes over this shared server' "$tmp/ns" ||
		fail "--host 10.77.0.1 was not shared by default: $(cat "$tmp/ns")"
	echo "ok: --host 10.77.0.1 (a namespace's own) has the shared limits"
fi
echo "limits: ok"
