#!/bin/sh
# Runs the suites that need no cluster and ends with "N passed, N failed".
# Usage: tests/run.sh [unit] [conformance] [charts] [fuzz] [hostile]   (default: all)
# Every suite prints TAP lines ("ok …" / "not ok …"); this script counts them.
# "not ok … # TODO reason" is a known problem: listed and counted apart, not a failure.
B=${B:-build}
suites=${*:-unit conformance charts fuzz hostile}
log=$(mktemp); trap 'rm -f "$log"' EXIT
wrap=""
[ -n "$VALGRIND" ] && wrap="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
crashed=0
run() { # name, command...
	name=$1; shift
	$wrap "$@" >"$log.out" 2>&1
	rc=$?
	grep -E '^(not )?ok ' "$log.out" | sed "s|^|$name: |" >>"$log"
	grep -E '^not ok |^#' "$log.out" | sed "s|^|$name: |"
	# a crash (signal, sanitizer, valgrind) is a failure even if every check passed
	if [ $rc -gt 1 ]; then
		echo "not ok - $name exited with status $rc" | tee -a "$log"
		tail -20 "$log.out"
	fi
	rm -f "$log.out"
}
for s in $suites; do
	case $s in
	unit) for t in "$B"/tests/unit/*; do [ -x "$t" ] && run "unit/${t##*/}" "$t"; done ;;
	conformance) [ -x "$B/tests/conformance/runner" ] && run conformance "$B/tests/conformance/runner" tests/conformance/cases ;;
	charts) [ -x "${BIN:-./kubectl-arc}" ] && run charts env BIN="${BIN:-./kubectl-arc}" sh tests/conformance/charts_runner.sh ;;
	fuzz) for t in "$B"/tests/fuzz/replay_*; do
		[ -x "$t" ] || continue
		h=${t##*/replay_}
		run "fuzz/$h" "$t" "tests/fuzz/corpus/$h"
	done ;;
	hostile) [ -x "${BIN:-./kubectl-arc}" ] && run hostile env BIN="${BIN:-./kubectl-arc}" sh tests/hostile/run.sh ;;
	esac
done
pass=$(grep -c ': ok ' "$log")
fail=$(grep ': not ok ' "$log" | grep -vc ' # TODO')
todo=$(grep ': not ok ' "$log" | grep -c ' # TODO')
[ "$todo" -gt 0 ] && echo "# $todo known problems (TODO) listed above"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
