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

plot for [m in models] points \
	using (column("concurrency")):(of(m, column("p50_ms"))) \
	with linespoints lw 2 dt dash(m) pt marker(m) lc rgb colour(m) title m." p50", \
     for [m in models] points \
	using (column("concurrency")):(of(m, column("p99_ms"))) \
	with linespoints lw 2 dt pdash(m) pt omarker(m) lc rgb colour(m) title m." p99"
