#!/bin/sh
# Build ARC's own controller (actions-runner-controller, legacy summerwind mode) from
# the Go module proxy only, for the runners end-to-end tests (t3*.sh), and cache it
# outside the clone, keyed by version (as build.sh does for the control plane):
#
#   $ARC_CACHE/arc-controller/<version>/bin/manager
#
# The module's go.mod has a replace directive, so it cannot be `go install`ed; the
# module zip is downloaded from the proxy, copied to a writable tree and built there.
# Prints the binary's path on stdout; progress goes to stderr.  A second run with the
# cache present does no Go work.  Override the version with ARC_CONTROLLER_VERSION.
# v0.27.6 is the controller the bundled chart deploys (appVersion 0.27.6).
#
# One line of the module is changed for the tests: the admission webhook server binds to
# 127.0.0.1 (ctrl.Options.Host, which ARC has no flag for) instead of every interface, as
# the webhook configurations of the tests point at 127.0.0.1 only.  Nothing else is touched.
set -eu

VERSION=${ARC_CONTROLLER_VERSION:-v0.27.6}
MODULE=github.com/actions/actions-runner-controller
ARC_CACHE=${ARC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-arc}
ROOT=$ARC_CACHE/arc-controller/$VERSION
BIN=$ROOT/bin
RECIPE=2
STAMP="arc=$VERSION recipe=$RECIPE"

say() { printf 'build-arc.sh: %s\n' "$*" >&2; }
die() {
	say "error: $*"
	if [ -s "${LOG:-}" ]; then say "last lines of $LOG:"; tail -n 30 "$LOG" | sed 's/^/    /' >&2; fi
	exit 1
}
now() { date +%s; }
cached() { [ -f "$ROOT/stamp" ] && [ "$(cat "$ROOT/stamp")" = "$STAMP" ] && [ -x "$BIN/manager" ]; }

start=$(now)
if cached; then
	say "cached ($STAMP) in $BIN"
	echo "$BIN/manager"
	exit 0
fi
command -v go >/dev/null 2>&1 || die "go not found on PATH (needed once to build ARC's controller)"
mkdir -p "$ROOT"
if command -v flock >/dev/null 2>&1; then
	exec 9>"$ROOT/.lock"
	flock 9
	if cached; then echo "$BIN/manager"; exit 0; fi
fi
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false CGO_ENABLED=0
rm -f "$ROOT/stamp"
mkdir -p "$BIN"
LOG=$ROOT/build.log
: >"$LOG"
say "building $MODULE@$VERSION with $(go env GOVERSION) (go output in $LOG)"
json=$(cd "$ROOT" && go mod download -json "$MODULE@$VERSION" 2>>"$LOG") || true
dir=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir":[[:space:]]*"\(.*\)",*$/\1/p')
[ -n "$dir" ] && [ -d "$dir" ] || die "cannot download $MODULE@$VERSION: $(printf '%s\n' "$json" | sed -n 's/.*"Error": *"\(.*\)".*/\1/p')"
W=$ROOT/src
chmod -R u+w "$W" 2>/dev/null || true
rm -rf "$W"
cp -R "$dir" "$W"
chmod -R u+w "$W"
# the webhook server on loopback (see above); fail loudly if the line moved in another version
grep -q '^		Port: *port,$' "$W/main.go" || die "main.go of $MODULE@$VERSION has no 'Port: port,' line to bind the webhook to 127.0.0.1"
sed -i 's/^\(		Port: *port,\)$/\1\n		Host: "127.0.0.1",/' "$W/main.go"
grep -q '^		Host: "127.0.0.1",$' "$W/main.go" || die "could not bind the webhook server to 127.0.0.1"
(
	cd "$W"
	go mod download >/dev/null
	go build -trimpath -ldflags "-s -w -X $MODULE/build.Version=$VERSION" -o "$BIN/manager.new" .
) >>"$LOG" 2>&1 || die "$MODULE@$VERSION failed to build (go output in $LOG)"
mv "$BIN/manager.new" "$BIN/manager"
chmod -R u+w "$W" && rm -rf "$W"
echo "$STAMP" >"$ROOT/stamp"
say "done in $(($(now) - start))s"
echo "$BIN/manager"
