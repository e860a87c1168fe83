#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Benchmark the project's mtty against the kernel's own sample and the
# system-call floor on one kernel of the matrix, in one VM run, and write
# that kernel's section of docs/benchmarks.md.
#
#   tests/bench/run.sh [--kernel SUITE]
#
# SUITE is a Debian suite of tests/lib/suites.list (bookworm = 6.1,
# trixie = 6.12, ...); default $MTTY_SUITE, else the first suite.  Nothing
# of the host's /boot or /lib/modules is used: tests/lib/kernel.sh provides
# the suite's kernel, its build chroot and the module built there.
#
# 1. The project's module: suite_module SUITE (built in the suite's chroot),
#    unless MTTY_KO names another build.  tools/bench/mtty-bench is built
#    on the host (static).
# 2. The kernel's sample mtty: samples/vfio-mdev/mtty.c of the suite's own
#    linux-source-<series> package, the version of the chroot's kernel
#    headers; downloaded inside the chroot, unpacked with dpkg -x into
#    $MTTY_CACHE/linux-source/<package file>/, and built inside the chroot
#    against /usr/src/linux-headers-$KVER into $MTTY_CACHE/sample-<hash>/
#    (never into the repo).
# 3. The initramfs: tests/vm/mkinitramfs.sh's image (busybox, the suite's
#    vfio modules, the module under test) plus a second archive with the
#    sample, mtty-bench and tests/bench/guest-init.
# 4. One VM on the suite's kernel: qemu-system-x86_64 -accel tcg -smp 1, by
#    default with -icount shift=0,sleep=off so that the guest clock counts
#    instructions and the figures do not depend on the host's load.
# 5. tests/bench/report.sh turns the serial log into this suite's section
#    of docs/benchmarks.md and keeps the other suites' sections.
#
# Environment:
#   MTTY_SUITE                the suite when --kernel is not given
#   BENCH_CLOCK=icount|wall   icount (default) or plain wall-clock TCG
#   BENCH_OUT=FILE            report path (default docs/benchmarks.md)
#   BENCH_RUNS, BENCH_ITERS, BENCH_IRQ_SAMPLES, BENCH_REPS,
#   BENCH_MEM_ROUNDS          repetitions (see tools/bench/mtty-bench -h)
#   BENCH_SIZES               device counts for the project ("24 1024 4096")
#   BENCH_TIMEOUT             hard limit of the VM in seconds (1800)
#   MTTY_KO                   module to measure instead of the suite's build
#                             (it must be built for the suite's kernel)
#   MTTY_CACHE                cache directory (default ~/.cache/mtty)

set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

usage() {
	echo "usage: $0 [--kernel SUITE]" >&2
	exit 2
}
suite=
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) [ $# -ge 2 ] || usage; suite=$2; shift 2 ;;
	--kernel=*) suite=${1#--kernel=}; shift ;;
	-h | --help) echo "usage: $0 [--kernel SUITE]"; exit 0 ;;
	*) usage ;;
	esac
done

# shellcheck source=../lib/kernel.sh
. "$root/tests/lib/kernel.sh"
[ -n "$suite" ] || suite=$(suite_default)
suite_check "$suite" || exit 2
series=$(suite_series "$suite")

cache=$mtty_cache
clock=${BENCH_CLOCK:-icount}
report=${BENCH_OUT:-$root/docs/benchmarks.md}
timeout=${BENCH_TIMEOUT:-1800}

case $clock in
icount | wall) ;;
*) echo "run.sh: BENCH_CLOCK must be icount or wall" >&2; exit 2 ;;
esac

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

hash_files() {
	for hf in "$@"; do
		printf '%s ' "$hf"
		if [ -f "$hf" ]; then sha256sum <"$hf"; else echo missing; fi
	done | sha256sum | cut -c1-16
}

# ------------------------------------------------------------ kernel ----
# The functions of kernel.sh share global variable names (ch, kdir, out...):
# this script's own variables are named apart from them.
chroot_dir=$(suite_chroot "$suite") || exit 1
suite_kernel "$suite" || exit 1
headers=/usr/src/linux-headers-$KVER
[ -f "$chroot_dir$headers/Module.symvers" ] || {
	echo "run.sh: no $headers in $chroot_dir" >&2
	exit 1
}
log "suite $suite: Linux $KVER ($KIMAGE)"

# ------------------------------------------------------------ builds ----
if [ -n "${MTTY_KO:-}" ]; then
	case $MTTY_KO in /*) mtty_ko=$MTTY_KO ;; *) mtty_ko=$root/$MTTY_KO ;; esac
	[ -f "$mtty_ko" ] || { echo "run.sh: $mtty_ko not found" >&2; exit 1; }
	log "module under test: $mtty_ko"
else
	log "building mtty.ko in the $suite chroot"
	built=$(suite_module "$suite") || exit 1
	# A copy of our own: other tiers rebuild build/SUITE/mtty.ko at any
	# time, and the report names the module that was measured.  A fixed
	# path, since the image cache keys on it.
	mkdir -p "$cache/bench/$suite"
	mtty_ko=$cache/bench/$suite/mtty.ko
	cp "$built" "$mtty_ko.$$"
	mv "$mtty_ko.$$" "$mtty_ko"
fi
log "building tools/bench/mtty-bench"
make -s -C "$root/tools/bench" >/dev/null

# ------------------------------------------------------------ sample ----
# The sample comes from the suite's own linux-source package at benchmark
# time: it is never part of the project, only its yardstick.  apt runs in
# the chroot, so the package is the suite's, not the host's.
srcpkg=linux-source-$series
apt_chroot() {
	in_chroot "$chroot_dir" apt-get -q -o Acquire::Check-Valid-Until=false "$@"
}
apt_update() {
	log "apt-get update in the $suite chroot"
	apt_chroot update >"$cache/logs/apt-update-$suite.log" 2>&1 || {
		echo "run.sh: apt-get update in $chroot_dir failed (log: $cache/logs/apt-update-$suite.log)" >&2
		exit 1
	}
}
# The package file apt would download for "$1" (package[=version]), or
# nothing.
deb_name() {
	apt_chroot download --print-uris "$1" 2>/dev/null | awk 'NR == 1 { print $2 }'
}
# mmdebstrap leaves no package lists behind.
if ! ls "$chroot_dir"/var/lib/apt/lists/*_Packages >/dev/null 2>&1; then
	apt_update
fi
# The source of the kernel's own version (the chroot's headers), else the
# suite's current one.
# shellcheck disable=SC2016  # a dpkg-query format, not an expansion
srcver=$(in_chroot "$chroot_dir" dpkg-query -W -f='${source:Version}' \
	"linux-headers-$KVER" 2>/dev/null || true)
want=$srcpkg${srcver:+=$srcver}
deb=$(deb_name "$want")
if [ -z "$deb" ]; then
	apt_update
	deb=$(deb_name "$want")
fi
if [ -z "$deb" ] && [ "$want" != "$srcpkg" ]; then
	log "no $want in the $suite archive; using its current $srcpkg"
	want=$srcpkg
	deb=$(deb_name "$want")
fi
[ -n "$deb" ] || { echo "run.sh: $srcpkg not found in the $suite archive" >&2; exit 1; }
srcdir=$cache/linux-source/${deb%.deb}
if [ ! -f "$srcdir/.mtty-complete" ]; then
	mkdir -p "$cache/linux-source"
	(
		flock 9
		[ -f "$srcdir/.mtty-complete" ] && exit 0
		log "downloading $deb in the $suite chroot"
		dl=$(mktemp -d "$chroot_dir/tmp/mtty-src.XXXXXX")
		# apt downloads as its own user _apt.
		chmod 1777 "$dl"
		# shellcheck disable=SC2016  # expanded by the chroot's sh
		if ! in_chroot "$chroot_dir" sh -c 'cd "$1" && shift && exec "$@"' sh \
			"/tmp/${dl##*/}" apt-get -q -o Acquire::Check-Valid-Until=false \
			download "$want" >"$cache/logs/download-${deb%.deb}.log" 2>&1 ||
			[ ! -f "$dl/$deb" ]; then
			echo "run.sh: apt-get download $want failed (log: $cache/logs/download-${deb%.deb}.log)" >&2
			rm -rf "$dl"
			exit 1
		fi
		rm -rf "$srcdir"
		mkdir -p "$srcdir"
		dpkg -x "$dl/$deb" "$srcdir" || { rm -rf "$dl" "$srcdir"; exit 1; }
		rm -rf "$dl"
		tarball=$(find "$srcdir/usr/src" -maxdepth 1 -name 'linux-source-*.tar.*' | head -n 1)
		[ -n "$tarball" ] || { echo "run.sh: no source tarball in $deb" >&2; exit 1; }
		log "extracting samples/vfio-mdev/mtty.c from ${tarball##*/}"
		tar -xf "$tarball" -O --wildcards '*/samples/vfio-mdev/mtty.c' \
			>"$srcdir/mtty.c.tmp"
		[ -s "$srcdir/mtty.c.tmp" ] ||
			{ echo "run.sh: no samples/vfio-mdev/mtty.c in $tarball" >&2; exit 1; }
		mv "$srcdir/mtty.c.tmp" "$srcdir/mtty.c"
		echo "${tarball#"$srcdir"}" >"$srcdir/.mtty-tarball"
		touch "$srcdir/.mtty-complete"
	) 9>"$cache/linux-source/.lock" || exit 1
fi
sample_src=$srcdir/mtty.c

# Built inside the chroot: newer suites' kbuild needs their own glibc and
# gcc.  Keyed by the source, the kernel's build interface and the compiler.
sample_cc=$(in_chroot "$chroot_dir" sh -c 'gcc --version | head -n 1')
sample_key=$( { hash_files "$sample_src" "$chroot_dir$headers/.config" \
	"$chroot_dir$headers/Module.symvers"; echo "$KVER $sample_cc chroot-kbuild-1"; } |
	sha256sum | cut -c1-16)
sample_dir=$cache/sample-$sample_key
if [ ! -f "$sample_dir/mtty.ko" ]; then
	log "building the kernel's sample mtty in the $suite chroot into $sample_dir"
	st=$(mktemp -d "$chroot_dir/tmp/mtty-sample.XXXXXX")
	stages="$stages $st"
	cp "$sample_src" "$st/mtty.c"
	echo 'obj-m := mtty.o' >"$st/Kbuild"
	in_chroot "$chroot_dir" make -C "$headers" M="/tmp/${st##*/}" modules \
		>"$st/build.log" 2>&1 || {
		cat "$st/build.log" >&2
		exit 1
	}
	sst=$(mktemp -d "$cache/stage.XXXXXX")
	stages="$stages $sst"
	cp "$st/mtty.c" "$st/mtty.ko" "$st/build.log" "$sst/"
	echo "$deb" >"$sst/package"
	rm -rf "$sample_dir"
	mv "$sst" "$sample_dir"
fi

log "building the initramfs"
base=$(MTTY_SUITE=$suite MTTY_KO=$mtty_ko sh "$root/tests/vm/mkinitramfs.sh")
# Two builders of the same cached image at the same time (other tiers run
# in parallel) can leave it corrupt, which the guest kernel only reports as
# "junk within compressed archive": check it, and make it again if need be.
if ! gzip -t "$base" 2>/dev/null; then
	log "$base is corrupt; making it again"
	rm -f "$base"
	base=$(MTTY_SUITE=$suite MTTY_KO=$mtty_ko sh "$root/tests/vm/mkinitramfs.sh")
	gzip -t "$base" || { echo "run.sh: $base is corrupt" >&2; exit 1; }
fi

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
	stages="$stages $st $st.cpio.gz"
	mkdir -p "$st/bench" "$st/usr/bin" "$st/lib/modules"
	cp "$here/guest-init" "$st/bench/init"
	chmod 755 "$st/bench/init"
	printf '%s\n' "$params" >"$st/bench/params"
	cp "$bench_bin" "$st/usr/bin/mtty-bench"
	cp "$sample_dir/mtty.ko" "$st/lib/modules/mtty-sample.ko"
	# The kernel unpacks concatenated archives one after the other.
	# A temporary name of its own: a parallel run may build the same image.
	{
		cat "$base"
		(cd "$st" && find . | LC_ALL=C sort |
			cpio -o -H newc -R 0:0 --quiet) | gzip -6
	} >"$st.cpio.gz"
	mv "$st.cpio.gz" "$image"
fi

# ---------------------------------------------------------------- VM ----
if [ "$clock" = icount ]; then
	# One vCPU: icount with -smp 2 did not even finish booting.
	icount="-icount shift=0,sleep=off"
else
	icount=
fi
vmlog=$cache/logs/bench-$suite-$clock-$(date +%Y%m%d-%H%M%S)-$$.log
log "booting $KIMAGE (clock: $clock); serial log: $vmlog"
begin=$(date +%s)
rc=0
# shellcheck disable=SC2086  # $icount is empty or two words
timeout -k 10 "$timeout" qemu-system-x86_64 -accel tcg $icount \
	-M pc -m 1G -smp 1 -nographic -nodefaults -serial stdio -no-reboot \
	-kernel "$KIMAGE" -initrd "$image" \
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
	project="\`kernel/\` of commit $rev, built in the $suite chroot"
fi
project="$project (sha256 $(sha256sum <"$mtty_ko" | cut -c1-12))"
sample="\`samples/vfio-mdev/mtty.c\` of \`$deb\`"
host_cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
# The other kernels' sections are read from the report and written back:
# one writer at a time.
mkdir -p "$cache/bench"
(
	flock 9
	BENCH_CLOCK=$clock BENCH_WALL=$((end - begin)) BENCH_HOST_CPU=$host_cpu \
		BENCH_HOST_CORES=$(nproc) BENCH_QEMU="$(qemu-system-x86_64 --version | head -n 1)" \
		BENCH_PROJECT=$project BENCH_SAMPLE=$sample BENCH_CC=$sample_cc \
		BENCH_SAMPLE_SRC=$sample_dir/mtty.c BENCH_SUITE=$suite BENCH_SERIES=$series \
		BENCH_LABEL="$(suite_label "$suite")" \
		sh "$here/report.sh" "$vmlog" "$report" >"$report.tmp.$$"
	mv "$report.tmp.$$" "$report"
) 9>"$cache/bench/report.lock" || { rm -f "$report.tmp.$$"; exit 1; }
log "wrote the $suite section of $report"
if grep -q '^ERROR ' "$vmlog"; then
	echo "run.sh: some measurements failed (ERROR lines above)" >&2
	exit 1
fi
