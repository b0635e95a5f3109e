#!/bin/sh
# Smoke test of the e2e control plane: bring it up, check it with the real
# kubectl (tests/tools.sh), bring it down.  Exits non-zero on any failure.
#   - the API server reports the pinned, version-stamped Kubernetes release
#   - both kwok Nodes are Ready with the expected capacity and labels
#   - a Deployment of 2 pause pods rolls out to Available on the fake nodes
#   - a CRD becomes Established, validates its schema and serves objects
# Usage: smoke.sh [STATE_DIR]
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../.." && pwd)
pass=0 fail=0
say() { printf 'smoke.sh: %s\n' "$*" >&2; }
ok() { pass=$((pass + 1)); printf 'ok %d - %s\n' $((pass + fail)) "$1"; }
not_ok() { fail=$((fail + 1)); printf 'not ok %d - %s\n' $((pass + fail)) "$1"; }
check() { # description command...: run, show its output on failure
	d=$1; shift
	if out=$("$@" 2>&1); then ok "$d"; else not_ok "$d"; printf '%s\n' "$out" | sed 's/^/#   /'; fi
}
summary() { echo "$pass passed, $fail failed"; }

KUBECTL=$(sh "$TOP/tests/tools.sh" | sed -n 3p)
[ -x "$KUBECTL" ] || { say "error: no kubectl from tests/tools.sh"; exit 1; }

t0=$(date +%s)
STATE=$(sh "$HERE/up.sh" ${1:+"$1"}) || { not_ok "cluster comes up (up.sh)"; summary; exit 1; }
trap 'sh "$HERE/down.sh" "$STATE" || true' EXIT
trap 'exit 130' INT TERM HUP
ok "cluster comes up in $(($(date +%s) - t0))s (up.sh $STATE)"
. "$STATE/env"
k() { "$KUBECTL" --request-timeout=20s "$@"; }

want_version() {
	v=$(k version -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["serverVersion"]["gitVersion"])')
	[ "$v" = "$ARC_CLUSTER_VERSION" ] && case $v in v0.0.0*) false ;; esac || { echo "server reports $v"; false; }
}
check "server version is $ARC_CLUSTER_VERSION (stamped)" want_version

node_is() { # node jsonpath expected
	v=$(k get node "$1" -o "jsonpath=$2")
	[ "$v" = "$3" ] || { echo "node $1 $2 = '$v', want '$3'"; false; }
}
check "kwok-node-0 Ready" node_is kwok-node-0 '{.status.conditions[?(@.type=="Ready")].status}' True
check "kwok-node-0 capacity cpu 16, memory 64Gi, pods 110" node_is kwok-node-0 \
	'{.status.capacity.cpu} {.status.capacity.memory} {.status.capacity.pods}' '16 64Gi 110'
check "kwok-gpu-0 Ready" node_is kwok-gpu-0 '{.status.conditions[?(@.type=="Ready")].status}' True
check "kwok-gpu-0 allocatable nvidia.com/gpu 4" node_is kwok-gpu-0 '{.status.allocatable.nvidia\.com/gpu}' 4
check "kwok-gpu-0 labelled nvidia.com/gpu.present=true" node_is kwok-gpu-0 \
	'{.metadata.labels.nvidia\.com/gpu\.present}' true

check "create Deployment smoke (pause:3.10, 2 replicas)" \
	k create deployment smoke --image=registry.k8s.io/pause:3.10 --replicas=2
check "rollout status: Deployment smoke available" k rollout status deployment/smoke --timeout=120s
pods_running() {
	k get pods -l app=smoke -o wide
	n=$(k get pods -l app=smoke --field-selector=status.phase=Running -o name | wc -l)
	[ "$n" -eq 2 ] || { echo "$n pods Running, want 2"; false; }
}
check "2 pods Running on kwok nodes" pods_running

check "create CRD widgets.smoke.arc.test" k apply -f - <<'EOF'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.smoke.arc.test
spec:
  group: smoke.arc.test
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer, minimum: 1}
EOF
check "CRD Established" k wait --for=condition=Established crd/widgets.smoke.arc.test --timeout=60s
widget() { # name size
	printf 'apiVersion: smoke.arc.test/v1\nkind: Widget\nmetadata: {name: %s}\nspec: {size: %s}\n' "$1" "$2" |
		k apply -f -
}
check "valid Widget accepted" widget good 3
rejected() { if out=$(widget bad 0 2>&1); then echo "accepted: $out"; false; else echo "$out" | grep -q 'spec.size'; fi; }
check "invalid Widget rejected by schema (spec.size: 0 < minimum 1)" rejected

trap - EXIT
t1=$(date +%s)
stopped() {
	sh "$HERE/down.sh" "$STATE" || return 1
	[ ! -e "$STATE" ] || { echo "$STATE still exists"; return 1; }
	for p in $ARC_CLUSTER_PIDS; do # a zombie not yet reaped by its new parent counts as gone
		case $(ps -o stat= -p "$p" 2>/dev/null) in "" | Z*) ;; *)
			echo "pid $p still running: $(ps -o args= -p "$p")"; return 1 ;; esac
	done
}
check "down.sh stops all 5 processes and removes the state" stopped
say "total $(($(date +%s) - t0))s (down took $(($(date +%s) - t1))s)"
summary
[ "$fail" -eq 0 ]
