#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Build (once, cached) what the libvirt test domain boots, and print two
# lines: the path of the guest kernel (the uncompressed vmlinux of the
# target kernel, which boots much faster under nested TCG than the XZ
# bzImage) and the path of the guest's initramfs (busybox-static,
# pciutils' lspci and setserial with their libraries, and
# tests/libvirt/guest-init as /init).
#
# The vmlinux is extracted from the kernel of the default suite
# (tests/lib/kernel.sh). Everything is keyed by its inputs in $MTTY_CACHE
# (default ~/.cache/mtty). Environment: MTTY_SUITE, MTTY_CACHE.

set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${MTTY_CACHE:-$HOME/.cache/mtty}

# shellcheck source=tests/lib/kernel.sh
. "$root/tests/lib/kernel.sh"
suite_kernel "$(suite_default)" || exit 1
mkdir -p "$cache"
if ! vmlinux=$(kernel_vmlinux); then
	# No uncompressed image could be made: the bzImage boots too, slower.
	echo "mkguest: warning: no vmlinux extracted; using $KIMAGE" >&2
	vmlinux=$KIMAGE
fi

# shellcheck source=tests/lib/initramfs.sh
. "$root/tests/lib/initramfs.sh"
busybox=$(static_busybox) ||
	{ echo "mkguest: no static busybox (apt-get install busybox-static)" >&2; exit 1; }

# pciutils' lspci and setserial show the card as the mtty sample walkthrough
# does
# (`make demo`); busybox has neither. They are dynamically linked: their
# libraries and the dynamic loader go in at the same paths.
progs=
for prog in lspci setserial; do
	p=$(PATH=$PATH:/usr/sbin:/sbin command -v "$prog" || true)
	[ -n "$p" ] || { echo "mkguest: no $prog (apt-get install pciutils setserial)" >&2; exit 1; }
	progs="$progs $p"
done
pciids=/usr/share/misc/pci.ids
[ -f "$pciids" ] || { echo "mkguest: no $pciids (apt-get install pciutils)" >&2; exit 1; }

# shellcheck disable=SC2046,SC2086  # lists of absolute paths
key=$( { cat "$0" "$root/tests/lib/initramfs.sh" "$here/guest-init"; sha256sum <"$busybox"
	cat $progs $(elf_libs $progs) "$pciids" | sha256sum; } | sha256sum | cut -c1-16)
initramfs=$cache/libvirt-guest-$key.cpio.gz
if [ ! -f "$initramfs" ]; then
	st=$(mktemp -d "$cache/stage.XXXXXX")
	trap 'rm -rf "$st"' EXIT
	stage_busybox "$st" "$busybox"
	for f in $progs "$pciids"; do
		mkdir -p "$st${f%/*}"
		cp -L "$f" "$st$f"
	done
	# shellcheck disable=SC2086  # list of paths
	stage_libs "$st" $progs
	install -m 0755 "$here/guest-init" "$st/init"
	(cd "$st" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -6 >"$initramfs.tmp"
	mv "$initramfs.tmp" "$initramfs"
fi
printf '%s\n%s\n' "$vmlinux" "$initramfs"
