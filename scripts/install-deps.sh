#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Install, from Debian's archive, everything the build, the tests and the
# demo need on a fresh Debian machine (12 or 13).  Safe to run again.  No
# kernel image is installed: the tests boot kernels unpacked into the cache
# (tests/lib/kernel.sh) and the host's /boot stays untouched; the headers
# are for building the module for the host's own kernel (`make`).
set -eu

# The kernel source package of the host's release: checkpatch, the debug
# kernel and the benchmark's reference sample come from it.
# shellcheck disable=SC1091  # the host's own file
. /etc/os-release
case ${VERSION_CODENAME:-} in
bookworm) source_pkg=linux-source-6.1 ;;
trixie) source_pkg=linux-source-6.12 ;;
*) source_pkg=linux-source ;;
esac

pkgs="
util-linux
build-essential
bc
bison
flex
libelf-dev
libssl-dev
dwarves
kmod
linux-headers-amd64
$source_pkg
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
jq
systemd
ansible
ansible-lint
openssh-client
dpkg-dev
"

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
# An installed kernel (a real host's) gets its headers, for `make`.
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
