#!/bin/sh
# check.sh SRC CLI - keep the docs true to the code they quote.
#
#   markers   every `path/file.c:symbol` in docs/*.md and README.md names a
#             file that exists and a symbol defined in it
#   links     every relative link and image in docs/*.md exists; a chart under
#             results/charts/ may be missing if harness/plots/NAME.gp draws it
#   commands  every line of a ```sh block (docs/*.md, README.md) that starts
#             with ./fetchlab parses: `run MODEL ...` passes the model's
#             --dry-run; any other subcommand exists (else SKIP, it is not
#             written yet) and knows every option the line uses (its --help)
#   models    the README's model table names the C models of the driver's
#             registry (harness/driver/models.c, as `fetchlab run --help`
#             lists them), in the same order
#
# Commands are split on blanks, so doc commands must not need quotes; the
# first |, >, ;, && or # ends the part that is checked.
# Prints one line per failure or skip, then "N passed, M failed (K skipped)".
set -u
src=${1:?usage: check.sh SRC CLI}
cli=${2:?usage: check.sh SRC CLI}
pass=0 fail=0 skip=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
skipped() { skip=$((skip + 1)); echo "SKIP $*"; }

cd "$src" || exit 2
docs=$(ls docs/*.md 2>/dev/null)
[ -n "$docs" ] || { echo "FAIL no docs/*.md under $src"; exit 1; }

# defined FILE SYMBOL: is SYMBOL defined (or declared, in a header) in FILE?
defined() {
	f=$1 s=$2
	case $f in
	*.c|*.h)
		grep -Eq "^[A-Za-z_].*[^A-Za-z0-9_]$s[[:space:]]*\(|^$s[[:space:]]*\(" "$f" ||
		grep -Eq "^[A-Za-z_].*[^A-Za-z0-9_]$s\[[^]]*\][[:space:]]*=" "$f" ||
		grep -Eq "^(typedef[[:space:]]+)?(struct|union|enum)[[:space:]]+$s[[:space:]]*(\{|$)" "$f" ||
		grep -Eq "^#[[:space:]]*define[[:space:]]+$s([^A-Za-z0-9_]|$)" "$f" ||
		grep -Eq "^typedef[[:space:]].*[^A-Za-z0-9_]$s([^A-Za-z0-9_].*)?;" "$f" ||
		grep -Eq "^[[:space:]]+$s[[:space:]]*(=[^=]|,|$)" "$f" ;;
	*.S)
		grep -Eq "^[[:space:]]*$s:" "$f" ;;
	*.py)
		grep -Eq "^[[:space:]]*(async[[:space:]]+)?(def|class)[[:space:]]+$s[^A-Za-z0-9_]|^$s[[:space:]]*=" "$f" ;;
	*.gp)
		grep -Eq "^[[:space:]]*$s[[:space:]]*(\(.*\))?[[:space:]]*=" "$f" ;;
	*.sh|fetchlab)
		grep -Eq "^[[:space:]]*$s[[:space:]]*\(\)" "$f" ;;
	*)
		return 1 ;;
	esac
}

# ---- 1. code markers ------------------------------------------------------
for md in $docs README.md; do
	grep -Eo '`[A-Za-z0-9_./-]+\.(c|h|S|py|gp|sh):[A-Za-z_][A-Za-z0-9_]*`' "$md" |
		tr -d '`' | sort -u | while IFS= read -r m; do
		echo "$md $m"
	done
done >"$tmp/markers"
while read -r md m; do
	f=${m%%:*} s=${m#*:}
	if [ ! -f "$f" ]; then
		bad "$md: marker $m: no file $f"
	elif ! defined "$f" "$s"; then
		bad "$md: marker $m: $s is not defined in $f"
	else
		ok
	fi
done <"$tmp/markers"

# ---- 2. relative links and images -----------------------------------------
for md in $docs; do
	# Outside code fences only: code may hold [x](y) that is not a link.
	awk '/^[[:space:]]*```/ { fence = !fence; next } !fence' "$md" |
		grep -Eo '\]\([^)[:space:]]+\)' | sed 's/^](//; s/)$//' | sort -u |
		while IFS= read -r l; do echo "$md $l"; done
done >"$tmp/links"
while read -r md l; do
	case $l in
	http://*|https://*|mailto:*|\#*) continue ;;
	esac
	p=docs/${l%%#*}
	if [ -e "$p" ]; then
		ok
		continue
	fi
	case $p in
	*/results/charts/*.svg|*/results/charts/*.png)
		name=$(basename "$p"); name=${name%.*}
		if [ -f "harness/plots/$name.gp" ]; then
			ok   # drawn by harness/plots/NAME.gp once a compare is committed
		else
			bad "$md: chart $l: no such file, and no harness/plots/$name.gp draws it"
		fi ;;
	*)
		bad "$md: link $l: no such file ($p)" ;;
	esac
done <"$tmp/links"

# ---- 3. ./fetchlab commands in ```sh blocks ---------------------------------
for md in $docs README.md; do
	awk -v md="$md" '
		/^[[:space:]]*```/ { insh = !insh && $0 ~ /```sh[[:space:]]*$/; next }
		!insh { next }
		{ line = line $0 }
		/\\$/ { sub(/\\$/, "", line); next }
		{ if (line ~ /^[[:space:]]*\.\/fetchlab([[:space:]]|$)/) print md "\t" line; line = "" }
	' "$md"
done >"$tmp/commands"

# has_option HELPFILE OPT: does the help text name OPT as a whole word?
has_option() {
	grep -Eq -- "(^|[^A-Za-z0-9-])$2([^A-Za-z0-9-]|$)" "$1"
}

# options_known WHAT HELPFILE ARGS...: every -x / --xyz in ARGS is in HELPFILE.
options_known() {
	what=$1 help=$2
	shift 2
	missing=""
	for a in "$@"; do
		case $a in
		--*=*) o=${a%%=*} ;;
		--?*|-[A-Za-z]) o=$a ;;
		*) continue ;;
		esac
		has_option "$help" "$o" || missing="$missing $o"
	done
	[ -z "$missing" ] && return 0
	echo "$what: not in its --help:$missing"
	return 1
}

set -f   # no globbing when splitting the commands below
while IFS="$(printf '\t')" read -r md cmd; do
	line=$(printf '%s\n' "$cmd" | sed -e 's/[[:space:]]#.*//' -e 's/[|>;].*//' -e 's/&&.*//')
	# shellcheck disable=SC2086  # word splitting is the point
	set -- $line
	shift   # ./fetchlab
	sub=${1:-}
	[ $# -gt 0 ] && shift
	case $sub in
	""|--help|-h|help)
		if "$cli" --help >/dev/null 2>&1; then ok; else bad "$md: $cmd: fetchlab --help failed"; fi ;;
	run)
		"$cli" run "$@" --dry-run >"$tmp/out" 2>&1
		rc=$?
		if [ $rc -eq 0 ]; then
			ok
		elif [ $rc -eq 77 ]; then
			skipped "$md: $cmd: the model cannot run here: $(head -1 "$tmp/out")"
		else
			bad "$md: $cmd: --dry-run exit $rc: $(head -3 "$tmp/out")"
		fi ;;
	test)
		# The shell entry point handles it: --asan/--tsan, the rest is ctest's.
		{ grep -Eo -- '--(asan|tsan)' fetchlab; ctest --help 2>/dev/null; } >"$tmp/help"
		if msg=$(options_known "./fetchlab test" "$tmp/help" "$@"); then ok; else bad "$md: $cmd: $msg"; fi ;;
	*)
		"$cli" "$sub" --help >"$tmp/help" 2>&1
		rc=$?
		if grep -q "unknown command" "$tmp/help"; then
			skipped "$md: $cmd: no subcommand '$sub' in this build yet"
		elif [ $rc -ne 0 ]; then
			bad "$md: $cmd: fetchlab $sub --help exit $rc: $(head -1 "$tmp/help")"
		elif msg=$(options_known "fetchlab $sub" "$tmp/help" "$@"); then
			ok
		else
			bad "$md: $cmd: $msg"
		fi ;;
	esac
done <"$tmp/commands"
set +f

# ---- 4. the model table ----------------------------------------------------
# The registry's C models: `run --help` lists "  NAME  SUMMARY", peers
# marked "(peer)"; the README's table rows start with | `NAME` |.
"$cli" run --help 2>&1 | sed -n '/^MODEL is one of/,/^[^ ]/p' |
	awk '/^  [a-z]/ && !/\(peer\)$/ { print $1 }' >"$tmp/registry"
sed -n '/^| model | file |/,/^$/p' README.md |
	sed -n 's/^| `\([a-z][a-z0-9-]*\)` |.*/\1/p' >"$tmp/readme"
if [ ! -s "$tmp/registry" ]; then
	bad "models: fetchlab run --help lists no model"
elif cmp -s "$tmp/registry" "$tmp/readme"; then
	ok
else
	bad "models: README's table ($(echo $(cat "$tmp/readme"))) is not the registry's C models ($(echo $(cat "$tmp/registry"))) in order: edit one of README.md, harness/driver/models.c"
fi

echo "$pass passed, $fail failed ($skip skipped)"
[ "$fail" -eq 0 ]
