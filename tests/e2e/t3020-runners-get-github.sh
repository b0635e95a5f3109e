#!/bin/sh
# kubectl arc runners get: the RunnerDeployment, its autoscaler, each Runner (phase, node,
# registration, workflow, age) and recent warnings; --github against the fake GitHub API
# (token file, the installed auth Secret with a token or a GitHub App, pagination, 401/403/404,
# rate limit).
runners_shared_scratch=${E2E_SCRATCH:-}
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/lib-runners.sh"
trap runners_on_exit EXIT

# a GitHub App the fake API knows: it verifies the JWT's RS256 signature with the public key
APP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/arc-e2e-app.XXXXXX")
openssl genrsa -out "$APP_DIR/app.pem" 2048 >/dev/null 2>&1 &&
openssl rsa -in "$APP_DIR/app.pem" -pubout -out "$APP_DIR/app.pub" >/dev/null 2>&1 || die "openssl genrsa failed"
GH_EXTRA_ARGS="--app-id 4242 --installation-id 777 --app-key $APP_DIR/app.pub"
runners_setup
NS=e2e-get

test_expect_success 'setup' '
	runners_ns e2e-arc-auth &&
	runners_ns e2e-get &&
	arc runners create web --repo octo/web --labels linux --replicas 2 -n e2e-get >/dev/null &&
	arc runners create auto --repo octo/web --max 3 --min 1 -n e2e-get >/dev/null
'
runners_of() { kc get runners.actions.summerwind.dev -n $NS -l runner-deployment-name=$1 -o name | sed "s,.*/,," | sort; }
get_shows_running_runners() {
	arc runners get web -n $NS >out &&
	kc get pods -n $NS -l runner-deployment-name=web --field-selector=status.phase=Running -o name >running &&
	test "$(grep -c . running)" -ge 2 &&
	for r in $(sed "s,.*/,," running); do
		grep -Eq "^$r +Running +Running +kwok-(node|gpu)-0 +token until 20" out || return 1
	done
}
controller_test 'get: the summary, each runner with pod phase and node' '
	wait_until 60 get_shows_running_runners &&
	test_grep "^Name: +web$" out &&
	test_grep "^Target: +repository octo/web$" out &&
	test_grep "^Labels: +linux$" out &&
	test_grep "^Replicas: +2 desired" out &&
	test_grep "^Autoscaler: +none" out &&
	test_grep "^NAME +STATUS +POD +NODE +REGISTRATION +WORKFLOW +AGE$" out
'
busy_with_run() { # RUNNER: give it a workflow run (what the runner reports while it runs a job)
	kc patch runners.actions.summerwind.dev "$1" -n $NS --subresource=status --type=merge \
		-p "{\"status\":{\"workflow\":{\"name\":\"ci\",\"repository\":\"octo/web\",\"runID\":\"4242\"}}}" >/dev/null &&
	arc runners get web -n $NS >out &&
	grep -Eq "^$1 +Running +Running +kwok-[a-z]+-0 +token until [^ ]+ +octo/web#4242 +[0-9]+[smh]" out
}
controller_test 'get shows the workflow run a runner is busy with' '
	r=$(runners_of web | head -n 1) && test -n "$r" &&
	wait_until 30 busy_with_run "$r" &&
	kc patch runners.actions.summerwind.dev "$r" -n $NS --subresource=status --type=json \
		-p "[{\"op\":\"remove\",\"path\":\"/status/workflow\"}]" >/dev/null
'
controller_test 'get shows the autoscaler with its bounds and desired count' '
	wait_until 60 sh -c "\"$KUBECTL\" get hra auto -n $NS -o jsonpath={.status.desiredReplicas} | grep -q 1" &&
	arc runners get auto -n $NS >out &&
	test_grep "^Autoscaler: +auto: min 1, max 3, metric queued, desired 1$" out
'
test_expect_success 'get shows recent warning events of the runners and their pods' '
	cat >ev.yaml <<-EOF &&
	apiVersion: v1
	kind: Event
	metadata:
	  name: web-warning-1
	  namespace: $NS
	involvedObject:
	  kind: Runner
	  name: web-abcde-fghij
	  namespace: $NS
	reason: RegistrationTimeout
	message: runner did not register in time
	type: Warning
	lastTimestamp: "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	EOF
	kc apply -f ev.yaml >/dev/null &&
	arc runners get web -n $NS >out &&
	test_grep "^Recent warnings:$" out &&
	test_grep "runner/web-abcde-fghij +RegistrationTimeout +runner did not register in time$" out
'
test_expect_success 'get -o yaml / -o json: the RunnerDeployment, autoscaler and Runners as a List' '
	arc runners get auto -n $NS -o json >get.json &&
	test_equal "List" "$(json_get "d[\"kind\"]" <get.json)" &&
	test_equal "RunnerDeployment HorizontalRunnerAutoscaler" "$(json_get "\" \".join(i[\"kind\"] for i in d[\"items\"][:2])" <get.json)" &&
	arc runners get web -n $NS -o yaml >get.yaml &&
	python3 -c "import yaml; d=yaml.safe_load(open(\"get.yaml\")); assert d[\"items\"][0][\"metadata\"][\"name\"]==\"web\"" &&
	test_must_fail grep -q managedFields get.yaml
'
test_expect_success 'get of a missing runner deployment: one line, exit 1' '
	test_must_fail arc runners get nope -n $NS 2>err &&
	test_one_line_error err &&
	test_grep "runner deployment \"nope\" not found in namespace $NS" err
'

# --- --github ------------------------------------------------------------------------------------
GH="--github-url $GH_URL"
controller_test '--github with a token file: online, busy, stale registrations' '
	set -- $(runners_of web) &&
	wait_until 20 sh -c "curl -fsS $GH_URL/api/v3/repos/octo/web/actions/runners -H \"Authorization: Bearer $(cat $GH_TOKEN_FILE)\" | grep -q $1" &&
	gh_api /_fake/runners "{\"scope\":\"repos/octo/web\",\"runners\":[{\"name\":\"$1\",\"busy\":true},{\"name\":\"$2\"},{\"name\":\"web-old11-zzzzz\",\"status\":\"offline\"}]}" >/dev/null &&
	arc runners get web -n $NS --github $GH --github-token-file $GH_TOKEN_FILE >out &&
	test_grep "^NAME +STATUS +POD +NODE +REGISTRATION +WORKFLOW +AGE +GITHUB$" out &&
	test_grep "^$1 .* busy$" out &&
	test_grep "^$2 .* online$" out &&
	test_grep "^  web-old11-zzzzz  offline$" out
'
test_expect_success '--github takes the credentials from the installed auth Secret (token)' '
	kc create secret generic controller-manager -n e2e-arc-auth \
		--from-file=github_token=$GH_TOKEN_FILE >/dev/null &&
	gh_api /_fake/reset "{}" >/dev/null &&
	arc runners get web -n $NS --github $GH --arc-namespace e2e-arc-auth >out &&
	test_grep "GITHUB$" out &&
	gh_api /_fake/log | python3 -c "import json,sys; print(json.dumps([e for e in json.load(sys.stdin) if e[\"ua\"].startswith(\"kubectl-arc\")]))" >log.json &&
	test_equal "token" "$(json_get "\" \".join(sorted(set(e[\"auth\"] for e in d)))" <log.json)"
'
test_expect_success '--github with GitHub App credentials: RS256 JWT, then an installation token' '
	kc create secret generic app -n e2e-arc-auth --from-literal=github_app_id=4242 \
		--from-literal=github_app_installation_id=777 --from-file=github_app_private_key=$APP_DIR/app.pem >/dev/null &&
	gh_api /_fake/reset "{}" >/dev/null &&
	arc runners get web -n $NS --github $GH --arc-namespace e2e-arc-auth --auth-secret app >out &&
	test_grep "GITHUB$" out &&
	gh_api /_fake/log | python3 -c "import json,sys; print(json.dumps([e for e in json.load(sys.stdin) if e[\"ua\"].startswith(\"kubectl-arc\")]))" >log.json &&
	test_equal "POST /app/installations/777/access_tokens app-jwt" "$(json_get "\" \".join((d[0][\"method\"], d[0][\"path\"], d[0][\"auth\"]))" <log.json)" &&
	test_equal "installation" "$(json_get "d[1][\"auth\"]" <log.json)"
'
test_expect_success '--github with App flags (the same flags as install)' '
	arc runners get web -n $NS --github $GH --github-app-id 4242 --github-app-installation-id 777 \
		--github-app-private-key-file $APP_DIR/app.pem >out &&
	test_grep "GITHUB$" out
'
test_expect_success '--github follows Link pagination (250 runners: 3 pages of 100)' '
	python3 -c "import json; print(json.dumps({\"scope\":\"repos/octo/web\",\"runners\":[{\"name\":\"web-page-%03d\" % i} for i in range(250)]}))" >many.json &&
	gh_api /_fake/reset "{}" >/dev/null &&
	gh_api /_fake/runners "$(cat many.json)" >/dev/null &&
	arc runners get web -n $NS --github $GH --github-token-file $GH_TOKEN_FILE >out &&
	test_grep "^  web-page-249  online$" out &&
	test_equal 250 "$(grep -c "^  web-page-" out)" &&
	gh_api /_fake/log | python3 -c "import json,sys; print(json.dumps([e for e in json.load(sys.stdin) if e[\"ua\"].startswith(\"kubectl-arc\")]))" >log.json &&
	test_equal "1 2 3" "$(json_get "\" \".join(e[\"path\"].split(\"page=\")[-1] if \"&page=\" in e[\"path\"] else \"1\" for e in d if \"/actions/runners\" in e[\"path\"])" <log.json)"
'
test_expect_success '--github --debug logs each GitHub request (method, URL, status, time), never the token' '
	gh_api /_fake/reset "{}" >/dev/null &&
	arc runners get web -n $NS --github $GH --github-token-file $GH_TOKEN_FILE --debug >out 2>err &&
	test_grep "^I[0-9]{4} [0-9:.]+ GitHub GET $GH_URL/api/v3/repos/octo/web/actions/runners[^ ]* 200 in [0-9]+ ms" err &&
	! grep -F "$(cat $GH_TOKEN_FILE)" err out
'
test_expect_success '--github errors: 401 bad token, 403 forbidden, 404 unknown repository, rate limit' '
	echo ghp_wrong >bad && echo forbidden-token >forbidden &&
	test_must_fail arc runners get web -n $NS --github $GH --github-token-file bad 2>err &&
	test_one_line_error err && test_grep "401 Bad credentials" err &&
	test_must_fail arc runners get web -n $NS --github $GH --github-token-file forbidden 2>err &&
	test_one_line_error err && test_grep "403 Resource not accessible by integration" err &&
	arc runners create lost --repo nosuch/web --replicas 0 -n $NS >/dev/null &&
	test_must_fail arc runners get lost -n $NS --github $GH --github-token-file $GH_TOKEN_FILE 2>err &&
	test_one_line_error err && test_grep "404 Not Found" err &&
	gh_api /_fake/rate "{\"remaining\":0}" >/dev/null &&
	test_must_fail arc runners get web -n $NS --github $GH --github-token-file $GH_TOKEN_FILE 2>err &&
	gh_api /_fake/rate "{\"remaining\":5000}" >/dev/null &&
	test_one_line_error err && test_grep "rate limit exceeded" err
'
test_expect_success '--github without credentials says where they are looked for' '
	test_must_fail arc runners get web -n $NS --github $GH --arc-namespace e2e-nowhere 2>err &&
	test_one_line_error err &&
	test_grep "auth Secret e2e-nowhere/controller-manager does not exist" err
'
rm -rf "$APP_DIR"
test_done
