#!/bin/sh
# The same commands through the real kubectl: kubectl-arc on PATH, run as `kubectl arc …`.
# kubectl passes every argument after `arc` untouched, so the plugin handles the
# kubeconfig flags itself.
. "$(dirname "$0")/lib.sh"
e2e_namespace e2e-plugin || die "cannot create namespace"

mkdir -p path && ln -sf "$ARC" path/kubectl-arc || die "cannot link kubectl-arc"
PATH=$TEST_DIR/path:$PATH
export PATH
k() { timeout 120 "$KUBECTL" "$@"; }

test_expect_success 'kubectl plugin list finds kubectl-arc on PATH' '
	k plugin list 2>&1 | grep -q "$TEST_DIR/path/kubectl-arc"
'

test_expect_success 'kubectl arc kube --help shows the kubectl usage' '
	k arc kube --help >out &&
	test_grep "kubectl arc kube" out
'

test_expect_success 'kubectl arc kube apply / get / list / delete' '
	printf "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: via-kubectl}\ndata: {k: v}\n" >cm.yaml &&
	k arc kube apply -f cm.yaml -n $NS >out &&
	test_equal "configmap/via-kubectl serverside-applied" "$(cat out)" &&
	test_equal v "$(k arc kube get v1 ConfigMap via-kubectl -n $NS -o json | json_get "d[\"data\"][\"k\"]")" &&
	k arc kube list v1 ConfigMap -n $NS -o name >out && test_grep "^configmap/via-kubectl$" out &&
	k arc kube delete v1 ConfigMap via-kubectl -n $NS >out &&
	test_equal "configmap \"via-kubectl\" deleted" "$(cat out)" &&
	test_must_fail kc -n $NS get cm via-kubectl 2>/dev/null
'

test_expect_success 'kubectl arc kube wait --for=rollout' '
	cat >d.yaml <<-YAML &&
	apiVersion: apps/v1
	kind: Deployment
	metadata: {name: plug}
	spec:
	  replicas: 2
	  selector: {matchLabels: {app: plug}}
	  template:
	    metadata: {labels: {app: plug}}
	    spec: {containers: [{name: c, image: registry.k8s.io/pause:3.10}]}
	YAML
	k arc kube apply -f d.yaml -n $NS &&
	k arc kube wait apps/v1 Deployment plug -n $NS --for=rollout --timeout=90s >out &&
	test_equal "deployment.apps/plug condition met" "$(cat out)"
'

test_expect_success 'kubectl arc kube watch' '
	k arc kube watch v1 ConfigMap -n $NS --timeout=2s >out &&
	test_grep "^ADDED	configmap/kube-root-ca.crt$" out
'

test_expect_success 'the kubeconfig flags after `arc` reach the plugin (--kubeconfig, --context, -n)' '
	sed -e "/^current-context/d" -e "/^contexts:/,\$d" "$ARC_CLUSTER_STATE/admin.kubeconfig" >two.kubeconfig &&
	cat >>two.kubeconfig <<-YAML &&
	contexts:
	- name: here
	  context: {cluster: arc-e2e, user: admin, namespace: $NS}
	- name: there
	  context: {cluster: arc-e2e, user: admin, namespace: kube-system}
	current-context: here
	YAML
	KUBECONFIG=/nonexistent k arc kube list v1 ConfigMap -o name --kubeconfig two.kubeconfig >a &&
	KUBECONFIG=/nonexistent k arc kube list v1 ConfigMap -o name --kubeconfig two.kubeconfig --context there >b &&
	KUBECONFIG=/nonexistent k arc kube list v1 ConfigMap -o name --kubeconfig two.kubeconfig --context there -n $NS >c &&
	test_cmp a c && ! test_cmp a b 2>/dev/null &&
	test_grep "extension-apiserver-authentication" b
'

test_expect_success 'KUBECONFIG from the environment passes through kubectl' '
	KUBECONFIG=two.kubeconfig k arc kube list v1 ConfigMap -o name --context there >d &&
	test_cmp b d && test_grep "extension-apiserver-authentication" d
'

test_expect_success 'kubectl refuses its own flags before the plugin name' '
	test_must_fail k --context there arc kube list v1 ConfigMap 2>err &&
	test_grep "flags cannot be placed before plugin name" err
'

test_expect_success 'errors and exit codes come through kubectl unchanged' '
	test_must_fail k arc kube get v1 ConfigMap missing -n $NS 2>err &&
	test_one_line_error err && test_grep "not found" err &&
	k arc kube frobnicate 2>err; test $? = 2 &&
	test_must_fail k arc kube list v1 Namespace --context nope 2>err &&
	test_one_line_error err && test_grep "context \"nope\" does not exist" err
'

test_done
