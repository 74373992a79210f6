# cpu.gp - CPU time (user + sys) per request vs concurrency, per model:
# what the machine pays for each request besides waiting. The model's
# start-up cost (a one-request run) is taken out first, so short runs at
# low C are not charged for loading libcurl.
load plotsdir."/common.gp"
points = datadir."/points.csv"

set title sprintf("CPU time per request, start-up excluded (%s)", workload)
set xlabel "Concurrency C (requests in flight)"
set ylabel "CPU time per request, user + sys (ms)"
set logscale x
set yrange [0:*]
set key outside right top   # off the data

plot for [m in models] points \
	using (column("concurrency")):(of(m, column("cpu_ms_per_req"))) \
	with linespoints lw 2 dt dash(m) pt marker(m) lc rgb colour(m) title m
