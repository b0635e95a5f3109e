#!/bin/sh
# kubectl arc runners scale (--replicas, --min/--max) and delete (asks unless --yes when runners
# are busy; removes the RunnerDeployment and its autoscaler).
runners_shared_scratch=${E2E_SCRATCH:-}
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/lib-runners.sh"
trap runners_on_exit EXIT
runners_setup
NS=e2e-scale

test_expect_success 'setup' '
	runners_ns e2e-scale &&
	arc runners create web --repo octo/web --replicas 1 -n e2e-scale >/dev/null &&
	arc runners create auto --repo octo/web --max 3 -n e2e-scale >/dev/null
'
test_expect_success 'scale --replicas changes the RunnerDeployment' '
	arc runners scale web --replicas 3 -n $NS >out &&
	test_cmp - out <<-EOF &&
	runnerdeployment.actions.summerwind.dev/web scaled
	EOF
	test_equal 3 "$(kc get rdeploy web -n $NS -o jsonpath={.spec.replicas})"
'
controller_test 'ARC follows: three runner pods' '
	wait_until 60 sh -c "test \"\$(\"$KUBECTL\" get pods -n $NS -l runner-deployment-name=web --field-selector=status.phase=Running -o name | wc -l)\" -ge 3"
'
test_expect_success 'scale --min/--max changes the autoscaler' '
	arc runners scale auto --min 1 --max 5 -n $NS >out &&
	test_grep "^horizontalrunnerautoscaler.actions.summerwind.dev/auto scaled \\(min 1, max 5\\)$" out &&
	test_equal "1 5" "$(kc get hra auto -n $NS -o jsonpath="{.spec.minReplicas} {.spec.maxReplicas}")" &&
	arc runners scale auto --max 4 -n $NS >out &&
	test_equal "1 4" "$(kc get hra auto -n $NS -o jsonpath="{.spec.minReplicas} {.spec.maxReplicas}")"
'
test_expect_success 'scale errors: one line each' '
	test_must_fail arc runners scale auto --replicas 2 -n $NS 2>err && test_one_line_error err &&
	test_grep "auto is scaled by HorizontalRunnerAutoscaler auto: use --min/--max" err &&
	test_must_fail arc runners scale auto --min 6 -n $NS 2>err && test_one_line_error err &&
	test_grep "--min 6 is more than --max 4" err &&
	test_must_fail arc runners scale web --max 4 -n $NS 2>err && test_one_line_error err &&
	test_grep "web has no autoscaler" err &&
	test_must_fail arc runners scale nope --replicas 1 -n $NS 2>err && test_one_line_error err &&
	test_grep "runner deployment \"nope\" not found" err &&
	arc runners scale web -n $NS 2>err; test $? = 2 && test_grep "give --replicas N" err
'
test_expect_success 're-running create keeps a scaled count it does not set (no --replicas)' '
	arc runners create kept --repo octo/web -n $NS >/dev/null &&
	arc runners scale kept --replicas 2 -n $NS >/dev/null &&
	arc runners create kept --repo octo/web -n $NS >out &&
	test_grep "unchanged" out &&
	test_equal 2 "$(kc get rdeploy kept -n $NS -o jsonpath={.spec.replicas})"
'
busy_runner() { # NAME: mark one runner of NAME busy on the fake GitHub
	r=$(kc get runners.actions.summerwind.dev -n $NS -l runner-deployment-name=$1 -o jsonpath="{.items[0].metadata.name}") &&
	test -n "$r" &&
	gh_api /_fake/runners "{\"scope\":\"repos/octo/web\",\"runners\":[{\"name\":\"$r\",\"busy\":true}]}" >/dev/null
}
controller_test 'delete refuses busy runners without a terminal, unless --yes' '
	wait_until 60 busy_runner web &&
	test_must_fail arc runners delete web -n $NS --github --github-url $GH_URL --github-token-file $GH_TOKEN_FILE 2>err &&
	test_one_line_error err &&
	test_grep "1 runner of web is busy running a job: pass --yes to delete anyway" err &&
	kc get rdeploy web -n $NS >/dev/null
'
controller_test 'delete asks on the terminal: "n" keeps it' '
	printf "n\\n" | TERM=dumb script -qec "$ARC runners delete web -n $NS --github --github-url $GH_URL --github-token-file $GH_TOKEN_FILE" /dev/null >tty.out;
	test_grep "is running a job: delete anyway\\? \\[y/N\\]" tty.out &&
	test_grep "Not deleted" tty.out &&
	kc get rdeploy web -n $NS >/dev/null
'
controller_test 'delete asks on the terminal: "y" deletes' '
	printf "y\\n" | TERM=dumb script -qec "$ARC runners delete web -n $NS --github --github-url $GH_URL --github-token-file $GH_TOKEN_FILE" /dev/null >tty.out &&
	test_grep "runnerdeployment.actions.summerwind.dev/web deleted" tty.out &&
	test_must_fail kc get rdeploy web -n $NS
'
refuses_busy_job() { # the runner of "job" runs a workflow (its status says so): delete refuses
	r=$(kc get runners.actions.summerwind.dev -n $NS -l runner-deployment-name=job -o jsonpath="{.items[0].metadata.name}") &&
	test -n "$r" &&
	kc patch runners.actions.summerwind.dev "$r" -n $NS --subresource=status --type=merge \
		-p "{\"status\":{\"workflow\":{\"repository\":\"octo/web\",\"runID\":\"77\"}}}" >/dev/null &&
	test_must_fail arc runners delete job -n $NS </dev/null 2>err &&
	test_one_line_error err &&
	test_grep "1 runner of job is busy running a job: pass --yes to delete anyway" err
}
controller_test 'delete sees a runner busy with a workflow run in its status (no --github), --yes deletes' '
	arc runners create job --repo octo/web --replicas 1 -n $NS >/dev/null &&
	wait_until 60 refuses_busy_job &&
	kc get rdeploy job -n $NS >/dev/null &&
	arc runners delete job --yes -n $NS >out &&
	test_grep "runnerdeployment.actions.summerwind.dev/job deleted" out
'
test_expect_success 'delete --yes removes the RunnerDeployment and its autoscaler' '
	arc runners delete auto --yes -n $NS >out &&
	test_cmp - out <<-EOF &&
	horizontalrunnerautoscaler.actions.summerwind.dev/auto deleted
	runnerdeployment.actions.summerwind.dev/auto deleted
	EOF
	test_must_fail kc get rdeploy auto -n $NS &&
	test_must_fail kc get hra auto -n $NS
'
test_expect_success 'delete without busy runners does not ask' '
	arc runners delete kept -n $NS </dev/null >out &&
	test_grep "runnerdeployment.actions.summerwind.dev/kept deleted" out
'
controller_test 'the runners of a deleted RunnerDeployment go away (ARC unregisters them)' '
	wait_until 60 sh -c "test -z \"\$(\"$KUBECTL\" get runners.actions.summerwind.dev -n $NS -l runner-deployment-name=auto -o name)\""
'
test_expect_success 'delete of a missing runner deployment: one line, exit 1' '
	test_must_fail arc runners delete nope -n $NS 2>err &&
	test_one_line_error err && test_grep "runner deployment \"nope\" not found" err
'
test_done
