#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Build (once) the Debian 12 root file system the reboot tests boot, and
# print the path of its directory.
#
#   mkrootfs.sh
#
# mmdebstrap installs systemd, udev, mdevctl, libvirt and QEMU; the target
# kernel's modules are copied in from the host's /lib/modules/$KVER (the VM
# boots the host's /boot/vmlinuz-$KVER and initrd.img-$KVER) by
# rootfs-hook.sh. Nothing of the project goes in here: run.sh installs it
# into a copy per run. The tree (about 850 MB) is cached in
# $MTTY_CACHE/rootfs under a hash of these two scripts, the package list
# and the kernel, so it is rebuilt only when one of them changes.
#
# Environment: KVER (default: newest /boot/vmlinuz-*), MTTY_CACHE (default
# ~/.cache/mtty), MTTY_MIRROR (default: mmdebstrap's own default mirror).

set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache=${MTTY_CACHE:-$HOME/.cache/mtty}

if [ -z "${KVER:-}" ]; then
	# shellcheck disable=SC2012  # file names under /boot are plain
	KVER=$(ls /boot/vmlinuz-* | sed 's|^/boot/vmlinuz-||' | sort -V | tail -n 1)
fi
if [ -z "$KVER" ] || [ ! -d "/lib/modules/$KVER/kernel" ]; then
	echo "mkrootfs: no modules for kernel '$KVER' in /lib/modules" >&2
	exit 1
fi

# What the tests need inside: an init system with udev, mdevctl, libvirt
# with its QEMU driver (it must start after the mdevs), and jq/python3 for
# reading mdevctl's JSON in the tests. e2fsprogs and kmod for the boot.
packages=systemd-sysv,udev,kmod,e2fsprogs,mdevctl,libvirt-daemon-system,libvirt-clients,libvirt-daemon-driver-qemu,qemu-system-x86,jq,python3,util-linux,procps
suite=bookworm

key=$( {
	cat "$0" "$here/rootfs-hook.sh"
	echo "$packages $suite $KVER ${MTTY_MIRROR:-}"
	cksum <"/boot/vmlinuz-$KVER"
} | sha256sum | cut -c1-16)
out=$cache/rootfs/bookworm-$KVER-$key

if [ -x "$out/usr/bin/mdevctl" ] || [ -x "$out/usr/sbin/mdevctl" ]; then
	echo "$out"
	exit 0
fi

command -v mmdebstrap >/dev/null || {
	echo "mkrootfs: mmdebstrap missing (apt-get install mmdebstrap)" >&2
	exit 1
}
mkdir -p "$cache/rootfs"
# Old trees (other keys) take 850 MB each: keep only the one in use.
find "$cache/rootfs" -mindepth 1 -maxdepth 1 -name 'bookworm-*' \
	! -name "$(basename "$out")" -exec rm -rf {} +
tmp=$out.tmp.$$
trap 'rm -rf "$tmp"' EXIT

echo "mkrootfs: building $out (a minute or two)" >&2
# shellcheck disable=SC2086  # MTTY_MIRROR is empty or one URL
# A path that does not end in .tar makes mmdebstrap write a directory.
mmdebstrap --quiet --variant=apt --include="$packages" \
	--customize-hook="KVER=$KVER sh '$here/rootfs-hook.sh' \"\$1\"" \
	"$suite" "$tmp" ${MTTY_MIRROR:-} >&2
mv "$tmp" "$out"
trap - EXIT
echo "$out"
