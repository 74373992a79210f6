#!/bin/sh
# pairs.sh LAB MODEL PAIRS OPTIONS... - the spread of one perf attempt of
# `lab check LAB` on the reference: the lab's reference files built as the
# check builds a student's (labs/student, with the lab's --wrap tracer),
# then PAIRS turns of that build and of fetch-MODEL, back to back, the
# order alternating, against one fetchlab-server, each run with OPTIONS
# (the perf test's workload: see labs/grader/lab.c's table). One line per
# turn (each throughput, and the lab build's over MODEL's), then the lowest,
# median and highest ratio and how many turns fell under MARK (0.9 unless
# given). KEY=loop_lag_us.p99 compares that JSON figure instead of
# throughput_rps (lab 07's lag test, where lower is better). Where ten.sh
# shows what a whole check scores, this shows the noise one attempt of it
# faces. An instructor's tool, not a CTest test.
#
#   tests/labs/pairs.sh 02 threads 30 -n 1000 -c 50 --delay 10ms
#
# With PATCH=NAME.patch (one of tests/labs/broken/) the lab build is the
# reference with that patch applied; with LAB - it is fetch-MODEL itself
# (the harness's noise alone, without the check's tracer linked in).
set -u
[ $# -ge 3 ] || { echo "usage: pairs.sh LAB MODEL PAIRS OPTIONS..." >&2; exit 2; }
lab=$1 model=$2 pairs=$3
shift 3
src=$(cd "$(dirname "$0")/../.." && pwd)
bin=${FETCHLAB_BIN:-$src/build/bin}
export FETCHLAB_ROOT="$src"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pairs-$lab-XXXXXX")
spid=
trap '[ -n "$spid" ] && kill "$spid" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

ref=$bin/fetch-$model
stu=$ref
if [ "$lab" != - ]; then
	"$bin/fetchlab-cli" lab start "$lab" --dir "$tmp/work" >/dev/null || exit 2
	for f in "$tmp"/work/*.c; do
		cp "$(ls "$src"/impl-*/"$(basename "$f")")" "$f" || exit 2
	done
	if [ -n "${PATCH:-}" ]; then
		patch -s -d "$tmp/work" -p2 <"$src/tests/labs/broken/$PATCH" || exit 2
	fi
	cmake -S "$src/labs/student" -B "$tmp/build" -DFL_LAB="$lab" \
		-DFL_STUDENT_DIR="$tmp/work" -DFL_SETTINGS="$bin/fetchlab-labs.cmake" \
		-DFL_SANITIZE= >"$tmp/build.log" 2>&1 &&
		cmake --build "$tmp/build" >>"$tmp/build.log" 2>&1 ||
		{ cat "$tmp/build.log"; exit 2; }
	stu=$tmp/build/fetch-lab
fi

"$bin/fetchlab-server" --port 0 >"$tmp/server.log" 2>&1 &
spid=$!
fail() { echo "pairs.sh: $*" >&2; exit 2; }
. "$src/tests/listening.sh"
listening "$tmp/server.log" fetchlab-server

key=${KEY:-throughput_rps} mark=${MARK:-0.9}
figure() { # JSON: its figure KEY (OBJECT.FIELD for a nested one)
	case $key in
	*.*) echo "$1" | sed -n "s/.*\"${key%%.*}\":{[^}]*\"${key#*.}\":\([0-9.]*\).*/\1/p" ;;
	*) echo "$1" | sed -n "s/.*\"$key\":\([0-9.]*\).*/\1/p" ;;
	esac
}
echo "$key: lab $lab build${PATCH:+ + $PATCH} vs fetch-$model, $pairs turns: $*"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
i=1
while [ "$i" -le "$pairs" ]; do
	if [ $((i % 2)) -eq 1 ]; then
		b=$("$ref" "$@" --seed 7 --json --server "$url" 2>/dev/null)
		a=$("$stu" "$@" --seed 7 --json --server "$url" 2>/dev/null)
	else
		a=$("$stu" "$@" --seed 7 --json --server "$url" 2>/dev/null)
		b=$("$ref" "$@" --seed 7 --json --server "$url" 2>/dev/null)
	fi
	a=$(figure "$a") b=$(figure "$b")
	echo "$i ${a:-0} ${b:-0} $(cut -d' ' -f1 /proc/loadavg)" |
		awk -v m="$model" '{ printf "turn %2d: lab %7.0f  %s %7.0f  ratio %.2f  load %s\n",
		       $1, $2, m, $3, ($3 > 0 ? $2 / $3 : 0), $4 }' | tee -a "$tmp/turns"
	i=$((i + 1))
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
sed 's/.*ratio \([0-9.]*\).*/\1/' "$tmp/turns" | sort -n | awk -v mark="$mark" '
{ v[NR] = $1; if ($1 < mark) low++ }
END {
	med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	printf "ratio: min %.2f  median %.2f  max %.2f  under %.2f: %d of %d\n",
	       v[1], med, v[NR], mark, low + 0, NR
}'
