#!/bin/sh
# sync_baseline.sh CLI - the sync model's defining numbers: 40 requests at
# 50 ms one at a time cannot take less than 2 s, and no request can finish
# sooner than the server's delay. (Upper bounds are the benchmark's business.)
set -eu
out=$("$1" run sync -n 40 -c 1 --delay 50ms --json)
echo "$out" | jq -e '.ok == 40 and ([.errors[]] | add) == 0' >/dev/null ||
	{ echo "FAIL: not every request ok: $out" >&2; exit 1; }
echo "$out" | jq -e '.wall_s >= 2.0' >/dev/null ||
	{ echo "FAIL: wall_s < 2.0 for 40 sequential 50 ms requests: $out" >&2; exit 1; }
echo "$out" | jq -e '.latency_us.min >= 50000 and .latency_us.p50 >= 50000 and .latency_us.p50 < 500000' >/dev/null ||
	{ echo "FAIL: latency not in [50 ms, 500 ms): $out" >&2; exit 1; }
echo "ok: $(echo "$out" | jq -c '{wall_s, throughput_rps, p50: .latency_us.p50, p99: .latency_us.p99}')"
