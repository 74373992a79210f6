# efficiency.gp - the share of the Little's-law bound each model reached,
# on a linear scale: throughput (the steady state's where there is one) x
# delay / C. The log-log throughput chart makes 80% and 99% look alike;
# here they are a fifth of the height apart. Sync falls as 1 / C: it keeps
# one request in flight whatever C asks.
load plotsdir."/common.gp"
points = datadir."/points.csv"

set title sprintf("Share of the bound C / delay reached (%s)", workload)
set xlabel "Concurrency C (requests in flight)"
set ylabel "Efficiency: throughput x delay / C (%)"
set logscale x
set yrange [0:110]
set ytics 0, 10, 100
set key outside right top   # off the data
set arrow 1 from graph 0, first 100 to graph 1, first 100 nohead dt 2 lw 1.5 lc rgb "black"
set label 1 "the bound" at graph 0.02, first 103 left

plot for [m in models] points \
	using (column("concurrency")):(of(m, 100 * column("efficiency"))) \
	with linespoints lw 2 dt dash(m) pt marker(m) lc rgb colour(m) title m
