# SPDX-License-Identifier: GPL-2.0-only
#
# mtty: build the module and the tools, test them on the host and inside a
# booted Debian kernel.  `make help` lists the targets.

KVER ?= $(shell ls /boot/vmlinuz-* 2>/dev/null | sed 's|.*/vmlinuz-||' | sort -V | tail -n 1)
KDIR ?= /lib/modules/$(KVER)/build
export KVER KDIR

all: kernel tools

kernel:
	$(MAKE) -C kernel

tools:
	$(MAKE) -C tools

# Install what the build, the tests and the demo need (Debian 12, as root).
deps:
	sh scripts/install-deps.sh

# Host-side checks: unit tests of the device model and a bounded libFuzzer
# run of it, the mdevctl callout's
# tests, the tools' checks without a device (under valgrind), the libvirt
# XML and static analysis.
check: all
	sh tests/run-all.sh unit fuzzmodel callout client fuzzhost libvirt-xml lint

# Everything: host checks, the tests inside a booted kernel (TCG VM), a
# bounded fuzz and stress slice (debug kernel if cached, else Debian's),
# the reboot tests on a full Debian system, a libvirt guest on that
# system, and `make demo`'s walkthrough (so that it cannot rot).
test: all
	sh tests/run-all.sh unit fuzzmodel callout client fuzzhost libvirt-xml lint vm reliability rootfs libvirt demo

# Only the VM tests.
test-vm: all
	sh tests/run-all.sh vm

# Reboot tests on a full Debian 12 system (second VM tier).
test-rootfs: all
	sh tests/run-all.sh rootfs

# Reliability: mtty-fuzz and the stress scripts in a VM. test-debug is the
# full run on a KASAN/UBSAN/lockdep/kmemleak kernel built from
# linux-source (cached; the first build takes long); test-reliability the
# bounded slice (debug kernel if cached, else Debian's).
test-debug: all
	sh tests/debug-kernel/run.sh --full

test-reliability: all
	sh tests/run-all.sh reliability

# Build (or find in the cache) the debug kernel only, so that later
# `make test` runs take their reliability slice on it.
debug-kernel:
	sh tests/debug-kernel/build.sh

# libvirt on that system: nodedev, a domain with the card, hot-plug, reboot.
test-libvirt: all
	sh tests/run-all.sh libvirt-xml libvirt

lint:
	sh scripts/lint.sh

# Benchmarks against the kernel's sample and the /dev/zero floor in one TCG
# VM under icount; writes docs/benchmarks.md. Not part of `make test`.
bench: kernel
	sh tests/bench/run.sh

# The walkthrough as a sysadmin does it, in a throwaway full Debian VM:
# mdevctl define --auto, virsh attach-device, the guest's lspci and dmesg
# view of the card, data echoed through its /dev/ttyS1.
demo: deps
	$(MAKE) all
	sh tests/libvirt/run.sh --demo

# The seed document's steps 1 to 8 by hand (sysfs, bare QEMU), in the
# busybox VM.
demo-sysfs: deps
	$(MAKE) all
	sh tests/vm/run-vm.sh --demo

clean:
	$(MAKE) -C kernel clean
	$(MAKE) -C tools clean
	$(MAKE) -C tests/unit clean
	$(MAKE) -C tools/bench clean
	$(MAKE) -C tools/fuzz clean

include install/install.mk

help:
	@echo "make            build kernel/mtty.ko and tools/"
	@echo "make deps       install build and test dependencies (apt, root)"
	@echo "make check      unit tests of the device model + static analysis"
	@echo "make test       check + VM tests in Debian's kernel under QEMU"
	@echo "make test-vm    only the VM tests"
	@echo "make test-rootfs   reboot tests on a full Debian system under QEMU"
	@echo "make test-debug    1M-op fuzz + stress on a debug (KASAN, lockdep...) kernel"
	@echo "make test-reliability  a bounded slice of it"
	@echo "make test-libvirt  libvirt XML validation and a libvirt guest using the card"
	@echo "make install    module, tools, callout, udev rules, systemd units, docs (DESTDIR, PREFIX, VFIO_GROUP)"
	@echo "make uninstall  remove what make install installed"
	@echo "make dkms-install  the same, with the module built by DKMS for every kernel"
	@echo "make demo       mdevctl + virsh walkthrough in a throwaway Debian VM, guest echoes on ttyS1"
	@echo "make demo-sysfs the seed's steps by hand (sysfs, bare QEMU) in a throwaway VM"
	@echo "make debug-kernel  build (once, cached) the debug kernel the reliability slice prefers"
	@echo "make bench      benchmarks vs the kernel's sample; writes docs/benchmarks.md"
	@echo "KVER=... / KDIR=... choose the target kernel (default: newest in /boot)"

.PHONY: all kernel tools deps check test test-vm test-rootfs test-libvirt test-debug test-reliability debug-kernel lint demo demo-sysfs bench clean help
