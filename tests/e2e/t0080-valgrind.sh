#!/bin/sh
# kubectl-arc under valgrind (memcheck): no invalid reads or writes, no use of uninitialised
# memory, no definite or indirect leaks, on success and on failure paths: the kube commands, and
# the main commands against the real cluster (template, install, upgrade, status, doctor,
# uninstall, runners create / list / get).
vg_shared_scratch=${E2E_SCRATCH:-}
. "$(dirname "$0")/lib.sh"
command -v valgrind >/dev/null 2>&1 || { say "skip: valgrind not installed"; test_done; }
[ -z "${ARC_E2E_SANITIZER:-}" ] || { say "skip: valgrind cannot run a sanitizer build (make e2e-asan)"; test_done; }
e2e_namespace e2e-valgrind || die "cannot create namespace"
TOKEN=$(e2e_sa_token e2e-admin) || die "cannot get a token"
echo "$TOKEN" >token

# vg EXPECTED-EXIT args...: kubectl-arc under valgrind; a valgrind error is exit 99 (EXPECTED-EXIT
# may list several: "0|1")
vg() {
	want=$1; shift
	timeout 600 valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--show-leak-kinds=definite,indirect --num-callers=30 --log-file=vg.log "$ARC" "$@"
	rc=$?
	if [ -s vg.log ]; then sed 's/^/    vg| /' vg.log >&2; fi
	case "|$want|" in
	*"|$rc|"*) ;;
	*) echo "exit $rc, want $want (99 = valgrind error)" >&2; return 1 ;;
	esac
}

cat >objs.yaml <<YAML
apiVersion: v1
kind: ConfigMap
metadata: {name: vg1}
data: {k: v}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: vg}
spec:
  replicas: 1
  selector: {matchLabels: {app: vg}}
  template:
    metadata: {labels: {app: vg}}
    spec: {containers: [{name: c, image: registry.k8s.io/pause:3.10}]}
YAML

test_expect_success 'apply (two kinds), then the same again' '
	vg 0 kube apply -n $NS -f objs.yaml && vg 0 kube apply -n $NS -f objs.yaml -o json >/dev/null
'

test_expect_success 'get, list in chunks (-o json), list -A' '
	vg 0 kube get v1 ConfigMap vg1 -n $NS -o yaml >/dev/null &&
	vg 0 kube list v1 ConfigMap -A --chunk-size=2 -o json >/dev/null &&
	vg 0 kube list v1 Namespace -v 1 >/dev/null 2>&1
'

test_expect_success 'wait for a rollout (watch), then a timeout' '
	vg 0 kube wait apps/v1 Deployment vg -n $NS --for=rollout --timeout=120s &&
	vg 1 kube wait v1 ConfigMap ghost -n $NS --for=exists --timeout=2s 2>/dev/null
'

test_expect_success 'watch until --timeout' '
	vg 0 kube watch v1 ConfigMap -n $NS --timeout=3s >/dev/null
'

test_expect_success 'a conflict, NotFound and a delete' '
	kc -n $NS apply --server-side --field-manager=other --force-conflicts -f - >/dev/null <<-YAML &&
	apiVersion: v1
	kind: ConfigMap
	metadata: {name: vg1}
	data: {k: theirs}
	YAML
	vg 1 kube apply -n $NS -f objs.yaml 2>/dev/null &&
	vg 1 kube get v1 ConfigMap missing -n $NS 2>/dev/null &&
	vg 0 kube delete v1 ConfigMap vg1 -n $NS >/dev/null
'

test_expect_success 'exec plugin credentials and a tokenFile user' '
	cat >cred.sh <<-SH &&
	#!/bin/sh
	printf "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"%s\"}}" "\$(cat "$TEST_DIR/token")"
	SH
	chmod +x cred.sh &&
	cat >exec.kubeconfig <<-YAML &&
	apiVersion: v1
	kind: Config
	clusters:
	- name: e2e
	  cluster: {server: "$ARC_CLUSTER_SERVER", certificate-authority: "$ARC_CLUSTER_CA"}
	users:
	- name: x
	  user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: ./cred.sh, interactiveMode: Never, provideClusterInfo: true}}
	- name: f
	  user: {tokenFile: token}
	contexts:
	- name: x
	  context: {cluster: e2e, user: x}
	- name: f
	  context: {cluster: e2e, user: f}
	current-context: x
	YAML
	vg 0 kube list v1 Namespace --kubeconfig exec.kubeconfig >/dev/null &&
	vg 0 kube list v1 Namespace --kubeconfig exec.kubeconfig --context f >/dev/null
'

test_expect_success 'failures before and after connecting: unknown context, connection refused' '
	vg 1 kube list v1 Namespace --context nope 2>/dev/null &&
	vg 1 kube list v1 Namespace --server https://127.0.0.1:1 2>/dev/null
'

# --- the main commands against the real cluster (the bundled chart) ------------------------------------
printf 'ghp_vgTok3n%s\n' "$(date +%s)" >ghtoken && chmod 600 ghtoken
VGNS=e2e-vg-arc
kc delete namespace $VGNS e2e-vg-runners e2e-vg-flt --ignore-not-found --wait=true --timeout=90s >/dev/null

test_expect_success 'template (the bundled chart), and a template error' '
	vg 0 template >/dev/null &&
	vg 0 template vgrel -n $VGNS --set replicaCount=2 --show-only templates/deployment.yaml >/dev/null &&
	vg 1 template --set-json "replicaCount={" >/dev/null 2>&1
'
test_expect_success 'install (the bundled chart, --cert-manager=none), then the no-op re-run' '
	vg 0 install vgrel -n $VGNS --cert-manager=none --github-token-file ghtoken --timeout 500s >out 2>err &&
	test_grep "^STATUS: deployed$" out &&
	vg 0 install vgrel -n $VGNS --cert-manager=none --timeout 500s >out 2>err &&
	test_grep "Nothing to do" err
'
test_expect_success 'upgrade, status, and an upgrade that fails (unknown release)' '
	vg 0 upgrade vgrel -n $VGNS --cert-manager=none --set replicaCount=2 --timeout 500s >out 2>err &&
	test_grep "^REVISION: 2$" out &&
	vg 0 status vgrel -n $VGNS >out && test_grep "^STATUS: deployed$" out &&
	vg 1 upgrade nosuch -n $VGNS --cert-manager=none 2>err && test_grep "not found" err
'
if "$ARC" doctor --help >/dev/null 2>&1; then
	test_expect_success 'doctor (exit 1 when a check fails: the GitHub checks offline)' '
		vg "0|1" doctor vgrel -n $VGNS --offline >out 2>&1 && test_grep . out &&
		vg "0|1" doctor vgrel -n $VGNS --offline -o json >out 2>/dev/null && test_grep . out
	'
fi
test_expect_success 'uninstall (its CRDs stay)' '
	vg 0 uninstall vgrel -n $VGNS --wait >out 2>err &&
	test_must_fail kc -n $VGNS get deploy vgrel-actions-runner-controller 2>/dev/null &&
	kc get crd runnerdeployments.actions.summerwind.dev >/dev/null
'
test_expect_success 'runners create (plain and autoscaled), list, get, a validation error' '
	kc create namespace e2e-vg-runners >/dev/null &&
	vg 0 runners create web --repo octo/web --labels linux,vg -n e2e-vg-runners >/dev/null &&
	vg 0 runners create ci --org octo --repositories web,api --min 1 --max 3 -n e2e-vg-runners >/dev/null &&
	vg 0 runners create web --repo octo/web --labels linux,vg -n e2e-vg-runners >/dev/null &&
	vg 0 runners list -n e2e-vg-runners >out && test_grep "web" out &&
	vg 0 runners list -A -o json >/dev/null &&
	vg 0 runners list -A >out && test_grep "e2e-vg-runners" out &&
	vg 0 runners get web -n e2e-vg-runners >/dev/null &&
	vg 1 runners create Bad_Name --repo octo/web -n e2e-vg-runners 2>/dev/null
'

# --- failure paths under faults (tests/e2e/faultproxy.py): retries, time limits, cut streams ---------
python3 "$E2E_DIR/faultproxy.py" serve --state "$ARC_CLUSTER_STATE" --dir "$TEST_DIR/fp" >fp.out 2>&1 &
FP_PID=$!
trap 'kill $FP_PID 2>/dev/null; [ -n "$vg_shared_scratch" ] || e2e_cleanup' EXIT
trap 'exit 130' INT TERM HUP
if wait_until 15 test -s "$TEST_DIR/fp/control"; then
	fp() { python3 "$E2E_DIR/faultproxy.py" ctl "$(cat "$TEST_DIR/fp/control")" rules "$1" >/dev/null; }
	FPKC=$TEST_DIR/fp/kubeconfig
	test_expect_success 'faults: connections reset and retried, 429 past --request-timeout, a cut watch' '
		fp "[{\"method\":\"PATCH\",\"path\":\"configmaps\",\"fault\":\"reset-request\"},{\"method\":\"GET\",\"path\":\"^/apis$\",\"fault\":\"truncate\"}]" &&
		vg 0 kube apply -n $NS -f objs.yaml --kubeconfig "$FPKC" >/dev/null &&
		fp "[{\"method\":\"PATCH\",\"path\":\"deployments\",\"fault\":\"status\",\"code\":429,\"retry_after\":2,\"times\":0}]" &&
		vg 1 kube apply -n $NS -f objs.yaml --kubeconfig "$FPKC" --request-timeout=3s 2>err &&
		test_grep "too many requests" err &&
		fp "[{\"method\":\"GET\",\"path\":\"watch=1\",\"fault\":\"reset-body\",\"after_s\":0.5,\"times\":0}]" &&
		vg 1 kube wait v1 ConfigMap vg1 -n $NS --for=condition=Ready --timeout=4s --kubeconfig "$FPKC" 2>/dev/null &&
		fp "[{\"method\":\"GET\",\"path\":\"watch=1\",\"fault\":\"stall\",\"seconds\":60}]" &&
		vg 1 kube wait v1 ConfigMap vg1 -n $NS --for=condition=Ready --timeout=3s --kubeconfig "$FPKC" 2>/dev/null
	'
	test_expect_success 'faults: runners list -A with one namespace page reset, then one delayed past --request-timeout' '
		fp "[{\"method\":\"GET\",\"path\":\"/namespaces/e2e-vg-runners/runnerdeployments[?]\",\"fault\":\"reset-request\"}]" &&
		vg 0 runners list -A --kubeconfig "$FPKC" >out && test_grep "e2e-vg-runners" out &&
		fp "[{\"method\":\"GET\",\"path\":\"/namespaces/e2e-vg-runners/runnerdeployments[?]\",\"fault\":\"delay\",\"seconds\":5}]" &&
		vg 1 runners list -A --request-timeout=2s --kubeconfig "$FPKC" >out 2>err &&
		test_grep "no answer within 2s" err && test ! -s out
	'
	test_expect_success 'faults: install and uninstall failing half-way (answers delayed past --request-timeout)' '
		fp "[{\"method\":\"PATCH\",\"path\":\"/services/\",\"fault\":\"delay\",\"seconds\":6}]" &&
		vg 1 install vgflt -n e2e-vg-flt --cert-manager=none --github-token-file ghtoken --timeout 300s \
			--request-timeout=3s --kubeconfig "$FPKC" >out 2>err && test_grep "no answer within 3s" err &&
		fp "[]" && sleep 7 && # the delayed request reaches the server late: let it land before the re-run
		vg 0 install vgflt -n e2e-vg-flt --cert-manager=none --github-token-file ghtoken --timeout 500s \
			--kubeconfig "$FPKC" >out 2>err &&
		fp "[{\"method\":\"DELETE\",\"path\":\".\",\"nth\":3,\"fault\":\"delay\",\"seconds\":6}]" &&
		vg 1 uninstall vgflt -n e2e-vg-flt --request-timeout=3s --kubeconfig "$FPKC" >out 2>err &&
		fp "[]" && sleep 7 &&
		vg 0 uninstall vgflt -n e2e-vg-flt --kubeconfig "$FPKC" >out 2>err ||
		{ sed "s/^/    err| /" err >&2; false; }
	'
else
	say "faultproxy.py did not start: the fault cases are not run ($(cat fp.out))"
fi
kill $FP_PID 2>/dev/null
wait $FP_PID 2>/dev/null
kc delete namespace $VGNS e2e-vg-runners e2e-vg-flt --wait=false >/dev/null 2>&1

test_done

