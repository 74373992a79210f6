#!/bin/sh
# server.sh CLI - the embedded server's life follows the driver's, not the
# terminal's: Ctrl-C (SIGINT to the foreground group) stops the model, which
# still talks to the server while it writes its partial results, so the
# server runs in a group of its own; and when the driver dies, however, the
# server goes with it (no orphan fetchlab-server).
set -u
cli=$1
fail() { echo "FAIL server: $*"; exit 1; }

# server_of DRIVER: the pid of DRIVER's fetchlab-server, once it is up.
server_of() {
	for _ in $(seq 100); do
		s=$(pgrep -P "$1" -x fetchlab-server) && { echo "$s"; return 0; }
		sleep 0.1
	done
	return 1
}

"$cli" run sync -n 100000 -c 1 --delay 100ms >/dev/null 2>&1 &
driver=$!
server=$(server_of "$driver") || fail "no fetchlab-server under the driver"
model=$(pgrep -P "$driver" -x fetch-sync)
trap 'kill "$model" 2>/dev/null' EXIT
[ "$(ps -o pgid= -p "$server")" -ne "$(ps -o pgid= -p "$driver")" ] ||
	fail "the server is in the driver's process group: Ctrl-C reaches it"

kill -KILL "$driver"
for _ in $(seq 50); do
	[ "$(ps -o stat= -p "$server" 2>/dev/null)" = "" ] && break
	case $(ps -o stat= -p "$server") in Z*) break ;; esac
	sleep 0.1
done
case $(ps -o stat= -p "$server" 2>/dev/null) in
""|Z*) ;;
*) kill "$server"; fail "the server outlived its driver (SIGKILL)" ;;
esac
echo "ok server: a group of its own, gone with its driver"
