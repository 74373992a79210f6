# race.gp - `fetchlab demo --gif`: the race as an animated GIF, one frame
# per 0.2 s sample, a bar per model. harness/cli/demo.c:write_gif sets the
# variables first: plotsdir, outdir, datafile (a row per sample: the time,
# then each model's requests done), gif (the output), models, title, n
# (requests per model) and nframes. Not a chart of `fetchlab plot`: it lives
# apart from harness/plots/*.gp, which plot draws.
load plotsdir.'/common.gp'   # colour(m) and the look
set terminal gif animate delay 10 size 800,400 font 'DejaVuSans,12'
set output gif
nm = words(models)
unset key
set grid noytics
set xrange [0:130]
set xtics 0,20,100
set xlabel 'requests done (%)'
set yrange [0.4:nm + 0.6]
set ytics scale 0 ()
do for [i=1:nm] { set ytics add (word(models, i) nm - i + 1) }
do for [k=0:nframes-1] {
  set title sprintf('%s   t = %.1f s', title, k * 0.2)
  plot for [i=1:nm] datafile every ::k::k using (0):(nm - i + 1):(0):(100.0 * column(i + 1) / n):(nm - i + 0.65):(nm - i + 1.35) \
       with boxxyerror fs solid 0.9 noborder lc rgb colour(word(models, i)), \
     for [i=1:nm] datafile every ::k::k using (100.0 * column(i + 1) / n + 2):(nm - i + 1):(sprintf('%d/%d', column(i + 1), n)) with labels left
}
