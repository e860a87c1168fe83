#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The reliability run: fuzz an mtty-1 and an mtty-2 with mtty-fuzz, run the
# stress scripts, scan for leaks and check the kernel log, in a VM booting
# the debug kernel (KASAN, UBSAN, lockdep, kmemleak, ...) or Debian's.
#
#   run.sh [--full|--slice] [--kernel debug|stock|auto] [--seed S]
#          [--ops N] [--scale N] [--timeout SECONDS] [--repro 'ARGS']
#
#   --full    1,000,000 fuzz ops per device type, stress at scale 3
#             (default kernel: debug, built first if not cached: long)
#   --slice   bounded run of a few minutes (the default)
#             (default kernel: auto = debug if cached, else stock)
#   --kernel  debug: tests/debug-kernel/build.sh's kernel
#             stock: Debian's kernel of the default suite (no sanitizers)
#             SUITE: Debian's kernel of that suite (tests/lib/suites.list)
#   --seed    seed of the fuzzers (default: from the clock; printed)
#   --ops/--scale/--timeout override the mode's numbers
#   --repro   instead of the plan, run "mtty-fuzz ARGS" (MTTY1 and MTTY2
#             in ARGS stand for a fresh mtty-1 and mtty-2), then the final
#             checks: to replay a seed or aim at one op kind, e.g.
#             --repro '-j 2 -r 0 -o set-irqs -n 100000000 -t 60 MTTY1'
#
# mtty.ko is built against the chosen kernel in a scratch copy of kernel/
# (nothing is built in kernel/ itself; MTTY_SRC=DIR takes the module's
# sources from DIR instead, e.g. to try a patch). Prints ok/not ok lines
# and ends with "N passed, N failed"; exits non-zero on any failure. The
# serial log is kept in ${MTTY_CACHE:-~/.cache/mtty}/logs/ (path printed).

set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${MTTY_CACHE:-$HOME/.cache/mtty}

mode=slice
kernel=
seed=
ops=
scale=
timeout=
repro=
while [ $# -gt 0 ]; do
	case $1 in
	--full) mode=full ;;
	--slice) mode=slice ;;
	--kernel) kernel=${2:-}; shift ;;
	--kernel=*) kernel=${1#*=} ;;
	--seed) seed=${2:-}; shift ;;
	--ops) ops=${2:-}; shift ;;
	--scale) scale=${2:-}; shift ;;
	--timeout) timeout=${2:-}; shift ;;
	--repro) repro=${2:-}; shift ;;
	-h|--help) sed -n '4,28p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done

# An oops leaves the kernel unusable (a CPU may spin forever on a lock the
# dead task held): oops=panic with panic=-1 and -no-reboot end the VM at
# once, the report on the console. Warnings and sanitizer reports do not
# stop the run, so that every one of them shows.
# Measured on the debug kernel under TCG (docs/reliability.md): the slice
# keeps the whole run near 3 minutes on a loaded 2-core machine.
if [ "$mode" = full ]; then
	: "${kernel:=debug}" "${ops:=1000000}" "${scale:=3}" "${timeout:=10800}"
	ftime=$((timeout - 1800))
else
	: "${kernel:=auto}" "${ops:=20000}" "${scale:=1}" "${timeout:=900}"
	ftime=$((timeout / 3))
fi
: "${seed:=$(date +%s)}"

# shellcheck source=tests/lib/tap.sh
. "$root/tests/lib/tap.sh"
# shellcheck source=tests/lib/klog.sh
. "$root/tests/lib/klog.sh"
# shellcheck source=tests/lib/qemu.sh
. "$root/tests/lib/qemu.sh"
pass() { tap_ok "$*"; }
fail() { tap_fail "$*"; }
finish() { tap_done; }

[ -z "$repro" ] || mode=repro

if [ "$kernel" = auto ]; then
	if sh "$here/build.sh" --cached >/dev/null; then kernel=debug; else kernel=stock; fi
fi

begin=$(date +%s)
case $kernel in
debug)
	if ! kdir=$(sh "$here/build.sh"); then
		fail "debug kernel built"
		finish
	fi
	release=$(cat "$kdir/kernelrelease")
	image=$kdir/bzImage
	KMODDIR=$kdir/modroot/lib/modules/$release
	KCONFIG=$kdir/linux/.config
	build=$kdir/linux
	pass "debug kernel $release: $(wc -l <"$kdir/verified-options") config options verified ($(grep -oE 'KASAN|UBSAN_BOUNDS|PROVE_LOCKING|DEBUG_ATOMIC_SLEEP|DEBUG_KMEMLEAK|DEBUG_LIST|DETECT_HUNG_TASK' "$kdir/verified-options" | sort -u | tr '\n' ' '))"
	append="kasan_multi_shot"
	;;
*)
	# shellcheck source=tests/lib/kernel.sh
	. "$root/tests/lib/kernel.sh"
	[ "$kernel" = stock ] && kernel=$(suite_default)
	suite_check "$kernel" || exit 2
	if ! suite_kernel "$kernel" || ! stock_ko=$(suite_module "$kernel"); then
		fail "Debian's $kernel kernel and mtty.ko built in its chroot"
		finish
	fi
	release=$KVER
	image=$KIMAGE
	build=
	echo "# stock kernel $release ($kernel): no sanitizers, lockdep or kmemleak"
	append=
	;;
esac

mkdir -p "$cache/logs"
work=$(mktemp -d "$cache/reliability.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP

# mtty.ko for the debug kernel, from a copy of the sources (the debug
# kernel was built with the host's compiler); Debian's kernels take the
# module their suite's chroot built.
src=${MTTY_SRC:-$root/kernel}
if [ -n "$build" ]; then
mkdir -p "$work/kernel/probes"
for f in "$src"/*.c "$src"/*.h "$src"/Kbuild "$src"/Makefile "$src"/conftest.sh; do
	case ${f##*/} in
	*.mod.c|mtty_config.h) ;;
	*) cp "$f" "$work/kernel/" ;;
	esac
done
cp "$src"/probes/*.c "$work/kernel/probes/"
# The copy has no debian/changelog beside it: the version comes from here.
# shellcheck source=tests/lib/kernel.sh
. "$root/tests/lib/kernel.sh"
version=$(mtty_version)
if make -s -C "$work/kernel" KDIR="$build" MTTY_VERSION="$version" >"$work/kbuild.log" 2>&1 &&
	[ -f "$work/kernel/mtty.ko" ]; then
	pass "mtty.ko built against $release"
else
	sed 's/^/#   /' "$work/kbuild.log" | tail -n 30
	fail "mtty.ko built against $release"
	finish
fi
else
	mkdir -p "$work/kernel"
	cp "$stock_ko" "$work/kernel/mtty.ko"
	pass "mtty.ko built against $release"
fi

if make -s -C "$root/tools/fuzz" >"$work/tools.log" 2>&1 &&
	make -s -C "$root/tools" mtty-client >>"$work/tools.log" 2>&1 &&
	make -s -C "$root/tests/vfio" mtty-vfio-test >>"$work/tools.log" 2>&1; then
	pass "mtty-fuzz, mtty-client and mtty-vfio-test built"
else
	sed 's/^/#   /' "$work/tools.log" | tail -n 30
	fail "mtty-fuzz, mtty-client and mtty-vfio-test built"
	finish
fi

img=$work/initramfs.cpio.gz
export KMODDIR KCONFIG
if ! sh "$here/mkimage.sh" "$img" "$work/kernel/mtty.ko" \
	"$root/tools/fuzz/mtty-fuzz" "$root/tools/mtty-client" \
	"$root/tests/vfio/mtty-vfio-test"; then
	fail "initramfs built"
	finish
fi
if [ -n "$repro" ]; then
	# A second archive holding the arguments; the kernel unpacks both.
	mkdir -p "$work/repro"
	printf '%s\n' "$repro" >"$work/repro/repro.args"
	(cd "$work/repro" && echo repro.args | cpio -o -H newc -R 0:0 --quiet) |
		gzip >>"$img"
fi

log=$cache/logs/reliability-$kernel-$mode-$(date +%Y%m%d-%H%M%S)-$$.log
echo "# $mode run on $release: $ops fuzz ops per device type, seed $seed, stress scale $scale"
echo "# serial log: $log"
: >"$log"
vmstart=$(date +%s)
qemu_tcg "$timeout" -m 1G -smp 2 -nographic -serial stdio \
	-kernel "$image" -initrd "$img" \
	-append "console=ttyS0 panic=-1 oops=panic $append mtty_ops=$ops mtty_seed=$seed mtty_fuzz_time=$ftime mtty_scale=$scale" \
	</dev/null >"$log" 2>&1 &
qpid=$!
tail -n +1 -f --pid="$qpid" "$log" | sed -u 's/\r$//' |
	grep --line-buffered -E "^(not )?ok [0-9]|^# |$KLOG_BAD" || true
qrc=0
wait "$qpid" || qrc=$?
end=$(date +%s)

clean=$(tr -d '\r' <"$log")
vpass=$(printf '%s\n' "$clean" | grep -Ec '^ok [0-9]' || true)
vfail=$(printf '%s\n' "$clean" | grep -Ec '^not ok [0-9]' || true)
tap_passed=$((tap_passed + vpass))
tap_failed=$((tap_failed + vfail))
if printf '%s\n' "$clean" | grep -q '^MTTY-VM-END'; then
	pass "VM ran to its end ($((end - vmstart)) s)"
else
	fail "VM ran to its end (qemu exit $qrc after $((end - vmstart)) s; limit $timeout s)"
fi
kbad=$(klog_console_bad "$log" || true)
if [ -z "$kbad" ]; then
	pass "kernel console free of reports"
else
	printf '%s\n' "$kbad" | head -n 40 | sed 's/^/#   /'
	fail "kernel console free of reports"
fi
echo "# $mode run on $release took $((end - begin)) s ($((end - vmstart)) s in the VM)"
finish
