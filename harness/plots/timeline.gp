# timeline.gp - when each of the first 40 requests was in flight, at C = 8
# with delays drawn from 10..90 ms: one panel per model, one bar per
# request from its start to its end, on the lane (worker) that ran it.
# sync runs them one after another on one lane; the others keep 8 lanes busy.
height = 180 + 170 * words(tlmodels)
load plotsdir."/common.gp"
records(m) = sprintf("%s/timeline-%s.csv", datadir, m)
ms(col) = column(col) / 1e6

# Each panel its own x range (one shared range would squeeze the
# concurrent models into the first eighth of sync's); the time the 40
# took is written on each panel, so their lengths still compare.
array tend[words(tlmodels)]
do for [i = 1:words(tlmodels)] {
	stats records(word(tlmodels, i)) using (ms("end_ns")) nooutput
	tend[i] = STATS_max
}

set multiplot layout words(tlmodels), 1 \
	title "First 40 requests, C = 8, delays 10..90 ms; each panel its own time scale"
set yrange [-0.7:7.7]
set tmargin 2.2   # room above each panel for its label
set ytics 0, 1, 7 nomirror
set ylabel "lane"
set style fill solid 0.85 border lc rgb "black"
unset key
do for [i = 1:words(tlmodels)] {
	m = word(tlmodels, i)
	set xrange [0:tend[i] * 1.02]
	# Above the panel, off the bars.
	set label 1 sprintf("%s: all 40 done at %.0f ms", m, tend[i]) \
		at graph 1, graph 1.13 right front
	if (i == words(tlmodels)) { set xlabel "Time since the run started (ms)" }
	# boxxyerror: x, y, xlow, xhigh, ylow, yhigh
	plot records(m) using (ms("start_ns")):(column("worker")): \
		(ms("start_ns")):(ms("end_ns")): \
		(column("worker") - 0.35):(column("worker") + 0.35) \
		with boxxyerror lc rgb colour(m)
}
unset multiplot
