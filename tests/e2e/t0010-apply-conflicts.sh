#!/bin/sh
# Server-side apply and field ownership: a field owned by another field manager is a
# conflict, reported on one line, which --force-conflicts resolves.
. "$(dirname "$0")/lib.sh"
e2e_namespace e2e-ssa || die "cannot create namespace"

cm() { # name value
	printf "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s}\ndata: {key: %s}\n" "$1" "$2"
}
managers() { # name: "manager:field ..." sorted
	kc -n $NS get cm "$1" -o json --show-managed-fields | json_get '" ".join(sorted(m["manager"] + ":" + ",".join(sorted(m.get("fieldsV1", {}).get("f:data", {}).keys())) for m in d["metadata"]["managedFields"]))'
}

test_expect_success 'setup: kubectl applies key=theirs as field manager "other"' '
	cm shared theirs >theirs.yaml &&
	kc -n $NS apply --server-side --field-manager=other -f theirs.yaml &&
	test_equal "other:f:key" "$(managers shared)"
'

test_expect_success 'kubectl-arc changing the same field is a conflict: one clear line, exit 1, nothing changed' '
	cm shared mine >mine.yaml &&
	rv=$(kc -n $NS get cm shared -o jsonpath={.metadata.resourceVersion}) &&
	test_must_fail arc kube apply -n $NS -f mine.yaml >out 2>err &&
	test_one_line_error err &&
	test_grep "^Error: applying ConfigMap $NS/shared: Apply failed with 1 conflict: conflict with \"other\"" err &&
	test_grep "\.data\.key" err &&
	test_grep "force-conflicts" err &&
	! test -s out &&
	test_equal theirs "$(kc -n $NS get cm shared -o jsonpath={.data.key})" &&
	test_equal "$rv" "$(kc -n $NS get cm shared -o jsonpath={.metadata.resourceVersion})"
'

test_expect_success 'the real kubectl reports the same conflict (what we mirror)' '
	test_must_fail kc -n $NS apply --server-side -f mine.yaml 2>kerr &&
	test_grep "conflict with \"other\"" kerr
'

test_expect_success 'with --force-conflicts kubectl-arc takes the field over' '
	arc kube apply -n $NS -f mine.yaml --force-conflicts >out &&
	test_equal "configmap/shared serverside-applied" "$(cat out)" &&
	test_equal mine "$(kc -n $NS get cm shared -o jsonpath={.data.key})" &&
	test_equal "kubectl-arc:f:key" "$(managers shared)"
'

test_expect_success 'the same value as another manager is no conflict (co-ownership)' '
	cm co same >co.yaml &&
	kc -n $NS apply --server-side --field-manager=other -f co.yaml &&
	arc kube apply -n $NS -f co.yaml &&
	test_equal "kubectl-arc:f:key other:f:key" "$(managers co)"
'

test_expect_success '--field-manager names the manager' '
	cm named v >named.yaml &&
	arc kube apply -n $NS -f named.yaml --field-manager=e2e-manager &&
	test_equal "e2e-manager:f:key" "$(managers named)" &&
	cm named w >named2.yaml &&
	test_must_fail arc kube apply -n $NS -f named2.yaml 2>err &&
	test_grep "conflict with \"e2e-manager\"" err
'

test_expect_success 'fields dropped from the applied object are removed (server-side apply ownership)' '
	printf "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: prune}\ndata: {a: \"1\", b: \"2\"}\n" >p1.yaml &&
	printf "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: prune}\ndata: {a: \"1\"}\n" >p2.yaml &&
	arc kube apply -n $NS -f p1.yaml && arc kube apply -n $NS -f p2.yaml &&
	test_equal "{\"a\": \"1\"}" "$(kc -n $NS get cm prune -o json | json_get "d[\"data\"]")"
'

test_expect_success 'a failed object does not stop the others; the exit status tells' '
	{ cat mine.yaml; echo ---; cm after ok; } | sed "s/name: shared/name: shared/" >mixed.yaml &&
	kc -n $NS apply --server-side --field-manager=other --force-conflicts -f theirs.yaml &&
	test_must_fail arc kube apply -n $NS -f mixed.yaml >out 2>err &&
	test_equal "configmap/after serverside-applied" "$(cat out)" &&
	test_one_line_error err &&
	test_equal ok "$(kc -n $NS get cm after -o jsonpath={.data.key})"
'

test_done
