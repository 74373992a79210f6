# memory.gp - what one more request in flight costs in memory:
# (peak RSS at C - peak RSS at 1) / (C - 1), per model. A thread costs its
# stack and kernel task; an event-loop request, a curl handle and buffers.
load plotsdir."/common.gp"
points = datadir."/points.csv"

set title sprintf("Memory per request in flight (%s)", workload)
set xlabel "Concurrency C (requests in flight)"
set ylabel "Marginal peak RSS per in-flight request (KiB)"
set logscale xy
set key outside right top   # off the data

# The cost needs C = 1 and a larger C of the same model; without any, say
# so on a fixed frame (gnuplot cannot autoscale an empty plot). With some,
# a factor of 2 of room either side, even for a single point.
if (nmarginal > 0) {
	stats points using (strcol("model") ne "sync" && column("marginal_kib") > 0 ? column("marginal_kib") : NaN) nooutput
}
if (exists("STATS_min")) {   # stats found a point to draw
	set yrange [STATS_min / 2 : STATS_max * 2]
} else {
	set xrange [1:1000]
	set yrange [1:1000]
	set label 1 "no data: the sweep needs C = 1 and a larger C" at graph 0.5, graph 0.5 center
}

# C = 1 has no marginal cost (the column is empty); noise below zero cannot
# be drawn on a log scale and is skipped too. Sync never has more than one
# request in flight, whatever C says: its line would be noise, so it is
# left out (held(m): 0 for sync).
# A point only where the model held C requests in flight (90% of C on the
# run's mean; older points.csv files have no in_flight_mean: then all but
# sync, which never holds more than one).
held(m) = m eq "sync" ? NaN : \
	  (column("in_flight_mean") == column("in_flight_mean") && \
	   column("in_flight_mean") < 0.9 * column("concurrency") ? NaN : 1)
plot for [m in models] points \
	using (column("concurrency")):(held(m) * of(m, column("marginal_kib") > 0 ? column("marginal_kib") : NaN)) \
	with linespoints lw 2 dt dash(m) pt marker(m) lc rgb colour(m) title (m eq "sync" ? "" : m)
