#!/bin/sh
# kubectl arc workflow: a ready-to-commit workflow whose runs-on uses the runner's labels
# (and group), with GPU checks for GPU runners; offline with --labels/--gpu/--dind.
runners_shared_scratch=${E2E_SCRATCH:-}
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/lib-runners.sh"
trap runners_on_exit EXIT
runners_setup
NS=e2e-workflow

wf_get() { # EXPR (Python on the parsed workflow d) < file
	python3 -c 'import sys, yaml; d = yaml.safe_load(sys.stdin); d["on"] = d.pop(True, d.get("on")); print(eval(sys.argv[1]))' "$1"
}
test_expect_success 'setup' '
	runners_ns e2e-workflow &&
	arc runners create web --repo octo/web --labels linux,x64 -n e2e-workflow >/dev/null &&
	arc runners create ml --repo octo/ml --labels gpu --gpu 2 --dind --group ml -n e2e-workflow >/dev/null
'
test_expect_success 'workflow RUNNER: runs-on self-hosted + the labels, valid YAML, file name' '
	arc workflow web -n $NS >wf.yml &&
	test_grep "^# .github/workflows/web.yml$" wf.yml &&
	test_equal "['"'"'self-hosted'"'"', '"'"'linux'"'"', '"'"'x64'"'"']" "$(wf_get "d[\"jobs\"][\"build\"][\"runs-on\"]" <wf.yml)" &&
	test_equal web "$(wf_get "d[\"name\"]" <wf.yml)" &&
	test_must_fail grep -q nvidia-smi wf.yml
'
test_expect_success 'GPU + DinD runner: group, GPU check steps (also from Docker)' '
	arc workflow ml -n $NS >ml.yml &&
	test_equal ml "$(wf_get "d[\"jobs\"][\"build\"][\"runs-on\"][\"group\"]" <ml.yml)" &&
	test_equal "self-hosted gpu" "$(wf_get "\" \".join(d[\"jobs\"][\"build\"][\"runs-on\"][\"labels\"])" <ml.yml)" &&
	test_grep "nvidia-smi --list-gpus \\| wc -l\\)\" -ge 2" ml.yml &&
	test_grep "docker run --rm --gpus all" ml.yml &&
	test_equal 4 "$(wf_get "len(d[\"jobs\"][\"build\"][\"steps\"])" <ml.yml)"
'
test_expect_success 'offline: --labels, --gpu, --dind, --name (no cluster contacted)' '
	arc workflow --labels linux,big --gpu 1 --name train --server https://127.0.0.1:1 >t.yml &&
	test_grep "^# .github/workflows/train.yml$" t.yml &&
	test_equal "['"'"'self-hosted'"'"', '"'"'linux'"'"', '"'"'big'"'"']" "$(wf_get "d[\"jobs\"][\"build\"][\"runs-on\"]" <t.yml)" &&
	test_grep "nvidia-smi" t.yml &&
	arc workflow --dind >d.yml && test_grep "docker run --rm hello-world" d.yml
'
test_expect_success 'a runner deployment without labels: runs-on [self-hosted], and a warning' '
	arc runners create bare --repo octo/bare -n $NS >/dev/null &&
	arc workflow bare -n $NS >b.yml 2>err &&
	test_equal "['"'"'self-hosted'"'"']" "$(wf_get "d[\"jobs\"][\"build\"][\"runs-on\"]" <b.yml)" &&
	test_grep "^Warning: runner deployment bare has no labels: .*repository octo/bare" err &&
	arc workflow web -n $NS >/dev/null 2>err &&
	test_must_fail test -s err
'
test_expect_success 'workflow errors' '
	test_must_fail arc workflow nope -n $NS 2>err && test_one_line_error err &&
	test_grep "runner deployment \"nope\" not found in namespace $NS" err &&
	arc workflow web --labels x -n $NS 2>err; test $? = 2 &&
	arc workflow --gpu 0 2>err; test $? = 2 && test_grep "GPU count must be more than 0" err &&
	arc workflow --name "../x" 2>err; test $? = 2 && test_grep "invalid workflow name" err
'
test_done
