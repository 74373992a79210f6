#!/bin/sh
# matrix.sh CLI MODEL - every fault the server can inject, one kind at a time
# and then all mixed: each request must land in the class its fault implies,
# the good requests must all succeed, and ok + errors == requests.
set -eu
cli=$1 model=$2
pass=0 failed=0
n=30

# class_of FAULT: the one class a request with this fault must end in.
class_of() {
	case $1 in
	refused) echo connect ;;
	reset|reset_body|short) echo recv ;;
	stall|trickle) echo timeout ;;
	http500|http503) echo http ;;
	tls_*) echo tls ;;
	esac
}

# Over HTTPS (FL_RUN_ARGS=--tls ...), the TLS faults too, by name.
kinds="refused reset reset_body stall short trickle http500 http503"
case " ${FL_RUN_ARGS:-} " in
*" --tls "*) tls=1 kinds="$kinds tls_unknown_ca tls_wrong_host tls_expired tls_reset" ;;
*) tls=0 ;;
esac
# The bound on each request: long enough for a healthy one, short enough to
# keep the stalls quick (sync waits them out one after another: 12 of its
# 30 requests stall). A TLS handshake against a server built with ASan
# takes 25-40 ms on a loaded 2-core machine (4 ms of its CPU), and 16 at
# once queue behind each other: over 400 ms for the last.
timeout=400ms
[ "$tls" = 0 ] || timeout=1s
# sync over TLS waits out its stalls one after another at 1 s each: half
# the requests keep it near the http matrix's time (48 s a test before).
mixed=80
[ "$tls" = 0 ] || [ "$model" != sync ] || n=15 mixed=40

check() { # LABEL JSON_FILE JQ_EXPR
	if jq -e "$3" "$2" >/dev/null; then
		pass=$((pass + 1))
	else
		failed=$((failed + 1))
		echo "FAIL $model $1: $3 does not hold for $(jq -c '{ok, errors, injected, requests}' "$2")"
	fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# run ARGS...: fetchlab run MODEL, bounded: a run still going after 60 s is
# shown (which process, in what state) and stopped (SIGTERM: the model
# writes what it has, marked interrupted), instead of holding the test to
# its timeout without a word.
run() {
	"$cli" run "$model" ${FL_RUN_ARGS:-} "$@" &
	rpid=$!
	t=0
	while kill -0 "$rpid" 2>/dev/null && [ $t -lt 600 ]; do
		sleep 0.1
		t=$((t + 1))
	done
	if kill -0 "$rpid" 2>/dev/null; then
		failed=$((failed + 1))
		echo "FAIL $model $*: still running after 60 s:" >&2
		ps -eo pid,ppid,stat,wchan:24,etime,args | grep -E '[f]etch-|[f]etchlab-' >&2
		kill -TERM "$rpid"
	fi
	wait "$rpid" || true
}
for fault in $kinds; do
	j=$tmp/$fault.json
	start=$(date +%s)
	run -n $n -c 8 --delay 1ms --size 1k --timeout $timeout --faults "$fault=0.4" \
		--seed 3 --json >"$j"
	class=$(class_of $fault)
	check "$fault" "$j" ".requests == $n"
	check "$fault" "$j" ".injected.$fault > 0"
	check "$fault" "$j" ".errors.$class == .injected.$fault"
	check "$fault" "$j" ".ok == $n - .injected.$fault"
	check "$fault" "$j" ".ok + ([.errors[]] | add) == .requests"
	# Bounded: at most a few timeouts' worth, never a hang.
	[ $(( $(date +%s) - start )) -le 20 ] && pass=$((pass + 1)) ||
		{ failed=$((failed + 1)); echo "FAIL $model $fault: took over 20 s"; }
done

# All kinds at once, 60% of the requests.
j=$tmp/mixed.json
run -n $mixed -c 16 --delay 1ms --timeout $timeout --faults 0.6 --seed 5 --json >"$j"
check mixed "$j" '.errors.connect == .injected.refused'
check mixed "$j" '.errors.recv == .injected.reset + .injected.reset_body + .injected.short'
check mixed "$j" '.errors.timeout == .injected.stall + .injected.trickle'
check mixed "$j" '.errors.http == .injected.http500 + .injected.http503'
check mixed "$j" '.errors.checksum == 0 and .errors.other == 0'
check mixed "$j" ".ok == $mixed - ([.injected[]] | add)"
check mixed "$j" ".ok + ([.errors[]] | add) == .requests and .requests == $mixed"

if [ "$tls" = 1 ]; then
	# A certificate nobody vouches for is never accepted: every request tls.
	j=$tmp/untrusted.json
	run -n 20 -c 4 --delay 1ms --faults tls_unknown_ca=1 --json >"$j"
	check untrusted "$j" '.ok == 0 and .errors.tls == 20 and .requests == 20'
	# The TLS kinds mixed with HTTP ones: each counted in its class.
	j=$tmp/mixedtls.json
	run -n $mixed -c 16 --delay 1ms --timeout $timeout --seed 5 \
		--faults tls_unknown_ca=0.1,tls_wrong_host=0.1,tls_expired=0.1,tls_reset=0.1,reset=0.1,stall=0.1 \
		--json >"$j"
	check mixedtls "$j" '.errors.tls == .injected.tls_unknown_ca + .injected.tls_wrong_host + .injected.tls_expired + .injected.tls_reset'
	check mixedtls "$j" '.errors.recv == .injected.reset and .errors.timeout == .injected.stall'
	check mixedtls "$j" ".ok == $mixed - ([.injected[]] | add)"
	check mixedtls "$j" ".ok + ([.errors[]] | add) == .requests and .requests == $mixed"
fi

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
