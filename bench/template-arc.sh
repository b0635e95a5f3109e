#!/bin/sh
# The bundled ARC chart rendered by kubectl-arc and by the real helm v4.1.4 in the
# same run: default values, then --include-crds.  Both read the same chart (helm the
# archive build/bundled_chart.tgz, kubectl-arc the copy the build embeds in the binary);
# outputs must be identical before timing.
# Reports wall time (median and minimum), peak memory and the ratios (issue target: >= 50x wall,
# >= 10x memory).  bench/render.sh times this chart too, among others.
# usage: bench/template-arc.sh [RUNS]
set -e
cd "$(dirname "$0")/.."
RUNS=${1:-10}
. tests/tools.sh
[ -x ./kubectl-arc ] || make -s
[ -f build/bundled_chart.tgz ] || make -s build/bundled_chart.tgz
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export KUBECONFIG="$tmp/none" HELM_CACHE_HOME="$tmp/c" HELM_CONFIG_HOME="$tmp/cfg" HELM_DATA_HOME="$tmp/d"
for extra in "" "--include-crds"; do
	./kubectl-arc template arc -n arc-system $extra >"$tmp/arc.out"
	"$HELM4" template arc build/bundled_chart.tgz -n arc-system $extra >"$tmp/helm.out"
	if ! cmp -s "$tmp/arc.out" "$tmp/helm.out"; then
		echo "template-arc.sh: outputs differ for '$extra'; not timing" >&2
		diff "$tmp/helm.out" "$tmp/arc.out" | head -20 >&2
		exit 1
	fi
	echo "bundled chart ${extra:-(default values)}: $(grep -c '^# Source:' "$tmp/arc.out") documents, $(wc -c <"$tmp/arc.out") bytes"
	python3 bench/measure.py "$RUNS" kubectl-arc "./kubectl-arc template arc -n arc-system $extra" \
		helm "$HELM4 template arc build/bundled_chart.tgz -n arc-system $extra"
done
