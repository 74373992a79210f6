#!/bin/sh
# tiny.sh CLI - a tiny `fetchlab compare` and `fetchlab plot`, checked:
# the summary's header and row count, every chart in SVG and PNG, the
# machine description, charts redrawn byte-identical from the data alone,
# and bad options refused with exit status 2.
set -eu
cli=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL compare: $*" >&2; exit 1; }

# sync and one concurrent model, if one is built (the driver sits beside them).
bin=$(dirname "$cli")
models=sync
for m in eventloop threads coroutine; do
	if [ -x "$bin/fetch-$m" ]; then models=sync,$m; break; fi
done
nmodels=$(echo "$models" | tr ',' '\n' | wc -l)

"$cli" compare --models "$models" --concurrency 1,4 --delay 2ms --repeat 1 \
	--requests-scale 0.05 --out "$tmp/r" >"$tmp/table.txt" 2>"$tmp/log.txt" ||
	fail "exit status $?: $(cat "$tmp/log.txt")"

summary=$tmp/r/data/summary.csv
[ "$(head -1 "$summary")" = "model,concurrency,rate,delay,size,repeat,requests,ok,errors,wall_s,throughput_rps,p50_us,p90_us,p99_us,p999_us,max_us,mean_us,p50_due_us,p99_due_us,cpu_user_s,cpu_sys_s,peak_rss_kib,ctx_voluntary,ctx_involuntary,threads,delay_mean_us,cpu_base_s,work,work_mean_us,loop_lag_p99_us,client_busy,steady_rps,in_flight_mean,in_flight_peak,connections_peak" ] ||
	fail "summary header is $(head -1 "$summary")"
rows=$(tail -n +2 "$summary" | wc -l)
[ "$rows" -eq $((nmodels * 2)) ] || fail "$rows summary rows, want $((nmodels * 2))"
bad=$(awk -F, 'NR > 1 && ($8 != $7 || $9 != 0) { n++ } END { print n + 0 }' "$summary")
[ "$bad" -eq 0 ] || fail "$bad runs with errors"
[ -s "$tmp/r/machine.txt" ] || fail "no machine.txt"
[ -s "$tmp/r/data/points.csv" ] || fail "no points.csv"
grep -q '^sync ' "$tmp/table.txt" || fail "no table: $(cat "$tmp/table.txt")"
for chart in throughput latency spectrum memory cpu timeline work worklatency; do
	for ext in svg png; do
		[ -s "$tmp/r/charts/$chart.$ext" ] || fail "no chart $chart.$ext"
	done
done

# plot redraws from the data alone, byte for byte.
mkdir "$tmp/first"
cp "$tmp/r/charts/"*.svg "$tmp/first/"
"$cli" plot "$tmp/r" >/dev/null 2>"$tmp/log.txt" || fail "plot: $(cat "$tmp/log.txt")"
for f in "$tmp/first/"*.svg; do
	cmp -s "$f" "$tmp/r/charts/$(basename "$f")" || fail "$(basename "$f") differs after plot"
done

# Bad input: exit status 2 and one line naming the option.
. "$(dirname "$0")/../expect2.sh"
expect2 --concurrency compare --concurrency abc --out "$tmp/x"
expect2 --out compare --models sync --out /proc/nope
expect2 --out compare --models sync --out ''   # not /data, /charts at the root
expect2 --delay compare --delay fast --out "$tmp/x"
expect2 --repeat compare --repeat 0 --out "$tmp/x"
expect2 --models compare --models nosuch --out "$tmp/x"
expect2 plot plot "$tmp/nothing-here"
echo "ok compare: $models, $rows points, 6 charts, plot identical"
