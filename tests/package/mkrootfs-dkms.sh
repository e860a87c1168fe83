#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Build (once) the root file system the package tier boots, and print the
# path of its directory:  mkrootfs-dkms.sh
#
# It is tests/rootfs/mkrootfs.sh's tree of the suite (MTTY_SUITE) plus what
# a host that installs mtty-dkms has: dkms (with openssl, which it signs
# modules with) and the running kernel's
# headers (apt-get in a chroot of a copy). /root/kernel-debs holds the
# packages of a second kernel of the suite (its -rt-amd64 flavour of the
# same release), which the test installs to see DKMS build mtty for it.
# Cached in $MTTY_CACHE/rootfs under a hash of this script and the base
# tree's name; the older trees of this variant are removed.

set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${MTTY_CACHE:-$HOME/.cache/mtty}
# shellcheck source=tests/lib/kernel.sh
. "$root/tests/lib/kernel.sh"

base=$(sh "$root/tests/rootfs/mkrootfs.sh")
suite=$(suite_default)
suite_kernel "$suite" || exit 1
second=${KVER%-amd64}-rt-amd64
common=linux-headers-$(echo "$KVER" | sed 's/-amd64$/-common-rt/')

key=$( {
	cat "$0"
	basename "$base"
} | sha256sum | cut -c1-16)
out=$cache/rootfs/dkms-$suite-$KVER-$key
if [ -f "$out/.mtty-complete" ]; then
	echo "$out"
	exit 0
fi

find "$cache/rootfs" -mindepth 1 -maxdepth 1 -name "dkms-$suite-*" \
	! -name "$(basename "$out")" -exec rm -rf {} +
tmp=$out.tmp.$$
trap 'rm -rf "$tmp"' EXIT
echo "mkrootfs-dkms: building $out (a few minutes)" >&2
cp -a "$base" "$tmp"
cp /etc/resolv.conf "$tmp/etc/resolv.conf"
# shellcheck disable=SC2016  # expanded by the chroot's shell
in_chroot "$tmp" sh -c '
	set -e
	export DEBIAN_FRONTEND=noninteractive
	apt-get -q -o Acquire::Check-Valid-Until=false update
	apt-get -q -y --no-install-recommends install dkms openssl "linux-headers-$1"
	mkdir -p /root/kernel-debs
	cd /root/kernel-debs
	apt-get -q download "linux-image-$2" "linux-headers-$2" "$3"
	apt-get clean
	rm -rf /var/lib/apt/lists/*
' sh "$KVER" "$second" "$common" >&2
: >"$tmp/etc/resolv.conf"
touch "$tmp/.mtty-complete"
mv "$tmp" "$out"
trap - EXIT
echo "$out"
