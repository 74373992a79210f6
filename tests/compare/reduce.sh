#!/bin/sh
# reduce.sh CLI - `fetchlab plot` reduces a summary.csv larger than any
# fixed table (5,000 runs) to points.csv: every run counted, the repeats
# of a point in any order, throughput's median, min and max, errors summed;
# the table's columns stay aligned under a model name longer than 10.
set -eu
cli=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL reduce: $*" >&2; exit 1; }

# 2 models x 5 concurrencies x 500 repeats. Repeat r of a point has
# throughput 1000 + (r * 7919) % 500: every value 1000..1499 once, shuffled,
# so the median is 1249.5, the min 1000 and the max 1499. A run fails one
# request in every tenth repeat.
mkdir -p "$tmp/r/data"
awk 'BEGIN {
	print "model,concurrency,rate,delay,size,repeat,requests,ok,errors,wall_s," \
	      "throughput_rps,p50_us,p90_us,p99_us,p999_us,max_us,mean_us," \
	      "p50_due_us,p99_due_us,cpu_user_s,cpu_sys_s,peak_rss_kib," \
	      "ctx_voluntary,ctx_involuntary,threads,delay_mean_us,cpu_base_s"
	split("sync python-threads", models, " ")
	split("1 2 4 8 16", conc, " ")
	for (m = 1; m <= 2; m++)
		for (c = 1; c <= 5; c++)
			for (r = 1; r <= 500; r++) {
				err = r % 10 == 0
				printf "%s,%d,0,50ms,1k,%d,100,%d,%d,0.5,%d,50000,50100,50200,50300,50400,50050,50000,50200,0.1,0.05,%d,10,1,1,50000,0.02\n",
				       models[m], conc[c], r, 100 - err, err,
				       1000 + (r * 7919) % 500, 10240 + 1024 * conc[c]
			}
}' >"$tmp/r/data/summary.csv"
# The spectrum chart draws C = 16 from each model's percentile file.
mkdir "$tmp/r/data/hdr"
for m in sync python-threads; do
	printf 'Value,Percentile,TotalCount,1/(1-Percentile)\n50.0,0.0,1,1.00\n50.2,0.5,250,2.00\n50.4,1.0,500,Infinity\n' \
		>"$tmp/r/data/hdr/$m-c16.csv"
done

"$cli" plot "$tmp/r" >"$tmp/table.txt" 2>"$tmp/log.txt" ||
	fail "exit status $?: $(cat "$tmp/log.txt")"
points=$tmp/r/data/points.csv
[ "$(wc -l <"$points")" -eq 11 ] || fail "$(($(wc -l <"$points") - 1)) points, want 10"
total=$(awk -F, 'NR > 1 { n += $4 } END { print n }' "$points")
[ "$total" -eq 5000 ] || fail "points.csv counts $total runs of 5000"
awk -F, 'NR > 1 && ($5 != "1249.5" || $6 != "1000.0" || $7 != "1499.0" || $17 != 50) {
	print "point " $1 " C=" $2 ": throughput " $5 " (" $6 ".." $7 "), errors " $17; bad = 1
} END { exit bad }' "$points" >"$tmp/bad.txt" ||
	fail "want throughput 1249.5 (1000.0..1499.0), errors 50: $(cat "$tmp/bad.txt")"
# Marginal memory: (RSS at C - RSS at 1) / (C - 1) = 1 MiB per request.
awk -F, 'NR > 1 && $2 > 1 && $15 != "1024.00" { bad = 1 } END { exit bad }' "$points" ||
	fail "marginal_kib is not 1024.00: $(cut -d, -f1,2,15 "$points" | tr '\n' ' ')"
# The table: each row's C ends where the header's C does.
awk '/^model / { at = index($0, " C ") + 1 }
     at && /^(sync|python-threads) / && (substr($0, at, 1) !~ /[0-9]/ || substr($0, at + 1, 1) != " ") {
	print; bad = 1 } END { exit bad || !at }' "$tmp/table.txt" >"$tmp/bad.txt" ||
	fail "rows not aligned under the header: $(cat "$tmp/bad.txt")"
echo "ok reduce: 5000 runs, 10 points"
