#!/bin/sh
# Paginated lists: 2,100 ConfigMaps listed in chunks (limit/continue) and counted.
. "$(dirname "$0")/lib.sh"
e2e_namespace e2e-chunks || die "cannot create namespace"
N=2100

test_expect_success "setup: kubectl-arc applies $N ConfigMaps from one file" '
	i=0 && while [ $i -lt '$N' ]; do
		printf "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%04d\n  labels: {half: \"%d\"}\ndata: {i: \"%d\"}\n---\n" $i $((i % 2)) $i
		i=$((i + 1))
	done >many.yaml &&
	arc kube apply -n $NS -f many.yaml >out &&
	test_equal '$N' "$(grep -c " serverside-applied$" out)" &&
	test_equal '$((N + 1))' "$(kc -n $NS get cm -o name | wc -l)"
'

test_expect_success 'list --chunk-size=100 follows continue tokens and finds every object' '
	arc kube list v1 ConfigMap -n $NS --chunk-size=100 -o name -v 1 >out 2>log &&
	test_equal '$((N + 1))' "$(wc -l <out)" &&
	test_equal '$((N + 1))' "$(sort -u out | wc -l)" &&
	kc -n $NS get cm -o name | sort >want && sort out >got && test_cmp want got &&
	pages=$(grep -c "GET .*/namespaces/$NS/configmaps?limit=100" log) &&
	test_equal 22 "$pages" &&
	test_equal 21 "$(grep -c "limit=100&continue=" log)"
'

test_expect_success 'the default chunk size is 500 (5 pages)' '
	arc kube list v1 ConfigMap -n $NS -o name -v 1 >out 2>log &&
	test_equal '$((N + 1))' "$(wc -l <out)" &&
	test_equal 5 "$(grep -c "configmaps?limit=500" log)"
'

test_expect_success 'list -o json: one List of every item; with a label selector, half' '
	arc kube list v1 ConfigMap -n $NS --chunk-size=250 -o json >all.json &&
	test_equal '$((N + 1))' "$(json_get "len(d[\"items\"])" <all.json)" &&
	test_equal '$((N + 1))' "$(json_get "len(set(i[\"metadata\"][\"name\"] for i in d[\"items\"]))" <all.json)" &&
	arc kube list v1 ConfigMap -n $NS --chunk-size=77 -l half=1 -o name >odd &&
	test_equal '$((N / 2))' "$(wc -l <odd)"
'

test_expect_success 'list across all namespaces in chunks of 1' '
	arc kube list v1 Namespace --chunk-size=1 -o name >ns &&
	test_equal "$(kc get ns -o name | wc -l)" "$(wc -l <ns)"
'

test_done
