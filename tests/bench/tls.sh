#!/bin/sh
# tls.sh CLI - `fetchlab bench --quick tls` end to end: exit 0; the four
# server rows measured (both sides above zero, judged) or skipped for a
# missing wrk or nginx; nginx resumed no handshake under no_resume.so, and
# no wrk run saw an error; for every concurrent C model over https the
# fresh / reuse rows measured, with one full handshake per request when
# fresh and fewer when reused; the peers measured alike or skipped.
set -u
cli=${1:?usage: tls.sh PATH-TO-fetchlab-cli}
tmp=$(mktemp -d /tmp/fetchlab-bench-tls.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$cli" bench --quick tls --out "$tmp/tls.md" >"$tmp/out" 2>"$tmp/err" ||
	{ cat "$tmp/err" >&2; fail "bench --quick tls exited $?"; }
grep -q '^## tls$' "$tmp/tls.md" || { cat "$tmp/tls.md" >&2; fail "no tls section"; }

# row WHAT: the row of the report whose first cell is WHAT (a fixed string).
row() { grep -F "| $1 " "$tmp/tls.md" | head -1; }
# cell ROW N: the Nth cell of a table row, trimmed.
cell() { echo "$1" | awk -F'|' -v n="$2" '{ gsub(/^ +| +$/, "", $(n + 1)); print $(n + 1) }'; }
# positive TEXT: whether TEXT starts with a number above zero.
positive() { echo "$1" | awk '{ exit !($1 + 0 > 0) }'; }

# The servers: measured and judged, or all four skipped (no wrk, no nginx).
for what in 'https server, kept-alive, 64 B: fetchlab-server / nginx' \
	    '  server CPU per request, kept-alive: fetchlab-server / nginx' \
	    'https server, fresh connections, full handshakes: fetchlab-server / nginx' \
	    '  server CPU per handshake: fetchlab-server / nginx'; do
	r=$(row "$what")
	[ -n "$r" ] || { cat "$tmp/tls.md" >&2; fail "no row '$what'"; }
	case $(cell "$r" 2) in
	skipped:*) continue ;;
	esac
	positive "$(cell "$r" 2)" && positive "$(cell "$r" 3)" ||
		{ echo "$r" >&2; fail "'$what' not measured on both sides"; }
	cell "$r" 6 | grep -Eq '^(yes|no)' || { echo "$r" >&2; fail "'$what' not judged"; }
	measured=1
done
if [ "${measured:-0}" = 1 ]; then
	grep -q 'check: nginx TLSv1.3, handshakes resumed: 0 of [1-9]' "$tmp/err" ||
		{ cat "$tmp/err" >&2; fail "nginx resumed handshakes under no_resume.so"; }
	# 2 kinds x 2 servers, one round: every wrk run without an error.
	[ "$(grep -c ' run 1  .* req/s, .* requests, server CPU .*, errors: none$' "$tmp/err")" -eq 4 ] ||
		{ cat "$tmp/err" >&2; fail "a wrk run with errors, or fewer than 4 runs"; }
fi

# The clients: fresh against reuse for each model.
for model in eventloop coroutine threads offload python-asyncio python-threads; do
	who="https C=100 0 ms, fresh / reuse: $model"
	r=$(row "$who") c=$(row "  CPU per request, $who") h=$(row "  full handshakes per request, $who")
	[ -n "$r" ] && [ -n "$c" ] && [ -n "$h" ] || { cat "$tmp/tls.md" >&2; fail "no rows for $model"; }
	case $model in
	python-*) case $(cell "$r" 2) in skipped:*) continue ;; esac ;;
	esac
	for x in "$r" "$c"; do
		positive "$(cell "$x" 2)" && positive "$(cell "$x" 3)" ||
			{ echo "$x" >&2; fail "$model: not measured"; }
	done
	[ "$(cell "$h" 2)" = 1.00 ] || { echo "$h" >&2; fail "$model fresh: not one full handshake per request"; }
	positive "$(cell "$h" 3)" && echo "$(cell "$h" 3)" | awk '{ exit !($1 + 0 < 1) }' ||
		{ echo "$h" >&2; fail "$model reuse: handshakes per request not in (0, 1)"; }
done
echo "bench tls: ok"
