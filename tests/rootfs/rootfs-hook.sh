#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# mmdebstrap customize hook of mkrootfs.sh, run on the host once the
# packages are installed:  sh rootfs-hook.sh ROOTDIR
#
# Makes the system boot unattended on a serial console with a persistent
# journal. Nothing of the project is installed here.
set -eu

root=$1
echo "/dev/vda / ext4 rw,errors=remount-ro 0 1" >"$root/etc/fstab"
echo mtty-test >"$root/etc/hostname"
# journald keeps the log across reboots only if this directory exists.
mkdir -p "$root/var/log/journal"
# Nobody logs in: no gettys, which also leaves ttyS0 to the kernel.
ln -sf /dev/null "$root/etc/systemd/system/serial-getty@.service"
ln -sf /dev/null "$root/etc/systemd/system/getty@.service"
# Timers that would only compete for the two emulated CPUs.
for t in apt-daily apt-daily-upgrade man-db e2scrub_all fstrim dpkg-db-backup; do
	ln -sf /dev/null "$root/etc/systemd/system/$t.timer"
done
