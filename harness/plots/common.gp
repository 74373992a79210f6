# common.gp - what every fetchlab chart shares: the output file, the look,
# and one colour per model, the same in every chart.
#
# fetchlab plot runs each chart script as
#   gnuplot -e "datadir='...'; outdir='...'; plotsdir='...'; models='sync ...';
#               specmodels='...'; tlmodels='...'; workload='...'; specc=100;
#               colours='sync #E69F00 ...'; peers='python-asyncio ...';
#               name='throughput'; fmt='svg'"
#           harness/plots/throughput.gp
# and the script loads this file first. A script may set `height` before.

if (!exists("height")) height = 620

# SVG for the web and the docs; PNG for slides, 1600 px wide with text and
# lines sized to be read from the back of a room. Neither embeds a date,
# so the same data gives byte-identical files.
if (fmt eq "svg") {
	set terminal svg size 900,height dynamic enhanced font "DejaVu Sans,13" background rgb "white"
} else {
	set terminal pngcairo size 1600,int(height * 16 / 9) enhanced font "DejaVu Sans,22" \
		linewidth 2 background rgb "white"
}
set output sprintf("%s/%s.%s", outdir, name, fmt)

# Our CSV files have a header line; columns are read by name.
set datafile separator ","
set datafile columnheaders

# One colour per model, from the driver's registry (harness/driver/models.c),
# which passes colours='sync #E69F00 threads #0072B2 ...'; grey for others.
if (!exists("colours")) colours = ""
colour_at(m, i) = i >= words(colours) ? "#777777" : \
                  word(colours, i) eq m ? word(colours, i + 1) : colour_at(m, i + 2)
colour(m) = colour_at(m, 1)

# One marker per model too, by its place in the registry, so lines that
# lie on each other (coroutine on eventloop) stay told apart; omarker(m)
# is its open twin, for a second line of the same model (p99).
place_at(m, i, n) = i >= words(colours) ? n : \
                    word(colours, i) eq m ? n : place_at(m, i + 2, n + 1)
marker(m) = int(word("7 5 9 13 11 15 3 1", place_at(m, 1, 0) % 8 + 1))
omarker(m) = marker(m) - 1

# The Python peers are drawn dashed beside the C models' solid lines (the
# driver passes peers='python-asyncio python-threads'); pdash(m) is the
# pattern of a peer's second line (p99).
if (!exists("peers")) peers = ""
ispeer(m) = strstrt(" ".peers." ", " ".m." ") > 0
dash(m) = ispeer(m) ? 2 : 1
pdash(m) = ispeer(m) ? 3 : 2

# V on the rows of model M, "no value" (skipped) on the others.
of(m, v) = strcol("model") eq m ? v : NaN

set grid xtics ytics mxtics mytics lc rgb "#dddddd" lw 1
set key box opaque samplen 3 spacing 1.1
set border lw 1.2
set pointsize (fmt eq "svg" ? 1.1 : 1.4)
