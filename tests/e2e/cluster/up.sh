#!/bin/sh
# Start a real Kubernetes control plane for the end-to-end tests, on 127.0.0.1
# only, with free ports:
#   etcd, kube-apiserver (client certificates + RBAC), kube-controller-manager,
#   kube-scheduler and kwok, which fakes two Nodes and the pods bound to them.
#
# Usage: up.sh [STATE_DIR]          (default: a new mktemp directory)
# Prints STATE_DIR on stdout; progress goes to stderr.  Afterwards:
#   $STATE/admin.kubeconfig   cluster-admin (CN=admin, O=system:masters)
#   $STATE/env                `. $STATE/env` exports KUBECONFIG, ARC_CLUSTER_*
#   $STATE/pki/               ca, apiserver, admin, service-account keys
#   $STATE/logs/<name>.log    one log per process
# Stop with down.sh STATE_DIR.  Every wait is bounded by ARC_CLUSTER_TIMEOUT
# seconds (default 90); on failure the processes are stopped, the log tail
# printed and STATE_DIR kept for inspection.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
TIMEOUT=${ARC_CLUSTER_TIMEOUT:-90}
SERVICE_CIDR=10.96.0.0/16
SERVICE_IP=10.96.0.1
POD_CIDR=10.244.0.0/16
NODE_IP=10.240.0.1

say() { printf 'up.sh: %s\n' "$*" >&2; }
now() { date +%s; }
start=$(now)

STATE=${1:-}
if [ -z "$STATE" ]; then
	STATE=$(mktemp -d "${TMPDIR:-/tmp}/arc-cluster.XXXXXX")
else
	mkdir -p "$STATE"
	STATE=$(cd "$STATE" && pwd)
	if [ -s "$STATE/pids" ]; then
		say "error: $STATE already holds a cluster (run down.sh $STATE first)"
		exit 1
	fi
fi
PKI=$STATE/pki
LOGS=$STATE/logs
mkdir -p "$PKI" "$LOGS"
: >"$STATE/.arc-cluster"
: >"$STATE/pids"

ok=0
cleanup() {
	[ "$ok" = 1 ] && return 0
	sh "$HERE/down.sh" --keep "$STATE" >&2 || true
	say "failed after $(($(now) - start))s; logs kept in $LOGS (remove with: sh $HERE/down.sh $STATE)"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

fail() { # message [log-name]
	say "error: $1"
	if [ -n "${2:-}" ] && [ -f "$LOGS/$2.log" ]; then
		say "last lines of $LOGS/$2.log:"
		tail -n 25 "$LOGS/$2.log" | sed 's/^/    /' >&2
	fi
	exit 1
}

# --- binaries (cached; builds once, see build.sh)
BIN=${ARC_CLUSTER_BIN:-$(sh "$HERE/build.sh")} || fail "build.sh failed"
for t in etcd kube-apiserver kube-controller-manager kube-scheduler kwok; do
	[ -x "$BIN/$t" ] || fail "$BIN/$t missing (run build.sh)"
done
STAGES=$BIN/../stages/default.yaml
[ -f "$STAGES" ] || fail "$STAGES missing (run build.sh)"
for t in openssl curl python3; do
	command -v $t >/dev/null 2>&1 || fail "$t not found on PATH"
done

# --- free ports on 127.0.0.1 (all bound at once, so they are distinct)
ports=$(python3 -c '
import socket
ss = [socket.socket() for _ in range(6)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))') || fail "cannot pick free ports"
set -- $ports
[ $# -eq 6 ] || fail "cannot pick free ports (got: $ports)"
ETCD_PORT=$1 ETCD_PEER_PORT=$2 API_PORT=$3 KCM_PORT=$4 SCHED_PORT=$5 KWOK_PORT=$6
SERVER=https://127.0.0.1:$API_PORT

# --- certificates
ossl() { openssl "$@" >>"$LOGS/openssl.log" 2>&1 || fail "openssl $1 failed" openssl; }
newkey() { ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$PKI/$1.key"; }
sign() { # name subject extensions
	newkey "$1"
	ossl req -new -key "$PKI/$1.key" -subj "$2" -out "$PKI/$1.csr"
	printf '%s\n' "$3" >"$PKI/$1.ext"
	ossl x509 -req -in "$PKI/$1.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
		-days 3650 -sha256 -extfile "$PKI/$1.ext" -out "$PKI/$1.crt"
	rm -f "$PKI/$1.csr" "$PKI/$1.ext"
}
client() { # name CN [O]
	sign "$1" "/CN=$2${3:+/O=$3}" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
}
newkey ca
ossl req -x509 -new -key "$PKI/ca.key" -subj "/CN=arc-e2e-ca" -days 3650 -sha256 \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
	-out "$PKI/ca.crt"
sign apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost,IP:$SERVICE_IP,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
client admin admin system:masters
client controller-manager system:kube-controller-manager
client scheduler system:kube-scheduler
newkey sa
ossl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub"
rm -f "$PKI/ca.srl"
chmod 600 "$PKI"/*.key

b64() { base64 <"$1" | tr -d '\n'; }
kubeconfig() { # file cert-name user
	cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: arc-e2e
  cluster:
    server: $SERVER
    certificate-authority-data: $(b64 "$PKI/ca.crt")
users:
- name: $3
  user:
    client-certificate-data: $(b64 "$PKI/$2.crt")
    client-key-data: $(b64 "$PKI/$2.key")
contexts:
- name: arc-e2e
  context:
    cluster: arc-e2e
    user: $3
current-context: arc-e2e
EOF
	chmod 600 "$1"
}
kubeconfig "$STATE/admin.kubeconfig" admin admin
kubeconfig "$STATE/controller-manager.kubeconfig" controller-manager system:kube-controller-manager
kubeconfig "$STATE/scheduler.kubeconfig" scheduler system:kube-scheduler

# --- processes
launch() { # name args...: start in the background, record "name pid exe"
	name=$1; shift
	"$@" </dev/null >"$LOGS/$name.log" 2>&1 &
	echo "$name $! $1" >>"$STATE/pids"
	eval "PID_$(echo "$name" | tr a-z- A-Z_)=$!"
}
alive() { # name
	pid=$(awk -v n="$1" '$1 == n { print $2 }' "$STATE/pids")
	[ -n "$pid" ] || return 1
	case $(ps -o stat= -p "$pid" 2>/dev/null) in "" | Z*) return 1 ;; esac # gone or a zombie
}
wait_for() { # what log-name command...: retry until the command succeeds
	what=$1 log=$2; shift 2
	deadline=$(($(now) + TIMEOUT))
	until "$@" >/dev/null 2>&1; do
		alive "$log" || fail "$log exited while waiting for $what" "$log"
		[ "$(now)" -lt "$deadline" ] || fail "timed out after ${TIMEOUT}s waiting for $what" "$log"
		sleep 0.5
	done
	say "$what ($(($(now) - start))s)"
}
api() { # curl args... as admin, against the API server
	curl -sSf --max-time 5 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$@"
}
api_is() { # path expected-body
	[ "$(api "$SERVER$1")" = "$2" ]
}
healthz() { # port
	[ "$(curl -sSfk --max-time 5 "https://127.0.0.1:$1/healthz")" = ok ]
}

launch etcd "$BIN/etcd" --name=arc-e2e --data-dir="$STATE/etcd" --unsafe-no-fsync \
	--listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
	--listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
	--initial-cluster="arc-e2e=http://127.0.0.1:$ETCD_PEER_PORT" --initial-cluster-state=new
etcd_ok() { curl -sSf --max-time 5 "http://127.0.0.1:$ETCD_PORT/health" | grep -q '"health":"true"'; }
wait_for "etcd healthy on :$ETCD_PORT" etcd etcd_ok

launch kube-apiserver "$BIN/kube-apiserver" \
	--etcd-servers="http://127.0.0.1:$ETCD_PORT" \
	--bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" \
	--cert-dir="$PKI" --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
	--client-ca-file="$PKI/ca.crt" --authorization-mode=RBAC \
	--service-cluster-ip-range="$SERVICE_CIDR" --allow-privileged=true \
	--service-account-issuer="$SERVER/" --service-account-key-file="$PKI/sa.pub" \
	--service-account-signing-key-file="$PKI/sa.key" \
	--endpoint-reconciler-type=none --profiling=false
wait_for "kube-apiserver /readyz ok on :$API_PORT" kube-apiserver api_is /readyz ok

launch kube-controller-manager "$BIN/kube-controller-manager" \
	--kubeconfig="$STATE/controller-manager.kubeconfig" \
	--authentication-kubeconfig="$STATE/controller-manager.kubeconfig" \
	--authorization-kubeconfig="$STATE/controller-manager.kubeconfig" \
	--use-service-account-credentials=true \
	--root-ca-file="$PKI/ca.crt" --service-account-private-key-file="$PKI/sa.key" \
	--cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
	--cluster-name=arc-e2e --service-cluster-ip-range="$SERVICE_CIDR" \
	--leader-elect=false --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --profiling=false
launch kube-scheduler "$BIN/kube-scheduler" \
	--kubeconfig="$STATE/scheduler.kubeconfig" \
	--authentication-kubeconfig="$STATE/scheduler.kubeconfig" \
	--authorization-kubeconfig="$STATE/scheduler.kubeconfig" \
	--leader-elect=false --bind-address=127.0.0.1 --secure-port="$SCHED_PORT" --profiling=false
launch kwok "$BIN/kwok" --kubeconfig="$STATE/admin.kubeconfig" -c "$STAGES" \
	--manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
	--cidr="$POD_CIDR" --node-ip="$NODE_IP" --node-lease-duration-seconds=40 \
	--server-address="127.0.0.1:$KWOK_PORT"

node_json() { # name extra-labels extra-capacity
	cap="\"cpu\":\"16\",\"memory\":\"64Gi\",\"pods\":\"110\"$3"
	cat <<EOF
{"apiVersion":"v1","kind":"Node","metadata":{"name":"$1",
 "annotations":{"kwok.x-k8s.io/node":"fake","node.alpha.kubernetes.io/ttl":"0"},
 "labels":{"kubernetes.io/hostname":"$1","kubernetes.io/os":"linux","kubernetes.io/arch":"amd64","type":"kwok"$2}},
 "status":{"capacity":{$cap},"allocatable":{$cap},
  "nodeInfo":{"architecture":"amd64","operatingSystem":"linux","kubeletVersion":"fake","kubeProxyVersion":"fake"}}}
EOF
}
create_node() { # name extra-labels extra-capacity
	node_json "$@" | api -o /dev/null -X POST -H 'Content-Type: application/json' \
		--data-binary @- "$SERVER/api/v1/nodes" || fail "cannot create node $1" kube-apiserver
}
create_node kwok-node-0 "" ""
create_node kwok-gpu-0 ',"nvidia.com/gpu.present":"true"' ',"nvidia.com/gpu":"4"'

wait_for "kube-controller-manager healthy on :$KCM_PORT" kube-controller-manager healthz "$KCM_PORT"
wait_for "kube-scheduler healthy on :$SCHED_PORT" kube-scheduler healthz "$SCHED_PORT"
sa_exists() { api -o /dev/null "$SERVER/api/v1/namespaces/default/serviceaccounts/default"; }
wait_for "default ServiceAccount exists" kube-controller-manager sa_exists
node_ready() { # name: Ready=True and no not-ready taint left
	api "$SERVER/api/v1/nodes/$1" | python3 -c '
import json, sys
n = json.load(sys.stdin)
ready = any(c.get("type") == "Ready" and c.get("status") == "True"
            for c in n.get("status", {}).get("conditions") or [])
tainted = any(t.get("key", "").startswith("node.kubernetes.io/")
              for t in n.get("spec", {}).get("taints") or [])
sys.exit(0 if ready and not tainted else 1)'
}
wait_for "node kwok-node-0 Ready" kwok node_ready kwok-node-0
wait_for "node kwok-gpu-0 Ready" kwok node_ready kwok-gpu-0

q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
cat >"$STATE/env.new" <<EOF
# kubectl-arc e2e cluster ($(cat "$BIN/../stamp")), started $(date -u +%Y-%m-%dT%H:%M:%SZ)
export KUBECONFIG=$(q "$STATE/admin.kubeconfig")
export ARC_CLUSTER_STATE=$(q "$STATE")
export ARC_CLUSTER_SERVER=$(q "$SERVER")
export ARC_CLUSTER_CA=$(q "$PKI/ca.crt")
export ARC_CLUSTER_ADMIN_CERT=$(q "$PKI/admin.crt")
export ARC_CLUSTER_ADMIN_KEY=$(q "$PKI/admin.key")
export ARC_CLUSTER_VERSION=$(q "$("$BIN/kube-apiserver" --version | sed 's/^Kubernetes //')")
export ARC_CLUSTER_BIN=$(q "$BIN")
export ARC_CLUSTER_ETCD=$(q "http://127.0.0.1:$ETCD_PORT")
export ARC_CLUSTER_ETCD_PID=$PID_ETCD
export ARC_CLUSTER_APISERVER_PID=$PID_KUBE_APISERVER
export ARC_CLUSTER_CONTROLLER_MANAGER_PID=$PID_KUBE_CONTROLLER_MANAGER
export ARC_CLUSTER_SCHEDULER_PID=$PID_KUBE_SCHEDULER
export ARC_CLUSTER_KWOK_PID=$PID_KWOK
export ARC_CLUSTER_PIDS=$(q "$PID_ETCD $PID_KUBE_APISERVER $PID_KUBE_CONTROLLER_MANAGER $PID_KUBE_SCHEDULER $PID_KWOK")
EOF
mv "$STATE/env.new" "$STATE/env"
ok=1
say "cluster up at $SERVER in $(($(now) - start))s; . $STATE/env; down: sh $HERE/down.sh $STATE"
echo "$STATE"
