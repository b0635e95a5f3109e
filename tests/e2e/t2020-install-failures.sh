#!/bin/sh
# kubectl arc install with the bundled ARC chart when things go wrong, against the real control
# plane: a user without the RBAC permissions, an exhausted ResourceQuota, a cert-manager webhook
# that does not answer, a wait that times out, a run killed midway and a connection lost midway.
# Each error names the step and the object and says what to do; the release record says failed
# (with the reason) or stays pending, never deployed; the next run completes the install.
. "$(dirname "$0")/lib.sh"

HELM4=$(sh "$TOP/tests/tools.sh" 2>/dev/null | sed -n 1p)
[ -x "$HELM4" ] || die "no helm binary (tests/tools.sh)"
"$ARC" template >/dev/null 2>&1 || die "$ARC carries no bundled chart"
h4() { timeout 120 "$HELM4" "$@"; }
export HELM_CACHE_HOME="$TEST_DIR/.helm/cache" HELM_CONFIG_HOME="$TEST_DIR/.helm/config" \
	HELM_DATA_HOME="$TEST_DIR/.helm/data"
ARC_E2E_TIMEOUT=120
TOKEN=ghp_arcE2eFailT0ken9f8e7d6c5b4a3
printf '%s\n' "$TOKEN" >token && chmod 600 token
CM=$E2E_DIR/data/cert-manager-standin.yaml

arcx() {
	arc "$@" >out 2>err
	rc=$?
	{ cat out; cat err; } >>"$TEST_DIR/all.log"
	[ $rc -eq 0 ] || sed "s/^/arcx $1: /" err >&2 # shown when the test fails
	return $rc
}
del_ns() { kc delete namespace "$@" --ignore-not-found --wait=true --timeout=90s >/dev/null; }
rel_status() { kc -n "$1" get secret "sh.helm.release.v1.$2.v$3" -o jsonpath='{.metadata.labels.status}'; }
records() { kc -n "$1" get secret -l "owner=helm,name=$2" -o name | wc -l | tr -d ' '; }
errors() { grep -c '^Error: ' err; } # exactly one error line, whatever progress lines precede it
cluster_objs() {
	kc get clusterroles,clusterrolebindings,mutatingwebhookconfigurations,validatingwebhookconfigurations \
		-o name | grep -e "/$1-"
}
kubeconfig() { # file server user-yaml
	cat >"$1" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster: {server: "$2", certificate-authority-data: "$(e2e_base64 "$ARC_CLUSTER_CA")"}
users:
- name: u
  user: $3
contexts:
- name: e2e
  context: {cluster: e2e, user: u}
current-context: e2e
YAML
}

for r in arc-rbac arc-quota arc-hook arc-fail arc-kill arc-lost; do
	for o in $(cluster_objs $r 2>/dev/null); do kc delete "$o" --ignore-not-found >/dev/null 2>&1; done
done
kc delete validatingwebhookconfiguration a5-fake-cert-manager --ignore-not-found >/dev/null 2>&1
del_ns a5-rbac a5-quota a5-cmhook a5-fail a5-lost

test_expect_success 'RBAC missing: the object and the step, what to do; the record says failed' '
	kc create namespace a5-rbac >/dev/null &&
	SA_TOKEN=$(e2e_sa_token a5-limited none) &&
	kc -n a5-rbac create rolebinding a5-limited-admin --clusterrole=admin --serviceaccount=e2e-auth:a5-limited >/dev/null &&
	kubeconfig limited.kubeconfig "$ARC_CLUSTER_SERVER" "{token: \"$SA_TOKEN\"}" &&
	test_must_fail arcx install arc-rbac -n a5-rbac --kubeconfig limited.kubeconfig --github-token-file token \
		--cert-manager=none &&
	test_equal 1 "$(errors)" &&
	test_grep "^Error: reading CustomResourceDefinition [a-z.]+\.actions\.summerwind\.dev: .*forbidden.*\(your Kubernetes user lacks an RBAC permission for this: ask a cluster admin, or check with .kubectl auth can-i.\)" err &&
	test_equal failed "$(rel_status a5-rbac arc-rbac 1)" &&
	h4 history arc-rbac -n a5-rbac >hist && test_grep "failed.*forbidden" hist &&
	test_grep ! "$SA_TOKEN" err
'

test_expect_success 'an exhausted ResourceQuota: named, with what to do; once raised, the next run completes' '
	kc create namespace a5-quota >/dev/null &&
	kc -n a5-quota create quota no-services --hard=services=0 >/dev/null &&
	test_must_fail arcx install arc-quota -n a5-quota --github-token-file token --cert-manager=none \
		--set minReadySeconds=0 &&
	test_equal 1 "$(errors)" &&
	test_grep "^Error: applying Service a5-quota/arc-quota-actions-runner-controller-[a-z-]+: .*exceeded quota: no-services.*\(a ResourceQuota in namespace a5-quota is exhausted: raise it" err &&
	test_equal failed "$(rel_status a5-quota arc-quota 1)" &&
	h4 history arc-quota -n a5-quota >hist && test_grep "failed.*exceeded quota" hist &&
	kc -n a5-quota delete quota no-services >/dev/null &&
	arcx install arc-quota -n a5-quota &&
	test_grep "^STATUS: deployed$" out && test_grep "^REVISION: 2$" out &&
	test_equal "failed deployed" "$(rel_status a5-quota arc-quota 1) $(rel_status a5-quota arc-quota 2)"
'

test_expect_success 'cert-manager webhook not answering: the error says so and what to do' '
	kc create namespace a5-cmhook >/dev/null &&
	kc apply -f - >/dev/null <<-YAML &&
	apiVersion: admissionregistration.k8s.io/v1
	kind: ValidatingWebhookConfiguration
	metadata: {name: a5-fake-cert-manager}
	webhooks:
	- name: webhook.cert-manager.io
	  admissionReviewVersions: [v1]
	  sideEffects: None
	  failurePolicy: Fail
	  timeoutSeconds: 2
	  clientConfig: {service: {name: a5-no-such-service, namespace: cert-manager, path: /validate}}
	  namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: a5-cmhook}}
	  rules:
	  - {apiGroups: [cert-manager.io], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [issuers, certificates]}
	YAML
	test_must_fail arcx install arc-hook -n a5-cmhook --github-token-file token --cert-manager-manifest "$CM" \
		--set minReadySeconds=0 --timeout 6s &&
	kc delete validatingwebhookconfiguration a5-fake-cert-manager >/dev/null &&
	test_equal 1 "$(errors)" &&
	test_grep "^Error: applying (Issuer|Certificate) a5-cmhook/arc-hook-actions-runner-controller-[a-z-]+: .*failed calling webhook \"webhook.cert-manager.io\".*\(cert-manager.s webhook is not answering yet: wait a minute and re-run, or check .kubectl -n cert-manager get pods.\)" err &&
	test_equal failed "$(rel_status a5-cmhook arc-hook 1)" &&
	arcx install arc-hook -n a5-cmhook --cert-manager-manifest "$CM" &&
	test_equal "failed deployed" "$(rel_status a5-cmhook arc-hook 1) $(rel_status a5-cmhook arc-hook 2)"
'

test_expect_success 'a wait that times out: recorded failed with the reason, never deployed; the next run completes' '
	test_must_fail arcx install arc-fail -n a5-fail --github-token-file token --cert-manager=none --timeout 3s &&
	test_grep "^Error: waiting for Deployment a5-fail/arc-fail-actions-runner-controller: not rolled out after 3 s \(its pods are not Ready: see .kubectl -n a5-fail describe deployment arc-fail-actions-runner-controller." err &&
	test_equal failed "$(rel_status a5-fail arc-fail 1)" &&
	h4 history arc-fail -n a5-fail -o json >hist &&
	test_grep "Release \\\\\"arc-fail\\\\\" failed: waiting for Deployment a5-fail/arc-fail-actions-runner-controller: not rolled out after 3 s" hist &&
	arcx install arc-fail -n a5-fail &&
	test_grep "^STATUS: deployed$" out &&
	test_equal "failed deployed" "$(rel_status a5-fail arc-fail 1) $(rel_status a5-fail arc-fail 2)"
'

test_expect_success 'an install killed midway is left pending, and completed by the next run' '
	"$ARC" install arc-kill -n a5-fail --github-token-file token --cert-manager=none >/dev/null 2>&1 &
	pid=$! &&
	wait_until 30 sh -c "test \"\$(\"$KUBECTL\" -n a5-fail get secret sh.helm.release.v1.arc-kill.v1 -o jsonpath={.metadata.labels.status} 2>/dev/null)\" = pending-install" &&
	{ kill -9 $pid; wait $pid; true; } &&
	test_equal pending-install "$(rel_status a5-fail arc-kill 1)" &&
	arcx install arc-kill -n a5-fail &&
	test_grep "revision 1 was left pending-install \(an interrupted run\): completing it now" err &&
	test_grep "^STATUS: deployed$" out &&
	test_equal "failed deployed" "$(rel_status a5-fail arc-kill 1) $(rel_status a5-fail arc-kill 2)"
'

test_expect_success 'the connection lost midway: an error naming the step; the next run completes the install' '
	PROXY=$(python3 -c "import socket; s=socket.socket(); s.bind((\"127.0.0.1\",0)); print(s.getsockname()[1])") &&
	cat >proxy.py <<-\PY &&
	import socket, sys, threading
	listen, target = int(sys.argv[1]), int(sys.argv[2])
	srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	srv.bind(("127.0.0.1", listen)); srv.listen(64)
	def pump(a, b):
	    try:
	        while True:
	            d = a.recv(65536)
	            if not d: break
	            b.sendall(d)
	    except OSError: pass
	    for s in (a, b):
	        try: s.shutdown(socket.SHUT_RDWR)
	        except OSError: pass
	while True:
	    c, _ = srv.accept()
	    u = socket.create_connection(("127.0.0.1", target))
	    threading.Thread(target=pump, args=(c, u), daemon=True).start()
	    threading.Thread(target=pump, args=(u, c), daemon=True).start()
	PY
	{ timeout 120 python3 proxy.py $PROXY ${ARC_CLUSTER_SERVER##*:} & } && ppid=$! &&
	kubeconfig proxied.kubeconfig "https://127.0.0.1:$PROXY" "{client-certificate: \"$ARC_CLUSTER_ADMIN_CERT\", client-key: \"$ARC_CLUSTER_ADMIN_KEY\"}" &&
	wait_until 10 "$ARC" kube get v1 Namespace default --kubeconfig proxied.kubeconfig &&
	{ arc install arc-lost -n a5-lost --kubeconfig proxied.kubeconfig --github-token-file token --cert-manager=none >out 2>err & } &&
	apid=$! &&
	wait_until 30 sh -c "test \"\$(\"$KUBECTL\" -n a5-lost get secret sh.helm.release.v1.arc-lost.v1 -o jsonpath={.metadata.labels.status} 2>/dev/null)\" = pending-install" &&
	kill $ppid && { wait $apid; rc=$?; true; } && cat out err >>"$TEST_DIR/all.log" &&
	test $rc -ne 0 && test $rc -ne 124 &&
	test_equal 1 "$(errors)" && test_grep "^Error: .*127.0.0.1:$PROXY" err &&
	test_equal pending-install "$(rel_status a5-lost arc-lost 1)" &&
	arcx install arc-lost -n a5-lost &&
	test_grep "^STATUS: deployed$" out &&
	test_equal "failed deployed" "$(rel_status a5-lost arc-lost 1) $(rel_status a5-lost arc-lost 2)"
'

test_expect_success 'no token in any output, nor in the failed and pending records' '
	test_grep ! "$TOKEN" "$TEST_DIR/all.log" &&
	for ns in a5-rbac a5-quota a5-cmhook a5-fail a5-lost; do
		for s in $(kc -n $ns get secret -l owner=helm -o name); do
			kc -n $ns get $s -o jsonpath="{.data.release}" | base64 -d | base64 -d | gunzip
		done
	done >records 2>&1 &&
	test_grep "\"manifest\"" records && test_grep ! "$TOKEN" records
'

test_expect_success 'clean up: every release uninstalled' '
	for r in arc-rbac:a5-rbac arc-quota:a5-quota arc-hook:a5-cmhook arc-fail:a5-fail arc-kill:a5-fail arc-lost:a5-lost; do
		arcx uninstall ${r%%:*} -n ${r#*:} || return 1
		test_equal "" "$(cluster_objs ${r%%:*})" || return 1
	done
'

test_done
