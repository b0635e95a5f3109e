#!/bin/sh
# Hostile input: chart archives that try to escape or explode, YAML bombs,
# templates that recurse or blow up, broken kubeconfigs and exec plugins.
# Each case runs kubectl-arc under `timeout` (and, for a non-ASan binary, a
# 2 GiB address-space limit) and asserts: a non-zero exit that is not a
# signal or a timeout, an error on stderr that starts with "Error: ", names
# the file/object at fault and is one line (our own errors; template errors
# keep helm's exact multi-line text), nothing on stdout, no sanitizer report,
# and nothing written outside the output directory.  Prints TAP lines.
# Cases that show a known problem in another part are "not ok ... # TODO".
#
# Usage: BIN=./kubectl-arc sh tests/hostile/run.sh     (needs python3; openssl for the TLS cases)
BIN=${BIN:-./kubectl-arc}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/arc-hostile.XXXXXX)
LISTENER= API=
cleanup() {
	[ -n "$LISTENER" ] && kill "$LISTENER" 2>/dev/null
	[ -n "$API" ] && kill "$API" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
n=0

if ! command -v python3 >/dev/null 2>&1; then
	echo "ok 1 - hostile inputs # SKIP python3 is missing"
	echo "1..1"
	exit 0
fi
if [ ! -x "$BIN" ]; then
	echo "not ok 1 - $BIN is missing"
	echo "1..1"
	exit 1
fi
# An ASan binary reserves terabytes of shadow memory: no address-space limit then.
LIMIT_KB=2097152
grep -q __asan_init "$BIN" 2>/dev/null && LIMIT_KB=

python3 "$HERE/mkinputs.py" "$T" || { echo "not ok 1 - mkinputs.py failed"; exit 1; }
cd "$T" || exit 1

# the chart every template case renders: templates/t.yaml is replaced per case
mkdir -p c/templates out
printf 'apiVersion: v2\nname: c\nversion: 1.0.0\n' >c/Chart.yaml
printf 'x: d\n' >c/values.yaml
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  x: {{ .Values.x | toString | trunc 10 | quote }}\n' \
	>c/templates/t.yaml

# result NAME MESSAGE-OR-EMPTY [TODO-REASON]
result() {
	n=$((n + 1))
	if [ -z "$2" ]; then
		echo "ok $n - $1"
	elif [ -n "$3" ]; then
		echo "not ok $n - $1 # TODO $3"
		echo "#   $2"
	else
		echo "not ok $n - $1"
		echo "#   $2"
		sed -n '1,3s/^/#   stderr: /p' err | cut -c1-300
	fi
}

# run SECONDS CMD...: runs with the limits; sets rc and dt (seconds, integer)
run() {
	secs=$1
	shift
	t0=$(date +%s)
	(
		if [ -n "$LIMIT_KB" ]; then
			ulimit -v "$LIMIT_KB"
		else # ASan: allocations over 1 GiB fail (xmalloc then exits) instead of eating the machine
			ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}allocator_may_return_null=1:max_allocation_size_mb=1024
			export ASAN_OPTIONS
		fi
		exec timeout -s KILL "$secs" "$@"
	) >outp 2>err </dev/null
	rc=$?
	dt=$(($(date +%s) - t0))
}

# fail NAME SUBSTRING MAXLINES SECONDS [TODO-REASON] -- CMD...
# the command must fail cleanly with an error containing SUBSTRING
fail() {
	name=$1 want=$2 maxl=$3 secs=$4 todo=
	shift 4
	[ "$1" != "--" ] && { todo=$1; shift; }
	shift
	run "$secs" "$@"
	msg=
	lines=$(wc -l <err)
	if [ "$rc" -eq 137 ] || [ "$rc" -eq 124 ]; then
		msg="timed out after ${secs}s"
	elif [ "$rc" -gt 125 ]; then
		msg="killed by a signal (exit status $rc)"
	elif [ "$rc" -eq 0 ]; then
		msg="exit status 0, an error was expected"
	elif grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:|Segmentation|Aborted' err; then
		msg="sanitizer or crash report on stderr"
	elif ! head -1 err | grep -q '^Error: '; then
		msg="the error does not start with 'Error: ': $(head -1 err | cut -c1-200)"
	elif ! grep -qF -- "$want" err; then
		msg="the error does not say '$want'"
	elif [ "$lines" -gt "$maxl" ]; then
		msg="the error has $lines lines (at most $maxl expected)"
	elif [ -s outp ] && ! grep -qv '^wrote ' outp; then
		: # --output-dir progress lines are fine
	elif [ -s outp ]; then
		msg="something was printed on stdout"
	fi
	result "$name (${dt}s)" "$msg" "$todo"
}

# pass NAME SECONDS -- CMD...: input helm accepts: must succeed, in bounded time
pass() {
	name=$1 secs=$2
	shift 3
	run "$secs" "$@"
	msg=
	if [ "$rc" -ne 0 ]; then
		msg="exit status $rc: $(head -1 err | cut -c1-200)"
	elif [ -s err ]; then
		msg="unexpected stderr: $(head -1 err | cut -c1-200)"
	fi
	result "$name (${dt}s)" "$msg"
}

# escaped: nothing may appear outside the chart / output directory
escaped() {
	found=$(ls -d /tmp/escape-* "$T"/escape-* "$T"/../escape-* "$T"/out/../escape-* 2>/dev/null | head -3)
	if [ -n "$found" ]; then
		result "$1: nothing written outside the output directory" "written: $found"
	else
		result "$1: nothing written outside the output directory" ""
	fi
}

tmpl() { printf '%s' "$1" >c/templates/t.yaml; }

# wait_port PORT: until something listens on 127.0.0.1:PORT (a server started
# in the background; a fixed sleep loses the race on a loaded machine)
wait_port() {
	python3 -c '
import socket, sys, time
end = time.time() + 20
while time.time() < end:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
' "$1"
}

# ---- chart archives (template CHART.tgz --output-dir out) ----
A="$BIN template r"
fail "archive with ../ climbing out" "illegally references parent directory" 1 20 -- $A dotdot.tgz --output-dir out
fail "archive with a deep ../ path" "illegally references parent directory" 1 20 -- $A dotdot-deep.tgz --output-dir out
fail "archive with an absolute path" "absolute paths (/tmp/escape-absolute.yaml)" 1 20 -- \
	$A absolute.tgz --output-dir out
fail "archive with a member outside the chart directory" 'outside the base directory: "escape-top.yaml"' 1 20 -- \
	$A outside-base.tgz --output-dir out
fail "archive with Chart.yaml at the top" "chart yaml not in base directory" 1 20 -- $A chart-yaml-top.tgz
fail "archive with a symlink to /etc/passwd" "c/templates/passwd.yaml → /etc/passwd" 1 20 -- \
	$A symlink.tgz --output-dir out
fail "archive with a symlinked directory climbing out" "links are not allowed" 1 20 -- \
	$A symlink-dir.tgz --output-dir out
fail "archive with a hard link to /etc/shadow" "c/templates/shadow.yaml → /etc/shadow" 1 20 -- \
	$A hardlink.tgz --output-dir out
fail "archive with a relative hard link climbing out" "links are not allowed" 1 20 -- $A hardlink-rel.tgz
fail "archive with a character device" "c/templates/zero.yaml, which is not a regular file" 1 20 -- \
	$A chardev.tgz --output-dir out
fail "archive with a block device" "c/templates/sda.yaml, which is not a regular file" 1 20 -- $A blockdev.tgz
fail "archive with a FIFO" "c/templates/pipe.yaml, which is not a regular file" 1 20 -- $A fifo.tgz
fail "decompression bomb: gzip of 110 MiB of zeros" "bomb-zeros.tgz: no files in chart archive" 1 20 -- \
	$A bomb-zeros.tgz
fail "decompression bomb: 21 files of 5 MiB" "decompressed chart is larger than the maximum size" 1 20 -- \
	$A bomb-files.tgz
fail "decompression bomb: one file of 120 MiB" "file c/files/zero000 is larger than the maximum file size" 1 20 -- \
	$A bomb-onefile.tgz
fail "not a gzip archive" "file 'notgzip.tgz' does not appear to be a gzipped archive" 1 20 -- $A notgzip.tgz
fail "truncated gzip archive" "truncated.tgz: truncated gzip input" 1 20 -- $A truncated.tgz
pass "archive with a 5000-character file name renders (helm does too)" 20 -- $A longname.tgz
fail "5000-character file name with --output-dir" "File name too long" 1 20 -- $A longname.tgz --output-dir out
pass "archive with an 8000-character path renders (helm does too)" 20 -- $A longpath.tgz
fail "300-character chart name with --output-dir" "File name too long" 1 20 -- \
	$A longchartname.tgz --output-dir out
escaped "archives"

# ---- YAML (values files given with -f, and a chart's own files) ----
V="$BIN template r c -f"
fail "values: alias bomb (billion laughs)" "alias-bomb.yaml: cannot unmarshal yaml document: error converting YAML to JSON: yaml: document contains excessive aliasing" 1 20 -- \
	$V alias-bomb.yaml
fail "values: 100000 nested flow sequences" "deep-flow.yaml: cannot unmarshal yaml document: error converting YAML to JSON: yaml: exceeded max depth of 10000" 1 20 -- \
	$V deep-flow.yaml
pass "values: 3000 nested block mappings load (helm loads them)" 20 -- $V deep-map.yaml
fail "values: 70 MiB scalar" "read huge-scalar.yaml: file is larger than 67108864 bytes" 1 20 -- $V huge-scalar.yaml
pass "values: 8 MiB scalar loads (helm loads it)" 20 -- $V big-scalar.yaml
fail "values: 30 million values in 60 MB" "many-values.yaml: cannot unmarshal yaml document: error converting YAML to JSON: yaml: document holds more than 4000000 values" 1 20 -- \
	$V many-values.yaml
fail "values: invalid UTF-8" "invalid-utf8.yaml: cannot unmarshal yaml document: error converting YAML to JSON: yaml: invalid trailing UTF-8 octet" 1 20 -- \
	$V invalid-utf8.yaml
pass "values: duplicate keys (helm keeps the last)" 20 -- $V duplicate-keys.yaml
fail "values: a tab as indentation" "tabs.yaml: cannot unmarshal yaml document: error converting YAML to JSON: yaml: line 2: found character that cannot start any token" 1 20 -- \
	$V tabs.yaml
fail "values: a list instead of a map" "not-a-map.yaml: cannot unmarshal yaml document" 1 20 -- $V not-a-map.yaml
cp -r c cy
cp alias-bomb.yaml cy/values.yaml
fail "chart values.yaml: alias bomb" "document contains excessive aliasing" 1 20 -- $BIN template r cy
cp deep-flow.yaml cy/values.yaml
fail "chart values.yaml: deep nesting" "exceeded max depth of 10000" 1 20 -- $BIN template r cy
printf 'x: d\n' >cy/values.yaml
{ cat c/Chart.yaml; sed 's/^/l/' alias-bomb.yaml; } >cy/Chart.yaml
fail "Chart.yaml: alias bomb" "document contains excessive aliasing" 1 20 -- $BIN template r cy
printf 'apiVersion: v2\nname: "caf\303\050"\nversion: 1.0.0\n' >cy/Chart.yaml
fail "Chart.yaml: invalid UTF-8" "invalid trailing UTF-8 octet" 1 20 -- $BIN template r cy

# ---- templates: recursion and huge output (helm's exact texts, so up to 3 lines) ----
R="$BIN template r c"
tmpl '{{ include "x" . }}{{ define "x" }}{{ include "x" . }}{{ end }}'
fail "template: include loop" "rendering template has a nested reference name: x" 3 30 -- $R
tmpl '{{ define "a" }}{{ include "b" . }}{{ end }}{{ define "b" }}{{ include "a" . }}{{ end }}{{ include "a" . }}'
fail "template: mutual include loop" "c/templates/t.yaml" 3 30 -- $R
tmpl '{{ define "x" }}{{ tpl "{{ include \"x\" . }}" . }}{{ end }}{{ include "x" . }}'
fail "template: tpl recursion" "error calling tpl" 3 30 -- $R
tmpl '{{ template "x" . }}{{ define "x" }}{{ template "x" . }}{{ end }}'
fail "template: template recursion" "exceeded maximum template depth (100000)" 5 30 -- $R
tmpl '{{ repeat 2000000000 "x" }}'
fail "template: 2 GB repeat" 't.yaml:1:3: executing "c/templates/t.yaml" at <repeat 2000000000 "x">: error calling repeat: result too large: more than 67108864 bytes in one value' 3 30 -- $R
tmpl '{{ range until 100000000 }}xxxxxxxxxx{{ end }}'
fail "template: range over until 100000000" "range of more than 10000000 integers" 3 30 -- $R
tmpl '{{ $s := "xxxxxxxxxxxxxxxx" }}{{ range until 40 }}{{ $s = print $s $s }}{{ end }}{{ len $s }}'
# helm runs out of memory or hangs on the next ones; we refuse with the size budgets (func.h)
fail "template: string doubled 40 times" 't.yaml:1:58: executing "c/templates/t.yaml" at <print $s $s>: error calling print: result too large: more than 67108864 bytes in one value' 3 30 -- $R
tmpl '{{ $x := list 1 }}{{ range until 40 }}{{ $x = concat $x $x }}{{ end }}{{ len $x }}'
fail "template: list doubled 40 times" 't.yaml:1:46: executing "c/templates/t.yaml" at <concat $x $x>: error calling concat: result too large: more than 10000000 elements in one list or map' 3 30 -- $R
tmpl '{{ $x := dict }}{{ range until 60 }}{{ $x = dict "a" $x "b" $x }}{{ end }}{{ toYaml $x | len }}'
fail "template: toYaml of a 2^60-node shared dict" 't.yaml:1:77: executing "c/templates/t.yaml" at <toYaml $x>: error calling toYaml: result too large: more than 67108864 bytes in one value' 3 30 -- $R
D='{{ $x := dict }}{{ range until 60 }}{{ $x = dict "a" $x "b" $x }}{{ end }}'
tmpl "$D"'{{ toJson $x | len }}'
fail "template: toJson of a 2^60-node shared dict" 'at <toJson $x>: error calling toJson: result too large: more than 67108864 bytes in one value' 3 30 -- $R
tmpl "$D"'{{ toToml $x | len }}'
fail "template: toToml of a 2^60-node shared dict" 'at <toToml $x>: error calling toToml: result too large: more than 67108864 bytes in one value' 3 30 -- $R
tmpl "$D"'{{ $x }}'
# (helm 4 spreads these errors over lines: "NAME:L:C\n  executing … at <…>:\n    message")
fail "template: printing a 2^60-node shared dict" 'output exceeds the maximum size (268435456 bytes)' 5 30 -- $R
tmpl "$D"'{{ deepCopy $x | len }}'
fail "template: deepCopy of a 2^60-node shared dict" 'at <deepCopy $x>: error calling deepCopy: result too large: more than 4000000 values in one copy' 3 30 -- $R
tmpl "$D"'{{ $y := dict }}{{ range until 60 }}{{ $y = dict "a" $y "b" $y }}{{ end }}{{ if not (deepEqual $x $y) }}{{ fail "unequal" }}{{ end }}{{ $_ := merge $x $y }}'
pass "template: deepEqual and merge of two 2^60-node shared dicts finish (helm: deepEqual does, merge hangs)" 30 -- $R
tmpl '{{ define "d" }}{{ . }}{{ . }}{{ end }}{{ $s := "xxxxxxxxxxxxxxxx" }}{{ range until 40 }}{{ $s = include "d" $s }}{{ end }}{{ len $s }}'
fail "template: include output doubled 40 times" '    output exceeds the maximum size (67108864 bytes)' 8 30 -- $R
tmpl '{{ $s := repeat 30000000 "1," }}{{ mustFromJson (print "[" $s "1]") | len }}'
fail "template: fromJson of 30 million values" 'error calling mustFromJson: json: document holds more than 10000000 values' 3 30 -- $R
tmpl '{{ $r := fromYamlArray (print "[" (repeat 30000000 "1,") "1]") }}{{ if ne (index $r 0) "error converting YAML to JSON: yaml: document holds more than 4000000 values" }}{{ fail (index $r 0) }}{{ end }}'
pass "template: fromYamlArray of 30 million values gives its error as fromYamlArray does" 30 -- $R
tmpl '{{ $s := repeat 67108864 "x" }}{{ splitList "" $s | len }}'
fail "template: splitList of a 64 MiB string into runes" 'error calling splitList: result too large: more than 10000000 elements in one list or map' 3 30 -- $R
B150='{{ $s := repeat 50000000 "x" }}{{ $s }}{{ $s }}{{ $s }}'
tmpl "$B150"
printf '%s' "$B150" >c/templates/u.yaml
fail "template: two templates of 150 MB each" 'output of all templates exceeds the maximum size (268435456 bytes)' 5 60 -- $R
rm -f c/templates/u.yaml
tmpl '{{ .Values.x | trunc 3 }}'

# ---- kubeconfigs (kube get: loading fails before any connection) ----
K="$BIN kube get v1 ConfigMap x --request-timeout 5s --kubeconfig"
kc() { # FILE CLUSTER-FIELDS USER-FIELDS [PORT]
	cat >"$1" <<EOF
apiVersion: v1
kind: Config
current-context: x
clusters: [{name: c, cluster: {server: "https://127.0.0.1:${4:-1}", $2}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
users: [{name: u, user: {$3}}]
EOF
}
fail "kubeconfig: the file is missing" "stat nonexistent.yaml: no such file or directory" 1 20 -- \
	$K nonexistent.yaml
kc k-ca.yaml "certificate-authority: nothere/ca.crt" "token: abc"
fail "kubeconfig: certificate-authority file missing" "unable to read certificate-authority nothere/ca.crt (from k-ca.yaml)" 1 20 -- \
	$K k-ca.yaml
printf 'not a key\n' >cert.pem
kc k-key.yaml "insecure-skip-tls-verify: true" "client-certificate: cert.pem, client-key: gone.key"
fail "kubeconfig: client-key file missing" "unable to read client-key gone.key (from k-key.yaml)" 1 20 -- \
	$K k-key.yaml
kc k-b64.yaml "certificate-authority-data: '!!!notbase64'" "token: abc"
fail "kubeconfig: bad base64 in certificate-authority-data" "k-b64.yaml: certificate-authority-data in the kubeconfig is not valid base64" 1 20 -- \
	$K k-b64.yaml
kc k-b64key.yaml "insecure-skip-tls-verify: true" "client-certificate-data: LS0tLS1CRUdJTg==, client-key-data: '%%%'"
fail "kubeconfig: bad base64 in client-key-data" "k-b64key.yaml: client-key-data in the kubeconfig is not valid base64" 1 20 -- \
	$K k-b64key.yaml
printf 'apiVersion: v1\nclusters: [\n' >k-yaml.yaml
fail "kubeconfig: not YAML" 'error loading config file "k-yaml.yaml"' 1 20 -- $K k-yaml.yaml
cp alias-bomb.yaml k-bomb.yaml
fail "kubeconfig: alias bomb" "document contains excessive aliasing" 1 20 -- $K k-bomb.yaml
kc k-noserver.yaml "insecure-skip-tls-verify: true" "token: abc"
sed -i 's|server: "https://127.0.0.1:1", ||' k-noserver.yaml
fail "kubeconfig: cluster without a server" 'cluster "c" has no server address' 1 20 -- $K k-noserver.yaml

# TLS material checked against a local listener (a TCP socket that accepts and says nothing)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16); conns = []
end = time.time() + 300
while time.time() < end:
    c, _ = s.accept(); conns.append(c)
' "$PORT" >/dev/null 2>&1 &
LISTENER=$!
wait_port "$PORT"
if command -v openssl >/dev/null 2>&1 &&
	openssl req -x509 -newkey rsa:2048 -nodes -keyout k1.pem -out c1.pem -days 1 -subj /CN=a >/dev/null 2>&1 &&
	openssl req -x509 -newkey rsa:2048 -nodes -keyout k2.pem -out c2.pem -days 1 -subj /CN=b >/dev/null 2>&1; then
	kc k-mismatch.yaml "insecure-skip-tls-verify: true" "client-certificate: c1.pem, client-key: k2.pem" "$PORT"
	fail "kubeconfig: client certificate and key do not match" 'the client certificate or key of user "u" cannot be used' 1 20 -- \
		$K k-mismatch.yaml
	kc k-keygarbage.yaml "insecure-skip-tls-verify: true" "client-certificate: c1.pem, client-key: cert.pem" "$PORT"
	fail "kubeconfig: client key is not PEM" 'the client certificate or key of user "u" cannot be used' 1 20 -- \
		$K k-keygarbage.yaml
else
	n=$((n + 1)); echo "ok $n - kubeconfig: client certificate and key do not match # SKIP no openssl"
	n=$((n + 1)); echo "ok $n - kubeconfig: client key is not PEM # SKIP no openssl"
fi
kc k-cagarbage.yaml "certificate-authority-data: $(printf 'not a pem' | base64)" "token: abc" "$PORT"
fail "kubeconfig: certificate-authority-data is not PEM" "k-cagarbage.yaml" 1 20 -- $K k-cagarbage.yaml
kc k-slow.yaml "insecure-skip-tls-verify: true" "token: abc" "$PORT"
fail "API server that never answers" "127.0.0.1:$PORT" 1 20 -- $K k-slow.yaml

# ---- API answers that are malformed, huge or slow (a fake API server over plain HTTP) ----
cat >api.py <<'EOF'
import http.server, os, socketserver, sys, time
MODE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mode")
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def do_GET(self):
        mode = open(MODE).read().strip()
        if mode == "malformed":
            body = b'{"kind":"APIVersions","versions":["v1"'
            self.send_response(200)
        elif mode == "html":
            body = b"<html><body><h1>502 Bad Gateway</h1>\n<p>nginx</p></body></html>\n"
            self.send_response(502)
        elif mode == "huge":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(300 << 20))
            self.end_headers()
            chunk = b" " * (1 << 20)
            try:
                for _ in range(300):
                    self.wfile.write(chunk)
            except OSError:
                pass
            return
        elif mode == "slow":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(1)
            except OSError:
                pass
            return
        else:
            body = b"{}"
            self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
S(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOF
APIPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo ok >mode
python3 api.py "$APIPORT" >/dev/null 2>&1 &
API=$!
cat >k-api.yaml <<EOF
apiVersion: v1
kind: Config
current-context: x
clusters: [{name: c, cluster: {server: "http://127.0.0.1:$APIPORT"}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
users: [{name: u, user: {}}]
EOF
wait_port "$APIPORT"
echo malformed >mode
fail "API answer that is truncated JSON" "decoding the answer to GET /api" 1 20 -- $K k-api.yaml
echo html >mode
fail "API answer that is an HTML 502 page" "502" 1 20 -- $K k-api.yaml
echo huge >mode
fail "API answer of 300 MiB" "larger than 256 MiB" 1 30 -- $K k-api.yaml
echo slow >mode
fail "API answer that trickles past --request-timeout" "no answer within 5s (--request-timeout)" 1 20 -- \
	$K k-api.yaml
kill "$API" 2>/dev/null

# ---- exec credential plugins (run before the first request) ----
plugin() { # NAME BODY
	printf '#!/bin/sh\n%s\n' "$2" >"$1.sh"
	chmod +x "$1.sh"
	cat >"ex-$1.yaml" <<EOF
apiVersion: v1
kind: Config
current-context: x
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
users:
- name: u
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: ./$1.sh, interactiveMode: Never}
EOF
}
plugin hang 'sleep 1000 & sleep 1000'
fail "exec plugin that hangs" 'exec credential plugin "./hang.sh" (user "u") did not answer within 3 s' 1 20 -- \
	$BIN kube get v1 ConfigMap x --request-timeout 3s --kubeconfig ex-hang.yaml
sleep 0.2
if ps -eo args 2>/dev/null | grep -q '^sleep 1000$'; then
	result "exec plugin that hangs: nothing left running" "its children still run"
else
	result "exec plugin that hangs: nothing left running" ""
fi
plugin garbage 'echo "this is not json"; head -c 3000 /dev/urandom'
fail "exec plugin that prints garbage" 'exec credential plugin "./garbage.sh" printed something that is not an ExecCredential' 1 20 -- \
	$K ex-garbage.yaml
plugin huge 'head -c 3000000 /dev/zero | tr "\\0" x'
fail "exec plugin that prints 3 MB" 'exec credential plugin "./huge.sh" printed something that is not an ExecCredential' 1 20 -- \
	$K ex-huge.yaml
plugin fail 'echo "boom: token expired" >&2; echo "second line" >&2; exit 3'
fail "exec plugin that exits non-zero" 'exec credential plugin "./fail.sh" failed (exit status 3): boom: token expired' 1 20 -- \
	$K ex-fail.yaml
plugin wrongver 'echo "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"status\":{\"token\":\"t\"}}"'
fail "exec plugin with the wrong apiVersion" 'answered with apiVersion "client.authentication.k8s.io/v1", want "client.authentication.k8s.io/v1beta1"' 1 20 -- \
	$K ex-wrongver.yaml
plugin nocred 'echo "{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"status\":{}}"'
fail "exec plugin without credentials" "has neither a token nor a client certificate and key" 1 20 -- $K ex-nocred.yaml
plugin signal 'kill -9 $$'
fail "exec plugin killed by a signal" 'exec credential plugin "./signal.sh" failed' 1 20 -- $K ex-signal.yaml
plugin missing ''
rm -f missing.sh
fail "exec plugin that does not exist" 'exec credential plugin "./missing.sh" (user "u") not found' 1 20 -- \
	$K ex-missing.yaml

echo "1..$n"
