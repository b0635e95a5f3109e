#!/bin/sh
# Rendering benchmark over a set of charts: kubectl-arc template against the real helm v4.1.4
# template, in the same run, one line per chart:
#   generated    a generated chart: 300 templates, thousands of includes, toYaml and sha256sum of
#                big values (2 MB of output)
#   arc, arc-crds, arc-values   the bundled ARC chart: default values, --include-crds, a values file
#                (helm reads the same chart from build/bundled_chart.tgz)
#   the rest     the small test charts of tests/conformance/charts: plain, hooks, subcharts (also
#                from .tgz), library charts, .Files, crds/, every kind, aliases, conditions, …
# Both programs must print the same bytes for a chart before it is timed.  Each command runs RUNS
# times, alternating, after a warm-up; the columns are the median and the minimum wall time and
# the peak RSS of kubectl-arc (A) and helm (B), then helm/kubectl-arc ratios (issue targets:
# >= 50x wall time, >= 10x peak memory).  On a shared machine the minimum is the steadier figure.
# usage: bench/render.sh [RUNS] [CASE...]     (RUNS defaults to 5; CASE: names from the list below)
#        ARC=path/to/kubectl-arc bench/render.sh   times another build of kubectl-arc
set -e
cd "$(dirname "$0")/.."
RUNS=${1:-5}
[ $# -gt 0 ] && shift
. tests/tools.sh
ARC=${ARC:-./kubectl-arc}
case $ARC in /*) ;; *) ARC=$(pwd)/$ARC ;; esac
[ -x "$ARC" ] || make -s
[ -f build/bundled_chart.tgz ] || make -s build/bundled_chart.tgz
TOP=$(pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export KUBECONFIG="$tmp/none" HELM_CACHE_HOME="$tmp/c" HELM_CONFIG_HOME="$tmp/cfg" HELM_DATA_HOME="$tmp/d"
python3 bench/genchart.py "$tmp/generated" 300 40
CH=tests/conformance/charts
# NAME  DIR-TO-RUN-IN  KUBECTL-ARC-ARGS  |  HELM-ARGS
cases="generated	.	template bench $tmp/generated	|	template bench $tmp/generated
arc	.	template arc -n arc-system	|	template arc build/bundled_chart.tgz -n arc-system
arc-crds	.	template arc -n arc-system --include-crds	|	template arc build/bundled_chart.tgz -n arc-system --include-crds
arc-values	.	template arc -n arc-system -f $CH/arc-values/all-servers.yaml	|	template arc build/bundled_chart.tgz -n arc-system -f $CH/arc-values/all-servers.yaml
basic	$CH	template web basic -f values/basic-prod.yaml	|	template web basic -f values/basic-prod.yaml
hooks	$CH	template r hooks	|	template r hooks
umbrella	$CH	template r umbrella	|	template r umbrella
library	$CH	template r library	|	template r library
files	$CH	template r files	|	template r files
crds	$CH	template r crds --include-crds	|	template r crds --include-crds
allkinds	$CH	template r allkinds	|	template r allkinds
aliases	$CH	template r aliases	|	template r aliases
conditions	$CH	template r conditions	|	template r conditions
imports	$CH	template r imports	|	template r imports"
want=" $* "
python3 bench/measure.py --header
printf '%s\n' "$cases" | while IFS='	' read -r name dir arcargs bar helmargs; do
	[ "$want" = "  " ] || case $want in *" $name "*) ;; *) continue ;; esac
	(
		cd "$TOP/$dir"
		# shellcheck disable=SC2086 # the arguments are words
		"$ARC" $arcargs >"$tmp/arc.out" 2>"$tmp/arc.err" || { echo "$name: kubectl-arc failed:" >&2; cat "$tmp/arc.err" >&2; exit 1; }
		# shellcheck disable=SC2086
		"$HELM4" $helmargs >"$tmp/helm.out" 2>"$tmp/helm.err" || { echo "$name: helm failed:" >&2; cat "$tmp/helm.err" >&2; exit 1; }
		if ! cmp -s "$tmp/arc.out" "$tmp/helm.out"; then
			echo "$name: outputs differ; not timing" >&2
			diff "$tmp/helm.out" "$tmp/arc.out" | head -20 >&2
			exit 1
		fi
		python3 "$TOP/bench/measure.py" --row "$name ($(wc -c <"$tmp/arc.out" | tr -d ' ') B)" "$RUNS" \
			kubectl-arc "$ARC $arcargs" helm "$HELM4 $helmargs"
	)
done
