#!/bin/sh
# uvloop.sh CLI - python-asyncio --uvloop: the same code on uvloop's loop
# (its header names uvloop.Loop; without the option, asyncio's own), the
# same workload (every request ok, the bytes fetch-sync draws for the seed),
# and an option only python-asyncio takes. Exit 77 (skipped) without
# python3-uvloop.
set -u
cli=${1:?usage: uvloop.sh PATH-TO-fetchlab-cli}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

/usr/bin/python3 -c 'import uvloop, aiohttp' 2>/dev/null ||
	{ echo "skipped: python3-uvloop or python3-aiohttp is not installed" >&2; exit 77; }

"$cli" run python-asyncio --uvloop -n 300 -c 30 --delay 2ms --size 0..20k >"$tmp/u.txt" ||
	fail "--uvloop: exit status $?: $(cat "$tmp/u.txt")"
head -1 "$tmp/u.txt" | grep -q ', event loop uvloop\.Loop$' ||
	fail "--uvloop did not run on uvloop: $(head -1 "$tmp/u.txt")"
grep -q '^  ok 300   errors 0 ' "$tmp/u.txt" || fail "--uvloop: $(sed -n 2p "$tmp/u.txt")"
"$cli" run python-asyncio -n 30 -c 10 --delay 0 >"$tmp/a.txt" || fail "python-asyncio: exit $?"
head -1 "$tmp/a.txt" | grep -q ', event loop asyncio\.' ||
	fail "without --uvloop, not asyncio's loop: $(head -1 "$tmp/a.txt")"

"$cli" run python-asyncio --uvloop -n 300 -c 30 --delay 0 --size 0..20k --json >"$tmp/u.json" ||
	fail "--uvloop --json: exit $?"
"$cli" run sync -n 300 --delay 0 --size 0..20k --json >"$tmp/s.json" || fail "fetch-sync failed"
[ "$(jq .bytes "$tmp/u.json")" -eq "$(jq .bytes "$tmp/s.json")" ] ||
	fail "--uvloop fetched $(jq .bytes "$tmp/u.json") bytes, fetch-sync $(jq .bytes "$tmp/s.json")"

"$cli" run python-threads --uvloop -n 1 >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q -- "--uvloop is python-asyncio's" "$tmp/err" ||
	fail "python-threads --uvloop: exit $rc: $(cat "$tmp/err")"
echo "uvloop: ok ($(sed -n 's/.*throughput \([0-9.]*\) req\/s.*/\1/p' "$tmp/u.txt") req/s at 2 ms)"
