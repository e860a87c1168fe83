#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the initramfs the test VM boots, and print its path.
#
#   mkinitramfs.sh [--guest]
#
# The image is two gzip'ed cpio archives concatenated (the kernel unpacks
# each in turn):
#   base  - busybox, the vfio/mdev modules, mtty.ko, the client, init and
#           the test scripts; small, rebuilt whenever a test file changes;
#   guest - (only with --guest) what the nested-guest test needs: QEMU with
#           its libraries and firmware, the guest kernel and the guest's
#           own initramfs; large (~120 MB unpacked), so it is cached on its
#           own and the driver suite does not pay for unpacking it.
# Every piece is cached in $MTTY_CACHE under a hash of its inputs, so an
# unchanged tree reuses the images and any changed input rebuilds them.
#
# Environment: KVER (default: newest /boot/vmlinuz-*), MTTY_KO (default
# kernel/mtty.ko), MTTY_CLIENT (default tools/mtty-client), MTTY_CACHE
# (default ~/.cache/mtty). Relative paths are taken from the repo root.

set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${MTTY_CACHE:-$HOME/.cache/mtty}

with_guest=0
for arg in "$@"; do
	case $arg in
	--guest) with_guest=1 ;;
	*) echo "usage: $0 [--guest]" >&2; exit 2 ;;
	esac
done

# The kernel under test is the newest one installed, never the host's
# running kernel (the host cannot load modules at all).
if [ -z "${KVER:-}" ]; then
	# shellcheck disable=SC2012  # file names under /boot are plain
	KVER=$(ls /boot/vmlinuz-* | sed 's|^/boot/vmlinuz-||' | sort -V | tail -n 1)
fi
[ -n "$KVER" ] || { echo "mkinitramfs: no /boot/vmlinuz-*" >&2; exit 1; }

abspath() {
	case $1 in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s\n' "$root/$1" ;;
	esac
}
mtty_ko=$(abspath "${MTTY_KO:-kernel/mtty.ko}")
client=$(abspath "${MTTY_CLIENT:-tools/mtty-client}")
moddir=/lib/modules/$KVER/kernel/drivers/vfio
# shellcheck source=tests/lib/initramfs.sh
. "$root/tests/lib/initramfs.sh"
lib=$root/tests/lib/initramfs.sh
busybox=$(static_busybox) ||
	{ echo "mkinitramfs: no static busybox (apt-get install busybox-static)" >&2; exit 1; }

[ -f "$mtty_ko" ] || { echo "mkinitramfs: $mtty_ko not found" >&2; exit 1; }
if [ ! -x "$client" ]; then
	# Not fatal: the tests that need it then report themselves as failed.
	echo "mkinitramfs: warning: $client not found; client checks will fail" >&2
	client=
fi

mkdir -p "$cache"

# Staging directories are removed on any exit, so a failed build leaves
# no half-made trees in the cache.
stages=
cleanup() {
	# shellcheck disable=SC2086  # list of directories
	[ -z "$stages" ] || rm -rf $stages
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
newstage() {
	mktemp -d "$cache/stage.XXXXXX"
}

# Print the path of one module of the target kernel, compressed or not.
find_mod() {
	for ext in ko ko.xz ko.zst ko.gz; do
		f=$(find "$moddir" -name "$1.$ext" | head -n 1)
		if [ -n "$f" ]; then
			printf '%s\n' "$f"
			return 0
		fi
	done
	echo "mkinitramfs: module $1 not found under $moddir" >&2
	return 1
}

# Copy a module into the image, decompressing it: busybox insmod in the VM
# cannot be relied on to handle every compression.
put_mod() {
	case $1 in
	*.xz) xz -dc "$1" >"$2" ;;
	*.zst) zstd -qdc "$1" >"$2" ;;
	*.gz) gzip -dc "$1" >"$2" ;;
	*) cp "$1" "$2" ;;
	esac
}

# Hash a list of files (content and name), plus extra words, into a key.
hash_inputs() {
	{
		for f in "$@"; do
			printf '%s ' "$f"
			if [ -f "$f" ]; then sha256sum <"$f"; else echo missing; fi
		done
	} | sha256sum | cut -c1-16
}

# Pack a staged directory into a gzip'ed newc cpio at $2, atomically so an
# interrupted build never leaves a truncated image behind in the cache.
pack() {
	(cd "$1" && find . | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) | gzip -6 >"$2.tmp"
	mv "$2.tmp" "$2"
}

# ---------------------------------------------------------------- base ----
cases=$(find "$here/cases" -name '*.sh' | LC_ALL=C sort)
# shellcheck disable=SC2086  # word splitting of the file lists is intended
base_key=$(hash_inputs "$here/mkinitramfs.sh" "$lib" "$here/init" "$here/demo.sh" $cases \
	"$busybox" "$mtty_ko" ${client:+"$client"} \
	"$(find_mod vfio)" "$(find_mod vfio_iommu_type1)" \
	"$(find_mod mdev)" "$(find_mod vfio_virqfd)")
base=$cache/initramfs-$KVER-$base_key.cpio.gz
if [ ! -f "$base" ]; then
	st=$(newstage)
	stages="$stages $st"
	stage_busybox "$st" "$busybox"
	mkdir -p "$st/lib/modules" "$st/tests/cases"
	for m in vfio vfio_iommu_type1 mdev vfio_virqfd; do
		put_mod "$(find_mod $m)" "$st/lib/modules/$m.ko"
	done
	cp "$mtty_ko" "$st/lib/modules/mtty.ko"
	if [ -n "$client" ]; then
		cp "$client" "$st/usr/bin/mtty-client"
		# The client may be dynamically linked; a static one has no deps.
		if ldd "$client" >/dev/null 2>&1; then
			stage_libs "$st" "$client"
		fi
	fi
	cp "$here/init" "$st/init"
	cp "$here/demo.sh" "$st/tests/demo.sh"
	for c in $cases; do cp "$c" "$st/tests/cases/"; done
	chmod 755 "$st/init" "$st/tests/demo.sh" "$st"/tests/cases/*.sh
	pack "$st" "$base"
	rm -rf "$st"
fi

if [ "$with_guest" = 0 ]; then
	printf '%s\n' "$base"
	exit 0
fi

# --------------------------------------------------------------- guest ----
vmlinuz=/boot/vmlinuz-$KVER
qemu=$(command -v qemu-system-x86_64)
# Only what QEMU opens for `-M pc` (i440fx + SeaBIOS) with -nodefaults and
# direct kernel boot, found with strace: the BIOS, the vapic option ROM and
# the PVH/linuxboot loaders (linuxboot is used if we fall back to bzImage).
firmware="/usr/share/seabios/bios-256k.bin /usr/share/qemu/kvmvapic.bin
/usr/share/qemu/pvh.bin /usr/share/qemu/linuxboot_dma.bin"
# Debian builds TCG as a loadable QEMU module (dlopen'ed, so ldd of the
# binary does not list it); without it: "could not load module for type
# 'tcg-accel-ops'".
qemu_mods=$(find /usr/lib/x86_64-linux-gnu/qemu -name 'accel-tcg-x86_64.so' 2>/dev/null)

# The uncompressed vmlinux boots the nested guest much faster than the XZ
# bzImage (PVH entry, no in-guest decompression under nested TCG).
extract_vmlinux() {
	out=$cache/vmlinux-$KVER-$(hash_inputs "$vmlinuz")
	if [ ! -f "$out" ]; then
		# Our own extract-vmlinux: find the first payload magic and
		# decompress from there; the first one that yields an ELF wins.
		for fmt in 'xz:\xfd7zXZ\x00' 'gzip:\x1f\x8b\x08' \
			'zstd:\x28\xb5\x2f\xfd'; do
			tool=${fmt%%:*}
			magic=${fmt#*:}
			for off in $(LC_ALL=C grep -obUaP "$magic" "$vmlinuz" |
				cut -d: -f1 | head -n 3); do
				case $tool in
				xz) tail -c +$((off + 1)) "$vmlinuz" |
					xz -dcq --single-stream >"$out.tmp" 2>/dev/null || true ;;
				gzip) tail -c +$((off + 1)) "$vmlinuz" |
					gzip -dcq >"$out.tmp" 2>/dev/null || true ;;
				zstd) tail -c +$((off + 1)) "$vmlinuz" |
					zstd -qdc >"$out.tmp" 2>/dev/null || true ;;
				esac
				if [ "$(head -c 4 "$out.tmp" | od -An -c | tr -d ' ')" = '177ELF' ]; then
					mv "$out.tmp" "$out"
					break 2
				fi
			done
		done
		rm -f "$out.tmp"
	fi
	[ -f "$out" ] && printf '%s\n' "$out"
}

# Libraries count as inputs too: an upgraded libc or QEMU dependency must
# not be paired with a cached copy of the old ones.
# shellcheck disable=SC2086  # list of files
qemu_libs=$(elf_libs "$qemu" $qemu_mods)
# shellcheck disable=SC2086  # lists of files
guest_key=$(hash_inputs "$here/mkinitramfs.sh" "$lib" "$here/guest-init" "$busybox" \
	"$vmlinuz" "$qemu" $qemu_mods $qemu_libs $firmware)
guest=$cache/guest-$KVER-$guest_key.cpio.gz
if [ ! -f "$guest" ]; then
	st=$(newstage)
	gst=$(newstage)
	stages="$stages $st $gst"

	# The nested guest's own small initramfs: busybox and its init.
	stage_busybox "$gst" "$busybox"
	cp "$here/guest-init" "$gst/init"
	chmod 755 "$gst/init"
	mkdir -p "$st/guest"
	pack "$gst" "$st/guest/initramfs.cpio.gz"
	rm -rf "$gst"

	if vml=$(extract_vmlinux); then
		cp "$vml" "$st/guest/vmlinux"
	else
		echo "mkinitramfs: warning: no vmlinux extracted; guest uses bzImage" >&2
		cp "$vmlinuz" "$st/guest/vmlinux"
	fi

	mkdir -p "$st/usr/bin"
	cp "$qemu" "$st/usr/bin/qemu-system-x86_64"
	stage_libs "$st" "$qemu"
	for m in $qemu_mods; do
		mkdir -p "$st$(dirname "$m")"
		cp "$m" "$st$m"
		stage_libs "$st" "$m"
	done
	for f in $firmware; do
		mkdir -p "$st$(dirname "$f")"
		cp -L "$f" "$st$f"
	done
	pack "$st" "$guest"
	rm -rf "$st"
fi

final=$cache/initramfs-$KVER-$(printf '%s %s' "$base_key" "$guest_key" |
	sha256sum | cut -c1-16).cpio.gz
if [ ! -f "$final" ]; then
	cat "$base" "$guest" >"$final.tmp"
	mv "$final.tmp" "$final"
fi
printf '%s\n' "$final"
