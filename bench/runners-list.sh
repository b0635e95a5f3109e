#!/bin/sh
# `kubectl arc runners list -A` against `kubectl get runnerdeployments -A` in the same run, over
# 1,000 and 10,000 RunnerDeployments (every tenth with a HorizontalRunnerAutoscaler) on the
# end-to-end test control plane (tests/e2e/cluster: a real kube-apiserver and etcd; no ARC
# controller, so the objects stay as created).  Both must list the same number of rows before
# timing.  Reports median wall time, peak memory and the ratios (issue target: >= 5x less wall
# time and >= 5x less memory).
# usage: bench/runners-list.sh [RUNS] [COUNTS]     (defaults: 5, "1000 10000")
# Uses the cluster of $ARC_CLUSTER_STATE when set (BENCH_KEEP=1 keeps the objects there), else
# starts one and stops it at the end.
set -e
cd "$(dirname "$0")/.."
RUNS=${1:-5}
COUNTS=${2:-"1000 10000"}
TOP=$(pwd)
KUBECTL=$(sh tests/tools.sh 2>/dev/null | sed -n 3p)
[ -x ./kubectl-arc ] || make -s
tmp=$(mktemp -d)
own=
cleanup() {
	[ -n "$own" ] && sh tests/e2e/cluster/down.sh "$own" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
if [ -n "${ARC_CLUSTER_STATE:-}" ] && [ -f "$ARC_CLUSTER_STATE/env" ]; then
	. "$ARC_CLUSTER_STATE/env"
else
	sh tests/e2e/cluster/build.sh >/dev/null
	own=$(sh tests/e2e/cluster/up.sh 2>"$tmp/up.log") || { cat "$tmp/up.log" >&2; exit 1; }
	. "$own/env"
fi
export KUBECONFIG
kc() { "$KUBECTL" "$@"; }

# the ARC CRDs: the bundled chart's, else those of ARC's Go module (as the e2e tests do)
crds=$TOP/chart/crds
ls "$crds"/*runnerdeployments*.yaml >/dev/null 2>&1 ||
	crds=$(go env GOMODCACHE)/github.com/actions/actions-runner-controller@v0.27.6/charts/actions-runner-controller/crds
for f in "$crds"/*.yaml; do kc apply --server-side --force-conflicts --field-manager=bench -f "$f" >/dev/null; done
kc wait --for=condition=Established --timeout=60s crd/runnerdeployments.actions.summerwind.dev \
	crd/horizontalrunnerautoscalers.actions.summerwind.dev >/dev/null

# N RunnerDeployments shaped like kubectl arc's (labels, env, resources), spread over 10 namespaces
populate() { # FROM TO
	python3 - "$1" "$2" >"$tmp/objs.yaml" <<-\EOF
	import sys
	lo, hi = int(sys.argv[1]), int(sys.argv[2])
	for i in range(lo, hi):
	    ns = "bench-%d" % (i % 10)
	    print("""---
	apiVersion: actions.summerwind.dev/v1alpha1
	kind: RunnerDeployment
	metadata:
	  name: runners-%05d
	  namespace: %s
	  labels: {app.kubernetes.io/managed-by: kubectl-arc, team: team-%d}
	spec:
	  replicas: %d
	  template:
	    spec:
	      repository: octo-org/service-%05d
	      labels: [linux, x64, team-%d]
	      env: [{name: RUNNER_FEATURE_FLAG, value: "on"}]
	      resources: {requests: {cpu: 500m, memory: 1Gi}, limits: {memory: 2Gi}}""" % (i, ns, i % 7, 1 + i % 3, i, i % 7))
	    if i % 10 == 0:
	        print("""---
	apiVersion: actions.summerwind.dev/v1alpha1
	kind: HorizontalRunnerAutoscaler
	metadata:
	  name: runners-%05d
	  namespace: %s
	spec:
	  scaleTargetRef: {kind: RunnerDeployment, name: runners-%05d}
	  minReplicas: 0
	  maxReplicas: 10
	  metrics: [{type: TotalNumberOfQueuedAndInProgressWorkflowRuns, repositoryNames: [service-%05d]}]""" % (i, ns, i, i))
	EOF
	# several kubectl create processes at once (each one request per object)
	python3 - "$tmp/objs.yaml" "$tmp" <<-\EOF
	import sys
	docs = open(sys.argv[1]).read().split("---\n")[1:]
	parts = 8
	for p in range(parts):
	    open("%s/part%d.yaml" % (sys.argv[2], p), "w").write("".join("---\n" + d for d in docs[p::parts]))
	EOF
	for p in 0 1 2 3 4 5 6 7; do
		kc create -f "$tmp/part$p.yaml" >/dev/null &
	done
	wait
}
for i in 0 1 2 3 4 5 6 7 8 9; do kc create namespace bench-$i >/dev/null 2>&1 || true; done

# objects an earlier run kept (BENCH_KEEP=1) are reused: they are always runners-00000.. in order
have=$("$KUBECTL" get runnerdeployments.actions.summerwind.dev -A --no-headers 2>/dev/null | grep -c '^bench-[0-9] ' || true)
for n in $COUNTS; do
	if [ "$n" -gt "$have" ]; then
		t0=$(date +%s)
		populate "$have" "$n"
		echo "created RunnerDeployments $have..$((n - 1)) in $(($(date +%s) - t0))s"
		have=$n
	fi
	ours=$(./kubectl-arc runners list -A --no-headers | wc -l)
	theirs=$("$KUBECTL" get runnerdeployments.actions.summerwind.dev -A --no-headers | wc -l)
	if [ "$ours" != "$n" ] || [ "$theirs" != "$n" ]; then
		echo "runners-list.sh: want $n rows, kubectl-arc listed $ours and kubectl $theirs; not timing" >&2
		exit 1
	fi
	echo "== $n RunnerDeployments ($((n / 10)) with an autoscaler), all namespaces"
	python3 bench/measure.py "$RUNS" kubectl-arc "./kubectl-arc runners list -A" \
		kubectl "$KUBECTL get runnerdeployments.actions.summerwind.dev -A"
done
if [ -z "$own" ] && [ "${BENCH_KEEP:-}" != 1 ]; then
	for i in 0 1 2 3 4 5 6 7 8 9; do kc delete namespace bench-$i --wait=false >/dev/null 2>&1 || true; done
fi
