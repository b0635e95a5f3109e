#!/bin/sh
# Whole-chart conformance: renders every case of tests/conformance/charts/cases
# with ./kubectl-arc template and compares stdout, stderr and the exit status
# with what helm v4.1.4 printed (expected/), after masking random output.
# Prints TAP.  usage: tests/conformance/charts_runner.sh [--live] [ID...]
#   --live  compare with the real helm run now instead (and report stale expectations)
cd "$(dirname "$0")/../.."
BIN=${BIN:-./kubectl-arc}
if [ "$1" = "--live" ]; then
	shift
	. tests/tools.sh
	exec python3 tests/conformance/charts/charts.py live "$BIN" "$HELM4" "$@"
fi
exec python3 tests/conformance/charts/charts.py run "$BIN" "$@"
