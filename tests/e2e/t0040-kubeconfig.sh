#!/bin/sh
# kubeconfig handling end to end: client certificates (inline data, files with relative
# paths), bearer tokens (token, tokenFile, --token), KUBECONFIG lists and their merge rules,
# --context switching, the namespace of the context and -n.
. "$(dirname "$0")/lib.sh"

S=$ARC_CLUSTER_SERVER
TOKEN=$(e2e_sa_token e2e-admin) || die "cannot get a token for e2e-admin"
NOBODY=$(e2e_sa_token e2e-nobody none) || die "cannot get a token for e2e-nobody"
DEAD=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p certs && cp "$ARC_CLUSTER_CA" certs/ca.crt && cp "$ARC_CLUSTER_ADMIN_CERT" certs/admin.crt &&
	cp "$ARC_CLUSTER_ADMIN_KEY" certs/admin.key || die "cannot copy certificates"
CA_DATA=$(e2e_base64 certs/ca.crt)
e2e_namespace e2e-kc-1 && e2e_namespace e2e-kc-2 || die "cannot create namespaces"
kc -n default delete configmap marker --ignore-not-found >/dev/null
for ns in e2e-kc-1 e2e-kc-2 default; do
	kc -n $ns create configmap marker --from-literal=who=$ns >/dev/null || die "cannot create marker in $ns"
done

# token_kubeconfig FILE TOKEN [SERVER]: cluster + a user with only a bearer token
token_kubeconfig() {
	cat >"$1" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster: {server: "${3:-$S}", certificate-authority-data: "$CA_DATA"}
users:
- name: tok
  user: {token: "$2"}
contexts:
- name: e2e
  context: {cluster: e2e, user: tok}
current-context: e2e
YAML
}

who() { # [arc flags]: the namespace whose "marker" ConfigMap kubectl-arc reads
	"$ARC" kube get v1 ConfigMap marker -o json "$@" | json_get 'd["data"]["who"]'
}

test_expect_success 'client certificate inline (-data fields): the admin kubeconfig of the cluster' '
	arc kube list v1 Namespace -o name >out &&
	test_grep "^namespace/kube-system$" out &&
	KUBECONFIG=/nonexistent arc kube list v1 Namespace -o name --kubeconfig "$ARC_CLUSTER_STATE/admin.kubeconfig" >out2 &&
	test_cmp out out2
'

test_expect_success 'client certificate from files with paths relative to the kubeconfig file' '
	mkdir -p kc-files/sub &&
	cat >kc-files/sub/config <<-YAML &&
	apiVersion: v1
	kind: Config
	clusters:
	- name: e2e
	  cluster: {server: "$S", certificate-authority: ../../certs/ca.crt}
	users:
	- name: admin
	  user: {client-certificate: ../../certs/admin.crt, client-key: ../../certs/admin.key}
	contexts:
	- name: e2e
	  context: {cluster: e2e, user: admin}
	current-context: e2e
	YAML
	(cd / && "$ARC" kube get v1 Namespace default -o name --kubeconfig "$TEST_DIR/kc-files/sub/config") >out &&
	test_equal namespace/default "$(cat out)" &&
	(cd kc-files && KUBECONFIG=sub/config "$ARC" kube get v1 Namespace default -o name) >out &&
	test_equal namespace/default "$(cat out)" &&
	(cd kc-files/sub && KUBECONFIG=config "$ARC" kube get v1 Namespace default -o name) >out &&
	test_equal namespace/default "$(cat out)"
'

test_expect_success 'a missing certificate file is named in a one-line error' '
	sed "s|admin.crt|nothere.crt|" kc-files/sub/config >kc-files/sub/broken &&
	test_must_fail arc kube list v1 Namespace --kubeconfig kc-files/sub/broken 2>err &&
	test_one_line_error err && test_grep "nothere.crt" err
'

test_expect_success 'bearer token of a ServiceAccount (TokenRequest API), bound to cluster-admin' '
	token_kubeconfig tok.kubeconfig "$TOKEN" &&
	printf "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: by-token}\ndata: {k: t}\n" >cm.yaml &&
	arc kube apply -n e2e-kc-1 -f cm.yaml --kubeconfig tok.kubeconfig &&
	test_equal t "$(kc -n e2e-kc-1 get cm by-token -o jsonpath={.data.k})" &&
	arc kube get v1 ConfigMap by-token -n e2e-kc-1 -o name --kubeconfig tok.kubeconfig
'

test_expect_success 'the token is what authenticates: an unbound ServiceAccount is Forbidden, by name' '
	token_kubeconfig nobody.kubeconfig "$NOBODY" &&
	test_must_fail arc kube get v1 ConfigMap marker -n default --kubeconfig nobody.kubeconfig 2>err &&
	test_one_line_error err &&
	test_grep "system:serviceaccount:e2e-auth:e2e-nobody" err && test_grep "forbidden" err &&
	test_grep ! "$NOBODY" err
'

test_expect_success 'tokenFile (relative path, trailing newline) from a service-account-token Secret' '
	cat >secret.yaml <<-YAML &&
	apiVersion: v1
	kind: Secret
	type: kubernetes.io/service-account-token
	metadata:
	  name: e2e-admin-token
	  annotations: {kubernetes.io/service-account.name: e2e-admin}
	YAML
	arc kube apply -n e2e-auth -f secret.yaml &&
	wait_until 30 test -n "$(kc -n e2e-auth get secret e2e-admin-token -o jsonpath={.data.token})" &&
	mkdir -p tf/tokens &&
	kc -n e2e-auth get secret e2e-admin-token -o jsonpath={.data.token} | base64 -d >tf/tokens/admin &&
	echo >>tf/tokens/admin &&
	token_kubeconfig tf/config "" &&
	sed -i "s|{token: \"\"}|{tokenFile: tokens/admin}|" tf/config &&
	test_grep "tokenFile: tokens/admin" tf/config &&
	(cd / && "$ARC" kube get v1 ConfigMap marker -n e2e-kc-2 -o name --kubeconfig "$TEST_DIR/tf/config") >out &&
	test_equal configmap/marker "$(cat out)"
'

test_expect_success 'token beats tokenFile' '
	token_kubeconfig both.kubeconfig "$TOKEN" &&
	echo garbage >garbage.token &&
	sed -i "s|{token: \"$TOKEN\"}|{token: \"$TOKEN\", tokenFile: garbage.token}|" both.kubeconfig &&
	test_grep garbage.token both.kubeconfig &&
	test_equal namespace/default "$(arc kube get v1 Namespace default -o name --kubeconfig both.kubeconfig)"
'

test_expect_success '--token and --server with a kubeconfig that has neither' '
	cat >bare.kubeconfig <<-YAML &&
	apiVersion: v1
	kind: Config
	clusters:
	- name: e2e
	  cluster: {certificate-authority-data: "$CA_DATA"}
	contexts:
	- name: e2e
	  context: {cluster: e2e}
	current-context: e2e
	YAML
	arc kube get v1 Namespace default -o name --kubeconfig bare.kubeconfig --server "$S" --token "$TOKEN" >out &&
	test_equal namespace/default "$(cat out)"
'

# two files for KUBECONFIG: the same names with different contents
cat >a.kubeconfig <<YAML
apiVersion: v1
kind: Config
clusters:
- name: shared
  cluster: {server: "$S", certificate-authority-data: "$CA_DATA"}
users:
- name: u
  user: {token: "$TOKEN"}
contexts:
- name: ctx-a
  context: {cluster: shared, user: u, namespace: e2e-kc-1}
current-context: ctx-a
YAML
cat >b.kubeconfig <<YAML
apiVersion: v1
kind: Config
clusters:
- name: shared
  cluster: {server: "https://127.0.0.1:$DEAD", certificate-authority-data: "$CA_DATA"}
- name: only-b
  cluster: {server: "$S", certificate-authority-data: "$CA_DATA"}
users:
- name: u
  user: {token: "not-the-right-token"}
contexts:
- name: ctx-b
  context: {cluster: shared, user: u, namespace: e2e-kc-2}
- name: ctx-only-b
  context: {cluster: only-b, user: u}
current-context: ctx-b
YAML

test_expect_success 'KUBECONFIG=a:b: current-context, cluster and user come from the first file' '
	test_equal e2e-kc-1 "$(KUBECONFIG=a.kubeconfig:b.kubeconfig who)"
'

test_expect_success 'KUBECONFIG=a:b --context ctx-b: the context from b, its cluster "shared" from a' '
	test_equal e2e-kc-2 "$(KUBECONFIG=a.kubeconfig:b.kubeconfig who --context ctx-b)"
'

test_expect_success 'KUBECONFIG=a:b --context ctx-only-b: cluster only in b, user "u" from a' '
	test_equal default "$(KUBECONFIG=a.kubeconfig:b.kubeconfig who --context ctx-only-b)"
'

test_expect_success 'KUBECONFIG=b:a: now b wins (its dead server is used: connection refused)' '
	KUBECONFIG=b.kubeconfig:a.kubeconfig test_must_fail arc kube get v1 ConfigMap marker 2>err &&
	test_one_line_error err &&
	test_grep "127.0.0.1:$DEAD" err && test_grep "connection refused" err
'

test_expect_success 'KUBECONFIG=b:a --context ctx-only-b: user "u" from b (wrong token: Unauthorized)' '
	KUBECONFIG=b.kubeconfig:a.kubeconfig test_must_fail arc kube get v1 ConfigMap marker --context ctx-only-b 2>err &&
	test_one_line_error err && test_grep "Unauthorized" err &&
	test_grep ! "not-the-right-token" err
'

test_expect_success 'KUBECONFIG: missing files, duplicates and empty entries are skipped' '
	test_equal e2e-kc-1 "$(KUBECONFIG=/nonexistent::a.kubeconfig:a.kubeconfig:b.kubeconfig: who)"
'

test_expect_success '--kubeconfig replaces the KUBECONFIG list' '
	test_equal e2e-kc-1 "$(KUBECONFIG=b.kubeconfig who --kubeconfig a.kubeconfig)"
'

# one file, three contexts of the admin with different namespaces
sed -e '/^current-context/d' -e '/^contexts:/,$d' "$ARC_CLUSTER_STATE/admin.kubeconfig" >ctx.kubeconfig
cat >>ctx.kubeconfig <<YAML
contexts:
- name: c1
  context: {cluster: arc-e2e, user: admin, namespace: e2e-kc-1}
- name: c2
  context: {cluster: arc-e2e, user: admin, namespace: e2e-kc-2}
- name: c3
  context: {cluster: arc-e2e, user: admin}
current-context: c1
YAML

test_expect_success 'the namespace of the current context is used' '
	test_equal e2e-kc-1 "$(KUBECONFIG=ctx.kubeconfig who)"
'

test_expect_success '--context switches contexts (and with them the namespace)' '
	test_equal e2e-kc-2 "$(KUBECONFIG=ctx.kubeconfig who --context c2)" &&
	test_equal e2e-kc-2 "$(KUBECONFIG=ctx.kubeconfig who --context=c2)"
'

test_expect_success 'a context without a namespace means "default"' '
	test_equal default "$(KUBECONFIG=ctx.kubeconfig who --context c3)"
'

test_expect_success '-n / --namespace override the context'"'"'s namespace' '
	test_equal e2e-kc-2 "$(KUBECONFIG=ctx.kubeconfig who -n e2e-kc-2)" &&
	test_equal default "$(KUBECONFIG=ctx.kubeconfig who --context c2 --namespace default)" &&
	test_equal e2e-kc-1 "$(KUBECONFIG=ctx.kubeconfig who --context c3 -ne2e-kc-1)"
'

test_expect_success 'apply and list use the namespace of the context' '
	printf "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: placed}\n" >placed.yaml &&
	KUBECONFIG=ctx.kubeconfig arc kube apply -f placed.yaml --context c2 &&
	kc -n e2e-kc-2 get cm placed &&
	test_must_fail kc -n e2e-kc-1 get cm placed 2>/dev/null &&
	KUBECONFIG=ctx.kubeconfig arc kube list v1 ConfigMap --context c2 -o name >out &&
	test_grep "^configmap/placed$" out &&
	KUBECONFIG=ctx.kubeconfig arc kube list v1 ConfigMap -o name >out1 &&
	test_grep ! "^configmap/placed$" out1
'

test_expect_success '--cluster and --user pick entries by name' '
	test_equal e2e-kc-1 "$(KUBECONFIG=a.kubeconfig:b.kubeconfig who --cluster only-b)" &&
	test_equal e2e-kc-2 "$(KUBECONFIG=ctx.kubeconfig who --context c2 --user admin)"
'

test_expect_success '--as / --as-group impersonate (the admin may): the server sees that user' '
	test_must_fail arc kube get v1 ConfigMap marker -n default --as e2e-someone 2>err &&
	test_one_line_error err && test_grep "User \"e2e-someone\" cannot get resource" err &&
	arc kube get v1 ConfigMap marker -n default -o name --as e2e-someone --as-group system:masters >out &&
	test_equal configmap/marker "$(cat out)"
'

test_expect_success 'as a Helm plugin: HELM_KUBECONTEXT, HELM_NAMESPACE and HELM_KUBETOKEN are honoured' '
	test_equal e2e-kc-2 "$(KUBECONFIG=ctx.kubeconfig HELM_PLUGIN_NAME=arc HELM_KUBECONTEXT=c2 who)" &&
	test_equal default "$(KUBECONFIG=ctx.kubeconfig HELM_PLUGIN_NAME=arc HELM_NAMESPACE=default who)" &&
	test_equal e2e-kc-1 "$(KUBECONFIG=ctx.kubeconfig HELM_PLUGIN_NAME=arc HELM_NAMESPACE=default who -n e2e-kc-1)" &&
	test_equal e2e-kc-2 "$(KUBECONFIG=bare.kubeconfig HELM_PLUGIN_NAME=arc HELM_KUBEAPISERVER=$S HELM_KUBETOKEN=$TOKEN who -n e2e-kc-2)" &&
	test_equal e2e-kc-1 "$(KUBECONFIG=ctx.kubeconfig HELM_KUBECONTEXT=c2 who)"
'

test_expect_success 'a client certificate together with a token (as AKS admin credentials) is accepted' '
	cat >aks.kubeconfig <<-YAML &&
	apiVersion: v1
	kind: Config
	clusters:
	- name: e2e
	  cluster: {server: "$S", certificate-authority-data: "$CA_DATA"}
	users:
	- name: both
	  user:
	    client-certificate-data: $(e2e_base64 certs/admin.crt)
	    client-key-data: $(e2e_base64 certs/admin.key)
	    token: "$TOKEN"
	contexts:
	- name: e2e
	  context: {cluster: e2e, user: both}
	current-context: e2e
	YAML
	test_equal namespace/default "$(arc kube get v1 Namespace default -o name --kubeconfig aks.kubeconfig)"
'

test_done
