#!/bin/sh
# Regenerate the expected outputs of the chart cases with the real helm v4.1.4.
# usage: tests/conformance/charts/regen.sh [--missing-only] [ID...]
set -e
cd "$(dirname "$0")/../../.."
. tests/tools.sh
exec python3 tests/conformance/charts/charts.py regen "$HELM4" "$@"
