#!/bin/sh
# run.sh - the end-to-end suite: one cluster (cluster/up.sh) for every t[0-9]*.sh here,
# each test file's TAP output shown, and a last line "N passed, N failed".
# Usage: tests/e2e/run.sh [t0000-basic.sh ...]     (default: all test files)
# Exits non-zero when a test failed or a test file ended abnormally.
E2E_DIR=$(cd "$(dirname "$0")" && pwd)
. "$E2E_DIR/lib.sh"

start=$(date +%s)
e2e_cluster_up
E2E_SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/arc-e2e.XXXXXX") || die "cannot create a scratch directory"
export ARC_CLUSTER_STATE E2E_SCRATCH
trap e2e_cleanup EXIT # the scratch directory, and the cluster when this run started it
trap 'exit 130' INT TERM HUP

if [ $# -gt 0 ]; then
	files=$*
else
	files=$(cd "$E2E_DIR" && ls t[0-9]*.sh)
fi
pass=0 fail=0
for f in $files; do
	f=${f##*/}
	t0=$(date +%s)
	sh "$E2E_DIR/$f" >"$E2E_SCRATCH/$f.tap" 2>&1
	rc=$?
	cat "$E2E_SCRATCH/$f.tap"
	p=$(grep -c '^ok ' "$E2E_SCRATCH/$f.tap")
	n=$(grep -c '^not ok ' "$E2E_SCRATCH/$f.tap")
	b=$(grep -c '^not ok .*# TODO known breakage$' "$E2E_SCRATCH/$f.tap")
	n=$((n - b))
	if [ $rc -ne 0 ] && [ $n -eq 0 ]; then
		echo "not ok - $f ended with exit status $rc"
		n=1
	fi
	pass=$((pass + p))
	fail=$((fail + n))
	say "$f: $p passed, $n failed in $(($(date +%s) - t0))s"
done
say "suite took $(($(date +%s) - start))s"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
