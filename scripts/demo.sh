#!/bin/sh
# demo.sh - `make demo`: kubectl-arc end to end on a local, real Kubernetes control plane
# (etcd, kube-apiserver, controller-manager, scheduler and kwok's simulated nodes, one of
# them with 4 GPUs; tests/e2e/cluster), no cloud cluster needed:
#   1. build the control plane once (cached; needs Go the first time) and start it on 127.0.0.1;
#   2. install ARC with a stand-in cert-manager (tests/e2e/data/cert-manager-standin.yaml,
#      served over HTTP on loopback) and a dummy GitHub token;
#   3. create a GPU runner deployment and an autoscaled one, and list them.
# `make demo-down` (sh scripts/demo.sh down) stops the cluster and removes its files.
#
# Usage: sh scripts/demo.sh [up|down]
#   ARC=path/to/kubectl-arc (default ./kubectl-arc), ARC_DEMO_STATE=dir (default
#   ${TMPDIR:-/tmp}/kubectl-arc-demo-UID), ARC_CACHE as for tests/e2e/cluster/build.sh.
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
ARC=${ARC:-$TOP/kubectl-arc}
STATE=${ARC_DEMO_STATE:-${TMPDIR:-/tmp}/kubectl-arc-demo-$(id -u)}
CLUSTER=$TOP/tests/e2e/cluster

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ] && [ "${TERM:-dumb}" != dumb ]; then
	B=$(printf '\033[1m') D=$(printf '\033[2m') R=$(printf '\033[0m')
else
	B= D= R=
fi
step() { printf '\n%s==> %s%s\n' "$B" "$*" "$R"; }
note() { printf '%s    %s%s\n' "$D" "$*" "$R"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }
# show a command as the user would type it, then run it
run() {
	printf '%s$ %s%s\n' "$B" "$(echo "$*" | sed "s|$ARC|kubectl-arc|g; s|$STATE|\$DEMO|g")" "$R"
	"$@"
}

down() {
	if [ -f "$STATE/cluster/pids" ]; then
		sh "$CLUSTER/down.sh" "$STATE/cluster" >/dev/null 2>&1 || true
	fi
	[ -f "$STATE/http.pid" ] && kill "$(cat "$STATE/http.pid")" 2>/dev/null || true
	rm -rf "$STATE"
	echo "demo: stopped and removed $STATE"
}

case ${1:-up} in
down)
	down
	exit 0
	;;
up) ;;
*) die "usage: sh scripts/demo.sh [up|down]" ;;
esac

[ -x "$ARC" ] || die "$ARC is not built: run make first"
if [ -f "$STATE/cluster/pids" ]; then
	die "a demo cluster is already running ($STATE): use it (export KUBECONFIG=$STATE/cluster/admin.kubeconfig), or run make demo-down first"
fi
mkdir -p "$STATE"
note "DEMO=$STATE (the cluster, its kubeconfig and logs)"

step "Building the local control plane (cached after the first run)"
if ! bin=$(sh "$CLUSTER/build.sh" 2>"$STATE/build.log"); then
	sed 's/^/    /' "$STATE/build.log" | tail -n 15 >&2
	if ! command -v go >/dev/null 2>&1; then
		die "the first run builds Kubernetes, etcd and kwok from source and needs Go (https://go.dev/dl/, or: apt-get install golang); about 7 minutes on 2 cores"
	fi
	die "building the control plane failed (log: $STATE/build.log)"
fi
note "binaries in $bin"

step "Starting it on 127.0.0.1: etcd, kube-apiserver, controller-manager, scheduler, kwok"
sh "$CLUSTER/up.sh" "$STATE/cluster" >/dev/null 2>"$STATE/up.log" || {
	tail -n 15 "$STATE/up.log" >&2
	die "the control plane did not start (log: $STATE/up.log)"
}
KUBECONFIG=$STATE/cluster/admin.kubeconfig
export KUBECONFIG
note "export KUBECONFIG=$KUBECONFIG"
note "nodes: kwok-node-0 (16 CPUs) and kwok-gpu-0 (16 CPUs, 4 nvidia.com/gpu); their pods are simulated"

step "Serving the stand-in cert-manager manifest on loopback"
mkdir -p "$STATE/www"
cp "$TOP/tests/e2e/data/cert-manager-standin.yaml" "$STATE/www/cert-manager.yaml"
CM=$STATE/www/cert-manager.yaml
if command -v python3 >/dev/null 2>&1; then
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
	(cd "$STATE/www" && exec python3 -m http.server --bind 127.0.0.1 "$port" >/dev/null 2>&1) &
	echo $! >"$STATE/http.pid"
	i=0
	until python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' "$port" \
		2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 50 ] || die "the loopback HTTP server did not start"
		sleep 0.1
	done
	CM=http://127.0.0.1:$port/cert-manager.yaml
	note "$CM (cert-manager's CRDs and a webhook Deployment; a real cluster gets cert-manager's release)"
else
	note "no python3: using the file $CM"
fi

step "Installing ARC with a dummy GitHub token"
printf 'ghp_demo%s\n' "$(date +%s)0000000000000000000000" | cut -c1-40 >"$STATE/token"
chmod 600 "$STATE/token"
run "$ARC" install --github-token-file "$STATE/token" --cert-manager-manifest "$CM" --timeout 3m
[ -f "$STATE/http.pid" ] && kill "$(cat "$STATE/http.pid")" 2>/dev/null && rm -f "$STATE/http.pid"

step "Limiting ARC's admission webhook to namespaces that ask for it"
note "kwok simulates pods: nothing runs inside them, so the controller's webhook cannot answer here and"
note "would refuse every runner object. On a real cluster this step is not needed."
for kind in Mutating Validating; do
	lower=$(echo "$kind" | tr 'A-Z' 'a-z')
	if [ $kind = Mutating ]; then
		hooks="mutate.runner.actions.summerwind.dev mutate.runnerdeployment.actions.summerwind.dev
			mutate.runnerreplicaset.actions.summerwind.dev mutate-runner-pod.webhook.actions.summerwind.dev"
	else
		hooks="validate.runner.actions.summerwind.dev validate.runnerdeployment.actions.summerwind.dev
			validate.runnerreplicaset.actions.summerwind.dev"
	fi
	{
		printf 'apiVersion: admissionregistration.k8s.io/v1\nkind: %sWebhookConfiguration\n' "$kind"
		printf 'metadata:\n  name: actions-runner-controller-%s-webhook-configuration\nwebhooks:\n' "$lower"
		for h in $hooks; do
			printf -- '- name: %s\n  namespaceSelector:\n    matchLabels: {arc-demo/webhooks: "on"}\n' "$h"
		done
	} >"$STATE/$lower-scope.yaml"
	"$ARC" kube apply -f "$STATE/$lower-scope.yaml" --field-manager kubectl-arc-demo >/dev/null ||
		die "could not scope the $lower webhook configuration"
done

step "Creating a GPU runner deployment"
run "$ARC" runners create gpu-runners --repo octo-org/ml --gpu 1 --labels gpu,linux

step "Creating an autoscaled runner deployment (0 to 10 runners on queued workflow runs)"
run "$ARC" runners create ci --org octo-org --max 10 --repositories web,api --labels linux

step "Listing them"
run "$ARC" runners list -o wide
echo
run "$ARC" status

step "Done"
case $ARC in "$TOP"/kubectl-arc) show=./kubectl-arc ;; *) show=$ARC ;; esac
cat <<EOF
The cluster keeps running. Try, in $TOP:
    export KUBECONFIG=$KUBECONFIG
    $show doctor --offline        # what a real cluster would still need, with the fixes
    $show runners get ci
    $show workflow ci             # a GitHub Actions workflow that runs on those runners
    helm list -A                  # the release is helm's too (if you have helm)
No runner starts: kwok's pods run nothing, and the dummy token cannot register runners with GitHub.

Tear it down with:  make demo-down     (or: sh scripts/demo.sh down)
EOF
