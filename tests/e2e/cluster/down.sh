#!/bin/sh
# Stop a control plane started by up.sh and remove its state directory.
#
# Usage: down.sh [--keep] [STATE_DIR]     (default: $ARC_CLUSTER_STATE)
#   --keep   stop the processes but keep STATE_DIR (logs, certificates)
# Only the processes recorded in STATE_DIR/pids are signalled, and only while
# their executable is still the one up.sh started: TERM, then KILL after 10s;
# etcd is stopped after its clients.
set -eu

say() { printf 'down.sh: %s\n' "$*" >&2; }
keep=0
if [ "${1:-}" = --keep ]; then keep=1; shift; fi
STATE=${1:-${ARC_CLUSTER_STATE:-}}
[ -n "$STATE" ] || { say "usage: down.sh [--keep] STATE_DIR"; exit 2; }
if [ ! -d "$STATE" ]; then
	say "$STATE: no such directory (already down?)"
	exit 0
fi
[ -f "$STATE/.arc-cluster" ] || { say "error: $STATE was not made by up.sh; not touching it"; exit 1; }

ours() { # pid exe: still running, and still the process we started?
	kill -0 "$1" 2>/dev/null || return 1
	[ -d /proc/self ] || return 0
	case $(readlink "/proc/$1/exe" 2>/dev/null) in "$2" | "$2 (deleted)") return 0 ;; esac
	return 1 # gone, exiting (zombie) or the pid was reused
}
stop() { # "name pid exe" lines: TERM them all, wait up to 10s, KILL the rest
	echo "$1" | while read -r name pid exe; do
		if [ -n "$pid" ] && ours "$pid" "$exe"; then kill -TERM "$pid" 2>/dev/null || true; fi
	done
	i=0
	while [ $i -lt 100 ]; do
		left=$(echo "$1" | while read -r name pid exe; do
			if [ -n "$pid" ] && ours "$pid" "$exe"; then echo "$name"; fi; done)
		[ -z "$left" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "$1" | while read -r name pid exe; do
		if [ -n "$pid" ] && ours "$pid" "$exe"; then
			say "$name ($pid) ignored TERM for 10s; killing"
			kill -KILL "$pid" 2>/dev/null || true
		fi
	done
}

if [ -s "$STATE/pids" ]; then
	# the clients of etcd first, etcd last
	stop "$(grep -v '^etcd ' "$STATE/pids" || true)"
	stop "$(grep '^etcd ' "$STATE/pids" || true)"
	: >"$STATE/pids"
fi

if [ "$keep" = 1 ]; then
	say "stopped; state kept in $STATE"
else
	rm -rf "$STATE"
fi
