#!/usr/bin/env bash
# cpuwork.sh - concurrency is not parallelism: CPU work per response.
#
# C = 100 and a 5 ms server delay put the Little's-law bound at 20,000
# req/s, far above what the CPU allows once each response costs WORK of
# client CPU (--work, 500us by default): then the bound that holds is
# 1/work for a model that does the work on one thread (eventloop, and
# python-asyncio under the GIL) and cores/work for one that spreads it
# (threads, offload, eventloop --loops 2, asyncio with a process pool).
# Every model runs ROUNDS times, the models alternating within a round, and
# the medians are compared. CPU per request (the model's own rusage) is
# measured at --work WORK and at --work 0, so the difference can be held
# against the asked work.
#
# Usage: cpuwork.sh BINDIR SRCDIR   (BINDIR holds fetchlab-server and the
# fetch-* models; SRCDIR the source tree, for the Python peers).
# Environment: N (4000), WORK (500us), ROUNDS (3).
#
# Machine-readable lines for `fetchlab bench`:
#   RESULT MODEL_rps VALUE        median requests/s at --work WORK
#   RESULT MODEL_cpu_us VALUE     median CPU per request at --work WORK, us
#   RESULT MODEL_cpu0_us VALUE    the same at --work 0
#   RESULT MODEL_lag_p99_us VALUE loop lag p99 (loop-based models)
#   RESULT work_us VALUE          the asked work, us
set -euo pipefail

bindir=${1:?usage: cpuwork.sh BINDIR SRCDIR}
src=${2:?usage: cpuwork.sh BINDIR SRCDIR}
n=${N:-4000} work=${WORK:-500us} rounds=${ROUNDS:-3}
c=100 delay=5ms

command -v jq >/dev/null || { echo "SKIP all jq is not installed (apt-get install jq)"; exit 77; }
. "$(dirname "$0")/common.sh"
start_fetchlab_server "$bindir/fetchlab-server"

# name -> command (without the workload options)
declare -A cmd=(
	[eventloop]="$bindir/fetch-eventloop"
	[offload]="$bindir/fetch-offload"
	[threads]="$bindir/fetch-threads"
	[loops2]="$bindir/fetch-eventloop --loops 2"
	[coroutine]="$bindir/fetch-coroutine"
)
models=(eventloop offload threads loops2 coroutine)
# The peers run under the interpreter of their #! line, Debian's, which has
# aiohttp (a python3 earlier on PATH, pyenv's say, may not).
if /usr/bin/python3 -c 'import aiohttp' 2>/dev/null; then
	cmd[pyasyncio]="$src/harness/peers/python-asyncio.py"
	cmd[pythreads]="$src/harness/peers/python-threads.py"
	cmd[pyprocess]="$src/harness/peers/python-asyncio.py --offload process"
	models+=(pyasyncio pythreads pyprocess)
else
	echo "python3-aiohttp is not installed: the Python rows are skipped"
fi

# one NAME WORK: run NAME once; append its figures to $tmp/NAME.WORK.*
one() {
	local name=$1 w=$2 out="$tmp/$1.$2.json"
	# shellcheck disable=SC2086  # the command is words on purpose
	${cmd[$name]} -n "$n" -c "$c" --delay "$delay" --work "$w" \
		--server "$url" --json >"$out"
	jq -e --argjson n "$n" '.ok == $n' "$out" >/dev/null ||
		{ echo "cpuwork.sh: $name --work $w failed requests:" >&2; cat "$out" >&2; exit 1; }
	jq '.throughput_rps' "$out" >>"$tmp/$name.$w.rps"
	jq '(.cpu_user_s + .cpu_sys_s) / .requests * 1e6' "$out" >>"$tmp/$name.$w.cpu"
	jq '.loop_lag_us.p99 // empty' "$out" >>"$tmp/$name.$w.lag"
}

echo "fetchlab-server at $url; N=$n C=$c delay $delay, work $work and 0; $rounds rounds, alternating"
for r in $(seq "$rounds"); do
	for m in "${models[@]}"; do
		one "$m" "$work"
		one "$m" 0
		printf 'round %d %-10s %8.0f req/s  cpu %6.0f us/req (at 0: %4.0f)\n' "$r" "$m" \
			"$(tail -1 "$tmp/$m.$work.rps")" "$(tail -1 "$tmp/$m.$work.cpu")" \
			"$(tail -1 "$tmp/$m.0.cpu")"
	done
done

for m in "${models[@]}"; do
	echo "RESULT ${m}_rps $(median <"$tmp/$m.$work.rps")"
	echo "RESULT ${m}_cpu_us $(median <"$tmp/$m.$work.cpu")"
	echo "RESULT ${m}_cpu0_us $(median <"$tmp/$m.0.cpu")"
	[ -s "$tmp/$m.$work.lag" ] && echo "RESULT ${m}_lag_p99_us $(median <"$tmp/$m.$work.lag")"
done
"$bindir/fetch-eventloop" -n 1 --work "$work" --server "$url" --json |
	jq -r '"RESULT work_us \(.work_mean_us // empty)"'
