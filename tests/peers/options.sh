#!/bin/sh
# options.sh SYNC PEER - a peer speaks the C models' command line: for each
# command line below, its exit status and its output (for a mistake, one line
# on stderr) are the ones fetch-sync gives, with the program's name changed.
set -u
sync=$1 peer=$2
name=$(basename "$peer" .py)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
[ -x /usr/bin/python3 ] || { echo "$name: skipped: no /usr/bin/python3" >&2; exit 77; }
srv=--server=http://127.0.0.1:9/

check() {
	"$sync" "$@" >"$tmp/c" 2>&1; c=$?
	"$peer" "$@" >"$tmp/p" 2>&1; p=$?
	[ $p -eq 77 ] && { cat "$tmp/p" >&2; exit 77; }
	sed "s/fetch-sync/$name/g" "$tmp/c" >"$tmp/want"
	if [ $c -ne $p ] || ! cmp -s "$tmp/want" "$tmp/p"; then
		echo "FAIL $name $*: exit $p, want $c" >&2
		diff "$tmp/want" "$tmp/p" >&2
		fails=$((fails + 1))
	fi
}

check -n 0 $srv
check -n 1e3 $srv
check -c 100001 $srv
check -c x $srv
check --delay 5parsec $srv
check --delay 9ms..1ms $srv
check --delay=-1ms $srv
check --delay 101s $srv
check --delay 0x10 $srv
check --delay 1e-400 --dry-run $srv
check --delay 1e400 $srv
check --delay .ms $srv
check --delay 5e1ms --dry-run $srv
check --delay ' 5ms' $srv
check --delay inf $srv
check --size 0x400 $srv
check --timeout nan $srv
check --size 65m $srv
check --size 1q $srv
check --size exp:x $srv
check --timeout 0.5ms $srv
check --seed -1 $srv
check --seed 18446744073709551616 $srv
check --faults 2 $srv
check --faults boom=0.1 $srv
check --faults reset=0.7,stall=0.7 $srv
check --stack-size 8k $srv
check --server ftp://example/
check --bogus $srv
check $srv --delay
check $srv extra
check -n 5
check --url http://127.0.0.1:9/ --server http://127.0.0.1:9/
check --url http://127.0.0.1:9/ --faults 0.1
check --url http://127.0.0.1:9/ --server-pause 3:1s
check --server-pause 3:11s $srv
check --server-pause x:1s $srv
check --server-pause 3 $srv
check --dry-run -n 5
check --dry-run --json -c 4 --delay 1ms..2ms $srv
# HTTPS and connections (#18).
: >"$tmp/ca.pem"
check --connections pooled $srv
check --connections=fresh --dry-run $srv
check --ca "$tmp/none.pem" $srv
check --ca "$tmp/ca.pem" $srv
check --ca "$tmp/ca.pem" --dry-run --server https://127.0.0.1:9/
check --faults tls_reset=0.1 $srv
check --faults tls_expired=0.1 --url https://127.0.0.1:9/
check --faults tls_unknown_ca=0.5,reset=0.6 --server https://127.0.0.1:9/
check --faults 0.3 --dry-run --server https://127.0.0.1:9/
[ $fails -eq 0 ] || exit 1
# --help exits 0, and --rate is refused by name.
"$peer" --help >/dev/null || { echo "FAIL $name --help" >&2; exit 1; }
"$peer" --rate 100 $srv 2>"$tmp/p" >/dev/null
[ $? -eq 2 ] && grep -q -- '--rate is not supported by this peer' "$tmp/p" ||
	{ echo "FAIL $name --rate: $(cat "$tmp/p")" >&2; exit 1; }
echo "ok $name: the C models' option messages"
