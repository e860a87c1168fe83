#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the busybox initramfs of the reliability VM and write it to OUT:
#
#   KMODDIR=... KCONFIG=... mkimage.sh OUT MTTY_KO MTTY_FUZZ MTTY_CLIENT \
#       MTTY_VFIO_TEST
#
# The VFIO modules of the kernel's module tree KMODDIR (and its config
# KCONFIG, for what is built in) go in through tests/lib/kernel.sh. The
# image gets vm-init as /init, the stress scripts under /tests/stress and
# the VM cases' helpers (tests/vm/cases/lib.sh) under /tests/cases.
#
# tests/vm/mkinitramfs.sh builds the driver suite's image, cached and with
# the nested guest; this one is small and made fresh for every run.

set -eu

[ $# = 5 ] || { sed -n '4,7p' "$0" >&2; exit 2; }
out=$1
ko=$2
fuzz=$3
client=$4
vfio_test=$5
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

# shellcheck source=tests/lib/initramfs.sh
. "$root/tests/lib/initramfs.sh"
busybox=$(static_busybox) ||
	{ echo "mkimage: no static busybox (apt-get install busybox-static)" >&2; exit 1; }
for f in "$ko" "$fuzz" "$client" "$vfio_test"; do
	[ -f "$f" ] || { echo "mkimage: $f missing" >&2; exit 1; }
done

st=$(mktemp -d)
trap 'rm -rf "$st"' EXIT

stage_busybox "$st" "$busybox"
mkdir -p "$st/tests/cases" "$st/tests/stress"

# shellcheck source=tests/lib/kernel.sh
. "$root/tests/lib/kernel.sh"
kernel_stage_vfio "$st" || exit 1
cp "$ko" "$st/lib/modules/mtty.ko"
cp "$fuzz" "$st/usr/bin/mtty-fuzz"
cp "$client" "$st/usr/bin/mtty-client"
cp "$vfio_test" "$st/usr/bin/mtty-vfio-test"
cp "$here/vm-init" "$st/init"
cp "$root/tests/vm/cases/lib.sh" "$st/tests/cases/lib.sh"
mkdir -p "$st/tests/lib"
cp "$root/tests/lib/klog.sh" "$root/tests/lib/tap.sh" "$st/tests/lib/"
cp "$root"/tests/stress/*.sh "$st/tests/stress/"
chmod 755 "$st/init" "$st/usr/bin/"* "$st"/tests/stress/*.sh

(cd "$st" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -6 >"$out.tmp"
mv "$out.tmp" "$out"
