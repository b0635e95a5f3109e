#!/bin/sh
# Stores real helm v4.1.4's parse of each line of strvals.txt into
# expected/strvals.txt: "ok <toJson .Values>" or "error <message>", one a line.
set -e
cd "$(dirname "$0")"
. ../../tools.sh
mkdir -p expected
: >expected/strvals.txt
grep -v '^#' strvals.txt | while IFS='	' read -r flag arg; do
	if out=$("$HELM4" template charts/empty "$flag" "$arg" 2>/tmp/strvals.err.$$); then
		printf 'ok %s\n' "$(printf '%s\n' "$out" | sed -n 's/^values: //p')" >>expected/strvals.txt
	else
		printf 'error %s\n' "$(sed -n 's/^Error: //p' /tmp/strvals.err.$$ | head -1)" >>expected/strvals.txt
	fi
done
rm -f /tmp/strvals.err.$$
