#!/bin/sh
# othercert.sh SERVER MODEL - a certificate nobody vouches for is never
# accepted: an HTTPS server whose CA is not the one the model is given.
# Every request must end in class tls (with connections kept alive and
# fresh), the run itself must still end normally: ok + errors == requests.
set -eu
server=$1 model=$2
tmp=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL $(basename "$model"): $*" >&2; exit 1; }
. "$(dirname "$0")/../listening.sh"

# Another fetchlab CA: a server made it in its directory, then left.
"$server" --port 0 --tls --tls-dir "$tmp/other" >"$tmp/other.out" &
pid=$!
listening "$tmp/other.out" "the first server"
kill "$pid"
wait "$pid" 2>/dev/null || true
[ -s "$tmp/other/ca.pem" ] || fail "the first server made no CA in $tmp/other"

"$server" --port 0 --tls --tls-dir "$tmp/real" >"$tmp/real.out" &
pid=$!
listening "$tmp/real.out" "the server"
for mode in reuse fresh; do
	"$model" -n 20 -c 4 --delay 1ms --server "$url" --ca "$tmp/other/ca.pem" \
		--connections $mode --json >"$tmp/out.json" || fail "$mode: exit status $?"
	jq -e '.ok == 0 and .errors.tls == 20 and .requests == 20' "$tmp/out.json" >/dev/null ||
		fail "$mode: a certificate from another CA: $(jq -c '{ok, errors}' "$tmp/out.json")"
	# The right CA, the same server: every request ok.
	"$model" -n 20 -c 4 --delay 1ms --server "$url" --ca "$tmp/real/ca.pem" \
		--connections $mode --json >"$tmp/out.json" || fail "$mode: exit status $?"
	jq -e '.ok == 20' "$tmp/out.json" >/dev/null ||
		fail "$mode: its own CA: $(jq -c '{ok, errors}' "$tmp/out.json")"
done
echo "ok $(basename "$model"): 40 of 40 requests tls with another CA's certificate, 40 of 40 ok with the server's own"
