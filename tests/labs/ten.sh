#!/bin/sh
# ten.sh LAB [RUNS] - run `fetchlab lab check LAB` on the lab's reference
# files RUNS times in a row (10 unless given) and sum up how steady the
# grade is: one line per run (verdict, score, each perf ratio the check
# printed), then the lowest, median and highest of each ratio, and the load
# average before and after. An instructor's tool, not a CTest test: ten
# checks take minutes. Run it on a machine as loaded as the students' will be.
#
#   tests/labs/ten.sh 03            ten checks of lab 03's reference
#   FETCHLAB_CLI=build/bin/fetchlab-cli tests/labs/ten.sh 03 3
#
# The reference files are the ones tests/labs/check.sh grades: each file
# `lab start` writes is impl-*/NAME.c, and lab 00's answers are
# tests/labs/answers-00.md. A failed run's whole output is kept and its path
# printed. Exit 0 when every run scored full marks, 1 otherwise.
set -u
lab=${1:?usage: ten.sh LAB [RUNS]}
runs=${2:-10}
src=$(cd "$(dirname "$0")/../.." && pwd)
cli=${FETCHLAB_CLI:-$src/build/bin/fetchlab-cli}
[ -x "$cli" ] || { echo "ten.sh: no $cli: build first (./fetchlab test -R none)" >&2; exit 2; }
export FETCHLAB_ROOT="$src"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ten-$lab-XXXXXX")
keep=""
trap 'rm -rf "$tmp/work"; [ -n "$keep" ] || rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

"$cli" lab start "$lab" --dir "$tmp/work" >/dev/null || exit 2
for f in "$tmp"/work/*.c; do
	[ -e "$f" ] || continue
	cp "$(ls "$src"/impl-*/"$(basename "$f")")" "$f" || exit 2
done
[ "$lab" = 00 ] || [ "$lab" = 0 ] && cp "$src/tests/labs/answers-00.md" "$tmp/work/answers.md"

# The ratios in one check's output, as "NAME=RATIO" words: a perf test's is
# on the line under it ("...: 0.97x (full marks..." or "...: 0.92x at the
# median"); the loop-lag test prints its two p99s only when it fails
# (stu/ref is then the ratio against its 0.5x mark).
ratios() {
	awk '
	/^[a-z].* \.+ (OK|FAIL) \(/ { name = $1; sub(/:$/, "", name); next }
	name == "perf" && match($0, /: [0-9]+\.[0-9]+x/) {
		printf " perf=%s", substr($0, RSTART + 2, RLENGTH - 3); name = ""; next }
	name == "loop" && match($0, /loop lag p99 [0-9.]+ ms vs eventloop.s [0-9.]+ ms/) {
		split(substr($0, RSTART, RLENGTH), w, " ")
		if (w[7] > 0) printf " lag=%.2f", w[4] / w[7]; name = ""; next }
	' "$1"
}

echo "lab $lab reference, $runs checks ($cli)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
pass=0
i=1
while [ "$i" -le "$runs" ]; do
	t0=$(date +%s)
	"$cli" lab check "$lab" --dir "$tmp/work" >"$tmp/out.$i" 2>&1
	rc=$?
	[ "$rc" -ge 128 ] && exit "$rc"   # interrupted: no verdict
	score=$(sed -n 's/^Score: //p' "$tmp/out.$i")
	r=$(ratios "$tmp/out.$i")
	if [ "$rc" -eq 0 ] && [ -n "$score" ] && [ "${score%/*}" = "${score#*/}" ]; then
		pass=$((pass + 1)) verdict=pass
		rm -f "$tmp/out.$i"
	else
		verdict=FAIL keep=1
		r="$r  [$(grep -h ' FAIL (' "$tmp/out.$i" | sed 's/ \.\.*.*//' | paste -sd';' -)]"
		r="$r output: $tmp/out.$i"
	fi
	printf 'run %2d: %s  Score: %s  %ss  load %s %s\n' "$i" "$verdict" "${score:-none}" \
		"$(($(date +%s) - t0))" "$(cut -d' ' -f1 /proc/loadavg)" "$r"
	echo "$r" | tr ' ' '\n' | grep -E '^(perf|lag)=' >>"$tmp/ratios"
	i=$((i + 1))
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "passed: $pass/$runs"
# min / median / max of each ratio, over the runs that printed it
if [ -s "$tmp/ratios" ]; then
	for name in $(cut -d= -f1 "$tmp/ratios" | sort -u); do
		grep "^$name=" "$tmp/ratios" | cut -d= -f2 | sort -n | awk -v name="$name" '
		{ v[NR] = $1 }
		END {
			med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%s: min %.2f  median %.2f  max %.2f  (%d runs)\n", name, v[1], med, v[NR], NR
		}'
	done
fi
[ "$pass" -eq "$runs" ]
