# listening.sh - sourced by the tests that start a server of their own.
#
# listening FILE [WHO]: wait up to 5 s for the "... listening on URL" line
# a server prints into FILE (fetchlab-server, misbehave.py); set $url to
# URL, or fail (the sourcing test's fail) naming WHO.
listening() {
	url=
	for _ in $(seq 50); do
		# (not there yet: the server's shell opens it after the fork)
		url=$(sed -n 's/^.* listening on \([^ ]*\).*/\1/p' "$1" 2>/dev/null || true)
		[ -n "$url" ] && return 0
		sleep 0.1
	done
	fail "${2:-the server} printed no 'listening on' line"
}
