#!/usr/bin/env bash
# efficiency.sh - how well fetch-eventloop keeps C requests in flight, with
# wrk (one thread, the same C) on the same fetchlab-server for comparison.
#
# Efficiency is throughput x delay / C: 1.0 when every one of the C lanes
# always has a request waiting on the server. What keeps it below 1 is the
# client's own time per request, and the start: opening C connections, each
# on fresh memory, before the first requests go out. Both tools pay that
# start, so both run for the same time: fetch-eventloop with
# -n = C x DURATION / delay (whole waves), wrk with -d DURATION. Their runs
# alternate, ROUNDS times each, and the medians are compared.
#
# With two CPUs or more, the server runs on the last one and the clients
# (fetch-eventloop, wrk) on the others, as if on two machines. Sharing a
# CPU, a client that the server's answer wakes waits for the server's time
# slice to end: 1-2 ms on every request at C = 200, and runs that swing
# between 93% and 98% at C = 1000 as the scheduler moves them about.
#
# Usage: efficiency.sh BINDIR [POINT...]   (BINDIR holds fetchlab-server and
# fetch-eventloop; a POINT is C:DELAY_MS:SECONDS, default 1000:50:10 and
# 10000:1000:20, the two targets of results/bench.md's loop suite). Environment: ROUNDS (3).
#
# Besides the human lines it prints machine-readable ones for `fetchlab bench`:
#   RESULT ev_C VALUE, RESULT wrk_C VALUE   median efficiency at C, percent
#   SKIP wrk REASON                         no wrk: ours alone
#   SKIP C REASON                           C does not fit the descriptor limit
set -euo pipefail

bindir=${1:?usage: efficiency.sh BINDIR [C:DELAY_MS:SECONDS...]}
shift
points=("$@")
[ ${#points[@]} -gt 0 ] || points=(1000:50:10 10000:1000:20)
rounds=${ROUNDS:-3}

for exe in fetchlab-server fetch-eventloop; do
	[ -x "$bindir/$exe" ] || { echo "efficiency.sh: no $bindir/$exe; build it first" >&2; exit 2; }
done
have_wrk=1
command -v wrk >/dev/null || { have_wrk=0; echo "SKIP wrk wrk is not installed (apt-get install wrk)"; }
# A descriptor per connection in each process: raise the soft limit to the
# hard one before starting the server, which inherits it.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fds=$(ulimit -n)

. "$(dirname "$0")/common.sh"
ncpu=$(nproc)
server_cpu= client_cpus=
if [ "$ncpu" -ge 2 ] && command -v taskset >/dev/null; then
	server_cpu=$((ncpu - 1)) client_cpus=0-$((ncpu - 2))
	echo "server on CPU $server_cpu, clients on CPU $client_cpus"
fi
# on CPUS CMD...: run CMD on CPUS (all when empty).
on() { local cpus=$1; shift; if [ -n "$cpus" ]; then taskset -c "$cpus" "$@"; else "$@"; fi; }
start_fetchlab_server "$bindir/fetchlab-server"
[ -z "$server_cpu" ] || taskset -pc "$server_cpu" "$server_pid" >/dev/null

# eff RPS DELAY_MS C: efficiency in percent.
eff() { awk -v r="$1" -v d="$2" -v c="$3" 'BEGIN { printf "%.1f\n", 100 * r * d / 1000 / c }'; }

for point in "${points[@]}"; do
	IFS=: read -r c delay secs <<<"$point"
	if [ $((c + 100)) -gt "$fds" ]; then
		echo "SKIP $c C = $c needs $((c + 100)) descriptors; the limit is $fds (ulimit -Hn)"
		continue
	fi
	n=$((c * secs * 1000 / delay))
	echo "C=$c, delay ${delay} ms, ${secs} s: fetch-eventloop -n $n, wrk -t1 -d${secs}s; $rounds rounds each, alternating"
	: >"$tmp/ev.$c"
	: >"$tmp/wrk.$c"
	for r in $(seq "$rounds"); do
		on "$client_cpus" "$bindir/fetch-eventloop" -n "$n" -c "$c" --delay "${delay}ms" --size 1k \
			--server "$url" --json >"$tmp/ev.json"
		grep -q "\"ok\":$n," "$tmp/ev.json" ||
			{ echo "efficiency.sh: fetch-eventloop failed requests:" >&2; cat "$tmp/ev.json" >&2; exit 1; }
		rps=$(sed -n 's/.*"throughput_rps":\([0-9.]*\).*/\1/p' "$tmp/ev.json")
		eff "$rps" "$delay" "$c" >>"$tmp/ev.$c"
		line="round $r: fetch-eventloop $rps req/s = $(tail -1 "$tmp/ev.$c")%"
		if [ "$have_wrk" = 1 ]; then
			on "$client_cpus" wrk -t1 -c"$c" -d"${secs}s" --timeout 10s \
				"$url/fetch?id=1&delay_ms=$delay&bytes=1024" >"$tmp/wrk.out" 2>&1 ||
				{ echo "efficiency.sh: wrk failed:" >&2; cat "$tmp/wrk.out" >&2; exit 1; }
			rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$tmp/wrk.out")
			[ -n "$rps" ] || { echo "efficiency.sh: no Requests/sec from wrk:" >&2; cat "$tmp/wrk.out" >&2; exit 1; }
			eff "$rps" "$delay" "$c" >>"$tmp/wrk.$c"
			line="$line, wrk $rps req/s = $(tail -1 "$tmp/wrk.$c")%"
		fi
		echo "$line"
	done
	echo "RESULT ev_$c $(median <"$tmp/ev.$c")"
	[ "$have_wrk" = 0 ] || echo "RESULT wrk_$c $(median <"$tmp/wrk.$c")"
done
