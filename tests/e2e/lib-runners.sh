# lib-runners.sh - what the runners tests (t3*.sh) share, sourced after lib.sh:
#
#   runners_setup     the ARC CRDs (the bundled chart's crds/, else the ones of ARC's Go
#                     module), the fake GitHub API (fakegithub.py) on loopback, and ARC's
#                     own controller (cluster/build-arc.sh) run outside the cluster against
#                     the test API server, its admission webhooks on 127.0.0.1 (webhook
#                     configurations pointing at it, limited to namespaces labelled
#                     arc-e2e-webhooks=true) and its GitHub URL pointed at the fake API
#   runners_ns NAME   a fresh namespace served by those webhooks; sets NS
#   gh_api PATH [JSON]  GET (or POST JSON to) the fake GitHub API
#   runners_teardown  stops what runners_setup started (called on exit)
#
# Sets GH_URL (the fake GitHub), GH_TOKEN_FILE (a token it accepts), RUNNERS_CONTROLLER
# (1 when ARC's controller runs; 0 when it could not be built: then only the API
# server's schema validation stands in for it and the tests that need it are skipped).

ARC_CONTROLLER_VERSION=${ARC_CONTROLLER_VERSION:-v0.27.6}
RUNNERS_DIR=
RUNNERS_CONTROLLER=0
GH_PID= CTRL_PID=

runners_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

runners_wait_port() { # PORT SECONDS
	wait_until "$2" python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' "$1"
}

runners_crd_dir() {
	if ls "$TOP"/chart/crds/*runnerdeployments*.yaml >/dev/null 2>&1; then
		echo "$TOP/chart/crds"
		return 0
	fi
	d=$(go env GOMODCACHE 2>/dev/null)/github.com/actions/actions-runner-controller@$ARC_CONTROLLER_VERSION
	d=$d/charts/actions-runner-controller/crds
	[ -d "$d" ] || { GOFLAGS=-mod=mod go mod download "github.com/actions/actions-runner-controller@$ARC_CONTROLLER_VERSION" >/dev/null 2>&1 || true; }
	[ -d "$d" ] && echo "$d"
}

runners_apply_crds() {
	crds=$(runners_crd_dir) || return 1
	[ -n "$crds" ] || { echo "no ARC CRDs found (chart/crds, or ARC's Go module)" >&2; return 1; }
	for f in "$crds"/*.yaml; do
		kc apply --server-side --force-conflicts --field-manager=e2e-runners -f "$f" >/dev/null || return 1
	done
	kc wait --for=condition=Established --timeout=60s \
		crd/runnerdeployments.actions.summerwind.dev crd/horizontalrunnerautoscalers.actions.summerwind.dev \
		crd/runners.actions.summerwind.dev crd/runnerreplicasets.actions.summerwind.dev >/dev/null
}

# a CA and a serving certificate for 127.0.0.1, where controller-runtime looks for it
runners_certs() {
	c=$RUNNERS_DIR/tmp/k8s-webhook-server/serving-certs
	mkdir -p "$c"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=arc-e2e-ca -keyout "$RUNNERS_DIR/ca.key" \
		-out "$RUNNERS_DIR/ca.crt" >/dev/null 2>&1 &&
	openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$c/tls.key" -out "$RUNNERS_DIR/tls.csr" \
		>/dev/null 2>&1 &&
	printf 'subjectAltName=IP:127.0.0.1\n' >"$RUNNERS_DIR/san.ext" &&
	openssl x509 -req -in "$RUNNERS_DIR/tls.csr" -CA "$RUNNERS_DIR/ca.crt" -CAkey "$RUNNERS_DIR/ca.key" \
		-CAcreateserial -days 2 -extfile "$RUNNERS_DIR/san.ext" -out "$c/tls.crt" >/dev/null 2>&1
}

runners_webhooks() { # PORT
	ca=$(base64 <"$RUNNERS_DIR/ca.crt" | tr -d '\n')
	hook() { # TYPE NAME PATH GROUP RESOURCE [OPERATIONS]
		cat <<EOF
- name: $2
  admissionReviewVersions: [v1, v1beta1]
  clientConfig:
    url: https://127.0.0.1:$1/$3
    caBundle: $ca
  failurePolicy: Fail
  sideEffects: None
  timeoutSeconds: 10
  namespaceSelector:
    matchLabels:
      arc-e2e-webhooks: "true"
  rules:
  - apiGroups: ["$4"]
    apiVersions: [$([ -n "$4" ] && echo v1alpha1 || echo v1)]
    operations: [${6:-CREATE, UPDATE}]
    resources: [$5]
EOF
	}
	{
		printf 'apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\n'
		printf 'metadata:\n  name: arc-e2e-runners-mutating\nwebhooks:\n'
		hook "$1" mutate.runner.actions.summerwind.dev mutate-actions-summerwind-dev-v1alpha1-runner \
			actions.summerwind.dev runners
		hook "$1" mutate.runnerdeployment.actions.summerwind.dev \
			mutate-actions-summerwind-dev-v1alpha1-runnerdeployment actions.summerwind.dev runnerdeployments
		hook "$1" mutate.runnerreplicaset.actions.summerwind.dev \
			mutate-actions-summerwind-dev-v1alpha1-runnerreplicaset actions.summerwind.dev runnerreplicasets
		hook "$1" mutate-runner-pod.webhook.actions.summerwind.dev mutate-runner-set-pod "" pods CREATE
		printf '  objectSelector:\n    matchLabels:\n      actions-runner-controller/inject-registration-token: "true"\n'
		printf -- '---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\n'
		printf 'metadata:\n  name: arc-e2e-runners-validating\nwebhooks:\n'
		hook "$1" validate.runner.actions.summerwind.dev validate-actions-summerwind-dev-v1alpha1-runner \
			actions.summerwind.dev runners
		hook "$1" validate.runnerdeployment.actions.summerwind.dev \
			validate-actions-summerwind-dev-v1alpha1-runnerdeployment actions.summerwind.dev runnerdeployments
		hook "$1" validate.runnerreplicaset.actions.summerwind.dev \
			validate-actions-summerwind-dev-v1alpha1-runnerreplicaset actions.summerwind.dev runnerreplicasets
	} >"$RUNNERS_DIR/webhooks.yaml"
	kc apply -f "$RUNNERS_DIR/webhooks.yaml" >/dev/null
}

# The runner process of a real pod registers itself with GitHub; kwok pods run nothing, so a
# loop plays that part: every Runner object (not being deleted) is registered with the fake API.
runners_register_loop() {
	while :; do
		"$KUBECTL" get runners.actions.summerwind.dev -A -o json 2>/dev/null | python3 -c '
import json, sys, urllib.request
try:
    d = json.load(sys.stdin)
except Exception:
    sys.exit(0)
out = []
for r in d.get("items", []):
    if r["metadata"].get("deletionTimestamp"):
        continue
    s = r.get("spec", {})
    scope = ("repos/" + s["repository"] if s.get("repository") else "orgs/" + s["organization"]
             if s.get("organization") else "enterprises/" + s.get("enterprise", ""))
    out.append({"scope": scope, "name": r["metadata"]["name"], "labels": s.get("labels") or []})
req = urllib.request.Request(sys.argv[1] + "/_fake/ensure", data=json.dumps({"runners": out}).encode(),
                             headers={"Content-Type": "application/json"})
try:
    urllib.request.urlopen(req, timeout=5).read()
except Exception:
    pass
' "$GH_URL"
		sleep 1
	done
}

runners_unfinalize() { # NS: drop the finalizers of the runners and runner pods left in NS
	for r in $(kc get runners.actions.summerwind.dev,pods -n "$1" -o name 2>/dev/null); do
		kc patch "$r" -n "$1" --type=merge -p '{"metadata":{"finalizers":null}}' >/dev/null 2>&1
	done
}

# delete this file's namespaces while the controller still runs (it unregisters the runners
# and drops their finalizers); whatever is left after that loses its finalizers
runners_cleanup_namespaces() {
	[ -s "$RUNNERS_DIR/namespaces" ] || return 0
	nss=$(sort -u "$RUNNERS_DIR/namespaces")
	kc delete namespace $nss --ignore-not-found --wait=false >/dev/null 2>&1
	for n in $nss; do
		wait_until 30 sh -c "! \"\$KUBECTL\" get namespace $n >/dev/null 2>&1" && continue
		runners_unfinalize "$n"
	done
}

runners_teardown() {
	[ -n "$RUNNERS_DIR" ] || return 0
	[ "${ARC_E2E_KEEP:-}" = 1 ] || runners_cleanup_namespaces
	[ -n "${REG_PID:-}" ] && kill "$REG_PID" 2>/dev/null
	kc delete mutatingwebhookconfiguration arc-e2e-runners-mutating --ignore-not-found >/dev/null 2>&1
	kc delete validatingwebhookconfiguration arc-e2e-runners-validating --ignore-not-found >/dev/null 2>&1
	[ -n "$CTRL_PID" ] && kill "$CTRL_PID" 2>/dev/null
	[ -n "$GH_PID" ] && kill "$GH_PID" 2>/dev/null
	wait 2>/dev/null
	if [ "${ARC_E2E_KEEP:-}" = 1 ]; then
		say "runners scratch kept in $RUNNERS_DIR (controller.log, fakegithub.log)"
	else
		rm -rf "$RUNNERS_DIR"
	fi
	RUNNERS_DIR=
}

# Webhook configurations of an ARC installation another test left behind intercept every
# RunnerDeployment write (their controller cannot run on kwok nodes): they go, loudly.
runners_remove_foreign_webhooks() {
	for kind in mutatingwebhookconfigurations validatingwebhookconfigurations; do
		kc get $kind -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.webhooks[*].rules[*].apiGroups}{"\n"}{end}' \
			2>/dev/null | grep 'actions.summerwind.dev' | while read -r name _; do
			case $name in arc-e2e-runners-*) continue ;; esac
			say "removing $kind/$name: an ARC installation left by an earlier test intercepts runner objects"
			kc delete $kind "$name" --ignore-not-found >/dev/null 2>&1
		done
	done
}

runners_setup() {
	RUNNERS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/arc-e2e-runners.XXXXXX") || die "no scratch directory"
	runners_remove_foreign_webhooks
	runners_apply_crds || die "the ARC CRDs could not be applied"
	# the fake GitHub API
	printf 'ghp_e2etoken%s\n' "$(date +%s)" >"$RUNNERS_DIR/token"
	GH_TOKEN_FILE=$RUNNERS_DIR/token
	python3 "$E2E_DIR/fakegithub.py" --port-file "$RUNNERS_DIR/gh.port" --token "$(cat "$GH_TOKEN_FILE")" \
		${GH_EXTRA_ARGS:-} >"$RUNNERS_DIR/fakegithub.log" 2>&1 &
	GH_PID=$!
	wait_until 10 test -s "$RUNNERS_DIR/gh.port" || die "the fake GitHub API did not start"
	GH_URL=http://127.0.0.1:$(cat "$RUNNERS_DIR/gh.port")
	# ARC's controller, built from the Go module proxy (cached outside the clone)
	manager=$(sh "$E2E_DIR/cluster/build-arc.sh" 2>"$RUNNERS_DIR/build.log") || manager=
	if [ -z "$manager" ]; then
		say "ARC's controller could not be built (see below): schema-only checks, controller tests skipped"
		sed 's/^/# /' "$RUNNERS_DIR/build.log"
		return 0
	fi
	runners_certs || die "openssl failed to make the webhook certificates"
	port=$(runners_free_port)
	TMPDIR=$RUNNERS_DIR/tmp GITHUB_TOKEN=$(cat "$GH_TOKEN_FILE") "$manager" --port "$port" --metrics-addr 0 \
		--github-url "$GH_URL/" --sync-period 5s --default-scale-down-delay 5s --log-level info \
		--runner-image summerwind/actions-runner:latest >"$RUNNERS_DIR/controller.log" 2>&1 &
	CTRL_PID=$!
	runners_wait_port "$port" 60 || {
		tail -n 30 "$RUNNERS_DIR/controller.log" | sed 's/^/# /'
		die "ARC's controller did not open its webhook port"
	}
	runners_webhooks "$port" || die "the webhook configurations could not be applied"
	runners_register_loop >/dev/null 2>&1 &
	REG_PID=$!
	RUNNERS_CONTROLLER=1
	say "ARC controller $ARC_CONTROLLER_VERSION (pid $CTRL_PID) webhooks on 127.0.0.1:$port, fake GitHub at $GH_URL"
}

runners_ns() {
	echo "$1" >>"$RUNNERS_DIR/namespaces" # (test bodies run in subshells)
	if kc get namespace "$1" >/dev/null 2>&1; then # left over: let it go
		runners_unfinalize "$1"
	fi
	e2e_namespace "$1" || return 1
	kc label namespace "$1" arc-e2e-webhooks=true >/dev/null
}

gh_api() { # PATH [JSON]
	if [ $# -gt 1 ]; then
		curl -fsS -X POST -H 'Content-Type: application/json' --data "$2" "$GH_URL$1"
	else
		curl -fsS "$GH_URL$1"
	fi
}

# test_expect_success for what needs ARC's controller; reported as skipped without it
controller_test() {
	if [ "$RUNNERS_CONTROLLER" = 1 ]; then
		test_expect_success "$@"
	else
		say "skipped (ARC's controller is not running): $1"
	fi
}

runners_shared_scratch=${runners_shared_scratch:-}
runners_on_exit() {
	runners_teardown
	[ -n "$runners_shared_scratch" ] || e2e_cleanup
}
