#!/bin/sh
# orphans.sh CLI - SIGTERM and SIGHUP to run, compare and demo act as the
# terminal's Ctrl-C: the models stop and report, the server stops, the
# driver exits 130 and leaves no child running and no temporary directory;
# SIGKILL to the driver takes its children with it (the parent-death
# signal). Before, each of these left the server and the model running.
set -eu
cli=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL orphans: $*" >&2; exit 1; }

# alive PID: running (a zombie has finished)
alive() { [ -e "/proc/$1" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null; }

# trial SIG WHAT ARGS...: start the driver, wait until it has its children,
# send SIG, and check the driver and every child are gone within 10 s.
trial() {
	sig=$1 what=$2; shift 2
	TMPDIR="$tmp" "$cli" "$@" >"$tmp/out" 2>&1 &
	driver=$!
	kids=""
	for _ in $(seq 100); do
		kids=$(cat /proc/$driver/task/*/children 2>/dev/null || :)
		[ "$(echo $kids | wc -w)" -ge 2 ] && break
		sleep 0.1
	done
	[ "$(echo $kids | wc -w)" -ge 2 ] || fail "$what: no children after 10 s: $(cat "$tmp/out")"
	sleep 0.5
	kill -"$sig" "$driver"
	set +e
	wait "$driver"
	rc=$?
	set -e
	for _ in $(seq 100); do
		left=""
		for k in $kids; do alive "$k" && left="$left $k"; done
		[ -z "$left" ] && break
		sleep 0.1
	done
	[ -z "$left" ] || fail "$what, SIG$sig: children left running:$left"
	if [ "$sig" != KILL ]; then
		[ "$rc" -eq 130 ] || fail "$what, SIG$sig: exit status $rc, want 130: $(tail -3 "$tmp/out")"
		[ -z "$(ls "$tmp" | grep -v "^out$\|^results$")" ] || fail "$what, SIG$sig: left $(ls "$tmp")"
	fi
	echo "ok $what SIG$sig: exit $rc, none of [$(echo $kids)] left"
}

for sig in TERM HUP; do
	trial $sig run run eventloop -n 100000 -c 10 --delay 50ms
	trial $sig compare compare --models eventloop --out "$tmp/results"
	rm -rf "$tmp/results"
	trial $sig demo demo -n 100000 --models sync,eventloop
done
trial KILL run run threads -n 100000 -c 10 --delay 50ms
