#!/bin/sh
# Regenerate conformance expectations with the real helm v4.1.4.
# usage: tests/conformance/regen.sh [--missing-only] [FILE.test...]
set -e
cd "$(dirname "$0")/../.."
. tests/tools.sh
opt=""; [ "$1" = "--missing-only" ] && { opt=$1; shift; }
[ $# -gt 0 ] || set -- tests/conformance/cases/*.test
exec python3 tests/conformance/regen.py $opt "$HELM4" "$@"
