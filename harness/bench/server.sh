#!/usr/bin/env bash
# server.sh - fetchlab-server against nginx (one worker) on loopback, under wrk:
# small-body requests/s, then p99 latency with 10,000 connections that each
# wait 1 s. The two servers' runs alternate (A B A B A B) and the medians are
# compared, so the load of a shared machine falls on both alike.
#
# Usage: server.sh PATH-TO-fetchlab-server [DURATION, default 5s]
# Environment: ROUNDS (3) runs per server of each kind; P99_DURATION (10s).
#
# Besides the human lines it prints machine-readable ones for `fetchlab bench`:
#   RESULT KEY VALUE   ours_rps, nginx_rps (median req/s), ours_p99_ms,
#                      nginx_p99_ms (median p99 at 10,000 connections)
#   SKIP KEY REASON    a part that cannot run here: all (exit 77), nginx, p99
set -euo pipefail

server=${1:?usage: server.sh PATH-TO-fetchlab-server [DURATION, default 5s]}
dur=${2:-5s}
rounds=${ROUNDS:-3}
p99_dur=${P99_DURATION:-10s}
body=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef   # 64 bytes

command -v wrk >/dev/null || { echo "SKIP all wrk is not installed (apt-get install wrk)"; exit 77; }
[ -x "$server" ] || { echo "server.sh: $server is not an executable" >&2; exit 2; }
# wrk needs a descriptor per connection, and so do the servers, which
# inherit this limit: raise it before starting them.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

. "$(dirname "$0")/common.sh"

# start_ours: run fetchlab-server on a free port; sets $ours (base URL) and $ours_pid.
start_ours() {
	start_fetchlab_server "$server"
	ours=$url ours_pid=$server_pid
}

# free_port: a port the kernel has just handed out, hence free now.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_nginx: one worker, its own prefix under $tmp; sets $theirs or returns 1.
start_nginx() {
	local nginx mod port
	nginx=$(command -v nginx || true)
	[ -n "$nginx" ] || [ ! -x /usr/sbin/nginx ] || nginx=/usr/sbin/nginx
	[ -n "$nginx" ] || { echo "SKIP nginx nginx is not installed (apt-get install nginx-light libnginx-mod-http-echo)"; return 1; }
	for mod in /usr/lib/nginx/modules/ngx_http_echo_module.so \
		   /usr/share/nginx/modules/ngx_http_echo_module.so ""; do
		[ -z "$mod" ] || [ -f "$mod" ] && break
	done
	[ -n "$mod" ] || { echo "SKIP nginx the nginx echo module is not installed (apt-get install libnginx-mod-http-echo)"; return 1; }
	port=$(free_port)
	mkdir -p "$tmp/nginx/logs"
	{ echo "load_module $mod;"; nginx_head; cat <<-EOF
	    map \$arg_delay_ms \$delay_s { default 0; 1000 1; }
	    server {
	        listen 127.0.0.1:$port backlog=4096;
	        location /fetch {
	            default_type application/octet-stream;
	            if (\$arg_delay_ms = "") { return 200 "$body"; }
	            echo_sleep \$delay_s;
	            echo -n "$body";
	        }
	    }
	}
	EOF
	} >"$tmp/nginx/nginx.conf"
	"$nginx" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/logs/error.log" &
	nginx_pid=$!
	pids+=("$nginx_pid")
	theirs=http://127.0.0.1:$port
	for _ in $(seq 50); do
		curl -sf -o /dev/null "$theirs/fetch" && return 0
		sleep 0.1
	done
	echo "server.sh: nginx did not come up:" >&2
	cat "$tmp/nginx/logs/error.log" >&2
	exit 1
}

# rps URL: requests/s of one small-body wrk run.
rps() {
	wrk -t2 -c100 -d"$dur" "$1" | awk '/^Requests\/sec:/ { print $2 }'
}

# cpu_ticks PID: user+system CPU time of PID so far, in clock ticks.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# p99 URL PID: wrk with 10,000 connections against the server process PID;
# prints "p99_ms cpu_percent_of_one_core errors".
p99() {
	local t0 c0 c1 t1
	t0=$(date +%s.%N) c0=$(cpu_ticks "$2")
	wrk -t2 -c10000 -d"$p99_dur" --latency --timeout 5s "$1" >"$tmp/wrk.out" 2>&1 || true
	t1=$(date +%s.%N) c1=$(cpu_ticks "$2")
	awk -v cpu="$(awk -v a="$c0" -v b="$c1" -v s="$t0" -v e="$t1" -v hz="$(getconf CLK_TCK)" \
			'BEGIN { printf "%.0f", 100 * (b - a) / hz / (e - s) }')" '
	function ms(v) {
		if (v ~ /us$/) return v / 1000;
		if (v ~ /ms$/) return v + 0;
		if (v ~ /m$/)  return v * 60000;
		return v * 1000;     # seconds
	}
	$1 == "99%" { p = ms($2) }
	/Socket errors/ { e = $0; sub(/.*Socket errors: /, "", e) }
	/Non-2xx/ { e = e " non-2xx " $NF }
	END { printf "%.1f %s %s\n", p, cpu, (e == "" ? "none" : e) }' "$tmp/wrk.out"
}

start_ours
have_nginx=1
start_nginx || have_nginx=0

echo "== small body (64 B), wrk -t2 -c100 -d$dur, $rounds alternating runs each"
for r in $(seq "$rounds"); do
	x=$(rps "$ours/fetch?id=1&bytes=64")
	echo "  run $r  fetchlab-server $x req/s"
	echo "$x" >>"$tmp/ours.rps"
	if [ "$have_nginx" = 1 ]; then
		y=$(rps "$theirs/fetch?id=1&bytes=64")
		echo "  run $r  nginx           $y req/s"
		echo "$y" >>"$tmp/nginx.rps"
	fi
done
o=$(median <"$tmp/ours.rps")
echo "fetchlab-server: $o req/s (median)"
echo "RESULT ours_rps $o"
if [ "$have_nginx" = 1 ]; then
	t=$(median <"$tmp/nginx.rps")
	echo "nginx (1 worker): $t req/s (median)"
	echo "RESULT nginx_rps $t"
	awk -v o="$o" -v t="$t" 'BEGIN { printf "ratio ours/nginx: %.2f (target >= 0.8)\n", o / t }'
fi

echo "== 10,000 connections, 1 s delay, 64 B: wrk -t2 -c10000 -d$p99_dur --latency --timeout 5s, $rounds alternating runs each"
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 10100 ]; then
	echo "SKIP p99 the open-file limit is $(ulimit -n), 10,100 needed (raise the hard limit: ulimit -Hn, limits.conf)"
	exit 0
fi
echo "(CPU: the server's share of one core during the run; near 100% means the server is the bottleneck)"
[ "$have_nginx" = 0 ] || worker=$(cat "/proc/$nginx_pid/task/$nginx_pid/children")
for r in $(seq "$rounds"); do
	read -r p cpu e < <(p99 "$ours/fetch?delay_ms=1000&bytes=64" "$ours_pid")
	echo "  run $r  fetchlab-server: p99 ${p} ms, CPU ${cpu}%, socket errors: $e"
	echo "$p" >>"$tmp/ours.p99"
	if [ "$have_nginx" = 1 ]; then
		read -r p cpu e < <(p99 "$theirs/fetch?delay_ms=1000&bytes=64" "${worker%% *}")
		echo "  run $r  nginx (1 worker): p99 ${p} ms, CPU ${cpu}%, socket errors: $e"
		echo "$p" >>"$tmp/nginx.p99"
	fi
done
p=$(median <"$tmp/ours.p99")
echo "fetchlab-server: p99 $p ms (median; target < 1050)"
echo "RESULT ours_p99_ms $p"
if [ "$have_nginx" = 1 ]; then
	p=$(median <"$tmp/nginx.p99")
	echo "nginx (1 worker): p99 $p ms (median)"
	echo "RESULT nginx_p99_ms $p"
fi
