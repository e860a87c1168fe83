#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The host side of the two full-Debian-VM test tiers, tests/rootfs/run.sh
# and tests/libvirt/run.sh, which source this file (POSIX sh): their common
# options, the "ok N - ..." / "not ok N - ..." lines and the final "N
# passed, N failed" with the exit status, the host checks, the image (a
# copy of the cached root file system of tests/rootfs/mkrootfs.sh with the
# project installed by `make install DESTDIR=...`, the tier's guest files
# and tests/lib/fullvm-guest.sh, made into an ext4 image by mke2fs -d), and
# the boots: one QEMU (TCG) boot of that image per stage, the stage's
# results read back with debugfs, and a scan of the kernel console.
#
# A tier's run.sh sources it and calls, in this order:
#   fullvm_init ROOT TIER GUEST-NAME STAGE-PARAM
#   (its own defaults of $stages and $timeout)
#   while [ $# -gt 0 ]; do fullvm_option "$@"; shift "$took"; done
#   fullvm_setup WHY-ROOT GUEST-DIR   (then adds its own files to $imgroot)
#   fullvm_image
#   fullvm_boot STAGE                 (for each stage)
#   fullvm_done
# A tier's own options go before fullvm_option in that loop (case $1 in
# --mine) ...; took=1 ;; *) fullvm_option "$@" ;; esac). fullvm_boot is
# fullvm_start, fullvm_live (with --verbose), fullvm_wait and
# fullvm_results, for a tier that wants to show or read a boot otherwise.
# Environment: MTTY_SUITE (the Debian suite of the system; default the
# first of tests/lib/suites.list), MTTY_CACHE (default ~/.cache/mtty),
# MTTY_MIRROR (see tests/rootfs/mkrootfs.sh).

# Set here, read by the tier scripts that source this file.
# shellcheck disable=SC2034

cache=${MTTY_CACHE:-$HOME/.cache/mtty}
keep=0
verbose=0
# A tier may set these before fullvm_setup: the script that prints the
# root file system's path, and whether the project is installed into the
# image with make install (the package tier installs its .debs inside).
fullvm_rootfs=tests/rootfs/mkrootfs.sh
fullvm_install=yes

# fullvm_init ROOT TIER GUEST-NAME STAGE-PARAM: ROOT is the top of the
# tree; TIER the tier's name (work files in $MTTY_CACHE/TIER-run, logs in
# $MTTY_CACHE/logs/TIER-DATE-PID); in the image, /usr/local/lib/GUEST-NAME
# holds the guest files, /var/lib/GUEST-NAME the results, and
# GUEST-NAME.service runs the stage that STAGE-PARAM=NAME on the kernel
# command line names.
fullvm_init() {
	root=$1
	# shellcheck source=tests/lib/tap.sh
	. "$root/tests/lib/tap.sh"
	# shellcheck source=tests/lib/klog.sh
	. "$root/tests/lib/klog.sh"
	# shellcheck source=tests/lib/qemu.sh
	. "$root/tests/lib/qemu.sh"
	tier=$2
	guest_name=$3
	stage_param=$4
}

# fullvm_option ARGS...: take the option at the front of ARGS and set $took
# to the number of words it used. --help prints the script's header
# comment; an unknown argument ends the run with status 2.
fullvm_option() {
	took=1
	case $1 in
	--stages) stages=${2:-}; took=2 ;;
	--keep) keep=1 ;;
	--verbose | -v) verbose=1 ;;
	--timeout) timeout=${2:-}; took=2 ;;
	-h | --help) awk 'NR > 3 { if (!/^#/) exit; print }' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
}

# report ok|fail TEXT: one numbered result line.
report() {
	if [ "$1" = ok ]; then tap_ok "$2"; else tap_fail "$2"; fi
}

# The summary line; exits 0 only if something passed and nothing failed.
finish() {
	tap_done
}

# fullvm_make ARGS...: make in the tree with the install targets. The
# top-level Makefile includes install/install.mk; use the fragment directly
# if it does not.
fullvm_make() {
	if grep -q 'install/install.mk' "$root/Makefile" 2>/dev/null; then
		make -C "$root" "$@"
	else
		make -C "$root" -f install/install.mk "$@"
	fi
}

# shellcheck disable=SC2317  # called by the trap
fullvm_cleanup() {
	if [ "$keep" = 1 ]; then
		echo "# kept: $work/disk.img"
		rm -rf "$work/root"
	else
		rm -rf "$work"
	fi
}

# fullvm_setup WHY-ROOT GUEST-DIR: check the host (root, said to be needed
# because it WHY-ROOT; QEMU and e2fsprogs), get the root file system, make
# the run's work and log directories ($work, $logs; removed or kept on
# exit), copy the root file system to $imgroot and install into it the
# project, GUEST-DIR/*.sh with fullvm-guest.sh (in $guestdir) and
# GUEST-DIR/$guest_name.service, enabled. Ends the run on a failure.
fullvm_setup() {
	if [ "$(id -u)" -ne 0 ]; then
		report fail "run as root ($1)"
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
	# shellcheck source=tests/lib/kernel.sh
	. "$root/tests/lib/kernel.sh"
	suite=$(suite_default)
	if ! suite_kernel "$suite" || ! ko=$(suite_module "$suite"); then
		report fail "the $suite kernel and mtty.ko built in its chroot (tests/lib/kernel.sh)"
		finish
	fi
	if ! rootfs=$(sh "$root/$fullvm_rootfs"); then
		report fail "build the Debian root file system ($fullvm_rootfs)"
		finish
	fi
	echo "# root file system: $rootfs"

	work=$cache/$tier-run/run-$$
	logs=$cache/logs/$tier-$(date +%Y%m%d-%H%M%S)-$$
	rm -rf "$work"
	mkdir -p "$work" "$logs"
	trap fullvm_cleanup EXIT
	trap 'exit 130' INT TERM
	echo "# logs: $logs"

	imgroot=$work/root
	cp -a "$rootfs" "$imgroot"
	# The image's own kernel and initramfs, outside the image for QEMU.
	cp "$imgroot/boot/vmlinuz-$KVER" "$work/vmlinuz"
	cp "$imgroot/boot/initrd.img-$KVER" "$work/initrd.img"
	if [ "$fullvm_install" != yes ]; then
		: # the tier installs mtty itself
	elif fullvm_make install DESTDIR="$imgroot" KVER="$KVER" MTTY_KO="$ko" >"$logs/install.log" 2>&1; then
		report ok "make install DESTDIR=<image root> KVER=$KVER ($suite)"
	else
		report fail "make install DESTDIR=<image root> KVER=$KVER ($suite) (log: $logs/install.log)"
		tail -n 20 "$logs/install.log" | sed 's/^/#   /'
		finish
	fi
	[ "$fullvm_install" != yes ] || depmod -b "$imgroot" "$KVER"

	guestdir=$imgroot/usr/local/lib/$guest_name
	mkdir -p "$guestdir" "$imgroot/etc/systemd/system/multi-user.target.wants"
	install -m 0755 "$2"/*.sh "$root/tests/lib/fullvm-guest.sh" \
		"$root/tests/lib/klog.sh" "$guestdir/"
	install -m 0644 "$2/$guest_name.service" "$imgroot/etc/systemd/system/"
	ln -sf "/etc/systemd/system/$guest_name.service" \
		"$imgroot/etc/systemd/system/multi-user.target.wants/$guest_name.service"
}

# fullvm_image: the ext4 disk image $img of $imgroot (then removed).
fullvm_image() {
	img=$work/disk.img
	if ! mke2fs -q -t ext4 -L mtty-root -d "$imgroot" "$img" 4G >"$logs/mke2fs.log" 2>&1; then
		report fail "mke2fs -d of the image (log: $logs/mke2fs.log)"
		finish
	fi
	rm -rf "$imgroot"
	prep=$(date +%s)
	echo "# image ready in $((prep - begin)) s"
}

# fullvm_cat PATH: a file of the image (after a boot), on stdout.
fullvm_cat() {
	debugfs -R "cat $1" "$img" 2>/dev/null
}

# fullvm_start STAGE: boot the image in the background (QEMU's PID in
# $qpid) with $stage_param=STAGE on the kernel command line. ttyS0 is the
# console (kernel and systemd; $console), ttyS1 the stage's live results
# ($progress). -no-reboot and panic=-1: a kernel panic ends QEMU at once.
fullvm_start() {
	console=$logs/console-$1.log
	progress=$logs/progress-$1.log
	: >"$progress"
	t0=$(date +%s)
	qemu_tcg "$timeout" -m 2G -smp 2 -display none -monitor none \
		-kernel "$work/vmlinuz" -initrd "$work/initrd.img" \
		-append "root=/dev/vda rw console=ttyS0 panic=-1 $stage_param=$1" \
		-drive "file=$img,format=raw,if=virtio,cache=unsafe" \
		-serial "file:$console" -serial "file:$progress" \
		</dev/null >"$logs/qemu-$1.log" 2>&1 &
	qpid=$!
}

# fullvm_live STAGE: show the stage's lines as the VM prints them, as
# notes "# boot STAGE: ...", until QEMU ends.
fullvm_live() {
	cr=$(printf '\r')
	tail -n +1 -f --pid="$qpid" "$progress" |
		while IFS= read -r line; do echo "# boot $1: ${line%"$cr"}"; done
}

# fullvm_wait STAGE: wait for QEMU to end; its exit status in $qrc.
fullvm_wait() {
	qrc=0
	wait "$qpid" || qrc=$?
	t1=$(date +%s)
	echo "# boot $1: $((t1 - t0)) s wall (qemu exit $qrc)"
}

# fullvm_results STAGE: read the stage's results from the image (kept as
# $logs/results-STAGE.txt), report its ok / not ok lines numbered into this
# run's sequence, print its notes (unless --verbose showed them already),
# and check that it ran to its end and that the kernel console shows no
# problem.
fullvm_results() {
	res=$(fullvm_cat "/var/lib/$guest_name/results-$1")
	printf '%s\n' "$res" >"$logs/results-$1.txt"
	while IFS= read -r line; do
		case $line in
		'ok - '*) report ok "boot $1: ${line#ok - }" ;;
		'not ok - '*) report fail "boot $1: ${line#not ok - }" ;;
		'# '*) [ "$verbose" = 1 ] || echo "$line" ;;
		esac
	done <<EOF
$res
EOF
	if ! printf '%s\n' "$res" | grep -q '^MTTY-STAGE-END'; then
		report fail "boot $1: the stage ran to its end (qemu exit $qrc; console: $console)"
		tr -d '\r' <"$console" | tail -n 25 | sed 's/^/#   /'
	fi
	kbad=$(klog_console_bad "$console" || true)
	if [ -z "$kbad" ]; then
		report ok "boot $1: kernel console shows no oops, warning or panic"
	else
		report fail "boot $1: kernel console shows no oops, warning or panic"
		printf '%s\n' "$kbad" | head -n 20 | sed 's/^/#   /'
	fi
}

# fullvm_boot STAGE: one boot that runs STAGE, and its results.
fullvm_boot() {
	fullvm_start "$1"
	[ "$verbose" = 1 ] && fullvm_live "$1"
	fullvm_wait "$1"
	fullvm_results "$1"
}

# fullvm_done: the tier's time and the summary line; exits.
fullvm_done() {
	end=$(date +%s)
	echo "# $tier tier: $((end - begin)) s wall in all (image $((prep - begin)) s)"
	finish
}
