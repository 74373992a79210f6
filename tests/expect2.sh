# expect2.sh - sourced by the test scripts: the bad-input check they share.
# The caller defines $cli (the driver), $tmp (a scratch directory) and fail.

# expect2 NAME ARGS...: "$cli ARGS" must exit 2 with exactly one line on
# stderr, and that line must name NAME (the option or word at fault).
expect2() {
	name=$1; shift
	set +e
	"$cli" "$@" >/dev/null 2>"$tmp/err.txt"
	rc=$?
	set -e
	[ "$rc" -eq 2 ] || fail "$* exited $rc, want 2"
	grep -q -- "$name" "$tmp/err.txt" || fail "$*: the error does not name $name: $(cat "$tmp/err.txt")"
	[ "$(wc -l <"$tmp/err.txt")" -eq 1 ] || fail "$*: not one line: $(cat "$tmp/err.txt")"
}
