#!/bin/sh
# Chart hooks in kubectl arc install / upgrade / uninstall, against the real control plane, with
# the real helm v4.1.4 as the oracle: the same chart installed, upgraded and uninstalled by helm in
# a namespace of its own must leave the same objects, created in the same order (resourceVersion),
# and a release record whose hooks (events, weights, delete policies, last_run phases) are the
# same as kubectl-arc's.  Also: a Job hook waited for (kube-controller-manager runs it, kwok
# completes its pod), hook-succeeded deletion, a hook the API server rejects, --atomic, a Pod
# hook that never finishes (--timeout), --no-hooks, --dry-run=client, and helm uninstalling a
# release whose hooks kubectl-arc recorded.
. "$(dirname "$0")/lib.sh"

HELM4=$(sh "$TOP/tests/tools.sh" 2>/dev/null | sed -n 1p)
HELM3=$(sh "$TOP/tests/tools.sh" 2>/dev/null | sed -n 2p)
[ -x "$HELM4" ] && [ -x "$HELM3" ] || die "no helm binaries (tests/tools.sh)"
h4() { timeout 120 "$HELM4" "$@"; }
h3() { timeout 120 "$HELM3" "$@"; }
export HELM_CACHE_HOME="$TEST_DIR/.helm/cache" HELM_CONFIG_HOME="$TEST_DIR/.helm/config" \
	HELM_DATA_HOME="$TEST_DIR/.helm/data"
ARC_E2E_TIMEOUT=120
arcx() {
	arc "$@" >out 2>err
	rc=$?
	[ $rc -eq 0 ] || sed "s/^/arcx $1: /" err >&2 # shown when the test fails
	return $rc
}
del_ns() { kc delete namespace "$@" --ignore-not-found --wait=true --timeout=90s >/dev/null; }
rel_status() { kc -n "$1" get secret "sh.helm.release.v1.$2.v$3" -o jsonpath='{.metadata.labels.status}'; }
# the hook objects of a namespace (ConfigMaps, Secrets, Jobs, Pods but the release records and
# kube-root-ca.crt), oldest first by resourceVersion (etcd's write order)
objects() {
	kc -n "$1" get configmaps,secrets,jobs,pods -o json | python3 -c '
import json, sys
items = json.load(sys.stdin)["items"]
items = [i for i in items if i["metadata"]["name"] != "kube-root-ca.crt"
         and not i["metadata"]["name"].startswith("sh.helm.release.")]
items.sort(key=lambda i: int(i["metadata"]["resourceVersion"]))
for i in items:
    print(i["kind"], i["metadata"]["name"])'
}
# the hooks of a release record, with last_run times reduced to set/empty
hooks() { # NS RELEASE REVISION
	kc -n "$1" get secret "sh.helm.release.v1.$2.v$3" -o json | python3 -c '
import base64, gzip, json, sys
raw = base64.b64decode(base64.b64decode(json.load(sys.stdin)["data"]["release"]))
r = json.loads(gzip.decompress(raw) if raw[:3] == b"\x1f\x8b\x08" else raw)
for h in r.get("hooks") or []:
    lr = h.get("last_run", {})
    for t in ("started_at", "completed_at"):
        if t in lr:
            lr[t] = "set" if lr[t] else "empty"
print(json.dumps({"status": r["info"]["status"], "hooks": r.get("hooks")}, indent=1, sort_keys=True))'
}

# the test chart: hooks of every event, weights, delete policies, a Job, one that is only a test
mkdir -p hooky/templates
cat >hooky/Chart.yaml <<'EOF'
apiVersion: v2
name: hooky
version: 0.1.0
EOF
cat >hooky/values.yaml <<'EOF'
x: "1"
badHook: false
stuckHook: false
stuckDelete: false
badUpgrade: false
EOF
cat >hooky/templates/objects.yaml <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-main
data:
  x: {{ .Values.x | quote }}
EOF
cat >hooky/templates/hooks.yaml <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-pre-a
  annotations:
    helm.sh/hook: pre-install, Pre-Upgrade
    helm.sh/hook-weight: "1"
data:
  x: {{ .Values.x | quote }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-pre-c
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "1"
---
apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-pre-b
  annotations:
    helm.sh/hook: pre-upgrade,pre-install
    helm.sh/hook-weight: "-1"
    helm.sh/hook-delete-policy: before-hook-creation
stringData:
  x: {{ .Values.x | quote }}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-migrate
  annotations:
    helm.sh/hook: pre-install
    helm.sh/hook-delete-policy: hook-succeeded , before-hook-creation
    helm.sh/hook-output-log-policy: hook-failed
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: migrate
        image: busybox:1.36
        command: ["true"]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-post
  annotations:
    helm.sh/hook: post-install,post-upgrade
    helm.sh/hook-delete-policy: hook-succeeded
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-bye
  annotations:
    helm.sh/hook: pre-delete
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-after
  annotations:
    helm.sh/hook: post-delete
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-test
  annotations:
    helm.sh/hook: test
{{- if .Values.badHook }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-Bad_Name
  annotations:
    helm.sh/hook: pre-install
{{- end }}
{{- if .Values.stuckHook }}
---
apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}-stuck
  annotations:
    helm.sh/hook: post-install
spec:
  restartPolicy: Never
  containers:
  - name: wait
    image: busybox:1.36
    command: ["sleep", "3600"]
{{- end }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-rb-pre
  annotations:
    helm.sh/hook: pre-rollback
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-rb-post
  annotations:
    helm.sh/hook: post-rollback
{{- if .Values.badUpgrade }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-Bad_Upgrade
  annotations:
    helm.sh/hook: post-upgrade
{{- end }}
{{- if .Values.stuckDelete }}
---
apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}-stuck-bye
  annotations:
    helm.sh/hook: pre-delete
spec:
  restartPolicy: Never
  containers:
  - name: wait
    image: busybox:1.36
    command: ["sleep", "3600"]
{{- end }}
EOF
# kubectl-arc in hk-a*, helm in hk-h*: one release "hk" each, so the records compare as they are
del_ns hk-a1 hk-h1 hk-a2 hk-a3 hk-h3 hk-a4 hk-a5 hk-a6 hk-a7 hk-h7 hk-dry

test_expect_success 'install: pre-install hooks by weight then name, the Job waited for, then the objects, then post-install; as helm does' '
	arcx install hk --chart hooky -n hk-a1 --cert-manager=none &&
	test_grep "Ran 4 pre-install hooks" err && test_grep "waiting for Job hk-a1/hk-migrate to complete" err &&
	test_grep "Ran 1 post-install hook" err && test_grep "^STATUS: deployed$" out &&
	h4 install hk hooky -n hk-h1 --create-namespace >/dev/null &&
	objects hk-a1 >a.objs && objects hk-h1 >h.objs && test_cmp h.objs a.objs &&
	printf "%s\n" "Secret hk-pre-b" "ConfigMap hk-pre-a" "ConfigMap hk-pre-c" "ConfigMap hk-main" >want &&
	test_cmp want a.objs &&
	hooks hk-a1 hk 1 >a.rec && hooks hk-h1 hk 1 >h.rec && test_cmp h.rec a.rec &&
	test_grep "\"phase\": \"Succeeded\"" a.rec && test_grep ! "\"phase\": \"(Running|Unknown|Failed)\"" a.rec
'

test_expect_success 'the record is helm'"'"'s: helm v4 and v3 list its hooks (the test hook too), as they do for their own' '
	h4 get hooks hk -n hk-a1 >a.h4 && h4 get hooks hk -n hk-h1 >h.h4 && test_cmp h.h4 a.h4 &&
	test_equal 10 "$(grep -c "^# Source: hooky/templates/hooks.yaml" a.h4)" &&
	h3 get hooks hk -n hk-a1 >a.h3 && test_cmp a.h4 a.h3
'

test_expect_success 'upgrade: pre-upgrade hooks made afresh (before-hook-creation), post-upgrade; as helm does' '
	uid1=$(kc -n hk-a1 get configmap hk-pre-a -o jsonpath={.metadata.uid}) &&
	arcx upgrade hk --chart hooky -n hk-a1 --set x=2 &&
	test_grep "Ran 3 pre-upgrade hooks" err && test_grep "Ran 1 post-upgrade hook" err &&
	uid2=$(kc -n hk-a1 get configmap hk-pre-a -o jsonpath={.metadata.uid}) &&
	test "$uid1" != "$uid2" &&
	test_equal 2 "$(kc -n hk-a1 get configmap hk-pre-a -o jsonpath={.data.x})" &&
	h4 upgrade hk hooky -n hk-h1 --set x=2 >/dev/null &&
	objects hk-a1 >a.objs && objects hk-h1 >h.objs && test_cmp h.objs a.objs &&
	hooks hk-a1 hk 2 >a.rec && hooks hk-h1 hk 2 >h.rec && test_cmp h.rec a.rec
'

test_expect_success 'uninstall: pre-delete hook, the objects deleted, post-delete hook; what stays is what helm leaves' '
	arcx uninstall hk -n hk-a1 &&
	test_grep "Ran 1 pre-delete hook" err && test_grep "Ran 1 post-delete hook" err &&
	h4 uninstall hk -n hk-h1 >/dev/null &&
	objects hk-a1 >a.objs && objects hk-h1 >h.objs && test_cmp h.objs a.objs &&
	test_grep "^ConfigMap hk-bye$" a.objs && test_grep "^ConfigMap hk-after$" a.objs &&
	test_grep ! "hk-main" a.objs
'

test_expect_success '--no-hooks: no hook runs, the record keeps them; helm uninstall then runs the delete hooks kubectl-arc recorded' '
	arcx install hk --chart hooky -n hk-a2 --cert-manager=none --no-hooks &&
	test_grep ! "Running [0-9]+ .*hook" err &&
	objects hk-a2 >a.objs && test_equal "ConfigMap hk-main" "$(cat a.objs)" &&
	test_equal 10 "$(h4 get hooks hk -n hk-a2 | grep -c "^# Source:")" &&
	h4 uninstall hk -n hk-a2 >/dev/null &&
	objects hk-a2 >a.objs && printf "%s\n" "ConfigMap hk-bye" "ConfigMap hk-after" >want && test_cmp want a.objs &&
	arcx install hk --chart hooky -n hk-a2 --cert-manager=none --no-hooks &&
	arcx uninstall hk -n hk-a2 --no-hooks && test_grep ! "Running [0-9]+ .*hook" err &&
	objects hk-a2 >b.objs && test_cmp a.objs b.objs
'

test_expect_success 'a hook the API server refuses: one error naming the hook, nothing else applied, the record failed as helm'"'"'s' '
	test_must_fail arcx install hk --chart hooky -n hk-a3 --cert-manager=none --set badHook=true &&
	test_equal 1 "$(grep -c "^Error: " err)" &&
	test_grep "^Error: pre-install hook hooky/templates/hooks.yaml \(ConfigMap hk-a3/hk-Bad_Name\): .*Invalid value" err &&
	test_equal failed "$(rel_status hk-a3 hk 1)" &&
	test_must_fail h4 install hk hooky -n hk-h3 --create-namespace --set badHook=true 2>/dev/null &&
	objects hk-a3 >a.objs && objects hk-h3 >h.objs && test_cmp h.objs a.objs && test_grep ! hk-main a.objs &&
	hooks hk-a3 hk 1 >a.rec && hooks hk-h3 hk 1 >h.rec && test_cmp h.rec a.rec &&
	test_grep "\"phase\": \"Failed\"" a.rec
'

test_expect_success '--atomic after a failed hook: uninstalled with its delete hooks, as helm --rollback-on-failure' '
	test_must_fail arcx install hk --chart hooky -n hk-a4 --cert-manager=none --set badHook=true --atomic &&
	test_grep "Uninstalled the failed release" err &&
	test_equal "" "$(kc -n hk-a4 get secret -l owner=helm -o name)" &&
	h4 uninstall hk -n hk-h3 >/dev/null && del_ns hk-h3 &&
	test_must_fail h4 install hk hooky -n hk-h3 --create-namespace --set badHook=true --rollback-on-failure 2>/dev/null &&
	objects hk-a4 >a.objs && objects hk-h3 >h.objs && test_cmp h.objs a.objs && test_grep "hk-after" a.objs
'

test_expect_success 'a Pod hook that never finishes: --timeout ends it with an error naming the Pod; the hook is recorded Failed' '
	start=$(date +%s) &&
	test_must_fail arcx install hk --chart hooky -n hk-a5 --cert-manager=none --set stuckHook=true --timeout 8s &&
	test $(($(date +%s) - start)) -lt 30 &&
	test_grep "^Error: post-install hook hooky/templates/hooks.yaml \(Pod hk-a5/hk-stuck\): timed out" err &&
	test_equal failed "$(rel_status hk-a5 hk 1)" &&
	hooks hk-a5 hk 1 | python3 -c "import json,sys; h=[h for h in json.load(sys.stdin)[\"hooks\"] if h[\"name\"]==\"hk-stuck\"][0]; sys.exit(h[\"last_run\"][\"phase\"]!=\"Failed\")"
'

test_expect_success 'upgrade --atomic after a failed post-upgrade hook: rolled back with the pre-rollback and post-rollback hooks; records as helm'"'"'s' '
	arcx install hk --chart hooky -n hk-a7 --cert-manager=none &&
	h4 install hk hooky -n hk-h7 --create-namespace >/dev/null &&
	test_must_fail arcx upgrade hk --chart hooky -n hk-a7 --set badUpgrade=true --set x=3 --atomic &&
	test_grep "Rolled back to revision 1" err &&
	test_must_fail h4 upgrade hk hooky -n hk-h7 --set badUpgrade=true --set x=3 --rollback-on-failure 2>/dev/null &&
	objects hk-a7 >a.objs && objects hk-h7 >h.objs && test_cmp h.objs a.objs &&
	test_grep "^ConfigMap hk-rb-pre$" a.objs && test_grep "^ConfigMap hk-rb-post$" a.objs &&
	test_equal 1 "$(kc -n hk-a7 get configmap hk-main -o jsonpath={.data.x})" &&
	for v in 1 2 3; do
		test_equal "$(rel_status hk-h7 hk $v)" "$(rel_status hk-a7 hk $v)" || return 1
	done &&
	test_equal deployed "$(rel_status hk-a7 hk 3)" &&
	hooks hk-a7 hk 3 >a.rec && hooks hk-h7 hk 3 >h.rec && test_cmp h.rec a.rec
'

test_expect_success 'a pre-delete hook that fails: uninstall stops before deleting anything, says why; --no-hooks then completes' '
	arcx install hk --chart hooky -n hk-a6 --cert-manager=none --set stuckDelete=true &&
	test_must_fail arcx uninstall hk -n hk-a6 --timeout 6s &&
	test_equal 1 "$(grep -c "^Error: " err)" &&
	test_grep "^Error: pre-delete hook hooky/templates/hooks.yaml \(Pod hk-a6/hk-stuck-bye\): timed out.*\(nothing was deleted\)$" err &&
	kc -n hk-a6 get configmap hk-main >/dev/null && test_equal failed "$(rel_status hk-a6 hk 1)" &&
	arcx uninstall hk -n hk-a6 --no-hooks &&
	test_must_fail kc -n hk-a6 get configmap hk-main 2>/dev/null &&
	test_equal "" "$(kc -n hk-a6 get secret -l owner=helm -o name)"
'

test_expect_success '--dry-run=client prints the hooks with their events and contacts no cluster' '
	arcx install hk --chart hooky -n hk-dry --dry-run=client --kubeconfig /nonexistent &&
	test_equal 10 "$(grep -c "^# hook: " out)" &&
	test_grep "^# hook: pre-install, pre-upgrade$" out && test_grep "^# hook: test$" out &&
	test_must_fail kc get namespace hk-dry
'

test_expect_success 'clean up' '
	del_ns hk-a1 hk-h1 hk-a2 hk-a3 hk-h3 hk-a4 hk-a5 hk-a6 hk-a7 hk-h7
'

test_done
