#!/bin/sh
# Waiting: a CRD until Established, a Deployment until rolled out (kwok makes its pods
# Ready), conditions, and timeouts that end with a clear error instead of hanging.
. "$(dirname "$0")/lib.sh"
e2e_namespace e2e-wait || die "cannot create namespace"

deployment() { # name replicas [nodeSelector-value]
	cat <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: $1}
spec:
  replicas: $2
  selector: {matchLabels: {app: $1}}
  template:
    metadata: {labels: {app: $1}}
    spec:
YAML
	[ -n "${3:-}" ] && printf '      nodeSelector: {e2e-node: "%s"}\n' "$3"
	cat <<YAML
      containers:
      - {name: c, image: registry.k8s.io/pause:3.10}
YAML
}

test_expect_success 'wait --for=established: a new CRD' '
	cat >crd.yaml <<-YAML &&
	apiVersion: apiextensions.k8s.io/v1
	kind: CustomResourceDefinition
	metadata: {name: waiters.e2e.example.com}
	spec:
	  group: e2e.example.com
	  names: {kind: Waiter, plural: waiters, singular: waiter, listKind: WaiterList}
	  scope: Namespaced
	  versions:
	  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
	YAML
	arc kube apply -f crd.yaml &&
	arc kube wait apiextensions.k8s.io/v1 CustomResourceDefinition waiters.e2e.example.com --for=established --timeout=60s >out &&
	test_equal "customresourcedefinition.apiextensions.k8s.io/waiters.e2e.example.com condition met" "$(cat out)" &&
	test_equal True "$(kc get crd waiters.e2e.example.com -o jsonpath="{.status.conditions[?(@.type==\"Established\")].status}")" &&
	printf "apiVersion: e2e.example.com/v1\nkind: Waiter\nmetadata: {name: w}\nspec: {x: 1}\n" >w.yaml &&
	arc kube apply -n $NS -f w.yaml
'

test_expect_success 'wait --for=condition=Established is the same, case-insensitive' '
	arc kube wait apiextensions.k8s.io/v1 CustomResourceDefinition waiters.e2e.example.com --for=condition=established --timeout=10s >out &&
	test_equal "customresourcedefinition.apiextensions.k8s.io/waiters.e2e.example.com condition met" "$(cat out)"
'

test_expect_success 'wait --for=rollout: a Deployment of 3 becomes available on the kwok nodes' '
	deployment web 3 >web.yaml &&
	arc kube apply -n $NS -f web.yaml &&
	arc kube wait apps/v1 Deployment web -n $NS --for=rollout --timeout=90s >out &&
	test_equal "deployment.apps/web condition met" "$(cat out)" &&
	test_equal "3 3 3" "$(kc -n $NS get deploy web -o jsonpath="{.status.updatedReplicas} {.status.readyReplicas} {.status.availableReplicas}")" &&
	kc -n $NS rollout status deploy/web --timeout=5s
'

test_expect_success 'wait --for=condition=Available on the Deployment' '
	arc kube wait apps/v1 Deployment web -n $NS --for=condition=Available --timeout=30s >out &&
	test_equal "deployment.apps/web condition met" "$(cat out)"
'

test_expect_success 'a rollout that cannot finish times out with one line, in time, exit 1' '
	deployment stuck 2 nowhere >stuck.yaml &&
	arc kube apply -n $NS -f stuck.yaml &&
	start=$(date +%s) &&
	test_must_fail arc kube wait apps/v1 Deployment stuck -n $NS --for=rollout --timeout=3s 2>err &&
	elapsed=$(($(date +%s) - start)) &&
	test "$elapsed" -ge 2 && test "$elapsed" -le 10 &&
	test_one_line_error err &&
	test_grep "timed out after 3 s waiting for Deployment $NS/stuck" err &&
	avail=$(kc -n $NS get deploy stuck -o jsonpath="{.status.availableReplicas}") &&
	test_equal 0 "${avail:-0}"
'

test_expect_success 'the rollout finishes once the Deployment is fixed (seen through the watch)' '
	{ (sleep 2; deployment stuck 2 >fixed.yaml; "$ARC" kube apply -n $NS -f fixed.yaml >/dev/null) & } &&
	start=$(date +%s) &&
	arc kube wait apps/v1 Deployment stuck -n $NS --for=rollout --timeout=90s -v 1 >out 2>log &&
	test_equal "deployment.apps/stuck condition met" "$(cat out)" &&
	test "$(($(date +%s) - start))" -ge 1 &&
	test_grep "deployments\?.*watch=1" log &&
	test_equal 2 "$(kc -n $NS get deploy stuck -o jsonpath={.status.availableReplicas})"
'

test_expect_success 'a scaled Deployment: generation > observedGeneration is not yet rolled out' '
	deployment web 5 >web5.yaml &&
	arc kube apply -n $NS -f web5.yaml &&
	arc kube wait apps/v1 Deployment web -n $NS --for=rollout --timeout=90s >out &&
	test_equal "deployment.apps/web condition met" "$(cat out)" &&
	test_equal 5 "$(kc -n $NS get deploy web -o jsonpath={.status.availableReplicas})"
'

test_expect_success 'wait for a condition on an object that never appears: timeout, exit 1' '
	test_must_fail arc kube wait apps/v1 Deployment ghost -n $NS --for=condition=Available --timeout=2s 2>err &&
	test_one_line_error err && test_grep "timed out" err
'

test_expect_success 'wait --for=condition=Available=False is met by a stuck Deployment' '
	deployment stuck2 1 nowhere >stuck2.yaml &&
	arc kube apply -n $NS -f stuck2.yaml &&
	arc kube wait apps/v1 Deployment stuck2 -n $NS --for=condition=Available=False --timeout=60s >out &&
	test_equal "deployment.apps/stuck2 condition met" "$(cat out)" &&
	test_must_fail arc kube wait apps/v1 Deployment stuck2 -n $NS --for=condition=Available --timeout=1s 2>/dev/null
'

test_done
