#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Build (once) the debug kernel the reliability tests boot: Debian's
# linux-source-6.1 with tinyconfig plus debug.config (KASAN, UBSAN,
# lockdep, kmemleak, ...), and print the directory that holds it:
#
#   DIR/bzImage          the kernel to boot
#   DIR/linux/           the build tree, usable as KDIR for out-of-tree modules
#   DIR/modroot/         modules_install output (lib/modules/RELEASE/...)
#   DIR/kernelrelease    uname -r of that kernel
#   DIR/verified-options the debug.config lines found in the final .config
#   DIR/build-seconds    wall time of the build
#
#   build.sh             build if needed; print DIR on stdout
#   build.sh --cached    print DIR and exit 0 if it is built, else exit 1
#   build.sh --print-dir print DIR (built or not)
#
# DIR is ${MTTY_CACHE:-~/.cache/mtty}/debug-kernel-KEY, KEY a hash of the
# source tarball, debug.config, the compiler and this script's recipe
# version, so any change of those builds a new kernel; a finished build
# of the same source and compiler seeds it, so that only what changed is
# recompiled. An interrupted build resumes where make stopped. Environment: MTTY_CACHE, JOBS (default:
# number of CPUs), NICE (default 10), LINUX_SOURCE (default
# /usr/src/linux-source-6.1.tar.xz). Needs bc flex bison libelf-dev
# libssl-dev (Debian packages) besides build-essential.

set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache=${MTTY_CACHE:-$HOME/.cache/mtty}
src=${LINUX_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
frag=$here/debug.config
jobs=${JOBS:-$(nproc)}
nice=${NICE:-10}
# Bump when the build steps below change in a way that changes the result.
recipe=1

mode=build
case ${1:-} in
'') ;;
--cached) mode=cached ;;
--print-dir) mode=print ;;
-h|--help) sed -n '4,26p' "$0"; exit 0 ;;
*) echo "build.sh: unknown argument $1" >&2; exit 2 ;;
esac

say() { echo "debug-kernel: $*" >&2; }
die() { say "$*"; exit 1; }

[ -f "$src" ] || die "$src not found (apt-get install linux-source-6.1)"

src_sum=$(sha256sum <"$src" | cut -d' ' -f1)
compiler=$(${CC:-gcc} --version | head -n 1)
key=$({
	echo "recipe $recipe"
	echo "$src_sum"
	sha256sum <"$frag"
	echo "$compiler"
} | sha256sum | cut -c1-16)
dir=$cache/debug-kernel-$key

if [ "$mode" = print ]; then
	printf '%s\n' "$dir"
	exit 0
fi
if [ "$mode" = cached ]; then
	[ -f "$dir/complete" ] || exit 1
	printf '%s\n' "$dir"
	exit 0
fi
if [ -f "$dir/complete" ]; then
	say "cached in $dir"
	printf '%s\n' "$dir"
	exit 0
fi

for tool in bc flex bison make gcc; do
	command -v "$tool" >/dev/null ||
		die "$tool missing (apt-get install bc flex bison build-essential)"
done
[ -f /usr/include/libelf.h ] || die "libelf.h missing (apt-get install libelf-dev)"
[ -f /usr/include/openssl/ssl.h ] || die "openssl headers missing (apt-get install libssl-dev)"

mkdir -p "$cache"
# One builder at a time per key; a second caller waits, then reuses.
exec 9>"$dir.lock"
flock 9
if [ -f "$dir/complete" ]; then
	printf '%s\n' "$dir"
	exit 0
fi

mkdir -p "$dir"
log=$dir/build.log
tree=$dir/linux
begin=$(date +%s)
say "building in $dir (log: $log); this takes a while"

kmake() {
	nice -n "$nice" make -C "$tree" ARCH=x86_64 "$@" >>"$log" 2>&1 || {
		tail -n 40 "$log" >&2
		die "make $* failed; full log in $log"
	}
}

# Compare the final .config with every option line of the fragment.
verify_config() {
	missing=0
	: >"$dir/verified-options.tmp"
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			if grep -qxF "$line" "$tree/.config"; then
				echo "$line" >>"$dir/verified-options.tmp"
			else
				name=${line%%=*}
				got=$(grep -E "^(# )?${name}[= ]" "$tree/.config" || echo "absent")
				say "MISSING: wanted $line, .config has: $got"
				missing=$((missing + 1))
			fi
			;;
		"# CONFIG_"*" is not set")
			name=${line#\# }
			name=${name%% *}
			if grep -q "^$name=" "$tree/.config"; then
				say "MISSING: wanted $line, .config has: $(grep "^$name=" "$tree/.config")"
				missing=$((missing + 1))
			else
				echo "$line" >>"$dir/verified-options.tmp"
			fi
			;;
		esac
	done <"$frag"
	[ "$missing" = 0 ] || die "$missing option(s) of $frag did not make it into .config"
	mv "$dir/verified-options.tmp" "$dir/verified-options"
	say "all $(wc -l <"$dir/verified-options") options of debug.config verified in .config"
}

# A finished build of the same source with the same compiler (another
# debug.config) seeds this one: kbuild then recompiles only what the
# changed options touch, instead of the whole kernel.
seed_tree() {
	for old in "$cache"/debug-kernel-*/; do
		old=${old%/}
		if [ "$old" != "$dir" ] && [ -f "$old/complete" ] &&
			[ "$(cat "$old/source-sha256" 2>/dev/null)" = "$src_sum" ] &&
			[ "$(cat "$old/compiler" 2>/dev/null)" = "$compiler" ] &&
			[ -d "$old/linux" ]; then
			printf '%s\n' "$old"
			return 0
		fi
	done
	return 1
}

if [ ! -f "$dir/configured" ]; then
	rm -rf "$tree"
	: >"$log"
	if old=$(seed_tree); then
		say "seeding the tree from $old (incremental build)"
		cp -a "$old/linux" "$tree"
	else
		mkdir -p "$tree"
		say "unpacking $src"
		tar -xJf "$src" -C "$tree" --strip-components=1
	fi
	echo "$src_sum" >"$dir/source-sha256"
	echo "$compiler" >"$dir/compiler"
	kmake tinyconfig
	"$tree/scripts/kconfig/merge_config.sh" -m -O "$tree" "$tree/.config" "$frag" >>"$log" 2>&1 ||
		die "merge_config.sh failed; see $log"
	kmake olddefconfig
	: >"$dir/configured"
fi
# Also checked when a build resumes: the tree may have been touched.
verify_config

say "make -j$jobs bzImage modules (nice $nice)"
kmake -j"$jobs" bzImage modules
rm -rf "$dir/modroot"
kmake INSTALL_MOD_PATH="$dir/modroot" modules_install
cp "$tree/arch/x86/boot/bzImage" "$dir/bzImage"
make -s -C "$tree" ARCH=x86_64 kernelrelease >"$dir/kernelrelease"
end=$(date +%s)
echo "$((end - begin))" >"$dir/build-seconds"
: >"$dir/complete"
say "built $(cat "$dir/kernelrelease") in $((end - begin)) s"
printf '%s\n' "$dir"
