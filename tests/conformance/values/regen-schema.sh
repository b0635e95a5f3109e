#!/bin/sh
# For each line of schema.txt ("SCHEMA<TAB>VALUES"), renders a throwaway chart
# with that values.schema.json and values.yaml through the real helm v4.1.4
# and stores its verdict in expected/schema.txt: "ok" or "error " + the text
# after "Error: " with newlines escaped as \n.
set -e
cd "$(dirname "$0")"
. ../../tools.sh
mkdir -p expected
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/probe/templates"
printf 'apiVersion: v2\nname: probe\nversion: 0.1.0\n' >"$tmp/probe/Chart.yaml"
printf 'kind: ConfigMap\n' >"$tmp/probe/templates/cm.yaml"
: >expected/schema.txt
grep -v '^#' schema.txt | while IFS='	' read -r schema values; do
	schema=${schema#!}
	printf '%s\n' "$schema" >"$tmp/probe/values.schema.json"
	printf '%s\n' "$values" >"$tmp/probe/values.yaml"
	if "$HELM4" template "$tmp/probe" >/dev/null 2>"$tmp/err"; then
		echo ok >>expected/schema.txt
	else
		python3 -c 'import sys; t=open(sys.argv[1]).read(); i=t.find("Error: "); t=t[i+7:] if i>=0 else t; t=t[:-1] if t.endswith("\n") else t; print("error " + t.replace("\\","\\\\").replace("\n","\\n"))' "$tmp/err" >>expected/schema.txt
	fi
done
