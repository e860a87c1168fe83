#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The QEMU command line the VM tiers share (sourced, POSIX sh).
#
#   qemu_tcg SECONDS ARGS...   run qemu-system-x86_64 under TCG (no KVM
#                              here) with the flags every tier uses, killed
#                              after SECONDS; ARGS add memory, CPUs, kernel,
#                              initramfs, command line, disks and serial ports
#
# QEMU_TCG_THREAD=multi gives each vCPU a host thread of its own: the libvirt
# tier, whose full system runs a nested TCG guest beside libvirtd, needs
# both host cores (on one, a Debian 13 system's nested guest had not come
# up after 20 minutes with a kernel build beside it); everything else runs
# single-threaded, for the reason below.
#
# thread=single runs every vCPU in one host thread.  With multi-threaded
# TCG, a 6.12 guest booting on 2 vCPUs died now and then with "Oops: int3"
# in sched_clock_cpu while the kernel patched a static key ("sched_clock:
# Marking stable"): the other vCPU still ran the breakpoint after the
# patch.  One thread keeps the guest's view of its code coherent, and the
# tiers' concurrency tests still interleave.
#
# The same race hit the libvirt tier, which must stay multi-threaded: udev
# loaded kvm_amd for the SVM flag of QEMU's default CPU model (qemu64),
# kvm's init flipped the preempt-notifier static key used in __schedule,
# and the other vCPU died with "Oops: int3" there.  No tier runs KVM
# inside its VMs (nested guests are TCG, libvirt domains type 'qemu'), so
# the CPU has no SVM and no kvm module loads after boot.
#
# -nodefaults drops the NIC and VGA no tier needs; -no-reboot, with
# panic=-1 on the kernel command line, turns a kernel panic into an
# immediate QEMU exit instead of a hang until the timeout.  i440fx (-M pc)
# is the machine the sample walkthrough and libvirt's default domain use.

qemu_tcg() {
	_limit=$1
	shift
	timeout -k 10 "$_limit" qemu-system-x86_64 \
		-accel "tcg,thread=${QEMU_TCG_THREAD:-single}" -M pc \
		-cpu qemu64,-svm \
		-nodefaults -no-reboot "$@"
}
