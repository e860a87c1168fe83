#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Reboot tests on a full Debian 12 system (the second VM tier).
#
#   run.sh [--stages "1 2 3"] [--keep] [--verbose] [--timeout SECONDS]
#
# Builds (once, cached) a bookworm root file system with systemd, udev,
# mdevctl and libvirt (mkrootfs.sh), copies it, installs the project into
# the copy with `make install DESTDIR=...`, adds the test stages, makes an
# ext4 disk image of it and boots the host's /boot/vmlinuz-$KVER with its
# initrd under QEMU (TCG) three times on the same image: each boot runs one
# stage at the end of the boot and powers off; a reboot is the next boot of
# the same disk. Results are read back from the image with debugfs.
#
# Prints "ok N - ..." / "not ok N - ..." lines and ends with "N passed, N
# failed"; exits non-zero on any failure. Console logs are kept in
# $MTTY_CACHE/logs (path printed); --keep also keeps the disk image.
# --verbose shows the stage's lines live, as the VM prints them.
# Environment: KVER, MTTY_CACHE, MTTY_MIRROR (see mkrootfs.sh). What it
# shares with tests/libvirt/run.sh is in tests/lib/fullvm-host.sh.

set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=tests/lib/fullvm-host.sh
. "$root/tests/lib/fullvm-host.sh"
fullvm_init "$root" rootfs mtty-test mtty_test_stage
stages="1 2 3"
timeout=900
while [ $# -gt 0 ]; do
	fullvm_option "$@"
	shift "$took"
done

# --- the image: Debian + `make install` + the test stages ----------------
# mmdebstrap's root mode, and copying a root file system with its owners.
fullvm_setup "builds and copies a Debian root file system" "$here/guest"

# make uninstall removes every file make install put in (only the
# directories mdevctl needs stay).
# (-o: the first install has just built everything.)
u=$work/uninstall
# Two kernels' modules: uninstall removes both, whatever KVER says.
if fullvm_make -o mtty-build-module -o mtty-build-tools install DESTDIR="$u" KVER="$KVER" MTTY_KO="$ko" \
	>"$logs/uninstall.log" 2>&1 &&
	fullvm_make -o mtty-build-module -o mtty-build-tools install-module DESTDIR="$u" \
		KVER="$KVER-other" MTTY_KO="$ko" >>"$logs/uninstall.log" 2>&1 &&
	fullvm_make uninstall DESTDIR="$u" KVER="$KVER" >>"$logs/uninstall.log" 2>&1; then
	left=$(cd "$u" && find . ! -type d)
	if [ -z "$left" ]; then
		report ok "make uninstall DESTDIR=... removes every installed file, the module of every kernel"
	else
		report fail "make uninstall DESTDIR=... removes every installed file, the module of every kernel"
		printf '%s\n' "$left" | sed 's/^/#   left: /'
	fi
else
	report fail "make install + uninstall DESTDIR=... (log: $logs/uninstall.log)"
fi
rm -rf "$u"

if modinfo -b "$imgroot" -k "$KVER" mtty >/dev/null 2>&1; then
	report ok "depmod of the image finds mtty in /lib/modules/$KVER/updates"
else
	report fail "depmod of the image finds mtty in /lib/modules/$KVER/updates"
fi

fullvm_image

# --- the boots -----------------------------------------------------------
for s in $stages; do
	fullvm_boot "$s"
done
fullvm_done
