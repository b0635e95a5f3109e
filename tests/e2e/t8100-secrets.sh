#!/bin/sh
# Secrets never leak: every command (template, install with a PAT and with a GitHub App, upgrade,
# status, doctor, runners create / list / get --github / delete --github, uninstall, and a kube
# call through an exec credential plugin) runs with --debug under strace against the real
# cluster and the fake GitHub API (fakegithub.py).  Then every stdout, stderr, every file a
# command opened for writing, everything under its HOME, every object stored in the test
# namespaces and cluster-wide (release records decoded), except the auth Secrets themselves, is
# searched for the GitHub token, the App private key, the kubeconfig's client key, the exec
# plugin's token and the tokens GitHub handed out (installation, registration): zero hits.
# Also: exec credential plugins run by execve with their argv untouched, never through a shell
# (shell metacharacters in the command name, args and env stay inert; strace shows no sh -c),
# and a token file readable by others is warned about.
s8_shared_scratch=${E2E_SCRATCH:-}
. "$(dirname "$0")/lib.sh"
command -v strace >/dev/null 2>&1 || { say "skip: strace not installed"; test_done; }
strace -f -qq -e trace=execve -o /dev/null true 2>/dev/null || { say "skip: strace cannot trace here (ptrace denied)"; test_done; }

# --- the secrets ----------------------------------------------------------------------------------
TOKEN=ghp_s8$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')Tk
printf '%s\n' "$TOKEN" >token && chmod 600 token
openssl genrsa -out app.pem 2048 2>/dev/null && chmod 600 app.pem || die "openssl genrsa failed"
openssl rsa -in app.pem -pubout -out app.pub 2>/dev/null || die "openssl rsa failed"
SATOKEN=$(e2e_sa_token s8-exec) || die "cannot get a ServiceAccount token"
printf '%s' "$SATOKEN" >satoken && chmod 600 satoken
APP_ID=4242 INST_ID=77
cp "$KUBECONFIG" kubeconfig && chmod 600 kubeconfig # holds the admin client key (client-key-data)
KC=$TEST_DIR/kubeconfig
# the needles: each secret raw, base64-encoded at every alignment, and PEM keys by their body lines
python3 - "$TOKEN" "$SATOKEN" app.pem "$ARC_CLUSTER_ADMIN_KEY" "ghs_fake_installation_$INST_ID" AFAKEREGTOKEN >needles.json <<'PY'
import base64, json, sys
tok, satok, app, ckey, inst, reg = sys.argv[1:]
def b64s(name, data):
    out = []
    for i in range(3):  # the secret inside a larger base64-encoded text, at any alignment
        e = base64.b64encode(data[i:]).decode()
        out.append((name + " (base64)", e[4:44] if len(e) > 48 else e[4:]))
    return out
def pem(name, path):
    raw = open(path, "rb").read()
    body = [l for l in raw.decode().splitlines() if l and not l.startswith("-----")]
    out = [(name, l) for l in body[1:-1:4]]  # every 4th full line of the key
    out += b64s(name, raw)
    return out
n = [("GitHub token", tok)] + b64s("GitHub token", tok.encode())
n += [("exec plugin token", satok[-60:])] + b64s("exec plugin token", satok.encode())
n += pem("App private key", app) + pem("kubeconfig client key", ckey)
n += [("App installation token", inst), ("runner registration token", reg)]
json.dump(n, sys.stdout)
PY
cat >scan.py <<'PY'
"""scan.py NEEDLES PATH...: every needle in every file (directories recursively); prints hits"""
import json, os, sys
needles = [(n, s.encode()) for n, s in json.load(open(sys.argv[1]))]
hits = 0
def scan(p):
    global hits
    try:
        data = open(p, "rb").read()
    except OSError:
        return
    for name, s in needles:
        if s in data:
            print("%s: %s" % (p, name))
            hits += 1
for p in sys.argv[2:]:
    if os.path.isdir(p):
        for d, _, fs in os.walk(p):
            for f in fs:
                scan(os.path.join(d, f))
    else:
        scan(p)
print("%d hits" % hits, file=sys.stderr)
sys.exit(1 if hits else 0)
PY
test_expect_success 'the scanner finds each secret in the files that hold it (no blind scan)' '
	printf "a: %s\n" "$(base64 -w0 app.pem)" >probe1 &&
	python3 -c "import json,sys; print(json.dumps({\"k\": open(sys.argv[1]).read()}))" "$ARC_CLUSTER_ADMIN_KEY" >probe2 &&
	printf "x%sx\n" "$(printf %s "$TOKEN" | base64 -w0)" >probe3 &&
	! python3 scan.py needles.json probe1 >hits1 && test_grep "App private key \(base64\)" hits1 &&
	! python3 scan.py needles.json probe2 >hits2 && test_grep "kubeconfig client key" hits2 &&
	! python3 scan.py needles.json probe3 >hits3 && test_grep "GitHub token \(base64\)" hits3 &&
	! python3 scan.py needles.json token app.pem satoken kubeconfig >hits4 &&
	test_grep "token: GitHub token" hits4 && test_grep "app.pem: App private key" hits4 &&
	test_grep "satoken: exec plugin token" hits4 && test_grep "kubeconfig: kubeconfig client key" hits4 &&
	rm -f probe1 probe2 probe3
'

# --- the fake GitHub API ------------------------------------------------------------------------------
python3 "$E2E_DIR/fakegithub.py" --port-file gh.port --token "$TOKEN" --app-id $APP_ID --installation-id $INST_ID \
	--app-key app.pub >fakegithub.log 2>&1 &
GH_PID=$!
s8_on_exit() {
	kill $GH_PID 2>/dev/null
	[ -n "$s8_shared_scratch" ] || e2e_cleanup
}
trap s8_on_exit EXIT
trap 'exit 130' INT TERM HUP
wait_until 10 test -s gh.port || die "the fake GitHub API did not start"
GH_URL=http://127.0.0.1:$(cat gh.port)

# --- running a command: --debug, strace, its own HOME ---------------------------------------------
mkdir -p home outputs traces
echo 0 >"$TEST_DIR/ncmd"
# sec ARGS...: kubectl-arc ARGS --debug, traced; output in outputs/N.out|err, trace in traces/N
# (N counts every command of this file: test bodies run in subshells, so it lives in a file)
# LeakSanitizer stops the world with ptrace, which strace already holds: with the sanitizer build
# (make e2e-asan) the traced commands run without leak checking (every other suite checks leaks)
SEC_ASAN=${ASAN_OPTIONS:+$ASAN_OPTIONS:detect_leaks=0}
sec() {
	N=$(($(cat "$TEST_DIR/ncmd") + 1))
	echo $N >"$TEST_DIR/ncmd"
	echo "$N: $*" >>commands
	env ${SEC_ASAN:+ASAN_OPTIONS=$SEC_ASAN} HOME="$TEST_DIR/home" XDG_CACHE_HOME="$TEST_DIR/home/.cache" XDG_CONFIG_HOME="$TEST_DIR/home/.config" \
		KUBECONFIG="$KC" timeout 240 strace -f -qq -s 256 -e trace=execve,open,openat,creat,rename,renameat,renameat2 \
		-o "traces/$N" "$ARC" "$@" --debug >"outputs/$N.out" 2>"outputs/$N.err"
}
# the files a traced command opened for writing or renamed into place
written() {
	cat traces/* | python3 -c '
import re, sys
seen = set()
for l in sys.stdin:
    m = re.search(r"open(?:at)?\((?:[A-Z_]+, )?\"([^\"]+)\", ([A-Z_|]+)", l)
    if m and re.search(r"O_WRONLY|O_RDWR|O_CREAT", m.group(2)) and "= -1" not in l:
        seen.add(m.group(1))
    m = re.search(r"creat\(\"([^\"]+)\"", l)
    if m:
        seen.add(m.group(1))
    m = re.search(r"rename(?:at2?)?\(.*\"[^\"]+\", .*\"([^\"]+)\"", l)
    if m and "= -1" not in l:
        seen.add(m.group(1))
for p in sorted(seen):
    if not p.startswith(("/dev/", "/proc/")):
        print(p)'
}

test_expect_success 'template --debug' '
	sec template && test_grep "kind: Deployment" outputs/$N.out
'
test_expect_success 'install --debug with a PAT from a file' '
	kc delete namespace s8-pat s8-app --ignore-not-found --wait=true --timeout=90s >/dev/null &&
	sec install arcpat -n s8-pat --cert-manager=none --github-token-file "$TEST_DIR/token" --github-url "$GH_URL" \
		--timeout 150s &&
	test_grep "^STATUS: deployed$" outputs/$N.out && test_grep "PATCH https://" outputs/$N.err &&
	test_equal "$TOKEN" "$(kc -n s8-pat get secret controller-manager -o jsonpath={.data.github_token} | base64 -d)"
'
test_expect_success 'upgrade --debug, status --debug' '
	sec upgrade arcpat -n s8-pat --cert-manager=none --set replicaCount=2 --timeout 150s &&
	test_grep "^REVISION: 2$" outputs/$N.out &&
	sec status arcpat -n s8-pat && test_grep "^STATUS: deployed$" outputs/$N.out
'
test_expect_success 'install --debug with a GitHub App (id, installation id, private key file)' '
	sec install arcapp -n s8-app --cert-manager=none --github-app-id $APP_ID --github-app-installation-id $INST_ID \
		--github-app-private-key-file "$TEST_DIR/app.pem" --github-url "$GH_URL" --timeout 150s &&
	test_grep "^STATUS: deployed$" outputs/$N.out &&
	kc -n s8-app get secret controller-manager -o jsonpath={.data.github_app_private_key} | base64 -d | cmp - app.pem
'
if "$ARC" doctor --help >/dev/null 2>&1; then
	test_expect_success 'doctor --debug: the PAT release, the App release, a token file before install' '
		{ sec doctor arcpat -n s8-pat --github-url "$GH_URL" || true; } &&
		test_grep "GitHub credentials" outputs/$N.out &&
		{ sec doctor arcapp -n s8-app --github-url "$GH_URL" || true; } &&
		test_grep "GitHub credentials" outputs/$N.out &&
		{ sec doctor -n s8-none --github-token-file "$TEST_DIR/token" --github-url "$GH_URL" || true; } &&
		test_grep . outputs/$N.out &&
		python3 -c "import json,sys,urllib.request; l=json.load(urllib.request.urlopen(sys.argv[1]+\"/_fake/log\")); print(sorted(set(e[\"auth\"] for e in l)))" "$GH_URL" >ghauth &&
		test_grep "token" ghauth && test_grep "installation" ghauth
	'
else
	say "doctor is not built into this kubectl-arc: not run"
fi

# everything stored while the releases exist (the auth Secrets excepted), release records decoded
dump_objects() { # FILE NAMESPACE...
	out=$1
	shift
	kinds=$(kc api-resources --verbs=list --namespaced -o name | grep -v -e '^secrets$' -e '^events.events.k8s.io$' | paste -sd, -)
	for ns in "$@"; do
		kc -n $ns get "$kinds" -o json --ignore-not-found || return 1
		for s in $(kc -n $ns get secrets -o name); do
			[ "$s" = secret/controller-manager ] && continue
			kc -n $ns get $s -o json || return 1
			rel=$(kc -n $ns get $s -o jsonpath="{.data.release}")
			[ -n "$rel" ] && { printf %s "$rel" | base64 -d | base64 -d | gunzip || return 1; }
		done
	done >"$out" 2>&1 &&
	kc get clusterroles,clusterrolebindings,mutatingwebhookconfigurations,validatingwebhookconfigurations,namespaces,crds \
		-o json >>"$out"
}
test_expect_success 'stored objects (records decoded) while both releases exist: no secret' '
	dump_objects stored1 s8-pat s8-app &&
	test_grep "\"kind\": \"Deployment\"" stored1 && test_grep "\"manifest\":" stored1 &&
	python3 scan.py needles.json stored1
'
test_expect_success 'uninstall --debug (the App release keeps its auth Secret, for runners --github)' '
	sec uninstall arcpat -n s8-pat --wait &&
	sec uninstall arcapp -n s8-app --keep-auth-secret --wait &&
	test_must_fail kc -n s8-pat get secret controller-manager 2>/dev/null &&
	kc -n s8-app get secret controller-manager >/dev/null
'
test_expect_success 'runners create / list / get --github / delete --github, --debug' '
	kc delete namespace s8-run --ignore-not-found --wait=true --timeout=90s >/dev/null &&
	kc create namespace s8-run >/dev/null &&
	sec runners create web --repo octo/web --labels linux,s8 -n s8-run &&
	sec runners create ci --repo octo/ci --min 1 --max 3 -n s8-run &&
	sec runners list -n s8-run && test_grep "web" outputs/$N.out &&
	sec runners get web -n s8-run --github --github-url "$GH_URL" --github-token-file "$TEST_DIR/token" &&
	sec runners get ci -n s8-run --github --github-url "$GH_URL" --arc-namespace s8-app &&
	sec runners delete web -n s8-run --github --github-url "$GH_URL" --github-token-file "$TEST_DIR/token" --yes &&
	python3 -c "import json,sys,urllib.request; l=json.load(urllib.request.urlopen(sys.argv[1]+\"/_fake/log\")); print(sorted(set(e[\"auth\"] for e in l)))" "$GH_URL" >ghauth &&
	test_grep "token" ghauth && test_grep "installation" ghauth
'

# --- exec credential plugins: execve, argv untouched, no shell ----------------------------------------
mkdir -p "exec dir"
PLUGIN='cred;touch pwned0;$(touch pwned1).sh'
cat >"exec dir/$PLUGIN" <<SH
#!/bin/sh
for a in "\$@"; do printf '%s\n' "\$a"; done >"$TEST_DIR/argv.txt"
printf '%s\n' "\$ARC_S8" >"$TEST_DIR/env.txt"
read -r t <"$TEST_DIR/satoken"
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "\$t"
SH
chmod +x "exec dir/$PLUGIN"
cat >"exec dir/kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster: {server: "$ARC_CLUSTER_SERVER", certificate-authority: "$ARC_CLUSTER_CA"}
users:
- name: x
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: "./$PLUGIN"
      args: ["\$(touch pwned2)", "\`touch pwned3\`", "a b; touch pwned4", "|", "&", "*"]
      env: [{name: ARC_S8, value: "\$(touch pwned5); x"}]
      interactiveMode: Never
contexts:
- name: x
  context: {cluster: e2e, user: x}
current-context: x
YAML
test_expect_success 'an exec plugin runs by execve: metacharacters in its name, args and env stay inert' '
	sec kube list v1 Namespace --kubeconfig "$TEST_DIR/exec dir/kubeconfig" &&
	test_grep "namespace/default" outputs/$N.out &&
	printf "%s\n" "\$(touch pwned2)" "\`touch pwned3\`" "a b; touch pwned4" "|" "&" "*" >argv.want &&
	test_cmp argv.want argv.txt &&
	test_equal "\$(touch pwned5); x" "$(cat env.txt)" &&
	! ls pwned* "exec dir"/pwned* 2>/dev/null &&
	grep "^[0-9]* *execve(\"[^\"]*/exec dir/" traces/$N | grep -v ENOENT >plugin.exec &&
	test_equal 1 "$(grep -c . plugin.exec)" &&
	grep -F "cred;touch pwned0;\$(touch pwned1).sh\", [\"" plugin.exec &&
	grep -F "\"\$(touch pwned2)\", \"\`touch pwned3\`\", \"a b; touch pwned4\", \"|\", \"&\", \"*\"]" plugin.exec
'
test_expect_success 'no command ran a program but kubectl-arc itself and the exec plugin (no shell)' '
	cat traces/* | grep "^[0-9]* *execve(" | grep -v -e " = -1 " | sed "s/^[0-9]* *execve(\"\([^\"]*\)\".*/\1/" |
		sort | uniq -c >programs &&
	cat programs &&
	test_equal "$(cat ncmd)" "$(grep " $ARC\$" programs | awk "{print \$1}")" &&
	! grep -v -e " $ARC\$" -e "/exec dir/\(\./\)*cred;touch pwned0;" programs
'
test_expect_success 'token files readable by others are warned about; 0600 is not' '
	cp token tok644 && chmod 644 tok644 && cp token tok640 && chmod 640 tok640 &&
	sec doctor -n s8-none --github-token-file "$TEST_DIR/tok644" --github-url "$GH_URL" --offline;
	test_grep "warning: --github-token-file .*tok644 is accessible to every user \(mode 0644\)" outputs/$N.err &&
	sec doctor -n s8-none --github-token-file "$TEST_DIR/tok640" --github-url "$GH_URL" --offline;
	test_grep "is accessible to its group \(mode 0640\)" outputs/$N.err &&
	sec doctor -n s8-none --github-token-file "$TEST_DIR/token" --github-url "$GH_URL" --offline;
	test_grep ! "is accessible to" outputs/$N.err
'

# --- the search ------------------------------------------------------------------------------------
test_expect_success 'every stdout and stderr (--debug on): no secret' '
	test "$(ls outputs | wc -l)" -ge 20 &&
	cat outputs/*.err | grep -c -E "^I[0-9]{4} [0-9:.]+ (GET|PATCH|POST|PUT|DELETE) https?://" >nreq &&
	test "$(cat nreq)" -ge 100 &&
	python3 scan.py needles.json outputs
'
test_expect_success 'every file the commands wrote, and their HOME: no secret' '
	written >written.list &&
	sed "s/^/    wrote: /" written.list &&
	python3 scan.py needles.json home $(cat written.list | while read -r f; do
		case $f in /*) ;; *) f=$TEST_DIR/$f ;; esac
		[ -f "$f" ] && printf "%s\n" "$f"; done)
'
test_expect_success 'every object stored at the end (runners, the App auth Secret excepted): no secret' '
	dump_objects stored2 s8-pat s8-app s8-run &&
	test_grep "RunnerDeployment" stored2 && python3 scan.py needles.json stored2
'
test_expect_success 'cleanup' '
	kc delete namespace s8-pat s8-app s8-run --wait=false >/dev/null
'
test_done
