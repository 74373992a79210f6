#!/bin/sh
# compare.sh CLI - a small `fetchlab compare --rate` sweep: one summary row
# per model and rate with the rate column, the rate chart in SVG and PNG and
# no concurrency chart, charts redrawn byte-identical, bad options refused.
set -eu
cli=$1
bin=$(dirname "$cli")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL openloop compare: $*" >&2; exit 1; }

models=sync
[ -x "$bin/fetch-eventloop" ] && models=sync,eventloop
nmodels=$(echo "$models" | tr ',' '\n' | wc -l)

"$cli" compare --models "$models" --rate 10,40 --delay 20ms --repeat 1 \
	--out "$tmp/r" >"$tmp/table.txt" 2>"$tmp/log.txt" ||
	fail "exit status $?: $(cat "$tmp/log.txt")"

summary=$tmp/r/data/summary.csv
rows=$(tail -n +2 "$summary" | wc -l)
[ "$rows" -eq $((nmodels * 2)) ] || fail "$rows summary rows, want $((nmodels * 2))"
rates=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "rate") c = i; next }
	{ print $c }' "$summary" | sort -n | uniq | tr '\n' ' ')
[ "$rates" = "10 40 " ] || fail "the rate column holds '$rates', want '10 40 '"
bad=$(awk -F, 'NR > 1 && ($8 != $7 || $9 != 0) { n++ } END { print n + 0 }' "$summary")
[ "$bad" -eq 0 ] || fail "$bad runs with errors"
head -1 "$tmp/r/data/points.csv" | grep -q '^model,concurrency,rate,' ||
	fail "points.csv header: $(head -1 "$tmp/r/data/points.csv")"
grep -q 'from due' "$tmp/table.txt" || fail "no open-loop table: $(cat "$tmp/table.txt")"
for ext in svg png; do
	[ -s "$tmp/r/charts/rate.$ext" ] || fail "no chart rate.$ext"
	[ ! -e "$tmp/r/charts/throughput.$ext" ] || fail "a concurrency chart from rate points"
done

cp "$tmp/r/charts/rate.svg" "$tmp/first.svg"
"$cli" plot "$tmp/r" >/dev/null 2>"$tmp/log.txt" || fail "plot: $(cat "$tmp/log.txt")"
cmp -s "$tmp/first.svg" "$tmp/r/charts/rate.svg" || fail "rate.svg differs after plot"

. "$(dirname "$0")/../expect2.sh"
expect2 --rate compare --rate fast --out "$tmp/x"
expect2 --rate compare --rate 0,10 --out "$tmp/x"
expect2 --concurrency compare --rate 10 --concurrency 1,10 --out "$tmp/x"
echo "ok compare --rate: $models, $rows points, rate chart, plot identical"
