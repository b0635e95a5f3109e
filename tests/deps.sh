#!/bin/sh
# Install the build and test dependencies on Debian/Ubuntu (idempotent).
set -e
need=""
for p in build-essential pkg-config libcurl4-openssl-dev libyaml-dev libcjson-dev zlib1g-dev \
	libarchive-dev libssl-dev openssl clang; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need="$need $p"
done
if [ -n "$need" ]; then
	SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need
fi
echo "deps: all present"
