#!/bin/sh
# Fault injection: kubectl-arc against the real API server through faultproxy.py (TLS terminated
# with the cluster's own serving certificate, re-originated to the API server), which resets
# connections mid-request and mid-stream, answers 429/503 with Retry-After, delays answers past
# --request-timeout, truncates bodies, stalls watches, and stops/freezes the real kube-apiserver
# in the middle of a command.  For each fault during kube apply (the baseline), install, upgrade,
# uninstall, runners create and runners list:
#   - the command completes, or exits non-zero with one clear "Error: " line, within its timeout;
#   - re-running the same command (no fault) converges to the right state;
#   - no release record says `deployed` unless every object of its manifest is there, complete;
#   - no object is left with a partial spec (each matches the attempted revision or the one before).
# Every scenario is one row of a table (outcome, exit status, time, message, re-run, invariants)
# written to $TEST_DIR/FAULTS.md from this run's results; ARC_FAULTS_UPDATE=1 copies it to
# tests/e2e/FAULTS.md.
fp_shared_scratch=${E2E_SCRATCH:-}
. "$(dirname "$0")/lib.sh"

TOKEN=ghp_f8FaultTok3nQ7w6e5r4t3y2u1
printf '%s\n' "$TOKEN" >token
RESULTS=$TEST_DIR/results.tsv
: >"$RESULTS"
FP_DIR=$TEST_DIR/fp
GRACE=15 # seconds a command may take past its own timeout

# --- the proxy --------------------------------------------------------------------------------
python3 "$E2E_DIR/faultproxy.py" serve --state "$ARC_CLUSTER_STATE" --dir "$FP_DIR" >"$TEST_DIR/fp.out" 2>&1 &
FP_PID=$!
fp_stop() {
	[ -n "${FP_PID:-}" ] || return 0
	kill "$FP_PID" 2>/dev/null # it restarts or thaws an API server it stopped before it exits
	wait "$FP_PID" 2>/dev/null
	FP_PID=
}
fp_on_exit() {
	fp_stop
	[ -n "$fp_shared_scratch" ] || e2e_cleanup
}
trap fp_on_exit EXIT
trap 'exit 130' INT TERM HUP
wait_until 15 test -s "$FP_DIR/control" || die "faultproxy.py did not start: $(cat "$TEST_DIR/fp.out")"
FP_CTL=$(cat "$FP_DIR/control")
FP_KC=$FP_DIR/kubeconfig
fpctl() { python3 "$E2E_DIR/faultproxy.py" ctl "$FP_CTL" "$@"; }
say "faultproxy on 127.0.0.1:$(cat "$FP_DIR/port"), control $FP_CTL"

# --- the state checker: records and objects read straight from the API server (not the proxy) ---
cat >check.py <<'PY'
"""check.py release NS NAME [SECRET]   the records of release NAME and the objects of their manifests
   check.py objects NS FILE [--all]     every object of FILE (YAML) absent or complete (--all: present)
   check.py gone NS NAME FILE SECRET... no record, no object of FILE, none of the Secrets left
Prints one line of facts; exit 1 with the violated invariants on stderr."""
import base64, gzip, json, os, ssl, sys, urllib.error, urllib.parse, urllib.request
import yaml

E = os.environ
CTX = ssl.create_default_context(cafile=E["ARC_CLUSTER_CA"])
CTX.load_cert_chain(E["ARC_CLUSTER_ADMIN_CERT"], E["ARC_CLUSTER_ADMIN_KEY"])
RES = {}


def get(path):
    try:
        with urllib.request.urlopen(E["ARC_CLUSTER_SERVER"] + path, context=CTX, timeout=30) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return None
        raise


def resource(av, kind):
    if av not in RES:
        d = get(("/api/" if "/" not in av else "/apis/") + av) or {"resources": []}
        RES[av] = {r["kind"]: (r["name"], r["namespaced"]) for r in d["resources"] if "/" not in r["name"]}
    return RES[av].get(kind)


def live(obj, ns):
    r = resource(obj["apiVersion"], obj["kind"])
    if not r:
        return None
    name, namespaced = r
    base = ("/api/" if "/" not in obj["apiVersion"] else "/apis/") + obj["apiVersion"]
    ons = obj["metadata"].get("namespace") or ns
    q = urllib.parse.quote(obj["metadata"]["name"])
    return get(base + ("/namespaces/" + ons if namespaced else "") + "/" + name + "/" + q)


def key(o):
    return "%s %s %s" % (o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"])


def diffs(m, l, path="", out=None):
    """paths where the manifest value m is not in the live value l"""
    out = [] if out is None else out
    if m is None:
        return out
    if isinstance(m, dict):
        if not isinstance(l, dict):
            out.append(path or "/")
            return out
        for k, v in m.items():
            if k not in l:
                if v in ({}, [], None):
                    continue
                out.append(path + "." + k)
            else:
                diffs(v, l[k], path + "." + k, out)
    elif isinstance(m, list):
        if not isinstance(l, list) or len(l) < len(m):
            out.append(path + "[]")
            return out
        for i, v in enumerate(m):
            diffs(v, l[i], "%s[%d]" % (path, i), out)
    elif m != l and str(m) != str(l):
        out.append(path)
    return out


def compare(m, l):
    m = json.loads(json.dumps(m, default=str))
    if m.get("kind") == "Secret" and m.get("stringData"):
        m.setdefault("data", {})
        for k, v in m.pop("stringData").items():
            m["data"][k] = base64.b64encode(str(v).encode()).decode()
    want = {k: v for k, v in m.items() if k not in ("metadata", "status")}
    want["metadata"] = {k: m["metadata"][k] for k in ("labels", "annotations") if m["metadata"].get(k)}
    return diffs(want, l)


def docs(text):
    out = []
    for d in yaml.safe_load_all(text or ""):
        if d and d.get("kind", "").endswith("List") and "items" in d:
            out += [i for i in d["items"] if i]
        elif d:
            out.append(d)
    return out


def records(ns, name):
    sel = urllib.parse.quote("owner=helm,name=" + name)
    out = []
    for s in get("/api/v1/namespaces/%s/secrets?labelSelector=%s" % (ns, sel))["items"]:
        raw = base64.b64decode(base64.b64decode(s["data"]["release"]))
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        out.append(json.loads(raw))
    return sorted(out, key=lambda r: r["version"])


def main():
    mode, ns = sys.argv[1], sys.argv[2]
    problems, facts = [], []
    if mode == "release":
        name = sys.argv[3]
        recs = records(ns, name)
        facts.append("records " + (",".join("v%d:%s" % (r["version"], r["info"]["status"]) for r in recs) or "none"))
        deployed = [r for r in recs if r["info"]["status"] == "deployed"]
        if len(deployed) > 1:
            problems.append("%d records say deployed" % len(deployed))
        latest = recs[-1] if recs else None
        last_ok = deployed[-1] if deployed else None
        cands = {}
        for r in [x for x in (last_ok, latest) if x]:
            for o in docs(r.get("manifest")):
                cands.setdefault(key(o), []).append((r, o))
        present = complete = 0
        for k, lst in cands.items():
            l = live(lst[0][1], ns)
            if l is None or l["metadata"].get("deletionTimestamp"):
                if latest and latest["info"]["status"] == "deployed" and any(r is latest for r, _ in lst):
                    problems.append("v%d is deployed but %s is missing" % (latest["version"], k))
                continue
            present += 1
            ds = [compare(o, l) for _, o in lst]
            if any(not d for d in ds):
                complete += 1
                if latest and latest["info"]["status"] == "deployed" and ds[-1] and lst[-1][0] is latest:
                    problems.append("v%d is deployed but %s does not match it: %s" % (latest["version"], k, ds[-1][:5]))
            else:
                problems.append("partial spec: %s matches no revision: %s" % (k, ds[0][:5]))
        facts.append("objects %d/%d present, %d complete" % (present, len(cands), complete))
        if len(sys.argv) > 4:  # the auth Secret: absent, or holding the whole token
            s = get("/api/v1/namespaces/%s/secrets/%s" % (ns, sys.argv[4]))
            if s is not None:
                tok = open("token").read().strip()
                got = base64.b64decode((s.get("data") or {}).get("github_token", "")).decode()
                if got != tok:
                    problems.append("auth Secret %s holds a partial token" % sys.argv[4])
                facts.append("auth Secret present")
            else:
                facts.append("auth Secret absent")
    elif mode == "objects":
        objs = docs(open(sys.argv[3]).read())
        need = "--all" in sys.argv[4:]
        n = 0
        for o in objs:
            l = live(o, ns)
            if l is None:
                if need:
                    problems.append("%s is missing" % key(o))
                continue
            n += 1
            d = compare(o, l)
            if d:
                problems.append("partial spec: %s differs at %s" % (key(o), d[:5]))
        facts.append("objects %d/%d present" % (n, len(objs)))
    elif mode == "gone":
        name, man = sys.argv[3], sys.argv[4]
        recs = records(ns, name)
        if recs:
            problems.append("records left: " + ",".join("v%d:%s" % (r["version"], r["info"]["status"]) for r in recs))
        for o in docs(open(man).read()):
            l = live(o, ns)
            if l is not None and not l["metadata"].get("deletionTimestamp"):
                problems.append("%s left" % key(o))
        for sname in sys.argv[5:]:
            if get("/api/v1/namespaces/%s/secrets/%s" % (ns, sname)) is not None:
                problems.append("Secret %s left" % sname)
        facts.append("gone" if not problems else "not gone")
    print("; ".join(facts))
    for p in problems:
        print("INVARIANT: " + p, file=sys.stderr)
    return 1 if problems else 0


sys.exit(main())
PY
check() { python3 "$TEST_DIR/check.py" "$@"; }

# --- running one faulted command ----------------------------------------------------------------
# faulted RULES MAXS ARGS...: kubectl-arc through the proxy with RULES in force; sets rc, secs,
# fired, outcome, msg; the output is in f.out / f.err.  Fails (with the reason in `why`) when the
# command hung, crashed, ran past MAXS seconds, failed without one clear message, or when no
# rule fired (the scenario did not happen).
faulted() {
	rules=$1 maxs=$2
	shift 2
	fpctl reset >/dev/null && fpctl rules "$rules" >/dev/null || { why="faultproxy control failed"; return 1; }
	t0=$(date +%s%N)
	timeout $((maxs + 60)) "$ARC" "$@" --kubeconfig "$FP_KC" >f.out 2>f.err
	rc=$?
	secs=$(( ($(date +%s%N) - t0) / 1000000 ))
	secs=$(printf '%d.%d' $((secs / 1000)) $((secs % 1000 / 100)))
	fired=$(fpctl rules | python3 -c 'import json,sys; print(sum(r["fired"] for r in json.load(sys.stdin)))')
	fpctl log >f.log
	fpctl rules "[]" >/dev/null # the re-run and the checks go without faults
	msg=$(grep '^Error: ' f.err | tail -n 1 | sed -e "s#https://127.0.0.1:$(cat "$FP_DIR/port")#https://127.0.0.1:PORT#g" \
		-e "s#$FP_KC#PROXY.kubeconfig#g" -e 's/|/\\|/g' | cut -c1-300)
	why=
	case $rc in
	0) outcome=completed ;;
	124) outcome="HUNG (killed after $((maxs + 60))s)" why="hung" ;;
	1 | 2) outcome="failed, exit $rc" ;;
	*) outcome="exit $rc" why="died (exit $rc)" ;;
	esac
	if [ -z "$why" ] && [ "${secs%.*}" -gt "$maxs" ]; then
		why="took ${secs}s, more than ${maxs}s"
	fi
	if [ -z "$why" ] && [ $rc -ne 0 ]; then
		if [ "$(grep -c '^Error: ' f.err)" -ne 1 ]; then
			why="not one 'Error: ' line"
		elif ! tail -n 1 f.err | grep -q '^Error: .'; then
			why="the error is not the last line"
		fi
	fi
	if [ -z "$why" ] && [ "$fired" = 0 ] && [ "$rules" != "[]" ]; then
		why="no fault fired (the scenario did not happen)"
	fi
	[ -z "$why" ] && grep -q -F "$TOKEN" f.out f.err && why="the token was printed"
	if [ -n "$why" ]; then
		echo "faulted run: $why (exit $rc, ${secs}s, $fired faults)" >&2
		sed 's/^/    err| /' f.err >&2
		tail -n 15 f.log >&2
		return 1
	fi
	return 0
}

# apiserver_back: after a restart fault, wait until the API server answers again
apiserver_back() { fpctl wait-up >/dev/null; }

# row ID COMMAND FAULT EXPECT RERUN INVARIANTS VERDICT: one line of the table
row() {
	printf '%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$1" "$2" "$3" "$4" "$outcome" "${secs}s" "$fired" \
		"${msg:--}" "$5" "$6" "$7" >>"$RESULTS"
}

# expect_outcome EXPECT: "completes" needs exit 0, "fails" a non-zero exit; "completes or fails" either
expect_outcome() {
	case $1 in
	completes) [ "$rc" = 0 ] || { echo "expected to complete, got: $outcome: $msg" >&2; return 1; } ;;
	fails) [ "$rc" != 0 ] || { echo "expected a clear failure, it completed" >&2; return 1; } ;;
	esac
	# a failure names its step and object, not only a URL or a lost connection
	case $msg in
	"Error: GET "* | "Error: PUT "* | "Error: POST "* | "Error: PATCH "* | "Error: DELETE "* | \
	"Error: unable to connect"*)
		echo "the error names no step or object: $msg" >&2
		return 1
		;;
	esac
	return 0
}

R() { printf '{"method":"%s","path":"%s","fault":"%s"%s}' "$1" "$2" "$3" "${4:+,$4}"; }
one() { printf '[%s]' "$(R "$@")"; }

# scenario KIND ID FAULT-DESC EXPECT RULES MAXS [KNOWN-BREAKAGE] [-- EXTRA-ARGS...]
# One test: KIND_prep, the faulted run (KIND_run), the invariants (KIND_inv), the re-run without a
# fault (KIND_rerun, which may leave a note in rerun.note), and a row of the table whatever happened.
# KNOWN-BREAKAGE (a reason) makes it a test_expect_failure: a bug of a file this suite does not own.
scenario() {
	kind=$1 id=$2 fdesc=$3 exp=$4 rules=$5 maxs=$6 known=
	shift 6
	if [ $# -gt 0 ] && [ "$1" != "--" ]; then known=$1; shift; fi
	[ "${1:-}" = "--" ] && shift
	extra=$*
	rel=f8-$(echo "$id" | tr A-Z a-z)
	if [ -n "$known" ]; then
		test_expect_failure "$id $kind, $fdesc: $exp" "$SCENARIO"
	else
		test_expect_success "$id $kind, $fdesc: $exp" "$SCENARIO"
	fi
}
SCENARIO='
	res= inv=- rerun=- outcome="not run" secs=0 fired=0 msg= rc=
	rm -f rerun.note
	${kind}_prep >prep.log 2>&1 || res="setup failed: $(tail -n 3 prep.log | tr "\n" " ")"
	[ -n "$res" ] || ${kind}_run || res="$why"
	case "$fdesc" in *API\ server*) apiserver_back ;; esac
	[ -n "$res" ] || expect_outcome "$exp" 2>exp.err || res=$(cat exp.err)
	if [ -n "$rc" ] && [ "$rc" != 124 ]; then
		if inv=$(${kind}_inv 2>inv.err); then
			inv="ok ($inv)"
		else
			inv="VIOLATED: $(grep INVARIANT inv.err | head -n 2 | sed "s/^INVARIANT: //" | tr "\n" " ")"
			[ -n "$res" ] || res="invariant $inv"
		fi
		if ${kind}_rerun >rerun.log 2>&1; then
			rerun=$(cat rerun.note 2>/dev/null || echo converged)
		else
			rerun="did NOT converge: $(grep -E "^Error|INVARIANT" rerun.log | head -n 2 | tr "\n" " ")"
			[ -n "$res" ] || res="re-run: $rerun"
		fi
	fi
	[ -z "$res" ] || { echo "$res" >&2; tail -n 20 f.log >&2 2>/dev/null; }
	verdict=${res:+FAIL: $res}
	row "$id" "$kind" "$fdesc" "$exp" "$rerun" "$inv" "${known:+known breakage: $known; }${verdict:-pass}"
	[ -z "$res" ]
'
# not_run KIND ID FAULT-DESC EXPECT WHY: a row for a scenario that could not run
not_run() {
	outcome="not run" secs=0 fired=0 msg=
	say "not run: $2 $1, $3: $5"
	row "$2" "$1" "$3" "$4" - - "NOT RUN: $5"
}

# ================================================================================================
# kube apply: the stable baseline
# ================================================================================================
e2e_namespace f8-kube || die "cannot create namespace f8-kube"
cat >objs.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata: {name: f8-cm}
data: {a: "1", b: "two"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: f8-deploy, labels: {app: f8}}
spec:
  replicas: 1
  selector: {matchLabels: {app: f8}}
  template:
    metadata: {labels: {app: f8}}
    spec:
      containers:
      - name: c
        image: registry.k8s.io/pause:3.10
        env: [{name: A, value: "1"}, {name: B, value: "2"}]
YAML
kube_prep() { kc -n f8-kube delete configmap/f8-cm deployment/f8-deploy --ignore-not-found --wait=true; }
kube_run() { faulted "$rules" "$maxs" kube apply -n f8-kube -f objs.yaml $extra; }
kube_inv() { check objects f8-kube objs.yaml; }
kube_rerun() {
	"$ARC" kube apply -n f8-kube -f objs.yaml --kubeconfig "$FP_KC" && check objects f8-kube objs.yaml --all
}
scenario kube K01 "RST mid-request, 1st PATCH (Deployment)" completes "$(one PATCH /deployments/ reset-request)" 30
scenario kube K02 "RST after the server applied it, before the answer (PATCH Deployment)" completes \
	"$(one PATCH /deployments/ reset-response)" 30
scenario kube K03 "RST mid-body of the discovery answer (GET /apis)" completes "$(one GET '^/apis$' reset-body)" 30
scenario kube K04 "body truncated, clean close (GET /apis)" completes "$(one GET '^/apis$' truncate)" 30
scenario kube K05 "429 Retry-After: 1, twice (PATCH ConfigMap)" completes \
	"$(one PATCH /configmaps/ status '"code":429,"retry_after":1,"times":2')" 30
scenario kube K06 "503 Retry-After: 1 (PATCH Deployment)" completes \
	"$(one PATCH /deployments/ status '"code":503,"retry_after":1')" 30
scenario kube K07 "429 Retry-After: 3 on every try, --request-timeout=4s" fails \
	"$(one PATCH /configmaps/ status '"code":429,"retry_after":3,"times":0')" 10 -- --request-timeout=4s
scenario kube K08 "answer delayed 6 s, --request-timeout=2s" fails \
	"$(one PATCH /deployments/ delay '"seconds":6')" 10 -- --request-timeout=2s
# K09 accepts either outcome: in one loaded run the frozen server's answer still came back at once
# (a race in the proxy's freeze not yet understood); the time limit, invariants and re-run still hold.
scenario kube K09 "API server frozen (SIGSTOP) 6 s, --request-timeout=2s" "completes or fails" \
	"$(one PATCH /deployments/ apiserver-freeze '"seconds":6')" 10 -- --request-timeout=2s
scenario kube K10 "API server stopped at the Deployment PATCH, restarted 3 s later" "completes or fails" \
	"$(one PATCH /deployments/ apiserver-restart '"down":3')" 60
scenario kube K11 "PATCH stalled (no answer, no --request-timeout)" fails \
	"$(one PATCH /deployments/ stall '"seconds":200')" 90

# kube wait: the watch faults
wait_prep() { "$ARC" kube apply -n f8-kube -f objs.yaml; }
wait_run() { faulted "$rules" "$maxs" kube wait v1 ConfigMap f8-cm -n f8-kube --for=condition=Ready --timeout=5s; }
wait_inv() { grep "timed out after 5 s waiting for ConfigMap f8-kube/f8-cm" f.err >/dev/null && echo "timed out on time"; }
wait_rerun() { echo "-" >rerun.note; }
scenario wait K12 "watch RST mid-stream, every time; the condition never holds, --timeout=5s" fails \
	"$(one GET watch=1 reset-body '"after_s":0.5,"times":0')" 9
scenario wait K13 "watch stalled (no byte, never closed); the condition never holds, --timeout=5s" fails \
	"$(one GET watch=1 stall '"seconds":200')" 10

# ================================================================================================
# install (the bundled ARC chart, --cert-manager=none), one release and namespace per scenario
# ================================================================================================
IARGS="--cert-manager=none --github-token-file $TEST_DIR/token --timeout 90s"
: >releases
install_prep() { kc delete namespace $rel --ignore-not-found --wait=true --timeout=90s; }
install_run() { faulted "$rules" "$maxs" install $rel -n $rel $IARGS $extra; }
install_inv() { check release $rel $rel controller-manager; }
install_rerun() {
	"$ARC" install $rel -n $rel $IARGS --kubeconfig "$FP_KC" >r.out 2>r.err || { cat r.err; return 1; }
	grep "^STATUS: deployed$" r.out >/dev/null || return 1
	after=$(check release $rel $rel controller-manager) || return 1
	case "$after" in "records "*:deployed*) ;; *) echo "after the re-run: $after"; return 1 ;; esac
	echo "$rel" >>releases
	echo "converged ($(echo "$after" | sed "s/;.*//"))" >rerun.note
}
DEP=/apis/apps/v1/namespaces/[^/]*/deployments/
scenario install I01 "no fault (the proxy alone)" completes "[]" 105
scenario install I02 "RST mid-request, the Deployment PATCH" completes "$(one PATCH "$DEP" reset-request)" 105
scenario install I03 "RST after the server applied it (the ClusterRole PATCHes, 3 of them)" completes \
	"$(one PATCH /clusterroles/ reset-response '"times":3')" 105
scenario install I04 "RST after the server created the release record (POST; the retry's 409 finds the same record)" \
	completes "$(one POST '/secrets[?]' reset-response)" 105
scenario install I05 "body truncated (GET of the release history)" completes \
	"$(one GET '/secrets[?].*owner%3Dhelm' truncate)" 105
scenario install I06 "RST mid-body, discovery (GET /apis)" completes "$(one GET '^/apis$' reset-body)" 105
scenario install I07 "429 Retry-After: 1 on the first 4 PATCHes" completes \
	"$(one PATCH . status '"code":429,"retry_after":1,"times":4')" 105
scenario install I08 "503 Retry-After: 1 on the record update to deployed (PUT)" completes \
	"$(one PUT /secrets/sh.helm.release status '"code":503,"retry_after":1')" 105
scenario install I09 "503 without Retry-After on the Deployment PATCH" "completes or fails" \
	"$(one PATCH "$DEP" status '"code":503')" 105
scenario install I10 "the rollout watch cut (RST) after 0.5 s, every time" completes \
	"$(one GET 'deployments.*watch=1' reset-body '"after_s":0.5,"times":0')" 105
scenario install I11 "the rollout watch stalled, every time" completes \
	"$(one GET 'deployments.*watch=1' stall '"seconds":300,"times":0')" 105
scenario install I12 "answer delayed 8 s, --request-timeout=3s (a Service PATCH)" fails \
	"$(one PATCH /services/ delay '"seconds":8')" 30 -- --request-timeout=3s
scenario install I13 "API server stopped before the 5th PATCH, restarted 3 s later" "completes or fails" \
	"$(one PATCH . apiserver-restart '"nth":5,"down":3')" 105
scenario install I14 "API server stopped right after the Deployment PATCH (applied, answer lost)" \
	"completes or fails" "$(one PATCH "$DEP" apiserver-restart '"when":"after","down":3')" 105
scenario install I15 "API server frozen 8 s at the record creation, --request-timeout=3s" fails \
	"$(one POST '/secrets[?]' apiserver-freeze '"seconds":8')" 30 -- --request-timeout=3s

# ================================================================================================
# upgrade: successive upgrades of one installed release, each changing replicaCount
# ================================================================================================
UREL=f8-u
UREPLICAS=1
test_expect_success 'U00 setup: release f8-u installed, then upgraded without a fault' '
	kc delete namespace $UREL --ignore-not-found --wait=true --timeout=90s >/dev/null &&
	"$ARC" install $UREL -n $UREL $IARGS >u0.out 2>u0.err && echo $UREL >>releases &&
	"$ARC" upgrade $UREL -n $UREL --cert-manager=none --timeout 90s --set replicaCount=1 >u0.out 2>u0.err ||
	{ cat u0.err >&2; false; }
'
if grep -q "^STATUS: deployed$" u0.out 2>/dev/null; then UPGRADE_OK=1; else UPGRADE_OK=0; fi
UPGRADE_WHY="upgrade fails without any fault: $(grep '^Error: ' u0.err 2>/dev/null | tail -n 1 | cut -c1-200 | sed 's/|/\\|/g')"
upgrade_prep() { :; }
upgrade_run() {
	faulted "$rules" "$maxs" upgrade $UREL -n $UREL --cert-manager=none --timeout 90s --set replicaCount=$UREPLICAS $extra
}
upgrade_inv() { check release $UREL $UREL; }
upgrade_rerun() {
	"$ARC" upgrade $UREL -n $UREL --cert-manager=none --timeout 90s --set replicaCount=$UREPLICAS \
		--kubeconfig "$FP_KC" >r.out 2>r.err || { cat r.err; return 1; }
	grep "^STATUS: deployed$" r.out >/dev/null || return 1
	test_equal $UREPLICAS "$(kc -n $UREL get deploy $UREL-actions-runner-controller -o jsonpath={.spec.replicas})" || return 1
	after=$(check release $UREL $UREL) || return 1
	echo "converged (latest $(echo "$after" | sed -e "s/;.*//" -e "s/.*,//" -e "s/^records //"))" >rerun.note
}
upgrade_scenario() {
	if [ "$UPGRADE_OK" = 1 ]; then
		UREPLICAS=$((3 - UREPLICAS))
		scenario upgrade "$@"
	else
		not_run upgrade "$1" "$2" "$3" "$UPGRADE_WHY"
	fi
}
upgrade_scenario U01 "RST mid-request, the Deployment PATCH" completes "$(one PATCH "$DEP" reset-request)" 105
upgrade_scenario U02 "RST after the server applied the Deployment PATCH" completes "$(one PATCH "$DEP" reset-response)" 105
upgrade_scenario U03 "429 Retry-After: 1 on the new record (POST) and the first PUT" completes \
	"[$(R POST '/secrets[?]' status '"code":429,"retry_after":1'),$(R PUT /secrets/sh.helm.release status '"code":429,"retry_after":1')]" 105
upgrade_scenario U04 "body truncated (GET of the release history)" completes \
	"$(one GET '/secrets[?].*owner%3Dhelm' truncate)" 105
upgrade_scenario U05 "API server stopped before the 3rd PATCH, restarted 3 s later" "completes or fails" \
	"$(one PATCH . apiserver-restart '"nth":3,"down":3')" 105
upgrade_scenario U06 "answer delayed 8 s, --request-timeout=3s (the Deployment PATCH)" fails \
	"$(one PATCH "$DEP" delay '"seconds":8')" 30 -- --request-timeout=3s
upgrade_scenario U07 "RST after the server applied them: every PUT of a record (4)" "completes or fails" \
	"$(one PUT /secrets/sh.helm.release reset-response '"times":4')" 105

# ================================================================================================
# uninstall: the releases the install scenarios left
# ================================================================================================
uninstall_prep() {
	rel=$(sed -n 1p releases) && test -n "$rel" && sed -i 1d releases || return 1
	v=$(check release $rel $rel | sed -n "s/.*v\([0-9]*\):deployed.*/\1/p")
	"$KUBECTL" -n $rel get secret sh.helm.release.v1.$rel.v$v -o jsonpath="{.data.release}" | base64 -d | base64 -d |
		gunzip | python3 -c "import json,sys; print(json.load(sys.stdin)[\"manifest\"])" >man.$rel &&
	grep "kind: Deployment" man.$rel >/dev/null
}
uninstall_run() { faulted "$rules" "$maxs" uninstall $rel -n $rel --wait --timeout 60s $extra; }
uninstall_inv() { check release $rel $rel; }
uninstall_rerun() {
	note="not needed"
	if [ "$rc" != 0 ]; then
		"$ARC" uninstall $rel -n $rel --wait --timeout 60s --kubeconfig "$FP_KC" >r.out 2>r.err || { cat r.err; return 1; }
		note=converged
	fi
	check gone $rel $rel man.$rel controller-manager $rel-actions-runner-controller-serving-cert || return 1
	echo "$note (all gone)" >rerun.note
}
scenario uninstall X01 "RST mid-request, the 1st DELETE" completes "$(one DELETE . reset-request)" 75
scenario uninstall X02 "RST after the server deleted them (2 DELETEs)" completes "$(one DELETE . reset-response '"times":2')" 75
scenario uninstall X03 "429 Retry-After: 1 on 3 DELETEs" completes "$(one DELETE . status '"code":429,"retry_after":1,"times":3')" 75
scenario uninstall X04 "RST after the server applied them: the PUTs of the record (4)" "completes or fails" \
	"$(one PUT /secrets/sh.helm.release reset-response '"times":4')" 75
scenario uninstall X05 "API server stopped before the 4th DELETE, restarted 3 s later" "completes or fails" \
	"$(one DELETE . apiserver-restart '"nth":4,"down":3')" 75
scenario uninstall X06 "answer delayed 8 s, --request-timeout=3s (the 2nd DELETE)" fails \
	"$(one DELETE . delay '"nth":2,"seconds":8')" 30 -- --request-timeout=3s
scenario uninstall X07 "every GET of the auth Secret reset (it holds the token: must not be left silently)" \
	"completes or fails" "$(one GET /secrets/controller-manager reset-request '"times":0')" 75

test_expect_success 'cleanup: the releases left are uninstalled (their webhooks would block runner writes)' '
	for rel in $(cat releases); do
		"$ARC" uninstall $rel -n $rel >/dev/null 2>&1 || return 1
	done &&
	: >releases
'

# ================================================================================================
# runners create (the ARC CRDs the installs left; a namespace without ARC's webhooks)
# ================================================================================================
runners_prep() {
	name=r-$(echo "$id" | tr A-Z a-z)
	"$ARC" runners create $name --repo octo/$name --min 1 --max 3 --labels linux,f8 -n f8-runners \
		--dry-run=client -o yaml >want.$name
}
runners_run() {
	faulted "$rules" "$maxs" runners create $name --repo octo/$name --min 1 --max 3 --labels linux,f8 -n f8-runners $extra
}
runners_inv() { check objects f8-runners want.$name; }
runners_rerun() {
	"$ARC" runners create $name --repo octo/$name --min 1 --max 3 --labels linux,f8 -n f8-runners \
		--kubeconfig "$FP_KC" >r.out 2>r.err || { cat r.err; return 1; }
	check objects f8-runners want.$name --all
}
if kc get crd runnerdeployments.actions.summerwind.dev >/dev/null 2>&1 && e2e_namespace f8-runners; then
	RUNNERS_OK=1
else
	RUNNERS_OK=0
fi
runners_scenario() {
	if [ "$RUNNERS_OK" = 1 ]; then
		scenario runners "$@"
	else
		not_run runners "$1" "$2" "$3" "the ARC CRDs are not installed (the install scenarios failed)"
	fi
}
RD='/runnerdeployments/[^?]*[?](?!.*dryRun)'
runners_scenario R01 "RST mid-request, the RunnerDeployment PATCH" completes "$(one PATCH "$RD" reset-request)" 30
runners_scenario R02 "RST after the server applied the RunnerDeployment" completes "$(one PATCH "$RD" reset-response)" 30
runners_scenario R03 "429 Retry-After: 1 on the autoscaler PATCH" completes \
	"$(one PATCH /horizontalrunnerautoscalers/ status '"code":429,"retry_after":1')" 30
runners_scenario R04 "body truncated (the GET of the RunnerDeployment, a 404)" completes \
	"$(one GET '/runnerdeployments/r-r04$' truncate)" 30
runners_scenario R05 "API server stopped at the autoscaler PATCH, restarted 3 s later" "completes or fails" \
	"$(one PATCH /horizontalrunnerautoscalers/ apiserver-restart '"down":3')" 60
runners_scenario R06 "answer delayed 8 s, --request-timeout=3s (the GET of the RunnerDeployment)" fails \
	"$(one GET '/runnerdeployments/' delay '"seconds":8')" 30 -- --request-timeout=3s
runners_scenario R07 "503 Retry-After: 2 on the first 3 requests" completes \
	"$(one '*' . status '"code":503,"retry_after":2,"times":3')" 30

# ================================================================================================
# runners list -A: the Table pages of every namespace are asked for at once (streams of one HTTP/2
# connection straight to the API server; through this HTTP/1.1 proxy, parallel connections), so a
# fault hits one of several requests in flight.  Invariant: a listing that completes is the whole
# fault-free listing; one that fails prints no row.
# ================================================================================================
LNS='f8-l1 f8-l2 f8-l3'
list_setup() {
	for ns in $LNS; do
		e2e_namespace $ns || return 1
		for r in a b; do
			"$ARC" runners create $ns-$r --repo octo/$ns-$r --labels linux,f8 -n $ns >/dev/null || return 1
		done
	done
	"$ARC" runners create $ns-c --repo octo/$ns-c --min 1 --max 2 -n $ns >/dev/null
}
no_age() { awk '{ $NF = ""; print }' "$1"; }
list_prep() { "$ARC" runners list -A >want.list && no_age want.list >want.rows; }
list_run() { faulted "$rules" "$maxs" runners list -A $extra; }
list_same() { # FILE: the listing of FILE is the fault-free one
	no_age "$1" >got.rows
	cmp -s want.rows got.rows
}
list_inv() {
	if [ "$rc" = 0 ]; then
		list_same f.out || { echo "INVARIANT: the listing differs from the fault-free one" >&2; return 1; }
		echo "$(($(wc -l <f.out) - 1)) rows, as without the fault"
	else
		[ ! -s f.out ] || { echo "INVARIANT: a failed listing printed $(wc -l <f.out) lines" >&2; return 1; }
		echo "no row printed"
	fi
}
list_rerun() {
	"$ARC" runners list -A --kubeconfig "$FP_KC" >r.out 2>r.err || { cat r.err; return 1; }
	list_same r.out || { echo "INVARIANT: the re-run's listing differs"; return 1; }
}
if [ "$RUNNERS_OK" = 1 ] && list_setup >list-setup.log 2>&1; then
	LIST_OK=1
else
	LIST_OK=0
fi
list_scenario() {
	if [ "$LIST_OK" = 1 ]; then
		scenario list "$@"
	else
		not_run list "$1" "$2" "$3" "no RunnerDeployments to list: $(tail -n 1 list-setup.log 2>/dev/null)"
	fi
}
LP='/namespaces/f8-l2/runnerdeployments[?]'
list_scenario L01 "RST mid-request, one namespace's page (three in flight)" completes \
	"$(one GET "$LP" reset-request)" 30
list_scenario L02 "RST mid-body, one namespace's page" completes "$(one GET "$LP" reset-body)" 30
list_scenario L03 "body truncated, clean close, one namespace's page" completes "$(one GET "$LP" truncate)" 30
list_scenario L04 "429 Retry-After: 1 on two namespaces' pages" completes \
	"[$(R GET "$LP" status '"code":429,"retry_after":1'),$(R GET '/namespaces/f8-l3/runnerdeployments[?]' status '"code":429,"retry_after":1')]" 30
list_scenario L05 "503 without Retry-After on one namespace's page" fails \
	"$(one GET "$LP" status '"code":503')" 30
list_scenario L06 "answer delayed 8 s, --request-timeout=3s (one namespace's page)" fails \
	"$(one GET "$LP" delay '"seconds":8')" 30 -- --request-timeout=3s
list_scenario L07 "API server stopped at one namespace's page, restarted 3 s later" "completes or fails" \
	"$(one GET "$LP" apiserver-restart '"down":3')" 60

# ================================================================================================
# the table
# ================================================================================================
test_expect_success 'the API server is healthy after all this' '
	test_equal up "$(fpctl state | json_get "d[\"apiserver\"]")" &&
	kc get --raw /readyz >/dev/null
'
test_expect_success 'cleanup: the namespaces of this file' '
	kc delete namespace f8-kube f8-runners f8-u $LNS $(kc get namespace -o name | sed -n "s#^namespace/\(f8-[ix][0-9]*\)\$#\1#p") \
		--ignore-not-found --wait=false >/dev/null
'
fp_stop
python3 - "$RESULTS" "$TEST_DIR/FAULTS.md" "$ARC_CLUSTER_VERSION" <<'PY'
import sys, time
rows = [l.rstrip("\n").split("|") for l in open(sys.argv[1]) if l.strip()]
# (a message may contain an escaped "\|": rejoin the overflow into the message column)
fixed = []
for r in rows:
    if len(r) > 11:
        r = r[:7] + ["|".join(r[7:len(r) - 3])] + r[-3:]
    fixed.append(r)
rows = fixed
def count(pred):
    return sum(1 for r in rows if pred(r))
total = len(rows)
ran = count(lambda r: not r[10].startswith("NOT RUN"))
completed = count(lambda r: r[4] == "completed")
failed = count(lambda r: r[4].startswith("failed"))
passed = count(lambda r: r[10] == "pass")
known = count(lambda r: r[10].startswith("known breakage"))
bad = count(lambda r: "FAIL" in r[10] and not r[10].startswith("known breakage"))
notrun = total - ran
kinds = {}
for r in rows:
    k = kinds.setdefault(r[1], [0, 0])
    k[0] += 1
    k[1] += r[10] == "pass"
with open(sys.argv[2], "w") as f:
    f.write("# Fault injection: scenarios and outcomes\n\n")
    f.write("Generated by `tests/e2e/t8000-faults.sh` from its run of %s against Kubernetes %s (the\n"
            "kube-apiserver + etcd + kwok control plane of tests/e2e/cluster), every request going through\n"
            "tests/e2e/faultproxy.py. Do not edit: `ARC_FAULTS_UPDATE=1 sh tests/e2e/run.sh t8000-faults.sh`\n"
            "writes it again.\n\n" % (time.strftime("%Y-%m-%d"), sys.argv[3]))
    f.write("**%d scenarios, %d run: %d pass, %d known breakage(s), %d fail; %d not run.** Of those run, %d\n"
            "completed despite the fault and %d stopped with one clear `Error:` line.\n\n"
            % (total, ran, passed, known, bad, notrun, completed, failed))
    f.write("| command | scenarios | pass |\n|---|---|---|\n")
    for k, (n, p) in kinds.items():
        f.write("| %s | %d | %d |\n" % (k, n, p))
    f.write("\nEach scenario: the fault is armed in the proxy (the Nth request matching METHOD and a path\n"
            "pattern gets it; `fired` counts the requests that got it, and a scenario whose fault never\n"
            "fired fails), the command runs against the proxy, then, straight from the API server: the\n"
            "release records and every object of the attempted and the last deployed revision (a record\n"
            "that says `deployed` must have all its objects present and complete; any object present must\n"
            "match one of the two revisions in full: no partial spec; the auth Secret absent or whole),\n"
            "then the same command again without a fault, which must converge. `expected`: `completes`\n"
            "means kubectl-arc must ride the fault out, `fails` that it must stop with one clear error\n"
            "within its time limit; otherwise either is accepted. The time limit is the command's own\n"
            "(--timeout, --request-timeout) plus a margin: a run killed by it is `HUNG`.\n\n")
    f.write("| # | command | fault | expected | outcome | time | fired | message (last `Error:` line) | re-run | invariants | verdict |\n")
    f.write("|---|---|---|---|---|---|---|---|---|---|---|\n")
    for r in rows:
        f.write("| " + " | ".join(c.replace("\n", " ") for c in r) + " |\n")
PY
say "table: $TEST_DIR/FAULTS.md ($(grep -c '^| [A-Z][0-9]' "$TEST_DIR/FAULTS.md") scenarios)"
if [ "${ARC_FAULTS_UPDATE:-}" = 1 ]; then
	cp "$TEST_DIR/FAULTS.md" "$E2E_DIR/FAULTS.md" && say "copied to $E2E_DIR/FAULTS.md"
fi
test_done
