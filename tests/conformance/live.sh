#!/bin/sh
# Live conformance: render every case with the real helm now, report committed
# expectations that differ from it, then run kubectl-arc's runner against
# helm's fresh output.  Ends with "N passed, N failed".
set -e
cd "$(dirname "$0")/../.."
B=${B:-build}
. tests/tools.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 tests/conformance/regen.py --into "$tmp" "$HELM4" tests/conformance/cases/*.test
stale=0
for f in tests/conformance/cases/*.test; do
	if ! cmp -s "$f" "$tmp/${f##*/}"; then
		echo "live: committed expectations in $f differ from helm's output now:"
		diff -u "$f" "$tmp/${f##*/}" | head -40
		stale=$((stale + 1))
	fi
done
set +e
"$B/tests/conformance/runner" "$tmp" >"$tmp/out" 2>&1
grep -E '^not ok|^#' "$tmp/out"
pass=$(grep -c '^ok ' "$tmp/out"); fail=$(grep -c '^not ok ' "$tmp/out")
[ "$stale" -gt 0 ] && echo "live: $stale file(s) with stale expectations"
# whole charts: kubectl-arc template against helm template run now
BIN=${BIN:-./kubectl-arc} sh tests/conformance/charts_runner.sh --live >"$tmp/charts" 2>&1
grep -E '^not ok|^#' "$tmp/charts"
cpass=$(grep -c '^ok ' "$tmp/charts"); cfail=$(grep -c '^not ok ' "$tmp/charts")
echo "live charts: $cpass passed, $cfail failed"
pass=$((pass + cpass)); fail=$((fail + cfail))
echo "live: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$stale" -eq 0 ]
