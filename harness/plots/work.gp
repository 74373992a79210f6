# work.gp - throughput vs the client's CPU work per response (--work), per
# model, at one C and one server delay. Three bounds, dashed:
#   C / delay      Little's law: waiting, which every concurrent model overlaps
#   1 / work       one core: a model that does all the work on one thread
#                  (the event loop, and Python's asyncio under the GIL)
#   cores / work   every core: threads, offload, one loop per core
# A model reaches the lowest bound that applies to it, less its own costs.
load plotsdir."/common.gp"
points = datadir."/work-points.csv"

set title sprintf("Throughput vs CPU work per response (C = %d, delay %s, %d cores)", workc, workdelay, cores)
set xlabel "CPU work per response (ms)"
set ylabel "Throughput (requests/s)"
set logscale y
set format y "%.0f"
set xrange [0:*]
set yrange [50:3 * workc / workdelay_s]
set key outside right top   # off the data
set samples 400

plot for [m in workmodels] points \
	using (column("work_ms")):(of(m, column("throughput_rps"))): \
	      (column("throughput_min")):(column("throughput_max")) \
	with yerrorlines lw 2 dt dash(m) pt marker(m) lc rgb colour(m) title m, \
     workc / workdelay_s with lines dt 2 lw 1.5 lc rgb "black" title "C / delay", \
     (x > 0 ? 1000.0 / x : 1/0) with lines dt 3 lw 1.5 lc rgb "black" title "1 / work (one core)", \
     (x > 0 ? cores * 1000.0 / x : 1/0) with lines dt 4 lw 1.5 lc rgb "#555555" title "cores / work"
