#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The life of mtty's Debian packages on a full Debian system (the suite of
# MTTY_SUITE, default the first of tests/lib/suites.list):
#
#   run.sh [--full] [--keep] [--verbose] [--timeout SECONDS]
#
# Builds the packages of the tree for the suite (scripts/build-deb.sh, in
# a clean chroot of the suite), boots a copy of the suite's root file
# system with dkms and its kernel's headers (mkrootfs-dkms.sh) in which a
# module of a source `make install` already sits, and runs one stage of
# tests/package/guest per boot (tests/lib/fullvm-host.sh):
#   quick (default; make test):  install, purge, purged
#   --full (make test-full):     install of an older version, upgrade
#                                (and a second kernel), remove,
#                                reinstall, purge, purged
# install: apt installs both packages, DKMS builds the module, the source
# copy goes, devices are defined and started; each later stage first
# checks the reboot (auto devices back before libvirtd, the module's
# version, one mtty.ko, a clean journal). The older version is the same
# tree built as VERSION~prev1.
#
# Prints "ok N - ..." / "not ok N - ..." and "N passed, N failed".

set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=tests/lib/fullvm-host.sh
. "$root/tests/lib/fullvm-host.sh"
fullvm_init "$root" package mtty-test mtty_test_stage
stages="install purge purged"
full=0
timeout=1500
while [ $# -gt 0 ]; do
	case $1 in
	--full) full=1; took=1 ;;
	*) fullvm_option "$@" ;;
	esac
	shift "$took"
done
[ "$full" = 1 ] && stages="install upgrade remove reinstall purge purged"

# shellcheck source=tests/lib/kernel.sh
. "$root/tests/lib/kernel.sh"
suite=$(suite_default)
new=$(mtty_version)
prev=$new~prev1

# --- the packages ---------------------------------------------------------
mkdir -p "$root/build/deb"
deblog=$root/build/deb/package-$suite.log
if sh "$root/scripts/build-deb.sh" "$suite" >"$deblog" 2>&1; then
	report ok "the $suite packages of $new build (scripts/build-deb.sh)"
else
	report fail "the $suite packages of $new build (log: $deblog)"
	finish
fi
first=$new
if [ "$full" = 1 ]; then
	if sh "$root/scripts/build-deb.sh" --version "$prev" "$suite" >>"$deblog" 2>&1; then
		report ok "the same tree built as the older version $prev"
	else
		report fail "the same tree built as the older version $prev (log: $deblog)"
		finish
	fi
	first=$prev
fi

# --- the image ------------------------------------------------------------
fullvm_rootfs=tests/package/mkrootfs-dkms.sh
fullvm_install=no
fullvm_setup "builds and copies a Debian root file system" "$root/tests/rootfs/guest"
install -m 0644 "$here"/guest/*.sh "$guestdir/"
# debs_into NAME VERSION: the packages of VERSION as /root/debs/NAME.
debs_into() {
	d=$root/build/deb/$suite
	[ "$2" = "$new" ] || d=$d-$2
	mkdir -p "$imgroot/root/debs/$1"
	cp "$d/mtty_$2_amd64.deb" "$d/mtty-dkms_$2_all.deb" "$imgroot/root/debs/$1/"
	echo "$2" >"$imgroot/root/debs/$1/version"
}
debs_into first "$first"
debs_into new "$new"
# The source tree, for the check that its install steps refuse to add a
# second module beside the package's.
mkdir -p "$imgroot/root/mtty-src"
(cd "$root" && git ls-files -z | xargs -0 tar -cf - --no-recursion) |
	tar -C "$imgroot/root/mtty-src" -xf -
# What `make install` from a source tree would have left.
install -D -m 0644 "$ko" "$imgroot/lib/modules/$KVER/updates/mtty.ko"
depmod -b "$imgroot" "$KVER"
fullvm_image

# --- the boots ------------------------------------------------------------
for s in $stages; do
	fullvm_boot "$s"
done
fullvm_done
