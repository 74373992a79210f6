#!/bin/sh
# figures.sh ROOT - the docs' quoted figures are the committed results'
# (tests/docs/figures.py, every figure also proven to fail when edited by
# 20%), and the checker fails a doc whose figure drifted: a copy of the
# README with its first measured figure raised by 20%.
set -u
root=${1:?usage: figures.sh ROOT}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL figures: $*" >&2; exit 1; }
here=$(dirname "$0")

/usr/bin/python3 "$here/figures.py" "$root" || fail "a quoted figure is not in its results file (above)"

# The same check on a drifted copy must fail, naming the figure.
mkdir -p "$tmp/results" && cp "$root/results/bench.md" "$tmp/results/"
awk '/<!-- figures: results\/bench.md/ { on = 1 }
     on && !done && /req\/s/ {
	match($0, /[0-9]+ req\/s/); v = substr($0, RSTART, RLENGTH - 6)
	sub(v " req/s", int(v * 1.2) " req/s"); done = 1; print v > "/dev/stderr" }
     { print }' "$root/README.md" >"$tmp/README.md" 2>"$tmp/was"
[ -s "$tmp/was" ] || fail "no req/s figure in README.md's bench block to edit"
/usr/bin/python3 "$here/figures.py" "$tmp" >/dev/null 2>"$tmp/err" &&
	fail "a README figure raised 20% ($(cat "$tmp/was") req/s) passed"
grep -q "README.md:[0-9]*: '[0-9]*' is not in results/bench.md" "$tmp/err" ||
	fail "the drifted figure was not named: $(cat "$tmp/err")"
echo "figures: ok; a figure raised 20% fails: $(head -1 "$tmp/err")"
