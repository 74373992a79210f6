#!/bin/sh
# interrupt.sh CLI MODEL - Ctrl-C in the middle of a run: the model stops
# starting requests, cancels those in flight within about a second, writes
# its partial results marked as interrupted, and exits 130.
set -u
cli=$1 model=$2
out=$(mktemp)
trap 'rm -f "$out" "$out.progress"' EXIT

# setsid: a process group of our own, so the signal reaches it the way a
# terminal's Ctrl-C does (the whole foreground group; the driver waits).
# The peers have no --progress: give them the time an interpreter needs to
# start and begin its requests (under a second here; 3 s to spare).
# And 2,000 requests, not 100,000: asyncio.gather makes a task for each up
# front, and cancelling 100,000 tasks takes python-asyncio 3-5 s (the run
# still lasts 40 s, far past the signal).
n=100000
case $model in
python-*) progress= n=2000 ;;
*) progress="--progress $out.progress" ;;
esac
setsid "$cli" run "$model" ${FL_RUN_ARGS:-} -n $n -c 20 --delay 400ms --json \
	$progress >"$out" &
pid=$!
# Wait until the run has begun (the progress file's magic, "flpr"), so the
# signal finds the model's handler installed, then let requests fly.
tries=0
until [ -z "$progress" ] ||
      [ "$(od -An -tx4 -N4 "$out.progress" 2>/dev/null | tr -d ' ')" = 666c7072 ]; do
	tries=$((tries + 1))
	[ "$tries" -le 300 ] || { echo "FAIL $model: the run did not start in 30 s"; exit 1; }
	sleep 0.1
done
[ -n "$progress" ] || sleep 2.5
sleep 0.5
t0=$(date +%s%N)
kill -INT -"$pid"
wait "$pid"; rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
fail() { echo "FAIL $model: $*; output: $(cat "$out")"; exit 1; }
[ "$rc" -eq 130 ] || fail "exit status $rc, wanted 130"
limit=2500   # an interpreter joins its threads and closes its loop: more for a peer
[ -n "$progress" ] || limit=5000
[ "$ms" -lt "$limit" ] || fail "took $ms ms after Ctrl-C to exit (at most $limit)"
jq -e '.interrupted == true' "$out" >/dev/null || fail "not marked interrupted"
jq -e ".requests > 0 and .requests < $n" "$out" >/dev/null || fail "requests not partial"
jq -e '.ok + ([.errors[]] | add) == .requests' "$out" >/dev/null || fail "ok + errors != requests"
echo "ok $model: exited 130 in $ms ms; $(jq -c '{requests, ok, errors}' "$out")"
