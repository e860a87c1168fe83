#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the initramfs the test VM boots, and print its path.
#
#   mkinitramfs.sh [--guest]
#
# The image is two gzip'ed cpio archives concatenated (the kernel unpacks
# each in turn):
#   base  - busybox, the vfio/mdev modules, mtty.ko, the client, the VFIO
#           conformance test, init and the test scripts; small, rebuilt
#           whenever a test file changes;
#   guest - (only with --guest) what the nested-guest test needs: QEMU with
#           its libraries and firmware, the guest kernel and the guest's
#           own initramfs; large (~120 MB unpacked), so it is cached on its
#           own and the driver suite does not pay for unpacking it.
# Every piece is cached in $MTTY_CACHE under a hash of its inputs, so an
# unchanged tree reuses the images and any changed input rebuilds them.
#
# Environment: MTTY_SUITE (the Debian suite whose kernel the VM boots,
# tests/lib/suites.list; default the first), MTTY_KO (default: the module
# built in that suite's chroot, tests/lib/kernel.sh), MTTY_CLIENT (default
# tools/mtty-client), MTTY_STATUS (default tools/mtty-status),
# MTTY_VFIO_TEST (default tests/vfio/mtty-vfio-test), MTTY_CACHE
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

# shellcheck source=tests/lib/kernel.sh
. "$root/tests/lib/kernel.sh"
suite=$(suite_default)
suite_kernel "$suite" || exit 1
if [ -z "${MTTY_KO:-}" ]; then
	MTTY_KO=$(suite_module "$suite") || exit 1
fi

abspath() {
	case $1 in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s\n' "$root/$1" ;;
	esac
}
mtty_ko=$(abspath "${MTTY_KO:-kernel/mtty.ko}")
client=$(abspath "${MTTY_CLIENT:-tools/mtty-client}")
status=$(abspath "${MTTY_STATUS:-tools/mtty-status}")
vfio_test=$(abspath "${MTTY_VFIO_TEST:-tests/vfio/mtty-vfio-test}")
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
if [ ! -x "$status" ]; then
	echo "mkinitramfs: warning: $status not found; status checks will fail" >&2
	status=
fi
if [ ! -x "$vfio_test" ]; then
	echo "mkinitramfs: warning: $vfio_test not found; VFIO checks will fail" >&2
	vfio_test=
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
		cpio -o -H newc -R 0:0 --quiet) | gzip -6 >"$2.tmp.$$"
	mv "$2.tmp.$$" "$2"
}

# ---------------------------------------------------------------- base ----
cases=$(find "$here/cases" -name '*.sh' | LC_ALL=C sort)
# shellcheck disable=SC2086  # word splitting of the file lists is intended
base_key=$(hash_inputs "$here/mkinitramfs.sh" "$lib" "$root/tests/lib/kernel.sh" \
	"$root/tests/lib/klog.sh" "$root/tests/lib/tap.sh" "$here/init" "$here/demo.sh" $cases \
	"$busybox" "$mtty_ko" ${client:+"$client"} ${status:+"$status"} \
	${vfio_test:+"$vfio_test"} "$KIMAGE")
base=$cache/initramfs-$KVER-$base_key.cpio.gz
if [ ! -f "$base" ]; then
	st=$(newstage)
	stages="$stages $st"
	stage_busybox "$st" "$busybox"
	mkdir -p "$st/tests/cases"
	kernel_stage_vfio "$st" || exit 1
	cp "$mtty_ko" "$st/lib/modules/mtty.ko"
	# Either may be dynamically linked; a static one has no deps.
	if [ -n "$client" ]; then
		cp "$client" "$st/usr/bin/mtty-client"
		if ldd "$client" >/dev/null 2>&1; then
			stage_libs "$st" "$client"
		fi
	fi
	if [ -n "$status" ]; then
		cp "$status" "$st/usr/bin/mtty-status"
		if ldd "$status" >/dev/null 2>&1; then
			stage_libs "$st" "$status"
		fi
	fi
	if [ -n "$vfio_test" ]; then
		cp "$vfio_test" "$st/usr/bin/mtty-vfio-test"
		if ldd "$vfio_test" >/dev/null 2>&1; then
			stage_libs "$st" "$vfio_test"
		fi
	fi
	cp "$here/init" "$st/init"
	mkdir -p "$st/tests/lib"
	cp "$root/tests/lib/klog.sh" "$root/tests/lib/tap.sh" "$st/tests/lib/"
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
vmlinuz=$KIMAGE
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

	if vml=$(kernel_vmlinux); then
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
	cat "$base" "$guest" >"$final.tmp.$$"
	mv "$final.tmp.$$" "$final"
fi
printf '%s\n' "$final"
