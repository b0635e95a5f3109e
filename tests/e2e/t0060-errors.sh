#!/bin/sh
# Failures: each is one clear line "Error: …", a non-zero exit, bounded in time, and
# no secret (token, password, key) in any message or log.
. "$(dirname "$0")/lib.sh"

S=$ARC_CLUSTER_SERVER
PORT=${S##*:}
CA_DATA=$(e2e_base64 "$ARC_CLUSTER_CA")
TOKEN=$(e2e_sa_token e2e-admin) || die "cannot get a token"
GONE_TOKEN=$(e2e_sa_token e2e-gone none) && kc -n e2e-auth delete serviceaccount e2e-gone >/dev/null ||
	die "cannot make a token of a deleted ServiceAccount"
PASSWORD=e2e-Secret-Password-42
DEAD=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

kubeconfig() { # file server ca-data user-yaml [cluster-extra]
	cat >"$1" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster: {server: "$2", certificate-authority-data: "$3"$5}
users:
- name: u
  user: $4
contexts:
- name: e2e
  context: {cluster: e2e, user: u}
current-context: e2e
YAML
}
kubeconfig token.kubeconfig "$S" "$CA_DATA" "{token: \"$TOKEN\"}"

# timed: run a failing kubectl-arc command, at most $1 seconds
must_fail_within() { # seconds args...
	lim=$1; shift
	st=$(date +%s)
	test_must_fail arc "$@" || return 1
	el=$(($(date +%s) - st))
	[ $el -le "$lim" ] || { echo "took ${el}s, limit ${lim}s" >&2; return 1; }
}

test_expect_success 'a wrong CA: TLS verification fails, one line naming the cluster' '
	openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.crt -subj /CN=other-ca -days 1 2>/dev/null &&
	kubeconfig wrongca.kubeconfig "$S" "$(e2e_base64 other.crt)" "{token: \"$TOKEN\"}" &&
	must_fail_within 10 kube get v1 Namespace default --kubeconfig wrongca.kubeconfig 2>err &&
	test_one_line_error err &&
	test_grep "TLS verification of the server $S failed" err && test_grep "cluster \"e2e\"" err &&
	test_grep ! "$TOKEN" err
'

test_expect_success '--certificate-authority replaces a wrong CA; insecure-skip-tls-verify skips it' '
	test_equal namespace/default "$(arc kube get v1 Namespace default -o name --kubeconfig wrongca.kubeconfig --certificate-authority "$ARC_CLUSTER_CA")" &&
	kubeconfig insecure.kubeconfig "$S" "" "{token: \"$TOKEN\"}" &&
	sed -i "/certificate-authority-data/s/, certificate-authority-data: \"\"/, insecure-skip-tls-verify: true/" insecure.kubeconfig &&
	test_grep "insecure-skip-tls-verify: true" insecure.kubeconfig &&
	test_equal namespace/default "$(arc kube get v1 Namespace default -o name --kubeconfig insecure.kubeconfig)" &&
	test_equal namespace/default "$(arc kube get v1 Namespace default -o name --kubeconfig wrongca.kubeconfig --insecure-skip-tls-verify)"
'

test_expect_success 'tls-server-name: verified against that name (a SAN of the server), and fails for another' '
	kubeconfig sni.kubeconfig "$S" "$CA_DATA" "{token: \"$TOKEN\"}" ", tls-server-name: kubernetes.default" &&
	test_equal namespace/default "$(arc kube get v1 Namespace default -o name --kubeconfig sni.kubeconfig)" &&
	test_must_fail arc kube get v1 Namespace default --kubeconfig sni.kubeconfig --tls-server-name wrong.example 2>err &&
	test_one_line_error err && test_grep "TLS verification" err
'

test_expect_success 'an unknown context (flag or current-context), cluster or user' '
	test_must_fail arc kube list v1 Namespace --context nope 2>err &&
	test_one_line_error err && test_grep "context \"nope\" does not exist" err &&
	sed "s/^current-context: e2e/current-context: gone/" token.kubeconfig >cur.kubeconfig &&
	test_must_fail arc kube list v1 Namespace --kubeconfig cur.kubeconfig 2>err &&
	test_one_line_error err && test_grep "context \"gone\" does not exist" err &&
	test_must_fail arc kube list v1 Namespace --cluster nope 2>err &&
	test_one_line_error err && test_grep "cluster \"nope\" does not exist" err &&
	test_must_fail arc kube list v1 Namespace --user nope 2>err &&
	test_one_line_error err && test_grep "auth info \"nope\" does not exist" err
'

test_expect_success 'server down: connection refused, at once' '
	kubeconfig down.kubeconfig "https://127.0.0.1:$DEAD" "$CA_DATA" "{token: \"$TOKEN\"}" &&
	must_fail_within 5 kube list v1 Namespace --kubeconfig down.kubeconfig 2>err &&
	test_one_line_error err && test_grep "127.0.0.1:$DEAD: connection refused" err &&
	test_grep ! "$TOKEN" err
'

test_expect_success 'a server that accepts but never answers: --request-timeout bounds it' '
	python3 -c "
import socket, sys, time
s = socket.socket(); s.bind((\"127.0.0.1\", 0)); s.listen(8)
print(s.getsockname()[1]); sys.stdout.flush(); time.sleep(60)" >mute.port &
	mute=$! &&
	wait_until 10 test -s mute.port &&
	kubeconfig mute.kubeconfig "https://127.0.0.1:$(cat mute.port)" "$CA_DATA" "{token: \"$TOKEN\"}" &&
	must_fail_within 8 kube list v1 Namespace --kubeconfig mute.kubeconfig --request-timeout=2s 2>err;
	rc=$?; kill $mute; test $rc = 0 &&
	test_one_line_error err && test_grep "no answer within 2s \(--request-timeout\)" err
'

test_expect_success 'an invalid token: 401 Unauthorized on one line, the token not repeated' '
	kubeconfig bad.kubeconfig "$S" "$CA_DATA" "{token: \"e2e-invalid-token-abcdef\"}" &&
	must_fail_within 5 kube list v1 Namespace --kubeconfig bad.kubeconfig 2>err &&
	test_one_line_error err && test_grep "Unauthorized" err && test_grep ! "e2e-invalid-token" err
'

test_expect_success 'the token of a deleted ServiceAccount (no longer valid): 401 on one line' '
	kubeconfig gone.kubeconfig "$S" "$CA_DATA" "{token: \"$GONE_TOKEN\"}" &&
	must_fail_within 5 kube list v1 Namespace --kubeconfig gone.kubeconfig 2>err &&
	test_one_line_error err && test_grep "Unauthorized" err && test_grep ! "$GONE_TOKEN" err
'

test_expect_success 'basic auth (rejected by this server): the password appears nowhere' '
	kubeconfig basic.kubeconfig "$S" "$CA_DATA" "{username: e2e, password: \"$PASSWORD\"}" &&
	must_fail_within 5 kube list v1 Namespace --kubeconfig basic.kubeconfig -v 9 >out 2>err &&
	test_grep "Unauthorized|anonymous" err && test_grep ! "$PASSWORD" err && test_grep ! "$PASSWORD" out &&
	test_grep "^Error: " err
'

test_expect_success 'two authentication methods in one user are refused' '
	kubeconfig two.kubeconfig "$S" "$CA_DATA" "{token: \"$TOKEN\", username: e2e, password: \"$PASSWORD\"}" &&
	test_must_fail arc kube list v1 Namespace --kubeconfig two.kubeconfig 2>err &&
	test_one_line_error err && test_grep "more than one authentication method" err &&
	test_grep ! "$PASSWORD" err && test_grep ! "$TOKEN" err
'

test_expect_success 'credentials are never sent over plain http' '
	kubeconfig http.kubeconfig "http://127.0.0.1:$DEAD" "" "{token: \"$TOKEN\"}" &&
	test_must_fail arc kube list v1 Namespace --kubeconfig http.kubeconfig 2>err &&
	test_one_line_error err && test_grep "plain HTTP" err && test_grep ! "$TOKEN" err
'

test_expect_success 'no kubeconfig anywhere (and not in a pod)' '
	mkdir -p emptyhome &&
	HOME=$TEST_DIR/emptyhome KUBECONFIG= test_must_fail arc kube list v1 Namespace 2>err &&
	test_one_line_error err && test_grep "no kubeconfig found" err
'

test_expect_success 'a --kubeconfig that does not exist; one that is not YAML' '
	test_must_fail arc kube list v1 Namespace --kubeconfig does-not-exist 2>err &&
	test_one_line_error err && test_grep "does-not-exist" err &&
	printf "clusters: [unclosed\n" >broken.kubeconfig &&
	test_must_fail arc kube list v1 Namespace --kubeconfig broken.kubeconfig 2>err &&
	test_one_line_error err && test_grep "broken.kubeconfig" err
'

test_expect_success 'an auth-provider user is refused with a pointer to exec plugins' '
	kubeconfig ap.kubeconfig "$S" "$CA_DATA" "{auth-provider: {name: oidc, config: {id-token: secret-id-token}}}" &&
	test_must_fail arc kube list v1 Namespace --kubeconfig ap.kubeconfig 2>err &&
	test_one_line_error err && test_grep "auth-provider" err && test_grep ! "secret-id-token" err
'

test_expect_success '-v 1 logs every request with its status; the token never appears' '
	arc kube apply -n default -f /dev/null --kubeconfig token.kubeconfig &&
	printf "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: logged}\n" >cm.yaml &&
	arc kube apply -n default -f cm.yaml --kubeconfig token.kubeconfig -v 1 >out 2>log &&
	test_equal 3 "$(grep -c "^I[0-9]\{4\} [0-9:.]* \(GET\|PATCH\) https://127.0.0.1:$PORT/[^ ]* [0-9]\{3\} in [0-9]* ms$" log)" &&
	test_grep "GET https://127.0.0.1:$PORT/api 200" log &&
	test_grep "GET https://127.0.0.1:$PORT/apis 200" log &&
	test_grep "PATCH https://127.0.0.1:$PORT/api/v1/namespaces/default/configmaps/logged\?fieldManager=kubectl-arc 20[01]" log &&
	arc kube get v1 ConfigMap missing -n default --kubeconfig token.kubeconfig --debug >out 2>log;
	test_grep "configmaps/missing 404 in" log &&
	! grep -F "$TOKEN" log out
'

test_expect_success 'without -v nothing but the result is printed' '
	arc kube get v1 ConfigMap logged -n default -o name --kubeconfig token.kubeconfig >out 2>err &&
	! test -s err && test_equal configmap/logged "$(cat out)"
'

test_expect_success 'server warnings are printed once each, as kubectl does' '
	cat >dep-crd.yaml <<-YAML &&
	apiVersion: apiextensions.k8s.io/v1
	kind: CustomResourceDefinition
	metadata: {name: olds.e2e.example.com}
	spec:
	  group: e2e.example.com
	  names: {kind: Old, plural: olds, singular: old, listKind: OldList}
	  scope: Namespaced
	  versions:
	  - name: v1
	    served: true
	    storage: true
	    deprecated: true
	    deprecationWarning: "e2e.example.com/v1 Old is deprecated; use nothing"
	    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
	---
	apiVersion: e2e.example.com/v1
	kind: Old
	metadata: {name: o1}
	---
	apiVersion: e2e.example.com/v1
	kind: Old
	metadata: {name: o2}
	YAML
	arc kube apply -n default -f dep-crd.yaml >out 2>err &&
	test_equal 3 "$(wc -l <out)" &&
	test_equal "Warning: e2e.example.com/v1 Old is deprecated; use nothing" "$(cat err)"
'

test_expect_success 'every error above kept secrets out (tokens, password)' '
	ls ../*/err >/dev/null && cd .. && ! grep -rlF -e "$TOKEN" -e "$PASSWORD" -e "$GONE_TOKEN" --include=err --include=log --include=out .
'

test_done
