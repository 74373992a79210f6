#!/usr/bin/env bash
# tls.sh - fetchlab-server --tls against nginx (one worker, ssl) on loopback,
# under wrk over https: small bodies on kept-alive connections, then fresh
# connections ("Connection: close") with a full handshake each. The two
# servers' runs alternate (A B A B A B) and the medians are compared, so the
# load of a shared machine falls on both alike. Both servers run on the
# last CPU, wrk on the others.
#
# nginx gets a P-256 leaf certificate signed by the CA fetchlab-server made
# in the scratch directory (--tls-dir), TLS 1.2 and 1.3 as ours, its other
# TLS settings as Debian ships them (tickets issued: so do ours). wrk would
# resume its sessions on reconnect; no_resume.c, preloaded, stops that, so
# every fresh connection is a full handshake on both servers (checked on
# nginx's log: RESULT nginx_resumed). wrk spends more CPU per request than
# the servers: on two CPUs the rates are wrk's, and the servers' CPU per
# request (and their share of their core) is the figure to compare.
#
# wrk and nginx-light are installed when missing, as ./fetchlab installs
# its packages (root or sudo without a password; else a line saying how).
#
# Usage: tls.sh BINDIR [DURATION, default 5s]
# Environment: ROUNDS (3) runs per server of each kind.
#
# Besides the human lines it prints machine-readable ones for `fetchlab bench`:
#   RESULT KEY VALUE   {ours,nginx}_{keep,fresh}_rps (median req/s),
#                      ..._cpu_us (the server's CPU per request, median),
#                      ..._cpu_pct (its share of one core then, median),
#                      nginx_resumed and nginx_handshakes (the check run's
#                      resumed handshakes and all of them)
#   SKIP KEY REASON    a part that cannot run here: all (exit 77), nginx
set -euo pipefail

bindir=${1:?usage: tls.sh BINDIR [DURATION, default 5s]}
dur=${2:-5s}
rounds=${ROUNDS:-3}
server=$bindir/fetchlab-server
here=$(cd "$(dirname "$0")" && pwd)
body=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef   # 64 bytes

# install_missing: wrk and nginx-light (which has ssl) from Debian when
# missing, as ./fetchlab installs its packages: as root, or with sudo that
# needs no password; else a line with the command and on without them.
install_missing() {
	local missing="" sudo=""
	command -v wrk >/dev/null || missing="$missing wrk"
	command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$missing nginx-light"
	[ -n "$missing" ] || return 0
	if [ "$(id -u)" != 0 ]; then
		if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
			sudo=sudo
		else
			echo "tls.sh: missing Debian packages:$missing; install them: sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing"
			return 0
		fi
	fi
	echo "tls.sh: installing$missing"
	$sudo apt-get update -qq >&2 &&
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends -qq$missing >&2 ||
		echo "tls.sh: apt-get install$missing failed"
}
install_missing
command -v wrk >/dev/null || { echo "SKIP all wrk is not installed (apt-get install wrk)"; exit 77; }
command -v openssl >/dev/null || { echo "SKIP all the openssl tool is not installed (apt-get install openssl)"; exit 77; }
command -v cc >/dev/null || { echo "SKIP all no C compiler for no_resume.c (apt-get install gcc)"; exit 77; }
[ -x "$server" ] || { echo "tls.sh: $server is not an executable" >&2; exit 2; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

. "$here/common.sh"

cc -shared -fPIC -O2 -o "$tmp/no_resume.so" "$here/no_resume.c" -ldl 2>"$tmp/cc.err" ||
	{ cat "$tmp/cc.err" >&2; echo "SKIP all no_resume.c does not build (libssl-dev?)"; exit 77; }

# Pinning: the servers on the last CPU, wrk on the others (none with one CPU).
ncpu=$(nproc)
server_cpu= client_cpus=
if [ "$ncpu" -ge 2 ] && command -v taskset >/dev/null; then
	server_cpu=$((ncpu - 1)) client_cpus=0-$((ncpu - 2))
	echo "(servers pinned to CPU $server_cpu, wrk to $client_cpus)"
fi
pin() { [ -z "$server_cpu" ] || taskset -apc "$server_cpu" "$1" >/dev/null; }
on_clients() { if [ -n "$client_cpus" ]; then taskset -c "$client_cpus" "$@"; else "$@"; fi; }

# free_port: a port the kernel has just handed out, hence free now.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_ours: fetchlab-server --tls with its CA in $tmp/ca; sets $ours, $ours_pid.
start_ours() {
	: >"$tmp/server.out"   # there before the loop reads it: the child opens it late
	"$server" --tls --tls-dir "$tmp/ca" --port 0 >"$tmp/server.out" &
	ours_pid=$!
	pids+=("$ours_pid")
	ours=
	for _ in $(seq 50); do
		ours=$(sed -n 's/^fetchlab-server listening on \(https:[^ ]*\).*/\1/p' "$tmp/server.out" 2>/dev/null || true)
		[ -n "$ours" ] && break
		sleep 0.1
	done
	[ -n "$ours" ] || { echo "tls.sh: fetchlab-server --tls printed no 'listening' line" >&2; exit 1; }
	pin "$ours_pid"
}

# sign_leaf: a P-256 key and a certificate for localhost and 127.0.0.1,
# signed by fetchlab-server's CA, in $tmp/nginx (nothing written beside the CA).
sign_leaf() {
	local d=$tmp/nginx
	printf '%s\n' 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature' \
		'extendedKeyUsage=serverAuth' 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1' >"$d/ext.cnf"
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
		-keyout "$d/leaf.key" -out "$d/leaf.csr" 2>"$d/openssl.err" &&
	openssl x509 -req -in "$d/leaf.csr" -CA "$tmp/ca/ca.pem" -CAkey "$tmp/ca/ca.key" \
		-set_serial "0x$(openssl rand -hex 8)" -days 2 -extfile "$d/ext.cnf" \
		-out "$d/leaf.pem" 2>>"$d/openssl.err" ||
		{ cat "$d/openssl.err" >&2; echo "tls.sh: cannot sign nginx's certificate" >&2; exit 1; }
}

# start_nginx: one worker, ssl, its own prefix under $tmp; two ports: $theirs
# without a log (measured), $check with one naming each handshake resumed
# or not. Sets $nginx_pid and $worker, or returns 1 after a SKIP line.
start_nginx() {
	local nginx port cport
	nginx=$(command -v nginx || true)
	[ -n "$nginx" ] || [ ! -x /usr/sbin/nginx ] || nginx=/usr/sbin/nginx
	[ -n "$nginx" ] || { echo "SKIP nginx nginx is not installed (apt-get install nginx-light)"; return 1; }
	mkdir -p "$tmp/nginx/logs"
	sign_leaf
	port=$(free_port) cport=$(free_port)
	{ nginx_head; cat <<-EOF
	    ssl_protocols TLSv1.2 TLSv1.3;
	    ssl_certificate $tmp/nginx/leaf.pem;
	    ssl_certificate_key $tmp/nginx/leaf.key;
	    log_format handshake "\$ssl_session_reused \$ssl_protocol";
	    server {
	        listen 127.0.0.1:$port ssl backlog=4096;
	        location /fetch { default_type application/octet-stream; return 200 "$body"; }
	    }
	    server {
	        listen 127.0.0.1:$cport ssl;
	        access_log $tmp/nginx/logs/check.log handshake;
	        location /fetch { default_type application/octet-stream; return 200 "$body"; }
	    }
	}
	EOF
	} >"$tmp/nginx/nginx.conf"
	"$nginx" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/logs/error.log" &
	nginx_pid=$!
	pids+=("$nginx_pid")
	theirs=https://127.0.0.1:$port check=https://127.0.0.1:$cport
	for _ in $(seq 50); do
		if curl -sf --cacert "$tmp/ca/ca.pem" -o /dev/null "$theirs/fetch"; then
			worker=$(cat "/proc/$nginx_pid/task/$nginx_pid/children")
			worker=${worker%% *}
			pin "$nginx_pid"
			pin "$worker"
			return 0
		fi
		sleep 0.1
	done
	echo "tls.sh: nginx did not come up:" >&2
	cat "$tmp/nginx/logs/error.log" >&2
	exit 1
}

# cpu_ticks PID: user+system CPU time of PID so far, in clock ticks.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# load URL PID [WRK OPTIONS]: one wrk run at C = 100 against the server
# process PID; prints "req/s requests cpu_us_per_request cpu_percent errors".
load() {
	local url=$1 pid=$2 t0 t1 c0 c1
	shift 2
	t0=$(date +%s.%N) c0=$(cpu_ticks "$pid")
	on_clients wrk -t2 -c100 -d"$dur" "$@" "$url" >"$tmp/wrk.out" 2>&1 || true
	t1=$(date +%s.%N) c1=$(cpu_ticks "$pid")
	awk -v c="$((c1 - c0))" -v s="$t0" -v e="$t1" -v hz="$(getconf CLK_TCK)" '
	/^Requests\/sec:/ { rps = $2 }
	/ requests in / { n = $1 }
	/Socket errors/ { err = $0; sub(/.*Socket errors: /, "", err); gsub(/ /, "", err) }
	/Non-2xx/ { err = err "non-2xx:" $NF }
	END { printf "%s %s %.1f %.0f %s\n", rps, n, (n > 0 ? c / hz / n * 1e6 : 0),
		100 * c / hz / (e - s), (err == "" ? "none" : err) }' "$tmp/wrk.out"
}

start_ours
have_nginx=1
start_nginx || have_nginx=0
fresh=(-H 'Connection: close')
path="/fetch?id=1&bytes=64"

if [ "$have_nginx" = 1 ]; then
	# The check: wrk with and without the shim against the logging port.
	LD_PRELOAD=$tmp/no_resume.so on_clients wrk -t1 -c10 -d1s "${fresh[@]}" "$check$path" >/dev/null 2>&1 || true
	read -r resumed all proto < <(awk '$1 == "r" { r++ } { p = $2 } END { print r + 0, NR, p }' \
		"$tmp/nginx/logs/check.log")
	: >"$tmp/nginx/logs/check.log"
	kill -USR1 "$nginx_pid"   # reopen the log
	sleep 0.2
	on_clients wrk -t1 -c10 -d1s "${fresh[@]}" "$check$path" >/dev/null 2>&1 || true
	sleep 0.2
	read -r plain_resumed plain_all < <(awk '$1 == "r" { r++ } END { print r + 0, NR }' \
		"$tmp/nginx/logs/check.log")
	echo "check: nginx $proto, handshakes resumed: $resumed of $all with no_resume.so, $plain_resumed of $plain_all by wrk alone"
	echo "RESULT nginx_resumed $resumed"
	echo "RESULT nginx_handshakes $all"
fi
proto=$(openssl s_client -connect "${ours#https://}" -CAfile "$tmp/ca/ca.pem" </dev/null 2>/dev/null |
	sed -n 's/^New, \(TLSv[0-9.]*\), Cipher is \(.*\)/\1 \2/p')
echo "check: fetchlab-server ${proto:-(openssl s_client saw no handshake)}"

for kind in keep fresh; do
	if [ "$kind" = keep ]; then
		echo "== kept-alive connections, 64 B bodies: wrk -t2 -c100 -d$dur, $rounds alternating runs each"
		opts=()
	else
		echo "== fresh connections, a full handshake each: LD_PRELOAD=no_resume.so wrk -t2 -c100 -d$dur -H 'Connection: close', $rounds alternating runs each"
		opts=("${fresh[@]}")
	fi
	echo "(CPU: the server's share of one core during the run; near 100% means the server is the bottleneck)"
	for r in $(seq "$rounds"); do
		for side in ours nginx; do
			[ "$side" = ours ] || [ "$have_nginx" = 1 ] || continue
			if [ "$side" = ours ]; then url=$ours pid=$ours_pid; else url=$theirs pid=$worker; fi
			if [ "$kind" = fresh ]; then
				read -r x n cpu pct e < <(LD_PRELOAD=$tmp/no_resume.so load "$url$path" "$pid" "${opts[@]}")
			else
				read -r x n cpu pct e < <(load "$url$path" "$pid")
			fi
			printf '  run %d  %-16s %8s req/s, %7s requests, server CPU %6s us/request (%s%%), errors: %s\n' \
				"$r" "$side" "$x" "$n" "$cpu" "$pct" "$e"
			echo "$x" >>"$tmp/$side.$kind.rps"
			echo "$cpu" >>"$tmp/$side.$kind.cpu"
			echo "$pct" >>"$tmp/$side.$kind.pct"
		done
	done
	for side in ours nginx; do
		[ -s "$tmp/$side.$kind.rps" ] || continue
		o=$(median <"$tmp/$side.$kind.rps") c=$(median <"$tmp/$side.$kind.cpu") p=$(median <"$tmp/$side.$kind.pct")
		echo "$side: $o req/s, server CPU $c us/request, $p% of a core (medians)"
		echo "RESULT ${side}_${kind}_rps $o"
		echo "RESULT ${side}_${kind}_cpu_us $c"
		echo "RESULT ${side}_${kind}_cpu_pct $p"
	done
done
