# common.sh - sourced by the bench scripts: a scratch directory $tmp that is
# removed on exit, with every process listed in $pids killed first;
# fetchlab-server on a free port; nginx's shared configuration; the median.

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
	: >"$tmp/server.out"   # there before the loop reads it: the child opens it late
	"$1" --port 0 >"$tmp/server.out" &
	server_pid=$!
	pids+=("$server_pid")
	url=
	for _ in $(seq 50); do
		url=$(sed -n 's/^fetchlab-server listening on //p' "$tmp/server.out" 2>/dev/null || true)
		[ -n "$url" ] && return 0
		sleep 0.1
	done
	echo "$(basename "$0"): fetchlab-server printed no 'listening' line" >&2
	exit 1
}

# nginx_head: the start of an nginx.conf for one worker under $tmp/nginx,
# up to the inside of its http block: the part every bench's nginx shares.
nginx_head() {
	cat <<-EOF
	worker_processes 1;
	worker_rlimit_nofile 30000;
	daemon off;
	pid $tmp/nginx/nginx.pid;
	error_log $tmp/nginx/logs/error.log warn;
	events { worker_connections 20000; }
	http {
	    access_log off;
	    keepalive_requests 100000000;
	    client_body_temp_path $tmp/nginx/body;
	    proxy_temp_path $tmp/nginx/proxy;
	    fastcgi_temp_path $tmp/nginx/fastcgi;
	    uwsgi_temp_path $tmp/nginx/uwsgi;
	    scgi_temp_path $tmp/nginx/scgi;
	EOF
}

# median: the middle of the numbers on stdin, one a line.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
