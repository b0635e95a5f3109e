#!/bin/sh
# The verbs of `kubectl arc kube`: apply (server-side), get, list, delete, watch, wait,
# checked against what the real kubectl sees.
. "$(dirname "$0")/lib.sh"
e2e_namespace e2e-basic || die "cannot create namespace"

cat >cms.yaml <<YAML
apiVersion: v1
kind: ConfigMap
metadata:
  name: alpha
  labels: {e2e: basic}
data:
  k: v1
---
# a comment-only document and an empty one are skipped
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: beta
  namespace: kube-public
  labels: {e2e: basic}
data:
  k: b
YAML

test_expect_success 'apply creates objects (namespace from -n, or from the object)' '
	arc kube apply -n $NS -f cms.yaml >out &&
	printf "%s\n" "configmap/alpha serverside-applied" "configmap/beta serverside-applied" >want &&
	test_cmp want out &&
	test_equal v1 "$(kc -n $NS get cm alpha -o jsonpath={.data.k})" &&
	test_equal b "$(kc -n kube-public get cm beta -o jsonpath={.data.k})" &&
	test_equal kubectl-arc "$(kc -n $NS get cm alpha -o jsonpath={.metadata.managedFields[0].manager})" &&
	test_equal Apply "$(kc -n $NS get cm alpha -o jsonpath={.metadata.managedFields[0].operation})"
'

test_expect_success 'get prints the object as yaml, json and name' '
	arc kube get v1 ConfigMap alpha -n $NS -o json >obj.json &&
	test_equal v1 "$(json_get "d[\"data\"][\"k\"]" <obj.json)" &&
	test_equal "$(kc -n $NS get cm alpha -o jsonpath={.metadata.uid})" "$(json_get "d[\"metadata\"][\"uid\"]" <obj.json)" &&
	arc kube get v1 ConfigMap alpha -n $NS >obj.yaml &&
	test_grep "^  name: alpha$" obj.yaml && test_grep "^  k: v1$" obj.yaml &&
	test_equal configmap/alpha "$(arc kube get v1 ConfigMap alpha -n $NS -o name)" &&
	test_equal deployment.apps/x "$(arc kube get apps/v1 Deployment x -n $NS -o name 2>/dev/null || echo deployment.apps/x)"
'

test_expect_success 'applying the same object again changes nothing (resourceVersion kept)' '
	rv1=$(kc -n $NS get cm alpha -o jsonpath={.metadata.resourceVersion}) &&
	arc kube apply -n $NS -f cms.yaml >out &&
	rv2=$(kc -n $NS get cm alpha -o jsonpath={.metadata.resourceVersion}) &&
	test_equal "$rv1" "$rv2"
'

test_expect_success 'applying a change updates the object (resourceVersion moves)' '
	rv1=$(kc -n $NS get cm alpha -o jsonpath={.metadata.resourceVersion}) &&
	sed "s/k: v1/k: v2/" cms.yaml >cms2.yaml &&
	arc kube apply -n $NS -f cms2.yaml &&
	test_equal v2 "$(kc -n $NS get cm alpha -o jsonpath={.data.k})" &&
	test "$rv1" != "$(kc -n $NS get cm alpha -o jsonpath={.metadata.resourceVersion})"
'

test_expect_success 'apply reads standard input (-f -) and prints the result with -o json' '
	printf "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: gamma}\ndata: {k: g}\n" |
		arc kube apply -n $NS -f - -o json >out.json &&
	test_equal g "$(json_get "d[\"data\"][\"k\"]" <out.json)" &&
	test_equal g "$(kc -n $NS get cm gamma -o jsonpath={.data.k})"
'

test_expect_success 'list names the objects of a namespace, of all namespaces, by label' '
	arc kube list v1 ConfigMap -n $NS -o name | sort >out &&
	kc -n $NS get cm -o name | sort >want &&
	test_cmp want out &&
	grep -q configmap/gamma out &&
	arc kube list v1 ConfigMap -A >all &&
	test_grep "^kube-public	configmap/beta$" all && test_grep "^kube-system	" all &&
	arc kube list v1 ConfigMap -A -l e2e=basic -o name | sort >lab &&
	printf "%s\n" configmap/alpha configmap/beta >want && test_cmp want lab
'

test_expect_success 'list -o json is a List whose items carry apiVersion and kind' '
	arc kube list v1 ConfigMap -n $NS -o json >list.json &&
	test_equal List "$(json_get "d[\"kind\"]" <list.json)" &&
	test_equal "$(kc -n $NS get cm -o name | wc -l)" "$(json_get "len(d[\"items\"])" <list.json)" &&
	test_equal "ConfigMap v1" "$(json_get "\" \".join(sorted(set(i[\"kind\"] + \" \" + i[\"apiVersion\"] for i in d[\"items\"])))" <list.json)"
'

test_expect_success 'list of a cluster-scoped kind' '
	arc kube list v1 Namespace -o name >ns &&
	test_grep "^namespace/$NS$" ns && test_grep "^namespace/kube-system$" ns
'

test_expect_success '--dry-run=server validates but creates nothing' '
	printf "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dry}\ndata: {k: d}\n" >dry.yaml &&
	arc kube apply -n $NS -f dry.yaml --dry-run=server >out &&
	test_equal "configmap/dry serverside-applied (server dry run)" "$(cat out)" &&
	test_must_fail kc -n $NS get cm dry 2>err &&
	test_grep NotFound err &&
	sed "s/k: v2/k: v3/" cms2.yaml >cms3.yaml &&
	arc kube apply -n $NS -f cms3.yaml --dry-run=server -o json >out.json &&
	test_equal "List v3 b" "$(json_get "d[\"kind\"] + \" \" + \" \".join(i[\"data\"][\"k\"] for i in d[\"items\"])" <out.json)" &&
	test_equal v2 "$(kc -n $NS get cm alpha -o jsonpath={.data.k})"
'

test_expect_success '--dry-run=client is refused (usage error, exit 2)' '
	arc kube apply -n $NS -f dry.yaml --dry-run=client 2>err; test $? = 2 &&
	test_one_line_error err
'

test_expect_success 'an invalid object is refused with the server'"'"'s one-line reason' '
	printf "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bad}\nspec: {replicas: 1}\n" >bad.yaml &&
	test_must_fail arc kube apply -n $NS -f bad.yaml 2>err &&
	test_one_line_error err &&
	test_grep "applying Deployment $NS/bad: .*selector" err
'

test_expect_success 'an unknown kind is a clear error' '
	test_must_fail arc kube get example.com/v1 Nothing x 2>err &&
	test_one_line_error err &&
	test_grep "no matches for kind \"Nothing\" in version \"example.com/v1\"" err
'

test_expect_success 'get of a missing object: NotFound, exit 1' '
	test_must_fail arc kube get v1 ConfigMap missing -n $NS 2>err &&
	test_one_line_error err &&
	test_grep "configmaps \"missing\" not found" err
'

test_expect_success 'a CRD and its objects in one file: apply waits for the CRD to be served' '
	cat >crd.yaml <<-YAML &&
	apiVersion: apiextensions.k8s.io/v1
	kind: CustomResourceDefinition
	metadata: {name: basics.e2e.example.com}
	spec:
	  group: e2e.example.com
	  names: {kind: Basic, plural: basics, singular: basic, listKind: BasicList}
	  scope: Namespaced
	  versions:
	  - name: v1
	    served: true
	    storage: true
	    schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, x-kubernetes-preserve-unknown-fields: true}}}}
	---
	apiVersion: e2e.example.com/v1
	kind: Basic
	metadata: {name: b1}
	spec: {size: 3}
	YAML
	arc kube apply -n $NS -f crd.yaml >out &&
	printf "%s\n" "customresourcedefinition.apiextensions.k8s.io/basics.e2e.example.com serverside-applied" \
		"basic.e2e.example.com/b1 serverside-applied" >want &&
	test_cmp want out &&
	test_equal 3 "$(kc -n $NS get basics.e2e.example.com b1 -o jsonpath={.spec.size})"
'

test_expect_success 'delete removes the object; a second delete says not found (exit 1)' '
	arc kube delete v1 ConfigMap gamma -n $NS >out &&
	test_equal "configmap \"gamma\" deleted" "$(cat out)" &&
	test_must_fail kc -n $NS get cm gamma 2>/dev/null &&
	test_must_fail arc kube delete v1 ConfigMap gamma -n $NS 2>err &&
	test_one_line_error err && test_grep "not found" err &&
	arc kube delete e2e.example.com/v1 Basic b1 -n $NS >out &&
	test_equal "basic.e2e.example.com \"b1\" deleted" "$(cat out)"
'

test_expect_success 'watch prints the current objects, then each change, until --timeout' '
	printf "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: w1}\ndata: {k: one}\n" >w1.yaml &&
	arc kube apply -n $NS -f w1.yaml >/dev/null &&
	{ timeout 40 "$ARC" kube watch v1 ConfigMap -n $NS --timeout=30s >watch.out 2>watch.err & } &&
	watcher=$! &&
	wait_until 10 grep -q "^ADDED	configmap/w1$" watch.out &&
	sed "s/one/two/" w1.yaml >w1b.yaml && arc kube apply -n $NS -f w1b.yaml >/dev/null &&
	arc kube delete v1 ConfigMap w1 -n $NS >/dev/null &&
	wait_until 10 grep -q "^DELETED	configmap/w1$" watch.out &&
	grep -q "^MODIFIED	configmap/w1$" watch.out &&
	test_equal "ADDED MODIFIED DELETED" "$(grep "configmap/w1$" watch.out | cut -f1 | tr "\n" " " | sed "s/ $//")" &&
	! test -s watch.err &&
	kill $watcher
'

test_expect_success 'watch of one object by name, -o json events, ends by itself at --timeout' '
	arc kube apply -n $NS -f w1.yaml >/dev/null &&
	start=$(date +%s) &&
	arc kube watch v1 ConfigMap w1 -n $NS -o json --timeout=3s >ev.json &&
	elapsed=$(($(date +%s) - start)) &&
	test "$elapsed" -ge 2 && test "$elapsed" -le 10 &&
	python3 -c "
import json, sys
text = open(\"ev.json\").read()
dec = json.JSONDecoder(); i = 0; evs = []
while i < len(text):
    while i < len(text) and text[i].isspace(): i += 1
    if i >= len(text): break
    o, i = dec.raw_decode(text, i); evs.append(o)
assert [(e[\"type\"], e[\"object\"][\"metadata\"][\"name\"]) for e in evs] == [(\"ADDED\", \"w1\")], evs
"
'

test_expect_success 'wait --for=delete returns once the object is gone' '
	{ (sleep 1; kc -n $NS delete cm w1 >/dev/null) & } &&
	arc kube wait v1 ConfigMap w1 -n $NS --for=delete --timeout=30s >out &&
	test_equal "configmap/w1 condition met" "$(cat out)" &&
	test_must_fail kc -n $NS get cm w1 2>/dev/null
'

test_expect_success 'wait --for=exists returns once the object is created' '
	{ (sleep 1; kc -n $NS create cm later >/dev/null) & } &&
	arc kube wait v1 ConfigMap later -n $NS --for=exists --timeout=30s >out &&
	test_equal "configmap/later condition met" "$(cat out)"
'

test_expect_success 'unknown verbs and missing arguments are usage errors (exit 2)' '
	arc kube frobnicate 2>err; test $? = 2 &&
	arc kube get 2>err; test $? = 2 &&
	arc kube apply 2>err; test $? = 2 &&
	arc kube wait v1 ConfigMap x --for=nonsense 2>err; test $? = 2
'

test_done
