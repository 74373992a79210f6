# throughput.gp - requests per second vs requests in flight, per model, in
# the steady state (docs/methodology.md: from every lane past its first
# request to the last claim; the whole run where a point has none, as in
# results older than the figure). Each point is the median of the repeats;
# the error bar spans min..max.
# The dashed line is Little's law: C requests in flight, each taking the
# server's delay, can complete at most C / delay times a second.
load plotsdir."/common.gp"
points = datadir."/points.csv"

set title sprintf("Throughput vs concurrency, steady state where there is one (%s)", workload)
set xlabel "Concurrency C (requests in flight)"
set ylabel "Throughput (requests/s)"
set logscale xy
set format y "%.0f"
set key outside right top   # off the data

# The steady figure S where there is one, else the whole run's W.
steady(s, w) = s == s && s > 0 ? s : w

# The bound named on the chart, along its line (above it, where no model
# can be): C / delay from any row but sync's.
stats points using (strcol("model") ne "sync" && column("bound_rps") > 0 ? \
	column("bound_rps") / column("concurrency") : NaN) nooutput
if (exists("STATS_min") && STATS_min > 0) {
	set label 1 "C / delay: Little's-law bound" at first 1.6, first 1.6 * STATS_min * 2.6 \
		left rotate by 37 front
}

plot for [m in models] points \
	using (column("concurrency")):(of(m, steady(column("steady_rps"), column("throughput_rps")))): \
	      (steady(column("steady_min"), column("throughput_min"))): \
	      (steady(column("steady_max"), column("throughput_max"))) \
	with yerrorlines lw 2 dt dash(m) pt marker(m) lc rgb colour(m) title m, \
     points using (column("concurrency")):(of(word(models, 1), column("bound_rps"))) \
	with lines dt 2 lw 1.5 lc rgb "black" title "C / delay (Little)"
