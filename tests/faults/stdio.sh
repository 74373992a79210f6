#!/bin/sh
# stdio.sh SERVER MODEL - a program started with stdin, stdout or stderr
# closed must not abort: libuv asserts that a descriptor it closes is above
# 2, and the first socket would otherwise take the closed number. Each of
# our executables opens /dev/null on any of 0-2 that is closed.
set -eu
server=$1 model=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL stdio: $*" >&2; exit 1; }
. "$(dirname "$0")/../listening.sh"

for closed in 0 2; do
	case $closed in
	0) "$server" --port 0 <&- >"$tmp/out" 2>"$tmp/err" & ;;
	2) "$server" --port 0 >"$tmp/out" 2>&- & ;;
	esac
	pid=$!
	listening "$tmp/out" "the server with fd $closed closed"
	curl -s -o /dev/null "$url/fetch?id=1&bytes=10" || fail "server, fd $closed closed: no answer"
	kill -TERM "$pid"
	set +e
	wait "$pid"
	rc=$?
	set -e
	[ "$rc" -eq 0 ] || fail "server, fd $closed closed: exit $rc $(cat "$tmp/err" 2>/dev/null)"
	echo "ok server with fd $closed closed: answered, exit 0"
done

# A model (libfetchlab's fl_main), each of the three closed in turn, against
# a server of its own: it must finish and exit 0, its summary (on stdout
# when open) saying every request was ok.
"$server" --port 0 >"$tmp/out" 2>/dev/null &
pid=$!
url=""
for _ in $(seq 50); do
	url=$(sed -n 's/^fetchlab-server listening on //p' "$tmp/out" 2>/dev/null || true)
	[ -n "$url" ] && break
	sleep 0.1
done
for closed in 0 1 2; do
	set +e
	case $closed in
	0) "$model" -n 20 -c 4 --delay 0 --server "$url" --json <&- >"$tmp/m.json" 2>"$tmp/m.err" ;;
	1) "$model" -n 20 -c 4 --delay 0 --server "$url" --json >&- 2>"$tmp/m.err" ;;
	2) "$model" -n 20 -c 4 --delay 0 --server "$url" --json >"$tmp/m.json" 2>&- ;;
	esac
	rc=$?
	set -e
	[ "$rc" -eq 0 ] || fail "$(basename "$model"), fd $closed closed: exit $rc $(cat "$tmp/m.err" 2>/dev/null)"
	if [ "$closed" != 1 ]; then
		[ "$(jq .ok "$tmp/m.json")" -eq 20 ] || fail "fd $closed closed: $(cat "$tmp/m.json")"
	fi
	echo "ok $(basename "$model") with fd $closed closed: exit 0"
done
kill -TERM "$pid"
wait "$pid" || :
