#!/bin/sh
# edges.sh CLI BINDIR - inputs at the edges get a clear refusal, and a
# user's --server is the one used: run --server ADDR talks to ADDR (it
# silently used the embedded server); fetchlab-server --port ' 80' is not
# a port; --rate 1e-12 is refused (its schedule overflowed); under a
# 64-descriptor hard limit the advice names no absurd -c (it said 'at most
# 18446744073709551552'); compare checks --size and --delay before the
# sweep, with the models' own words (100m failed every point).
set -u
cli=${1:?usage: edges.sh CLI BINDIR}
bin=${2:?usage: edges.sh CLI BINDIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL edges: $*" >&2; exit 1; }

"$cli" run eventloop -n 4 -c 2 --delay 1ms --timeout 2s --json --server http://127.0.0.1:9/ \
	>"$tmp/out" 2>&1
[ "$(jq .errors.connect "$tmp/out")" = 4 ] ||
	fail "run --server 127.0.0.1:9 did not use it: $(cat "$tmp/out")"

"$bin/fetchlab-server" --port ' 80' >/dev/null 2>"$tmp/err" && fail "--port ' 80' accepted"
grep -q "bad --port ' 80'" "$tmp/err" || fail "--port ' 80': $(cat "$tmp/err")"

"$bin/fetch-sync" -n 100 --rate 1e-12 --dry-run >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q -- "--rate 1e-12: 100 requests would take" "$tmp/err" ||
	fail "--rate 1e-12: $(cat "$tmp/err")"

sh -c "ulimit -n 64 && ulimit -Hn 64 && exec \"$bin/fetch-eventloop\" -n 100 -c 100 \
	--delay 1ms --server http://127.0.0.1:9/" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "-c 100 under 64 descriptors: $(cat "$tmp/err")"
grep -q 'but the limit is 64' "$tmp/err" && ! grep -q '[0-9]\{8,\}' "$tmp/err" ||
	fail "the descriptor advice: $(cat "$tmp/err")"

for opt in "--size 100m|--size '100m' is too large; at most 64m" \
	   "--delay 0x10|--delay '0x10' has an unknown unit"; do
	"$cli" compare ${opt%%|*} --out "$tmp/r" >/dev/null 2>"$tmp/err"
	[ $? -eq 2 ] && grep -qF "fetchlab compare: ${opt#*|}" "$tmp/err" ||
		fail "compare ${opt%%|*}: $(cat "$tmp/err")"
	[ ! -e "$tmp/r/data" ] || fail "compare ${opt%%|*} started a sweep"
done
echo "edges: ok"
