#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# libvirt tests on a full Debian system with libvirtd.
#
#   run.sh [--stages "1 2"] [--keep] [--verbose] [--timeout SECONDS]
#   run.sh --demo                      (what `make demo` runs)
#
# Uses the cached bookworm root file system of tests/rootfs/mkrootfs.sh,
# installs the project into a copy with `make install DESTDIR=...`, adds
# libvirt-xml/ and the generator, the nested guest's kernel (uncompressed
# vmlinux) and initramfs (tests/libvirt/mkguest.sh: busybox and
# tests/libvirt/guest-init) as the example domain expects them, and the
# test stages (tests/libvirt/guest/). Then boots the host's kernel under
# QEMU (TCG) twice on the same ext4 image:
#   boot 1: nodedev-define/start/autostart of an mtty-2 through libvirt, the
#           example domain started with it (its guest checks the card and
#           echoes data), refused bad hostdevs, hot-plug and unplug of a
#           second device, domain marked autostart;
#   boot 2: the device and the autostart domain are back, the guest works.
# --demo boots the same image once with the stage "demo" instead
# (guest/stagedemo.sh): the walkthrough of `make demo`, mdevctl define
# --auto, virsh attach-device, the guest's lspci, dmesg and setserial view
# of the card, a line echoed through its /dev/ttyS1, printed as it runs.
# Results are read back from the image with debugfs, with the guest's own
# console logs. Prints "ok N - ..." / "not ok N - ..." lines and "N passed,
# N failed"; exits non-zero on any failure. Logs in $MTTY_CACHE/logs.
# Environment: KVER, MTTY_CACHE, MTTY_MIRROR (see tests/rootfs/mkrootfs.sh).
# What it shares with tests/rootfs/run.sh is in tests/lib/fullvm-host.sh.

set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=tests/lib/fullvm-host.sh
. "$root/tests/lib/fullvm-host.sh"
# A nested TCG guest beside libvirtd: one host thread per vCPU
# (tests/lib/qemu.sh).
QEMU_TCG_THREAD=multi
export QEMU_TCG_THREAD
fullvm_init "$root" libvirt mtty-libvirt-test mtty_libvirt_stage
stages="1 2"
timeout=3000
demo=0
while [ $# -gt 0 ]; do
	case $1 in
	--demo) demo=1; took=1 ;;
	*) fullvm_option "$@" ;;
	esac
	shift "$took"
done
[ "$demo" = 1 ] && stages=demo

# --- the image --------------------------------------------------------------
fullvm_setup "copies a Debian root file system with its owners" "$here/guest"
if ! guest=$(sh "$here/mkguest.sh"); then
	report fail "build the nested guest's kernel and initramfs (mkguest.sh)"
	finish
fi
guest_kernel=$(printf '%s\n' "$guest" | sed -n 1p)
guest_initrd=$(printf '%s\n' "$guest" | sed -n 2p)
echo "# nested guest: $guest_kernel + $guest_initrd"

mkdir -p "$guestdir/xml" "$imgroot/var/lib/libvirt/boot"
install -m 0644 "$root"/libvirt-xml/*.xml "$guestdir/xml/"
# The generator as installed, or from the tree until make install has it.
gen=$(find "$imgroot/usr" -name mtty-libvirt-xml -type f | head -n 1)
if [ -n "$gen" ]; then
	echo "# generator installed by make install: ${gen#"$imgroot"}"
else
	echo "# make install does not install mtty-libvirt-xml (yet): copied from the tree"
	install -m 0755 "$root/libvirt-xml/mtty-libvirt-xml" "$guestdir/"
fi
# Where libvirt-xml/mtty-domain.xml expects the guest's kernel and initramfs.
cp "$guest_kernel" "$imgroot/var/lib/libvirt/boot/mtty-guest-vmlinux"
cp "$guest_initrd" "$imgroot/var/lib/libvirt/boot/mtty-guest-initramfs.cpio.gz"
chmod 0644 "$imgroot"/var/lib/libvirt/boot/mtty-guest-*

fullvm_image

# --- the boots ----------------------------------------------------------------
for s in $stages; do
	if [ "$s" = demo ]; then
		# The walkthrough as it runs, as printed; its checks are counted
		# from the results afterwards, only the failed ones repeated.
		echo "# booting the Debian system (TCG: a minute or two)..."
		fullvm_start demo
		cr=$(printf '\r')
		tail -n +1 -f --pid="$qpid" "$progress" |
			while IFS= read -r line; do echo "${line%"$cr"}"; done
		fullvm_wait demo
		fullvm_results demo >"$logs/demo-checks.txt"
		echo
		grep -E '^not ok|^#   ' "$logs/demo-checks.txt"
	else
		fullvm_boot "$s"
	fi
	fullvm_cat "/var/lib/$guest_name/guest-$s.log" | tr -d '\r' >"$logs/guest-$s.log"
	echo "# boot $s: the nested guest's console: $logs/guest-$s.log"
done
fullvm_done
