#!/usr/bin/env bash
# instructions.sh - instructions per request of C models, counted by
# callgrind: a figure the scheduler cannot move, for ratios the wall clock
# of two shared vCPUs swings by 20-50%.
#
# Each model runs under `valgrind --tool=callgrind` twice against one
# fetchlab-server (zero delay, 1 KiB bodies, C = 100): with N_BIG and with
# N_SMALL requests. (instructions(N_BIG) - instructions(N_SMALL)) /
# (N_BIG - N_SMALL) is the cost of one more request, start-up and
# shutdown cancelled out. The server runs natively on its own CPU.
#
# Usage: instructions.sh BINDIR MODEL...   (fetch-MODEL in BINDIR)
# Environment: N_SMALL (1000), N_BIG (3000).
# Prints for `fetchlab bench`:
#   RESULT ir_MODEL VALUE   instructions per request
#   SKIP all REASON         cannot run here (exit 77)
set -euo pipefail

bindir=${1:?usage: instructions.sh BINDIR MODEL...}
shift
small=${N_SMALL:-1000} big=${N_BIG:-3000}

command -v valgrind >/dev/null ||
	{ echo "SKIP all valgrind is not installed (apt-get install valgrind)"; exit 77; }
for exe in fetchlab-server "${@/#/fetch-}"; do
	[ -x "$bindir/$exe" ] || { echo "instructions.sh: no $bindir/$exe; build it first" >&2; exit 2; }
	# A sanitizer build's shadow memory and valgrind exclude each other.
	! grep -qa -e __asan_init -e __tsan_init "$bindir/$exe" ||
		{ echo "SKIP all a sanitizer build: valgrind cannot run it"; exit 77; }
done

. "$(dirname "$0")/common.sh"
start_fetchlab_server "$bindir/fetchlab-server"
client_cpus=
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
	taskset -pc "$(( $(nproc) - 1 ))" "$server_pid" >/dev/null
	client_cpus=0-$(( $(nproc) - 2 ))
fi

# count MODEL N: the instructions callgrind collected over one whole run.
count() {
	local run=(valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out"
		   "$bindir/fetch-$1" -n "$2" -c 100 --delay 0 --size 1k --server "$url")
	[ -z "$client_cpus" ] || run=(taskset -c "$client_cpus" "${run[@]}")
	"${run[@]}" >"$tmp/run.out" 2>"$tmp/vg.out" ||
		{ echo "instructions.sh: fetch-$1 -n $2 failed under valgrind:" >&2; tail -5 "$tmp/vg.out" >&2; exit 1; }
	sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/vg.out"
}

for model in "$@"; do
	a=$(count "$model" "$small")
	z=$(count "$model" "$big")
	echo "$model: $a instructions for $small requests, $z for $big"
	echo "RESULT ir_$model $(( (z - a) / (big - small) ))"
done
