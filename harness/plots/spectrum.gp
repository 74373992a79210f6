# spectrum.gp - the latency percentile spectrum at one concurrency (specc):
# how slow the slowest 10%, 1%, 0.1%... of requests were. Read from the
# HdrHistogram-layout files data/hdr/MODEL-cC.csv; x is 1/(1-percentile),
# so each decade to the right is one more "nine".
load plotsdir."/common.gp"
hdr(m) = sprintf("%s/hdr/%s-c%d.csv", datadir, m, specc)

set title sprintf("Latency by percentile at C = %d (%s)", specc, workload)
set xlabel "Percentile"
set ylabel "Latency (ms)"
set logscale x
set xrange [1:*]
set yrange [0:*]
set xtics ("0%%" 1, "50%%" 2, "90%%" 10, "99%%" 100, "99.9%%" 1000, \
           "99.99%%" 10000, "99.999%%" 100000)
set key outside right top   # off the data

# The last line of each file is the 100% line, "Infinity" on x: skipped.
plot for [m in specmodels] hdr(m) \
	using (column("Percentile") < 1 ? column("1/(1-Percentile)") : NaN):(column("Value")) \
	with steps lw 2 dt dash(m) lc rgb colour(m) title m
