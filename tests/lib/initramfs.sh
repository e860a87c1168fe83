#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers of the busybox initramfs builders (tests/vm/mkinitramfs.sh,
# tests/debug-kernel/mkimage.sh, tests/libvirt/mkguest.sh), which source
# this file (POSIX sh): finding a static busybox, laying it out in a staged
# root, and copying a dynamically linked program's libraries there.

# static_busybox: print the path of a statically linked busybox (the
# images have no libc for a dynamic one); status 1 if there is none.
static_busybox() {
	for b in "$(command -v busybox 2>/dev/null)" /bin/busybox /usr/bin/busybox; do
		if [ -x "$b" ] && file -L "$b" | grep -q 'statically linked'; then
			echo "$b"
			return 0
		fi
	done
	return 1
}

# stage_busybox DIR BUSYBOX: BUSYBOX and one symlink per applet in DIR/bin,
# and the directories every image needs. /dev/console is created when we
# can (root): the kernel opens it for PID 1 before init runs; the inits
# also mount devtmpfs, so a non-root build still works.
stage_busybox() {
	mkdir -p "$1/bin" "$1/sbin" "$1/usr/bin" "$1/usr/sbin" "$1/proc" \
		"$1/sys" "$1/dev" "$1/tmp" "$1/run" "$1/etc"
	cp "$2" "$1/bin/busybox"
	for a in $("$2" --list); do
		[ "$a" = busybox ] || ln -sf busybox "$1/bin/$a"
	done
	mknod "$1/dev/console" c 5 1 2>/dev/null || true
	mknod "$1/dev/null" c 1 3 2>/dev/null || true
}

# elf_libs FILE...: the shared libraries and the loader the given ELF files
# need, one absolute path per line, each once (for copying, and for cache
# keys: an upgraded library must not pair with a cached copy of the old).
elf_libs() {
	for f in "$@"; do
		ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^[ \t]*\//{print $1}'
	done | LC_ALL=C sort -u
}

# stage_libs DIR FILE...: copy what elf_libs FILE... lists into DIR at the
# same paths.
stage_libs() {
	d=$1
	shift
	elf_libs "$@" | while read -r lib; do
		mkdir -p "$d$(dirname "$lib")"
		cp -L "$lib" "$d$lib"
	done
}
