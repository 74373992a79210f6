#!/bin/sh
# fulldisk.sh CLI - a full disk gives one line naming the file and a
# non-zero exit, never a silent success: compare into a full --out (exit 2,
# --out untouched), a model's --records and its summary on a full device
# (exit 2), a peer's the same, plot's points.csv (exit 1). Needs root for
# a small tmpfs; exit 77 (skipped) without.
set -u
cli=${1:?usage: fulldisk.sh PATH-TO-fetchlab-cli}
tmp=$(mktemp -d)
full=$tmp/full
cleanup() { umount "$full" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL full disk: $*" >&2; exit 1; }

mkdir "$full"
mount -t tmpfs -o size=128k tmpfs "$full" 2>/dev/null ||
	{ echo "skipped: cannot mount a tmpfs (not root?)" >&2; exit 77; }
mkdir -p "$full/r" "$full/p/data"
cp "$(dirname "$0")/../../results/data/summary.csv" "$full/p/data/" ||
	fail "cannot copy the committed results/data/summary.csv"
dd if=/dev/zero of="$full/fill" bs=1k count=256 2>/dev/null   # fill it up

# expect STATUS TEXT CMD...: CMD exits STATUS with one line containing TEXT
expect() {
	want=$1 text=$2; shift 2
	"$@" >/dev/null 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq "$want" ] || fail "$*: exit $rc, want $want: $(cat "$tmp/err")"
	grep -qF -- "$text" "$tmp/err" || fail "$*: no line naming '$text': $(cat "$tmp/err")"
	echo "ok: $1 ... $(grep -F -- "$text" "$tmp/err" | head -1)"
}

expect 2 "cannot write" "$cli" compare --models sync --concurrency 1 --delay 1ms \
	--repeat 1 --work none --out "$full/r"
[ -z "$(ls -A "$full/r")" ] || fail "compare left files in a full --out: $(ls -A "$full/r")"
expect 2 "--records $full/rec.csv: write failed" \
	"$cli" run eventloop -n 50 -c 5 --delay 1ms --records "$full/rec.csv"
expect 2 "the summary (standard output): write failed" \
	sh -c "exec \"$cli\" run eventloop -n 50 -c 5 --delay 1ms --json >/dev/full"
if /usr/bin/python3 -c 'import aiohttp' 2>/dev/null; then
	expect 2 "--records $full/prec.csv: write failed" \
		"$cli" run python-asyncio -n 50 -c 5 --delay 1ms --records "$full/prec.csv"
fi
expect 2 "the summary (standard output): write failed" \
	sh -c "exec \"$cli\" run python-threads -n 20 -c 5 --delay 1ms >/dev/full"
expect 1 "points.csv: write failed" "$cli" plot "$full/p"
echo "full disk: ok"
