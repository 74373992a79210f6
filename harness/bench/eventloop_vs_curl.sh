#!/usr/bin/env bash
# eventloop_vs_curl.sh - our event-loop model against the curl tool itself.
#
# `curl --parallel` is libcurl's multi interface driven by curl's own loop;
# fetch-eventloop is the same libcurl driven by libuv through curl_uv.c. Both
# fetch the same N URLs (zero delay, 1 KiB bodies) from one fetchlab-server
# with at most C in flight, alternating, ROUNDS times each; the medians of
# wall-clock requests/s are compared. Wall clock includes process start and,
# for fetch-eventloop, building the workload and checking every body.
#
# Usage: eventloop_vs_curl.sh BINDIR   (BINDIR holds fetchlab-server and
# fetch-eventloop). Environment: N (20000), C (100), ROUNDS (3).
#
# Besides the human lines it prints machine-readable ones for `fetchlab bench`:
#   RESULT curl_rps VALUE, RESULT eventloop_rps VALUE   the medians, req/s
#   SKIP all REASON                                    cannot run here (exit 77)
set -euo pipefail

bindir=${1:?usage: eventloop_vs_curl.sh BINDIR (the directory of the built executables)}
n=${N:-20000} c=${C:-100} rounds=${ROUNDS:-3}
target=1.3

command -v curl >/dev/null || { echo "SKIP all the curl tool is not installed (apt-get install curl)"; exit 77; }
curl --help all 2>/dev/null | grep -q -- --parallel-max ||
	{ echo "SKIP all this curl has no --parallel (curl 7.66 or later needed)"; exit 77; }
for exe in fetchlab-server fetch-eventloop; do
	[ -x "$bindir/$exe" ] || { echo "eventloop_vs_curl.sh: no $bindir/$exe; build it first" >&2; exit 2; }
done

. "$(dirname "$0")/common.sh"
start_fetchlab_server "$bindir/fetchlab-server"

# The same requests fetch-eventloop makes with --delay 0 --size 1k.
awk -v n="$n" -v base="$url" 'BEGIN {
	for (i = 0; i < n; i++)
		printf "url = \"%s/fetch?id=%d&delay_ms=0&bytes=1024\"\noutput = \"/dev/null\"\n", base, i
}' >"$tmp/urls.conf"

now() { date +%s.%N; }

# rps START END: requests per second over the interval.
rps() { awk -v n="$n" -v a="$1" -v b="$2" 'BEGIN { printf "%.0f\n", n / (b - a) }'; }

echo "fetchlab-server at $url; N=$n, C=$c, $rounds rounds each, alternating"
for r in $(seq "$rounds"); do
	t0=$(now)
	curl --silent --no-progress-meter --parallel --parallel-max "$c" \
		-K "$tmp/urls.conf" 2>"$tmp/curl.err" ||
		{ echo "eventloop_vs_curl.sh: curl failed:" >&2; cat "$tmp/curl.err" >&2; exit 1; }
	t1=$(now)
	rps "$t0" "$t1" >>"$tmp/curl.rps"

	t0=$(now)
	"$bindir/fetch-eventloop" -n "$n" -c "$c" --delay 0 --size 1k \
		--server "$url" --json >"$tmp/ev.json"
	t1=$(now)
	grep -q "\"ok\":$n," "$tmp/ev.json" ||
		{ echo "eventloop_vs_curl.sh: fetch-eventloop failed requests:" >&2; cat "$tmp/ev.json" >&2; exit 1; }
	rps "$t0" "$t1" >>"$tmp/ev.rps"
	echo "round $r: curl --parallel $(tail -1 "$tmp/curl.rps") req/s," \
	     "fetch-eventloop $(tail -1 "$tmp/ev.rps") req/s"
done

curl_rps=$(median <"$tmp/curl.rps")
ev_rps=$(median <"$tmp/ev.rps")
echo "RESULT curl_rps $curl_rps"
echo "RESULT eventloop_rps $ev_rps"
awk -v a="$ev_rps" -v b="$curl_rps" -v t="$target" 'BEGIN {
	printf "median: curl --parallel %d req/s, fetch-eventloop %d req/s, ratio %.2f (target >= %.1f)\n",
	       b, a, a / b, t
}'
