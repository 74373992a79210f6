#!/bin/sh
# atomic.sh CLI - compare writes a run beside --out and swaps it in only
# when every file is written: SIGTERM (as Ctrl-C) and SIGKILL in the middle
# of a run leave --out byte-identical, a second compare into the same --out
# is refused while the first runs, and a run that completes replaces
# data/, charts/ and machine.txt and leaves nothing else behind. Before,
# an interrupt cut summary.csv short and rewrote the charts in place.
set -eu
cli=$1
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || :; rm -rf "$tmp"' EXIT
fail() { echo "FAIL atomic: $*" >&2; exit 1; }

out=$tmp/r
quick="--models sync --concurrency 1,2 --delay 1ms --repeat 1 --requests-scale 0.05 --work none"
long="--models sync --concurrency 1 --delay 50ms --repeat 3 --work none"
# The files, less a staging directory a SIGKILL leaves (.gitignore'd; the
# next compare removes it).
sums() { (cd "$out" && find . -path './.compare-*' -prune -o -type f -print | sort | xargs md5sum); }

# shellcheck disable=SC2086  # the options are words on purpose
"$cli" compare $quick --out "$out" >/dev/null 2>"$tmp/log" || fail "first run: $(cat "$tmp/log")"
sums >"$tmp/before"

# started: wait until the long run has begun its first point
started() {
	for _ in $(seq 100); do
		grep -q 'repeat 1' "$tmp/log" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "the long run did not start: $(cat "$tmp/log")"
}

for sig in TERM KILL; do
	# shellcheck disable=SC2086
	"$cli" compare $long --out "$out" >/dev/null 2>"$tmp/log" &
	pid=$!
	started
	if [ "$sig" = TERM ]; then
		# shellcheck disable=SC2086
		if "$cli" compare $quick --out "$out" >/dev/null 2>"$tmp/second"; then
			fail "a second compare into the same --out ran"
		fi
		grep -q 'another compare' "$tmp/second" || fail "second compare: $(cat "$tmp/second")"
	fi
	kill -"$sig" "$pid"
	set +e
	wait "$pid"
	rc=$?
	set -e
	[ "$sig" = KILL ] || [ "$rc" -eq 130 ] || fail "SIG$sig: exit $rc, want 130"
	sums | diff "$tmp/before" - >/dev/null || fail "SIG$sig changed $out: $(sums | diff "$tmp/before" - | head -5)"
	echo "ok SIG$sig in the middle of a run: $out unchanged (exit $rc)"
done

# A run that completes replaces the three and leaves no staging directory
# (also removing the one SIGKILL left).
sleep 1.1   # machine.txt's date changes by the second
# shellcheck disable=SC2086
"$cli" compare $quick --out "$out" >"$tmp/stdout" 2>"$tmp/log" || fail "last run: exit $?: $(cat "$tmp/log" "$tmp/stdout")"
sums | diff "$tmp/before" - >/dev/null && fail "a completed run left $out unchanged"
[ -z "$(ls -A "$out" | grep -v '^data$\|^charts$\|^machine.txt$')" ] || fail "left in $out: $(ls -A "$out")"
echo "ok a completed run replaced data/, charts/ and machine.txt, nothing else left"
