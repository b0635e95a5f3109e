#!/bin/sh
# Build the real control plane used by the end-to-end tests, from the Go
# module proxy only, and cache it outside the clone, keyed by version:
#
#   $ARC_CACHE/cluster/<k8s-version>/bin/     etcd kube-apiserver
#                                             kube-controller-manager
#                                             kube-scheduler kwok
#   $ARC_CACHE/cluster/<k8s-version>/stages/  kwok's default Stages
#
# ARC_CACHE defaults to ${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-arc (as in
# tests/tools.sh).  Prints the bin directory on stdout; progress and timing go
# to stderr.  A second run with the cache present does no Go work at all.
#
# Pinned versions, verified to build with go1.26.8 from the proxy:
#   Kubernetes v1.37.2 (staging modules v0.37.2): the newest release there
#     (v1.38.0-beta.0 is a prerelease; the proxy's /@v/list omits some tags);
#   etcd v3.6.16 (newest v3.6.x); kwok v0.8.0 (newest).
# Cold: ~7 min on 2 cores (etcd ~50s, kubernetes ~5.5 min, kwok ~50s), about
# 1.2 GB of module cache and 4.5 GB of build cache; 380 MB here.
# Override with ARC_K8S_VERSION / ARC_ETCD_VERSION / ARC_KWOK_VERSION.
# Go's own module and build caches stay in the default GOPATH / GOCACHE.
set -eu

K8S_VERSION=${ARC_K8S_VERSION:-v1.37.2}
ETCD_VERSION=${ARC_ETCD_VERSION:-v3.6.16}
KWOK_VERSION=${ARC_KWOK_VERSION:-v0.8.0}

ARC_CACHE=${ARC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-arc}
ROOT=$ARC_CACHE/cluster/$K8S_VERSION
BIN=$ROOT/bin
STAGES=$ROOT/stages
RECIPE=2 # bump when this script changes what it builds
STAMP="k8s=$K8S_VERSION etcd=$ETCD_VERSION kwok=$KWOK_VERSION recipe=$RECIPE"
TOOLS="etcd kube-apiserver kube-controller-manager kube-scheduler kwok"

say() { printf 'build.sh: %s\n' "$*" >&2; }
die() {
	say "error: $*"
	if [ -s "${LOG:-}" ]; then say "last lines of $LOG:"; tail -n 30 "$LOG" | sed 's/^/    /' >&2; fi
	exit 1
}
now() { date +%s; }

cached() {
	[ -f "$ROOT/stamp" ] && [ "$(cat "$ROOT/stamp")" = "$STAMP" ] || return 1
	for t in $TOOLS; do [ -x "$BIN/$t" ] || return 1; done
	[ -f "$STAGES/default.yaml" ]
}

start=$(now)
if cached; then
	say "cached ($STAMP) in $BIN, $(($(now) - start))s"
	echo "$BIN"
	exit 0
fi

command -v go >/dev/null 2>&1 || die "go not found on PATH (needed once to build the test cluster)"
mkdir -p "$ROOT"
# One builder at a time; a second caller waits and then finds the cache.
if command -v flock >/dev/null 2>&1; then
	exec 9>"$ROOT/.lock"
	flock 9
	if cached; then
		say "cached ($STAMP) in $BIN after waiting for another build, $(($(now) - start))s"
		echo "$BIN"
		exit 0
	fi
fi

export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false CGO_ENABLED=0
rm -f "$ROOT/stamp"
mkdir -p "$BIN" "$STAGES" "$ROOT/src"
LOG=$ROOT/build.log
: >"$LOG"
say "building $STAMP with $(go env GOVERSION) into $ROOT (go output in $LOG; cold: ~7 min on 2 cores)"

# --- etcd: a wrapper main around etcdmain (the server module has replace
# directives of its own, so it cannot be `go install`ed directly).
step=$(now)
W=$ROOT/src/etcd
rm -rf "$W" && mkdir -p "$W"
cat >"$W/go.mod" <<EOF
module local/etcdbin

go 1.26.0
EOF
cat >"$W/main.go" <<'EOF'
// Command etcd is etcd's own server main, built from the module proxy.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
(
	cd "$W"
	go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
	go mod tidy
	go build -trimpath -ldflags "-s -w" -o "$BIN/etcd.new" .
) >>"$LOG" 2>&1 || die "etcd $ETCD_VERSION failed to build (go output in $LOG)"
mv "$BIN/etcd.new" "$BIN/etcd"
say "etcd $ETCD_VERSION built in $(($(now) - step))s"

# --- kube-apiserver, kube-controller-manager, kube-scheduler: k8s.io/kubernetes
# requires its staging modules at v0.0.0 with replace => ./staging/...; a
# wrapper module replaces each with its published tag (v1.N.P <-> v0.N.P).
step=$(now)
W=$ROOT/src/k8s
rm -rf "$W" && mkdir -p "$W"
json=$(cd "$W" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" 2>>"$LOG") || true
modfile=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"GoMod":[[:space:]]*"\(.*\)",*$/\1/p')
if [ ! -f "$modfile" ]; then
	say "error: cannot download k8s.io/kubernetes@$K8S_VERSION from $(go env GOPROXY):"
	printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Error":[[:space:]]*"\(.*\)",*$/    \1/p' >&2
	exit 1
fi
staging=$(sed -n 's|^[[:space:]]*\(k8s\.io/[^[:space:]]*\)[[:space:]]*=>[[:space:]]*\./staging/.*|\1|p' "$modfile")
[ -n "$staging" ] || die "no staging replace directives found in $modfile"
minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
patch=${K8S_VERSION#v1.$minor.}
sv=v0.$minor.$patch
{
	printf 'module local/k8sbin\n\ngo 1.26.0\n\ngodebug default=go1.26\n\nreplace (\n'
	for m in $staging; do printf '\t%s => %s %s\n' "$m" "$m" "$sv"; done
	printf ')\n'
} >"$W/go.mod"
say "kubernetes $K8S_VERSION: $(echo "$staging" | wc -l | tr -d ' ') staging modules at $sv"
X=k8s.io/component-base/version
Y=k8s.io/client-go/pkg/version
ldflags="-s -w"
for p in $X $Y; do
	ldflags="$ldflags -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor"
	ldflags="$ldflags -X $p.gitCommit= -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
done
(
	cd "$W"
	go get -tool "k8s.io/kubernetes/cmd/kube-apiserver@$K8S_VERSION" \
		"k8s.io/kubernetes/cmd/kube-controller-manager@$K8S_VERSION" \
		"k8s.io/kubernetes/cmd/kube-scheduler@$K8S_VERSION"
	mkdir -p out
	go build -trimpath -ldflags "$ldflags" -o out/ \
		k8s.io/kubernetes/cmd/kube-apiserver \
		k8s.io/kubernetes/cmd/kube-controller-manager \
		k8s.io/kubernetes/cmd/kube-scheduler
) >>"$LOG" 2>&1 || die "kubernetes $K8S_VERSION failed to build (go output in $LOG)"
for t in kube-apiserver kube-controller-manager kube-scheduler; do mv "$W/out/$t" "$BIN/$t"; done
rm -rf "$W/out"
"$BIN/kube-apiserver" --version 2>/dev/null | grep -qx "Kubernetes $K8S_VERSION" ||
	die "kube-apiserver reports '$("$BIN/kube-apiserver" --version 2>&1)', expected Kubernetes $K8S_VERSION"
say "kubernetes $K8S_VERSION built in $(($(now) - step))s"

# --- kwok and its default Stages (node-initialize, node-heartbeat-with-lease,
# pod-ready, pod-complete, pod-delete: kustomize/stage/fast).
step=$(now)
GOBIN=$BIN go install -trimpath \
	-ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v} -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${K8S_VERSION#v}" \
	"sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" >>"$LOG" 2>&1 || die "kwok $KWOK_VERSION failed to build (go output in $LOG)"
kdir=$(go env GOMODCACHE)/sigs.k8s.io/kwok@$KWOK_VERSION/kustomize/stage
rm -f "$STAGES"/*.yaml
for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
	pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
	[ -f "$kdir/$f" ] || die "kwok stage $f not found in $kdir"
	cp "$kdir/$f" "$STAGES/"
done
chmod u+w "$STAGES"/*.yaml
for f in "$STAGES"/*.yaml; do
	case $f in */default.yaml) continue ;; esac
	printf -- '---\n'; cat "$f"
done >"$STAGES/default.yaml.new"
mv "$STAGES/default.yaml.new" "$STAGES/default.yaml"
say "kwok $KWOK_VERSION built in $(($(now) - step))s"

echo "$STAMP" >"$ROOT/stamp"
say "done in $(($(now) - start))s; cache $(du -sh "$ROOT" | cut -f1) in $ROOT"
echo "$BIN"
