#!/bin/sh
# Helm plugin install/update hook (plugin.yaml): makes sure $HELM_PLUGIN_DIR/bin/kubectl-arc
# exists. A release tarball ships it; a source checkout builds it with `make` (C compiler
# and the libraries of `make deps` needed). `update` always rebuilds from source when the
# plugin directory is a source checkout.
set -e
dir=${HELM_PLUGIN_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$dir"
what=${1:-install}
if [ -x bin/kubectl-arc ] && { [ "$what" = install ] || [ ! -f Makefile ]; }; then
	echo "arc: using $dir/bin/kubectl-arc ($(bin/kubectl-arc version --short 2>/dev/null || echo '?'))"
	exit 0
fi
if [ ! -f Makefile ]; then
	echo "arc: no bin/kubectl-arc and no sources to build it from in $dir" >&2
	exit 1
fi
command -v make >/dev/null 2>&1 || { echo "arc: building kubectl-arc needs make and a C compiler" >&2; exit 1; }
echo "arc: building kubectl-arc from source (make) in $dir"
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
mkdir -p bin
make -j"$jobs" BIN=bin/kubectl-arc.new >&2 || {
	echo "arc: the build failed; see the output above (missing libraries? run: make deps)" >&2
	exit 1
}
mv -f bin/kubectl-arc.new bin/kubectl-arc
echo "arc: built $dir/bin/kubectl-arc ($(bin/kubectl-arc version --short))"
