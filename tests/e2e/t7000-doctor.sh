#!/bin/sh
# kubectl arc doctor against the real control plane: before install, a healthy installation
# (kubectl arc install with the stand-in cert-manager, then what cert-manager's controller and CA
# injector would add: the serving certificate Secret and the webhooks' caBundle), and each
# broken state doctor knows, one at a time, each restored afterwards: API server unreachable or
# refusing the credentials, RBAC too narrow, cert-manager not ready or its webhook not answering,
# a CRD missing, a failed release, the controller unschedulable / scaled to 0 / missing its
# certificate, the webhook Service without endpoints or with an empty caBundle, the auth Secret
# missing or inconsistent, the token invalid / without scopes / rate-limited, a GitHub App,
# registration refused, GPU runners without GPUs, device plugin or RuntimeClass, and runners not
# registered with GitHub (the fake GitHub API of fakegithub_doctor.py).  Checks the checklist,
# -o json|yaml, the exit status and that no credential is ever printed.
shared_scratch=${E2E_SCRATCH:-} # run.sh's: lib.sh cleans it up, not this file
. "$(dirname "$0")/lib.sh"

ANS=e2e-doctor          # ARC's namespace
RNS=e2e-doctor-runners  # the runners'
GNS=e2e-doctor-gpu      # the NVIDIA device plugin's
REL=arc
FULL=arc-actions-runner-controller
TOKEN=ghp_doctorGoodT0ken4f9e2a
LIMITED=ghp_doctorLimitedT0ken77c1
FINE=github_pat_doctorFineT0ken31b8
OUT=$TEST_DIR/outputs # every output of kubectl-arc: searched for credentials at the end
mkdir -p "$OUT"
n_out=0

# --- the fake GitHub API ---------------------------------------------------------------------

openssl genrsa -out app.pem 2048 >/dev/null 2>&1 && openssl rsa -in app.pem -pubout -out app.pub >/dev/null 2>&1 ||
	die "openssl cannot make the App key"
printf '%s\n' "$TOKEN" >token && chmod 600 token
python3 "$E2E_DIR/fakegithub_doctor.py" --port-file gh.port --token "$TOKEN" --token "$LIMITED" --token "$FINE" \
	--scopes "$LIMITED=read:org, workflow" --fine-grained "$FINE" \
	--app-id 4242 --installation-id 777 --app-key app.pub >fakegithub.log 2>&1 &
GH_PID=$!
doctor_cleanup() {
	kill "$GH_PID" 2>/dev/null
	[ "${ARC_E2E_KEEP:-}" = 1 ] && return 0
	kc delete validatingwebhookconfiguration e2e-doctor-cm-webhook --ignore-not-found >/dev/null 2>&1
	timeout 120 "$ARC" uninstall "$REL" -n "$ANS" >/dev/null 2>&1
	kc delete mutatingwebhookconfiguration "$FULL-mutating-webhook-configuration" --ignore-not-found >/dev/null 2>&1
	kc delete validatingwebhookconfiguration "$FULL-validating-webhook-configuration" --ignore-not-found \
		>/dev/null 2>&1
	kc delete clusterrolebinding e2e-doctor-view --ignore-not-found >/dev/null 2>&1
	kc delete runtimeclass nvidia --ignore-not-found >/dev/null 2>&1
	for n in "$RNS" "$ANS" "$GNS"; do
		for r in $(kc get runners.actions.summerwind.dev -n "$n" -o name 2>/dev/null); do
			kc -n "$n" patch "$r" --type=merge -p '{"metadata":{"finalizers":null}}' >/dev/null 2>&1
		done
	done
	kc delete namespace "$RNS" "$ANS" "$GNS" --ignore-not-found --wait=false >/dev/null 2>&1
}
trap 'doctor_cleanup; [ -n "$shared_scratch" ] || e2e_cleanup' EXIT
wait_until 10 test -s gh.port || die "the fake GitHub API did not start"
GH_URL=http://127.0.0.1:$(cat gh.port)
gh_post() { curl -fsS -X POST -H 'Content-Type: application/json' --data "$2" "$GH_URL$1" >/dev/null; }

# --- helpers -------------------------------------------------------------------------------

# dr [ARGS]: doctor on the release (text to doc.txt, JSON to doc.json, both kept); RC = its status
dr() {
	n_out=$((n_out + 1))
	arc doctor "$REL" -n "$ANS" "$@" >doc.txt 2>doc.err
	RC=$?
	arc doctor "$REL" -n "$ANS" -o json "$@" >doc.json 2>>doc.err
	cp doc.txt "$OUT/$n_out.txt"
	cp doc.json "$OUT/$n_out.json"
	cp doc.err "$OUT/$n_out.err"
	cat doc.txt
	return 0
}
# want CHECK STATUS: in doc.json, the check CHECK has STATUS (pass, fail, warn, skip)
want() {
	got=$(json_get "[c['status'] for c in d['checks'] if c['name'] == '$1'][0]" <doc.json) || return 1
	[ "$got" = "$2" ] && return 0
	echo "check $1: want $2, got $got" >&2
	return 1
}
# only CHECK…: the named checks fail or warn, no other does (skipped ones do not count)
only() {
	json_get "' '.join(c['name'] for c in d['checks'] if c['status'] in ('fail', 'warn'))" <doc.json >notpass &&
	test_equal "$*" "$(cat notpass)"
}
# the checklist line of a check: "STATUS  Title  message"
line() { grep -E "^[A-Z]{4}  $1 " doc.txt; }
rollout() { kc -n "$1" rollout status "deployment/$2" --timeout=60s >/dev/null; }

# --- before install ------------------------------------------------------------------------

# a cluster without cert-manager (an earlier test may have installed the stand-in)
kc delete namespace cert-manager --ignore-not-found --wait=true --timeout=90s >/dev/null 2>&1
kc delete crd certificates.cert-manager.io certificaterequests.cert-manager.io issuers.cert-manager.io \
	clusterissuers.cert-manager.io --ignore-not-found >/dev/null 2>&1
kc delete namespace "$ANS" "$RNS" "$GNS" --ignore-not-found --wait=true --timeout=90s >/dev/null 2>&1

test_expect_success 'before install: ARC not installed (fail), cert-manager to be installed (warn), the token checked' '
	dr --github-token-file token --github-url "$GH_URL" &&
	test "$RC" = 1 &&
	want api-server pass && want rbac pass && want cert-manager warn && want cert-manager-webhook skip &&
	want release fail && want controller skip && want webhook skip && want auth-secret skip &&
	want github-auth pass && want registration-token skip && want gpu skip && want runners-registered skip &&
	line "ARC release" | grep -q "ARC is not installed: no release \"arc\" and no controller in namespace $ANS" &&
	grep -q "fix: .kubectl arc install --github-token-file FILE. installs it" doc.txt &&
	line "cert-manager" | grep -q "not installed (install will install it)" &&
	line "GitHub credentials" | grep -q "from --github-token-file token) is valid at $GH_URL/api/v3, scopes: repo, admin:org" &&
	test_equal "false" "$(json_get "str(d[\"ok\"]).lower()" <doc.json)" &&
	test_equal "$ANS" "$(json_get "d[\"namespace\"]" <doc.json)"
'

test_expect_success 'install ARC (stand-in cert-manager from a file, the fake GitHub as githubURL)' '
	arc install "$REL" -n "$ANS" --github-token-file token --timeout 2m \
		--cert-manager-manifest "$E2E_DIR/data/cert-manager-standin.yaml" --set githubURL="$GH_URL/" \
		>install.out 2>&1 &&
	kc -n "$ANS" get secret controller-manager >/dev/null
'

# What cert-manager's controller and CA injector would do: the serving certificate Secret and
# the caBundle of both webhook configurations.  The webhooks get a namespaceSelector no namespace
# has: their server (the kwok pod) cannot answer, and the runner objects below must be admitted.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$FULL-webhook.$ANS.svc" \
	-keyout tls.key -out tls.crt >/dev/null 2>&1 || die "openssl"
CA=$(base64 <tls.crt | tr -d '\n')
hooks_patch() { # CA: the JSON patch for N webhooks
	i=0 sep=
	printf '['
	while [ $i -lt "$2" ]; do
		printf '%s{"op":"add","path":"/webhooks/%d/clientConfig/caBundle","value":"%s"},' "$sep" $i "$1"
		printf '{"op":"add","path":"/webhooks/%d/namespaceSelector","value":{"matchLabels":{"e2e-doctor":"never"}}}' $i
		sep=, i=$((i + 1))
	done
	printf ']'
}
set_ca() { # CA (base64, may be empty)
	kc patch mutatingwebhookconfiguration "$FULL-mutating-webhook-configuration" --type=json \
		-p "$(hooks_patch "$1" 4)" >/dev/null &&
	kc patch validatingwebhookconfiguration "$FULL-validating-webhook-configuration" --type=json \
		-p "$(hooks_patch "$1" 3)" >/dev/null
}

test_expect_success 'right after install: no serving certificate, empty caBundle (what cert-manager has not done)' '
	dr && test "$RC" = 1 &&
	only controller webhook && want registration-token skip && want gpu skip && want runners-registered skip &&
	line "ARC controller" | grep -q "cannot start: a Secret it mounts is missing" &&
	grep -q "Secret $ANS/$FULL-serving-cert (volume cert) does not exist" doc.txt &&
	grep -q "fix: cert-manager has not issued the webhook certificate: .kubectl -n $ANS describe certificate $FULL-serving-cert." doc.txt &&
	grep -q "has an empty caBundle" doc.txt &&
	grep -q "fix: cert-manager.s CA injector fills it from Certificate $ANS/$FULL-serving-cert" doc.txt
'

kc -n "$ANS" create secret tls "$FULL-serving-cert" --cert=tls.crt --key=tls.key >/dev/null &&
	set_ca "$CA" || die "cannot stand in for cert-manager"

# GPU nodes: the device plugin DaemonSet (kwok runs its pod on kwok-gpu-0) and the RuntimeClass
cat >gpu.yaml <<EOF
apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata: {name: nvidia}
handler: nvidia
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: nvidia-device-plugin-daemonset, namespace: $GNS}
spec:
  selector: {matchLabels: {name: nvidia-device-plugin-ds}}
  template:
    metadata: {labels: {name: nvidia-device-plugin-ds}}
    spec:
      nodeSelector: {nvidia.com/gpu.present: "true"}
      containers:
      - {name: nvidia-device-plugin-ctr, image: "nvcr.io/nvidia/k8s-device-plugin:v0.17.0"}
EOF
kc create namespace "$GNS" >/dev/null && kc apply -f gpu.yaml >/dev/null || die "cannot create the device plugin"
wait_until 60 sh -c "test \"\$(\"$KUBECTL\" -n $GNS get ds nvidia-device-plugin-daemonset -o jsonpath='{.status.numberReady}')\" = 1" ||
	die "the device plugin DaemonSet has no ready pod"

# runners: a GPU runner deployment and an autoscaled organization one; their Runner objects as
# ARC's controller would make them (Running), registered with the fake GitHub
kc create namespace "$RNS" >/dev/null || die "namespace"
arc runners create ml -n "$RNS" --repo octo-org/ml --gpu 1 --runtime-class nvidia >/dev/null &&
	arc runners create ci -n "$RNS" --org octo-org --max 5 --repositories web,api >/dev/null ||
	die "runners create failed"
runner() { # NAME SCOPE-FIELD TARGET [PHASE]
	printf 'apiVersion: actions.summerwind.dev/v1alpha1\nkind: Runner\nmetadata: {name: %s, namespace: %s}\nspec: {%s: %s}\n' \
		"$1" "$RNS" "$2" "$3" | kc apply -f - >/dev/null &&
	if [ -n "${4:-}" ]; then
		kc -n "$RNS" patch runner.actions.summerwind.dev "$1" --subresource=status --type=merge \
			-p "{\"status\":{\"phase\":\"$4\",\"ready\":true}}" >/dev/null
	fi
}
runner ci-x7k2p organization octo-org Running && runner ml-q9w4z repository octo-org/ml Running ||
	die "cannot create the Runner objects"
gh_post /_fake/runners '{"scope":"orgs/octo-org","runners":[{"name":"ci-x7k2p","labels":["ci"]}]}' &&
	gh_post /_fake/runners '{"scope":"repos/octo-org/ml","runners":[{"name":"ml-q9w4z","labels":["ml"]}]}' ||
	die "cannot register the runners with the fake GitHub"

# --- healthy ----------------------------------------------------------------------------------

test_expect_success 'healthy: every check passes, exit status 0' '
	dr && test "$RC" = 0 && only "" &&
	test_grep "^13 checks: 13 passed, 0 failed, 0 warnings, 0 skipped\$" doc.txt &&
	test_equal "api-server rbac cert-manager cert-manager-webhook crds release controller webhook auth-secret github-auth registration-token gpu runners-registered" \
		"$(json_get "\" \".join(c[\"name\"] for c in d[\"checks\"])" <doc.json)" &&
	test_equal "True 13" "$(json_get "\"%s %d\" % (d[\"ok\"], d[\"summary\"][\"pass\"])" <doc.json)" &&
	line "API server" | grep -q "$ARC_CLUSTER_SERVER answers: Kubernetes v1\\." &&
	line "ARC release" | grep -q "revision 1 deployed, chart actions-runner-controller-0.23.7-arc.1 (ARC 0.27.6)" &&
	line "ARC controller" | grep -q "rolled out: $ANS/$FULL 1/1 available" &&
	line "ARC webhook" | grep -q "$ANS/$FULL-webhook (1 ready endpoint)" &&
	line "auth Secret" | grep -q "Secret $ANS/controller-manager: a personal access token (keys: github_token)" &&
	line "GitHub credentials" | grep -q "is valid at $GH_URL, scopes: repo, admin:org, manage_runners:enterprise" &&
	line "registration tokens" | grep -q "obtainable for orgs/octo-org, repos/octo-org/ml" &&
	line "GPU nodes" | grep -q "1 node with 4 nvidia.com/gpu for 1 GPU runner spec" &&
	grep -q "device plugin DaemonSet $GNS/nvidia-device-plugin-daemonset: 1/1 ready" doc.txt &&
	line "runners registered" | grep -q "all 2 runners registered and online"
'

test_expect_success '-o yaml has the same results; -o xml is a usage error (exit 2)' '
	arc doctor "$REL" -n "$ANS" -o yaml >doc.yaml &&
	python3 -c "import json,sys,yaml; y=yaml.safe_load(open(\"doc.yaml\")); j=json.load(open(\"doc.json\")); sys.exit(y != j)" &&
	arc doctor "$REL" -n "$ANS" -o xml 2>err; test $? = 2 && test_grep "output must be json or yaml" err
'

test_expect_success 'colours on a terminal only, never with NO_COLOR' '
	esc=$(printf "\033") &&
	test_grep ! "$esc" doc.txt &&
	TERM=xterm script -qec "$ARC doctor $REL -n $ANS --offline" /dev/null >tty </dev/null;
	test_grep "$esc\\[32mPASS$esc\\[0m  API server" tty &&
	NO_COLOR=1 TERM=xterm script -qec "$ARC doctor $REL -n $ANS --offline" /dev/null >tty </dev/null;
	test_grep ! "$esc" tty && test_grep "^SKIP  GitHub credentials +--offline" tty
'

# --- the API server and RBAC ------------------------------------------------------------------

test_expect_success 'API server unreachable: fail with the fix, every other check skipped' '
	dr --server https://127.0.0.1:1 && test "$RC" = 1 &&
	want api-server fail &&
	test_equal "12" "$(json_get "len([c for c in d[\"checks\"] if c[\"status\"] == \"skip\"])" <doc.json)" &&
	line "API server" | grep -q "https://127.0.0.1:1 does not answer" &&
	grep -q "fix: check that the context is the right one" doc.txt
'

test_expect_success 'API server refuses the credentials (401): fail, says which user' '
	export KUBECONFIG=/nonexistent && dr --server "$ARC_CLUSTER_SERVER" --certificate-authority "$ARC_CLUSTER_CA" \
		--token not-a-valid-token && test "$RC" = 1 &&
	want api-server fail && line "API server" | grep -q "answers 401 Unauthorized" &&
	grep -q "fix: the credentials given (--token, --client-certificate) are refused" doc.txt &&
	! grep -q not-a-valid-token doc.txt doc.json doc.err
'

test_expect_success 'RBAC: a user with view rights only cannot install (SelfSubjectAccessReview)' '
	kc create clusterrolebinding e2e-doctor-view --clusterrole=view --user=e2e-doctor-viewer >/dev/null &&
	dr --as e2e-doctor-viewer; kc delete clusterrolebinding e2e-doctor-view >/dev/null;
	want rbac warn && line "RBAC" | grep -q "of the 25 permissions install needs are denied" &&
	grep -q "^ *- create customresourcedefinitions.apiextensions.k8s.io (cluster-wide)" doc.txt &&
	grep -q "fix: installing ARC creates CRDs, ClusterRoles and webhook configurations" doc.txt &&
	grep -q "cannot read the CRDs: .*forbidden" doc.txt &&
	dr --as e2e-doctor-nobody && test "$RC" = 1 && want rbac fail && want release fail &&
	line "ARC release" | grep -q "cannot read the installation in namespace $ANS: .*forbidden"
'

# --- cert-manager -----------------------------------------------------------------------------

test_expect_success 'cert-manager webhook not ready (scaled to 0): fail, names the Deployment' '
	{ kc -n cert-manager scale deployment cert-manager-webhook --replicas=0 >/dev/null &&
	  wait_until 30 sh -c "test -z \"\$(\"$KUBECTL\" -n cert-manager get endpointslices -l kubernetes.io/service-name=cert-manager-webhook -o jsonpath={.items[*].endpoints[*].addresses})\"" &&
	  dr && test "$RC" = 1 && want cert-manager fail && want cert-manager-webhook pass &&
	  grep -q "Deployment cert-manager/cert-manager-webhook is not available" doc.txt &&
	  grep -q "Service cert-manager/cert-manager-webhook has no ready endpoint" doc.txt &&
	  grep -q "fix: look at its pods: .kubectl -n cert-manager get pods." doc.txt; }; ok=$?
	kc -n cert-manager scale deployment cert-manager-webhook --replicas=1 >/dev/null
	rollout cert-manager cert-manager-webhook && test $ok = 0
'

test_expect_success 'cert-manager webhook does not answer (failed calling webhook): fail with the fix' '
	kc apply -f - >/dev/null <<-EOF &&
	apiVersion: admissionregistration.k8s.io/v1
	kind: ValidatingWebhookConfiguration
	metadata: {name: e2e-doctor-cm-webhook}
	webhooks:
	- name: webhook.cert-manager.io
	  admissionReviewVersions: [v1]
	  clientConfig: {url: "https://127.0.0.1:1/validate"}
	  failurePolicy: Fail
	  sideEffects: None
	  timeoutSeconds: 3
	  namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: cert-manager}}
	  rules:
	  - {apiGroups: [cert-manager.io], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [issuers]}
	EOF
	dr; kc delete validatingwebhookconfiguration e2e-doctor-cm-webhook >/dev/null;
	test "$RC" = 1 && want cert-manager pass && want cert-manager-webhook fail &&
	line "cert-manager webhook" | grep -q "does not answer: .*failed calling webhook" &&
	grep -q "fix: until it answers, installing ARC fails with \"failed calling webhook webhook.cert-manager.io\"" doc.txt
'

# --- ARC's CRDs and the release ---------------------------------------------------------------

test_expect_success 'a CRD missing: fail, names it, says how to apply it' '
	kc delete crd runnersets.actions.summerwind.dev >/dev/null &&
	dr; kc apply --server-side --field-manager=kubectl-arc -f "$TOP/chart/crds/actions.summerwind.dev_runnersets.yaml" >/dev/null;
	test "$RC" = 1 && only crds &&
	line "ARC CRDs" | grep -q "1 of 5 missing" && grep -q "runnersets.actions.summerwind.dev is missing" doc.txt &&
	grep -q "fix: .kubectl arc install. (or .kubectl arc upgrade --crds.) applies them" doc.txt &&
	kc wait --for=condition=Established crd/runnersets.actions.summerwind.dev --timeout=30s >/dev/null
'

test_expect_success 'a CRD not Established (its kind taken by another CRD): fail, with the condition' '
	kc delete crd runnersets.actions.summerwind.dev >/dev/null &&
	kc apply -f - >/dev/null <<-EOF &&
	apiVersion: apiextensions.k8s.io/v1
	kind: CustomResourceDefinition
	metadata: {name: squatters.actions.summerwind.dev}
	spec:
	  group: actions.summerwind.dev
	  names: {kind: RunnerSet, plural: squatters, singular: squatter, listKind: RunnerSetList}
	  scope: Namespaced
	  versions:
	  - {name: v1alpha1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
	EOF
	kc wait --for=condition=Established crd/squatters.actions.summerwind.dev --timeout=30s >/dev/null &&
	kc apply --server-side --field-manager=kubectl-arc -f "$TOP/chart/crds/actions.summerwind.dev_runnersets.yaml" >/dev/null &&
	wait_until 30 sh -c "\"$KUBECTL\" get crd runnersets.actions.summerwind.dev -o jsonpath={.status.conditions} | grep -q NamesAccepted" &&
	dr; kc delete crd squatters.actions.summerwind.dev runnersets.actions.summerwind.dev >/dev/null;
	kc apply --server-side --field-manager=kubectl-arc -f "$TOP/chart/crds/actions.summerwind.dev_runnersets.yaml" >/dev/null;
	kc wait --for=condition=Established crd/runnersets.actions.summerwind.dev --timeout=30s >/dev/null &&
	test "$RC" = 1 && want crds fail && line "ARC CRDs" | grep -q "1 of 5 not usable" &&
	grep -Eq "runnersets.actions.summerwind.dev is not Established: .RunnerSet(List)?. is already in use" doc.txt &&
	grep -q "fix: .kubectl describe crd NAME. shows the condition" doc.txt
'

test_expect_success 'another release name: no record, but the controller is there (warn)' '
	arc doctor other -n "$ANS" -o json >other.json; test $? = 0 &&
	test_equal warn "$(json_get "[c[\"status\"] for c in d[\"checks\"] if c[\"name\"] == \"release\"][0]" <other.json)" &&
	json_get "[c[\"message\"] for c in d[\"checks\"] if c[\"name\"] == \"release\"][0]" <other.json >msg &&
	test_grep "no Helm release \"other\" in namespace $ANS, but ARC.s controller is there" msg
'

# --- the controller ---------------------------------------------------------------------------

test_expect_success 'controller unschedulable (a nodeSelector no node has): fail, the scheduler says why' '
	{ kc -n "$ANS" patch deployment "$FULL" --type=merge \
		-p "{\"spec\":{\"template\":{\"spec\":{\"nodeSelector\":{\"e2e-doctor\":\"nowhere\"}}}}}" >/dev/null &&
	  wait_until 30 sh -c "\"$KUBECTL\" -n $ANS get pods -o jsonpath={..message} | grep -q \"didn.t match\"" &&
	  dr && test "$RC" = 1 && only controller &&
	  line "ARC controller" | grep -q "not rolled out" &&
	  grep -q "rollout not complete" doc.txt &&
	  grep -q "cannot be scheduled: 0/2 nodes are available" doc.txt &&
	  grep -q "fix: no node fits the controller pod" doc.txt; }; ok=$?
	kc -n "$ANS" patch deployment "$FULL" --type=json -p "[{\"op\":\"remove\",\"path\":\"/spec/template/spec/nodeSelector\"}]" >/dev/null
	rollout "$ANS" "$FULL" && test $ok = 0
'

test_expect_success 'controller scaled to 0: fail; its webhook Service has no endpoints then (fail)' '
	{ kc -n "$ANS" scale deployment "$FULL" --replicas=0 >/dev/null &&
	  wait_until 30 sh -c "test -z \"\$(\"$KUBECTL\" -n $ANS get endpointslices -l kubernetes.io/service-name=$FULL-webhook -o jsonpath={.items[*].endpoints[*].addresses})\"" &&
	  dr && test "$RC" = 1 && only controller webhook &&
	  line "ARC controller" | grep -q "scaled to 0" &&
	  grep -q "fix: scale it up: .kubectl -n $ANS scale deployment $FULL --replicas=1." doc.txt; }; ok=$?
	kc -n "$ANS" scale deployment "$FULL" --replicas=1 >/dev/null
	rollout "$ANS" "$FULL" && test $ok = 0
'

test_expect_success 'the webhook certificate Secret deleted: the controller cannot start (fail)' '
	kc -n "$ANS" delete secret "$FULL-serving-cert" >/dev/null &&
	dr; kc -n "$ANS" create secret tls "$FULL-serving-cert" --cert=tls.crt --key=tls.key >/dev/null;
	test "$RC" = 1 && only controller && line "ARC controller" | grep -q "cannot start: a Secret it mounts is missing"
'

# --- ARC's webhook ------------------------------------------------------------------------------

test_expect_success 'webhook Service without ready endpoints ("no endpoints available"): fail with the fix' '
	{ kc -n "$ANS" patch service "$FULL-webhook" --type=merge \
		-p "{\"spec\":{\"selector\":{\"e2e-doctor\":\"nothing\"}}}" >/dev/null &&
	  wait_until 30 sh -c "test -z \"\$(\"$KUBECTL\" -n $ANS get endpointslices -l kubernetes.io/service-name=$FULL-webhook -o jsonpath={.items[*].endpoints[*].addresses})\"" &&
	  dr && test "$RC" = 1 && only webhook &&
	  grep -q "Service $ANS/$FULL-webhook has no ready endpoints: the API server answers \"no endpoints available for service \\\\\"$FULL-webhook\\\\\"\"" doc.txt &&
	  grep -q "fix: the controller pod must be Ready first" doc.txt; }; ok=$?
	kc -n "$ANS" patch service "$FULL-webhook" --type=json \
		-p "[{\"op\":\"remove\",\"path\":\"/spec/selector/e2e-doctor\"}]" >/dev/null
	wait_until 30 sh -c "test -n \"\$(\"$KUBECTL\" -n $ANS get endpointslices -l kubernetes.io/service-name=$FULL-webhook -o jsonpath={.items[*].endpoints[*].addresses})\"" &&
	test $ok = 0
'

test_expect_success 'webhook configurations with an empty caBundle (x509): fail, points at the CA injector' '
	set_ca "" && dr; set_ca "$CA";
	test "$RC" = 1 && only webhook &&
	grep -q "MutatingWebhookConfiguration $FULL-mutating-webhook-configuration has an empty caBundle" doc.txt &&
	grep -q "fix: cert-manager.s CA injector fills it" doc.txt
'

# --- the auth Secret and the GitHub credentials -------------------------------------------------

secret() { # create the auth Secret from literal/file arguments (after deleting it)
	kc -n "$ANS" delete secret controller-manager --ignore-not-found >/dev/null &&
	kc -n "$ANS" create secret generic controller-manager "$@" >/dev/null
}
restore_secret() { secret --from-literal=github_token="$TOKEN"; }

test_expect_success 'auth Secret missing: fail, how to store the credentials; GitHub checks skipped' '
	kc -n "$ANS" delete secret controller-manager >/dev/null &&
	dr; restore_secret;
	test "$RC" = 1 && want auth-secret fail && want github-auth skip && want registration-token skip &&
	line "auth Secret" | grep -q "Secret $ANS/controller-manager does not exist: the controller has no GitHub credentials" &&
	grep -q "fix: store the credentials again: .kubectl arc upgrade arc -n $ANS --github-token-file FILE." doc.txt
'

test_expect_success 'auth Secret whose token ends with a newline: fail, names the key, not the value' '
	secret --from-file=github_token=token &&
	dr; restore_secret;
	test "$RC" = 1 && want auth-secret fail &&
	grep -q "github_token ends with whitespace" doc.txt && grep -q "keys: github_token" doc.txt
'

test_expect_success 'auth Secret with half a GitHub App: fail, names the missing keys' '
	secret --from-literal=github_app_id=4242 --from-literal=github_app_installation_id=777 &&
	dr; restore_secret;
	test "$RC" = 1 && want auth-secret fail &&
	grep -q "github_app_private_key is missing" doc.txt &&
	line "auth Secret" | grep -q "keys: github_app_id, github_app_installation_id) cannot authenticate ARC"
'

test_expect_success 'auth Secret with a token and App keys: warn (ARC uses the token)' '
	secret --from-literal=github_token="$TOKEN" --from-literal=github_app_id=4242 \
		--from-literal=github_app_installation_id=777 --from-file=github_app_private_key=app.pem &&
	dr; restore_secret;
	test "$RC" = 0 && only auth-secret && want auth-secret warn && grep -q "ARC uses the token" doc.txt
'

test_expect_success 'GitHub App credentials: an installation token is minted (RS256 JWT)' '
	secret --from-literal=github_app_id=4242 --from-literal=github_app_installation_id=777 \
		--from-file=github_app_private_key=app.pem &&
	dr; restore_secret;
	test "$RC" = 0 && only "" &&
	line "GitHub credentials" | grep -q "GitHub App 4242, installation 777 (from Secret $ANS/controller-manager): installation token minted and accepted at $GH_URL" &&
	curl -fsS "$GH_URL/_fake/log" >ghlog.json &&
	json_get "\" \".join(sorted(set(e[\"auth\"] for e in d if e[\"path\"].startswith((\"/app/\", \"/installation/\")))))" <ghlog.json >auths &&
	test_equal "app-jwt installation" "$(cat auths)" &&
	line "auth Secret" | grep -q "a GitHub App"
'

test_expect_success 'GitHub App with a wrong installation id: fail, points at the installation' '
	secret --from-literal=github_app_id=4242 --from-literal=github_app_installation_id=999 \
		--from-file=github_app_private_key=app.pem &&
	dr; restore_secret;
	test "$RC" = 1 && want github-auth fail && want registration-token skip && want runners-registered skip &&
	line "GitHub credentials" | grep -q "GitHub App 4242 .*no installation token: .*Not Found" &&
	grep -q "fix: .*installation id" doc.txt
'

test_expect_success 'an invalid token (401 Bad credentials): fail, how to replace it' '
	secret --from-literal=github_token=ghp_revokedT0kenAAAA &&
	dr; restore_secret;
	test "$RC" = 1 && want github-auth fail &&
	line "GitHub credentials" | grep -q "is refused by $GH_URL: .*Bad credentials" &&
	grep -q "fix: the token is invalid, expired or revoked: create a new one" doc.txt
'

test_expect_success 'a classic token without the scopes organization runners need: fail, lists them' '
	secret --from-literal=github_token="$LIMITED" &&
	dr; restore_secret;
	test "$RC" = 1 && want github-auth fail &&
	line "GitHub credentials" | grep -q "lacks the scopes repo, admin:org" &&
	grep -q "the token has: read:org, workflow" doc.txt &&
	grep -q "fix: create a classic token with the scopes repo, admin:org" doc.txt
'

test_expect_success 'a fine-grained token: passes (its permissions are checked by registration)' '
	secret --from-literal=github_token="$FINE" &&
	dr; restore_secret;
	test "$RC" = 0 && only "" && line "GitHub credentials" | grep -q "fine-grained"
'

test_expect_success 'few API requests left: warn' '
	gh_post /_fake/rate "{\"remaining\": 40}" &&
	dr; gh_post /_fake/rate "{\"remaining\": 5000}";
	test "$RC" = 0 && only github-auth && want github-auth warn && grep -q "API requests left this hour" doc.txt
'

test_expect_success 'a runner deployment for a repository GitHub does not know: registration fails (404)' '
	arc runners create lost -n "$RNS" --repo nosuch/repo >/dev/null &&
	dr; arc runners delete lost -n "$RNS" --yes >/dev/null;
	test "$RC" = 1 && only registration-token &&
	line "registration tokens" | grep -q "1 of 3 scopes refuse a runner registration token" &&
	grep -q "repos/nosuch/repo (used by RunnerDeployment $RNS/lost): .*Not Found" doc.txt &&
	grep -q "fix: repos/nosuch/repo does not exist or the credentials cannot see it" doc.txt
'

# --- GPU nodes ---------------------------------------------------------------------------------

test_expect_success 'GPU runner asking for more GPUs than any node has: fail' '
	arc runners create big -n "$RNS" --repo octo-org/ml --gpu 8 >/dev/null &&
	dr; arc runners delete big -n "$RNS" --yes >/dev/null;
	test "$RC" = 1 && only gpu &&
	grep -q "big asks for 8 GPUs per runner; the largest GPU node has 4" doc.txt
'

test_expect_success 'GPU runner naming a RuntimeClass that does not exist: fail' '
	kc delete runtimeclass nvidia >/dev/null &&
	dr; printf "apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata: {name: nvidia}\nhandler: nvidia\n" | kc apply -f - >/dev/null;
	test "$RC" = 1 && only gpu && grep -q "RuntimeClass nvidia (of ml) does not exist" doc.txt
'

test_expect_success 'NVIDIA device plugin without ready pods: fail; without any: warn (GPUs are advertised)' '
	{ kc -n "$GNS" patch ds nvidia-device-plugin-daemonset --type=merge \
		-p "{\"spec\":{\"template\":{\"spec\":{\"nodeSelector\":{\"e2e-doctor\":\"nowhere\"}}}}}" >/dev/null &&
	  wait_until 30 sh -c "test \"\$(\"$KUBECTL\" -n $GNS get ds nvidia-device-plugin-daemonset -o jsonpath={.status.desiredNumberScheduled})\" = 0" &&
	  dr && test "$RC" = 1 && only gpu && grep -q "DaemonSet $GNS/nvidia-device-plugin-daemonset: 0/0 ready" doc.txt &&
	  kc -n "$GNS" delete ds nvidia-device-plugin-daemonset >/dev/null &&
	  dr && test "$RC" = 0 && only gpu && want gpu warn && grep -q "no NVIDIA device plugin DaemonSet" doc.txt &&
	  grep -q "fix: deploy the NVIDIA device plugin" doc.txt; }; ok=$?
	kc -n "$GNS" delete ds nvidia-device-plugin-daemonset --ignore-not-found >/dev/null
	kc apply -f gpu.yaml >/dev/null
	wait_until 60 sh -c "test \"\$(\"$KUBECTL\" -n $GNS get ds nvidia-device-plugin-daemonset -o jsonpath={.status.numberReady})\" = 1" &&
	test $ok = 0
'

test_expect_success 'no node with allocatable nvidia.com/gpu: fail, how to add GPU nodes' '
	{ kc patch node kwok-gpu-0 --subresource=status --type=json \
		-p "[{\"op\":\"remove\",\"path\":\"/status/allocatable/nvidia.com~1gpu\"},{\"op\":\"remove\",\"path\":\"/status/capacity/nvidia.com~1gpu\"}]" >/dev/null &&
	  dr && test "$RC" = 1 && only gpu &&
	  grep -q "2 nodes, none with allocatable nvidia.com/gpu" doc.txt &&
	  grep -q "fix: GPU runners stay Pending until a node offers nvidia.com/gpu" doc.txt; }; ok=$?
	kc patch node kwok-gpu-0 --subresource=status --type=merge \
		-p "{\"status\":{\"allocatable\":{\"nvidia.com/gpu\":\"4\"},\"capacity\":{\"nvidia.com/gpu\":\"4\"}}}" >/dev/null
	test $ok = 0
'

# --- runners registered -------------------------------------------------------------------------

test_expect_success 'a running runner GitHub does not know: fail with the fix' '
	runner ci-m3n8b organization octo-org Running &&
	dr; kc -n "$RNS" delete runner.actions.summerwind.dev ci-m3n8b --wait=false >/dev/null;
	kc -n "$RNS" patch runner.actions.summerwind.dev ci-m3n8b --type=merge -p "{\"metadata\":{\"finalizers\":null}}" >/dev/null 2>&1;
	test "$RC" = 1 && only runners-registered &&
	line "runners registered" | grep -q "2 of 3 runners registered with GitHub" &&
	grep -q "$RNS/ci-m3n8b (phase Running) is not registered with GitHub at orgs/octo-org" doc.txt &&
	grep -q "fix: a runner registers itself when its pod starts: .kubectl arc runners get NAME -n NAMESPACE --github." doc.txt
'

test_expect_success 'an offline runner and one still starting: warn' '
	gh_post /_fake/runners "{\"scope\":\"orgs/octo-org\",\"runners\":[{\"name\":\"ci-x7k2p\",\"status\":\"offline\"}]}" &&
	runner ci-new01 organization octo-org &&
	dr; kc -n "$RNS" delete runner.actions.summerwind.dev ci-new01 --wait=false >/dev/null;
	kc -n "$RNS" patch runner.actions.summerwind.dev ci-new01 --type=merge -p "{\"metadata\":{\"finalizers\":null}}" >/dev/null 2>&1;
	gh_post /_fake/runners "{\"scope\":\"orgs/octo-org\",\"runners\":[{\"name\":\"ci-x7k2p\"}]}";
	test "$RC" = 0 && only runners-registered && want runners-registered warn &&
	grep -q "$RNS/ci-x7k2p is registered but offline" doc.txt &&
	grep -q "$RNS/ci-new01 is starting (phase none): not registered yet" doc.txt
'

test_expect_success 'a failed upgrade: the release is failed (fail) and the controller unschedulable (fail)' '
	test_must_fail arc upgrade "$REL" -n "$ANS" --reuse-values --set nodeSelector.e2e-doctor=nowhere \
		--timeout 3s >upgrade.out 2>&1 &&
	dr && test "$RC" = 1 && only release controller &&
	line "ARC release" | grep -q "arc in namespace $ANS: revision 2 is failed" &&
	grep -q "fix: the description above is the last error: fix its cause (the other checks help), then .kubectl arc upgrade arc -n $ANS. again" doc.txt &&
	arc upgrade "$REL" -n "$ANS" --reuse-values --set nodeSelector=null --timeout 1m >upgrade.out 2>&1 &&
	dr && test "$RC" = 0 && only "" && line "ARC release" | grep -q "revision 3 deployed"
'

test_expect_success '--offline skips the GitHub checks; healthy again afterwards' '
	dr --offline && test "$RC" = 0 &&
	want github-auth skip && want registration-token skip && want runners-registered skip &&
	dr && test "$RC" = 0 && only ""
'

test_expect_success 'no output, error or JSON ever holds a credential' '
	key=$(sed -n 2p app.pem) &&
	! grep -rlF -e "$TOKEN" -e "$LIMITED" -e "$FINE" -e "ghp_revokedT0kenAAAA" -e "$key" -e AFAKEREGTOKEN \
		-e ghs_fake_installation "$OUT"
'

test_done
