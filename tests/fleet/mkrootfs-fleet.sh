#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Build (once) the disk image of a fleet host of Debian SUITE and print the
# directory that holds it:
#
#   mkrootfs-fleet.sh SUITE
#
# The fleet hosts are managed over SSH (Ansible), so their system is the
# package tier's (tests/package/mkrootfs-dkms.sh: tests/rootfs/mkrootfs.sh's
# tree with mdevctl, libvirt, dkms and the suite kernel's headers, made by
# those scripts, never copied from them) plus openssh-server, python3 and
# python3-apt (what Ansible's modules, its apt module included, run with on
# a managed host), a static address on QEMU's user network
# (systemd-networkd, on the user network's NIC only) and root's
# authorized key, the public half of the
# fleet's key pair (tests/fleet/hosts.sh: fleet_key; made once in the
# cache, never committed). The second kernel's packages the package tier
# keeps in /root/kernel-debs are left out.
#
# The directory has disk.img (raw ext4, the read-only base of each host's
# qcow2 overlay), vmlinuz and initrd.img (the image's own kernel, for
# QEMU's -kernel), kver and .mtty-complete. It is cached in
# $MTTY_CACHE/fleet under a hash of this script, the base tree's name and
# the public key; older images of the suite are removed.
#
# Environment: MTTY_CACHE (default ~/.cache/mtty), MTTY_MIRROR (see
# tests/rootfs/mkrootfs.sh).

set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${MTTY_CACHE:-$HOME/.cache/mtty}
suite=${1:?usage: mkrootfs-fleet.sh SUITE}
# The base builders read the suite from the environment.
MTTY_SUITE=$suite
export MTTY_SUITE
PATH=$PATH:/usr/sbin:/sbin
# shellcheck source=tests/lib/kernel.sh
. "$root/tests/lib/kernel.sh"
# shellcheck source=tests/fleet/hosts.sh
. "$here/hosts.sh"
suite_check "$suite"
suite_kernel "$suite"

for tool in mke2fs ssh-keygen; do
	if ! command -v "$tool" >/dev/null; then
		echo "mkrootfs-fleet: $tool missing (tests/fleet/run.sh installs it)" >&2
		exit 1
	fi
done

base=$(sh "$root/tests/package/mkrootfs-dkms.sh")
key=$(fleet_key)
# Room for the module builds, the role's work and the journal.
size=6G

hash=$( {
	cat "$0"
	echo "$(basename "$base") $size $fleet_mac"
	cat "$key.pub"
} | sha256sum | cut -c1-16)
out=$cache/fleet/image-$suite-$KVER-$hash
mkdir -p "$cache/fleet"

(
	flock 9
	[ -f "$out/.mtty-complete" ] && exit 0
	# An image is 1-2 GB: keep only the one in use.
	find "$cache/fleet" -mindepth 1 -maxdepth 1 -name "image-$suite-*" \
		! -name "$(basename "$out")" -exec rm -rf {} +
	tmp=$out.tmp.$$
	trap 'rm -rf "$tmp"' EXIT
	echo "mkrootfs-fleet: building $out (a few minutes)" >&2
	mkdir -p "$tmp"
	tree=$tmp/root
	cp -a "$base" "$tree"
	rm -rf "$tree/root/kernel-debs" "$tree/.mtty-complete"
	cp /etc/resolv.conf "$tree/etc/resolv.conf"
	# Nothing may start inside the chroot (openssh-server's postinst would
	# try to start sshd).
	printf '#!/bin/sh\nexit 101\n' >"$tree/usr/sbin/policy-rc.d"
	chmod 0755 "$tree/usr/sbin/policy-rc.d"
	# shellcheck disable=SC2016  # expanded by the chroot's shell
	in_chroot "$tree" sh -c '
		set -e
		export DEBIAN_FRONTEND=noninteractive
		apt-get -q -o Acquire::Check-Valid-Until=false update
		pkgs="openssh-server python3 python3-apt"
		# Debian 13 ships networkd as a package of its own; in 12 it
		# is part of systemd.
		if apt-cache show systemd-networkd >/dev/null 2>&1; then
			pkgs="$pkgs systemd-networkd"
		fi
		apt-get -q -y --no-install-recommends install $pkgs
		apt-get clean
		rm -rf /var/lib/apt/lists/*
		systemctl enable systemd-networkd.service ssh.service
	' >&2
	rm -f "$tree/usr/sbin/policy-rc.d"
	: >"$tree/etc/resolv.conf"

	# QEMU's user network always gives the guest this address, its
	# gateway and its DNS: no DHCP client and no wait for a lease. Only
	# on the NIC of that network (hosts.sh gives it $fleet_mac): a NIC a
	# test adds, e.g. a link between two hosts, is the test's to set up.
	mkdir -p "$tree/etc/systemd/network"
	cat >"$tree/etc/systemd/network/50-fleet.network" <<-EOF
		[Match]
		MACAddress=$fleet_mac

		[Network]
		Address=10.0.2.15/24
		Gateway=10.0.2.2
		DNS=10.0.2.3
	EOF
	# Keys only, root included (Ansible logs in as root).
	mkdir -p "$tree/etc/ssh/sshd_config.d"
	cat >"$tree/etc/ssh/sshd_config.d/50-fleet.conf" <<-'EOF'
		PermitRootLogin prohibit-password
		PasswordAuthentication no
		KbdInteractiveAuthentication no
	EOF
	install -d -m 0700 "$tree/root/.ssh"
	install -m 0600 "$key.pub" "$tree/root/.ssh/authorized_keys"

	cp "$tree/boot/vmlinuz-$KVER" "$tmp/vmlinuz"
	cp "$tree/boot/initrd.img-$KVER" "$tmp/initrd.img"
	echo "$KVER" >"$tmp/kver"
	mke2fs -q -t ext4 -L mtty-root -d "$tree" "$tmp/disk.img" "$size" >&2
	rm -rf "$tree"
	touch "$tmp/.mtty-complete"
	mv "$tmp" "$out"
	trap - EXIT
) 9>"$cache/fleet/image-$suite.lock"
echo "$out"
