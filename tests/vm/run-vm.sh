#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot the target kernel in QEMU (TCG) with the test initramfs and report.
#
#   run-vm.sh [--kernel SUITE] [--suite driver|guest|all] [--demo]
#             [--timeout SECONDS]
#
# --kernel: the Debian suite whose kernel to boot (tests/lib/suites.list;
# default the first, or $MTTY_SUITE), with the module built for it.
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
	--kernel) MTTY_SUITE=${2:-}; export MTTY_SUITE; shift 2 ;;
	--kernel=*) MTTY_SUITE=${1#--kernel=}; export MTTY_SUITE; shift ;;
	--suite) suite=${2:-}; shift 2 ;;
	--suite=*) suite=${1#--suite=}; shift ;;
	--demo) suite=demo; shift ;;
	--timeout) timeout=${2:-}; shift 2 ;;
	--timeout=*) timeout=${1#--timeout=}; shift ;;
	-h|--help) sed -n '4,16p' "$0"; exit 0 ;;
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

root=$(cd "$here/../.." && pwd)
# shellcheck source=tests/lib/kernel.sh
. "$root/tests/lib/kernel.sh"
# shellcheck source=tests/lib/klog.sh
. "$root/tests/lib/klog.sh"
# shellcheck source=tests/lib/qemu.sh
. "$root/tests/lib/qemu.sh"
if ! suite_kernel "$(suite_default)"; then
	echo "not ok - the kernel of suite $(suite_default) (tests/lib/kernel.sh)"
	echo "0 passed, 1 failed"
	exit 1
fi

# A missing mtty.ko (or any build problem) is a failed run, reported in
# the same summary format as any other.
if ! initrd=$(sh "$here/mkinitramfs.sh" $guest); then
	echo "not ok - building the initramfs failed"
	echo "0 passed, 1 failed"
	exit 1
fi
mkdir -p "$cache/logs"
log=$cache/logs/vm-$(suite_default)-$suite-$(date +%Y%m%d-%H%M%S)-$$.log
echo "# kernel $KVER ($(suite_default)): $KIMAGE, initramfs $initrd"
echo "# serial log: $log"

: >"$log"
begin=$(date +%s)
# The serial port is the only console.
qemu_tcg "$timeout" -m 2G -smp 2 -nographic -serial stdio \
	-kernel "$KIMAGE" -initrd "$initrd" \
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
		grep --line-buffered -E "^(not )?ok [0-9]|^# |$KLOG_BAD" || true
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
kbad=$(klog_console_bad "$log" || true)
if [ -n "$kbad" ]; then
	echo "not ok - kernel console shows a problem:"
	printf '%s\n' "$kbad" | head -n 20 | sed 's/^/#   /'
	failed=$((failed + 1))
fi
echo "# VM run took $((end - begin)) s wall; log: $log"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" != 0 ]
