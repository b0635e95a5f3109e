#!/bin/sh
# exec credential plugins (client.authentication.k8s.io/v1 and v1beta1), as EKS, GKE and
# AKS use them: the ExecCredential, KUBERNETES_EXEC_INFO, caching, the re-run after a 401,
# and every way a plugin can fail, each bounded and reported on one line.
. "$(dirname "$0")/lib.sh"

S=$ARC_CLUSTER_SERVER
CA_DATA=$(e2e_base64 "$ARC_CLUSTER_CA")
e2e_sa_token e2e-admin >plugin-token || die "cannot get a token"
TOKEN=$(cat plugin-token)

# the plugin: records each run, its KUBERNETES_EXEC_INFO, arguments and environment
mkdir -p bin
cat >bin/e2e-cred <<'SH'
#!/bin/sh
dir=$(cd "$(dirname "$0")/.." && pwd)
echo run >>"$dir/runs"
printf '%s' "$KUBERNETES_EXEC_INFO" >"$dir/exec-info.json"
printf 'args=%s greeting=%s parent=%s\n' "$*" "${E2E_GREETING:-}" "${E2E_PARENT:-}" >"$dir/seen"
api=client.authentication.k8s.io/v1
token=$(cat "$dir/plugin-token")
case ${1:-ok} in
ok) ;;
v1beta1) api=client.authentication.k8s.io/v1beta1 ;;
expired) exp=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ) ;;
future) exp=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ) ;;
bad-then-good) [ "$(wc -l <"$dir/runs")" -gt 1 ] || token=e2e-stale-token-0123456789 ;;
bad) token=e2e-stale-token-0123456789 ;;
fail) echo "e2e-cred: cannot log in:" >&2; echo "no session" >&2; exit 3 ;;
garbage) echo "this is not JSON"; exit 0 ;;
wrong-api) api=client.authentication.k8s.io/v1beta1 ;;
hang) exec sleep 600 ;;
cert)
	printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"clientCertificateData":%s,"clientKeyData":%s}}\n' \
		"$api" "$(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read()))' "$E2E_CERT")" \
		"$(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read()))' "$E2E_KEY")"
	exit 0 ;;
esac
printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"%s"%s}}\n' "$api" "$token" \
	"${exp:+,\"expirationTimestamp\":\"$exp\"}"
SH
chmod +x bin/e2e-cred

# exec_kubeconfig FILE MODE [apiVersion] [extra exec lines...]
exec_kubeconfig() {
	f=$1 mode=$2 api=${3:-client.authentication.k8s.io/v1}
	if [ $# -ge 3 ]; then shift 3; else shift $#; fi
	{
		cat <<YAML
apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster: {server: "$S", certificate-authority-data: "$CA_DATA"}
contexts:
- name: e2e
  context: {cluster: e2e, user: plugin}
current-context: e2e
users:
- name: plugin
  user:
    exec:
      apiVersion: $api
      command: ./bin/e2e-cred
      args: [$mode]
      env: [{name: E2E_GREETING, value: hello}]
      interactiveMode: Never
      installHint: "install e2e-cred with: make e2e-cred"
YAML
		for l in "$@"; do printf '      %s\n' "$l"; done
	} >"$f"
}
runs() { if [ -f runs ]; then wc -l <runs | tr -d ' '; else echo 0; fi; }

test_expect_success 'a v1 plugin'"'"'s token authenticates; it runs once for many requests (cached)' '
	exec_kubeconfig ok.kubeconfig ok &&
	rm -f runs &&
	printf "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: e%d}\n---\n" 1 2 3 >three.yaml &&
	arc kube apply -n default -f three.yaml --kubeconfig ok.kubeconfig -v 1 >out 2>log &&
	test_equal 3 "$(grep -c serverside-applied out)" &&
	test "$(grep -c " 20[01] in " log)" -ge 5 &&
	test_equal 1 "$(runs)" &&
	test_equal 1 "$(grep -c "running exec credential plugin" log)"
'

test_expect_success 'KUBERNETES_EXEC_INFO: an ExecCredential of the same apiVersion, not interactive' '
	test_equal "ExecCredential client.authentication.k8s.io/v1 False None" \
		"$(json_get "\" \".join(str(x) for x in (d[\"kind\"], d[\"apiVersion\"], d[\"spec\"][\"interactive\"], d[\"spec\"].get(\"cluster\")))" <exec-info.json)"
'

test_expect_success 'args and env of the kubeconfig reach the plugin, with the parent environment' '
	E2E_PARENT=from-parent arc kube get v1 Namespace default -o name --kubeconfig ok.kubeconfig &&
	test_equal "args=ok greeting=hello parent=from-parent" "$(cat seen)"
'

test_expect_success 'provideClusterInfo: KUBERNETES_EXEC_INFO carries the cluster (server, CA)' '
	exec_kubeconfig info.kubeconfig ok client.authentication.k8s.io/v1 "provideClusterInfo: true" &&
	arc kube get v1 Namespace default -o name --kubeconfig info.kubeconfig &&
	test_equal "$S" "$(json_get "d[\"spec\"][\"cluster\"][\"server\"]" <exec-info.json)" &&
	test_equal "$CA_DATA" "$(json_get "d[\"spec\"][\"cluster\"][\"certificate-authority-data\"]" <exec-info.json)"
'

test_expect_success 'a v1beta1 plugin' '
	exec_kubeconfig beta.kubeconfig v1beta1 client.authentication.k8s.io/v1beta1 &&
	arc kube get v1 Namespace default -o name --kubeconfig beta.kubeconfig &&
	test_equal client.authentication.k8s.io/v1beta1 "$(json_get "d[\"apiVersion\"]" <exec-info.json)"
'

test_expect_success 'an expirationTimestamp in the future keeps the credential cached' '
	exec_kubeconfig future.kubeconfig future && rm -f runs &&
	arc kube apply -n default -f three.yaml --kubeconfig future.kubeconfig >/dev/null &&
	test_equal 1 "$(runs)"
'

test_expect_success 'an expired credential makes the plugin run again' '
	exec_kubeconfig expired.kubeconfig expired && rm -f runs &&
	arc kube apply -n default -f three.yaml --kubeconfig expired.kubeconfig >/dev/null &&
	test "$(runs)" -ge 4
'

test_expect_success 'a 401 makes the plugin run again, once; the new token is used' '
	exec_kubeconfig stale.kubeconfig bad-then-good && rm -f runs &&
	arc kube get v1 Namespace default -o name --kubeconfig stale.kubeconfig -v 1 >out 2>log &&
	test_equal namespace/default "$(cat out)" &&
	test_equal 2 "$(runs)" &&
	test_grep "GET .*/api 401 in" log && test_grep "rejected the cached credential" log
'

test_expect_success 'a token the server keeps rejecting: one retry, then Unauthorized on one line' '
	exec_kubeconfig bad.kubeconfig bad && rm -f runs &&
	test_must_fail arc kube get v1 Namespace default --kubeconfig bad.kubeconfig 2>err &&
	test_one_line_error err && test_grep "Unauthorized" err &&
	test_grep ! e2e-stale-token err &&
	test_equal 2 "$(runs)"
'

test_expect_success 'a client certificate and key from the plugin' '
	exec_kubeconfig cert.kubeconfig cert &&
	E2E_CERT=$ARC_CLUSTER_ADMIN_CERT E2E_KEY=$ARC_CLUSTER_ADMIN_KEY \
		arc kube get v1 Namespace default -o name --kubeconfig cert.kubeconfig >out &&
	test_equal namespace/default "$(cat out)"
'

test_expect_success 'the command resolves against the kubeconfig'"'"'s directory when it has a /, else PATH' '
	mkdir -p elsewhere &&
	(cd elsewhere && "$ARC" kube get v1 Namespace default -o name --kubeconfig ../ok.kubeconfig) >out &&
	test_equal namespace/default "$(cat out)" &&
	sed "s|command: ./bin/e2e-cred|command: e2e-cred|" ok.kubeconfig >path.kubeconfig &&
	PATH=$TEST_DIR/bin:$PATH arc kube get v1 Namespace default -o name --kubeconfig path.kubeconfig >out &&
	test_equal namespace/default "$(cat out)"
'

test_expect_success 'a missing plugin: one line with the installHint, exit 1' '
	sed "s|command: ./bin/e2e-cred|command: e2e-cred-missing|" ok.kubeconfig >missing.kubeconfig &&
	test_must_fail arc kube get v1 Namespace default --kubeconfig missing.kubeconfig 2>err &&
	test_one_line_error err &&
	test_grep "e2e-cred-missing" err && test_grep "not found" err &&
	test_grep "install e2e-cred with: make e2e-cred" err
'

test_expect_success 'a plugin exiting non-zero: its exit status and stderr on one line' '
	exec_kubeconfig fail.kubeconfig fail &&
	test_must_fail arc kube get v1 Namespace default --kubeconfig fail.kubeconfig 2>err &&
	test_one_line_error err &&
	test_grep "exit status 3" err && test_grep "cannot log in: no session" err
'

test_expect_success 'a plugin printing garbage: one line, exit 1' '
	exec_kubeconfig garbage.kubeconfig garbage &&
	test_must_fail arc kube get v1 Namespace default --kubeconfig garbage.kubeconfig 2>err &&
	test_one_line_error err && test_grep "not an ExecCredential" err
'

test_expect_success 'a plugin answering with another apiVersion: one line, exit 1' '
	exec_kubeconfig wrong.kubeconfig wrong-api &&
	test_must_fail arc kube get v1 Namespace default --kubeconfig wrong.kubeconfig 2>err &&
	test_one_line_error err && test_grep "apiVersion \"client.authentication.k8s.io/v1beta1\"" err
'

test_expect_success 'a hanging plugin is killed after --request-timeout: one line, no hang' '
	exec_kubeconfig hang.kubeconfig hang &&
	start=$(date +%s) &&
	test_must_fail arc kube get v1 Namespace default --kubeconfig hang.kubeconfig --request-timeout=2s 2>err &&
	test "$(($(date +%s) - start))" -le 8 &&
	test_one_line_error err && test_grep "did not answer within 2 s" err &&
	! ps -eo args | grep -qx "sleep 600"
'

test_expect_success 'exec v1 without interactiveMode is refused; an unknown apiVersion too' '
	grep -v interactiveMode ok.kubeconfig >nomode.kubeconfig &&
	test_must_fail arc kube get v1 Namespace default --kubeconfig nomode.kubeconfig 2>err &&
	test_one_line_error err && test_grep "interactiveMode must be specified" err &&
	exec_kubeconfig alpha.kubeconfig ok client.authentication.k8s.io/v1alpha1 &&
	test_must_fail arc kube get v1 Namespace default --kubeconfig alpha.kubeconfig 2>err &&
	test_one_line_error err && test_grep "v1alpha1" err
'

test_expect_success 'the plugin'"'"'s token never shows in -v logs or errors' '
	arc kube list v1 ConfigMap -n default --kubeconfig ok.kubeconfig -v 9 >out 2>log &&
	test_grep "running exec credential plugin" log &&
	! grep -F "$TOKEN" log out
'

test_expect_success 'a user with a token and an exec plugin: the token is used, the plugin not run' '
	python3 - "$TOKEN" <<-PY &&
	import sys
	t = open("missing.kubeconfig").read().replace("  user:\n", "  user:\n    token: \"%s\"\n" % sys.argv[1], 1)
	open("tokexec.kubeconfig", "w").write(t)
	PY
	grep -q "token: " tokexec.kubeconfig && grep -q "e2e-cred-missing" tokexec.kubeconfig &&
	test_equal namespace/default "$(arc kube get v1 Namespace default -o name --kubeconfig tokexec.kubeconfig)"
'

test_done
