# lib.sh - shared code of the end-to-end tests, in the style of git's t/test-lib.sh.
#
# A test file is a POSIX shell script t<NNNN>-<name>.sh that does
#     . "$(dirname "$0")/lib.sh"
#     test_expect_success 'what it checks' '
#             commands joined by && ...
#     '
#     test_done
# and prints TAP lines "ok N - …" / "not ok N - …" and a last line "N passed, N failed".
#
# One cluster serves a whole suite run: run.sh calls e2e_cluster_up once and exports
# ARC_CLUSTER_STATE; a test file run alone (sh tests/e2e/t0000-basic.sh) starts its own
# cluster and stops it on exit.  Environment:
#   ARC              the kubectl-arc binary (default: ./kubectl-arc of the checkout)
#   KUBECTL          the real kubectl (default: third line of tests/tools.sh)
#   ARC_E2E_TIMEOUT  upper bound of one kubectl-arc run in seconds (default 60): a hang fails
#   ARC_E2E_VERBOSE  1: show every test's output, not only a failing one's
#   ARC_E2E_KEEP     1: keep the cluster and the scratch directory after the run

E2E_DIR=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$E2E_DIR/../.." && pwd)
: "${ARC:=$TOP/kubectl-arc}"
case $ARC in /*) ;; *) ARC=$(pwd)/$ARC ;; esac
: "${KUBECTL:=$(sh "$TOP/tests/tools.sh" 2>/dev/null | sed -n 3p)}"
: "${ARC_E2E_TIMEOUT:=60}"
export ARC KUBECTL ARC_E2E_TIMEOUT

test_count=0 test_pass=0 test_fail=0 test_broken=0
TEST_NAME=$(basename "$0" .sh)

say() { printf '# %s\n' "$*"; }
die() { printf 'Bail out! %s\n' "$*"; exit 1; }

[ -x "$ARC" ] || die "$ARC is not built (run make)"
[ -x "$KUBECTL" ] || die "no kubectl (tests/tools.sh)"
command -v timeout >/dev/null 2>&1 || die "timeout(1) is needed"

# --- the cluster ---------------------------------------------------------------------------

e2e_own_cluster=0
e2e_cleanup() {
	if [ "$e2e_own_cluster" = 1 ] && [ -n "${ARC_CLUSTER_STATE:-}" ]; then
		if [ "${ARC_E2E_KEEP:-}" = 1 ]; then
			say "cluster kept: . $ARC_CLUSTER_STATE/env; sh $TOP/tests/e2e/cluster/down.sh $ARC_CLUSTER_STATE"
		else
			sh "$E2E_DIR/cluster/down.sh" "$ARC_CLUSTER_STATE" >/dev/null 2>&1 || true
		fi
	fi
	if [ -n "${E2E_SCRATCH:-}" ] && [ "${ARC_E2E_KEEP:-}" != 1 ]; then
		rm -rf "$E2E_SCRATCH"
	fi
}

# Start the cluster unless this process already has one (run.sh exports ARC_CLUSTER_STATE).
e2e_cluster_up() {
	if [ -n "${ARC_CLUSTER_STATE:-}" ] && [ -f "$ARC_CLUSTER_STATE/env" ]; then
		. "$ARC_CLUSTER_STATE/env"
		return 0
	fi
	trap e2e_cleanup EXIT
	trap 'exit 130' INT TERM HUP
	t0=$(date +%s)
	state=$(sh "$E2E_DIR/cluster/up.sh" 2>"${TMPDIR:-/tmp}/arc-e2e-up.$$.log") || {
		sed 's/^/# /' "${TMPDIR:-/tmp}/arc-e2e-up.$$.log"
		rm -f "${TMPDIR:-/tmp}/arc-e2e-up.$$.log"
		die "the cluster did not come up (tests/e2e/cluster/up.sh)"
	}
	rm -f "${TMPDIR:-/tmp}/arc-e2e-up.$$.log"
	e2e_own_cluster=1
	. "$state/env"
	say "cluster up in $(($(date +%s) - t0))s at $ARC_CLUSTER_SERVER ($ARC_CLUSTER_VERSION)"
}

# --- running things ------------------------------------------------------------------------

# kubectl-arc, bounded: a hang becomes exit status 124
arc() { timeout "$ARC_E2E_TIMEOUT" "$ARC" "$@"; }
# the real kubectl, as the admin of the test cluster unless KUBECONFIG says otherwise
kc() { timeout 60 "$KUBECTL" --request-timeout=30s "$@"; }

# test_must_fail CMD...: CMD exits non-zero by itself (not killed by a signal, not by timeout)
test_must_fail() {
	"$@"
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "test_must_fail: '$*' succeeded" >&2
		return 1
	elif [ $rc -eq 124 ]; then
		echo "test_must_fail: '$*' hung (killed by timeout)" >&2
		return 1
	elif [ $rc -gt 128 ]; then
		echo "test_must_fail: '$*' died of signal $((rc - 128))" >&2
		return 1
	fi
	return 0
}

# test_one_line_error FILE: FILE (stderr of a failed command) is exactly one line "Error: …"
test_one_line_error() {
	n=$(grep -c . "$1")
	if [ "$n" -ne 1 ] || ! grep -q '^Error: .' "$1"; then
		echo "want one line 'Error: …' in $1, got $n line(s):" >&2
		sed 's/^/    | /' "$1" >&2
		return 1
	fi
}

# test_grep [!] PATTERN FILE (grep -E)
test_grep() {
	if [ "$1" = "!" ]; then
		shift
		if grep -E -e "$1" "$2" >/dev/null; then
			echo "'$1' unexpectedly found in $2:" >&2
			sed 's/^/    | /' "$2" >&2
			return 1
		fi
		return 0
	fi
	grep -E -e "$1" "$2" >/dev/null && return 0
	echo "'$1' not found in $2:" >&2
	sed 's/^/    | /' "$2" >&2
	return 1
}

# test_cmp EXPECTED ACTUAL
test_cmp() { diff -u "$1" "$2" >&2; }

# test_equal EXPECTED ACTUAL (strings)
test_equal() {
	[ "$1" = "$2" ] && return 0
	echo "want '$1', got '$2'" >&2
	return 1
}

# jq-lite: json_get EXPR < file, EXPR a Python expression on `d` (the parsed document)
json_get() {
	python3 -c 'import json,sys
d = json.load(sys.stdin)
v = eval(sys.argv[1])
print(v if not isinstance(v, (dict, list)) else json.dumps(v, sort_keys=True))' "$1"
}

# wait_until SECONDS CMD...: retry CMD every 0.2 s
wait_until() {
	wu_end=$(($(date +%s) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$wu_end" ] || return 1
		sleep 0.2
	done
}

# e2e_namespace NAME: a new, empty namespace for this test file (an old one from an
# earlier run on the same cluster is deleted first); sets NS
e2e_namespace() {
	kc delete namespace "$1" --ignore-not-found --wait=true --timeout=90s >/dev/null || return 1
	kc create namespace "$1" >/dev/null || return 1
	NS=$1
}

# e2e_sa_token NAME [ROLE]: a ServiceAccount NAME in namespace e2e-auth, bound to the
# ClusterRole ROLE (default cluster-admin; "none" binds nothing), and a token for it from
# the TokenRequest API, printed on stdout
e2e_sa_token() {
	kc create namespace e2e-auth >/dev/null 2>&1
	kc -n e2e-auth create serviceaccount "$1" >/dev/null 2>&1 ||
		kc -n e2e-auth get serviceaccount "$1" >/dev/null || return 1
	if [ "${2:-cluster-admin}" != none ]; then
		kc create clusterrolebinding "e2e-$1" --clusterrole="${2:-cluster-admin}" \
			--serviceaccount="e2e-auth:$1" >/dev/null 2>&1 ||
			kc get clusterrolebinding "e2e-$1" >/dev/null || return 1
	fi
	kc -n e2e-auth create token "$1" --duration=2h
}

# e2e_base64 FILE: one line of base64
e2e_base64() { base64 <"$1" | tr -d '\n'; }

# --- the test helpers -----------------------------------------------------------------------

test_run_() { # body: in a subshell, in the test's directory, output to a log
	(
		cd "$TEST_DIR" || exit 99
		eval "$1"
	) >"$TEST_DIR/.out" 2>&1
}

test_report_output_() {
	sed -e 's/^/#   /' "$TEST_DIR/.out"
}

test_expect_success() { # description body
	test_count=$((test_count + 1))
	t_start=$(date +%s)
	if test_run_ "$2"; then
		test_pass=$((test_pass + 1))
		echo "ok $test_count - $1"
		[ "${ARC_E2E_VERBOSE:-}" = 1 ] && test_report_output_
	else
		test_fail=$((test_fail + 1))
		echo "not ok $test_count - $1"
		test_report_output_
		printf '#   (%ss; failed body:)\n' "$(($(date +%s) - t_start))"
		printf '%s\n' "$2" | sed -e '/^[ 	]*$/d' -e 's/^/#   > /'
	fi
	return 0
}

# A known breakage (git's test_expect_failure): the body is expected to fail today.
# Reported as "not ok … # TODO known breakage" and counted as neither passed nor failed;
# when it starts to pass it is reported and counted as a failure, so the marker gets removed.
test_expect_failure() {
	test_count=$((test_count + 1))
	if test_run_ "$2"; then
		test_fail=$((test_fail + 1))
		echo "not ok $test_count - $1 # known breakage vanished: turn it into test_expect_success"
	else
		test_broken=$((test_broken + 1))
		echo "not ok $test_count - $1 # TODO known breakage"
	fi
	return 0
}

test_done() {
	[ "$test_broken" -gt 0 ] && say "$test_broken known breakage(s)"
	echo "$test_pass passed, $test_fail failed"
	[ "$test_fail" -eq 0 ]
	exit $?
}

# --- set up this test file --------------------------------------------------------------------

case $0 in
*/run.sh | run.sh) ;; # the runner sources lib.sh for e2e_cluster_up only
*)
	e2e_cluster_up
	if [ -z "${E2E_SCRATCH:-}" ]; then
		E2E_SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/arc-e2e.XXXXXX")
		[ "$e2e_own_cluster" = 1 ] || trap e2e_cleanup EXIT
	fi
	TEST_DIR=$E2E_SCRATCH/$TEST_NAME
	rm -rf "$TEST_DIR"
	mkdir -p "$TEST_DIR" || die "cannot create $TEST_DIR"
	cd "$TEST_DIR" || die "cannot enter $TEST_DIR"
	say "$TEST_NAME ($ARC against $ARC_CLUSTER_SERVER)"
	;;
esac
