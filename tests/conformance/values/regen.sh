#!/bin/sh
# Regenerate the expected outputs of the values/dependencies/schema cases with
# the real helm v4.1.4.  usage: tests/conformance/values/regen.sh [ID...]
# cases.txt: one case a line, "ID | CHART | ARGS [| STDIN-FILE]" (ARGS are
# shell words, paths relative to this directory); each case stores helm's
# stdout, stderr and exit status in expected/ID.out, expected/ID.err and
# expected/ID.rc.  Never edit those files by hand.
set -e
cd "$(dirname "$0")"
. ../../tools.sh
mkdir -p expected
only=" $* "
grep -v '^[[:space:]]*\(#\|$\)' cases.txt | while IFS='|' read -r id chart args input; do
	id=$(echo "$id" | tr -d ' ')
	chart=$(echo "$chart" | tr -d ' ')
	input=$(echo "$input" | tr -d ' ')
	if [ "$only" != "  " ]; then
		case "$only" in *" $id "*) ;; *) continue ;; esac
	fi
	rc=0
	eval "set -- $args"
	"$HELM4" template "charts/$chart" "$@" <"${input:-/dev/null}" >"expected/$id.out" 2>"expected/$id.err" || rc=$?
	echo "$rc" >"expected/$id.rc"
	echo "$id: rc=$rc"
done
