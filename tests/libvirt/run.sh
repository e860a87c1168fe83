#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# libvirt tests on a full Debian 12 system with libvirtd (issue 4).
#
#   run.sh [--stages "1 2"] [--keep] [--verbose] [--timeout SECONDS]
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
# Results are read back from the image with debugfs, with the guest's own
# console logs. Prints "ok N - ..." / "not ok N - ..." lines and "N passed,
# N failed"; exits non-zero on any failure. Logs in $MTTY_CACHE/logs.
# Environment: KVER, MTTY_CACHE, MTTY_MIRROR (see tests/rootfs/mkrootfs.sh).

set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${MTTY_CACHE:-$HOME/.cache/mtty}

stages="1 2"
keep=0
verbose=0
timeout=3000
while [ $# -gt 0 ]; do
	case $1 in
	--stages) stages=${2:-}; shift 2 ;;
	--keep) keep=1; shift ;;
	--verbose | -v) verbose=1; shift ;;
	--timeout) timeout=${2:-}; shift 2 ;;
	-h | --help) sed -n '4,24p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done

if [ -z "${KVER:-}" ]; then
	# shellcheck disable=SC2012  # file names under /boot are plain
	KVER=$(ls /boot/vmlinuz-* | sed 's|^/boot/vmlinuz-||' | sort -V | tail -n 1)
fi
export KVER

passed=0
failed=0
n=0
report() {
	n=$((n + 1))
	if [ "$1" = ok ]; then
		passed=$((passed + 1))
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
	fi
}
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
	exit $?
}

if [ "$(id -u)" -ne 0 ]; then
	report fail "run as root (copies a Debian root file system with its owners)"
	finish
fi
PATH=$PATH:/usr/sbin:/sbin
for tool in qemu-system-x86_64 mke2fs debugfs depmod; do
	if ! command -v "$tool" >/dev/null; then
		report fail "host tool $tool is installed"
		finish
	fi
done

begin=$(date +%s)
if ! rootfs=$(sh "$root/tests/rootfs/mkrootfs.sh"); then
	report fail "build the Debian root file system (tests/rootfs/mkrootfs.sh)"
	finish
fi
if ! guest=$(sh "$here/mkguest.sh"); then
	report fail "build the nested guest's kernel and initramfs (mkguest.sh)"
	finish
fi
guest_kernel=$(printf '%s\n' "$guest" | sed -n 1p)
guest_initrd=$(printf '%s\n' "$guest" | sed -n 2p)
echo "# root file system: $rootfs"
echo "# nested guest: $guest_kernel + $guest_initrd"

work=$cache/libvirt-run/run-$$
logs=$cache/logs/libvirt-$(date +%Y%m%d-%H%M%S)-$$
rm -rf "$work"
mkdir -p "$work" "$logs"
# shellcheck disable=SC2317  # called by the trap
cleanup() {
	if [ "$keep" = 1 ]; then
		echo "# kept: $work/disk.img"
		rm -rf "$work/root"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
echo "# logs: $logs"

# --- the image --------------------------------------------------------------
stage=$work/root
cp -a "$rootfs" "$stage"
if grep -q 'install/install.mk' "$root/Makefile" 2>/dev/null; then
	set -- make -C "$root"
else
	set -- make -C "$root" -f install/install.mk
fi
if "$@" install DESTDIR="$stage" KVER="$KVER" >"$logs/install.log" 2>&1; then
	report ok "make install DESTDIR=<image root> KVER=$KVER"
else
	report fail "make install DESTDIR=<image root> KVER=$KVER (log: $logs/install.log)"
	tail -n 20 "$logs/install.log" | sed 's/^/#   /'
	finish
fi
depmod -b "$stage" "$KVER"

t=$stage/usr/local/lib/mtty-libvirt-test
mkdir -p "$t/xml" "$stage/etc/systemd/system/multi-user.target.wants" \
	"$stage/var/lib/libvirt/boot"
install -m 0755 "$here"/guest/*.sh "$t/"
install -m 0644 "$root"/libvirt-xml/*.xml "$t/xml/"
# The generator as installed, or from the tree until make install has it.
gen=$(find "$stage/usr" -name mtty-libvirt-xml -type f | head -n 1)
if [ -n "$gen" ]; then
	echo "# generator installed by make install: ${gen#"$stage"}"
else
	echo "# make install does not install mtty-libvirt-xml (yet): copied from the tree"
	install -m 0755 "$root/libvirt-xml/mtty-libvirt-xml" "$t/"
fi
# Where libvirt-xml/mtty-domain.xml expects the guest's kernel and initramfs.
cp "$guest_kernel" "$stage/var/lib/libvirt/boot/mtty-guest-vmlinux"
cp "$guest_initrd" "$stage/var/lib/libvirt/boot/mtty-guest-initramfs.cpio.gz"
chmod 0644 "$stage"/var/lib/libvirt/boot/mtty-guest-*
install -m 0644 "$here/guest/mtty-libvirt-test.service" "$stage/etc/systemd/system/"
ln -sf /etc/systemd/system/mtty-libvirt-test.service \
	"$stage/etc/systemd/system/multi-user.target.wants/mtty-libvirt-test.service"

img=$work/disk.img
if ! mke2fs -q -t ext4 -L mtty-root -d "$stage" "$img" 4G >"$logs/mke2fs.log" 2>&1; then
	report fail "mke2fs -d of the image (log: $logs/mke2fs.log)"
	finish
fi
rm -rf "$stage"
prep=$(date +%s)
echo "# image ready in $((prep - begin)) s"

# --- the boots ----------------------------------------------------------------
for s in $stages; do
	console=$logs/console-$s.log
	progress=$logs/progress-$s.log
	: >"$progress"
	t0=$(date +%s)
	# ttyS0: kernel and systemd; ttyS1: the stage's live results.
	timeout -k 10 "$timeout" qemu-system-x86_64 \
		-accel tcg -M pc -m 2G -smp 2 \
		-display none -monitor none -nodefaults -no-reboot \
		-kernel "/boot/vmlinuz-$KVER" -initrd "/boot/initrd.img-$KVER" \
		-append "root=/dev/vda rw console=ttyS0 panic=-1 mtty_libvirt_stage=$s" \
		-drive "file=$img,format=raw,if=virtio,cache=unsafe" \
		-serial "file:$console" -serial "file:$progress" \
		</dev/null >"$logs/qemu-$s.log" 2>&1 &
	qpid=$!
	if [ "$verbose" = 1 ]; then
		cr=$(printf '\r')
		tail -n +1 -f --pid="$qpid" "$progress" |
			while IFS= read -r line; do echo "# boot $s: ${line%"$cr"}"; done
	fi
	rc=0
	wait "$qpid" || rc=$?
	t1=$(date +%s)
	echo "# boot $s: $((t1 - t0)) s wall (qemu exit $rc)"

	res=$(debugfs -R "cat /var/lib/mtty-libvirt-test/results-$s" "$img" 2>/dev/null)
	printf '%s\n' "$res" >"$logs/results-$s.txt"
	debugfs -R "cat /var/lib/mtty-libvirt-test/guest-$s.log" "$img" 2>/dev/null |
		tr -d '\r' >"$logs/guest-$s.log"
	while IFS= read -r line; do
		case $line in
		'ok - '*) report ok "boot $s: ${line#ok - }" ;;
		'not ok - '*) report fail "boot $s: ${line#not ok - }" ;;
		# Notes were shown live with --verbose already.
		'# '*) [ "$verbose" = 1 ] || echo "$line" ;;
		esac
	done <<EOF2
$res
EOF2
	if ! printf '%s\n' "$res" | grep -q '^MTTY-STAGE-END'; then
		report fail "boot $s: the stage ran to its end (qemu exit $rc; console: $console)"
		tr -d '\r' <"$console" | tail -n 25 | sed 's/^/#   /'
	fi
	kbad=$(tr -d '\r' <"$console" | grep -E '^\[ *[0-9]+\.[0-9]+\]' |
		grep -E 'WARNING|BUG|Oops|Call Trace|Kernel panic|general protection' || true)
	if [ -z "$kbad" ]; then
		report ok "boot $s: kernel console shows no oops, warning or panic"
	else
		report fail "boot $s: kernel console shows no oops, warning or panic"
		printf '%s\n' "$kbad" | head -n 20 | sed 's/^/#   /'
	fi
	echo "# boot $s: the nested guest's console: $logs/guest-$s.log"
done

end=$(date +%s)
echo "# libvirt tier: $((end - begin)) s wall in all (image $((prep - begin)) s)"
finish
