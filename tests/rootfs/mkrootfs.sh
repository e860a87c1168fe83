#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Build (once) the Debian root file system the full-system tiers boot, and
# print the path of its directory.
#
#   mkrootfs.sh
#
# mmdebstrap installs systemd, udev, mdevctl, libvirt, QEMU and the suite's
# kernel package (the version of tests/lib/kernel.sh's build chroot), whose
# postinst makes /boot/initrd.img-KVER; the VM boots the image's own
# /boot/vmlinuz-KVER with it, so the host's /boot is never involved.
# rootfs-hook.sh sets up unattended boots. Nothing of the project goes in
# here: run.sh installs it into a copy per run. The tree (about 1 GB) is
# cached in $MTTY_CACHE/rootfs under a hash of these two scripts, the
# package list and the kernel, so it is rebuilt only when one changes.
#
# Environment: MTTY_SUITE (default: the first of tests/lib/suites.list),
# MTTY_CACHE (default ~/.cache/mtty), MTTY_MIRROR (default: mmdebstrap's
# own default mirror).

set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache=${MTTY_CACHE:-$HOME/.cache/mtty}

root=$(cd "$here/../.." && pwd)
# shellcheck source=tests/lib/kernel.sh
. "$root/tests/lib/kernel.sh"
suite=$(suite_default)
# The kernel is the suite's own package at the version the build chroot's
# headers have (tests/lib/kernel.sh), installed into the image: its
# postinst makes the initramfs the VM boots with.
suite_kernel "$suite" || exit 1

# What the tests need inside: an init system with udev, mdevctl, libvirt
# with its QEMU driver (it must start after the mdevs), and jq/python3 for
# reading mdevctl's JSON in the tests. e2fsprogs and kmod for the boot.
packages=systemd-sysv,udev,kmod,e2fsprogs,mdevctl,libvirt-daemon-system,libvirt-clients,libvirt-daemon-driver-qemu,qemu-system-x86,jq,python3,util-linux,procps,initramfs-tools,linux-image-$KVER

key=$( {
	cat "$0" "$here/rootfs-hook.sh"
	echo "$packages $suite $KVER ${MTTY_MIRROR:-}"
} | sha256sum | cut -c1-16)
out=$cache/rootfs/$suite-$KVER-$key

if [ -f "$out/boot/initrd.img-$KVER" ] &&
	{ [ -x "$out/usr/bin/mdevctl" ] || [ -x "$out/usr/sbin/mdevctl" ]; }; then
	echo "$out"
	exit 0
fi

command -v mmdebstrap >/dev/null || {
	echo "mkrootfs: mmdebstrap missing (apt-get install mmdebstrap)" >&2
	exit 1
}
mkdir -p "$cache/rootfs"
# Old trees (other keys) take 850 MB each: keep only the one in use.
find "$cache/rootfs" -mindepth 1 -maxdepth 1 -name "$suite-*" \
	! -name "$(basename "$out")" -exec rm -rf {} +
tmp=$out.tmp.$$
trap 'rm -rf "$tmp"' EXIT

echo "mkrootfs: building $out (a minute or two)" >&2
# shellcheck disable=SC2086  # MTTY_MIRROR is empty or one URL
# A path that does not end in .tar makes mmdebstrap write a directory.
mmdebstrap --quiet --variant=apt --include="$packages" \
	--aptopt='Acquire::Check-Valid-Until "false"' \
	--customize-hook="sh '$here/rootfs-hook.sh' \"\$1\"" \
	"$suite" "$tmp" ${MTTY_MIRROR:-} >&2
mv "$tmp" "$out"
trap - EXIT
echo "$out"
