#!/bin/sh
# model.sh VALGRIND SERVER MODEL - one model under valgrind:
# no invalid access, no leak, and every request accounted for, in a closed
# loop, an open loop (the due-time timer), with injected faults (error
# paths: resets, refused and stalled connections, timeouts), and on Ctrl-C
# with transfers in flight (they are cancelled).
# Valgrind wraps the model itself, so the server is started here, not by
# the driver. With a fourth argument, --tls: all of it over HTTPS, fresh
# connections and the TLS faults too, and the server under valgrind as well
# (it must exit clean on SIGTERM).
set -eu
valgrind=$1 server=$2 model=$3 tls=${4:-}
dir=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

# wait_for TRIES STEP WHY CMD...: run CMD every STEP seconds until it
# succeeds; after TRIES failures, fail saying WHY.
wait_for() {
	tries=$1 step=$2 why=$3
	shift 3
	until "$@"; do
		tries=$((tries - 1))
		if [ "$tries" -le 0 ]; then
			echo "model.sh: $why" >&2
			exit 1
		fi
		sleep "$step"
	done
}

if [ -n "$tls" ]; then
	"$valgrind" -q --leak-check=full --error-exitcode=99 \
		"$server" --port 0 --tls --tls-dir "$dir/tls" >"$dir/server.out" &
else
	"$server" --port 0 >"$dir/server.out" &
fi
pid=$!
wait_for 600 0.05 "$server did not start in 30 s" \
	grep -qs '^fetchlab-server listening on ' "$dir/server.out"
url=$(awk 'NR == 1 { print $4 }' "$dir/server.out")
ca=
[ -z "$tls" ] || ca="--ca $dir/tls/ca.pem"

# check NAME N OPTIONS...: run the model under valgrind; OK must be N, or
# with faults, ok plus errors must be N (the driver's contract).
check() {
	name=$1 n=$2
	shift 2
	echo "== $name: $(basename "$model") -n $n $*"
	"$valgrind" -q --leak-check=full --error-exitcode=99 \
		"$model" -n "$n" --server "$url" $ca --json "$@" >"$dir/out.json"
	cat "$dir/out.json"
	ok=$(sed -n 's/.*"ok":\([0-9]*\).*/\1/p' "$dir/out.json")
	errors=$(sed -n 's/.*"errors":{\([^}]*\)}.*/\1/p' "$dir/out.json" |
		tr ',' '\n' | sed 's/.*://' | awk '{ s += $1 } END { print s + 0 }')
	total=$((ok + errors))
	if [ "$total" != "$n" ]; then
		echo "model.sh: $name: ok + errors = $total, want $n" >&2
		exit 1
	fi
	case $* in
	*--faults*) ;;
	*)	if [ "$ok" != "$n" ]; then
			echo "model.sh: $name: $ok of $n ok" >&2
			exit 1
		fi ;;
	esac
}

check closed 200 -c 20 --delay 5ms
check open 100 -c 10 --delay 5ms --rate 500
check faults 100 -c 10 --delay 5ms --faults 0.3 --timeout 1s
if [ -n "$tls" ]; then
	check fresh 60 -c 10 --delay 5ms --connections fresh
	check tlsfaults 60 -c 10 --delay 5ms --timeout 1s \
		--faults tls_unknown_ca=0.1,tls_wrong_host=0.1,tls_expired=0.1,tls_reset=0.1
fi
echo "== interrupt: SIGINT while 20 transfers wait 10 s"
"$valgrind" -q --leak-check=full --error-exitcode=99 \
	"$model" -n 100 -c 20 --delay 10s --server "$url" $ca --json \
	--progress "$dir/progress" >"$dir/out.json" &
vpid=$!
# Signal only once requests are in flight: valgrind starts slowly, and a
# background job ignores SIGINT until the model installs its handler. The
# progress file's first word becomes "flpr" when the run has begun.
run_begun() { [ "$(od -An -tx4 -N4 "$dir/progress" 2>/dev/null | tr -d ' ')" = 666c7072 ]; }
wait_for 600 0.1 "interrupt: the run did not start in 60 s" run_begun
sleep 1
kill -INT "$vpid"
rc=0
wait "$vpid" || rc=$?
cat "$dir/out.json"
if [ "$rc" != 130 ]; then
	echo "model.sh: interrupt: exit status $rc, want 130" >&2
	exit 1
fi
if [ -n "$tls" ]; then   # the server, under valgrind too, leaves clean
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	pid=
	if [ "$rc" != 0 ]; then
		echo "model.sh: the TLS server under valgrind exited $rc (99: valgrind's errors)" >&2
		exit 1
	fi
fi
echo "model.sh: clean"
