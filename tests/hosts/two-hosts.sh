#!/bin/sh
# two-hosts.sh CLI BINDIR - a class across a real network, in one machine:
# fetchlab serve --host 10.78.0.1 in one network namespace, the models in
# another, joined by a veth pair this test creates (and always removes).
# Every C model gets every body checked, over http and https (--ca); a
# server not on loopback has the shared limits; compare --quick --server
# (http and https) and demo --server measure against it and say so
# (machine.txt, the table); an unreachable --server is refused before
# --out is touched; and a tbf bandwidth limit on the link shows in the
# figures: the network matters.
# Needs root (ip netns, veth, tc): skips (77) without it.
set -u
cli=${1:?usage: two-hosts.sh CLI BINDIR}
bin=${2:?usage: two-hosts.sh CLI BINDIR}
fail() { echo "FAIL hosts: $*" >&2; exit 1; }
skip() { echo "SKIP hosts: $*"; exit 77; }

[ "$(id -u)" = 0 ] || skip "needs root to create network namespaces and a veth pair (run as root, as CI does)"
command -v ip >/dev/null && command -v tc >/dev/null || skip "needs ip and tc (apt-get install iproute2)"
command -v jq >/dev/null || skip "needs jq"

# Names of our own: this test may run beside another copy of itself or
# tests/server/limits.sh (10.77.0.1). Interface names: 15 bytes at most.
srv=fl-srv-$$ cl=fl-cli-$$ vs=flh$$s vc=flh$$c
addr=10.78.0.1 peer=10.78.0.2
tmp=$(mktemp -d)
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	ip netns del "$srv" 2>/dev/null   # takes the veth pair with it
	ip netns del "$cl" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# A copy of this test killed outright (SIGKILL: no trap) left its
# namespaces behind; its servers end by their own timeout.
for ns in $(ip netns list | sed -n 's/^\(fl-\(srv\|cli\)-[0-9]*\).*/\1/p'); do
	kill -0 "${ns##*-}" 2>/dev/null || ip netns del "$ns"
done
ip netns add "$srv" && ip netns add "$cl" || skip "ip netns add failed (no network namespaces here)"
ip link add "$vs" type veth peer name "$vc" || skip "no veth in this kernel"
ip link set "$vs" netns "$srv" && ip link set "$vc" netns "$cl" || fail "moving the veth ends"
ip -n "$srv" addr add "$addr/24" dev "$vs" && ip -n "$cl" addr add "$peer/24" dev "$vc" ||
	fail "addresses on the veth pair"
for ns in "$srv" "$cl"; do
	ip -n "$ns" link set lo up
done
ip -n "$srv" link set "$vs" up && ip -n "$cl" link set "$vc" up || fail "veth up"
in_cl() { ip netns exec "$cl" "$@"; }
# The link comes up in a moment (IPv4 needs no duplicate detection).
for _ in $(seq 50); do
	ip -n "$cl" -br link show "$vc" | grep -q ' UP ' && break
	sleep 0.1
done

# serve NAME ARGS...: fetchlab serve in the server's namespace, its URL in
# $url (and with --tls its CA in $ca).
serve() {
	name=$1; shift
	# Not through a shell function: $! must be the server's (timeout's,
	# which passes our TERM on), and ip netns exec execs what it runs.
	ip netns exec "$srv" timeout 170 "$cli" serve --host "$addr" "$@" >"$tmp/$name.out" 2>&1 &
	pids="$pids $!"
	url=
	for _ in $(seq 50); do
		url=$(sed -n 's/^fetchlab-server listening on \([^ ]*\).*/\1/p' "$tmp/$name.out" 2>/dev/null || true)
		[ -n "$url" ] && break
		sleep 0.1
	done
	[ -n "$url" ] || fail "serve $*: no 'listening on' line: $(cat "$tmp/$name.out")"
	ca=$(sed -n 's/^.* ca //p' "$tmp/$name.out")
}
serve http --port 8080
http=$url
serve https --port 8443 --tls --tls-dir "$tmp/tls"
https=$url
[ "$http" = "http://$addr:8080" ] && [ "$https" = "https://$addr:8443" ] && [ -s "$ca" ] ||
	fail "the servers: $http $https ca '$ca'"

# Reachable from the other namespace only through the veth pair, and shared
# by default there: a body over 64 MiB is refused, naming the limit.
in_cl curl -s "$http/fetch?id=1&bytes=67108865" | grep -q '^403 Forbidden: bytes over this shared server' ||
	fail "--host $addr did not have the shared limits"

# check FILE WHAT: the summary has every request ok and no checksum error.
check() {
	ok=$(jq .ok "$1") n=$(jq .requests "$1") sum=$(jq .errors.checksum "$1")
	[ "$ok" = "$n" ] && [ "$sum" = 0 ] || fail "$2: ok $ok of $n, checksum errors $sum: $(cat "$1")"
}
for m in sync threads eventloop coroutine offload; do
	n=300 c=30
	[ "$m" = sync ] && n=60
	in_cl "$bin/fetch-$m" -n $n -c $c --delay 2ms --size 1k..64k --server "$http" \
		--json >"$tmp/$m.json" 2>"$tmp/$m.err" || fail "$m over http: $(cat "$tmp/$m.err")"
	check "$tmp/$m.json" "$m over http"
	in_cl "$bin/fetch-$m" -n $n -c $c --delay 2ms --size 1k..64k --server "$https" --ca "$ca" \
		--json >"$tmp/$m-tls.json" 2>"$tmp/$m-tls.err" || fail "$m over https: $(cat "$tmp/$m-tls.err")"
	check "$tmp/$m-tls.json" "$m over https"
	echo "ok: $m across the veth: $(jq -r '"\(.ok)/\(.requests) over http \(.throughput_rps|floor) req/s"' "$tmp/$m.json"), $(jq -r '"https \(.throughput_rps|floor) req/s"' "$tmp/$m-tls.json")"
done

# An unreachable --server: refused at once, --out untouched.
in_cl "$cli" compare --quick --server "http://$addr:9" --out "$tmp/none" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q -- "--server http://$addr:9: cannot reach it" "$tmp/err" ||
	fail "compare --server to a closed port: $(cat "$tmp/err")"
[ ! -e "$tmp/none/data" ] || fail "compare --server to a closed port started a sweep"

# compare --quick against the remote server: the C models at C = 1 and 100
# and one work point keep it within a minute.
in_cl "$cli" compare --quick --server "$http" --models sync,threads,eventloop,coroutine,offload \
	--concurrency 1,100 --work 1ms --out "$tmp/cmp" >"$tmp/table" 2>"$tmp/cmp.err" ||
	fail "compare --quick --server: $(tail -5 "$tmp/cmp.err")"
grep -q "^measured against $http, a fetchlab-server of the user's (--server): shared limits" "$tmp/table" ||
	fail "the table does not name the server: $(head -3 "$tmp/table")"
grep -q "^server: *$http, .*shared limits" "$tmp/cmp/machine.txt" ||
	fail "machine.txt does not name the server: $(cat "$tmp/cmp/machine.txt")"
rows=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	$col["ok"] == $col["requests"] && $col["errors"] == 0 { good++ }
	END { print good + 0 " " NR - 1 }' "$tmp/cmp/data/summary.csv")
[ "${rows% *}" = "${rows#* }" ] && [ "${rows#* }" -ge 10 ] ||
	fail "compare's points not all ok (good, rows: $rows): $(cat "$tmp/cmp/data/summary.csv")"
echo "ok: compare --quick --server $http: ${rows#* } points, every request ok"

# Over https, with the CA the server printed: compare (two models, one
# point each) and demo's race.
in_cl "$cli" compare --quick --server "$https" --ca "$ca" --models eventloop,threads \
	--concurrency 20 --work none --out "$tmp/cmps" >"$tmp/table" 2>"$tmp/cmps.err" ||
	fail "compare --quick --server $https: $(tail -5 "$tmp/cmps.err")"
grep -q "^measured against $https, a fetchlab-server of the user's (--server, --ca $ca)" "$tmp/table" &&
	grep -q '^transport: *https' "$tmp/cmps/machine.txt" ||
	fail "compare over https: $(head -3 "$tmp/table"; cat "$tmp/cmps/machine.txt")"
rows=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	$col["ok"] == $col["requests"] && $col["tls"] == 1 && $col["tls_full"] > 0 { good++ }
	END { print good + 0 " " NR - 1 }' "$tmp/cmps/data/summary.csv")
[ "$rows" = "2 2" ] || fail "compare over https, rows ok with handshakes, of all: $rows"
echo "ok: compare --quick --server $https --ca: every request ok, over TLS"
in_cl "$cli" demo -n 200 -c 20 --delay 5ms --deadline 20 --models sync,eventloop \
	--server "$https" --ca "$ca" >"$tmp/demo" 2>&1 || fail "demo --server https: $(cat "$tmp/demo")"
grep -q "^server $https, deadline" "$tmp/demo" && grep -q '^eventloop .* 1st' "$tmp/demo" ||
	fail "demo --server $https: $(cat "$tmp/demo")"
echo "ok: demo --server $https --ca: the race names the server"

# The network matters: 16 Mbit/s on the server's side of the link, and
# 100 bodies of 32 KiB (3.3 MB) take at least 1.6 s instead of a blink.
in_cl "$bin/fetch-eventloop" -n 100 -c 20 --delay 0 --size 32k --server "$http" --json \
	>"$tmp/fast.json" || fail "eventloop before the limit"
tc -n "$srv" qdisc add dev "$vs" root tbf rate 16mbit burst 32kb latency 400ms ||
	fail "tc tbf on $vs"
in_cl "$bin/fetch-eventloop" -n 100 -c 20 --delay 0 --size 32k --server "$http" --json \
	>"$tmp/slow.json" || fail "eventloop under the limit"
check "$tmp/slow.json" "eventloop under tbf"
fast=$(jq .wall_s "$tmp/fast.json") slow=$(jq .wall_s "$tmp/slow.json")
awk -v s="$slow" 'BEGIN { exit !(s >= 1.3) }' ||
	fail "under 16 Mbit/s 3.3 MB took $slow s (at least 1.6 s expected)"
echo "ok: 100 x 32 KiB in $fast s on the bare veth, $slow s at 16 Mbit/s"
echo "hosts: ok"
