#!/bin/sh
# interrupt.sh CLI - a `lab check` stopped halfway ends at once and leaves
# nothing behind, however it is stopped: its reader gone (`| head -3`,
# SIGPIPE), Ctrl-C (SIGINT to its process group, as a terminal sends it),
# SIGTERM. Each must end within 2 s with no child of the check alive (the
# server, a model, the compiler) and nothing left in $TMPDIR.
set -u
cli=$1 lab=03
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/scratch" && export TMPDIR="$tmp/scratch"   # the check's, ours alone
fail() { echo "FAIL interrupt ($how): $*"; cat "$tmp/out" 2>/dev/null; exit 1; }
now() { date +%s.%N; }
ms() { echo "$1 $2" | awk '{ printf "%d", ($2 - $1) * 1000 }'; }

how=setup
"$cli" lab start "$lab" --dir "$tmp/work" >/dev/null || fail "lab start failed"
for f in "$tmp"/work/*.c; do
	cp "$(ls "$src"/impl-*/"$(basename "$f")")" "$f" || fail "no reference for $f"
done

# Every pid of session $1 but $1 (the check, started by setsid: the
# server, the models, the compiler and its passes), until $1 exits, into
# $tmp/kids.
watch_kids() {
	while kill -0 "$1" 2>/dev/null; do
		ps -o pid= -s "$1" | grep -vw "$1" >>"$tmp/kids"
		sleep 0.05
	done
}

# After the check $1 ended: no child it had runs, nothing in $TMPDIR.
left_nothing() {
	sleep 0.2
	for k in $(sort -u "$tmp/kids"); do
		# a zombie (Z) has ended: its parent, init here, has yet to reap it
		if ps -o stat= -p "$k" | grep -qv '^Z'; then
			ps -o pid,ppid,args -p "$k"
			fail "pid $k, a child of the check, still runs"
		fi
	done
	[ -z "$(ls -A "$TMPDIR")" ] || fail "left in \$TMPDIR: $(ls "$TMPDIR")"
	echo "  $(sort -u "$tmp/kids" | wc -l) children seen, none left; \$TMPDIR empty"
}

# Wait until $tmp/out has line $1 (at most 60 s).
wait_line() {
	i=0
	while [ "$(wc -l <"$tmp/out")" -lt "$1" ] && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# 1. | head -3: head exits after the third line, mid-check.
how=SIGPIPE
: >"$tmp/kids"
mkfifo "$tmp/pipe"
setsid "$cli" lab check "$lab" --dir "$tmp/work" >"$tmp/pipe" 2>"$tmp/err" &
pid=$!   # setsid need not fork here: it is the check, and its session
watch_kids $pid &
head -3 <"$tmp/pipe" >"$tmp/out"
t0=$(now)
wait $pid
rc=$? t1=$(now)
echo "| head -3: exit $rc, $(ms "$t0" "$t1") ms after head exited"
[ "$(ms "$t0" "$t1")" -lt 2000 ] || fail "took $(ms "$t0" "$t1") ms"
[ "$rc" -eq 141 ] || fail "exit $rc, wanted 141 (SIGPIPE)"
wait
left_nothing

# 2 and 3: SIGINT to the group mid-run, SIGTERM to the check mid-build.
for how in SIGINT SIGTERM; do
	: >"$tmp/kids"
	setsid "$cli" lab check "$lab" --dir "$tmp/work" >"$tmp/out" 2>&1 &
	pid=$!
	watch_kids $pid &
	if [ $how = SIGINT ]; then
		wait_line 3   # built, a run or two done
		sleep 0.3
		kill -INT -$pid
	else
		sleep 0.5     # the compiler runs
		kill -TERM $pid
	fi
	t0=$(now)
	wait $pid
	rc=$? t1=$(now)
	echo "$how: exit $rc, $(ms "$t0" "$t1") ms after the signal"
	[ "$(ms "$t0" "$t1")" -lt 2000 ] || fail "took $(ms "$t0" "$t1") ms"
	case $how in SIGINT) want=130 ;; *) want=143 ;; esac
	[ "$rc" -eq $want ] || fail "exit $rc, wanted $want"
	wait
	left_nothing
done
echo "ok lab check interrupted"
