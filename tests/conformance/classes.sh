#!/bin/sh
# classes.sh CLI MODEL - one classification for every model and peer: MODEL
# fetches each behaviour of the misbehaving server (misbehave.py: garbage,
# cut heads, lying lengths, bad chunking, 1xx, 3xx, gzip and a gzip bomb,
# endless headers, trickles, a huge body...) with --url, two requests at
# C = 2 and --timeout 2s, and both must land in the class misbehave.py
# lists for it, with ok + errors == requests; a timeout ends the run
# between 1.9 and 6 s (--timeout bounds the whole request, a trickle
# included); an ok gzip body counts its
# compressed bytes (no model decodes what it did not ask for). Prints the
# behaviour, the class wanted and the class got, a line each.
# Exit 77 (skipped) when a peer cannot run here.
set -u
cli=${1:?usage: classes.sh CLI MODEL}
model=${2:?usage: classes.sh CLI MODEL}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
srv=
cleanup() { [ -z "$srv" ] || kill "$srv" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL classes $model: $*" >&2; exit 1; }
. "$(dirname "$0")/../listening.sh"

/usr/bin/python3 "$here/misbehave.py" >"$tmp/srv.out" &
srv=$!
listening "$tmp/srv.out" misbehave.py

bad=0 n=0
/usr/bin/python3 "$here/misbehave.py" --list >"$tmp/list"
while read -r name want; do
	n=$((n + 1))
	"$cli" run "$model" --url "$url/$name" -n 2 -c 2 --timeout 2s --json \
		>"$tmp/out.json" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 77 ] && exit 77
	if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
		echo "$name: want $want, got exit status $rc: $(head -c 300 "$tmp/err")"
		bad=$((bad + 1))
		continue
	fi
	got=$(jq -r '[{k: "ok", v: .ok}] + [.errors | to_entries[] | {k: .key, v: .value}]
		| map(select(.v > 0) | "\(.k)=\(.v)") | join(",")' "$tmp/out.json" 2>/dev/null)
	total=$(jq '.ok + ([.errors[]] | add)' "$tmp/out.json" 2>/dev/null)
	if [ "$got" != "$want=2" ] || [ "$total" != 2 ]; then
		echo "$name: want $want=2, got ${got:-no summary} ($(jq -c '.error_samples' "$tmp/out.json" 2>/dev/null | head -c 200))"
		bad=$((bad + 1))
		continue
	fi
	case $want in
	timeout)  # --timeout 2s bounds the whole request, not each read
		wall=$(jq .wall_s "$tmp/out.json")
		awk -v w="$wall" 'BEGIN { exit !(w >= 1.9 && w < 6) }' ||
			{ echo "$name: the run took $wall s with --timeout 2s"; bad=$((bad + 1)); continue; } ;;
	esac
	case $name in
	gzip*)  # the bytes on the wire, not decoded
		bytes=$(jq .bytes "$tmp/out.json")
		[ "$bytes" -lt 200000 ] || { echo "$name: $bytes bytes: the body was decoded"; bad=$((bad + 1)); continue; } ;;
	esac
	echo "$name: $want, as wanted"
done <"$tmp/list"
[ "$bad" -eq 0 ] || fail "$bad of $n behaviours in another class (above)"
echo "classes $model: all $n behaviours in their class"
