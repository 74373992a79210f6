# connections.gp - where a request's time goes, and what a connection costs:
# every model at C = 100 with a 50 ms delay, over http and https, with its
# connections kept alive (reuse) or one per request (fresh: a TCP connect
# and a full TLS handshake each, an aiohttp.ClientSession per fetch).
# Top: the mean of each phase (libcurl's timers; the peers time the same
# points), stacked. Bottom: the client's CPU per request, start-up taken
# out: what the handshakes cost each model.
# From data/connections-summary.csv, one run per model and setting.
height = 900
load plotsdir."/common.gp"
runs = datadir."/connections-summary.csv"

setting(tls, mode) = sprintf("%s %s", tls > 0.5 ? "https" : "http", mode)
label(m, tls, mode) = sprintf("%s %s", m, setting(tls, mode))
cpu_ms(u, s, b, n) = (u + s - b) * 1000 / (n > 1 ? n - 1 : 1)

set multiplot layout 2,1 title \
	"What a connection costs: C = 100, delay 50 ms, 1 KiB bodies\nover loopback: no round trip, so a handshake costs only CPU here"
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border rgb "black"
set boxwidth 0.75
unset xtics   # named under the second panel
set key inside left top horizontal samplen 1.5
set grid ytics

# The two panels share their bars: the settings are named once, under the
# second; the margins are fixed so the bars line up.
stats runs using (column("requests")) nooutput
set xrange [-0.6:STATS_records - 0.4]
set lmargin at screen 0.10
set rmargin at screen 0.97
set tmargin at screen 0.88
set bmargin at screen 0.55
set title "Where the time goes: connect, TLS handshake, wait for the first byte, transfer (means)"
set ylabel "ms per request"
set yrange [0:*]
set offsets 0, 0, graph 0.15, 0   # room for the key
plot runs using (column("connect_mean_us") / 1000) lc rgb "#D55E00" title "connect", \
     '' using (column("tls_mean_us") / 1000) lc rgb "#CC79A7" title "TLS", \
     '' using (column("wait_mean_us") / 1000) lc rgb "#56B4E9" title "wait (the delay)", \
     '' using (column("transfer_mean_us") / 1000) lc rgb "#009E73" title "transfer"

unset key
set offsets 0, 0, 0, 0
set xtics rotate by -90 scale 0 font ",12"
set tmargin at screen 0.47
set bmargin at screen 0.22
set title "The client's CPU per request (user + sys, start-up excluded)"
set ylabel "CPU ms per request"
plot runs using (cpu_ms(column("cpu_user_s"), column("cpu_sys_s"), column("cpu_base_s"), column("requests"))): \
	xtic(label(strcol("model"), column("tls"), strcol("connection_mode"))) \
	lc rgb "#555555" title "CPU"
unset multiplot
