#!/bin/sh
# below.sh CLI - below a model's capacity no request waits for its turn, so
# the latency from the due time (corrected) and from the start (uncorrected)
# agree: their medians within 2 ms. The event loop at 200 req/s (it could
# take 5000 at C = 100 and 20 ms); sync at 10 req/s (it can take 50).
set -eu
cli=$1
bin=$(dirname "$cli")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL openloop below capacity: $*" >&2; exit 1; }

check() { # MODEL ARGS...
	model=$1; shift
	"$cli" run "$model" "$@" --delay 20ms --json >"$tmp/$model.json" ||
		fail "$model $*: exit status $?"
	j=$tmp/$model.json
	[ "$(jq '.ok == .requests' "$j")" = true ] || fail "$model $*: errors $(jq -c .errors "$j")"
	start=$(jq .latency_us.p50 "$j")
	due=$(jq .latency_from_due_us.p50 "$j")
	awk -v a="$start" -v b="$due" 'BEGIN { d = a - b; exit !(d < 2000 && d > -2000) }' ||
		fail "$model $*: p50 from start ${start}us, from due ${due}us: more than 2 ms apart"
	echo "ok $model $*: p50 from start $start us, from due $due us"
}

check sync --rate 10 -n 20
if [ -x "$bin/fetch-eventloop" ]; then
	check eventloop --rate 200 -n 200 -c 100
fi
