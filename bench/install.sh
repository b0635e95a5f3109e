#!/bin/sh
# `kubectl arc install` against `helm install` (v4.1.4) of the same chart with the same values into
# the same control plane (tests/e2e/cluster: a real kube-apiserver, etcd, controller-manager and
# scheduler, with kwok making pods Ready), in the same run.  Each install goes into a clean
# namespace with a release of its own, the two tools alternating (helm first on odd runs); one
# untimed warm-up each creates the chart's CRDs (cluster-scoped: both tools then leave them alone).
#
# The chart is the bundled one, from the archive embedded in the binary (build/bundled_chart.tgz),
# with cert-manager present (the end-to-end tests' stand-in) so that its Issuer and Certificate
# apply.  The values are the same; the credentials are too, given the way each tool takes them:
# kubectl-arc reads the token from a file and applies the Secret itself, helm renders it from
# --set authSecret.create=true,authSecret.github_token=… (the documented manual flow).
#
# Scenarios (each RUNS times per tool):
#   nowait     no readiness wait: what the tool itself costs
#   wait       --wait with minReadySeconds=0: applied, then rolled out and ready
#   wait-10s   --wait with the chart's default minReadySeconds (10): both tools wait the same 10 s
# Reports the median wall time, the largest peak RSS and the ratios helm/kubectl-arc
# (issue target: >= 2x less wall time, >= 10x less peak memory).
#
# usage: bench/install.sh [RUNS] [SCENARIOS]      (defaults: 5, "nowait wait wait-10s")
# Uses the cluster of $ARC_CLUSTER_STATE when set, else starts one and stops it at the end.
set -e
cd "$(dirname "$0")/.."
RUNS=${1:-5}
SCENARIOS=${2:-"nowait wait wait-10s"}
TOP=$(pwd)
B=${B:-build}
case $B in /*) ;; *) B=$TOP/$B ;; esac
ARC=${ARC:-$TOP/kubectl-arc}
TOOLS=$(sh tests/tools.sh 2>/dev/null) || { echo "install.sh: no helm/kubectl (tests/tools.sh)" >&2; exit 1; }
HELM4=$(echo "$TOOLS" | sed -n 1p)
KUBECTL=$(echo "$TOOLS" | sed -n 3p)
[ -x "$ARC" ] || make -s
# the archive helm installs: the same files the binary embeds (kept up to date by make)
make -s B="$B" "$B/bundled_chart.tgz" >/dev/null
CHART=$B/bundled_chart.tgz
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
export KUBECONFIG HELM_CACHE_HOME="$tmp/helm/cache" HELM_CONFIG_HOME="$tmp/helm/config" \
	HELM_DATA_HOME="$tmp/helm/data"
kc() { "$KUBECTL" --request-timeout=60s "$@"; }

# the launcher of bench/measure.py: wall time and peak RSS of one command, forked from a tiny image
SPAWN=${TMPDIR:-/tmp}/arc-bench-spawn-$(id -u)
if [ ! -x "$SPAWN" ] || [ bench/spawn.c -nt "$SPAWN" ]; then
	${CC:-cc} -O2 -o "$SPAWN.tmp" bench/spawn.c && mv "$SPAWN.tmp" "$SPAWN"
fi

TOKEN=ghp_benchInstallT0ken000000000000000
printf '%s\n' "$TOKEN" >"$tmp/token" && chmod 600 "$tmp/token"

# cert-manager (the stand-in) present and healthy before anything is timed
"$ARC" kube apply -f tests/e2e/data/cert-manager-standin.yaml >/dev/null
kc -n cert-manager rollout status deploy/cert-manager-webhook --timeout=120s >/dev/null

n=0
# one timed install: TOOL SCENARIO → "seconds MiB" appended to $tmp/TOOL.SCENARIO
timed() {
	n=$((n + 1))
	ns=bench-$1-$n-$$
	rel=b$1$n
	case $2 in
	nowait) vals="--set minReadySeconds=0"; wait_arc="--wait=false"; wait_helm="" ;;
	wait) vals="--set minReadySeconds=0"; wait_arc=""; wait_helm="--wait --timeout 5m" ;;
	wait-10s) vals=""; wait_arc=""; wait_helm="--wait --timeout 5m" ;;
	esac
	if [ "$1" = arc ]; then
		# shellcheck disable=SC2086
		r=$("$SPAWN" "$ARC" install "$rel" -n "$ns" --github-token-file "$tmp/token" -q $vals $wait_arc) ||
			{ echo "install.sh: kubectl arc install failed ($ns)" >&2; exit 1; }
	else
		# shellcheck disable=SC2086
		r=$("$SPAWN" "$HELM4" install "$rel" "$CHART" -n "$ns" --create-namespace \
			--set authSecret.create=true --set "authSecret.github_token=$TOKEN" $vals $wait_helm) ||
			{ echo "install.sh: helm install failed ($ns)" >&2; exit 1; }
	fi
	[ "$("$HELM4" status "$rel" -n "$ns" -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["info"]["status"])')" = deployed ] ||
		{ echo "install.sh: $1 release $rel in $ns is not deployed" >&2; exit 1; }
	echo "$rel $ns" >>"$tmp/releases.$1"
	echo "$r" | awk '{ printf "%.6f %.2f\n", $1 / 1e9, $2 / 1024 }' >>"$tmp/$1.$2"
}

uninstall_all() {
	for tool in arc helm; do
		[ -f "$tmp/releases.$tool" ] || continue
		while read -r rel ns; do
			"$HELM4" uninstall "$rel" -n "$ns" >/dev/null 2>&1 || true
			kc delete namespace "$ns" --wait=false >/dev/null 2>&1 || true
		done <"$tmp/releases.$tool"
		rm -f "$tmp/releases.$tool"
	done
}
trap 'uninstall_all; cleanup' EXIT

# warm-up: the CRDs are created once, by either tool; both skip existing ones afterwards
timed arc nowait >/dev/null
timed helm nowait >/dev/null
rm -f "$tmp"/arc.* "$tmp"/helm.*

echo "kubectl arc install vs helm install (v4.1.4), bundled chart $(basename "$CHART"), cluster $ARC_CLUSTER_VERSION, $RUNS runs each"
for sc in $SCENARIOS; do
	i=0
	while [ $i -lt "$RUNS" ]; do
		if [ $((i % 2)) -eq 0 ]; then timed arc "$sc"; timed helm "$sc"; else timed helm "$sc"; timed arc "$sc"; fi
		i=$((i + 1))
	done
	python3 - "$sc" "$tmp/arc.$sc" "$tmp/helm.$sc" <<-\EOF
	import statistics, sys
	sc, fa, fh = sys.argv[1:4]
	def load(f):
	    rows = [tuple(map(float, l.split())) for l in open(f) if l.strip()]
	    return statistics.median(r[0] for r in rows), max(r[1] for r in rows)
	at, am = load(fa)
	ht, hm = load(fh)
	print(f"{sc}:")
	print(f"  kubectl-arc  {at * 1000:9.1f} ms  {am:7.1f} MiB")
	print(f"  helm         {ht * 1000:9.1f} ms  {hm:7.1f} MiB")
	print(f"  ratio helm/kubectl-arc: wall {ht / at:.1f}x, peak memory {hm / am:.1f}x")
	EOF
	uninstall_all
done
