#!/bin/sh
# Rendering benchmark: a generated chart with thousands of includes and toYaml
# of big values, rendered by kubectl-arc and by the real helm v4.1.4 in the same
# run.  Reports wall time, peak memory and the ratios.
# usage: bench/render.sh [RUNS]
set -e
cd "$(dirname "$0")/.."
RUNS=${1:-5}
. tests/tools.sh
[ -x ./kubectl-arc ] || make -s
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 bench/genchart.py "$tmp/big" 300 40
# both must produce the same bytes before timing means anything
./kubectl-arc template bench "$tmp/big" >"$tmp/arc.out"
"$HELM4" template bench "$tmp/big" >"$tmp/helm.out"
if ! cmp -s "$tmp/arc.out" "$tmp/helm.out"; then
	echo "render.sh: outputs differ; not timing" >&2
	diff "$tmp/helm.out" "$tmp/arc.out" | head -20 >&2
	exit 1
fi
echo "generated chart: $(ls "$tmp/big/templates" | wc -l) templates, $(wc -c <"$tmp/arc.out") bytes of output"
python3 bench/measure.py "$RUNS" kubectl-arc "./kubectl-arc template bench $tmp/big" helm "$HELM4 template bench $tmp/big"
