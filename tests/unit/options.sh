#!/bin/sh
# options.sh CLI MODEL_BINARY - bad input, tabled: each case must exit 2 with
# one line on stderr that names the offending option or word.
set -u
cli=$1 model=$2
pass=0 failed=0

# expect WORD ARGS... : run, expect exit 2 and a one-line message with WORD.
expect() {
	word=$1; shift
	err=$("$@" 2>&1 >/dev/null); rc=$?
	lines=$(printf '%s\n' "$err" | grep -c .)
	if [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && printf '%s' "$err" | grep -qF -- "$word"; then
		pass=$((pass + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $* -> exit $rc, message: $err (wanted exit 2 naming '$word')"
	fi
}

s="--server http://127.0.0.1:9/"
for v in abc -5 0 1.5 99999999999 ""; do
	expect "-n" $model $s -n "$v"
	expect "-c" $model $s -c "$v"
done
for v in abc -1ms 5xs 101s 90ms..10ms "exp:" "..5ms"; do
	expect "--delay" $model $s --delay "$v"
done
for v in abc -1 5q 65m 9k..1k; do
	expect "--size" $model $s --size "$v"
done
for v in abc 0 -3 2e9; do
	expect "--rate" $model $s --rate "$v"
done
expect "--arrivals" $model $s --rate 10 --arrivals sometimes
for v in abc 0 -1s 200s; do
	expect "--timeout" $model $s --timeout "$v"
done
expect "--seed" $model $s --seed -4
expect "--stack-size" $model $s --stack-size 1k
expect "--stack-size" $model $s --stack-size 1g
expect "--url" $model --url "ftp://example"
expect "--url" $model --url "not a url"
expect "--url" $model --url "http://127.0.0.1:9/" -n 1
expect "--server" $model --server "::"
expect "no target" $model -n 1
expect "--bogus" $model $s --bogus
expect "-n" $model $s -n
expect "unexpected argument" $model $s extra
expect "unknown model" $cli run nosuchmodel
expect "name a model" $cli run
expect "unknown command" $cli frobnicate
expect "-c" $cli run sync -c many

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
