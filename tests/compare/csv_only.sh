#!/bin/sh
# csv_only.sh CLI - `fetchlab plot DIR` redraws from the summary CSVs
# alone: with only data/summary.csv and data/work-summary.csv of the
# committed results, it exits 0, draws every chart those hold, and names
# the two it skips (the spectrum needs data/hdr, the timeline its runs),
# leaving no empty chart file behind.
set -u
cli=${1:?usage: csv_only.sh PATH-TO-fetchlab-cli}
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL plot from the CSV alone: $*" >&2; exit 1; }

mkdir -p "$tmp/r/data"
cp "$root/results/data/summary.csv" "$root/results/data/work-summary.csv" "$tmp/r/data/"
"$cli" plot "$tmp/r" >"$tmp/out" 2>"$tmp/err" || fail "exit status $?: $(cat "$tmp/err")"
for chart in spectrum timeline; do
	grep -q "^fetchlab plot: skipped $chart: no data/" "$tmp/err" ||
		fail "no line naming the skipped $chart: $(cat "$tmp/err")"
	[ ! -e "$tmp/r/charts/$chart.svg" ] || fail "$chart.svg written without its data"
done
for chart in throughput latency cpu memory efficiency work worklatency; do
	[ -s "$tmp/r/charts/$chart.svg" ] && [ -s "$tmp/r/charts/$chart.png" ] ||
		fail "$chart not drawn: $(cat "$tmp/err")"
done
find "$tmp/r/charts" -empty | grep . && fail "empty chart files above"
grep -q '^model ' "$tmp/out" || fail "no table on stdout"
echo "plot from the CSV alone: ok ($(ls "$tmp/r/charts" | wc -l) chart files; $(grep -c skipped "$tmp/err") skipped, named)"
