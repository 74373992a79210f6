# worklatency.gp - p99 latency vs the client's CPU work per response, per
# model. On an event loop the work of every response that finished together
# runs one after the other, and each waits for the ones before it: head-of-
# line blocking, which shows in the p99 long before the mean. The dashed
# line is the floor: the server's delay plus one response's work.
load plotsdir."/common.gp"
points = datadir."/work-points.csv"

set title sprintf("p99 latency vs CPU work per response (C = %d, delay %s)", workc, workdelay)
set xlabel "CPU work per response (ms)"
set ylabel "p99 latency (ms)"
set logscale y
set xrange [0:*]
set key outside right top   # off the data

plot for [m in workmodels] points \
	using (column("work_ms")):(of(m, column("p99_ms"))) \
	with linespoints lw 2 dt dash(m) pt marker(m) lc rgb colour(m) title m, \
     workdelay_s * 1000 + x with lines dt 2 lw 1.5 lc rgb "black" title "delay + work"
