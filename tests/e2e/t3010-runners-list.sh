#!/bin/sh
# kubectl arc runners list: columns aligned like kubectl, -n/-A, -l, -o wide|json|yaml|name,
# --no-headers, colours only on a terminal and never with NO_COLOR, pages, --watch.
runners_shared_scratch=${E2E_SCRATCH:-}
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/lib-runners.sh"
trap runners_on_exit EXIT
runners_setup

test_expect_success 'setup: runner deployments in two namespaces' '
	runners_ns e2e-list &&
	runners_ns e2e-list2 &&
	arc runners create web --repo octo/web --labels linux,x64 --replicas 2 -n e2e-list >/dev/null &&
	arc runners create auto --org octo --repositories web --max 5 --min 1 -n e2e-list >/dev/null &&
	arc runners create gpu --repo octo/ml --gpu 1 --dind -n e2e-list >/dev/null &&
	arc runners create ent --enterprise acme --labels big -n e2e-list2 >/dev/null &&
	kc label rdeploy web team=web -n e2e-list >/dev/null
'
NS=e2e-list

# columns start where the header's words start (cells hold no spaces)
aligned() { # FILE
	python3 - "$1" <<-\EOF
	import re, sys
	lines = open(sys.argv[1]).read().splitlines()
	starts = [m.start() for m in re.finditer(r"\S+", lines[0])]
	for l in lines[1:]:
	    got = [m.start() for m in re.finditer(r"\S+", l)]
	    if got != starts:
	        sys.exit("misaligned: %r (want columns at %r, got %r)" % (l, starts, got))
	    if l != l.rstrip():
	        sys.exit("trailing blanks: %r" % l)
	EOF
}
test_expect_success 'table: the columns, one row per RunnerDeployment, aligned' '
	arc runners list -n $NS >out &&
	test_equal "NAME TARGET LABELS DESIRED CURRENT READY MIN MAX AGE" "$(head -1 out | tr -s " ")" &&
	aligned out &&
	test_equal 4 "$(grep -c . out)" &&
	test_grep "^auto +org:octo +<none> +[0-9]+ +[0-9]+ +[0-9]+ +1 +5 +[0-9]+[smh]" out &&
	test_grep "^gpu +octo/ml +<none> +1 " out &&
	test_grep "^web +octo/web +linux,x64 +2 +[0-9]+ +[0-9]+ +- +- " out
'
test_expect_success 'the columns are padded as kubectl pads them (3 blanks after the widest cell)' '
	head -1 out >h &&
	test_grep "^NAME   TARGET" h
'
test_expect_success '-A adds NAMESPACE and every namespace; --no-headers drops the header' '
	arc runners list -A >all &&
	aligned all &&
	test_grep "^NAMESPACE +NAME +TARGET" all &&
	test_grep "^e2e-list2 +ent +enterprise:acme +big " all &&
	arc runners list -A --no-headers >nh &&
	test_must_fail grep -q NAMESPACE nh &&
	test_equal "$(tail -n +2 all | wc -l)" "$(wc -l <nh)"
'
test_expect_success '-o wide adds image, DinD, GPU and metric' '
	arc runners list -n $NS -o wide >wide &&
	aligned wide &&
	test_grep "^NAME +TARGET +LABELS +DESIRED +CURRENT +READY +MIN +MAX +AGE +IMAGE +DIND +GPU +METRIC$" wide &&
	test_grep "^gpu .* summerwind/actions-runner-dind +yes +1 +-$" wide &&
	test_grep "^auto .* <default> +no +- +queued$" wide
'
test_expect_success '-l selects RunnerDeployments by label; -o name' '
	arc runners list -n $NS -l team=web -o name >names &&
	test_cmp - names <<-EOF
	runnerdeployment.actions.summerwind.dev/web
	EOF
'
same_as_kubectl() { # FORMAT: our -o FORMAT equals kubectl get -o FORMAT (retried: statuses move)
	arc runners list -n $NS -o $1 >ours.$1 &&
	kc get runnerdeployments.actions.summerwind.dev -n $NS -o $1 >theirs.$1 &&
	cmp -s ours.$1 theirs.$1
}
test_expect_success '-o json and -o yaml: the List kubectl prints, byte for byte' '
	wait_until 30 same_as_kubectl json &&
	wait_until 30 same_as_kubectl yaml &&
	test_equal 3 "$(json_get "len(d[\"items\"])" <ours.json)" &&
	python3 -c "import yaml,sys; d=yaml.safe_load(open(\"ours.yaml\")); assert len(d[\"items\"])==3, d"
'
test_expect_success 'an empty namespace: an empty List, or "No runners found" on stderr' '
	runners_ns e2e-list-empty &&
	arc runners list -n e2e-list-empty >out 2>err &&
	test_must_fail test -s out &&
	test_grep "^No runners found in namespace e2e-list-empty.$" err &&
	arc runners list -n e2e-list-empty -o json >out &&
	test_equal 0 "$(json_get "len(d[\"items\"])" <out)" &&
	kc get runnerdeployments.actions.summerwind.dev -n e2e-list-empty -o yaml >theirs &&
	arc runners list -n e2e-list-empty -o yaml >ours &&
	test_cmp theirs ours
'
test_expect_success 'small pages (--chunk-size 1) give the same rows' '
	arc runners list -A --chunk-size 1 -o name >paged &&
	arc runners list -A -o name >whole &&
	test_cmp whole paged &&
	test_equal "$(kc get runnerdeployments.actions.summerwind.dev -A -o name | wc -l)" "$(wc -l <paged)"
'
test_expect_success 'colours: only on a terminal, never with NO_COLOR, never in a pipe' '
	arc runners list -n $NS >piped &&
	test_must_fail grep -q "$(printf "\\033")" piped &&
	TERM=xterm script -qec "env -u NO_COLOR $ARC runners list -n $NS" /dev/null >tty &&
	grep -q "$(printf "\\033")\\[3[123]m" tty &&
	TERM=xterm script -qec "env NO_COLOR=1 $ARC runners list -n $NS" /dev/null >tty-nc &&
	test_must_fail grep -q "$(printf "\\033")" tty-nc &&
	TERM=xterm script -qec "env -u NO_COLOR $ARC runners list -n $NS --no-color" /dev/null >tty-flag &&
	test_must_fail grep -q "$(printf "\\033")" tty-flag
'
test_expect_success '--watch prints the list, then a row per change' '
	( arc runners list -n $NS --watch --watch-timeout 8s >watch.out 2>watch.err & echo $! >watch.pid ) &&
	sleep 2 &&
	arc runners create late --repo octo/late -n $NS >/dev/null &&
	wait_until 15 grep -q "^late " watch.out &&
	pid=$(cat watch.pid) && wait_until 15 sh -c "! kill -0 $pid 2>/dev/null" &&
	head -1 watch.out | grep -q "^NAME " &&
	test_equal 1 "$(grep -c "^NAME " watch.out)"
'
test_expect_success '--watch follows the autoscalers too: a new max prints the row again' '
	( arc runners list -n $NS --watch --watch-timeout 8s >wh.out 2>wh.err & echo $! >wh.pid ) &&
	sleep 2 &&
	arc runners scale auto --max 7 -n $NS >/dev/null &&
	wait_until 15 sh -c "awk '\''\$1 == \"auto\" && \$(NF-1) == \"7\"'\'' wh.out | grep -q ." &&
	pid=$(cat wh.pid) && wait_until 15 sh -c "! kill -0 $pid 2>/dev/null" &&
	test_equal "5 7" "$(awk '\''$1 == "auto" { print $(NF-1) }'\'' wh.out | sed -n "1p;\$p" | tr "\n" " " | sed "s/ \$//")" &&
	test ! -s wh.err
'
test_expect_success '--watch -o name prints each change'"'"'s reference' '
	( arc runners list -n $NS --watch --watch-timeout 6s -o name >wn.out & echo $! >wn.pid ) &&
	sleep 2 &&
	kc label rdeploy late changed=yes -n $NS >/dev/null &&
	pid=$(cat wn.pid) && wait_until 15 sh -c "! kill -0 $pid 2>/dev/null" &&
	test "$(grep -c "^runnerdeployment.actions.summerwind.dev/late$" wn.out)" -ge 2
'
test_expect_success 'list and runners ls are the same; list takes no arguments' '
	arc runners ls -n $NS -o name >a && arc runners list -n $NS -o name >b && test_cmp a b &&
	arc runners list web 2>err; test $? = 2 && test_grep "list takes no arguments" err &&
	arc runners list -o table 2>err; test $? = 2 && test_grep "unknown output format" err
'
test_done
