#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Build mtty's Debian packages (debian/) for one or more suites, each in a
# clean chroot of that suite, and check them with lintian:
#
#   build-deb.sh [--version V] [SUITE...]      (default: bookworm trixie)
#
# A chroot with the suite's build-essential, debhelper, dh-dkms and lintian
# is made once with mmdebstrap and cached as a tarball in
# $MTTY_CACHE/debchroot (keyed by suite and packages); every
# build unpacks a fresh copy, so nothing of an earlier build is left in
# it. The tree's tracked files are built (uncommitted changes included),
# with dpkg-buildpackage -us -uc: source and binary packages. The results
# go to build/deb/SUITE/ (.deb, .dsc, .tar.xz, .changes, lintian.txt,
# build.log). --version V builds the same tree as version V (a test of
# upgrades needs an older package), in build/deb/SUITE-V/.
#
# Prints TAP lines and ends with "N passed, N failed": the build, lintian
# (no error and no warning), the version in dkms.conf and in every tool's
# --version, and what the packages hold (nothing that overrides another
# package's file). Exits non-zero on any failure.

set -u
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/kernel.sh
. "$root/tests/lib/kernel.sh"
# shellcheck source=tests/lib/tap.sh
. "$root/tests/lib/tap.sh"

version=
if [ "${1:-}" = --version ]; then
	version=${2:?--version needs a value}
	shift 2
fi
suites=${*:-bookworm trixie}
tree_version=$(mtty_version)
v=${version:-$tree_version}

debchroot_pkgs="build-essential debhelper dh-dkms lintian"

# debchroot SUITE: the cached tarball of SUITE's build chroot (made once).
debchroot() {
	key=$(mtty_key "$1" "$debchroot_pkgs" mmdebstrap-apt-root)
	tarball=$mtty_cache/debchroot/$1-$key.tar
	if [ ! -f "$tarball" ]; then
		mkdir -p "$mtty_cache/debchroot"
		(
			flock 9
			[ -f "$tarball" ] && exit 0
			rm -rf "$mtty_cache/debchroot/$1"-*.tar
			echo "# making the $1 package build chroot (mmdebstrap, a few minutes)" >&2
			mtty_mmdebstrap "$1" "$debchroot_pkgs" "$tarball.tmp.tar" || exit 1
			mv "$tarball.tmp.tar" "$tarball"
		) 9>"$mtty_cache/debchroot/$1.lock" || return 1
	fi
	echo "$tarball"
}

# build SUITE: one suite's packages into build/deb/SUITE[-V].
build() {
	suite=$1
	out=$root/build/deb/$suite${version:+-$version}
	rm -rf "$out"
	mkdir -p "$out"
	if ! tarball=$(debchroot "$suite"); then
		tap_fail "$suite: package build chroot"
		return
	fi
	work=$(mktemp -d "${TMPDIR:-/tmp}/mtty-deb.XXXXXX")
	tar -C "$work" -xf "$tarball"
	src=$work/build/mtty-$v
	mkdir -p "$src"
	(cd "$root" && git ls-files -z | xargs -0 tar -cf - --no-recursion) | tar -C "$src" -xf -
	if [ -n "$version" ]; then
		sed -i "1s/([^)]*)/($version)/" "$src/debian/changelog"
	fi
	# shellcheck disable=SC2016  # expanded by the inner shell
	if in_chroot "$work" sh -c 'cd "$1" && dpkg-buildpackage -us -uc' sh "/build/mtty-$v" \
		>"$out/build.log" 2>&1; then
		tap_ok "$suite: dpkg-buildpackage builds mtty $v (source, mtty, mtty-dkms)"
	else
		tap_fail "$suite: dpkg-buildpackage builds mtty $v (log: $out/build.log)"
		tail -n 20 "$out/build.log" | sed 's/^/#   /'
		rm -rf "$work"
		return
	fi
	cp "$work"/build/mtty*_"$v"* "$out"/
	# Every tag, informational ones too; errors and warnings fail.
	in_chroot "$work" sh -c 'lintian --display-info --tag-display-limit 0 /build/mtty_*.changes' \
		>"$out/lintian.txt" 2>&1
	sed 's/^/#   lintian: /' "$out/lintian.txt"
	bad=$(grep -E '^[EW]: ' "$out/lintian.txt")
	tap_is "$suite: lintian reports no error and no warning" "" "$bad"

	deb=$out/mtty_${v}_amd64.deb
	dkms=$out/mtty-dkms_${v}_all.deb
	conf=$(dpkg-deb --fsys-tarfile "$dkms" | tar -xOf - "./usr/src/mtty-$v/dkms.conf" 2>/dev/null)
	tap_is "$suite: mtty-dkms's dkms.conf has PACKAGE_VERSION $v" \
		"PACKAGE_VERSION=\"$v\"" "$(printf '%s\n' "$conf" | grep '^PACKAGE_VERSION=')"
	# The tools run inside the suite's chroot (its libc), installed by dpkg
	# (which knows the merged /usr; mdevctl and jq need not be there).
	inst=$work/installed
	mkdir -p "$inst"
	in_chroot "$work" dpkg -i --force-depends "/build/mtty_${v}_amd64.deb" \
		>"$out/dpkg-i.log" 2>&1
	dpkg-deb -x "$deb" "$inst"
	dpkg-deb -x "$dkms" "$inst"
	for tool in /usr/bin/mtty-client /usr/bin/mtty-status /usr/bin/mtty-libvirt-xml \
		/usr/lib/mdevctl/scripts.d/callouts/mtty-callout \
		/usr/libexec/mtty/mtty-mdev-autostart; do
		got=$(in_chroot "$work" "$tool" --version 2>&1 </dev/null)
		tap_is "$suite: ${tool##*/} --version" "${tool##*/} $v" "$got"
	done
	files=$(cd "$inst" && find . ! -type d)
	tap_is "$suite: no file under /etc/udev, /etc/systemd or mdevctl's udev rule" "" \
		"$(printf '%s\n' "$files" | grep -E '^\./etc/(udev|systemd)/|60-mdevctl')"
	tap_is "$suite: the module's source is in mtty-dkms only" "" \
		"$(dpkg-deb -c "$deb" | awk '{ print $6 }' | grep '^\./usr/src/.')"
	tap_check "$suite: mtty-dkms holds the module's source in /usr/src/mtty-$v" \
		test -f "$inst/usr/src/mtty-$v/mtty_main.c"
	tap_check "$suite: mtty-dkms loads the module at boot (modules-load.d)" \
		test -f "$inst/usr/lib/modules-load.d/mtty.conf"
	tap_check "$suite: mtty depends on mdevctl and jq, recommends mtty-dkms" \
		sh -c "dpkg-deb -f '$deb' Depends | grep -q mdevctl &&
			dpkg-deb -f '$deb' Depends | grep -q jq &&
			dpkg-deb -f '$deb' Recommends | grep -q mtty-dkms"
	tap_check "$suite: mtty-dkms depends on dkms" \
		sh -c "dpkg-deb -f '$dkms' Depends | grep -q dkms"
	unreplaced=$(cd "$inst" && { grep -rl '@[A-Z][A-Z_]*@' . ||
		find . -name '*.gz' -exec zgrep -l '@[A-Z][A-Z_]*@' {} + || true; })
	tap_is "$suite: no installed file holds an unreplaced @PLACEHOLDER@" "" "$unreplaced"
	rm -rf "$work"
	echo "# $suite: $(cd "$out" && echo ./*.deb)"
}

for s in $suites; do
	suite_check "$s" || exit 2
	build "$s"
done
tap_done
