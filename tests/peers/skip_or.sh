#!/bin/sh
# skip_or.sh PEER CMD... - exit 77 (skipped) with PEER's reason when PEER
# cannot run here (no Python, no aiohttp); else run CMD.
peer=$1
shift
[ -x /usr/bin/python3 ] || { echo "$peer: skipped: no /usr/bin/python3" >&2; exit 77; }
"$peer" --help >/dev/null
[ $? -eq 77 ] && exit 77
exec "$@"
