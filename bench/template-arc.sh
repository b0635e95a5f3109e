#!/bin/sh
# The bundled ARC chart rendered by kubectl-arc and by the real helm v4.1.4 in the
# same run: default values, then --include-crds.  Both read the same chart (helm the
# archive build/bundled_chart.tgz, kubectl-arc the copy the build embeds in the binary);
# outputs must be identical before timing.
# Reports wall time (median and minimum), peak memory and the ratios (issue target: >= 50x wall,
# >= 10x memory).  bench/render.sh times this chart too, among others.
# Then the floor: the same helm run against two programs that render nothing, kubectl-arc
# printing its --help (its own start and exit) and a static C program that returns at once (any
# process at all on this machine).  Their ratios are the most that any rendering could reach here.
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
# the floor (see the head of this file)
if printf 'int main(void){return 0;}\n' >"$tmp/noop.c" &&
	{ ${CC:-cc} -O2 -static -o "$tmp/noop" "$tmp/noop.c" 2>/dev/null ||
		${CC:-cc} -O2 -o "$tmp/noop" "$tmp/noop.c"; }; then
	echo "floor: programs that render nothing, against the same helm template (default values)"
	python3 bench/measure.py "$RUNS" "arc --help" "./kubectl-arc --help" \
		helm "$HELM4 template arc build/bundled_chart.tgz -n arc-system"
	python3 bench/measure.py "$RUNS" "no-op" "$tmp/noop" \
		helm "$HELM4 template arc build/bundled_chart.tgz -n arc-system"
fi
