#!/bin/sh
# kubectl arc install / upgrade / uninstall / status against the real control plane, with a small
# ARC-like test chart of this file's own (CRDs in crds/, authSecret and certManagerEnabled values,
# a controller Deployment, its webhook Service and a MutatingWebhookConfiguration that points at it):
# the auth Secret as its own object, CRDs first, Helm's ownership metadata, release records,
# re-runs that change nothing, credentials from a file / GITHUB_TOKEN / a prompt / a GitHub App,
# cert-manager from a manifest served on loopback, upgrades, failures, uninstall, and a search of
# every output and stored object for the token.
. "$(dirname "$0")/lib.sh"

HELM4=$(sh "$TOP/tests/tools.sh" 2>/dev/null | sed -n 1p)
TOKEN=ghp_e2eSecretTok3nZ9x8c7v6b5n4m3
OUT=$TEST_DIR/outputs # every output of kubectl-arc is appended here: searched for the token at the end
mkdir -p "$OUT"
# run kubectl-arc keeping its stdout and stderr (as out / err in the test directory, and in $OUT;
# each test body runs in a subshell, so a counter would restart there: one growing log instead)
arcx() {
	arc "$@" >out 2>err
	rc=$?
	{ cat out; cat err; } >>"$OUT/all.log"
	[ $rc -eq 0 ] || sed "s/^/arcx $1: /" err >&2 # shown when the test fails
	return $rc
}

# the test chart
mkdir -p mini/templates mini/crds
cat >mini/Chart.yaml <<'EOF'
apiVersion: v2
name: mini-arc
version: 0.1.0
appVersion: "0.27.6"
EOF
cat >mini/values.yaml <<'EOF'
replicaCount: 1
certManagerEnabled: true
authSecret:
  enabled: true
  create: false
  name: ""
  github_token: ""
extraConfig: false
keepConfig: false
nodeSelector: {}
EOF
cat >mini/crds/minirunners.yaml <<'EOF'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: minirunners.mini.example.com
spec:
  group: mini.example.com
  names: {kind: MiniRunner, plural: minirunners, singular: minirunner, listKind: MiniRunnerList}
  scope: Namespaced
  versions:
  - name: v1alpha1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
EOF
cat >mini/templates/_helpers.tpl <<'EOF'
{{- define "mini.fullname" -}}{{ .Release.Name }}-mini{{- end -}}
{{- define "mini.secret" -}}{{ default (include "mini.fullname" .) .Values.authSecret.name }}{{- end -}}
EOF
cat >mini/templates/objects.yaml <<'EOF'
{{- if .Values.authSecret.create }}
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "mini.secret" . }}
data:
  github_token: {{ .Values.authSecret.github_token | b64enc }}
---
{{- end }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "mini.fullname" . }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {{ include "mini.fullname" . }}-{{ .Release.Namespace }}
rules:
- apiGroups: ["mini.example.com"]
  resources: ["minirunners"]
  verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: {{ include "mini.fullname" . }}-{{ .Release.Namespace }}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: {{ include "mini.fullname" . }}-{{ .Release.Namespace }}}
subjects:
- {kind: ServiceAccount, name: {{ include "mini.fullname" . }}, namespace: {{ .Release.Namespace }}}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ include "mini.fullname" . }}-webhook
spec:
  selector: {app: {{ include "mini.fullname" . }}}
  ports:
  - {port: 443, targetPort: 9443, protocol: TCP}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "mini.fullname" . }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector: {matchLabels: {app: {{ include "mini.fullname" . }}}}
  template:
    metadata: {labels: {app: {{ include "mini.fullname" . }}}}
    spec:
      serviceAccountName: {{ include "mini.fullname" . }}
      {{- with .Values.nodeSelector }}
      nodeSelector: {{ toYaml . | nindent 8 }}
      {{- end }}
      containers:
      - name: manager
        image: summerwind/actions-runner-controller:v0.27.6
        env:
        - name: GITHUB_TOKEN
          valueFrom: {secretKeyRef: {name: {{ include "mini.secret" . }}, key: github_token, optional: true}}
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: {{ include "mini.fullname" . }}-{{ .Release.Namespace }}
  {{- if .Values.certManagerEnabled }}
  annotations:
    cert-manager.io/inject-ca-from: {{ .Release.Namespace }}/{{ include "mini.fullname" . }}-serving-cert
  {{- end }}
webhooks:
- name: mutate.minirunner.mini.example.com
  admissionReviewVersions: ["v1"]
  sideEffects: None
  failurePolicy: Ignore
  clientConfig:
    service: {name: {{ include "mini.fullname" . }}-webhook, namespace: {{ .Release.Namespace }}, path: /mutate}
  rules:
  - {apiGroups: ["mini.example.com"], apiVersions: ["v1alpha1"], operations: ["CREATE"], resources: ["minirunners"]}
{{- if .Values.certManagerEnabled }}
---
apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: {{ include "mini.fullname" . }}-selfsigned
spec:
  selfSigned: {}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: {{ include "mini.fullname" . }}-serving-cert
spec:
  secretName: {{ include "mini.fullname" . }}-serving-cert
  issuerRef: {name: {{ include "mini.fullname" . }}-selfsigned}
  dnsNames: [{{ include "mini.fullname" . }}-webhook.{{ .Release.Namespace }}.svc]
{{- end }}
{{- if .Values.extraConfig }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "mini.fullname" . }}-extra
data: {a: "1"}
{{- end }}
{{- if .Values.keepConfig }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "mini.fullname" . }}-kept
  annotations: {helm.sh/resource-policy: keep}
data: {a: "1"}
{{- end }}
EOF
cat >mini/templates/NOTES.txt <<'EOF'
Mini ARC {{ .Chart.AppVersion }} runs as {{ .Release.Name }} in {{ .Release.Namespace }}.
EOF
printf '%s\n' "$TOKEN" >token

# jv EXPRS < json: the Python expressions (on d), space-separated
jv() { json_get "' '.join(str(x) for x in [$1])"; }
del_ns() { kc delete namespace "$1" --ignore-not-found --wait=true --timeout=90s >/dev/null; }
rel_status() { # ns release revision: the status label of the record
	kc -n "$1" get secret "sh.helm.release.v1.$2.v$3" -o jsonpath='{.metadata.labels.status}'
}
secret_key() { # ns secret key: the decoded value
	kc -n "$1" get secret "$2" -o jsonpath="{.data.$3}" | base64 -d
}
for ns in i5-file i5-env i5-prompt i5-app i5-cm i5-up i5-fail i5-dry i5-atomic i5-interop; do del_ns $ns; done
# cluster-scoped objects of an earlier run outlive its namespaces
for kind in clusterrole clusterrolebinding mutatingwebhookconfiguration; do
	kc get $kind -o name | grep -e '-mini-i5-' | xargs -r "$KUBECTL" delete >/dev/null 2>&1
done
kc delete crd minirunners.mini.example.com --ignore-not-found --wait=true >/dev/null 2>&1

test_expect_success 'install --cert-manager=none with a PAT file: Secret, CRDs, objects, record, NOTES' '
	arcx install one --chart mini -n i5-file --cert-manager=none --github-token-file token &&
	test_grep "^STATUS: deployed$" out && test_grep "^REVISION: 1$" out &&
	test_grep "^NOTES:$" out && test_grep "Mini ARC 0.27.6 runs as one in i5-file" out &&
	test_equal "$TOKEN" "$(secret_key i5-file controller-manager github_token)" &&
	test_equal kubectl-arc "$(kc -n i5-file get secret controller-manager -o jsonpath="{.metadata.labels.app\.kubernetes\.io/managed-by}")" &&
	test_equal True "$(kc get crd minirunners.mini.example.com -o jsonpath="{.status.conditions[?(@.type==\"Established\")].status}")" &&
	test_equal "Helm one i5-file" "$(kc -n i5-file get deploy one-mini -o jsonpath="{.metadata.labels.app\.kubernetes\.io/managed-by} {.metadata.annotations.meta\.helm\.sh/release-name} {.metadata.annotations.meta\.helm\.sh/release-namespace}")" &&
	test_equal Helm "$(kc get clusterrole one-mini-i5-file -o jsonpath="{.metadata.labels.app\.kubernetes\.io/managed-by}")" &&
	test_equal 1 "$(kc -n i5-file get deploy one-mini -o jsonpath={.status.availableReplicas})" &&
	test_equal deployed "$(rel_status i5-file one 1)" &&
	test_equal "helm.sh/release.v1" "$(kc -n i5-file get secret sh.helm.release.v1.one.v1 -o jsonpath={.type})" &&
	test_grep "done: Applied: 7 created" err
'

test_expect_success 'the chart renders the Secret of the release never: authSecret.create=false and its name' '
	"$HELM4" get values one -n i5-file -o json >vals &&
	test_equal "False controller-manager False" "$(jv "d[\"authSecret\"][\"create\"], d[\"authSecret\"][\"name\"], d[\"certManagerEnabled\"]" <vals)" &&
	"$HELM4" get manifest one -n i5-file >man &&
	test_grep "kind: Deployment" man && test_grep ! "kind: Secret" man &&
	test_grep "name: controller-manager" man
'

test_expect_success 're-running install changes nothing and says so (no new revision)' '
	arcx install one --chart mini -n i5-file --cert-manager=none &&
	test_grep "Nothing to do: the release is installed and up to date" err &&
	test_grep "^CHANGES: none" out && test_grep "^REVISION: 1$" out &&
	test_must_fail kc -n i5-file get secret sh.helm.release.v1.one.v2 2>/dev/null &&
	arcx install one --chart mini -n i5-file --cert-manager=none --github-token-file token -o json &&
	test_equal "False 1 unchanged" "$(jv "d[\"changed\"], d[\"revision\"], d[\"authSecret\"][\"result\"]" <out)"
'

test_expect_success 'a drifted object is repaired by a re-run, still without a new revision' '
	kc -n i5-file delete service one-mini-webhook >/dev/null &&
	arcx install one --chart mini -n i5-file --cert-manager=none &&
	test_grep "Repaired 1 objects" err &&
	kc -n i5-file get service one-mini-webhook >/dev/null &&
	test_must_fail kc -n i5-file get secret sh.helm.release.v1.one.v2 2>/dev/null
'

test_expect_success 'the token from GITHUB_TOKEN' '
	GITHUB_TOKEN=$TOKEN arcx install envrel --chart mini -n i5-env --cert-manager=none &&
	test_grep "from GITHUB_TOKEN" err &&
	test_equal "$TOKEN" "$(secret_key i5-env controller-manager github_token)"
'

test_expect_success 'the token from the prompt on a terminal, with echo off' '
	cat >ptyrun.py <<-\PY &&
	import os, pty, sys, time, select
	tok = sys.argv[1].encode()
	pid, fd = pty.fork()
	if pid == 0:
	    os.execv(sys.argv[2], sys.argv[2:])
	seen = b""; sent = False; end = time.time() + 50
	while time.time() < end:
	    r, _, _ = select.select([fd], [], [], 0.2)
	    if r:
	        try:
	            d = os.read(fd, 4096)
	        except OSError:
	            break
	        if not d:
	            break
	        seen += d
	    if not sent and b"input is hidden" in seen:
	        os.write(fd, tok + b"\n"); sent = True
	_, st = os.waitpid(pid, 0)
	sys.stdout.buffer.write(seen)
	sys.exit(os.WEXITSTATUS(st) if sent else 99)
	PY
	env -u GITHUB_TOKEN python3 ptyrun.py "$TOKEN" "$ARC" install prompted --chart "$TEST_DIR/mini" -n i5-prompt --cert-manager=none >ptyout &&
	cp ptyout "$OUT/pty.out" &&
	test_grep "input is hidden" ptyout && test_grep "STATUS: deployed" ptyout &&
	test_grep "✓.* Applied: 6 created" ptyout && test_grep "$(printf "\r\033")\[K" ptyout &&
	test_grep ! "$TOKEN" ptyout &&
	test_equal "$TOKEN" "$(secret_key i5-prompt controller-manager github_token)"
'

test_expect_success 'no credentials and no terminal: a clear error before anything is applied' '
	del_ns i5-nocred &&
	test_must_fail env -u GITHUB_TOKEN "$ARC" install nocred --chart mini -n i5-nocred --cert-manager=none </dev/null >out 2>err &&
	test_grep "no GitHub credentials: pass --github-token-file" err &&
	test_must_fail kc -n i5-nocred get secret sh.helm.release.v1.nocred.v1 2>/dev/null
'

test_expect_success 'invalid tokens are refused before the cluster is touched, without echoing them' '
	printf "ghp_with space\n" >badtok &&
	test_must_fail arcx install bad --chart mini -n i5-bad --cert-manager=none --github-token-file badtok &&
	test_one_line_error err && test_grep "contains whitespace" err && test_grep ! "ghp_with" err &&
	printf "ghp_two\nlines\n" >badtok2 &&
	test_must_fail arcx install bad --chart mini -n i5-bad --cert-manager=none --github-token-file badtok2 &&
	test_grep "line break" err && test_grep ! "lines" err &&
	: >empty && test_must_fail arcx install bad --chart mini -n i5-bad --cert-manager=none --github-token-file empty &&
	test_grep "is empty" err &&
	test_must_fail kc get namespace i5-bad 2>/dev/null
'

test_expect_success 'a GitHub App: PEM validated, three keys in the Secret' '
	openssl genrsa -out app.pem 2048 2>/dev/null &&
	printf "not a key\n" >bad.pem &&
	test_must_fail arcx install app --chart mini -n i5-app --cert-manager=none --github-app-id 123 \
		--github-app-installation-id 456 --github-app-private-key-file bad.pem &&
	test_grep "not a PEM-encoded private key" err &&
	test_must_fail arcx install app --chart mini -n i5-app --cert-manager=none --github-app-id 123 \
		--github-app-installation-id x6 --github-app-private-key-file app.pem &&
	test_grep "installation id \"x6\" is not a number" err &&
	arcx install app --chart mini -n i5-app --cert-manager=none --github-app-id 123 \
		--github-app-installation-id 456 --github-app-private-key-file app.pem &&
	test_equal "123 456" "$(secret_key i5-app controller-manager github_app_id) $(secret_key i5-app controller-manager github_app_installation_id)" &&
	secret_key i5-app controller-manager github_app_private_key >key.out && cmp key.out app.pem &&
	test_grep ! "BEGIN" err && test_grep ! "BEGIN" out
'

test_expect_success 'a token in the values (authSecret.github_token) goes to the Secret, not the record' '
	printf "authSecret:\n  create: true\n  github_token: %s\n" "$TOKEN" >tokvals.yaml &&
	arcx install fromvals --chart mini -n i5-env --cert-manager=none --auth-secret vals-secret -f tokvals.yaml &&
	test_equal "$TOKEN" "$(secret_key i5-env vals-secret github_token)" &&
	"$HELM4" get values fromvals -n i5-env -o json >vals &&
	test_grep ! "$TOKEN" vals && test_equal False "$(json_get "d[\"authSecret\"][\"create\"]" <vals)"
'

# cert-manager from a manifest served on loopback
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p www && cp "$E2E_DIR/data/cert-manager-standin.yaml" www/cert-manager.yaml
# bounded by timeout(1) in case this file dies before it stops the server below
(cd www && exec timeout 900 python3 -m http.server --bind 127.0.0.1 "$PORT" >/dev/null 2>&1) &
HTTP_PID=$!
wait_until 10 python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/cert-manager.yaml')"

test_expect_success 'cert-manager absent and its manifest not fetchable: the error names the URL' '
	kc delete namespace cert-manager --ignore-not-found --wait=true --timeout=90s >/dev/null &&
	test_must_fail arcx install cm --chart mini -n i5-cm --github-token-file token \
		--cert-manager-manifest "http://127.0.0.1:$PORT/missing.yaml" &&
	test_equal 1 "$(grep -c "^Error: " err)" &&
	test_grep "fetching the cert-manager manifest: .*http://127.0.0.1:$PORT/missing.yaml.*404" err &&
	test_must_fail kc -n i5-cm get secret sh.helm.release.v1.cm.v1 2>/dev/null
'

test_expect_success '--cert-manager=auto installs cert-manager from a URL, waits for its webhook, then ARC' '
	arcx install cm --chart mini -n i5-cm --github-token-file token \
		--cert-manager-manifest "http://127.0.0.1:$PORT/cert-manager.yaml" &&
	test_grep "Installing cert-manager from http://127.0.0.1:$PORT/cert-manager.yaml" err &&
	test_grep "Installed cert-manager; its webhook answers" err &&
	test_equal 1 "$(kc -n cert-manager get deploy cert-manager-webhook -o jsonpath={.status.availableReplicas})" &&
	test_equal True "$(kc get crd certificates.cert-manager.io -o jsonpath="{.status.conditions[?(@.type==\"Established\")].status}")" &&
	kc -n i5-cm get certificate cm-mini-serving-cert >/dev/null &&
	test_equal "i5-cm/cm-mini-serving-cert" "$(kc get mutatingwebhookconfiguration cm-mini-i5-cm -o jsonpath="{.metadata.annotations.cert-manager\.io/inject-ca-from}")"
'

test_expect_success '--cert-manager=auto finds the running cert-manager the next time' '
	arcx install cm2 --chart mini -n i5-cm --github-token-file token --cert-manager-manifest /nonexistent &&
	test_grep "done: cert-manager v1.19.1-standin: 4/4 CRDs Established, webhook cert-manager/cert-manager-webhook available, 1 ready endpoint" err &&
	test_grep ! "Installing cert-manager" err
'

test_expect_success '--cert-manager=skip does not look' '
	arcx install cm3 --chart mini -n i5-cm --github-token-file token --cert-manager=skip -o json &&
	test_equal "skipped (--cert-manager=skip)" "$(json_get "d[\"certManager\"]" <out)" &&
	test_grep ! "Checking cert-manager" err
'

kill $HTTP_PID 2>/dev/null

test_expect_success 'status: release, controller, webhook endpoints, cert-manager, CRDs, Secret keys, runner counts' '
	kc -n i5-cm apply -f - >/dev/null <<-YAML &&
	apiVersion: mini.example.com/v1alpha1
	kind: MiniRunner
	metadata: {name: r1}
	spec: {repository: o/r}
	YAML
	arcx status cm -n i5-cm &&
	test_grep "^STATUS: deployed$" out && test_grep "^CHART: mini-arc-0.1.0$" out &&
	test_grep "^CONTROLLER: Deployment i5-cm/cm-mini 1/1 ready, rolled out$" out &&
	test_grep "^WEBHOOK: Service i5-cm/cm-mini-webhook, 1 ready endpoint$" out &&
	test_grep "^CERT-MANAGER: cert-manager v1.19.1-standin: 4/4 CRDs Established" out &&
	test_grep "^CRD: minirunners.mini.example.com Established$" out &&
	test_grep "^AUTH SECRET: i5-cm/controller-manager \(keys: github_token\)$" out &&
	test_grep "^MiniRunner: 1" out &&
	arcx status cm -n i5-cm -o json &&
	test_equal "deployed 1 github_token" "$(jv "d[\"status\"], d[\"revision\"], d[\"authSecret\"][\"keys\"][0]" <out)" &&
	test_must_fail arcx status nope -n i5-cm && test_grep "not found" err
'

test_expect_success 'upgrade: a new revision, the old one superseded, removed objects deleted' '
	arcx install up --chart mini -n i5-up --cert-manager=none --github-token-file token &&
	arcx upgrade up --chart mini -n i5-up --set extraConfig=true --set keepConfig=true &&
	test_grep "^REVISION: 2$" out &&
	test_equal "superseded deployed" "$(rel_status i5-up up 1) $(rel_status i5-up up 2)" &&
	kc -n i5-up get configmap up-mini-extra up-mini-kept >/dev/null &&
	test_equal False "$("$HELM4" get values up -n i5-up -o json | json_get "d[\"certManagerEnabled\"]")" &&
	arcx upgrade up --chart mini -n i5-up --set extraConfig=false &&
	test_grep "^REVISION: 3$" out && test_grep "Deleting 2 objects that left the chart" err &&
	test_must_fail kc -n i5-up get configmap up-mini-extra 2>/dev/null &&
	kc -n i5-up get configmap up-mini-kept >/dev/null
'

test_expect_success 'upgrade without values reuses the last ones; --reuse-values merges; --reset-values resets' '
	arcx upgrade up --chart mini -n i5-up --set replicaCount=2 &&
	arcx upgrade up --chart mini -n i5-up --wait=false &&
	test_equal 2 "$("$HELM4" get values up -n i5-up -o json | json_get "d[\"replicaCount\"]")" &&
	arcx upgrade up --chart mini -n i5-up --reuse-values --set extraConfig=true &&
	"$HELM4" get values up -n i5-up -o json >vals &&
	test_equal "2 True" "$(jv "d[\"replicaCount\"], d[\"extraConfig\"]" <vals)" &&
	arcx upgrade up --chart mini -n i5-up --reset-values --set extraConfig=true &&
	"$HELM4" get values up -n i5-up -o json >vals &&
	test_equal None "$(json_get "d.get(\"replicaCount\")" <vals)"
'

test_expect_success '--history-max keeps that many revisions' '
	arcx upgrade up --chart mini -n i5-up --set replicaCount=1 --history-max 2 &&
	test_equal 2 "$(kc -n i5-up get secret -l owner=helm,name=up -o name | wc -l | tr -d " ")" &&
	"$HELM4" history up -n i5-up >hist && test_equal 3 "$(wc -l <hist | tr -d " ")"
'

test_expect_success 'upgrade of a release that does not exist: an error that says what to do' '
	test_must_fail arcx upgrade ghost --chart mini -n i5-up &&
	test_grep "release \"ghost\" not found in namespace i5-up: install it first" err
'

test_expect_success 'a failed install is recorded failed with the reason; once fixed, the same run completes it' '
	test_must_fail arcx install fl --chart mini -n i5-fail --cert-manager=none --github-token-file token \
		--set-string nodeSelector.e2e-i5-fail=yes --timeout 3s &&
	test_grep "Error: waiting for Deployment i5-fail/fl-mini: not rolled out after 3 s" err &&
	test_equal failed "$(rel_status i5-fail fl 1)" &&
	"$HELM4" history fl -n i5-fail >hist && test_grep "failed.*not rolled out after 3 s" hist &&
	kc label node kwok-node-0 e2e-i5-fail=yes --overwrite >/dev/null &&
	arcx install fl --chart mini -n i5-fail --cert-manager=none --set-string nodeSelector.e2e-i5-fail=yes --timeout 60s &&
	test_grep "^STATUS: deployed$" out && test_equal deployed "$(rel_status i5-fail fl 2)"
'

test_expect_success 'an interrupted install (pending-install) is completed by the next run' '
	"$ARC" install intr --chart mini -n i5-fail --cert-manager=none --github-token-file token \
		--set-string nodeSelector.e2e-i5-intr=yes --timeout 60s >/dev/null 2>&1 &
	pid=$! &&
	wait_until 20 sh -c "test \"\$(\"$KUBECTL\" -n i5-fail get secret sh.helm.release.v1.intr.v1 -o jsonpath={.metadata.labels.status} 2>/dev/null)\" = pending-install" &&
	{ kill -9 $pid; wait $pid; true; } &&
	test_equal pending-install "$(rel_status i5-fail intr 1)" &&
	kc label node kwok-node-0 e2e-i5-intr=yes --overwrite >/dev/null &&
	arcx install intr --chart mini -n i5-fail --cert-manager=none --set-string nodeSelector.e2e-i5-intr=yes &&
	test_grep "revision 1 was left pending-install" err &&
	test_equal "failed deployed" "$(rel_status i5-fail intr 1) $(rel_status i5-fail intr 2)"
'

test_expect_success '--atomic: a failed install is uninstalled again' '
	test_must_fail arcx install at --chart mini -n i5-atomic --cert-manager=none --github-token-file token \
		--set nodeSelector.nowhere=true --timeout 2s --atomic &&
	test_grep "Uninstalled the failed release" err &&
	test_must_fail kc -n i5-atomic get deploy at-mini 2>/dev/null &&
	test_equal 0 "$(kc -n i5-atomic get secret -l owner=helm,name=at -o name | wc -l | tr -d " ")"
'

test_expect_success '--atomic: a failed upgrade is rolled back to the last revision' '
	arcx install at --chart mini -n i5-atomic --cert-manager=none --github-token-file token &&
	test_must_fail arcx upgrade at --chart mini -n i5-atomic --set nodeSelector.nowhere=true --timeout 2s --rollback-on-failure &&
	test_grep "Rolled back to revision 1" err &&
	test_equal "superseded failed deployed" "$(rel_status i5-atomic at 1) $(rel_status i5-atomic at 2) $(rel_status i5-atomic at 3)" &&
	test_equal "" "$(kc -n i5-atomic get deploy at-mini -o jsonpath={.spec.template.spec.nodeSelector})"
'

test_expect_success '--dry-run=client contacts no cluster and shows no token' '
	printf "apiVersion: v1\nkind: Config\nclusters: []\n" >nokube &&
	KUBECONFIG=$TEST_DIR/nokube arcx install dry --chart mini -n i5-dry --cert-manager=none --github-token-file token --dry-run=client &&
	test_grep "nothing was sent to a cluster" out &&
	test_grep "^# Secret i5-dry/controller-manager: keys github_token \(values not shown\)" out &&
	test_grep "kind: CustomResourceDefinition" out && test_grep "kind: Deployment" out &&
	test_grep ! "$TOKEN" out
'

test_expect_success '--dry-run=server applies nothing and records nothing' '
	test_must_fail arcx install dry --chart mini -n i5-dry --cert-manager=none --github-token-file token --dry-run=server &&
	test_grep "needs namespace \"i5-dry\" to exist" err &&
	kc create namespace i5-dry >/dev/null &&
	arcx install dry --chart mini -n i5-dry --cert-manager=none --github-token-file token --dry-run=server &&
	test_grep "dry run complete" out &&
	test_must_fail kc -n i5-dry get deploy dry-mini 2>/dev/null &&
	test_equal 0 "$(kc -n i5-dry get secret -l owner=helm -o name | wc -l | tr -d " ")"
'

test_expect_success 'an object owned by another release is refused, naming it and saying what to do' '
	kc -n i5-dry create configmap other-mini-extra --from-literal=a=2 >/dev/null &&
	test_must_fail arcx install other --chart mini -n i5-dry --cert-manager=none --github-token-file token --set extraConfig=true &&
	test_grep "ConfigMap i5-dry/other-mini-extra exists and cannot be imported into the current release: invalid ownership metadata" err &&
	test_grep "re-run with --take-ownership" err &&
	test_must_fail arcx install other --chart mini -n i5-dry --cert-manager=none --take-ownership &&
	test_grep "applying ConfigMap i5-dry/other-mini-extra: Apply failed with 1 conflict: conflict with \"kubectl-create\"" err &&
	test_grep "re-run with --force-conflicts" err &&
	arcx install other --chart mini -n i5-dry --cert-manager=none --take-ownership --force-conflicts &&
	test_equal "1" "$(kc -n i5-dry get cm other-mini-extra -o jsonpath={.data.a})" &&
	test_equal "Helm" "$(kc -n i5-dry get cm other-mini-extra -o jsonpath="{.metadata.labels.app\.kubernetes\.io/managed-by}")"
'

test_expect_success 'uninstall: objects, auth Secret and records gone, CRDs and keep-policy objects stay' '
	arcx upgrade up --chart mini -n i5-up --set keepConfig=true &&
	arcx uninstall up -n i5-up &&
	test_grep "release \"up\" uninstalled" out &&
	test_must_fail kc -n i5-up get deploy up-mini 2>/dev/null &&
	test_must_fail kc get clusterrole up-mini-i5-up 2>/dev/null &&
	test_must_fail kc -n i5-up get secret controller-manager 2>/dev/null &&
	test_equal 0 "$(kc -n i5-up get secret -l owner=helm,name=up -o name | wc -l | tr -d " ")" &&
	kc -n i5-up get configmap up-mini-kept >/dev/null &&
	kc get crd minirunners.mini.example.com >/dev/null &&
	test_must_fail arcx uninstall up -n i5-up && test_grep "release: not found" err
'

test_expect_success 'uninstall --keep-history leaves an uninstalled record; --crds needs --yes' '
	arcx uninstall envrel -n i5-env --keep-history &&
	test_equal uninstalled "$(rel_status i5-env envrel 1)" &&
	"$HELM4" history envrel -n i5-env >hist && test_grep "uninstalled" hist &&
	test_must_fail arcx uninstall one -n i5-file --crds </dev/null &&
	test_grep "not confirmed" err && kc -n i5-file get deploy one-mini >/dev/null
'

# ---- the bundled ARC chart (when the binary carries one) ----
if "$ARC" template >/dev/null 2>&1; then
	test_expect_success 'the bundled chart: install --cert-manager=none with a PAT file, re-run is a no-op, uninstall' '
		del_ns i5-bundled &&
		arcx install -n i5-bundled --cert-manager=none --github-token-file token --timeout 120s &&
		test_grep "^NAME: actions-runner-controller$" out && test_grep "^STATUS: deployed$" out &&
		test_equal "$TOKEN" "$(secret_key i5-bundled controller-manager github_token)" &&
		"$HELM4" get manifest actions-runner-controller -n i5-bundled >m && test_grep "kind: Deployment" m &&
		test_grep ! "$TOKEN" m &&
		kc get crd runners.actions.summerwind.dev >/dev/null &&
		arcx install -n i5-bundled --cert-manager=none &&
		test_grep "^CHANGES: none" out &&
		arcx uninstall -n i5-bundled &&
		test_must_fail kc -n i5-bundled get secret controller-manager 2>/dev/null &&
		kc get crd runners.actions.summerwind.dev >/dev/null
	'
else
	say "the binary carries no bundled chart yet: its install test is skipped"
fi

# ---- Helm interop: real helm v4.1.4 and v3.17.2 on the same releases ----
HELM3=$(sh "$TOP/tests/tools.sh" 2>/dev/null | sed -n 2p)
HELM_CONFIG_HOME=$TEST_DIR/.helm/config HELM_CACHE_HOME=$TEST_DIR/.helm/cache HELM_DATA_HOME=$TEST_DIR/.helm/data
export HELM_CONFIG_HOME HELM_CACHE_HOME HELM_DATA_HOME

test_expect_success 'helm v4 and v3: list, history, status, get values, get manifest of a kubectl-arc release' '
	arcx install interop --chart mini -n i5-interop --cert-manager=none --github-token-file token &&
	arcx upgrade interop --chart mini -n i5-interop --set extraConfig=true &&
	for H in "$HELM4" "$HELM3"; do
		"$H" list -n i5-interop -o json >l.json || return 1
		test_equal "interop 2 deployed mini-arc-0.1.0 0.27.6" \
			"$(jv "d[0][\"name\"], d[0][\"revision\"], d[0][\"status\"], d[0][\"chart\"], d[0][\"app_version\"]" <l.json)" || return 1
		"$H" history interop -n i5-interop -o json >h.json || return 1
		test_equal "1 superseded Install complete 2 deployed Upgrade complete" \
			"$(jv "d[0][\"revision\"], d[0][\"status\"], d[0][\"description\"], d[1][\"revision\"], d[1][\"status\"], d[1][\"description\"]" <h.json)" || return 1
		"$H" status interop -n i5-interop >st || return 1
		test_grep "^STATUS: deployed$" st && test_grep "^REVISION: 2$" st &&
		test_grep "Mini ARC 0.27.6 runs as interop in i5-interop" st || return 1
		"$H" get values interop -n i5-interop -o json >v.json || return 1
		test_equal "True False controller-manager" "$(jv "d[\"extraConfig\"], d[\"certManagerEnabled\"], d[\"authSecret\"][\"name\"]" <v.json)" || return 1
		"$H" get manifest interop -n i5-interop >m || return 1
		test_grep "^# Source: mini-arc/templates/objects.yaml$" m && test_grep "name: interop-mini-extra" m || return 1
	done
'

test_expect_success 'helm v4 upgrade takes over a kubectl-arc release, and kubectl arc upgrade continues after it' '
	"$HELM4" upgrade interop mini -n i5-interop --reuse-values --set replicaCount=2 --wait --timeout 60s >/dev/null &&
	test_equal "superseded deployed" "$(rel_status i5-interop interop 2) $(rel_status i5-interop interop 3)" &&
	test_equal 2 "$(kc -n i5-interop get deploy interop-mini -o jsonpath={.spec.replicas})" &&
	arcx upgrade interop --chart mini -n i5-interop --set replicaCount=1 --set extraConfig=true &&
	test_grep "^REVISION: 4$" out &&
	test_equal "superseded deployed" "$(rel_status i5-interop interop 3) $(rel_status i5-interop interop 4)" &&
	test_equal 1 "$(kc -n i5-interop get deploy interop-mini -o jsonpath={.spec.replicas})"
'

test_expect_success 'helm v3 upgrade of a kubectl-arc release, then kubectl arc again' '
	"$HELM3" upgrade interop mini -n i5-interop --reuse-values --set replicaCount=3 --wait --timeout 60s >/dev/null &&
	test_equal deployed "$(rel_status i5-interop interop 5)" &&
	test_equal 3 "$(kc -n i5-interop get deploy interop-mini -o jsonpath={.spec.replicas})" &&
	arcx upgrade interop --chart mini -n i5-interop --reuse-values --set replicaCount=1 &&
	test_grep "^REVISION: 6$" out && test_equal 1 "$(kc -n i5-interop get deploy interop-mini -o jsonpath={.spec.replicas})"
'

test_expect_success 'kubectl arc upgrade takes over releases that helm v4 and v3 installed' '
	"$HELM4" install h4 mini -n i5-interop --set certManagerEnabled=false --wait --timeout 60s >/dev/null &&
	arcx upgrade h4 --chart mini -n i5-interop --reuse-values --set extraConfig=true &&
	test_grep "^REVISION: 2$" out &&
	test_equal "superseded deployed" "$(rel_status i5-interop h4 1) $(rel_status i5-interop h4 2)" &&
	kc -n i5-interop get configmap h4-mini-extra >/dev/null &&
	"$HELM4" history h4 -n i5-interop >hist && test_grep "Upgrade complete" hist &&
	"$HELM3" install h3 mini -n i5-interop --set certManagerEnabled=false --wait --timeout 60s >/dev/null &&
	arcx upgrade h3 --chart mini -n i5-interop --reuse-values --set extraConfig=true &&
	test_equal "superseded deployed" "$(rel_status i5-interop h3 1) $(rel_status i5-interop h3 2)" &&
	kc -n i5-interop get configmap h3-mini-extra >/dev/null
'

test_expect_success 'helm uninstall (v4 and v3) removes kubectl-arc releases cleanly' '
	"$HELM4" uninstall interop -n i5-interop --wait --timeout 60s >/dev/null &&
	test_must_fail kc -n i5-interop get deploy interop-mini 2>/dev/null &&
	test_must_fail kc get clusterrole interop-mini-i5-interop 2>/dev/null &&
	test_equal 0 "$(kc -n i5-interop get secret -l owner=helm,name=interop -o name | wc -l | tr -d " ")" &&
	"$HELM3" uninstall h4 -n i5-interop >/dev/null &&
	test_must_fail kc -n i5-interop get configmap h4-mini-extra 2>/dev/null &&
	arcx uninstall h3 -n i5-interop &&
	test_must_fail kc -n i5-interop get deploy h3-mini 2>/dev/null &&
	"$HELM4" list -n i5-interop -q >l && test_equal "" "$(cat l)" &&
	test_equal 0 "$(kc -n i5-interop get secret -l owner=helm -o name | wc -l | tr -d " ")"
'

test_expect_success 'a search of every output and stored object finds the token only in the auth Secrets' '
	arcx install one --chart mini -n i5-file --cert-manager=none --github-token-file token --debug &&
	test_grep "PATCH" err &&
	! grep -r -l -F "$TOKEN" "$OUT" &&
	for ns in i5-file i5-env i5-prompt i5-app i5-cm i5-fail i5-dry i5-atomic i5-interop; do
		kc -n $ns get all,configmaps,serviceaccounts,roles,rolebindings -o yaml || return 1
		for s in $(kc -n $ns get secret -o name); do
			case $s in secret/controller-manager|secret/vals-secret) continue ;; esac
			kc -n $ns get $s -o jsonpath="{.data.release}" | base64 -d | base64 -d | gunzip 2>/dev/null
			kc -n $ns get $s -o yaml
		done
		for r in $("$HELM4" list -n $ns -q -a); do "$HELM4" get all $r -n $ns; done
	done >stored 2>&1 &&
	test_grep "sh.helm.release.v1" stored && test_grep "\"manifest\"" stored &&
	test_grep ! "$TOKEN" stored &&
	test_grep ! "$(printf %s "$TOKEN" | base64)" stored &&
	kc get clusterroles,clusterrolebindings,mutatingwebhookconfigurations,crds -o yaml >cluster &&
	test_grep ! "$TOKEN" cluster
'

test_expect_success 'uninstall --crds --yes removes the CRDs too' '
	arcx uninstall one -n i5-file --crds --yes &&
	test_grep "Deleting 1 CRDs" err &&
	wait_until 30 sh -c "! \"$KUBECTL\" get crd minirunners.mini.example.com >/dev/null 2>&1"
'

kc label node kwok-node-0 e2e-i5-fail- e2e-i5-intr- >/dev/null 2>&1
test_done
