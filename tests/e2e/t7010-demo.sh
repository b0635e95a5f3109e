#!/bin/sh
# make demo (scripts/demo.sh): a control plane of its own (the cached build), ARC installed with
# the stand-in cert-manager served on loopback and a dummy token, a GPU runner deployment and an
# autoscaled one, listed; then `down` stops every process and removes the state directory.
shared_scratch=${E2E_SCRATCH:-} # run.sh's: lib.sh cleans it up, not this file
. "$(dirname "$0")/lib.sh"

DEMO=$TEST_DIR/demo
export ARC_DEMO_STATE=$DEMO
demo_cleanup() { [ -d "$DEMO" ] && sh "$TOP/scripts/demo.sh" down >/dev/null 2>&1; }
trap 'demo_cleanup; [ -n "$shared_scratch" ] || e2e_cleanup' EXIT

test_expect_success 'make demo: cluster, install, a GPU and an autoscaled runner deployment, listed' '
	timeout 600 make -s -C "$TOP" -o "$ARC" demo BIN="$ARC" >demo.out 2>demo.err &&
	test_grep "^==> Installing ARC with a dummy GitHub token" demo.out &&
	test_grep "^\\$ kubectl-arc install --github-token-file \\\$DEMO/token --cert-manager-manifest http://127.0.0.1:[0-9]+/cert-manager.yaml" demo.out &&
	test_grep "^STATUS: deployed" demo.out &&
	test_grep "^ci +org:octo-org +linux .* 0 +10 .* queued\$" demo.out &&
	test_grep "^gpu-runners +octo-org/ml +gpu,linux .* 1 +-\$" demo.out &&
	test_grep "^Tear it down with:  make demo-down" demo.out &&
	test_grep "Installed cert-manager; its webhook answers" demo.err &&
	test ! -e "$DEMO/http.pid"
'

test_expect_success 'the demo cluster answers kubectl-arc afterwards (the printed KUBECONFIG)' '
	kcfg=$(sed -n "s/^    export KUBECONFIG=//p" demo.out | head -1) &&
	test_equal "$DEMO/cluster/admin.kubeconfig" "$kcfg" &&
	KUBECONFIG=$kcfg arc runners list -o name >names &&
	test_equal "runnerdeployment.actions.summerwind.dev/ci runnerdeployment.actions.summerwind.dev/gpu-runners" \
		"$(sort names | tr "\n" " " | sed "s/ \$//")" &&
	KUBECONFIG=$kcfg arc doctor --offline >doctor.out; test $? = 1 &&
	test_grep "^PASS  ARC release +actions-runner-controller in namespace actions-runner-system: revision 1 deployed" doctor.out &&
	test_grep "^WARN  GPU nodes +1 node with 4 nvidia.com/gpu for 1 GPU runner spec" doctor.out
'

test_expect_success 'a second make demo while it runs: refused, says what to do' '
	test_must_fail make -s -C "$TOP" -o "$ARC" demo BIN="$ARC" >again.out 2>again.err &&
	test_grep "a demo cluster is already running .*make demo-down first" again.err
'

test_expect_success 'make demo-down stops every process and removes the state' '
	pids=$(cat "$DEMO/cluster/pids" 2>/dev/null | awk "{print \$2}" | tr "\n" " ") &&
	test -n "$pids" &&
	make -s -C "$TOP" demo-down >down.out 2>&1 &&
	test_grep "demo: stopped and removed $DEMO" down.out && test ! -e "$DEMO" &&
	for p in $pids; do
		case $p in *[!0-9]*) continue ;; esac
		st=$(ps -o stat= -p "$p" 2>/dev/null) # (a zombie awaits its reaper: gone)
		case $st in "" | Z*) ;; *) echo "process $p still runs ($st)"; exit 1 ;; esac
	done
'

test_done
