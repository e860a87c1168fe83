# SPDX-License-Identifier: GPL-2.0-only
#
# mtty: build the module and the tools, test them on the host and inside a
# booted Debian kernel.  `make help` lists the targets.

# The newest kernel in /boot, else the newest with headers installed.
KVER ?= $(or $(shell ls /boot/vmlinuz-* 2>/dev/null | sed 's|.*/vmlinuz-||' | sort -V | tail -n 1),$(shell ls -d /lib/modules/*/build 2>/dev/null | sed 's|^/lib/modules/||; s|/build$$||' | sort -V | tail -n 1))
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

# The kernels of the supported Debian suites (tests/lib/suites.list).
SUITES := $(shell awk '!/^\#/ && NF { print $$1 }' tests/lib/suites.list)

# The stages of `make test`: host checks, the build matrix (every suite's
# kernel, in its own chroot), the driver suite and nested guest booted on
# every suite's kernel, the fuzz and stress slice on 6.1 (debug kernel if
# cached) and 6.12, the reboot tests on a full Debian system, a libvirt
# guest on that system, and `make demo`'s walkthrough (so that it cannot
# rot).
TEST_STAGES := unit fuzzmodel callout client fuzzhost libvirt-xml lint matrix \
	$(addprefix vm:,$(SUITES)) reliability reliability:trixie rootfs libvirt demo

# Everything, on a fresh Debian machine too: installs what it needs first.
test: deps tools
	sh tests/run-all.sh $(TEST_STAGES)

# `make test` and the tiers too long for it: the 1,000,000-op fuzz and
# stress run on the debug kernel (which it builds first when not cached).
test-full: deps tools
	sh tests/run-all.sh $(TEST_STAGES) debug

# The module for every suite, each in a chroot of that suite, plain and
# with W=1 + sparse; every probe checked against the suite's headers.
matrix:
	sh tests/run-all.sh matrix

# Only the VM tests (driver suite and nested guest), on every suite's kernel.
test-vm: tools
	sh tests/run-all.sh $(addprefix vm:,$(SUITES))

# Reboot tests on a full Debian 12 system (second VM tier).
test-rootfs: tools
	sh tests/run-all.sh rootfs

# Reliability: mtty-fuzz and the stress scripts in a VM. test-debug is the
# full run on a KASAN/UBSAN/lockdep/kmemleak kernel built from
# linux-source (cached; the first build takes long); test-reliability the
# bounded slice (debug kernel if cached, else Debian's).
test-debug: tools
	sh tests/run-all.sh debug

test-reliability: tools
	sh tests/run-all.sh reliability reliability:trixie

# Build (or find in the cache) the debug kernel only, so that later
# `make test` runs take their reliability slice on it.
debug-kernel:
	sh tests/debug-kernel/build.sh

# libvirt on that system: nodedev, a domain with the card, hot-plug, reboot.
test-libvirt: tools
	sh tests/run-all.sh libvirt-xml libvirt

lint:
	sh scripts/lint.sh

# Benchmarks against the kernel's sample (built from the suite's own
# linux-source package) and the /dev/zero floor, one TCG VM under icount
# per suite's kernel; writes docs/benchmarks.md. Not part of `make test`.
bench: tools
	for s in $(SUITES); do sh tests/bench/run.sh --kernel $$s || exit 1; done

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
	@echo "make test       deps + check + build matrix + VM tiers on every suite's kernel (TCG)"
	@echo "make test-full  make test + the 1M-op fuzz/stress run on the debug kernel"
	@echo "make matrix     mtty.ko for every suite in its own chroot, W=1 + sparse"
	@echo "make test-vm    only the VM tests, on every suite's kernel"
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
	@echo "KVER=... / KDIR=... choose the target kernel of make (default: newest in /boot)"

.PHONY: all kernel tools deps check test test-full matrix test-vm test-rootfs test-libvirt test-debug test-reliability debug-kernel lint demo demo-sysfs bench clean help
