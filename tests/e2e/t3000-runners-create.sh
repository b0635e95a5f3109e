#!/bin/sh
# kubectl arc runners create: every validation error (nothing applied), --dry-run=client -o yaml,
# repository / organization / enterprise / DinD / GPU / autoscaled runners made real by ARC's own
# controller (runners and pods on the kwok nodes), idempotent re-runs, in-place updates.
runners_shared_scratch=${E2E_SCRATCH:-}
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/lib-runners.sh"
trap runners_on_exit EXIT

# --- the CRDs missing: checked before anything else, and only when no ARC objects exist yet ---
crds_absent() { ! kc get crd runnerdeployments.actions.summerwind.dev >/dev/null 2>&1; }
arc_objects() { kc get runnerdeployments,horizontalrunnerautoscalers,runners -A -o name 2>/dev/null | grep -c .; }
if crds_absent || [ "$(arc_objects)" = 0 ]; then
	kc delete crd runnerdeployments.actions.summerwind.dev horizontalrunnerautoscalers.actions.summerwind.dev \
		--ignore-not-found --wait=true >/dev/null 2>&1
	test_expect_success 'without the ARC CRDs: "run kubectl arc install first", nothing applied' '
		test_must_fail arc runners create web --repo octo/web -n default 2>err &&
		test_one_line_error err &&
		test_grep "CRDs are not installed.*run kubectl arc install first" err &&
		test_must_fail arc runners list 2>err &&
		test_grep "run kubectl arc install first" err
	'
else
	say "skipped the CRDs-missing check: ARC objects exist in this cluster"
fi

runners_setup

test_expect_success 'setup: a namespace served by ARC'"'"'s webhooks' '
	runners_ns e2e-runners
'
NS=e2e-runners

# --- validation: one line "Error: …", exit 1, nothing applied --------------------------------------
bad() { # expected-error-regex args...
	re=$1
	shift
	test_must_fail arc runners create "$@" -n $NS 2>err &&
	test_one_line_error err &&
	test_grep "$re" err
}
test_expect_success 'validation: the target (exactly one of --repo/--org/--enterprise, shapes)' '
	bad "a target is required" web &&
	bad "exclusive: give exactly one" web --repo octo/web --org octo &&
	bad "exclusive: give exactly one" web --org octo --enterprise acme &&
	bad "invalid --repo \"octo\": want OWNER/NAME" web --repo octo &&
	bad "invalid --repo \"octo/web/x\"" web --repo octo/web/x &&
	bad "invalid --repo \"/web\"" web --repo /web &&
	bad "invalid --repo \"octo/\"" web --repo octo/ &&
	bad "invalid --org \"octo/web\".*use --repo" web --org octo/web &&
	bad "invalid --enterprise \"a b\"" web --enterprise "a b"
'
test_expect_success 'validation: the name' '
	bad "invalid runner name \"Web_1\"" Web_1 --repo octo/web &&
	bad "invalid runner name \"web-\"" web- --repo octo/web &&
	bad "invalid runner name" "$(printf "r%.0s" $(seq 1 64))" --repo octo/web
'
test_expect_success 'validation: labels' '
	bad "invalid runner label \"a b\"" web --repo octo/web --labels "linux,a b" &&
	bad "--labels \"a,,b\": empty item" web --repo octo/web --labels a,,b &&
	bad "invalid runner label \"x;y\"" web --repo octo/web --labels "x;y"
'
test_expect_success 'validation: autoscaler bounds and metric' '
	bad "--min 5 is more than --max 2" web --repo octo/web --min 5 --max 2 &&
	bad "invalid --max 0" web --repo octo/web --max 0 &&
	bad "--min needs --max" web --repo octo/web --min 1 &&
	bad "--metric needs --max" web --repo octo/web --metric busy &&
	bad "--on-workflow-job needs --max" web --repo octo/web --on-workflow-job &&
	bad "--replicas and --max are exclusive" web --repo octo/web --replicas 2 --max 3 &&
	bad "--metric queued with --org needs --repositories" ci --org octo --max 3 &&
	bad "--metric queued does not work for enterprise runners" ci --enterprise acme --max 3 &&
	bad "invalid --metric \"cpu\"" web --repo octo/web --max 3 --metric cpu &&
	bad "invalid --scale-up-threshold \"1.5\"" web --repo octo/web --max 3 --metric busy --scale-up-threshold 1.5 &&
	bad "--scale-down-threshold must be below" web --repo octo/web --max 3 --metric busy --scale-down-threshold 0.9 &&
	bad "are for --metric busy" web --repo octo/web --max 3 --scale-up-factor 2 &&
	bad "--metric none needs --on-workflow-job" web --repo octo/web --max 3 --metric none &&
	bad "invalid --repositories item \"a b\"" ci --org octo --max 3 --repositories "a b"
'
test_expect_success 'validation: resource quantities' '
	bad "invalid --cpu \"2x\": not a resource quantity" web --repo octo/web --cpu 2x &&
	bad "invalid --memory \"-1Gi\"" web --repo octo/web --memory -1Gi &&
	bad "invalid --memory-limit \"lots\"" web --repo octo/web --memory-limit lots &&
	bad "invalid --cpu \"0\": must be more than zero" web --repo octo/web --cpu 0 &&
	bad "--cpu 2 is more than --cpu-limit 500m" web --repo octo/web --cpu 2 --cpu-limit 500m &&
	bad "--memory 2Gi is more than --memory-limit 1G" web --repo octo/web --memory 2Gi --memory-limit 1G
'
test_expect_success 'validation: GPU count, env, node selector, tolerations, values file' '
	bad "invalid --gpu 0: the GPU count must be more than 0" web --repo octo/web --gpu 0 &&
	bad "invalid --gpu -2" web --repo octo/web --gpu -2 &&
	bad "invalid --env \"NOVALUE\"" web --repo octo/web --env NOVALUE &&
	bad "invalid --env \"1X=y\"" web --repo octo/web --env 1X=y &&
	bad "invalid --node-selector \"disk\"" web --repo octo/web --node-selector disk &&
	bad "invalid --toleration \"gpu\"" web --repo octo/web --toleration gpu &&
	bad "invalid --toleration \"gpu:Sometimes\"" web --repo octo/web --toleration gpu:Sometimes &&
	bad "invalid --work-dir \"work\"" web --repo octo/web --work-dir work &&
	printf "repository: other/repo\n" >v.yaml &&
	bad "v.yaml: sets repository" web --repo octo/web -f v.yaml &&
	printf -- "- a\n" >list.yaml &&
	bad "list.yaml: want a map of RunnerPodSpec fields" web --repo octo/web -f list.yaml &&
	printf "a: [\n" >broken.yaml &&
	bad "broken.yaml" web --repo octo/web -f broken.yaml &&
	bad "no-such.yaml" web --repo octo/web -f no-such.yaml
'
test_expect_success 'usage errors exit 2 with a pointer to --help' '
	arc runners create web --repo octo/web --bogus 2>err; test $? = 2 &&
	test_grep "unknown flag" err && test_grep "runners create --help" err &&
	arc runners create 2>err; test $? = 2 && test_grep "a NAME is required" err &&
	arc runners create web --repo octo/web -o table 2>err; test $? = 2 &&
	test_grep "unknown output format" err
'
test_expect_success 'after every error nothing was applied' '
	kc get runnerdeployments,horizontalrunnerautoscalers -n $NS -o name >objs &&
	test_must_fail test -s objs
'

# --- dry runs --------------------------------------------------------------------------------------
test_expect_success '--dry-run=client -o yaml prints the objects without contacting the cluster' '
	arc runners create web --repo octo/web --labels linux,x64 --dry-run=client -o yaml -n $NS \
		--server https://127.0.0.1:1 >out.yaml &&
	json_get "d[\"kind\"]" <<-EOF >/dev/null
	{"kind": "x"}
	EOF
	python3 -c "import sys,yaml" 2>/dev/null || true
	test_grep "^kind: RunnerDeployment$" out.yaml &&
	test_grep "^  namespace: $NS$" out.yaml &&
	test_grep "^      repository: octo/web$" out.yaml &&
	test_grep "^      - linux$" out.yaml &&
	test_grep ! "replicas:" out.yaml &&
	kc get runnerdeployments -n $NS -o name >objs && test_must_fail test -s objs
'
test_expect_success '--dry-run=client with --max prints a List of both objects, valid for the API server' '
	arc runners create auto --repo octo/web --max 4 --dry-run=client -o yaml -n $NS >list.yaml &&
	test_grep "^kind: List$" list.yaml &&
	test_grep "kind: HorizontalRunnerAutoscaler" list.yaml &&
	test_grep "type: TotalNumberOfQueuedAndInProgressWorkflowRuns" list.yaml &&
	kc apply --dry-run=server -f list.yaml >applied &&
	test_grep "runnerdeployment.actions.summerwind.dev/auto created \\(server dry run\\)" applied
'
test_expect_success '--dry-run=server: validated by the API server, nothing stored' '
	arc runners create web --repo octo/web --dry-run=server -n $NS >out &&
	test_grep "^runnerdeployment.actions.summerwind.dev/web created \\(server dry run\\)$" out &&
	kc get runnerdeployments -n $NS -o name >objs && test_must_fail test -s objs
'

# --- repository runners ---------------------------------------------------------------------------
test_expect_success 'create a repository runner deployment' '
	arc runners create web --repo octo/web --labels linux,x64 --replicas 2 -n $NS >out &&
	test_cmp - out <<-EOF &&
	runnerdeployment.actions.summerwind.dev/web created
	EOF
	kc get runnerdeployment web -n $NS -o json >rd.json &&
	test_equal octo/web "$(json_get "d[\"spec\"][\"template\"][\"spec\"][\"repository\"]" <rd.json)" &&
	test_equal "[\"linux\", \"x64\"]" "$(json_get "d[\"spec\"][\"template\"][\"spec\"][\"labels\"]" <rd.json)" &&
	test_equal 2 "$(json_get "d[\"spec\"][\"replicas\"]" <rd.json)"
'
runner_pods_running() { # NAME N: N runner pods of NAME Running on a kwok node
	n=$(kc get pods -n $NS -l runner-deployment-name=$1 \
		-o jsonpath="{range .items[*]}{.status.phase} {.spec.nodeName}{\"\\n\"}{end}" | grep -c "^Running kwok-")
	[ "$n" = "$2" ]
}
controller_test 'ARC'"'"'s controller turns it into Runners and pods Running on the fake nodes' '
	wait_until 60 runner_pods_running web 2 &&
	kc get runners -n $NS -l runner-deployment-name=web -o name >runners &&
	test_equal 2 "$(grep -c . runners)"
'
test_expect_success 're-running the same command changes nothing' '
	rv=$(kc get runnerdeployment web -n $NS -o jsonpath="{.metadata.generation}") &&
	arc runners create web --repo octo/web --labels linux,x64 --replicas 2 -n $NS >out &&
	test_cmp - out <<-EOF &&
	runnerdeployment.actions.summerwind.dev/web unchanged
	EOF
	test_equal "$rv" "$(kc get runnerdeployment web -n $NS -o jsonpath="{.metadata.generation}")"
'
test_expect_success 'changed flags update in place (labels, env, resources); a dropped flag is removed' '
	uid=$(kc get runnerdeployment web -n $NS -o jsonpath="{.metadata.uid}") &&
	arc runners create web --repo octo/web --labels linux,x64,big --replicas 2 --env A=1 --cpu 500m \
		--memory 1Gi --memory-limit 2Gi -n $NS >out &&
	test_cmp - out <<-EOF &&
	runnerdeployment.actions.summerwind.dev/web configured
	EOF
	kc get runnerdeployment web -n $NS -o json >rd.json &&
	test_equal "$uid" "$(json_get "d[\"metadata\"][\"uid\"]" <rd.json)" &&
	test_equal "[\"linux\", \"x64\", \"big\"]" "$(json_get "d[\"spec\"][\"template\"][\"spec\"][\"labels\"]" <rd.json)" &&
	test_equal 500m "$(json_get "d[\"spec\"][\"template\"][\"spec\"][\"resources\"][\"requests\"][\"cpu\"]" <rd.json)" &&
	test_equal 2Gi "$(json_get "d[\"spec\"][\"template\"][\"spec\"][\"resources\"][\"limits\"][\"memory\"]" <rd.json)" &&
	test_equal A "$(json_get "d[\"spec\"][\"template\"][\"spec\"][\"env\"][0][\"name\"]" <rd.json)" &&
	arc runners create web --repo octo/web --labels linux,x64,big --replicas 2 -n $NS >out &&
	test_grep "configured" out &&
	kc get runnerdeployment web -n $NS -o json >rd.json &&
	test_equal None "$(json_get "(d[\"spec\"][\"template\"][\"spec\"].get(\"env\") or None)" <rd.json)"
'
test_expect_success 'every flag of the runner pod spec reaches the object (-o json of the applied object)' '
	cat >values.yaml <<-EOF &&
	volumes:
	- name: cache
	  emptyDir: {}
	volumeMounts:
	- name: cache
	  mountPath: /cache
	env:
	- name: FROM_FILE
	  value: "1"
	- name: OVERRIDDEN
	  value: file
	EOF
	arc runners create full --repo octo/web --labels l1 --group builders --replicas 1 --image example/runner:1 \
		--ephemeral=false --env OVERRIDDEN=flag --cpu 1 --cpu-limit 2 --memory 1Gi --memory-limit 2Gi \
		--node-selector disk=ssd --toleration dedicated=ci:NoSchedule --toleration spot:PreferNoSchedule \
		--service-account default --work-dir /work --docker-registry-mirror https://mirror.example \
		-f values.yaml -n $NS -o json >full.json &&
	s="d[\"spec\"][\"template\"][\"spec\"]" &&
	test_equal builders "$(json_get "$s[\"group\"]" <full.json)" &&
	test_equal example/runner:1 "$(json_get "$s[\"image\"]" <full.json)" &&
	test_equal False "$(json_get "$s[\"ephemeral\"]" <full.json)" &&
	test_equal ssd "$(json_get "$s[\"nodeSelector\"][\"disk\"]" <full.json)" &&
	test_equal "Equal dedicated ci NoSchedule" "$(json_get "\" \".join(($s[\"tolerations\"][0][k]) for k in (\"operator\",\"key\",\"value\",\"effect\"))" <full.json)" &&
	test_equal "Exists spot PreferNoSchedule" "$(json_get "\" \".join(($s[\"tolerations\"][1][k]) for k in (\"operator\",\"key\",\"effect\"))" <full.json)" &&
	test_equal default "$(json_get "$s[\"serviceAccountName\"]" <full.json)" &&
	test_equal /work "$(json_get "$s[\"workDir\"]" <full.json)" &&
	test_equal https://mirror.example "$(json_get "$s[\"dockerRegistryMirror\"]" <full.json)" &&
	test_equal "FROM_FILE=1 OVERRIDDEN=flag" "$(json_get "\" \".join(e[\"name\"]+\"=\"+e[\"value\"] for e in $s[\"env\"])" <full.json)" &&
	test_equal cache "$(json_get "$s[\"volumes\"][0][\"name\"]" <full.json)" &&
	test_equal "1 2 1Gi 2Gi" "$(json_get "\" \".join(str(x) for x in ($s[\"resources\"][\"requests\"][\"cpu\"], $s[\"resources\"][\"limits\"][\"cpu\"], $s[\"resources\"][\"requests\"][\"memory\"], $s[\"resources\"][\"limits\"][\"memory\"]))" <full.json)"
'
controller_test 'the runner pods of "full" follow the spec (node selector has no match: Pending)' '
	wait_until 60 sh -c "kc() { timeout 60 \"\$KUBECTL\" \"\$@\"; }; kc get pods -n $NS -l runner-deployment-name=full -o name | grep -q ." &&
	kc get pods -n $NS -l runner-deployment-name=full -o json >pods.json &&
	test_equal ssd "$(json_get "d[\"items\"][0][\"spec\"][\"nodeSelector\"][\"disk\"]" <pods.json)" &&
	test_equal /work "$(json_get "[e[\"value\"] for c in d[\"items\"][0][\"spec\"][\"containers\"] if c[\"name\"]==\"runner\" for e in c[\"env\"] if e[\"name\"]==\"RUNNER_WORKDIR\"][0]" <pods.json)"
'

# --- organization, enterprise -----------------------------------------------------------------------
test_expect_success 'organization runners with an autoscaler on queued runs of named repositories' '
	arc runners create org --org octo --labels org --max 5 --repositories web,api -n $NS >out &&
	test_cmp - out <<-EOF &&
	runnerdeployment.actions.summerwind.dev/org created
	horizontalrunnerautoscaler.actions.summerwind.dev/org created
	EOF
	kc get hra org -n $NS -o json >hra.json &&
	test_equal "[\"web\", \"api\"]" "$(json_get "d[\"spec\"][\"metrics\"][0][\"repositoryNames\"]" <hra.json)" &&
	test_equal 0 "$(json_get "d[\"spec\"][\"minReplicas\"]" <hra.json)" &&
	test_equal octo "$(kc get rdeploy org -n $NS -o jsonpath="{.spec.template.spec.organization}")"
'
test_expect_success 'enterprise runners autoscaled on busy runners (thresholds and factors as strings)' '
	arc runners create ent --enterprise acme --max 10 --min 2 --metric busy --scale-up-threshold 0.75 \
		--scale-down-factor 0.5 --scale-down-delay 5m -n $NS >out &&
	kc get hra ent -n $NS -o json >hra.json &&
	test_equal "PercentageRunnersBusy 0.75 0.3 1.3 0.5" "$(json_get "\" \".join(d[\"spec\"][\"metrics\"][0][k] for k in (\"type\",\"scaleUpThreshold\",\"scaleDownThreshold\",\"scaleUpFactor\",\"scaleDownFactor\"))" <hra.json)" &&
	test_equal 300 "$(json_get "d[\"spec\"][\"scaleDownDelaySecondsAfterScaleOut\"]" <hra.json)" &&
	test_equal acme "$(kc get rdeploy ent -n $NS -o jsonpath="{.spec.template.spec.enterprise}")"
'
controller_test 'the autoscaler drives the replica count (min 2) through ARC'"'"'s controller' '
	wait_until 60 sh -c "test \"\$(\"$KUBECTL\" get rdeploy ent -n $NS -o jsonpath={.spec.replicas})\" = 2" &&
	wait_until 60 runner_pods_running ent 2
'
test_expect_success 'workflow_job scale-up triggers (--on-workflow-job, no metric)' '
	arc runners create hook --repo octo/web --max 3 --on-workflow-job --trigger-duration 10m -n $NS >out &&
	kc get hra hook -n $NS -o json >hra.json &&
	test_equal "{}" "$(json_get "d[\"spec\"][\"scaleUpTriggers\"][0][\"githubEvent\"][\"workflowJob\"]" <hra.json)" &&
	test_equal 10m "$(json_get "d[\"spec\"][\"scaleUpTriggers\"][0][\"duration\"]" <hra.json)" &&
	test_equal None "$(json_get "d[\"spec\"].get(\"metrics\")" <hra.json)"
'
test_expect_success 'dropping --max removes the autoscaler this command made' '
	arc runners create hook --repo octo/web -n $NS >out &&
	test_grep "horizontalrunnerautoscaler.actions.summerwind.dev/hook deleted" out &&
	test_must_fail kc get hra hook -n $NS
'

# --- presets -----------------------------------------------------------------------------------------
test_expect_success 'DinD preset: the dind image and dockerd inside the runner container' '
	arc runners create dind --repo octo/web --dind -n $NS >out &&
	kc get rdeploy dind -n $NS -o json >rd.json &&
	test_equal summerwind/actions-runner-dind "$(json_get "d[\"spec\"][\"template\"][\"spec\"][\"image\"]" <rd.json)" &&
	test_equal True "$(json_get "d[\"spec\"][\"template\"][\"spec\"][\"dockerdWithinRunnerContainer\"]" <rd.json)"
'
controller_test 'DinD runner pod: one privileged runner container, no docker sidecar' '
	wait_until 60 runner_pods_running dind 1 &&
	kc get pods -n $NS -l runner-deployment-name=dind -o json >pods.json &&
	test_equal runner "$(json_get "\" \".join(c[\"name\"] for c in d[\"items\"][0][\"spec\"][\"containers\"])" <pods.json)" &&
	test_equal True "$(json_get "d[\"items\"][0][\"spec\"][\"containers\"][0][\"securityContext\"][\"privileged\"]" <pods.json)"
'
test_expect_success 'GPU preset: limits, node selector and toleration for GPU nodes' '
	arc runners create gpu --repo octo/ml --gpu 2 --labels gpu -n $NS >out &&
	kc get rdeploy gpu -n $NS -o json >rd.json &&
	s="d[\"spec\"][\"template\"][\"spec\"]" &&
	test_equal 2 "$(json_get "$s[\"resources\"][\"limits\"][\"nvidia.com/gpu\"]" <rd.json)" &&
	test_equal true "$(json_get "$s[\"nodeSelector\"][\"nvidia.com/gpu.present\"]" <rd.json)" &&
	test_equal nvidia.com/gpu "$(json_get "$s[\"tolerations\"][0][\"key\"]" <rd.json)"
'
controller_test 'GPU runner pod lands on the GPU node (kwok-gpu-0, nvidia.com/gpu: 4)' '
	wait_until 60 runner_pods_running gpu 1 &&
	test_equal kwok-gpu-0 "$(kc get pods -n $NS -l runner-deployment-name=gpu -o jsonpath="{.items[0].spec.nodeName}")" &&
	kc get pods -n $NS -l runner-deployment-name=gpu -o json >pods.json &&
	test_equal 2 "$(json_get "[c for c in d[\"items\"][0][\"spec\"][\"containers\"] if c[\"name\"]==\"runner\"][0][\"resources\"][\"limits\"][\"nvidia.com/gpu\"]" <pods.json)"
'
test_expect_success 'GPU + DinD: dockerd with the GPUs, NVIDIA driver capabilities, runtime class' '
	arc runners create gpudind --repo octo/ml --gpu 1 --dind --runtime-class nvidia --dry-run=client -o json \
		-n $NS >gd.json 2>err &&
	s="d[\"spec\"][\"template\"][\"spec\"]" &&
	test_equal True "$(json_get "$s[\"dockerdWithinRunnerContainer\"]" <gd.json)" &&
	test_equal nvidia "$(json_get "$s[\"runtimeClassName\"]" <gd.json)" &&
	test_equal "NVIDIA_DRIVER_CAPABILITIES=compute,utility" \
		"$(json_get "\" \".join(e[\"name\"]+\"=\"+e[\"value\"] for e in $s[\"env\"])" <gd.json)" &&
	test_equal 1 "$(json_get "$s[\"resources\"][\"limits\"][\"nvidia.com/gpu\"]" <gd.json)" &&
	test_grep "^Warning: summerwind/actions-runner-dind has no NVIDIA container toolkit" err &&
	arc runners create gpudind --repo octo/ml --gpu 1 --dind --image example/dind-nvidia:1 --dry-run=client \
		-o json -n $NS >gd.json 2>err &&
	test_equal example/dind-nvidia:1 "$(json_get "$s[\"image\"]" <gd.json)" &&
	test_must_fail test -s err
'
test_expect_success 'GPU + DinD is accepted by the API server schema (server dry run)' '
	arc runners create gpudind --repo octo/ml --gpu 1 --dind --runtime-class nvidia --dry-run=server -n $NS >out &&
	test_grep "created \\(server dry run\\)" out
'
test_expect_success '-o name prints the applied objects'"'"' references' '
	arc runners create web --repo octo/web --labels linux,x64,big --replicas 2 -o name -n $NS >out &&
	test_cmp - out <<-EOF
	runnerdeployment.actions.summerwind.dev/web
	EOF
'

# --- a user of one namespace (no cluster-wide rights: the CRDs are found through discovery) -------
test_expect_success 'a user with rights in one namespace only creates, lists and gets runners there' '
	cat >rbac.yaml <<-EOF &&
	apiVersion: rbac.authorization.k8s.io/v1
	kind: Role
	metadata: {name: runner-admin, namespace: $NS}
	rules:
	- apiGroups: [actions.summerwind.dev]
	  resources: [runnerdeployments, horizontalrunnerautoscalers, runners]
	  verbs: [get, list, watch, create, patch, update, delete]
	- apiGroups: [""]
	  resources: [pods, events]
	  verbs: [get, list]
	---
	apiVersion: rbac.authorization.k8s.io/v1
	kind: RoleBinding
	metadata: {name: runner-admin, namespace: $NS}
	roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: runner-admin}
	subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}]
	EOF
	kc apply -f rbac.yaml >/dev/null &&
	test_must_fail kc get crd runnerdeployments.actions.summerwind.dev --as alice 2>/dev/null &&
	arc runners create alice --repo octo/web --max 2 -n $NS --as alice >out &&
	test_cmp - out <<-EOF &&
	runnerdeployment.actions.summerwind.dev/alice created
	horizontalrunnerautoscaler.actions.summerwind.dev/alice created
	EOF
	arc runners list -n $NS --as alice >list &&
	test_grep "^alice +octo/web +<none> " list &&
	arc runners get alice -n $NS --as alice >get &&
	test_grep "^Autoscaler: +alice: min 0, max 2" get &&
	test_must_fail arc runners list -A --as alice 2>err &&
	test_one_line_error err &&
	test_grep "forbidden" err
'
test_done
