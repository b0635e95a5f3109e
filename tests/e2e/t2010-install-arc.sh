#!/bin/sh
# kubectl arc install / upgrade / uninstall / status with the bundled ARC chart (the chart the
# binary carries, rendered by default) against the real control plane, and real helm v4.1.4 and
# v3.17.2 on the same releases: cert-manager installed from the test's stand-in manifest served on
# loopback, --cert-manager=none with the webhook certificate kept across runs, credentials from a
# file / GITHUB_TOKEN / a GitHub App key, re-runs that change nothing, upgrades with the values
# flags of helm, --history-max, --dry-run=client|server, --atomic, -o json, status, uninstall down
# to the CRDs, takeovers in both directions, and a search of every output and stored object for
# the token.
. "$(dirname "$0")/lib.sh"

HELM4=$(sh "$TOP/tests/tools.sh" 2>/dev/null | sed -n 1p)
HELM3=$(sh "$TOP/tests/tools.sh" 2>/dev/null | sed -n 2p)
[ -x "$HELM4" ] && [ -x "$HELM3" ] || die "no helm binaries (tests/tools.sh)"
"$ARC" template >/dev/null 2>&1 || die "$ARC carries no bundled chart"
h4() { timeout 120 "$HELM4" "$@"; }
h3() { timeout 120 "$HELM3" "$@"; }
export HELM_CACHE_HOME="$TEST_DIR/.helm/cache" HELM_CONFIG_HOME="$TEST_DIR/.helm/config" \
	HELM_DATA_HOME="$TEST_DIR/.helm/data"
CHART=$TOP/chart # the bundled chart's sources, for helm
ARC_E2E_TIMEOUT=120

TOKEN=ghp_arcE2eT0kenQ7w6e5r4t3y2u1i0p9Z
NS=actions-runner-system
REL=actions-runner-controller
OUT=$TEST_DIR/outputs # every output of kubectl-arc is appended here: searched for the token at the end
mkdir -p "$OUT"
# run kubectl-arc keeping its stdout and stderr (as out / err in the test directory, and in $OUT)
arcx() {
	arc "$@" >out 2>err
	rc=$?
	{ cat out; cat err; } >>"$OUT/all.log"
	[ $rc -eq 0 ] || sed "s/^/arcx $1: /" err >&2 # shown when the test fails
	return $rc
}
# jv EXPRS < json: the Python expressions (on d), space-separated
jv() { json_get "' '.join(str(x) for x in [$1])"; }
del_ns() { kc delete namespace "$@" --ignore-not-found --wait=true --timeout=90s >/dev/null; }
rel_status() { # ns release revision: the status label of the record
	kc -n "$1" get secret "sh.helm.release.v1.$2.v$3" -o jsonpath='{.metadata.labels.status}'
}
records() { kc -n "$1" get secret -l "owner=helm,name=$2" -o name | wc -l | tr -d ' '; }
secret_key() { # ns secret key: the decoded value
	kc -n "$1" get secret "$2" -o jsonpath="{.data.$3}" | base64 -d
}
established() { # crd: True when Established
	kc get crd "$1" -o jsonpath="{.status.conditions[?(@.type==\"Established\")].status}"
}
# names of the cluster-scoped objects of release $1
cluster_objs() {
	kc get clusterroles,clusterrolebindings,mutatingwebhookconfigurations,validatingwebhookconfigurations \
		-o name | grep -e "/$1-actions-runner-controller" -e "/$1-"
}
# what namespace $1 holds besides what every namespace has
leftovers() {
	kc -n "$1" get deploy,rs,pods,svc,sa,roles,rolebindings,secrets,configmaps,issuers,certificates -o name |
		grep -v -e "^serviceaccount/default$" -e "^configmap/kube-root-ca.crt$"
}
CRDS="horizontalrunnerautoscalers runnerdeployments runnerreplicasets runners runnersets"

printf '%s\n' "$TOKEN" >token && chmod 600 token

# a clean slate: no ARC, no cert-manager, no ARC CRDs (objects of earlier runs outlive namespaces)
for r in $REL arc-none arc-app arc-at h4arc h3arc; do
	for o in $(cluster_objs $r 2>/dev/null); do kc delete "$o" --ignore-not-found >/dev/null 2>&1; done
done
del_ns $NS a5-none a5-app a5-dry a5-atomic a5-h4 a5-h3 cert-manager
for c in $CRDS; do kc delete crd "$c.actions.summerwind.dev" --ignore-not-found >/dev/null 2>&1; done

# cert-manager's stand-in release manifest, served on loopback
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p www && cp "$E2E_DIR/data/cert-manager-standin.yaml" www/cert-manager.yaml
(cd www && exec timeout 900 python3 -m http.server --bind 127.0.0.1 "$PORT" >/dev/null 2>&1) &
HTTP_PID=$!
wait_until 10 python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/cert-manager.yaml')"
CM_URL=http://127.0.0.1:$PORT/cert-manager.yaml

test_expect_success 'install with the defaults: cert-manager from a loopback URL, the token from a file, ARC' '
	arcx install --github-token-file token --cert-manager-manifest "$CM_URL" &&
	test_grep "^NAME: $REL$" out && test_grep "^NAMESPACE: $NS$" out &&
	test_grep "^STATUS: deployed$" out && test_grep "^REVISION: 1$" out &&
	test_grep "^CHART: actions-runner-controller-0.23.7-arc.1$" out &&
	test_grep "^NOTES:$" out && test_grep "is installed as \"$REL\" in namespace $NS" out &&
	test_grep "^[0-9-]{10}T[0-9:]{8}Z Installing cert-manager from $CM_URL$" err &&
	test_grep "Installed cert-manager; its webhook answers" err &&
	test_grep "The controller is rolled out and its webhook has ready endpoints" err &&
	test_equal "$NS" "$(kc get namespace $NS -o jsonpath={.metadata.labels.name})" &&
	test_equal 1 "$(kc -n cert-manager get deploy cert-manager-webhook -o jsonpath={.status.availableReplicas})" &&
	for c in $CRDS; do test_equal True "$(established $c.actions.summerwind.dev)" || return 1; done &&
	test_equal 1 "$(kc -n $NS get deploy $REL -o jsonpath={.status.availableReplicas})" &&
	test_equal true "$(kc -n $NS get endpointslices -l kubernetes.io/service-name=$REL-webhook -o jsonpath="{.items[0].endpoints[0].conditions.ready}")" &&
	kc -n $NS get issuer $REL-selfsigned-issuer >/dev/null && kc -n $NS get certificate $REL-serving-cert >/dev/null &&
	test_equal "$NS/$REL-serving-cert" "$(kc get mutatingwebhookconfiguration $REL-mutating-webhook-configuration -o jsonpath="{.metadata.annotations.cert-manager\.io/inject-ca-from}")" &&
	test_equal "$TOKEN" "$(secret_key $NS controller-manager github_token)" &&
	test_equal kubectl-arc "$(kc -n $NS get secret controller-manager -o jsonpath="{.metadata.labels.app\.kubernetes\.io/managed-by}")" &&
	test_equal "Helm $REL $NS" "$(kc -n $NS get deploy $REL -o jsonpath="{.metadata.labels.app\.kubernetes\.io/managed-by} {.metadata.annotations.meta\.helm\.sh/release-name} {.metadata.annotations.meta\.helm\.sh/release-namespace}")" &&
	test_equal Helm "$(kc get clusterrole $REL-manager -o jsonpath="{.metadata.labels.app\.kubernetes\.io/managed-by}")" &&
	test_equal "deployed helm.sh/release.v1" "$(rel_status $NS $REL 1) $(kc -n $NS get secret sh.helm.release.v1.$REL.v1 -o jsonpath={.type})"
'

test_expect_success 'the release stores the Secret name, never the credentials; helm sees it' '
	h4 get values $REL -n $NS -o json >vals &&
	test_equal "False controller-manager" "$(jv "d[\"authSecret\"][\"create\"], d[\"authSecret\"][\"name\"]" <vals)" &&
	h4 get manifest $REL -n $NS >man &&
	test_grep "^kind: Deployment$" man && test_grep ! "^kind: Secret$" man && test_grep ! "$TOKEN" man
'

test_expect_success 're-running install changes nothing and says so' '
	arcx install --cert-manager-manifest /nonexistent &&
	test_grep "Nothing to do: the release is installed and up to date" err &&
	test_grep "^CHANGES: none" out && test_grep "^REVISION: 1$" out &&
	test_grep ! "Installing cert-manager" err &&
	test_equal 1 "$(records $NS $REL)" &&
	arcx install --github-token-file token -o json &&
	test_equal "False 1 deployed unchanged present" "$(jv "d[\"changed\"], d[\"revision\"], d[\"status\"], d[\"authSecret\"][\"result\"], d[\"certManager\"]" <out)" &&
	test_equal "0 0" "$(jv "d[\"objects\"][\"created\"], d[\"objects\"][\"changed\"]" <out)" &&
	test_equal 1 "$(records $NS $REL)"
'

test_expect_success 'status: release, controller, webhook endpoints, cert-manager, CRDs, Secret keys, counts' '
	arcx status &&
	test_grep "^STATUS: deployed$" out && test_grep "^DESCRIPTION: Install complete$" out &&
	test_grep "^APP VERSION: 0.27.6$" out &&
	test_grep "^CONTROLLER: Deployment $NS/$REL 1/1 ready, rolled out$" out &&
	test_grep "^WEBHOOK: Service $NS/$REL-webhook, 1 ready endpoint$" out &&
	test_grep "^CERT-MANAGER: cert-manager v1.19.1-standin: 4/4 CRDs Established, webhook cert-manager/cert-manager-webhook available" out &&
	test_equal 5 "$(grep -c "^CRD: .*\.actions\.summerwind\.dev Established$" out)" &&
	test_grep "^AUTH SECRET: $NS/controller-manager \(keys: github_token\)$" out &&
	test_grep "^RunnerDeployment: 0$" out && test_grep "^Runner: 0 \(0 ready\)$" out &&
	arcx status -o json &&
	test_equal "deployed 1 True 5 github_token" "$(jv "d[\"status\"], d[\"revision\"], d[\"certManager\"][\"healthy\"], len(d[\"crds\"]), d[\"authSecret\"][\"keys\"][0]" <out)"
'

test_expect_success 'upgrade with new values: a new revision, the old one superseded, the objects changed' '
	arcx upgrade --set replicaCount=2 --set syncPeriod=5m --set minReadySeconds=0 &&
	test_grep "^REVISION: 2$" out && test_grep "^STATUS: deployed$" out &&
	test_equal "superseded deployed" "$(rel_status $NS $REL 1) $(rel_status $NS $REL 2)" &&
	test_equal 2 "$(kc -n $NS get deploy $REL -o jsonpath={.spec.replicas})" &&
	kc -n $NS get deploy $REL -o jsonpath="{.spec.template.spec.containers[0].args}" | grep -q -e "--sync-period=5m" &&
	h4 get values $REL -n $NS -o json >vals &&
	test_equal "2 5m" "$(jv "d[\"replicaCount\"], d[\"syncPeriod\"]" <vals)" &&
	h4 history $REL -n $NS -o json >hist &&
	test_equal "Install complete Upgrade complete" "$(jv "d[0][\"description\"], d[1][\"description\"]" <hist)"
'

test_expect_success 'upgrade: no values reuses the last ones; --reuse-values, --reset-values, --reset-then-reuse-values' '
	arcx upgrade -o json && test_equal "False 2" "$(jv "d[\"changed\"], d[\"revision\"]" <out)" &&
	arcx upgrade --reuse-values --set logLevel=debug &&
	h4 get values $REL -n $NS -o json >vals &&
	test_equal "2 5m debug" "$(jv "d[\"replicaCount\"], d[\"syncPeriod\"], d[\"logLevel\"]" <vals)" &&
	arcx upgrade --reset-values --set logLevel=info --set minReadySeconds=0 &&
	h4 get values $REL -n $NS -o json >vals &&
	test_equal "None None info" "$(jv "d.get(\"replicaCount\"), d.get(\"syncPeriod\"), d[\"logLevel\"]" <vals)" &&
	test_equal 1 "$(kc -n $NS get deploy $REL -o jsonpath={.spec.replicas})" &&
	arcx upgrade --reset-then-reuse-values --set syncPeriod=2m &&
	h4 get values $REL -n $NS -o json >vals &&
	test_equal "info 2m" "$(jv "d[\"logLevel\"], d[\"syncPeriod\"]" <vals)" &&
	test_grep "^REVISION: 5$" out
'

test_expect_success '--history-max keeps that many revisions (and the deployed one)' '
	arcx upgrade --reuse-values --set syncPeriod=3m --history-max 2 &&
	test_grep "^REVISION: 6$" out &&
	test_equal 2 "$(records $NS $REL)" &&
	test_equal "superseded deployed" "$(rel_status $NS $REL 5) $(rel_status $NS $REL 6)"
'

test_expect_success 'helm v4 and v3: list, history, status, get values, get manifest' '
	for H in h4 h3; do
		$H list -n $NS -o json >l.json || return 1
		test_equal "$REL 6 deployed actions-runner-controller-0.23.7-arc.1 0.27.6" \
			"$(jv "d[0][\"name\"], d[0][\"revision\"], d[0][\"status\"], d[0][\"chart\"], d[0][\"app_version\"]" <l.json)" || return 1
		$H history $REL -n $NS -o json >h.json || return 1
		test_equal "5 superseded 6 deployed" "$(jv "d[0][\"revision\"], d[0][\"status\"], d[1][\"revision\"], d[1][\"status\"]" <h.json)" || return 1
		$H status $REL -n $NS >st || return 1
		test_grep "^STATUS: deployed$" st && test_grep "^REVISION: 6$" st &&
		test_grep "is installed as \"$REL\" in namespace $NS" st || return 1
		$H get values $REL -n $NS -o json >v.json || return 1
		test_equal "3m info controller-manager" "$(jv "d[\"syncPeriod\"], d[\"logLevel\"], d[\"authSecret\"][\"name\"]" <v.json)" || return 1
		$H get manifest $REL -n $NS >m || return 1
		test_grep "^# Source: actions-runner-controller/templates/deployment.yaml$" m &&
		test_grep "^kind: MutatingWebhookConfiguration$" m || return 1
	done
'

test_expect_success 'helm v4 and v3 upgrade a kubectl-arc release; kubectl arc upgrade continues after each' '
	h4 upgrade $REL "$CHART" -n $NS --reuse-values --set logLevel=error --wait --timeout 90s >/dev/null &&
	test_equal "superseded deployed" "$(rel_status $NS $REL 6) $(rel_status $NS $REL 7)" &&
	kc -n $NS get deploy $REL -o jsonpath="{.spec.template.spec.containers[0].args}" | grep -q -e "--log-level=error" &&
	arcx upgrade --set logLevel=info --reuse-values &&
	test_grep "^REVISION: 8$" out &&
	test_equal "superseded deployed" "$(rel_status $NS $REL 7) $(rel_status $NS $REL 8)" &&
	h3 upgrade $REL "$CHART" -n $NS --reuse-values --set logLevel=warn --wait --timeout 90s >/dev/null &&
	test_equal deployed "$(rel_status $NS $REL 9)" &&
	arcx upgrade --reuse-values --set logLevel=info &&
	test_grep "^REVISION: 10$" out &&
	kc -n $NS get deploy $REL -o jsonpath="{.spec.template.spec.containers[0].args}" | grep -q -e "--log-level=info" &&
	h4 history $REL -n $NS >hist && test_grep "^10 .*deployed.*Upgrade complete" hist
'

test_expect_success 'upgrade leaves the CRDs as they are (as helm does); --crds updates them' '
	rm -rf chart2 && cp -r "$CHART" chart2 &&
	sed -i "s|^    app.kubernetes.io/part-of: actions-runner-controller$|&\n    e2e.kubectl-arc/crd: v2|" chart2/crds/actions.summerwind.dev_runners.yaml &&
	test_grep "e2e.kubectl-arc/crd: v2" chart2/crds/actions.summerwind.dev_runners.yaml &&
	arcx upgrade --chart chart2 --reuse-values &&
	test_equal "" "$(kc get crd runners.actions.summerwind.dev -o jsonpath="{.metadata.labels.e2e\.kubectl-arc/crd}")" &&
	arcx upgrade --chart chart2 --reuse-values --crds &&
	test_equal v2 "$(kc get crd runners.actions.summerwind.dev -o jsonpath="{.metadata.labels.e2e\.kubectl-arc/crd}")" &&
	arcx upgrade --reuse-values --crds &&
	test_equal "" "$(kc get crd runners.actions.summerwind.dev -o jsonpath="{.metadata.labels.e2e\.kubectl-arc/crd}")"
'

test_expect_success '--cert-manager=none, the token from GITHUB_TOKEN: a webhook certificate kept across runs' '
	GITHUB_TOKEN=$TOKEN arcx install arc-none -n a5-none --cert-manager=none --set minReadySeconds=0 &&
	test_grep "^STATUS: deployed$" out && test_grep "from GITHUB_TOKEN" err &&
	test_equal "$TOKEN" "$(secret_key a5-none controller-manager github_token)" &&
	test_must_fail kc -n a5-none get certificate arc-none-actions-runner-controller-serving-cert 2>/dev/null &&
	S=arc-none-actions-runner-controller-serving-cert &&
	test_equal "kubernetes.io/tls webhook-serving-cert Helm" "$(kc -n a5-none get secret $S -o jsonpath="{.type} {.metadata.labels.kubectl-arc/generated} {.metadata.labels.app\.kubernetes\.io/managed-by}")" &&
	ca=$(kc -n a5-none get secret $S -o jsonpath="{.data.ca\.crt}") && test -n "$ca" &&
	test_equal "$ca" "$(kc get validatingwebhookconfiguration arc-none-actions-runner-controller-validating-webhook-configuration -o jsonpath="{.webhooks[0].clientConfig.caBundle}")" &&
	h4 get manifest arc-none -n a5-none >man &&
	test_grep ! "^kind: Secret$" man && test_grep ! "tls.key" man &&
	test_equal "False $ca" "$(h4 get values arc-none -n a5-none -o json | jv "d[\"certManagerEnabled\"], d[\"admissionWebHooks\"][\"caBundle\"]")" &&
	arcx install arc-none -n a5-none &&
	test_grep "Nothing to do: the release is installed and up to date" err && test_grep "^REVISION: 1$" out &&
	test_equal "$ca" "$(kc -n a5-none get secret $S -o jsonpath="{.data.ca\.crt}")" &&
	arcx status arc-none -n a5-none &&
	test_grep "^CERT-MANAGER: not used \(certManagerEnabled=false\)$" out &&
	key=$(kc -n a5-none get secret $S -o jsonpath="{.data.tls\.key}") &&
	arcx upgrade arc-none -n a5-none --set logLevel=debug --set minReadySeconds=0 -o json &&
	test_equal "2 True kept" "$(jv "d[\"revision\"], d[\"changed\"], d[\"webhookCertificate\"][\"result\"]" <out)" &&
	test_equal "$ca $key kubernetes.io/tls" "$(kc -n a5-none get secret $S -o jsonpath="{.data.ca\.crt} {.data.tls\.key} {.type}")"
'

test_expect_success '--cert-manager=none: a deleted webhook certificate is made again by the next run' '
	kc -n a5-none delete secret arc-none-actions-runner-controller-serving-cert >/dev/null &&
	arcx install arc-none -n a5-none -o json &&
	test_equal "True 3 created" "$(jv "d[\"changed\"], d[\"revision\"], d[\"webhookCertificate\"][\"result\"]" <out)" &&
	test_equal "$(kc -n a5-none get secret arc-none-actions-runner-controller-serving-cert -o jsonpath="{.data.ca\.crt}")" \
		"$(kc get mutatingwebhookconfiguration arc-none-actions-runner-controller-mutating-webhook-configuration -o jsonpath="{.webhooks[0].clientConfig.caBundle}")"
'

test_expect_success '--cert-manager=auto given to a release made without it: back to cert-manager' '
	arcx upgrade arc-none -n a5-none --reuse-values --cert-manager=auto &&
	test_grep "^REVISION: 4$" out &&
	h4 get values arc-none -n a5-none -o json >vals &&
	test_equal "None None" "$(jv "d.get(\"certManagerEnabled\"), d.get(\"admissionWebHooks\", {}).get(\"caBundle\")" <vals)" &&
	kc -n a5-none get certificate arc-none-actions-runner-controller-serving-cert >/dev/null &&
	test_equal "a5-none/arc-none-actions-runner-controller-serving-cert" "$(kc get mutatingwebhookconfiguration arc-none-actions-runner-controller-mutating-webhook-configuration -o jsonpath="{.metadata.annotations.cert-manager\.io/inject-ca-from}")"
'

test_expect_success 'a GitHub App: id, installation id and the PEM key in the Secret, none of it elsewhere' '
	openssl genrsa -out app.pem 2048 2>/dev/null && chmod 600 app.pem &&
	arcx install arc-app -n a5-app --github-app-id 4242 --github-app-installation-id 777 \
		--github-app-private-key-file app.pem --set minReadySeconds=0 -o json &&
	test_equal "deployed present github_app_id" "$(jv "d[\"status\"], d[\"certManager\"], d[\"authSecret\"][\"keys\"][0]" <out)" &&
	test_equal "4242 777" "$(secret_key a5-app controller-manager github_app_id) $(secret_key a5-app controller-manager github_app_installation_id)" &&
	secret_key a5-app controller-manager github_app_private_key >key.out && cmp key.out app.pem &&
	test_grep ! "PRIVATE KEY" "$OUT/all.log" &&
	h4 get all arc-app -n a5-app >all && test_grep ! "PRIVATE KEY" all
'

test_expect_success 'a token file others can read: a warning naming the file and its mode' '
	cp token open-token && chmod 644 open-token &&
	arcx install arc-app -n a5-app --github-token-file open-token &&
	test_grep "^warning: --github-token-file open-token is accessible to every user \(mode 0644\): restrict it with .chmod 600 open-token.$" err &&
	chmod 640 open-token && arcx install arc-app -n a5-app --github-token-file open-token &&
	test_grep "is accessible to its group \(mode 0640\)" err &&
	chmod 600 open-token && arcx install arc-app -n a5-app --github-token-file open-token &&
	test_grep ! "^warning:" err &&
	chmod 644 app.pem && arcx install arc-app -n a5-app --github-app-id 4242 --github-app-installation-id 777 \
		--github-app-private-key-file app.pem &&
	test_grep "^warning: --github-app-private-key-file app.pem is accessible to every user" err
'

test_expect_success '--dry-run=client contacts no cluster and prints the objects, no token' '
	printf "apiVersion: v1\nkind: Config\nclusters: []\n" >nokube &&
	KUBECONFIG=$TEST_DIR/nokube arcx install arc-dry -n a5-dry --github-token-file token --dry-run=client &&
	test_grep "nothing was sent to a cluster" out &&
	test_grep "^# Secret a5-dry/controller-manager: keys github_token \(values not shown\)$" out &&
	test_equal 5 "$(grep -c "^kind: CustomResourceDefinition$" out)" &&
	test_grep "^kind: Deployment$" out && test_grep "^kind: Certificate$" out &&
	test_grep ! "$TOKEN" out && test_must_fail kc get namespace a5-dry 2>/dev/null
'

test_expect_success '--dry-run=server: the server checks everything, nothing is stored' '
	kc create namespace a5-dry >/dev/null &&
	arcx install arc-dry -n a5-dry --github-token-file token --dry-run=server -o json &&
	test_equal "dry run complete server" "$(jv "d[\"status\"], d[\"dryRun\"]" <out)" &&
	test_must_fail kc -n a5-dry get deploy arc-dry-actions-runner-controller 2>/dev/null &&
	test_must_fail kc -n a5-dry get secret controller-manager 2>/dev/null &&
	test_must_fail kc get clusterrole arc-dry-actions-runner-controller-manager 2>/dev/null &&
	test_equal 0 "$(kc -n a5-dry get secret -l owner=helm -o name | wc -l | tr -d " ")"
'

test_expect_success '--atomic: a failed install is uninstalled again, cluster-scoped objects included' '
	test_must_fail arcx install arc-at -n a5-atomic --github-token-file token --set nodeSelector.nowhere=x \
		--timeout 4s --atomic &&
	test_grep "Error: waiting for Deployment a5-atomic/arc-at-actions-runner-controller: not rolled out after 4 s" err &&
	test_grep "Uninstalled the failed release \(--atomic\)" err &&
	test_must_fail kc -n a5-atomic get deploy arc-at-actions-runner-controller 2>/dev/null &&
	test_must_fail kc get clusterrole arc-at-actions-runner-controller-manager 2>/dev/null &&
	test_equal 0 "$(records a5-atomic arc-at)"
'

test_expect_success '--atomic (--rollback-on-failure): a failed upgrade is rolled back' '
	arcx install arc-at -n a5-atomic --github-token-file token --set minReadySeconds=0 &&
	test_must_fail arcx upgrade arc-at -n a5-atomic --reuse-values --set nodeSelector.nowhere=x --timeout 4s --rollback-on-failure &&
	test_grep "Rolled back to revision 1 \(--atomic\)" err &&
	test_equal "superseded failed deployed" "$(rel_status a5-atomic arc-at 1) $(rel_status a5-atomic arc-at 2) $(rel_status a5-atomic arc-at 3)" &&
	test_equal "" "$(kc -n a5-atomic get deploy arc-at-actions-runner-controller -o jsonpath={.spec.template.spec.nodeSelector})" &&
	h4 history arc-at -n a5-atomic >hist && test_grep "^3 .*deployed.*Rollback to 1" hist &&
	test_grep "^2 .*failed.*not rolled out after 4 s" hist
'

test_expect_success 'kubectl arc upgrade takes over releases helm v4 and v3 installed (their own webhook CA)' '
	for v in 4 3; do
		H=h$v; R=h${v}arc; N=a5-h$v
		$H install $R "$CHART" -n $N --create-namespace --set certManagerEnabled=false --set minReadySeconds=0 \
			--wait --timeout 90s >/dev/null || return 1
		ca=$(kc -n $N get secret $R-actions-runner-controller-serving-cert -o jsonpath="{.data.ca\.crt}") &&
		arcx upgrade $R -n $N --reuse-values --github-token-file token -o json || return 1
		test_equal "2 deployed kept (labels updated)" "$(jv "d[\"revision\"], d[\"status\"], d[\"webhookCertificate\"][\"result\"]" <out)" || return 1
		test_equal "superseded deployed" "$(rel_status $N $R 1) $(rel_status $N $R 2)" || return 1
		test_equal "$ca" "$(kc -n $N get secret $R-actions-runner-controller-serving-cert -o jsonpath="{.data.ca\.crt}")" &&
		test_equal "$ca" "$(kc get mutatingwebhookconfiguration $R-actions-runner-controller-mutating-webhook-configuration -o jsonpath="{.webhooks[0].clientConfig.caBundle}")" || return 1
		$H history $R -n $N >hist && test_grep "^2 .*deployed.*Upgrade complete" hist || return 1
		arcx upgrade $R -n $N && test_grep "^CHANGES: none" out || return 1
	done
'

test_expect_success 'helm uninstall (v4, v3) removes releases kubectl-arc upgraded: objects and records' '
	h4 uninstall h4arc -n a5-h4 --wait --timeout 90s >/dev/null &&
	h3 uninstall h3arc -n a5-h3 --wait --timeout 90s >/dev/null &&
	for r in h4arc:a5-h4 h3arc:a5-h3; do
		R=${r%%:*}; N=${r#*:}
		test_must_fail kc -n $N get deploy $R-actions-runner-controller 2>/dev/null || return 1
		test_equal "" "$(cluster_objs $R)" || return 1
		test_equal 0 "$(kc -n $N get secret -l owner=helm -o name | wc -l | tr -d " ")" || return 1
		# what helm does not know of stays: the Secrets kubectl-arc applied beside the release
		test_equal "controller-manager $R-actions-runner-controller-serving-cert" \
			"$(kc -n $N get secret -o jsonpath="{.items[*].metadata.name}")" || return 1
	done
'

test_expect_success 'a search of every output, log and stored object finds the token only in the auth Secrets' '
	arcx install --github-token-file token --debug &&
	test_grep "PATCH|GET" err &&
	b64=$(printf %s "$TOKEN" | base64) &&
	test_grep ! "$TOKEN" "$OUT/all.log" && test_grep ! "$b64" "$OUT/all.log" &&
	for ns in $NS a5-none a5-app a5-dry a5-atomic a5-h4 a5-h3; do
		kc -n $ns get all,configmaps,serviceaccounts,roles,rolebindings,issuers,certificates,events -o yaml || return 1
		for s in $(kc -n $ns get secret -o name); do
			case $s in secret/controller-manager) continue ;; esac
			kc -n $ns get $s -o yaml
			kc -n $ns get $s -o jsonpath="{.data.release}" | base64 -d | base64 -d | gunzip 2>/dev/null
		done
		for r in $(h4 list -n $ns -q -a); do h4 get all $r -n $ns; h4 history $r -n $ns; done
	done >stored 2>&1 &&
	test_grep "sh.helm.release.v1" stored && test_grep "\"manifest\"" stored && test_grep "kind: Deployment" stored &&
	test_grep ! "$TOKEN" stored && test_grep ! "$b64" stored &&
	kc get clusterroles,clusterrolebindings,mutatingwebhookconfigurations,validatingwebhookconfigurations,crds,namespaces -o yaml >cluster &&
	test_grep ! "$TOKEN" cluster && test_grep ! "$b64" cluster &&
	cat "$ARC_CLUSTER_STATE"/logs/* >logs 2>/dev/null; test_grep ! "$TOKEN" logs
'

test_expect_success 'uninstall leaves nothing behind but the CRDs' '
	arcx uninstall &&
	test_grep "^release \"$REL\" uninstalled$" out &&
	test_grep "The 5 CRDs stay" out &&
	i=0 && while [ -n "$(leftovers $NS)" ] && [ $i -lt 120 ]; do sleep 0.5; i=$((i + 1)); done &&
	test_equal "" "$(leftovers $NS)" &&
	test_equal "" "$(cluster_objs $REL)" &&
	for c in $CRDS; do test_equal True "$(established $c.actions.summerwind.dev)" || return 1; done &&
	arcx uninstall arc-none -n a5-none -o json &&
	test_equal "2 False" "$(jv "d[\"secretsDeleted\"], d[\"historyKept\"]" <out)" &&
	test_equal "" "$(kc -n a5-none get secrets,deploy,svc -o name)" &&
	test_equal "" "$(cluster_objs arc-none)" &&
	test_must_fail arcx uninstall arc-none -n a5-none && test_grep "release: not found" err
'

test_expect_success 'uninstall --keep-history records uninstalled; a second uninstall purges it' '
	arcx uninstall arc-app -n a5-app --keep-history &&
	test_equal uninstalled "$(rel_status a5-app arc-app 1)" &&
	h4 history arc-app -n a5-app >hist && test_grep "uninstalled.*Uninstallation complete" hist &&
	test_must_fail kc -n a5-app get deploy arc-app-actions-runner-controller 2>/dev/null &&
	arcx uninstall arc-app -n a5-app && test_equal 0 "$(records a5-app arc-app)"
'

# ARC's webhooks (failurePolicy: Fail) would refuse runners in later test files: none may stay
test_expect_success 'clean up: no release of this file is left, nor its webhooks' '
	arcx uninstall arc-at -n a5-atomic &&
	for r in $REL arc-none arc-app arc-at arc-dry h4arc h3arc; do
		test_equal "" "$(cluster_objs $r)" || return 1
	done
'

kill $HTTP_PID 2>/dev/null
test_done
