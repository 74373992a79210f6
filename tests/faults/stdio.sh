#!/bin/sh
# stdio.sh SERVER - a program started with stdin or stderr closed must not
# abort: libuv asserts that a descriptor it closes is above 2, and the
# first socket would otherwise take the closed number. Each of our
# executables opens /dev/null on any of 0-2 that is closed.
set -eu
server=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL stdio: $*" >&2; exit 1; }

for closed in 0 2; do
	case $closed in
	0) "$server" --port 0 <&- >"$tmp/out" 2>"$tmp/err" & ;;
	2) "$server" --port 0 >"$tmp/out" 2>&- & ;;
	esac
	pid=$!
	url=""
	for _ in $(seq 50); do
		url=$(sed -n 's/^fetchlab-server listening on //p' "$tmp/out")
		[ -n "$url" ] && break
		sleep 0.1
	done
	[ -n "$url" ] || fail "server, fd $closed closed: no 'listening' line"
	curl -s -o /dev/null "$url/fetch?id=1&bytes=10" || fail "server, fd $closed closed: no answer"
	kill -TERM "$pid"
	set +e
	wait "$pid"
	rc=$?
	set -e
	[ "$rc" -eq 0 ] || fail "server, fd $closed closed: exit $rc $(cat "$tmp/err" 2>/dev/null)"
	echo "ok server with fd $closed closed: answered, exit 0"
done
