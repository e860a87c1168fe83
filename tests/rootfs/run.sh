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
# Environment: KVER, MTTY_CACHE, MTTY_MIRROR (see mkrootfs.sh).

set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${MTTY_CACHE:-$HOME/.cache/mtty}

stages="1 2 3"
keep=0
verbose=0
timeout=900
while [ $# -gt 0 ]; do
	case $1 in
	--stages) stages=${2:-}; shift 2 ;;
	--keep) keep=1; shift ;;
	--verbose | -v) verbose=1; shift ;;
	--timeout) timeout=${2:-}; shift 2 ;;
	-h | --help) sed -n '4,20p' "$0"; exit 0 ;;
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

# mmdebstrap's root mode, and copying a root file system with its owners.
if [ "$(id -u)" -ne 0 ]; then
	report fail "run as root (builds and copies a Debian root file system)"
	finish
fi
for tool in qemu-system-x86_64 mke2fs debugfs depmod; do
	if ! command -v "$tool" >/dev/null && ! [ -x "/usr/sbin/$tool" ] && ! [ -x "/sbin/$tool" ]; then
		report fail "host tool $tool is installed"
		finish
	fi
done
PATH=$PATH:/usr/sbin:/sbin

begin=$(date +%s)
if ! rootfs=$(sh "$here/mkrootfs.sh"); then
	report fail "build the Debian root file system (mkrootfs.sh)"
	finish
fi
echo "# root file system: $rootfs"

work=$cache/rootfs-run/run-$$
logs=$cache/logs/rootfs-$(date +%Y%m%d-%H%M%S)-$$
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

# --- the image: Debian + `make install` + the test stages ----------------
stage=$work/root
cp -a "$rootfs" "$stage"
# The top-level Makefile includes install/install.mk; use the fragment
# directly if it does not (yet).
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
# make uninstall removes every file make install put in (only the
# directories mdevctl needs stay).
# (-o: the first install has just built everything.)
u=$work/uninstall
if "$@" -o mtty-build-module -o mtty-build-tools install DESTDIR="$u" KVER="$KVER" \
	>"$logs/uninstall.log" 2>&1 &&
	"$@" uninstall DESTDIR="$u" KVER="$KVER" >>"$logs/uninstall.log" 2>&1; then
	left=$(cd "$u" && find . ! -type d)
	if [ -z "$left" ]; then
		report ok "make uninstall DESTDIR=... removes every installed file"
	else
		report fail "make uninstall DESTDIR=... removes every installed file"
		printf '%s\n' "$left" | sed 's/^/#   left: /'
	fi
else
	report fail "make install + uninstall DESTDIR=... (log: $logs/uninstall.log)"
fi
rm -rf "$u"

depmod -b "$stage" "$KVER"
if modinfo -b "$stage" -k "$KVER" mtty >/dev/null 2>&1; then
	report ok "depmod of the image finds mtty in /lib/modules/$KVER/updates"
else
	report fail "depmod of the image finds mtty in /lib/modules/$KVER/updates"
fi

t=$stage/usr/local/lib/mtty-test
mkdir -p "$t" "$stage/etc/systemd/system/multi-user.target.wants"
install -m 0755 "$here"/guest/*.sh "$t/"
install -m 0644 "$here/guest/mtty-test.service" "$stage/etc/systemd/system/"
ln -sf /etc/systemd/system/mtty-test.service \
	"$stage/etc/systemd/system/multi-user.target.wants/mtty-test.service"

img=$work/disk.img
if ! mke2fs -q -t ext4 -L mtty-root -d "$stage" "$img" 4G >"$logs/mke2fs.log" 2>&1; then
	report fail "mke2fs -d of the image (log: $logs/mke2fs.log)"
	finish
fi
rm -rf "$stage"
prep=$(date +%s)
echo "# image ready in $((prep - begin)) s"

# --- the boots -----------------------------------------------------------
for s in $stages; do
	console=$logs/console-$s.log
	progress=$logs/progress-$s.log
	: >"$progress"
	t0=$(date +%s)
	# -no-reboot and panic=-1: a kernel panic ends QEMU at once. ttyS0 is
	# the console (kernel and systemd), ttyS1 the stage's live results.
	timeout -k 10 "$timeout" qemu-system-x86_64 \
		-accel tcg -M pc -m 2G -smp 2 \
		-display none -monitor none -nodefaults -no-reboot \
		-kernel "/boot/vmlinuz-$KVER" -initrd "/boot/initrd.img-$KVER" \
		-append "root=/dev/vda rw console=ttyS0 panic=-1 mtty_test_stage=$s" \
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

	res=$(debugfs -R "cat /var/lib/mtty-test/results-$s" "$img" 2>/dev/null)
	printf '%s\n' "$res" >"$logs/results-$s.txt"
	printf '%s\n' "$res" | while IFS= read -r line; do
		case $line in
		'# '*) echo "$line" ;;
		esac
	done
	# Renumber the stage's lines into this run's sequence.
	while IFS= read -r line; do
		case $line in
		'ok - '*) report ok "boot $s: ${line#ok - }" ;;
		'not ok - '*) report fail "boot $s: ${line#not ok - }" ;;
		esac
	done <<EOF
$res
EOF
	if ! printf '%s\n' "$res" | grep -q '^MTTY-STAGE-END'; then
		report fail "boot $s: the stage ran to its end (qemu exit $rc; console: $console)"
		tr -d '\r' <"$console" | tail -n 25 | sed 's/^/#   /'
	fi
	# Only kernel lines (with a timestamp) count, so that test names may
	# contain these words.
	kbad=$(tr -d '\r' <"$console" | grep -E '^\[ *[0-9]+\.[0-9]+\]' |
		grep -E 'WARNING|BUG|Oops|Call Trace|Kernel panic|general protection' || true)
	if [ -z "$kbad" ]; then
		report ok "boot $s: kernel console shows no oops, warning or panic"
	else
		report fail "boot $s: kernel console shows no oops, warning or panic"
		printf '%s\n' "$kbad" | head -n 20 | sed 's/^/#   /'
	fi
done

end=$(date +%s)
echo "# rootfs tier: $((end - begin)) s wall in all (image $((prep - begin)) s)"
finish
