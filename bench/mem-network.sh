#!/bin/sh
# Peak memory (max RSS) of kubectl-arc's network commands, and where it goes.
#
# For each binary given (default ./kubectl-arc), RUNS runs of:
#   template   `template arc -n arc-system` (the bundled chart; must not load libcurl)
#   kube-get   `kube get v1 Namespace default` (one API GET)
#   runners    `runners list -A` over the RunnerDeployments in the cluster (bench/runners-list.sh
#              creates 1,000 when fewer exist)
#   install    `install` of the bundled chart, --wait=false, each into a new namespace
# and prints the largest peak RSS of each (MiB; ru_maxrss from wait4, through bench/spawn.c so
# no parent's memory is carried over exec).  MEM_DETAIL=1 also prints, for `kube get` of the
# first binary, the resident KiB of each mapping at exit (libraries, heap, thread arenas), read
# from /proc/PID/smaps while the process is stopped on its way out (ptrace exit stop).
#
# usage: bench/mem-network.sh [RUNS] [BINARY...]        (default: 3, ./kubectl-arc)
# Uses the cluster of $ARC_CLUSTER_STATE when set, else starts one and stops it at the end.
# The releases installed are uninstalled (their webhooks would refuse later RunnerDeployments).
set -e
cd "$(dirname "$0")/.."
TOP=$(pwd)
RUNS=${1:-3}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- ./kubectl-arc
TOOLS=$(sh tests/tools.sh 2>/dev/null) || { echo "mem-network.sh: no helm/kubectl (tests/tools.sh)" >&2; exit 1; }
HELM4=$(echo "$TOOLS" | sed -n 1p)
KUBECTL=$(echo "$TOOLS" | sed -n 3p)
for b in "$@"; do [ -x "$b" ] || { echo "mem-network.sh: $b: not an executable" >&2; exit 1; }; done
tmp=$(mktemp -d)
own=
cleanup() {
	if [ -f "$tmp/releases" ]; then
		while read -r rel ns; do
			"$HELM4" uninstall "$rel" -n "$ns" >/dev/null 2>&1 || true
			"$KUBECTL" delete namespace "$ns" --wait=false >/dev/null 2>&1 || true
		done <"$tmp/releases"
	fi
	[ -n "$own" ] && sh tests/e2e/cluster/down.sh "$own" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
if [ -n "${ARC_CLUSTER_STATE:-}" ] && [ -f "$ARC_CLUSTER_STATE/env" ]; then
	. "$ARC_CLUSTER_STATE/env"
else
	sh tests/e2e/cluster/build.sh >/dev/null
	own=$(sh tests/e2e/cluster/up.sh 2>"$tmp/up.log") || { cat "$tmp/up.log" >&2; exit 1; }
	. "$own/env"
fi
export KUBECONFIG HELM_CACHE_HOME="$tmp/helm/cache" HELM_CONFIG_HOME="$tmp/helm/config" \
	HELM_DATA_HOME="$tmp/helm/data"

SPAWN=${TMPDIR:-/tmp}/arc-bench-spawn-$(id -u)
if [ ! -x "$SPAWN" ] || [ bench/spawn.c -nt "$SPAWN" ]; then
	${CC:-cc} -O2 -o "$SPAWN.tmp" bench/spawn.c && mv "$SPAWN.tmp" "$SPAWN"
fi

# 1,000 RunnerDeployments (kept for later runs), before any install registers ARC's webhooks
have=$("$KUBECTL" get runnerdeployments.actions.summerwind.dev -A --no-headers 2>/dev/null | grep -c '^bench-[0-9] ' || true)
if [ "$have" -lt 1000 ]; then
	ARC_CLUSTER_STATE=$(dirname "$KUBECONFIG") BENCH_KEEP=1 sh bench/runners-list.sh 1 1000 >/dev/null
fi
"$KUBECTL" wait --for=condition=Established --timeout=60s crd/runnerdeployments.actions.summerwind.dev >/dev/null
"$(echo "$1" | sed 's,^\([^/]\),./\1,')" kube apply -f tests/e2e/data/cert-manager-standin.yaml >/dev/null
"$KUBECTL" -n cert-manager rollout status deploy/cert-manager-webhook --timeout=120s >/dev/null
printf '%s\n' ghp_benchMemT0ken00000000000000000000 >"$tmp/token" && chmod 600 "$tmp/token"

n=0
peak() { # SCENARIO BINARY → KiB
	if [ "$1" = install ]; then
		n=$((n + 1))
		echo "mem$n mem-$n-$$" >>"$tmp/releases"
	fi
	case $1 in
	template) "$SPAWN" "$2" template arc -n arc-system ;;
	kube-get) "$SPAWN" "$2" kube get v1 Namespace default ;;
	runners) "$SPAWN" "$2" runners list -A ;;
	install)
		"$SPAWN" "$2" install "mem$n" -n "mem-$n-$$" --github-token-file "$tmp/token" -q \
			--set minReadySeconds=0 --wait=false ;;
	esac >"$tmp/r" || { echo "mem-network.sh: $2: $1 failed" >&2; return 1; }
	awk '{ print $2 }' "$tmp/r"
}

printf '%-40s %9s %9s %9s %9s   (peak RSS, MiB, max of %d runs)\n' binary template kube-get runners install "$RUNS"
for b in "$@"; do
	case $b in /*) ;; *) b=$TOP/$b ;; esac
	row=$(printf '%-40s' "$(echo "$b" | sed "s,^$TOP/,,")")
	for sc in template kube-get runners install; do
		"$SPAWN" "$b" kube get v1 Namespace default >/dev/null # warm the page cache
		max=0
		i=0
		while [ $i -lt "$RUNS" ]; do
			peak $sc "$b" >"$tmp/k" || exit 1
			k=$(cat "$tmp/k")
			[ "$k" -gt "$max" ] && max=$k
			i=$((i + 1))
		done
		row="$row $(awk -v k="$max" 'BEGIN { printf "%9.2f", k / 1024 }')"
	done
	echo "$row"
done

[ "${MEM_DETAIL:-}" = 1 ] || exit 0
# per-mapping resident memory of one `kube get`, at exit
cat >"$tmp/atexit.c" <<-\EOF
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	char path[64], line[512], name[512] = "";
	int st;
	pid_t pid = fork();
	if (argc < 2 || pid < 0)
		return 2;
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL);
	ptrace(PTRACE_CONT, pid, 0, 0);
	while (waitpid(pid, &st, 0) == pid && WIFSTOPPED(st)) {
		if ((st >> 16) == PTRACE_EVENT_EXIT) {
			FILE *f;
			long kb;
			snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
			if ((f = fopen(path, "r"))) {
				while (fgets(line, sizeof(line), f))
					if (!strncmp(line, "VmHWM", 5) || !strncmp(line, "VmRSS", 5))
						printf("%s", line);
				fclose(f);
			}
			snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
			if ((f = fopen(path, "r"))) {
				while (fgets(line, sizeof(line), f)) {
					if (sscanf(line, "Rss: %ld kB", &kb) == 1) {
						if (kb)
							printf("%ld\t%s", kb, name);
					} else if (strchr(line, '-') && strchr(line, '-') < strchr(line, ' ') &&
						   !strstr(line, " kB")) {
						char *p = line;
						for (int i = 0; i < 5 && p; i++)
							p = strchr(p + 1, ' ');
						p = p ? p + strspn(p, " ") : line;
						snprintf(name, sizeof(name), "%s", *p && *p != '\n' ? p : "[anon]\n");
					}
				}
				fclose(f);
			}
		}
		ptrace(PTRACE_CONT, pid, 0, WSTOPSIG(st) == SIGTRAP || WSTOPSIG(st) == SIGSTOP ? 0 : WSTOPSIG(st));
	}
	return 0;
}
EOF
${CC:-cc} -O2 -o "$tmp/atexit" "$tmp/atexit.c"
b=$1
case $b in /*) ;; *) b=$TOP/$b ;; esac
echo
echo "resident KiB per mapping at exit, $b kube get v1 Namespace default:"
"$tmp/atexit" "$b" kube get v1 Namespace default 2>/dev/null | awk -F'\t' '
	/^Vm/ { print "  " $0; next }
	{ n = $2; sub(/.*\//, "", n); t[n] += $1; s += $1 }
	END { for (k in t) printf "%8d  %s\n", t[k], k | "sort -rn"; close("sort -rn"); printf "%8d  total\n", s }'
