#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Install, from Debian's archive, everything the build, the tests and the
# demo need on a fresh Debian 12 machine.  Safe to run again.
set -eu

pkgs="
build-essential
bc
bison
flex
libelf-dev
libssl-dev
dwarves
kmod
linux-image-amd64
linux-headers-amd64
linux-source-6.1
qemu-system-x86
busybox-static
pciutils
setserial
cpio
gzip
xz-utils
zstd
sparse
shellcheck
cppcheck
clang
clang-tidy
valgrind
mmdebstrap
e2fsprogs
pkg-config
libvirt-clients
libxml2-utils
file
"

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
# Debian's kernel meta package may be installed while its headers lag.
for h in /boot/vmlinuz-*; do
	[ -e "$h" ] || continue
	v=${h#/boot/vmlinuz-}
	[ -d "/lib/modules/$v/build" ] || missing="$missing linux-headers-$v"
done

if [ -z "$missing" ]; then
	echo "install-deps: everything is installed"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing (run as root)" >&2
	exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
