#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot the target kernel in QEMU (TCG) with the test initramfs and report.
#
#   run-vm.sh [--suite driver|guest|all] [--demo] [--timeout SECONDS]
#
# Echoes the VM's test lines as they come, saves the whole serial log in
# the cache (path printed), and ends with exactly one line
# "N passed, N failed". Exits non-zero if any test failed, the VM did not
# reach its end marker (hang, panic, timeout), or the kernel log on the
# console shows a problem. Environment as for mkinitramfs.sh.

set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache=${MTTY_CACHE:-$HOME/.cache/mtty}

suite=driver
timeout=
while [ $# -gt 0 ]; do
	case $1 in
	--suite) suite=${2:-}; shift 2 ;;
	--suite=*) suite=${1#--suite=}; shift ;;
	--demo) suite=demo; shift ;;
	--timeout) timeout=${2:-}; shift 2 ;;
	--timeout=*) timeout=${1#--timeout=}; shift ;;
	-h|--help) sed -n '4,12p' "$0"; exit 0 ;;
	*) echo "run-vm.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done

# Hard limits: the nested guest alone takes ~100 s wall under TCG on an
# idle machine and measured 350 s at load 6 on 2 cores; the guest case
# gives it 900 s before killing it, so the outer limits leave room.
case $suite in
driver) : "${timeout:=300}"; guest= ;;
guest) : "${timeout:=1200}"; guest=--guest ;;
all) : "${timeout:=1500}"; guest=--guest ;;
demo) : "${timeout:=1200}"; guest=--guest ;;
*) echo "run-vm.sh: unknown suite $suite" >&2; exit 2 ;;
esac

if [ -z "${KVER:-}" ]; then
	# shellcheck disable=SC2012  # file names under /boot are plain
	KVER=$(ls /boot/vmlinuz-* | sed 's|^/boot/vmlinuz-||' | sort -V | tail -n 1)
fi
export KVER

# A missing mtty.ko (or any build problem) is a failed run, reported in
# the same summary format as any other.
if ! initrd=$(sh "$here/mkinitramfs.sh" $guest); then
	echo "not ok - building the initramfs failed"
	echo "0 passed, 1 failed"
	exit 1
fi
mkdir -p "$cache/logs"
log=$cache/logs/vm-$suite-$(date +%Y%m%d-%H%M%S)-$$.log
echo "# kernel /boot/vmlinuz-$KVER, initramfs $initrd"
echo "# serial log: $log"

: >"$log"
begin=$(date +%s)
# -no-reboot plus panic=-1 turns a kernel panic into an immediate QEMU
# exit instead of a hang until the timeout. -nodefaults drops the NIC and
# VGA the tests do not need; the serial port is the only console.
timeout -k 10 "$timeout" qemu-system-x86_64 \
	-accel tcg -M pc -m 2G -smp 2 \
	-nographic -nodefaults -serial stdio -no-reboot \
	-kernel "/boot/vmlinuz-$KVER" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 mtty_suite=$suite" \
	</dev/null >"$log" 2>&1 &
qpid=$!

# Follow the log while QEMU runs (sed -u and grep --line-buffered so
# lines show up as they come). Test mode shows TAP and diagnostic lines;
# demo mode shows what the demo prints (no kernel lines, no firmware
# noise). Kernel lines with a problem are shown in both.
if [ "$suite" = demo ]; then
	tail -n +1 -f --pid="$qpid" "$log" | sed -u 's/\r$//' |
		sed -u -n '/^# mtty test VM/,$p' |
		grep --line-buffered -Ev '^\[ *[0-9]+\.[0-9]+\]|^dmesg\| ' || true
else
	tail -n +1 -f --pid="$qpid" "$log" | sed -u 's/\r$//' |
		grep --line-buffered -E '^(not )?ok [0-9]|^# |WARNING|BUG|Oops|Call Trace|Kernel panic' || true
fi
rc=0
wait "$qpid" || rc=$?
end=$(date +%s)

clean=$(tr -d '\r' <"$log")
passed=$(printf '%s\n' "$clean" | grep -Ec '^ok [0-9]' || true)
failed=$(printf '%s\n' "$clean" | grep -Ec '^not ok [0-9]' || true)

if ! printf '%s\n' "$clean" | grep -q '^MTTY-VM-END'; then
	echo "not ok - VM did not reach its end marker (qemu exit $rc, $((end - begin)) s; timeout ${timeout} s)"
	failed=$((failed + 1))
fi
# Only kernel lines (with a printk timestamp) count here, so test names
# can mention these words freely.
kbad=$(printf '%s\n' "$clean" | grep -E '^\[ *[0-9]+\.[0-9]+\]' |
	grep -E 'WARNING|BUG|Oops|lockdep|KASAN|UBSAN|general protection|Call Trace|Kernel panic' || true)
if [ -n "$kbad" ]; then
	echo "not ok - kernel console shows a problem:"
	printf '%s\n' "$kbad" | head -n 20 | sed 's/^/#   /'
	failed=$((failed + 1))
fi
echo "# VM run took $((end - begin)) s wall; log: $log"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" != 0 ]
