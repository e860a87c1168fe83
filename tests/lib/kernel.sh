#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The kernel under test, for every tier (sourced, POSIX sh; the caller sets
# $root to the top of the tree).  A kernel is named by its Debian suite
# (tests/lib/suites.list).  Nothing here touches the host's /boot or its
# boot loader: each suite gets a build chroot (mmdebstrap, with that suite's
# own gcc and linux-headers-amd64), the kernel package matching those
# headers is downloaded inside the chroot and unpacked with dpkg -x into the
# cache, and the module is built inside the chroot.  Everything lands in
# $MTTY_CACHE, keyed by its inputs.
#
#   suite_list                 every suite, one per line (default first)
#   suite_default              the default suite ($MTTY_SUITE or the first)
#   suite_series SUITE         its kernel series, e.g. 6.12
#   suite_label SUITE          e.g. "Debian 13"
#   suite_check SUITE          status 1 (and a message) if SUITE is unknown
#   suite_chroot SUITE         path of the suite's build chroot (made once)
#   suite_kernel SUITE         sets KVER, KIMAGE, KMODDIR, KCONFIG for the
#                              suite's kernel (unpacked once)
#   suite_module SUITE         builds mtty.ko in the chroot; prints its path
#   kernel_mod NAME            path of module NAME of $KMODDIR (.ko, .ko.xz,
#                              .ko.zst, .ko.gz), "builtin" if built in,
#                              status 1 if neither
#   kernel_mod_copy SRC DST    copy a module, decompressed, to DST
#   kernel_stage_vfio DIR      the VFIO modules mtty needs into an image
#   kernel_vmlinux             the uncompressed vmlinux of $KIMAGE

: "${root:?tests/lib/kernel.sh needs \$root}"
mtty_cache=${MTTY_CACHE:-$HOME/.cache/mtty}
mtty_suites=$root/tests/lib/suites.list

# Packages of a build chroot: the suite's compiler and kernel headers, and
# what the matrix's W=1 + sparse build and the probes need.
mtty_chroot_pkgs="gcc make libc6-dev kmod linux-headers-amd64 sparse bc"

# in_chroot CHROOT COMMAND...: run COMMAND in CHROOT with /proc mounted
# (7.2's objtool reads it), in a mount namespace of its own so that nothing
# stays mounted whatever happens.
in_chroot() {
	# shellcheck disable=SC2016  # expanded by the inner shell
	unshare --mount --propagation private sh -c \
		'mount -t proc proc "$0/proc" && exec chroot "$0" "$@"' "$@"
}

suite_list() {
	awk '!/^#/ && NF { print $1 }' "$mtty_suites"
}

suite_default() {
	if [ -n "${MTTY_SUITE:-}" ]; then
		echo "$MTTY_SUITE"
	else
		suite_list | head -n 1
	fi
}

suite_field() {
	awk -F '\t' -v s="$1" -v f="$2" '!/^#/ && $1 == s { print $f }' "$mtty_suites"
}

suite_series() {
	suite_field "$1" 2
}

suite_label() {
	suite_field "$1" 3
}

suite_check() {
	if [ -z "$(suite_field "$1" 1)" ]; then
		echo "unknown suite '$1' (known: $(suite_list | tr '\n' ' '))" >&2
		return 1
	fi
}

# mtty_key WORDS...: a short hash of the words, which name every input of
# a cached artefact (its recipe included, so a changed recipe changes them).
mtty_key() {
	echo "$@" | sha256sum | cut -c1-12
}

# mtty_mmdebstrap SUITE PACKAGES TARGET: a chroot of SUITE with PACKAGES
# (space-separated) at TARGET (a directory, or a tarball if it ends in
# .tar), its log in TARGET.log; on failure the log's end and status 1.
mtty_mmdebstrap() {
	# Testing's Release files may be past their Valid-Until.
	if ! mmdebstrap --variant=apt --mode=root \
		--aptopt='Acquire::Check-Valid-Until "false"' \
		--include="$(echo "$2" | tr ' ' ,)" \
		"$1" "$3" >"$3.log" 2>&1; then
		echo "mmdebstrap $1 failed (log: $3.log)" >&2
		tail -n 5 "$3.log" >&2
		rm -rf "$3"
		return 1
	fi
}

# suite_chroot SUITE: the build chroot of SUITE, made by mmdebstrap the
# first time (2-5 minutes) and cached; its path on stdout.  A lock keeps
# parallel tiers from making the same chroot twice.
suite_chroot() {
	suite_check "$1" || return 1
	dir=$mtty_cache/chroot/$1-$(mtty_key "$1" "$mtty_chroot_pkgs" mmdebstrap-apt-root)
	if [ ! -f "$dir/.mtty-complete" ]; then
		mkdir -p "$mtty_cache/chroot"
		(
			flock 9
			[ -f "$dir/.mtty-complete" ] && exit 0
			rm -rf "$dir"
			echo "# making the $1 build chroot (mmdebstrap, a few minutes)" >&2
			mtty_mmdebstrap "$1" "$mtty_chroot_pkgs" "$dir" || exit 1
			touch "$dir/.mtty-complete"
		) 9>"$mtty_cache/chroot/$1.lock" || return 1
	fi
	echo "$dir"
}

# suite_chroot_kver CHROOT: the kernel release of the chroot's
# linux-headers-amd64.
suite_chroot_kver() {
	# shellcheck disable=SC2012  # plain directory names
	ls -d "$1"/usr/src/linux-headers-*-amd64 2>/dev/null |
		sed 's|.*/linux-headers-||' | sort -V | tail -n 1
}

# suite_kernel SUITE: unpack (once) the kernel package matching the
# chroot's headers and set KVER, KIMAGE (the bzImage), KMODDIR (its
# lib/modules/KVER) and KCONFIG.  7.2's linux-image-KVER is an empty
# metapackage: its linux-* dependencies of the same release carry the
# image and the modules, so those are followed too.
suite_kernel() {
	ch=$(suite_chroot "$1") || return 1
	KVER=$(suite_chroot_kver "$ch")
	if [ -z "$KVER" ]; then
		echo "suite_kernel: no linux-headers-*-amd64 in $ch" >&2
		return 1
	fi
	kdir=$mtty_cache/kernels/$KVER-$(mtty_key "$KVER" dpkg-x-depends)
	if [ ! -f "$kdir/.mtty-complete" ]; then
		mkdir -p "$mtty_cache/kernels"
		(
			flock 9
			[ -f "$kdir/.mtty-complete" ] && exit 0
			rm -rf "$kdir" "$ch/tmp/mtty-debs"
			mkdir -p "$kdir" "$ch/tmp/mtty-debs"
			# apt downloads as its own user _apt.
			chmod 1777 "$ch/tmp/mtty-debs"
			# mmdebstrap leaves no package lists behind.
			if ! in_chroot "$ch" apt-get -q update \
				-o Acquire::Check-Valid-Until=false >"$kdir.log" 2>&1; then
				echo "suite_kernel: apt-get update in $ch failed (log: $kdir.log)" >&2
				exit 1
			fi
			want="linux-image-$KVER"
			got=
			while [ -n "$want" ]; do
				next=
				for p in $want; do
					case " $got " in *" $p "*) continue ;; esac
					got="$got $p"
					next="$next $(in_chroot "$ch" apt-cache depends \
						--no-recommends --no-suggests "$p" 2>/dev/null |
						awk -v v="$KVER" '$1 ~ /Depends:/ && index($2, v) { print $2 }')"
				done
				want=$next
			done
			# shellcheck disable=SC2086  # list of package names
			if ! (cd "$ch/tmp/mtty-debs" && in_chroot "$ch" sh -c \
				"cd /tmp/mtty-debs && apt-get download $got") >>"$kdir.log" 2>&1; then
				echo "suite_kernel: apt-get download$got failed (log: $kdir.log)" >&2
				exit 1
			fi
			for deb in "$ch"/tmp/mtty-debs/*.deb; do
				dpkg -x "$deb" "$kdir" || exit 1
				basename "$deb" >>"$kdir/.mtty-packages"
			done
			rm -rf "$ch/tmp/mtty-debs"
			touch "$kdir/.mtty-complete"
		) 9>"$mtty_cache/kernels/.lock" || return 1
	fi
	KIMAGE=
	for f in "$kdir/boot/vmlinuz-$KVER" "$kdir/usr/lib/modules/$KVER/vmlinuz" \
		"$kdir/lib/modules/$KVER/vmlinuz"; do
		[ -f "$f" ] && { KIMAGE=$f; break; }
	done
	KMODDIR=
	for d in "$kdir/lib/modules/$KVER" "$kdir/usr/lib/modules/$KVER"; do
		[ -d "$d/kernel" ] && { KMODDIR=$d; break; }
	done
	KCONFIG=
	for f in "$kdir/boot/config-$KVER" "$KMODDIR/config"; do
		[ -f "$f" ] && { KCONFIG=$f; break; }
	done
	if [ -z "$KIMAGE" ] || [ -z "$KMODDIR" ]; then
		echo "suite_kernel: no kernel image or modules in $kdir ($(tr '\n' ' ' <"$kdir/.mtty-packages" 2>/dev/null))" >&2
		return 1
	fi
	export KVER KIMAGE KMODDIR KCONFIG
}

# mtty_version: the project's version, from debian/changelog.
mtty_version() {
	sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' "$root/debian/changelog"
}

# suite_module SUITE [TARGET]: build kernel/ inside the suite's chroot with
# make TARGET (default: modules; "sparse" is the W=1 + sparse build) and
# print the module's path, build/SUITE/mtty.ko.  The build's output is in
# build/SUITE/TARGET.log.
suite_module() {
	ch=$(suite_chroot "$1") || return 1
	kver=$(suite_chroot_kver "$ch")
	target=${2:-modules}
	out=$root/build/$1
	mkdir -p "$out"
	# One build per chroot at a time: parallel tiers, and work trees of
	# the same repository, share the chroot's build directory.
	(
		flock 9
		# Kept between runs: kbuild rebuilds what changed, conftest.sh
		# reuses its answers.  One directory per source tree: tar keeps
		# the sources' times, so objects built from another work tree's
		# newer files would look up to date.  Sources only: whatever a
		# host build left in kernel/ stays out.
		bdir=/root/mtty-$(printf '%s' "$root" | sha256sum | cut -c1-12)
		mkdir -p "$ch$bdir"
		(cd "$root/kernel" && tar -cf - --exclude='*.o' --exclude='*.ko' \
			--exclude='.*.cmd' --exclude='*.mod*' --exclude=mtty_config.h \
			--exclude='*.symvers' --exclude='*.order' --exclude=conftest.log .) |
			tar -C "$ch$bdir" -xf -
		# Only kernel/ is copied: the version comes from here.
		if ! in_chroot "$ch" make -C "$bdir" KVER="$kver" \
			MTTY_VERSION="$(mtty_version)" \
			KDIR="/usr/src/linux-headers-$kver" "$target" >"$out/$target.log" 2>&1; then
			echo "suite_module: make $target for $1 ($kver) failed (log: $out/$target.log)" >&2
			tail -n 15 "$out/$target.log" >&2
			exit 1
		fi
		cp "$ch$bdir/mtty.ko" "$out/mtty.ko.tmp"
		mv "$out/mtty.ko.tmp" "$out/mtty.ko"
		cp "$ch$bdir/conftest.log" "$out/conftest.log" 2>/dev/null || true
		cp "$ch$bdir/mtty_config.h" "$out/mtty_config.h"
		echo "$kver" >"$out/kver"
	) 9>"$ch.lock" || return 1
	echo "$out/mtty.ko"
}

# kernel_mod NAME: where module NAME of $KMODDIR is; "builtin" when the
# kernel has it built in (modules.builtin, or =y in its config).
kernel_mod() {
	for ext in ko ko.xz ko.zst ko.gz; do
		f=$(find "$KMODDIR/kernel" -name "$1.$ext" | head -n 1)
		[ -n "$f" ] && { echo "$f"; return 0; }
	done
	if grep -qE "/$1\.ko" "$KMODDIR/modules.builtin" 2>/dev/null; then
		echo builtin
		return 0
	fi
	sym=CONFIG_$(echo "$1" | tr '[:lower:]' '[:upper:]')
	if [ -n "$KCONFIG" ] && grep -qx "$sym=y" "$KCONFIG"; then
		echo builtin
		return 0
	fi
	echo "kernel_mod: module $1 of $KVER is neither in $KMODDIR nor built in" >&2
	return 1
}

# kernel_mod_copy SRC DST: busybox insmod cannot be relied on to read every
# compression, so modules go into images decompressed.
kernel_mod_copy() {
	case $1 in
	*.xz) xz -dc "$1" >"$2" ;;
	*.zst) zstd -qdc "$1" >"$2" ;;
	*.gz) gzip -dc "$1" >"$2" ;;
	*) cp "$1" "$2" ;;
	esac
}

# The VFIO modules mtty needs, in the order a dependency comes first.
mtty_vfio_mods="vfio vfio_iommu_type1 mdev vfio_virqfd"

# kernel_stage_vfio DIR: copy the VFIO modules of $KMODDIR that mtty needs,
# and the modules they depend on, decompressed into DIR/lib/modules, and
# list them in load order in DIR/lib/modules/load.list (what the image's
# init insmods).  Built-in ones (6.12's vfio_virqfd) are skipped; the
# packages carry no modules.dep, so dependencies come from modinfo.
kernel_stage_vfio() {
	mkdir -p "$1/lib/modules"
	: >"$1/lib/modules/load.list"
	for m in $mtty_vfio_mods; do
		kernel_stage_one "$1" "$m" || return 1
	done
}

kernel_stage_one() {
	grep -qx "$2" "$1/lib/modules/load.list" && return 0
	f=$(kernel_mod "$2") || return 1
	[ "$f" = builtin ] && return 0
	kernel_mod_copy "$f" "$1/lib/modules/$2.ko" || return 1
	for dep in $(modinfo -F depends "$1/lib/modules/$2.ko" | tr ',' ' '); do
		kernel_stage_one "$1" "$dep" || return 1
	done
	echo "$2" >>"$1/lib/modules/load.list"
}

# kernel_vmlinux: the uncompressed vmlinux of $KIMAGE (cached; its path on
# stdout, status 1 if none could be made).  It boots a nested guest much
# faster than the XZ bzImage (PVH entry, no in-guest decompression under
# nested TCG).
kernel_vmlinux() {
	vmlinuz=$KIMAGE
	out=$mtty_cache/vmlinux-$KVER-$(sha256sum <"$vmlinuz" | cut -c1-16)
	if [ ! -f "$out" ]; then
		# Our own extract-vmlinux: find the first payload magic and
		# decompress from there; the first one that yields an ELF wins.
		for fmt in 'xz:\xfd7zXZ\x00' 'gzip:\x1f\x8b\x08' \
			'zstd:\x28\xb5\x2f\xfd'; do
			tool=${fmt%%:*}
			magic=${fmt#*:}
			for off in $(LC_ALL=C grep -obUaP "$magic" "$vmlinuz" |
				cut -d: -f1 | head -n 3); do
				case $tool in
				xz) tail -c +$((off + 1)) "$vmlinuz" |
					xz -dcq --single-stream >"$out.tmp.$$" 2>/dev/null || true ;;
				gzip) tail -c +$((off + 1)) "$vmlinuz" |
					gzip -dcq >"$out.tmp.$$" 2>/dev/null || true ;;
				zstd) tail -c +$((off + 1)) "$vmlinuz" |
					zstd -qdc >"$out.tmp.$$" 2>/dev/null || true ;;
				esac
				if [ "$(head -c 4 "$out.tmp.$$" | od -An -c | tr -d ' ')" = '177ELF' ]; then
					mv "$out.tmp.$$" "$out"
					break 2
				fi
			done
		done
		rm -f "$out.tmp.$$"
	fi
	[ -f "$out" ] && printf '%s\n' "$out"
}
