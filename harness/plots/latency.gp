# latency.gp - median (p50, solid) and 99th percentile (p99, dashed)
# latency vs concurrency, per model. Latency is end - start of one request;
# the server's delay is its floor.
load plotsdir."/common.gp"
points = datadir."/points.csv"

set title sprintf("Latency: p50 solid, p99 dashed; Python dashed, dotted (%s)", workload)
set xlabel "Concurrency C (requests in flight)"
set ylabel "Latency (ms)"
set logscale x
set logscale y
set ytics ("1" 1, "2" 2, "5" 5, "10" 10, "20" 20, "50" 50, "100" 100, "200" 200, \
           "500" 500, "1000" 1000, "2000" 2000, "5000" 5000, "10000" 10000)
set key outside right top   # off the data

# The floor: no request can take less than the server's delay, C / bound
# (Little) on any row but sync's (whose bound is one request at a time).
stats points using (strcol("model") ne "sync" && column("bound_rps") > 0 ? \
	column("concurrency") * 1000.0 / column("bound_rps") : NaN) nooutput
if (exists("STATS_min") && STATS_min > 0) {
	set arrow 1 from graph 0, first STATS_min to graph 1, first STATS_min nohead \
		dt 3 lw 1.5 lc rgb "#555555" back
	set label 1 sprintf("the delay, %g ms: no request is faster", STATS_min) \
		at graph 0.02, first STATS_min * 0.93 left front
}

plot for [m in models] points \
	using (column("concurrency")):(of(m, column("p50_ms"))) \
	with linespoints lw 2 dt dash(m) pt marker(m) lc rgb colour(m) title m." p50", \
     for [m in models] points \
	using (column("concurrency")):(of(m, column("p99_ms"))) \
	with linespoints lw 2 dt pdash(m) pt omarker(m) lc rgb colour(m) title m." p99"
