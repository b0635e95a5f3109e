#!/bin/sh
# scripts/dist.sh - `make dist`: release tarballs of kubectl-arc for linux/amd64 and
# linux/arm64, their sha256 sums, and the krew manifest filled in with them.
#
# Each tarball holds bin/kubectl-arc, bin/kubectl_complete-arc, kubectl-arc.1, README.md,
# plugin.yaml, plugin.complete and scripts/helm-plugin-hook.sh: unpacked, it is also a
# Helm plugin directory (no symbolic links: krew refuses them).
# Tarballs are reproducible: sorted names, fixed times (SOURCE_DATE_EPOCH, else the
# last commit's time), numeric owner 0, gzip -n.
#
# arm64 is cross-compiled with aarch64-linux-gnu-gcc against Debian's arm64 -dev packages
# (multiarch: `make dist-deps`); without them arm64 is skipped with a note, or fails
# when DIST_STRICT=1.
#
# Environment (the Makefile passes these): VERSION, COMMIT, MAKE, DIST_DIR, DIST_ARCHES,
# DIST_MANIFEST, DIST_URL, HOMEPAGE.
set -eu

: "${VERSION:?}" "${MAKE:=make}" "${DIST_DIR:=dist}" "${DIST_ARCHES:=amd64 arm64}"
: "${DIST_MANIFEST:=plugins/arc.yaml}" "${DIST_STRICT:=0}" "${COMMIT:=unknown}"
: "${HOMEPAGE:=https://github.com/kubectl-arc/kubectl-arc}"
: "${DIST_URL:=$HOMEPAGE/releases/download/v$VERSION}"
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || echo 0)
fi
export SOURCE_DATE_EPOCH

host_arch() {
	case $(uname -m) in
	x86_64 | amd64) echo amd64 ;;
	aarch64 | arm64) echo arm64 ;;
	*) uname -m ;;
	esac
}

# the ELF machine of a file, as our arch names
elf_arch() {
	m=$(od -An -j18 -N2 -tu2 "$1" | tr -d ' ')
	case $m in 62) echo amd64 ;; 183) echo arm64 ;; *) echo "machine-$m" ;; esac
}

mkdir -p "$DIST_DIR"
built=""
host=$(host_arch)
for arch in $DIST_ARCHES; do
	B=build-dist/$arch
	env_pc=""
	if [ "$arch" = "$host" ]; then
		cc=${CC_HOST:-cc}
	else
		case $arch in
		arm64) cc=aarch64-linux-gnu-gcc; triplet=aarch64-linux-gnu ;;
		amd64) cc=x86_64-linux-gnu-gcc; triplet=x86_64-linux-gnu ;;
		*) echo "dist: unknown arch $arch" >&2; exit 2 ;;
		esac
		missing=""
		command -v "$cc" >/dev/null 2>&1 || missing="$cc"
		for lib in yaml archive z crypto; do
			[ -e "/usr/lib/$triplet/lib$lib.a" ] || missing="$missing lib$lib.a($arch)"
		done
		if [ -n "$missing" ]; then
			msg="dist: skipping linux/$arch: missing$missing (install with: make dist-deps)"
			if [ "$DIST_STRICT" = 1 ]; then
				echo "$msg" >&2
				exit 1
			fi
			echo "$msg" >&2
			continue
		fi
		env_pc="PKG_CONFIG_LIBDIR=/usr/lib/$triplet/pkgconfig:/usr/share/pkgconfig PKG_CONFIG_PATH="
	fi
	echo "dist: building linux/$arch with $cc"
	mkdir -p "$B/tools"
	# the build runs bin2c on this machine: build it with the host compiler first
	${CC_HOST:-cc} -O2 -o "$B/tools/bin2c" tools/bin2c.c
	# shellcheck disable=SC2086
	env $env_pc $MAKE --no-print-directory B="$B" BIN="$B/kubectl-arc" CC="$cc" \
		VERSION="$VERSION" COMMIT="$COMMIT" "$B/kubectl-arc"
	got=$(elf_arch "$B/kubectl-arc")
	if [ "$got" != "$arch" ]; then
		echo "dist: $B/kubectl-arc is $got, not $arch" >&2
		exit 1
	fi
	stage=$B/stage
	rm -rf "$stage"
	mkdir -p "$stage/bin" "$stage/scripts"
	cp "$B/kubectl-arc" "$stage/bin/kubectl-arc"
	strip_cmd=strip
	[ "$arch" = "$host" ] || strip_cmd=${cc%gcc}strip
	if command -v "$strip_cmd" >/dev/null 2>&1; then
		"$strip_cmd" "$stage/bin/kubectl-arc"
	fi
	cp scripts/kubectl_complete-arc "$stage/bin/kubectl_complete-arc"
	cp scripts/helm-plugin-hook.sh "$stage/scripts/helm-plugin-hook.sh"
	cp plugin.yaml plugin.complete "$stage/"
	[ -f README.md ] && cp README.md "$stage/"
	[ -f LICENSE ] && cp LICENSE "$stage/"
	cp "${MAN_PAGE:-build/kubectl-arc.1}" "$stage/kubectl-arc.1"
	chmod 0755 "$stage/bin/kubectl-arc" "$stage/bin/kubectl_complete-arc" "$stage/plugin.complete" \
		"$stage/scripts/helm-plugin-hook.sh"
	tarball=kubectl-arc_v${VERSION}_linux_$arch.tar.gz
	(cd "$stage" && find . -print | LC_ALL=C sort | tar --no-recursion --mtime="@$SOURCE_DATE_EPOCH" \
		--owner=0 --group=0 --numeric-owner -cf - -T -) | gzip -n -9 >"$DIST_DIR/$tarball"
	built="$built $arch"
done

if [ -z "$built" ]; then
	echo "dist: nothing built" >&2
	exit 1
fi

(cd "$DIST_DIR" && sha256sum kubectl-arc_v"${VERSION}"_linux_*.tar.gz >SHA256SUMS)

# the krew manifest, with the platforms built here
mkdir -p "$(dirname "$DIST_MANIFEST")"
{
	cat <<EOF
# krew plugin manifest for kubectl-arc, written by \`make dist\` (scripts/dist.sh) with the
# sha256 of each release tarball; \`kubectl krew install --manifest=plugins/arc.yaml
# --archive=dist/kubectl-arc_v${VERSION}_linux_amd64.tar.gz\` installs a local build.
apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: arc
spec:
  version: v$VERSION
  homepage: $HOMEPAGE
  shortDescription: Install GitHub Actions Runner Controller and manage runners
  description: |
    kubectl arc sets up GitHub Actions Runner Controller (ARC) on a cluster in one
    step: it checks or installs cert-manager, stores the GitHub credentials in a
    Secret, renders the bundled ARC Helm chart natively (no helm binary needed) and
    applies it as a Helm release that helm can list, upgrade and uninstall. It then
    creates, scales and lists runners (GPU and autoscaled ones included) and checks a
    cluster's ARC setup. The same binary is also a Helm plugin (helm arc).
  caveats: |
    Shell completion for "kubectl arc": krew links only the plugin itself, so link
    the completion helper next to it once:
      ln -s "\${KREW_ROOT:-\$HOME/.krew}/store/arc/v$VERSION/kubectl_complete-arc" \\
        "\${KREW_ROOT:-\$HOME/.krew}/bin/kubectl_complete-arc"
    Man page: kubectl-arc.1 in the same directory. Start with: kubectl arc --help
  platforms:
EOF
	for arch in $built; do
		tarball=kubectl-arc_v${VERSION}_linux_$arch.tar.gz
		sum=$(sha256sum "$DIST_DIR/$tarball" | cut -d' ' -f1)
		cat <<EOF
  - selector:
      matchLabels:
        os: linux
        arch: $arch
    uri: $DIST_URL/$tarball
    sha256: $sum
    files:
    - from: ./bin/kubectl-arc
      to: .
    - from: ./bin/kubectl_complete-arc
      to: .
    - from: ./kubectl-arc.1
      to: .
    - from: ./README.md
      to: .
    bin: kubectl-arc
EOF
	done
} >"$DIST_MANIFEST.tmp"
mv "$DIST_MANIFEST.tmp" "$DIST_MANIFEST"

echo "dist: built linux/{$(echo $built | tr ' ' ',')} in $DIST_DIR:"
(cd "$DIST_DIR" && cat SHA256SUMS)
echo "dist: $DIST_MANIFEST filled in (version v$VERSION)"
for arch in $DIST_ARCHES; do
	case " $built " in *" $arch "*) ;; *) echo "dist: NOTE linux/$arch was not built" ;; esac
done
