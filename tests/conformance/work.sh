#!/bin/sh
# work.sh CLI MODEL - --work: every model processes each response with the
# asked CPU time, where its idiom puts it. Checks: every request ok; the
# JSON reports the asked work and its calibration; the CPU the run used is
# at least most of N x work (a lower bound the work guarantees); the work
# ran on the request's own thread, except in offload, where all of it ran
# on the pool; and latency includes it.
set -eu
cli=$1 model=$2 n=100 work_us=2000
fail() { echo "FAIL work $model: $*" >&2; exit 1; }

out=$("$cli" run "$model" ${FL_RUN_ARGS:-} -n $n -c 10 --delay 1ms --work 2ms --json) ||
	fail "exit status $?: $out"
j() { printf '%s' "$out" | jq "$@"; }
[ "$(j .ok)" -eq $n ] || fail "ok $(j .ok) of $n: $(j -c .errors)"
[ "$(j -r .work_spec)" = 2ms ] || fail "work_spec $(j -r .work_spec)"
j -e ".work_mean_us == $work_us" >/dev/null || fail "work_mean_us $(j .work_mean_us), wanted $work_us"
j -e '.work_ns_per_iter > 0' >/dev/null || fail "no calibration: $(j .work_ns_per_iter)"
# N x 2 ms is 0.2 s of CPU; allow a third less for a coarse clock.
j -e '.cpu_user_s + .cpu_sys_s >= 0.13' >/dev/null ||
	fail "cpu $(j '.cpu_user_s + .cpu_sys_s') s for $n x 2 ms of work"
j -e '.latency_us.min >= 2000' >/dev/null || fail "latency min $(j .latency_us.min) us < the work"
case $model in
offload) want=$n ;;
*) want=0 ;;
esac
[ "$(j .work_off_thread)" -eq $want ] || fail "work_off_thread $(j .work_off_thread), wanted $want"
# Without --work nothing is asked, and nothing is done.
out=$("$cli" run "$model" ${FL_RUN_ARGS:-} -n 20 -c 4 --delay 1ms --json) || fail "exit status $?"
j -e '.work_mean_us == 0 and .work_off_thread == 0' >/dev/null || fail "work without --work: $(j -c '{work_mean_us, work_off_thread}')"
echo "ok work $model ${FL_RUN_ARGS:-}: cpu $(j '.cpu_user_s + .cpu_sys_s') s"
