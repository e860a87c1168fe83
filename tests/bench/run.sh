#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Benchmark the project's mtty against the kernel's own sample and the
# system-call floor, in one VM run, and write docs/benchmarks.md.
#
#   tests/bench/run.sh
#
# 1. Builds kernel/mtty.ko and tools/bench/mtty-bench, and the kernel's
#    sample mtty from Debian's linux-source-6.1 against the same headers,
#    into $MTTY_CACHE/sample-<hash>/ (never into the repo).
# 2. Builds the initramfs: tests/vm/mkinitramfs.sh's image (busybox, vfio
#    modules, mtty.ko) plus a second archive with the sample, mtty-bench
#    and tests/bench/guest-init.
# 3. Boots one VM: qemu-system-x86_64 -accel tcg -smp 1, by default with
#    -icount shift=0,sleep=off so that the guest clock counts instructions
#    and the figures do not depend on the host's load.
# 4. Turns the BENCH lines of the serial log into docs/benchmarks.md
#    (tests/bench/report.sh).
#
# Environment:
#   BENCH_CLOCK=icount|wall   icount (default) or plain wall-clock TCG
#   BENCH_OUT=FILE            report path (default docs/benchmarks.md)
#   BENCH_RUNS, BENCH_ITERS, BENCH_IRQ_SAMPLES, BENCH_REPS,
#   BENCH_MEM_ROUNDS          repetitions (see tools/bench/mtty-bench -h)
#   BENCH_SIZES               device counts for the project ("24 1024 4096")
#   BENCH_TIMEOUT             hard limit of the VM in seconds (1800)
#   MTTY_KO                   module to measure instead of kernel/mtty.ko
#   KVER, KDIR, MTTY_CACHE, LINUX_SOURCE (default
#   /usr/src/linux-source-6.1.tar.xz)

set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${MTTY_CACHE:-$HOME/.cache/mtty}
clock=${BENCH_CLOCK:-icount}
out=${BENCH_OUT:-$root/docs/benchmarks.md}
timeout=${BENCH_TIMEOUT:-1800}
tarball=${LINUX_SOURCE:-/usr/src/linux-source-6.1.tar.xz}

case $clock in
icount | wall) ;;
*) echo "run.sh: BENCH_CLOCK must be icount or wall" >&2; exit 2 ;;
esac

if [ -z "${KVER:-}" ]; then
	# shellcheck disable=SC2012  # file names under /boot are plain
	KVER=$(ls /boot/vmlinuz-* | sed 's|^/boot/vmlinuz-||' | sort -V | tail -n 1)
fi
[ -n "$KVER" ] || { echo "run.sh: no /boot/vmlinuz-*" >&2; exit 1; }
kdir=${KDIR:-/lib/modules/$KVER/build}
export KVER

mkdir -p "$cache/logs"
stages=
cleanup() {
	# shellcheck disable=SC2086  # list of directories
	[ -z "$stages" ] || rm -rf $stages
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

log() {
	echo "# $*"
}

# ------------------------------------------------------------ builds ----
# MTTY_KO points at another build of the project's module (e.g. a variant
# under study); by default kernel/ is (re)built and its mtty.ko is used.
if [ -n "${MTTY_KO:-}" ]; then
	mtty_ko=$MTTY_KO
	log "building tools/bench/mtty-bench; module under test: $mtty_ko"
else
	mtty_ko=$root/kernel/mtty.ko
	log "building kernel/mtty.ko and tools/bench/mtty-bench"
	make -s -C "$root/kernel" KVER="$KVER" KDIR="$kdir" >/dev/null
fi
make -s -C "$root/tools/bench" >/dev/null

hash_files() {
	for f in "$@"; do
		printf '%s ' "$f"
		if [ -f "$f" ]; then sha256sum <"$f"; else echo missing; fi
	done | sha256sum | cut -c1-16
}

# The sample is built from the Debian source package at benchmark time:
# it is never part of the project, only its yardstick.
[ -f "$tarball" ] || {
	echo "run.sh: $tarball not found (apt-get install linux-source-6.1)" >&2
	exit 1
}
sample_key=$(hash_files "$tarball" "$kdir/.config" "$kdir/Module.symvers" |
	{ cat; echo "$KVER"; } | sha256sum | cut -c1-16)
sample_dir=$cache/sample-$sample_key
if [ ! -f "$sample_dir/mtty.ko" ]; then
	log "building the kernel's sample mtty into $sample_dir"
	st=$(mktemp -d "$cache/stage.XXXXXX")
	stages="$stages $st"
	tar -xJf "$tarball" -O --wildcards '*/samples/vfio-mdev/mtty.c' \
		>"$st/mtty.c"
	[ -s "$st/mtty.c" ] || { echo "run.sh: no samples/vfio-mdev/mtty.c in $tarball" >&2; exit 1; }
	echo 'obj-m := mtty.o' >"$st/Kbuild"
	make -s -C "$kdir" M="$st" modules >"$st/build.log" 2>&1 || {
		cat "$st/build.log" >&2
		exit 1
	}
	rm -rf "$sample_dir"
	mv "$st" "$sample_dir"
fi

log "building the initramfs"
base=$(MTTY_KO="$mtty_ko" sh "$root/tests/vm/mkinitramfs.sh")

# Parameters for guest-init; only the ones set here are passed.
params=$(for v in BENCH_RUNS BENCH_ITERS BENCH_IRQ_SAMPLES BENCH_REPS \
	BENCH_MEM_ROUNDS BENCH_SIZES; do
	eval "val=\${$v:-}"
	# shellcheck disable=SC2154  # val is set by the eval
	[ -z "$val" ] || printf '%s="%s"\n' "$v" "$val"
done)
bench_bin=$root/tools/bench/mtty-bench
overlay_key=$( { hash_files "$base" "$here/guest-init" "$bench_bin" \
	"$sample_dir/mtty.ko"; printf '%s\n' "$params"; } | sha256sum | cut -c1-16)
image=$cache/bench-initramfs-$KVER-$overlay_key.cpio.gz
if [ ! -f "$image" ]; then
	st=$(mktemp -d "$cache/stage.XXXXXX")
	stages="$stages $st"
	mkdir -p "$st/bench" "$st/usr/bin" "$st/lib/modules"
	cp "$here/guest-init" "$st/bench/init"
	chmod 755 "$st/bench/init"
	printf '%s\n' "$params" >"$st/bench/params"
	cp "$bench_bin" "$st/usr/bin/mtty-bench"
	cp "$sample_dir/mtty.ko" "$st/lib/modules/mtty-sample.ko"
	# The kernel unpacks concatenated archives one after the other.
	{
		cat "$base"
		(cd "$st" && find . | LC_ALL=C sort |
			cpio -o -H newc -R 0:0 --quiet) | gzip -6
	} >"$image.tmp"
	mv "$image.tmp" "$image"
fi

# ---------------------------------------------------------------- VM ----
if [ "$clock" = icount ]; then
	# One vCPU: icount with -smp 2 did not even finish booting.
	icount="-icount shift=0,sleep=off"
else
	icount=
fi
vmlog=$cache/logs/bench-$clock-$(date +%Y%m%d-%H%M%S)-$$.log
log "booting /boot/vmlinuz-$KVER (clock: $clock); serial log: $vmlog"
begin=$(date +%s)
rc=0
# shellcheck disable=SC2086  # $icount is empty or two words
timeout -k 10 "$timeout" qemu-system-x86_64 -accel tcg $icount \
	-M pc -m 1G -smp 1 -nographic -nodefaults -serial stdio -no-reboot \
	-kernel "/boot/vmlinuz-$KVER" -initrd "$image" \
	-append "console=ttyS0 panic=-1 loglevel=3 rdinit=/bench/init" \
	</dev/null >"$vmlog" 2>&1 || rc=$?
end=$(date +%s)
log "VM ran $((end - begin)) s wall (qemu exit $rc)"

sed -i 's/\r$//' "$vmlog"
grep -E '^(INFO|ERROR) ' "$vmlog" | grep -Ev '^INFO vm phase' | sed 's/^/#   /' || true
if ! grep -q '^BENCH-END' "$vmlog"; then
	echo "run.sh: the VM did not finish (see $vmlog)" >&2
	tail -n 30 "$vmlog" >&2
	exit 1
fi

# What was measured, for the report's header.
if [ -n "${MTTY_KO:-}" ]; then
	project="\`$mtty_ko\`"
else
	rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
	if [ -n "$(git -C "$root" status --porcelain --untracked-files=no -- kernel 2>/dev/null)" ]; then
		rev="$rev with uncommitted changes in kernel/"
	fi
	project="\`kernel/mtty.ko\` of commit $rev"
fi
project="$project (sha256 $(sha256sum <"$mtty_ko" | cut -c1-12))"
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || echo unknown)
sample="\`samples/vfio-mdev/mtty.c\` of \`$tarball\` (package version $srcver)"
host_cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
BENCH_CLOCK=$clock BENCH_WALL=$((end - begin)) BENCH_HOST_CPU=$host_cpu \
	BENCH_HOST_CORES=$(nproc) BENCH_QEMU="$(qemu-system-x86_64 --version | head -n 1)" \
	BENCH_PROJECT=$project BENCH_SAMPLE=$sample \
	sh "$here/report.sh" "$vmlog" >"$out.tmp"
mv "$out.tmp" "$out"
log "wrote $out"
if grep -q '^ERROR ' "$vmlog"; then
	echo "run.sh: some measurements failed (ERROR lines above)" >&2
	exit 1
fi
