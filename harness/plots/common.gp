# common.gp - what every fetchlab chart shares: the output file, the look,
# and one colour per model, the same in every chart.
#
# fetchlab plot runs each chart script as
#   gnuplot -e "datadir='...'; outdir='...'; plotsdir='...'; models='sync ...';
#               specmodels='...'; tlmodels='...'; workload='...'; specc=100;
#               colours='sync #E69F00 ...'; name='throughput'; fmt='svg'"
#           harness/plots/throughput.gp
# and the script loads this file first. A script may set `height` before.

if (!exists("height")) height = 560

# SVG for the web and the docs, PNG for slides. Neither embeds a date, so
# the same data gives byte-identical files.
if (fmt eq "svg") {
	set terminal svg size 900,height dynamic enhanced font "DejaVu Sans,13" background rgb "white"
} else {
	set terminal pngcairo size 900,height enhanced font "DejaVu Sans,11" background rgb "white"
}
set output sprintf("%s/%s.%s", outdir, name, fmt)

# Our CSV files have a header line; columns are read by name.
set datafile separator ","
set datafile columnheaders

# One colour per model, from the driver's registry (harness/cli/models.c),
# which passes colours='sync #E69F00 threads #0072B2 ...'; grey for others.
if (!exists("colours")) colours = ""
colour_at(m, i) = i >= words(colours) ? "#777777" : \
                  word(colours, i) eq m ? word(colours, i + 1) : colour_at(m, i + 2)
colour(m) = colour_at(m, 1)

# V on the rows of model M, "no value" (skipped) on the others.
of(m, v) = strcol("model") eq m ? v : NaN

set grid xtics ytics mxtics mytics lc rgb "#dddddd" lw 1
set key box opaque samplen 3 spacing 1.1
set border lw 1.2
set pointsize 1.1
