# common.sh - sourced by the bench scripts: a scratch directory $tmp that is
# removed on exit, with every process listed in $pids killed first;
# fetchlab-server on a free port; the median.

tmp=$(mktemp -d /tmp/fetchlab-bench.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# start_fetchlab_server EXE: run EXE (a fetchlab-server) on a free port;
# sets $url (its base URL) and $server_pid.
start_fetchlab_server() {
	"$1" --port 0 >"$tmp/server.out" &
	server_pid=$!
	pids+=("$server_pid")
	url=
	for _ in $(seq 50); do
		url=$(sed -n 's/^fetchlab-server listening on //p' "$tmp/server.out")
		[ -n "$url" ] && return 0
		sleep 0.1
	done
	echo "$(basename "$0"): fetchlab-server printed no 'listening' line" >&2
	exit 1
}

# median: the middle of the numbers on stdin, one a line.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
