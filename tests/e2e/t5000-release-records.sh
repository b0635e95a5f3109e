#!/bin/sh
# Helm release records (plugin/chart/release.[ch]) against real helm v4.1.4 and v3.17.2:
# kubectl-arc reads what helm wrote byte for byte; helm 4 and helm 3 list, show, upgrade, roll back
# and uninstall releases kubectl-arc recorded; kubectl-arc takes over releases helm created; history
# pruning chooses the records helm chooses.  The driver is a small C program over the library
# (t5000-release-tool.c, built here) standing in for the install command.
. "$(dirname "$0")/lib.sh"

HELM4=$(sh "$TOP/tests/tools.sh" 2>/dev/null | sed -n 1p)
HELM3=$(sh "$TOP/tests/tools.sh" 2>/dev/null | sed -n 2p)
[ -x "$HELM4" ] && [ -x "$HELM3" ] || die "no helm binaries (tests/tools.sh)"
h4() { timeout 120 "$HELM4" "$@"; }
h3() { timeout 120 "$HELM3" "$@"; }
export HELM_CACHE_HOME="$TEST_DIR/helm/cache" HELM_CONFIG_HOME="$TEST_DIR/helm/config" \
	HELM_DATA_HOME="$TEST_DIR/helm/data"

# the driver, linked against the project's library
( cd "$TOP" && make -s build/libarc.a >/dev/null 2>&1 ) || say "make build/libarc.a failed; using the archive as it is"
ar t "$TOP/build/libarc.a" 2>/dev/null | grep -q '^release\.o$' || die "build/libarc.a has no release.o"
PKGS="yaml-0.1 libcjson zlib libarchive libcrypto"
# shellcheck disable=SC2046
cc -std=c11 -D_GNU_SOURCE -O1 -g -I"$TOP/plugin" $(pkg-config --cflags $PKGS) -o "$TEST_DIR/reltool" \
	"$TOP/tests/e2e/t5000-release-tool.c" "$TOP/build/libarc.a" $(pkg-config --libs $PKGS) -lm -lpthread -ldl \
	2>"$TEST_DIR/cc.log" || { sed 's/^/# /' "$TEST_DIR/cc.log"; die "cannot build the release driver"; }
rt() { timeout 60 "$TEST_DIR/reltool" "$@"; }
test_must_be_empty() { [ ! -s "$1" ] || { echo "$1 is not empty:" >&2; sed 's/^/    | /' "$1" >&2; return 1; }; }

e2e_namespace e2e-release || die "cannot create the namespace"

# the test chart
mkdir -p rel/templates
cat >rel/Chart.yaml <<'EOF'
apiVersion: v2
name: rel
description: release record test chart <&>
version: 0.1.0
appVersion: "1.0"
maintainers: [{name: me, email: me@example.com}]
EOF
cat >rel/values.yaml <<'EOF'
greeting: hello
count: 1
EOF
cat >rel/templates/cm.yaml <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-cm
data:
  greeting: {{ .Values.greeting | quote }}
  count: {{ .Values.count | quote }}
EOF
cat >rel/templates/sa.yaml <<'EOF'
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ .Release.Name }}-sa
EOF
cat >rel/templates/NOTES.txt <<'EOF'
Release {{ .Release.Name }} has {{ .Values.count }} <things> & more.
EOF

# WANT (a record helm 3 wrote) and GOT (kubectl-arc's encoding of it) hold the same release: helm 3
# writes zero times as "" and has no schemamodtime, where helm 4 (and kubectl-arc) omit them or
# write the zero time
same_release_as_helm3() { # WANT GOT
	python3 - "$1" "$2" <<-\EOF
	import json, sys
	want, got = (json.load(open(f)) for f in sys.argv[1:3])
	if want["info"].get("deleted") == "":
	    del want["info"]["deleted"]
	for h in want.get("hooks") or []:
	    for k in ("started_at", "completed_at"):
	        if h["last_run"].get(k) == "":
	            del h["last_run"][k]
	want["chart"].setdefault("schemamodtime", "0001-01-01T00:00:00Z")
	if want != got:
	    print("want", json.dumps(want, sort_keys=True), "\ngot ", json.dumps(got, sort_keys=True), file=sys.stderr)
	    sys.exit(1)
	EOF
}
# a string field of a JSON document on stdin, written as it is (no newline added)
json_raw() { python3 -c 'import json,sys; sys.stdout.write(eval(sys.argv[1], {"d": json.load(sys.stdin)}))' "$1"; }
# the stored JSON of a record, as helm wrote it: Secret data → base64 → gzip → JSON
stored_json() { # NS KEY
	kc -n "$1" get secret "$2" -o jsonpath='{.data.release}' | base64 -d | base64 -d | gzip -dc
}
# kubectl-arc's side of a release: render with kubectl-arc, apply with Helm's ownership, record it
arc_deploy() { # NAME CONFIG-JSON [HISTORY-MAX] ; --set flags are derived from CONFIG-JSON's count
	count=$(printf '%s' "$2" | json_get 'd.get("count", 1)')
	printf '%s' "$2" >"$1.config.json"
	arc template "$1" ./rel -n "$NS" --set count="$count" >"$1.manifest" &&
		printf 'Release %s has %s <things> & more.\n' "$1" "$count" >"$1.notes" &&
		rt apply "$NS" "$1" "$1.manifest" &&
		rt deploy "$NS" "$1" ./rel "$1.manifest" "$1.config.json" "$1.notes" ${3:+"$3"}
}

# --- (a) kubectl-arc reads helm's records -----------------------------------------------------

test_expect_success 'helm 4 and helm 3 install the test chart' '
	h4 install h4 ./rel -n "$NS" --set count=4 >/dev/null &&
	h3 install h3 ./rel -n "$NS" --set count=3 --set-string extra=x >/dev/null
'

test_expect_success 'a helm 4 record decodes and re-encodes to the very bytes helm stored' '
	stored_json "$NS" sh.helm.release.v1.h4.v1 >want.json &&
	rt get "$NS" h4 >got.json &&
	test_cmp want.json got.json &&
	rt get "$NS" h4 1 >got1.json &&
	test_cmp want.json got1.json
'

test_expect_success 'a helm 3 record decodes to the same release (in helm 4'"'"'s form)' '
	stored_json "$NS" sh.helm.release.v1.h3.v1 >want3.json &&
	rt get "$NS" h3 >got3.json &&
	same_release_as_helm3 want3.json got3.json &&
	test_equal "{\"count\": 3, \"extra\": \"x\"}" "$(json_get "d[\"config\"]" <got3.json)"
'

test_expect_success 'kubectl-arc template renders what helm stores as the manifest' '
	stored_json "$NS" sh.helm.release.v1.h4.v1 | json_raw "d[\"manifest\"]" >want.manifest &&
	arc template h4 ./rel -n "$NS" --set count=4 >got.manifest &&
	test_cmp want.manifest got.manifest
'

test_expect_success 'history of a missing release is empty; get says not found' '
	rt history "$NS" nosuch >out &&
	test_must_be_empty out &&
	test_must_fail rt get "$NS" nosuch 2>err &&
	test_grep "release: not found" err
'

# --- (b) helm reads kubectl-arc's records ---------------------------------------------------------

test_expect_success 'kubectl-arc applies and records release ka' '
	arc_deploy ka "{\"count\": 2, \"greeting\": \"hi <there>\"}" &&
	rt history "$NS" ka >hist &&
	test_equal "1 deployed deployed Install complete" "$(cat hist)" &&
	kc -n "$NS" get secret sh.helm.release.v1.ka.v1 -o json >sec.json &&
	test_equal "helm.sh/release.v1" "$(json_get "d[\"type\"]" <sec.json)" &&
	test_equal "ka helm deployed 1" "$(json_get "\" \".join(d[\"metadata\"][\"labels\"][k] for k in (\"name\",\"owner\",\"status\",\"version\"))" <sec.json)" &&
	json_get "d[\"metadata\"][\"labels\"][\"modifiedAt\"]" <sec.json | grep -Eq "^[0-9]+$" &&
	test_equal "None" "$(json_get "d[\"metadata\"][\"labels\"].get(\"createdAt\")" <sec.json)"
'

test_expect_success 'kubectl-arc'"'"'s record = helm 4'"'"'s record of the same install (times and file mtimes aside)' '
	kc delete namespace e2e-release-2 --ignore-not-found --wait=true --timeout=90s >/dev/null &&
	kc create namespace e2e-release-2 >/dev/null &&
	h4 install same ./rel -n e2e-release-2 --set count=2 >/dev/null &&
	(NS=e2e-release-2 && arc_deploy same2 "{\"count\": 2}") &&
	stored_json e2e-release-2 sh.helm.release.v1.same.v1 >helm.json &&
	stored_json e2e-release-2 sh.helm.release.v1.same2.v1 >arc.json &&
	python3 - helm.json arc.json <<-\EOF
	import re, sys
	helm, arc = (open(f).read() for f in sys.argv[1:3])
	def norm(s):
	    s = re.sub(r'"(first_deployed|last_deployed|schemamodtime)":"[^"]*"', r'"\1":"T"', s)
	    return re.sub(r',"modtime":"[^"]*"', "", s)
	helm = norm(helm).replace("same", "NAME")
	arc = norm(arc).replace("same2", "NAME")
	if helm != arc:
	    print("helm", helm, "\narc ", arc, file=sys.stderr)
	    sys.exit(1)
	EOF
	kc delete namespace e2e-release-2 --wait=false >/dev/null
'

for H in h4 h3; do
	test_expect_success "$H list / history / status show kubectl-arc's release" '
		'$H' list -n "$NS" --filter "^ka\$" -o json >list.json &&
		test_equal "ka 1 deployed rel-0.1.0 1.0 $NS" "$(json_get "\" \".join(str(d[0][k]) for k in (\"name\",\"revision\",\"status\",\"chart\",\"app_version\",\"namespace\"))" <list.json)" &&
		'$H' history ka -n "$NS" -o json >hist.json &&
		test_equal "1 deployed Install complete rel-0.1.0" "$(json_get "\" \".join(str(d[0][k]) for k in (\"revision\",\"status\",\"description\",\"chart\"))" <hist.json)" &&
		'$H' status ka -n "$NS" >status &&
		test_grep "^STATUS: deployed$" status &&
		test_grep "^REVISION: 1$" status &&
		test_grep "^Release ka has 2 <things> & more\.$" status
	'

	test_expect_success "$H get values / manifest / notes / all of kubectl-arc's release" '
		'$H' get values ka -n "$NS" -o json >values.json &&
		test_equal "{\"count\": 2, \"greeting\": \"hi <there>\"}" "$(json_get d <values.json)" &&
		'$H' get values ka -n "$NS" --all -o json >all.json &&
		test_equal "2 hi <there>" "$(json_get "\"%s %s\" % (d[\"count\"], d[\"greeting\"])" <all.json)" &&
		'$H' get manifest ka -n "$NS" >manifest &&
		{ cat ka.manifest; echo; } >want.manifest &&
		test_cmp want.manifest manifest &&
		'$H' get notes ka -n "$NS" >notes &&
		test_grep "^Release ka has 2 <things> & more\.$" notes &&
		'$H' get all ka -n "$NS" >all &&
		test_grep "^COMPUTED VALUES:" all &&
		test_grep "name: ka-cm" all
	'
done

# --- (c) helm upgrades, rolls back and uninstalls kubectl-arc's releases ----------------------------

test_expect_success 'helm 4 upgrades kubectl-arc'"'"'s release: revision 2, revision 1 superseded' '
	h4 upgrade ka ./rel -n "$NS" --reuse-values --set count=5 >/dev/null &&
	rt history "$NS" ka >hist &&
	printf "%s\n" "1 superseded superseded Install complete" "2 deployed deployed Upgrade complete" >want &&
	test_cmp want hist &&
	test_equal 5 "$(kc -n "$NS" get configmap ka-cm -o jsonpath="{.data.count}")" &&
	test_equal "hi <there>" "$(kc -n "$NS" get configmap ka-cm -o jsonpath="{.data.greeting}")"
'

test_expect_success 'helm 3 upgrades it again; kubectl-arc reads both helm revisions' '
	h3 upgrade ka ./rel -n "$NS" --reuse-values --set count=6 >/dev/null &&
	rt history "$NS" ka | cut -d" " -f1,2 >hist &&
	printf "%s\n" "1 superseded" "2 superseded" "3 deployed" >want &&
	test_cmp want hist &&
	stored_json "$NS" sh.helm.release.v1.ka.v2 >want2.json &&
	rt get "$NS" ka 2 >got2.json &&
	same_release_as_helm3 want2.json got2.json &&
	stored_json "$NS" sh.helm.release.v1.ka.v3 >want3.json &&
	rt get "$NS" ka 3 >got3.json &&
	same_release_as_helm3 want3.json got3.json
'

test_expect_success 'kubectl-arc upgrades the helm revision (takes the release back)' '
	arc_deploy ka "{\"count\": 7, \"greeting\": \"hi <there>\"}" &&
	rt history "$NS" ka | cut -d" " -f1,2 >hist &&
	printf "%s\n" "1 superseded" "2 superseded" "3 superseded" "4 deployed" >want &&
	test_cmp want hist &&
	test_equal 7 "$(kc -n "$NS" get configmap ka-cm -o jsonpath="{.data.count}")" &&
	h4 history ka -n "$NS" -o json >hist.json &&
	test_equal "4 deployed Upgrade complete" "$(json_get "\" \".join(str(d[-1][k]) for k in (\"revision\",\"status\",\"description\"))" <hist.json)"
'

test_expect_success 'helm 4 rolls back to the kubectl-arc revision 1' '
	h4 rollback ka 1 -n "$NS" >/dev/null &&
	test_equal 2 "$(kc -n "$NS" get configmap ka-cm -o jsonpath="{.data.count}")" &&
	h4 history ka -n "$NS" -o json >hist.json &&
	test_equal "5 deployed Rollback to 1" "$(json_get "\" \".join(str(d[-1][k]) for k in (\"revision\",\"status\",\"description\"))" <hist.json)"
'

test_expect_success 'helm 4 uninstalls kubectl-arc'"'"'s release cleanly' '
	h4 uninstall ka -n "$NS" >out &&
	test_grep "release \"ka\" uninstalled" out &&
	test_must_fail kc -n "$NS" get configmap ka-cm 2>/dev/null &&
	test_must_fail kc -n "$NS" get serviceaccount ka-sa 2>/dev/null &&
	test_equal "" "$(kc -n "$NS" get secrets -l owner=helm,name=ka -o name)"
'

test_expect_success 'helm 3 upgrades and uninstalls another kubectl-arc release' '
	arc_deploy kb "{\"count\": 1}" &&
	h3 upgrade kb ./rel -n "$NS" --set count=9 >/dev/null &&
	test_equal 9 "$(kc -n "$NS" get configmap kb-cm -o jsonpath="{.data.count}")" &&
	rt history "$NS" kb | cut -d" " -f1,2 >hist &&
	printf "%s\n" "1 superseded" "2 deployed" >want &&
	test_cmp want hist &&
	h3 uninstall kb -n "$NS" >/dev/null &&
	test_must_fail kc -n "$NS" get configmap kb-cm 2>/dev/null &&
	test_equal "" "$(kc -n "$NS" get secrets -l owner=helm,name=kb -o name)"
'

test_expect_success 'kubectl-arc takes over helm'"'"'s release h4 and helm keeps working with it' '
	arc_deploy h4 "{\"count\": 8}" &&
	rt history "$NS" h4 | cut -d" " -f1,2 >hist &&
	printf "%s\n" "1 superseded" "2 deployed" >want &&
	test_cmp want hist &&
	stored_json "$NS" sh.helm.release.v1.h4.v2 | json_get "d[\"info\"][\"first_deployed\"] == \"$(stored_json "$NS" sh.helm.release.v1.h4.v1 | json_get "d[\"info\"][\"first_deployed\"]")\"" >same &&
	test_equal True "$(cat same)" &&
	h4 status h4 -n "$NS" >status &&
	test_grep "^REVISION: 2$" status &&
	h3 list -n "$NS" --filter "^h4\$" -o json >list.json &&
	test_equal "2 deployed" "$(json_get "\"%s %s\" % (d[0][\"revision\"], d[0][\"status\"])" <list.json)" &&
	h4 uninstall h4 -n "$NS" >/dev/null &&
	test_must_fail kc -n "$NS" get configmap h4-cm 2>/dev/null
'

# --- history-max: kubectl-arc prunes the records helm prunes --------------------------------------

test_expect_success 'helm 4 --history-max 3 on a kubectl-arc history' '
	for c in 1 2 3 4; do arc_deploy kp "{\"count\": $c}" || return 1; done &&
	h4 upgrade kp ./rel -n "$NS" --reuse-values --history-max 3 >/dev/null &&
	rt history "$NS" kp | cut -d" " -f1,2 >helm.hist &&
	cat helm.hist | sed "s/^/# /" &&
	test_equal 3 "$(wc -l <helm.hist)"
'

test_expect_success 'kubectl-arc with history-max 3 keeps the same revisions' '
	for c in 1 2 3 4; do arc_deploy kq "{\"count\": $c}" || return 1; done &&
	arc_deploy kq "{\"count\": 4}" 3 &&
	rt history "$NS" kq | cut -d" " -f1,2 >arc.hist &&
	test_cmp helm.hist arc.hist
'

test_expect_success 'prune keeps the last deployed revision, whatever its age' '
	for c in 1 2 3; do arc_deploy kr "{\"count\": $c}" || return 1; done &&
	kc -n "$NS" label --overwrite secret sh.helm.release.v1.kr.v3 status=failed >/dev/null &&
	kc -n "$NS" label --overwrite secret sh.helm.release.v1.kr.v2 status=deployed >/dev/null &&
	test_equal 2 "$(rt prune "$NS" kr 1)" &&
	rt history "$NS" kr | cut -d" " -f1 >left &&
	test_equal 2 "$(cat left)"
'

test_expect_success 'creating a revision whose Secret exists fails as helm fails ("release: already exists")' '
	arc_deploy kc1 "{\"count\": 1}" &&
	kc -n "$NS" create secret generic sh.helm.release.v1.kc1.v2 --from-literal=x=y >/dev/null &&
	test_must_fail rt deploy "$NS" kc1 ./rel kc1.manifest kc1.config.json 2>err &&
	test_grep "release: already exists" err &&
	kc -n "$NS" delete secret sh.helm.release.v1.kc1.v2 >/dev/null &&
	rt history "$NS" kc1 >h &&
	test_equal "1 deployed deployed Install complete" "$(cat h)" &&
	rt delete-all "$NS" kc1 &&
	test_equal "" "$(kc -n "$NS" get secrets -l owner=helm,name=kc1 -o name)"
'

test_expect_success 'helm skips a corrupt record; kubectl-arc skips it too' '
	kc -n "$NS" create secret generic sh.helm.release.v1.bad.v1 --type=helm.sh/release.v1 \
		--from-literal=release=notbase64 >/dev/null &&
	kc -n "$NS" label secret sh.helm.release.v1.bad.v1 owner=helm name=bad status=deployed version=1 >/dev/null &&
	rt history "$NS" bad >out &&
	test_must_be_empty out &&
	h4 list -n "$NS" -o json >l.json &&
	test_equal False "$(json_get "any(r[\"name\"] == \"bad\" for r in d)" <l.json)"
'

test_done
