#!/bin/sh
# check.sh CLI LAB WHAT [PATCH TEST] - grade one version of lab LAB's files
# with `fetchlab lab check LAB --dir` and check the verdict:
#   reference      the reference model's files: full marks, exit 0
#   starter        what `lab start` writes: it builds, and scores below full
#   broken PATCH   the reference with PATCH (tests/labs/broken/) applied: the
#                  test named TEST says FAIL
set -u
cli=$1 lab=$2 what=$3
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL lab $lab $what: $*"; cat "$tmp/out"; exit 1; }

"$cli" lab start "$lab" --dir "$tmp/work" >/dev/null || fail "lab start failed"
if [ "$what" != starter ]; then
	# The reference files, by name: each lab file is one of impl-*/NAME.c.
	for f in "$tmp"/work/*.c; do
		[ -e "$f" ] || continue
		cp "$(ls "$src"/impl-*/"$(basename "$f")")" "$f" || fail "no reference for $f"
	done
	[ "$lab" = 00 ] && cp "$src/tests/labs/answers-00.md" "$tmp/work/answers.md"
fi
if [ "$what" = broken ]; then
	patch -s -d "$tmp/work" -p2 <"$src/tests/labs/broken/$4" || fail "$4 does not apply"
fi
"$cli" lab check "$lab" --dir "$tmp/work" >"$tmp/out" 2>&1
rc=$?
score=$(sed -n 's/^Score: //p' "$tmp/out")
got=${score%/*} total=${score#*/}
[ -n "$score" ] || fail "no Score line"
case $what in
reference)
	[ "$rc" -eq 0 ] && [ "$got" -eq "$total" ] || fail "scored $score (exit $rc), wanted full marks" ;;
starter)
	[ "$rc" -ne 0 ] && [ "$got" -lt "$total" ] || fail "scored $score (exit $rc), wanted below full"
	[ "$lab" = 00 ] || grep -q '^build: .* OK (' "$tmp/out" || fail "the starter does not build" ;;
broken)
	line=$(grep -F "$5 " "$tmp/out" | head -1)
	case $line in
	*" FAIL ("*) ;;
	*) fail "test '$5' did not FAIL: ${line:-no such test}" ;;
	esac
	[ "$rc" -ne 0 ] || fail "exit 0 for a broken model" ;;
esac
cat "$tmp/out"
echo "ok lab $lab $what${4:+ $4}: Score: $score"
