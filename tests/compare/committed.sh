#!/bin/sh
# committed.sh CLI - `fetchlab plot` on a copy of the committed results/
# redraws every chart byte for byte, and the table it prints names every
# model of the committed data: the driver can change, what it draws from
# old data may not.
set -eu
cli=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cp -r "$root/results" "$tmp/results"
rm -f "$tmp/results/charts/"*
"$cli" plot "$tmp/results" >"$tmp/table.txt" 2>"$tmp/err.txt" ||
	fail "plot exited $?: $(cat "$tmp/err.txt")"
n=0
for f in "$root/results/charts/"*; do
	name=$(basename "$f")
	[ -e "$tmp/results/charts/$name" ] || fail "$name was not redrawn"
	cmp -s "$f" "$tmp/results/charts/$name" || fail "$name differs from the committed one"
	n=$((n + 1))
done
[ "$n" -ge 10 ] || fail "only $n committed charts"
for m in $(tail -n +2 "$root/results/data/summary.csv" | cut -d, -f1 | sort -u); do
	grep -q "^$m " "$tmp/table.txt" || fail "the table has no row for $m"
done
echo "ok: $n committed charts redrawn byte for byte"
