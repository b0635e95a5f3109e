#!/bin/sh
# kubectl-arc as a kubectl plugin (real kubectl, kubectl_complete-arc), as a Helm plugin
# (`helm plugin install` with real helm v3.17.2 and v4.1.4, HELM_DATA_HOME in a temp dir:
# helm 4.1.4 links plugins into $HELM_DATA_HOME/plugins whatever HELM_PLUGINS says), its
# help, suggestions, exit codes, colours, completion scripts, man page, and the krew
# manifest of `make dist` (installed with krew when krew can be had).
. "$(dirname "$0")/lib.sh"
e2e_namespace e2e-plugins || die "cannot create namespace"

HELM4=$(sh "$TOP/tests/tools.sh" 2>/dev/null | sed -n 1p)
HELM3=$(sh "$TOP/tests/tools.sh" 2>/dev/null | sed -n 2p)
[ -x "$HELM4" ] && [ -x "$HELM3" ] || die "no helm v4/v3 (tests/tools.sh)"

mkdir -p path && cp "$ARC" path/kubectl-arc && cp "$TOP/scripts/kubectl_complete-arc" path/ ||
	die "cannot set up PATH"
PATH=$TEST_DIR/path:$PATH
export PATH
k() { timeout 120 "$KUBECTL" "$@"; }
skip() { say "skipped: $*"; }
test_must_be_empty_() { [ ! -s "$1" ] || { sed "s/^/    | /" "$1" >&2; return 1; }; }

kc -n "$NS" create configmap marker --from-literal=k=v >/dev/null || die "cannot create the marker"
SA_TOKEN=$(e2e_sa_token e2e-plugins) || die "no ServiceAccount token"
PORT=${ARC_CLUSTER_SERVER##*:}

# current-context "broken" points at nothing: every test must choose its way in
cat >kc <<EOF || die "cannot write kc"
apiVersion: v1
kind: Config
clusters:
- name: arc-e2e
  cluster: {server: "$ARC_CLUSTER_SERVER", certificate-authority: "$ARC_CLUSTER_CA"}
- name: broken
  cluster: {server: "https://127.0.0.1:1", certificate-authority: "$ARC_CLUSTER_CA"}
users:
- name: admin
  user: {client-certificate: "$ARC_CLUSTER_ADMIN_CERT", client-key: "$ARC_CLUSTER_ADMIN_KEY"}
contexts:
- name: good
  context: {cluster: arc-e2e, user: admin, namespace: $NS}
- name: there
  context: {cluster: arc-e2e, user: admin, namespace: kube-system}
- name: broken
  context: {cluster: broken, user: admin}
current-context: broken
EOF
KC=$TEST_DIR/kc

# --- kubectl plugin ------------------------------------------------------------------------

test_expect_success 'kubectl plugin list finds kubectl-arc, kubectl_complete-arc is next to it' '
	k plugin list 2>&1 | grep -q "$TEST_DIR/path/kubectl-arc" &&
	test -x "$(dirname "$(command -v kubectl-arc)")/kubectl_complete-arc"
'

test_expect_success 'kubectl arc --help lists every command, one line each' '
	k arc --help >help &&
	sed -n "/^Commands:/,/^\$/p" help | sed -e 1d -e "/^\$/d" >cmds &&
	test "$(wc -l <cmds)" -ge 8 &&
	! grep -Ev "^  [a-z][a-z-]* +[A-Z].{10,}" cmds &&
	awk "{print \$1}" cmds | grep -v "^help\$" >names &&
	k arc __complete "" | sed -e "/^:/d" -e "s/	.*//" | grep -v "^help\$" >complete-names &&
	test_cmp names complete-names &&
	for c in $(cat names); do
		k arc $c --help >h.$c || { echo "$c --help failed"; exit 1; }
		grep -q "^  kubectl arc $c" h.$c || { echo "$c --help: no usage line"; exit 1; }
	done
'

test_expect_success 'help COMMAND is COMMAND --help; no arguments prints the help' '
	k arc help version >a && k arc version --help >b && test_cmp a b &&
	k arc >c && test_grep "^Commands:" c
'

test_expect_success 'unknown commands and flags: exit 2 and the nearest name' '
	k arc instal 2>err; test $? = 2 &&
	test_grep "unknown command \"instal\" for \"kubectl arc\" \\(did you mean \"install\"\\?\\)" err &&
	k arc stauts 2>err; test $? = 2 && test_grep "did you mean \"status\"" err &&
	k arc frobnicate 2>err; test $? = 2 && test_grep ! "did you mean" err &&
	k arc version --outptu json 2>err; test $? = 2 && test_grep "did you mean --output\\?" err &&
	k arc --verison 2>err; test $? = 2 && test_grep "did you mean --version\\?" err &&
	k arc kube list v1 ConfigMap --contxt good 2>err; test $? = 2 && test_grep "did you mean --context\\?" err &&
	k arc completion bsah 2>err; test $? = 2 && test_grep "did you mean bash\\?" err
'

test_expect_success '--version prints the version, the git commit, the bundled chart and ARC versions' '
	k arc --version >v && k arc version >w && test_cmp v w &&
	test_grep "^kubectl-arc [0-9]+\\.[0-9]+\\.[0-9]+.* \\(commit [0-9a-f]+|unknown\\)" v &&
	test_grep "^bundled chart: .*actions-runner-controller v" v &&
	k arc version -o json 2>/dev/null | json_get "sorted(d)" >keys &&
	test_equal "[\"arcVersion\", \"chartName\", \"chartVersion\", \"gitCommit\", \"version\"]" "$(cat keys)"
'

test_expect_success 'colours only on a terminal, never with NO_COLOR' '
	esc=$(printf "\033") &&
	k arc nosuch 2>err; test_grep ! "$esc" err &&
	k arc --help >out && test_grep ! "$esc" out &&
	TERM=xterm script -qec "kubectl-arc nosuch" /dev/null >tty </dev/null; test_grep "$esc\\[31mError:" tty &&
	TERM=xterm script -qec "kubectl-arc --help" /dev/null >tty </dev/null; test_grep "$esc\\[1mUsage:" tty &&
	NO_COLOR=1 TERM=xterm script -qec "kubectl-arc nosuch" /dev/null >tty </dev/null;
	test_grep ! "$esc" tty && test_grep "Error: unknown command" tty
'

test_expect_success 'kubectl arc honours --context and --kubeconfig (the current context is broken)' '
	KUBECONFIG=$KC k arc kube get v1 ConfigMap marker --context good -o name >out &&
	test_equal configmap/marker "$(cat out)" &&
	KUBECONFIG=/nonexistent k arc kube get v1 ConfigMap marker --kubeconfig "$KC" --context=good -o name >out &&
	test_equal configmap/marker "$(cat out)" &&
	test_must_fail env KUBECONFIG=$KC "$KUBECTL" arc kube get v1 ConfigMap marker -o name 2>err
'

test_expect_success 'kubectl arc honours -n, -A, --cluster and --user' '
	KUBECONFIG=$KC k arc kube get v1 ConfigMap marker --context there -n "$NS" -o name >out &&
	test_equal configmap/marker "$(cat out)" &&
	test_must_fail env KUBECONFIG=$KC "$KUBECTL" arc kube get v1 ConfigMap marker --context there 2>err &&
	test_grep "not found" err &&
	KUBECONFIG=$KC k arc kube get v1 ConfigMap marker --cluster arc-e2e --user admin -n "$NS" -o name >out &&
	test_equal configmap/marker "$(cat out)" &&
	KUBECONFIG=$KC k arc kube list v1 ConfigMap -A --context good -o name >all &&
	test_grep "^configmap/marker\$" all && test_grep "^configmap/extension-apiserver-authentication\$" all
'

test_expect_success 'kubectl arc honours --server, --certificate-authority, --client-certificate/--client-key' '
	KUBECONFIG=/nonexistent k arc kube get v1 ConfigMap marker -n "$NS" -o name --server "$ARC_CLUSTER_SERVER" \
		--certificate-authority "$ARC_CLUSTER_CA" --client-certificate "$ARC_CLUSTER_ADMIN_CERT" \
		--client-key "$ARC_CLUSTER_ADMIN_KEY" >out &&
	test_equal configmap/marker "$(cat out)"
'

test_expect_success 'kubectl arc honours --token, --insecure-skip-tls-verify and --tls-server-name' '
	KUBECONFIG=/nonexistent k arc kube get v1 ConfigMap marker -n "$NS" -o name -s "$ARC_CLUSTER_SERVER" \
		--token "$SA_TOKEN" --insecure-skip-tls-verify >out &&
	test_equal configmap/marker "$(cat out)" &&
	KUBECONFIG=/nonexistent k arc kube get v1 ConfigMap marker -n "$NS" -o name \
		--server "https://127.0.0.1:$PORT" --certificate-authority "$ARC_CLUSTER_CA" --token "$SA_TOKEN" \
		--tls-server-name localhost >out &&
	test_equal configmap/marker "$(cat out)" &&
	test_must_fail env KUBECONFIG=/nonexistent "$KUBECTL" arc kube get v1 ConfigMap marker -n "$NS" \
		--server "https://127.0.0.1:$PORT" --certificate-authority "$ARC_CLUSTER_CA" --token "$SA_TOKEN" \
		--tls-server-name wrong.example.com 2>err &&
	test_one_line_error err
'

test_expect_success 'kubectl arc honours --as and --as-group' '
	test_must_fail env KUBECONFIG=$KC "$KUBECTL" arc kube get v1 ConfigMap marker --context good --as nobody 2>err &&
	test_grep "\"nobody\" cannot get resource" err &&
	KUBECONFIG=$KC k arc kube get v1 ConfigMap marker --context good --as nobody --as-group system:masters \
		-o name >out &&
	test_equal configmap/marker "$(cat out)"
'

test_expect_success 'connection flags before the command name work too' '
	KUBECONFIG=$KC k arc --context good kube get v1 ConfigMap marker -o name >out &&
	test_equal configmap/marker "$(cat out)" &&
	KUBECONFIG=$KC k arc -n "$NS" --context=there kube get v1 ConfigMap marker -o name >out &&
	test_equal configmap/marker "$(cat out)" &&
	k arc --context good 2>err; test $? = 2
'

# --- completion ---------------------------------------------------------------------------

test_expect_success 'kubectl completes kubectl arc through kubectl_complete-arc: commands, verbs, flags' '
	k __complete arc "" >out 2>/dev/null && test_grep "^install	" out && test_grep "^kube	" out &&
	test_grep "^:4\$" out &&
	k __complete arc ku >out 2>/dev/null && test_grep "^kube	Low-level" out && test_grep ! "^install" out &&
	k __complete arc kube "" >out 2>/dev/null && test_grep "^apply\$" out && test_grep "^wait\$" out &&
	k __complete arc kube list --cont >out 2>/dev/null && test_grep "^--context	" out &&
	k __complete arc kube get v1 ConfigMap -o "" >out 2>/dev/null && test_grep "^yaml\$" out &&
	k __complete arc completion "" >out 2>/dev/null && test_grep "^zsh\$" out
'

test_expect_success 'kubectl completes kubeconfig contexts and live namespaces' '
	KUBECONFIG=$KC k __complete arc kube list v1 ConfigMap --context "" >out 2>/dev/null &&
	test_grep "^good\$" out && test_grep "^there\$" out && test_grep "^broken\$" out &&
	k __complete arc kube list v1 ConfigMap --kubeconfig "$KC" --context g >out 2>/dev/null &&
	test_equal "good :4" "$(tr "\n" " " <out | sed "s/ \$//")" &&
	KUBECONFIG=$KC k __complete arc kube list v1 ConfigMap --context good -n "" >out 2>/dev/null &&
	test_grep "^$NS\$" out && test_grep "^kube-system\$" out
'

test_expect_success 'kubectl-arc completion bash works in bash' '
	kubectl-arc completion bash >arc.bash &&
	bash -c ". ./arc.bash; COMP_WORDS=(kubectl-arc ku); COMP_CWORD=1; _kubectl_arc_complete;
		echo \"\${COMPREPLY[*]}\"" >out &&
	test_equal kube "$(cat out)" &&
	KUBECONFIG=$KC bash -c ". ./arc.bash; COMP_WORDS=(kubectl-arc kube list --context th); COMP_CWORD=4;
		_kubectl_arc_complete; echo \"\${COMPREPLY[*]}\"" >out &&
	test_equal there "$(cat out)" &&
	bash -c ". ./arc.bash; complete -p kubectl-arc" >out && test_grep "_kubectl_arc_complete" out
'

if command -v zsh >/dev/null 2>&1; then
	test_expect_success 'kubectl-arc completion zsh works in zsh' '
		kubectl-arc completion zsh >_kubectl-arc && zsh -n _kubectl-arc &&
		zsh -fc "compdef() { print compdef \$*; }; source ./_kubectl-arc;
			_describe() { print -rl -- \${(P)4}; }; _files() { print FILES; };
			words=(kubectl-arc kube li); CURRENT=3; _kubectl-arc;
			words=(kubectl-arc template -f \"\"); CURRENT=4; _kubectl-arc" >out &&
		test_grep "^compdef _kubectl-arc kubectl-arc\$" out && test_grep "^list\$" out && test_grep "^FILES\$" out
	'
else
	skip "zsh is not installed"
fi

if command -v fish >/dev/null 2>&1; then
	test_expect_success 'kubectl-arc completion fish works in fish' '
		kubectl-arc completion fish >arc.fish &&
		fish -c "source arc.fish; complete -C\"kubectl-arc ku\"; complete -C\"kubectl-arc kube list --outp\"" >out &&
		test_grep "^kube	Low-level" out && test_grep "^--output	Output format" out
	'
else
	skip "fish is not installed"
fi

test_expect_success 'the man page lists every command and renders without warnings' '
	SOURCE_DATE_EPOCH=0 kubectl-arc __man >kubectl-arc.1 &&
	for c in $(cat names); do
		grep -q "^\\.SS \"kubectl arc $c\"\$" kubectl-arc.1 || { echo "no section for $c"; exit 1; }
	done &&
	test_grep "^\\.SH \"EXIT STATUS\"" kubectl-arc.1 && test_grep "^\\.B HELM_KUBECONTEXT" kubectl-arc.1 &&
	test_grep "1970-01-01" kubectl-arc.1 &&
	if command -v groff >/dev/null 2>&1; then
		groff -man -Tutf8 -ww kubectl-arc.1 >rendered 2>warnings && test_must_be_empty_ warnings &&
		test_grep "kubectl arc install" rendered
	fi &&
	if command -v mandoc >/dev/null 2>&1; then
		mandoc -Tlint -Wwarning kubectl-arc.1 >lint 2>&1; test_grep ! "WARNING|ERROR" lint
	fi
'

# --- Helm plugin ---------------------------------------------------------------------------

printf 'ghp_pluginE2eT0ken5d1c\n' >ghtoken && chmod 600 ghtoken
# ARC's webhooks have no server behind them here (kwok pods): limit them to no namespace, so
# that runner objects are admitted (a stand-in for a controller that answers)
arc_hooks_off() { # RELEASE
	for kind in mutating validating; do
		name=$1-actions-runner-controller-$kind-webhook-configuration
		n=$(kc get ${kind}webhookconfiguration "$name" -o jsonpath='{.webhooks[*].name}' | wc -w) || return 1
		i=0 p= sep=
		while [ $i -lt "$n" ]; do
			p="$p$sep{\"op\":\"add\",\"path\":\"/webhooks/$i/namespaceSelector\",\"value\":{\"matchLabels\":{\"e2e\":\"never\"}}}"
			sep=, i=$((i + 1))
		done
		kc patch ${kind}webhookconfiguration "$name" --type=json -p "[$p]" >/dev/null || return 1
	done
}

mkdir -p plug/bin plug/scripts &&
	cp "$TOP/plugin.yaml" "$TOP/plugin.complete" plug/ &&
	cp "$TOP/scripts/helm-plugin-hook.sh" plug/scripts/ &&
	cp "$ARC" plug/bin/kubectl-arc || die "cannot set up the plugin directory"

# what an earlier, interrupted run may have left: ARC's webhooks would intercept runner objects
for hv in 3 4; do
	kc delete mutatingwebhookconfiguration h$hv-actions-runner-controller-mutating-webhook-configuration \
		--ignore-not-found >/dev/null 2>&1
	kc delete validatingwebhookconfiguration h$hv-actions-runner-controller-validating-webhook-configuration \
		--ignore-not-found >/dev/null 2>&1
	kc delete namespace e2e-helm$hv --ignore-not-found --wait=true --timeout=90s >/dev/null 2>&1
done

for hv in 3 4; do
	if [ $hv = 3 ]; then HELM=$HELM3; else HELM=$HELM4; fi
	# h: this helm with its own data/config/cache homes and the test kubeconfig
	eval "h$hv() { HELM_DATA_HOME=\$TEST_DIR/h$hv/data HELM_CONFIG_HOME=\$TEST_DIR/h$hv/config \
		HELM_CACHE_HOME=\$TEST_DIR/h$hv/cache KUBECONFIG=\${HKC:-\$KC} timeout 600 $HELM \"\$@\"; }"
	export hv

	test_expect_success "helm v$hv: helm plugin install (legacy plugin.yaml, bin/kubectl-arc present)" '
		h$hv version --short >ver && test_grep "^v$hv\\." ver &&
		h$hv plugin install "$TEST_DIR/plug" >out 2>&1 && test_grep "Installed plugin: arc" out &&
		test_grep "arc: using .*/bin/kubectl-arc" out &&
		h$hv plugin list >list && test_grep "^arc[[:space:]]+0\\.1\\.0" list &&
		test -e "$TEST_DIR/h$hv/data/plugins/plug/plugin.yaml"
	'

	test_expect_success "helm v$hv: helm arc version, --help says helm arc, exit codes pass through" '
		h$hv arc version >a && "$ARC" version >b 2>/dev/null && test_cmp b a &&
		h$hv arc --help >help && test_grep "^  helm arc COMMAND" help && test_grep ! "kubectl arc" help &&
		h$hv arc kube --help >help && test_grep "^  helm arc kube " help &&
		h$hv arc instal 2>err; test $? = 2 && test_grep "for \"helm arc\" \\(did you mean \"install\"" err
	'

	test_expect_success "helm v$hv: helm --kube-context Y arc kube get (HELM_KUBECONTEXT; context namespace)" '
		h$hv --kube-context good arc kube get v1 ConfigMap marker -o name >out &&
		test_equal configmap/marker "$(cat out)" &&
		h$hv --kube-context there arc kube list v1 ConfigMap -o name >out &&
		test_grep "^configmap/extension-apiserver-authentication\$" out && test_grep ! "marker" out &&
		test_must_fail h$hv arc kube get v1 ConfigMap marker 2>err
	'

	test_expect_success "helm v$hv: helm -n X --kube-context Y arc kube list (HELM_NAMESPACE)" '
		h$hv -n "$NS" --kube-context there arc kube list v1 ConfigMap -o name >out &&
		test_grep "^configmap/marker\$" out && test_grep ! "extension-apiserver" out &&
		h$hv --namespace "$NS" --kube-context=there arc kube get v1 ConfigMap marker -o name >out &&
		test_equal configmap/marker "$(cat out)" &&
		h$hv arc kube list v1 ConfigMap -o name -n "$NS" --kube-context there >out &&
		test_grep "^configmap/marker\$" out
	'

	test_expect_success "helm v$hv: helm --kubeconfig F arc (KUBECONFIG passed on)" '
		HKC=/nonexistent h$hv --kubeconfig "$KC" --kube-context good arc kube get v1 ConfigMap marker -o name >out &&
		test_equal configmap/marker "$(cat out)"
	'

	test_expect_success "helm v$hv: --kube-apiserver, --kube-token, --kube-ca-file, --kube-tls-server-name" '
		HKC=/nonexistent h$hv --kube-apiserver "https://127.0.0.1:$PORT" --kube-token "$SA_TOKEN" \
			--kube-ca-file "$ARC_CLUSTER_CA" -n "$NS" arc kube get v1 ConfigMap marker -o name >out &&
		test_equal configmap/marker "$(cat out)" &&
		HKC=/nonexistent h$hv --kube-apiserver "https://127.0.0.1:$PORT" --kube-token "$SA_TOKEN" \
			--kube-ca-file "$ARC_CLUSTER_CA" --kube-tls-server-name localhost -n "$NS" \
			arc kube get v1 ConfigMap marker -o name >out &&
		test_equal configmap/marker "$(cat out)" &&
		test_must_fail env HKC=/nonexistent h$hv --kube-apiserver "https://127.0.0.1:$PORT" \
			--kube-token "$SA_TOKEN" --kube-ca-file "$ARC_CLUSTER_CA" \
			--kube-tls-server-name wrong.example.com -n "$NS" arc kube get v1 ConfigMap marker 2>err
	'

	# helm (3.17.2 and 4.1.4) takes the word after a bare --kube-insecure-skip-tls-verify as its
	# value when it scans a plugin command line: give it as =true
	test_expect_success "helm v$hv: --kube-insecure-skip-tls-verify" '
		HKC=/nonexistent h$hv --kube-apiserver "$ARC_CLUSTER_SERVER" --kube-token "$SA_TOKEN" \
			--kube-insecure-skip-tls-verify=true -n "$NS" arc kube get v1 ConfigMap marker -o name >out &&
		test_equal configmap/marker "$(cat out)" &&
		test_must_fail env HKC=/nonexistent h$hv --kube-apiserver "$ARC_CLUSTER_SERVER" \
			--kube-token "$SA_TOKEN" -n "$NS" arc kube get v1 ConfigMap marker 2>err
	'

	test_expect_success "helm v$hv: --kube-as-user and --kube-as-group" '
		test_must_fail h$hv --kube-context good --kube-as-user nobody arc kube get v1 ConfigMap marker 2>err &&
		test_grep "\"nobody\" cannot get resource" err &&
		h$hv --kube-context good --kube-as-user nobody --kube-as-group system:masters \
			arc kube get v1 ConfigMap marker -o name >out &&
		test_equal configmap/marker "$(cat out)"
	'

	test_expect_success "helm v$hv: --debug logs the API requests (HELM_DEBUG)" '
		h$hv --debug --kube-context good arc kube get v1 ConfigMap marker -o name >out 2>err &&
		test_equal configmap/marker "$(cat out)" &&
		test_grep "GET .*/api/v1/namespaces/$NS/configmaps/marker" err &&
		h$hv --kube-context good arc kube get v1 ConfigMap marker -o name >out 2>err &&
		test_grep ! "GET " err
	'

	# the commands that manage ARC, with helm's own flags: -n, --kube-context (HELM_NAMESPACE,
	# HELM_KUBECONTEXT); the release is helm's too (helm list sees it)
	HNS=e2e-helm$hv
	test_expect_success "helm v$hv: helm -n X --kube-context Y arc install; helm list sees the release" '
		h$hv -n $HNS --kube-context good arc install h$hv --github-token-file "$TEST_DIR/ghtoken" \
			--cert-manager-manifest "$E2E_DIR/data/cert-manager-standin.yaml" --timeout 2m >out 2>err ||
			{ cat err; exit 1; }
		test_grep "^NAME: h$hv\$" out && test_grep "^NAMESPACE: $HNS\$" out && test_grep "^STATUS: deployed\$" out &&
		test_grep "Secret $HNS/controller-manager" err &&
		h$hv -n $HNS --kube-context good list -q >list && test_equal "h$hv" "$(cat list)" &&
		h$hv -n $HNS --kube-context good status h$hv >hstatus && test_grep "^STATUS: deployed" hstatus &&
		kc -n $HNS get deployment h$hv-actions-runner-controller >/dev/null &&
		arc_hooks_off h$hv
	'

	test_expect_success "helm v$hv: helm -n X --kube-context Y arc status (and without -n: the context namespace)" '
		h$hv -n $HNS --kube-context good arc status h$hv >out &&
		test_grep "^NAME: h$hv\$" out && test_grep "^NAMESPACE: $HNS\$" out && test_grep "^STATUS: deployed\$" out &&
		test_grep "^CONTROLLER: Deployment $HNS/h$hv-actions-runner-controller 1/1 ready" out &&
		h$hv --namespace=$HNS --kube-context=good arc status h$hv -o json >json &&
		test_equal "$HNS deployed" "$(json_get "d[\"namespace\"] + \" \" + d[\"status\"]" <json)" &&
		test_must_fail h$hv --kube-context good arc status h$hv 2>err &&
		test_grep "not found in namespace $NS" err
	'

	test_expect_success "helm v$hv: helm -n X --kube-context Y arc runners create / list" '
		h$hv -n $HNS --kube-context good arc runners create web --repo octo-org/web --max 3 >out &&
		h$hv -n $HNS --kube-context good arc runners create gpu --repo octo-org/ml --gpu 1 >>out &&
		h$hv -n $HNS --kube-context good arc runners list >list &&
		test_grep "^NAME " list && test_grep "^web +octo-org/web +<none> +1 .* 0 +3 " list && test_grep "^gpu " list &&
		kc -n $HNS get runnerdeployment.actions.summerwind.dev web gpu >/dev/null &&
		kc -n $HNS get horizontalrunnerautoscaler.actions.summerwind.dev web >/dev/null &&
		h$hv --kube-context good arc runners list >other 2>&1 &&
		test_grep "No runners found in namespace $NS" other
	'

	test_expect_success "helm v$hv: helm -n X --kube-context Y arc doctor checks that release" '
		h$hv -n $HNS --kube-context good arc doctor h$hv --offline >out; test $? -le 1 &&
		test_grep "^Checking ARC release h$hv in namespace $HNS\$" out &&
		test_grep "^PASS  ARC release +h$hv in namespace $HNS: revision 1 deployed" out &&
		test_grep "^PASS  API server" out &&
		h$hv arc doctor --help >help && test_grep "^  helm arc doctor \[NAME\]" help
	'

	test_expect_success "helm v$hv: helm -n X --kube-context Y arc uninstall; helm list is empty" '
		h$hv -n $HNS --kube-context good arc runners delete web --yes >/dev/null &&
		h$hv -n $HNS --kube-context good arc runners delete gpu --yes >/dev/null &&
		h$hv -n $HNS --kube-context good arc uninstall h$hv >out 2>err &&
		h$hv -n $HNS --kube-context good list -q >list && test ! -s list &&
		test_must_fail kc get mutatingwebhookconfiguration h$hv-actions-runner-controller-mutating-webhook-configuration 2>/dev/null
	'
	kc delete namespace $HNS --ignore-not-found --wait=false >/dev/null 2>&1

	test_expect_success "helm v$hv: helm completes helm arc through plugin.complete" '
		h$hv __complete arc kube "" >out 2>/dev/null && test_grep "^list\$" out &&
		h$hv __complete arc kube list --cont >out 2>/dev/null && test_grep "^--context" out &&
		h$hv __complete arc ver >out 2>/dev/null && test_grep "^version" out
	'

	test_expect_success "helm v$hv: the install hook builds bin/kubectl-arc with make when it is missing" '
		mkdir -p src$hv &&
		(cd "$TOP" && git ls-files -co --exclude-standard -- Makefile plugin chart templates tools scripts \
			plugin.yaml plugin.complete | tar cf - -T -) | tar xf - -C src$hv &&
		test ! -e src$hv/bin/kubectl-arc &&
		h$hv plugin uninstall arc >/dev/null &&
		VERSION=$("$ARC" version --short) h$hv plugin install "$TEST_DIR/src$hv" >out 2>&1 &&
		test_grep "Installed plugin: arc" out &&
		test_grep "arc: built .*/bin/kubectl-arc" out &&
		test -x src$hv/bin/kubectl-arc &&
		h$hv arc version --short >v && "$ARC" version --short >w && test_cmp w v &&
		h$hv --kube-context good arc kube get v1 ConfigMap marker -o name >out &&
		test_equal configmap/marker "$(cat out)"
	'
done

# --- make dist, the krew manifest, krew -----------------------------------------------------

find_krew() {
	for c in "${KREW:-}" "$(command -v kubectl-krew 2>/dev/null)" "$HOME/go/bin/krew" \
		"${ARC_CACHE:-$HOME/.cache/kubectl-arc}/krew/krew"; do
		[ -n "$c" ] && [ -x "$c" ] && { echo "$c"; return 0; }
	done
	# krew from the Go module proxy, cached next to the cluster binaries
	if command -v go >/dev/null 2>&1; then
		d=${ARC_CACHE:-$HOME/.cache/kubectl-arc}/krew
		mkdir -p "$d" && GOBIN=$d timeout 600 go install sigs.k8s.io/krew/cmd/krew@v0.4.3 >/dev/null 2>&1 &&
			[ -x "$d/krew" ] && { echo "$d/krew"; return 0; }
	fi
	return 1
}

test_expect_success 'make dist: a tarball for this machine, its sha256 in a valid krew manifest' '
	make -s -C "$TOP" dist DIST_ARCHES=amd64 DIST_DIR="$TEST_DIR/dist" DIST_MANIFEST="$TEST_DIR/arc.yaml" \
		>dist.out 2>&1 &&
	tgz=$(ls "$TEST_DIR"/dist/kubectl-arc_v*_linux_amd64.tar.gz) &&
	tar tzvf "$tgz" >files.v && sed "s/.* //" files.v >files && ! grep "^[lh]" files.v &&
	for f in ./bin/kubectl-arc ./bin/kubectl_complete-arc ./kubectl-arc.1 ./plugin.yaml ./plugin.complete \
		./scripts/helm-plugin-hook.sh ./README.md; do
		grep -qx "$f" files || { echo "$f missing in $tgz"; exit 1; }
	done &&
	sum=$(sha256sum "$tgz" | cut -d" " -f1) &&
	(cd dist && sha256sum -c SHA256SUMS) &&
	python3 - "$TEST_DIR/arc.yaml" "$sum" "$(basename "$tgz")" <<-"PY"
	import re, sys
	text = open(sys.argv[1]).read()
	def field(name):
	    m = re.search(r"^\s*" + name + r": (.+)$", text, re.M)
	    assert m, "no " + name
	    return m.group(1).strip()
	assert field("apiVersion") == "krew.googlecontainertools.github.com/v1alpha2"
	assert field("kind") == "Plugin"
	assert re.search(r"^metadata:\n  name: arc$", text, re.M), "metadata.name"
	assert re.fullmatch(r"v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?", field("version")), field("version")
	for f in ("homepage", "shortDescription", "uri", "bin"):
	    field(f)
	assert len(field("shortDescription")) <= 80
	assert field("sha256") == sys.argv[2], "sha256"
	assert field("uri").endswith("/" + sys.argv[3]), "uri"
	assert field("bin") == "kubectl-arc"
	assert "os: linux" in text and "arch: amd64" in text
	assert "description: |" in text and "caveats: |" in text
	PY
'

test_expect_success 'make dist is reproducible (same bytes twice)' '
	make -s -C "$TOP" dist DIST_ARCHES=amd64 DIST_DIR="$TEST_DIR/dist2" DIST_MANIFEST="$TEST_DIR/arc2.yaml" \
		>/dev/null 2>&1 &&
	test_cmp dist/SHA256SUMS dist2/SHA256SUMS
'

test_expect_success 'the committed plugins/arc.yaml has every krew field' '
	for f in "^apiVersion: krew.googlecontainertools.github.com/v1alpha2\$" "^kind: Plugin\$" "^  name: arc\$" \
		"^  version: v[0-9]+\\.[0-9]+\\.[0-9]+" "^  homepage: https://" "^  shortDescription: ." \
		"^  description: \\|" "^  caveats: \\|" "^        os: linux\$" "^        arch: amd64\$" \
		"^    uri: https://.*_linux_amd64\\.tar\\.gz\$" "^    sha256: [0-9a-f]{64}\$" "^    bin: kubectl-arc\$"; do
		test_grep "$f" "$TOP/plugins/arc.yaml" || exit 1
	done
'

if KREW=$(find_krew); then
	mkdir -p kpath && ln -sf "$KREW" kpath/kubectl-krew
	test_expect_success 'kubectl krew install --manifest --archive installs the plugin' '
		tgz=$(ls "$TEST_DIR"/dist/kubectl-arc_v*_linux_amd64.tar.gz) &&
		export KREW_ROOT="$TEST_DIR/krew" &&
		PATH=$TEST_DIR/kpath:$PATH k krew install --manifest="$TEST_DIR/arc.yaml" --archive="$tgz" >out 2>&1 &&
		test_grep "Installed plugin: arc" out &&
		test -e "$KREW_ROOT/bin/kubectl-arc" &&
		test -x "$KREW_ROOT/store/arc/$(sed -n "s/^  version: //p" "$TEST_DIR/arc.yaml")/kubectl_complete-arc" &&
		PATH=$KREW_ROOT/bin:$TEST_DIR/kpath:/usr/bin:/bin k arc version --short >v &&
		"$ARC" version --short >w && test_cmp w v &&
		test_grep "^  name: arc\$" "$KREW_ROOT/receipts/arc.yaml" # (krew list needs an index: no network)
	'
	test_expect_success 'krew refuses an archive whose sha256 does not match' '
		tgz=$(ls "$TEST_DIR"/dist/kubectl-arc_v*_linux_amd64.tar.gz) &&
		cp "$tgz" bad.tar.gz && printf x >>bad.tar.gz &&
		test_must_fail env KREW_ROOT="$TEST_DIR/krew2" PATH=$TEST_DIR/kpath:$PATH \
			"$KUBECTL" krew install --manifest="$TEST_DIR/arc.yaml" --archive=bad.tar.gz >out 2>&1 &&
		test_grep "checksum does not match" out
	'
else
	skip "krew is not available (set KREW=/path/to/krew, or have go to build sigs.k8s.io/krew)"
fi

test_done
