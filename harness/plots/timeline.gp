# timeline.gp - when each of the first 40 requests was in flight, at C = 8
# with delays drawn from 10..90 ms: one panel per model, one bar per
# request from its start to its end, on the lane (worker) that ran it.
# sync runs them one after another on one lane; the others keep 8 lanes busy.
height = 180 + 150 * words(tlmodels)
load plotsdir."/common.gp"
records(m) = sprintf("%s/timeline-%s.csv", datadir, m)
ms(col) = column(col) / 1e6

# One x range for every panel, so their lengths compare.
xmax = 0
do for [m in tlmodels] {
	stats records(m) using (ms("end_ns")) nooutput
	xmax = STATS_max > xmax ? STATS_max : xmax
}

set multiplot layout words(tlmodels), 1 \
	title "The first 40 requests at C = 8, delays 10..90 ms: each bar is one request in flight"
set xrange [0:xmax * 1.02]
set yrange [-0.7:7.7]
set ytics 0, 1, 7 nomirror
set ylabel "lane"
set style fill solid 0.85 border lc rgb "black"
unset key
do for [i = 1:words(tlmodels)] {
	m = word(tlmodels, i)
	set label 1 m at graph 0.99, graph 0.85 right front font ",14"
	if (i == words(tlmodels)) { set xlabel "Time since the run started (ms)" }
	# boxxyerror: x, y, xlow, xhigh, ylow, yhigh
	plot records(m) using (ms("start_ns")):(column("worker")): \
		(ms("start_ns")):(ms("end_ns")): \
		(column("worker") - 0.35):(column("worker") + 0.35) \
		with boxxyerror lc rgb colour(m)
}
unset multiplot
