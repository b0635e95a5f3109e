#!/bin/sh
# kubectl-arc's kube commands under valgrind: no invalid reads or writes, no use of
# uninitialised memory, no definite leaks, on success and on failure paths.
. "$(dirname "$0")/lib.sh"
command -v valgrind >/dev/null 2>&1 || { say "skip: valgrind not installed"; test_done; }
e2e_namespace e2e-valgrind || die "cannot create namespace"
TOKEN=$(e2e_sa_token e2e-admin) || die "cannot get a token"
echo "$TOKEN" >token

# vg [expected-exit] args...: kubectl-arc under valgrind; a valgrind error is exit 99
vg() {
	want=$1; shift
	timeout 300 valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		--show-leak-kinds=definite --log-file=vg.log "$ARC" "$@"
	rc=$?
	if [ -s vg.log ]; then sed 's/^/    vg| /' vg.log >&2; fi
	[ $rc -eq "$want" ] || { echo "exit $rc, want $want (99 = valgrind error)" >&2; return 1; }
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

test_done
