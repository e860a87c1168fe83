#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the busybox initramfs of the reliability VM and write it to OUT:
#
#   mkimage.sh OUT MODDIR MTTY_KO MTTY_FUZZ MTTY_CLIENT
#
# MODDIR is searched for vfio, vfio_iommu_type1, mdev and vfio_virqfd
# (.ko, .ko.xz, .ko.zst or .ko.gz; stored uncompressed). The image gets
# vm-init as /init, the stress scripts under /tests/stress and the VM
# cases' helpers (tests/vm/cases/lib.sh) under /tests/cases.
#
# tests/vm/mkinitramfs.sh builds the same kind of image but only from
# Debian's module tree (/lib/modules/$KVER): the debug kernel's modules
# live in the cache, hence this small builder.

set -eu

[ $# = 5 ] || { sed -n '4,5p' "$0" >&2; exit 2; }
out=$1
moddir=$2
ko=$3
fuzz=$4
client=$5
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

# shellcheck source=tests/lib/initramfs.sh
. "$root/tests/lib/initramfs.sh"
busybox=$(static_busybox) ||
	{ echo "mkimage: no static busybox (apt-get install busybox-static)" >&2; exit 1; }
for f in "$ko" "$fuzz" "$client"; do
	[ -f "$f" ] || { echo "mkimage: $f missing" >&2; exit 1; }
done

st=$(mktemp -d)
trap 'rm -rf "$st"' EXIT

stage_busybox "$st" "$busybox"
mkdir -p "$st/lib/modules" "$st/tests/cases" "$st/tests/stress"

for m in vfio vfio_iommu_type1 mdev vfio_virqfd; do
	f=
	for ext in ko ko.xz ko.zst ko.gz; do
		f=$(find "$moddir" -name "$m.$ext" | head -n 1)
		[ -z "$f" ] || break
	done
	[ -n "$f" ] || { echo "mkimage: $m not found under $moddir" >&2; exit 1; }
	case $f in
	*.xz) xz -dc "$f" ;;
	*.zst) zstd -qdc "$f" ;;
	*.gz) gzip -dc "$f" ;;
	*) cat "$f" ;;
	esac >"$st/lib/modules/$m.ko"
done
cp "$ko" "$st/lib/modules/mtty.ko"
cp "$fuzz" "$st/usr/bin/mtty-fuzz"
cp "$client" "$st/usr/bin/mtty-client"
cp "$here/vm-init" "$st/init"
cp "$root/tests/vm/cases/lib.sh" "$st/tests/cases/lib.sh"
cp "$root"/tests/stress/*.sh "$st/tests/stress/"
chmod 755 "$st/init" "$st/usr/bin/"* "$st"/tests/stress/*.sh

(cd "$st" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -6 >"$out.tmp"
mv "$out.tmp" "$out"
