# rate.gp - open loop: p99 latency vs offered arrival rate, per model.
# Solid: measured from each request's due time (end - due, corrected: the
# time a user who arrived on schedule waited). Dashed: from the moment the
# model started it (end - start, uncorrected). Below a model's capacity
# the two coincide at the server's delay; past it, requests queue before
# they start, the solid line leaves for seconds and the dashed one does not
# move. The bend of the solid line is the knee: that model's capacity.
load plotsdir."/common.gp"
points = datadir."/points.csv"

# V on the rate points of model M, "no value" on the others.
of_rate(m, v) = strcol("model") eq m && column("rate") > 0 ? v : NaN

set title sprintf("Open loop: p99 latency vs offered rate, from due solid, from start dashed\n(%s, at most %d in flight)", rateworkload, ratec)
set xlabel "Offered rate (requests/s, log)"
set ylabel "p99 latency (ms, log)"
set logscale xy
set format x "%.0f"
set ytics ("1" 1, "2" 2, "5" 5, "10" 10, "20" 20, "50" 50, "100" 100, "200" 200, \
           "500" 500, "1 s" 1000, "2 s" 2000, "5 s" 5000, "10 s" 10000, "20 s" 20000, \
           "50 s" 50000, "100 s" 100000)
set key outside right top   # off the data; models by colour, the title says which line is which

# The server's delay is the floor no request can beat.
set arrow 1 from graph 0, first delayms to graph 1, first delayms nohead dt 3 lw 1 lc rgb "#555555"
set label 1 sprintf("server delay %g ms", delayms) at graph 0.99, first delayms * 0.85 right textcolor rgb "#555555"

plot for [m in ratemodels] points \
	using (column("rate")):(of_rate(m, column("p99_due_ms"))) \
	with linespoints lw 2 dt dash(m) pt marker(m) lc rgb colour(m) title m, \
     for [m in ratemodels] points \
	using (column("rate")):(of_rate(m, column("p99_ms"))) \
	with linespoints lw 2 dt pdash(m) pt omarker(m) lc rgb colour(m) notitle
