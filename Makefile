# SPDX-License-Identifier: GPL-2.0-only
#
# mtty: build the module and the tools, test them on the host and inside a
# booted Debian kernel.  `make help` lists the targets.

# The newest kernel in /boot, else the newest with headers installed.
KVER ?= $(or $(shell ls /boot/vmlinuz-* 2>/dev/null | sed 's|.*/vmlinuz-||' | sort -V | tail -n 1),$(shell ls -d /lib/modules/*/build 2>/dev/null | sed 's|^/lib/modules/||; s|/build$$||' | sort -V | tail -n 1))
KDIR ?= /lib/modules/$(KVER)/build
export KVER KDIR

## build kernel/mtty.ko (for KVER/KDIR) and tools/
all: kernel tools

kernel:
	$(MAKE) -C kernel

# The client, and the VFIO conformance test the VM tiers run (not installed).
tools:
	$(MAKE) -C tools
	$(MAKE) -C tests/vfio

# Install what the build, the tests and the demo need (Debian 12, as root).
## install what the build and the tests need (apt, root; Debian 12 or 13)
deps:
	sh scripts/install-deps.sh

# Host-side checks: unit tests of the device model and a bounded libFuzzer
# run of it, the mdevctl callout's tests, the tools' checks without a
# device (under valgrind), the Ansible role against fake hosts, the
# libvirt XML and static analysis.
## host-side checks: unit tests, libFuzzer run, callout, tools, Ansible role, XML, lint
check: all
	sh tests/run-all.sh unit fuzzmodel callout client status ansible vfiohost fuzzhost libvirt-xml lint

# The kernels of the supported Debian suites (tests/lib/suites.list).
SUITES := $(shell awk '!/^\#/ && NF { print $$1 }' tests/lib/suites.list)

# The stages of `make test`: host checks, the build matrix (every suite's
# kernel, in its own chroot), the driver suite and nested guest booted on
# every suite's kernel, the fuzz and stress slice on 6.1 (debug kernel if
# cached) and 6.12, the reboot tests on full Debian 12 and 13 systems, a
# libvirt guest on Debian 12, `make demo`'s walkthrough (so that it
# cannot rot), a guest live-migrated between two QEMU 10 on Debian 13,
# and the Debian packages: built for Debian 12 and 13 with lintian, then
# installed, rebooted and purged on Debian 13.  About 55 minutes on 2
# cores with warm caches.
TEST_STAGES := unit fuzzmodel callout client status ansible vfiohost fuzzhost libvirt-xml lint deb matrix \
	$(addprefix vm:,$(SUITES)) reliability reliability:trixie \
	rootfs rootfs:trixie libvirt demo migrate:trixie package:trixie

# What does not fit beside them in an hour: the libvirt tier and the
# walkthrough on a Debian 13 system (libvirt 11.3, QEMU 10), `make deps` +
# `make` on a fresh Debian 13 host (a chroot), the packages' whole life
# (upgrade, a second kernel, remove, reinstall, purge) on Debian 12 and
# 13, the Ansible role on three full Debian 12 and 13 hosts (fleet),
# `virsh migrate --live` between two Debian 13 hosts (migrate-hosts), and
# the 1,000,000-op run on the debug kernel (whose build alone
# takes 20-50 minutes when it is not cached). The two package-full stages
# run side by side (each boots one single-threaded VM: two fill 2 cores).
PACKAGE_FULL := package-full:bookworm+package-full:trixie
FULL_STAGES := $(TEST_STAGES) --subtotal=test libvirt:trixie demo:trixie \
	hostdeps:trixie $(PACKAGE_FULL) fleet migrate-hosts debug

# Everything, on a fresh Debian machine too: installs what it needs first.
## make deps, then every stage; ends with "N passed, N failed"
test: deps tools
	sh tests/run-all.sh $(TEST_STAGES)

# `make test` and the tiers too long for it (FULL_STAGES above); the
# debug kernel is built first when it is not cached.
## make test plus libvirt, demo and make deps on Debian 13, the packages' whole life, the debug kernel
test-full: deps tools
	sh tests/run-all.sh $(FULL_STAGES)

# The module for every suite, each in a chroot of that suite, plain and
# with W=1 + sparse; every probe checked against the suite's headers.
## mtty.ko for every suite in its own chroot, plain and W=1 + sparse
matrix:
	sh tests/run-all.sh matrix

# The Ansible role on three full Debian 12 and 13 hosts reached by SSH:
# apply, idempotence, bad inventories, check mode, a reboot, a changed
# inventory, a host down during an apply (tests/fleet/run.sh).
## the Ansible role on three full Debian 12/13 hosts (about 20 minutes)
test-fleet: deps
	sh tests/run-all.sh fleet

# Only the VM tests (driver suite and nested guest), on every suite's kernel.
## driver suite and nested guest on every suite's kernel
test-vm: tools
	sh tests/run-all.sh $(addprefix vm:,$(SUITES))

# Reboot tests on a full Debian 12 system (second VM tier).
## reboot tests on full Debian 12 and 13 systems
test-rootfs: tools
	sh tests/run-all.sh rootfs rootfs:trixie

# Reliability: mtty-fuzz and the stress scripts in a VM. test-debug is the
# full run on a KASAN/UBSAN/lockdep/kmemleak kernel built from
# linux-source (cached; the first build takes long); test-reliability the
# bounded slice (debug kernel if cached, else Debian's).
## 1,000,000-op fuzz + stress on the debug (KASAN, lockdep...) kernel
test-debug: tools
	sh tests/run-all.sh debug

## the bounded fuzz/stress slice on 6.1 and 6.12
test-reliability: tools
	sh tests/run-all.sh reliability reliability:trixie

# The Debian source and binary packages mtty and mtty-dkms, for Debian 12
# and 13, each built in a clean chroot of its suite and checked with
# lintian; results in build/deb/SUITE/.
## Debian packages (mtty, mtty-dkms) for bookworm and trixie, with lintian
deb:
	sh tests/run-all.sh deb

# The packages' life on full Debian 12 and 13 systems: install (DKMS),
# upgrade from an older version, a second kernel, remove, reinstall,
# purge, each followed by a reboot.
## the Debian packages' life (apt install, upgrade, remove, purge) on Debian 12 and 13
test-package: tools
	sh tests/run-all.sh $(PACKAGE_FULL)

# Build (or find in the cache) the debug kernel only, so that later
# `make test` runs take their reliability slice on it.
## build (once, cached) the debug kernel the slice prefers
debug-kernel:
	sh tests/debug-kernel/build.sh

# Migration: the VFIO state machine and malformed streams without a VM on
# every suite's kernel (tests/vm/cases/35-migration.sh, inside the vm
# stages), a live guest moved between two QEMU 10 on Debian 13, and
# `virsh migrate --live` between two Debian 13 hosts (tests/fleet/migrate.sh).
## migration: VFIO level on every suite's kernel, a live guest on Debian 13's QEMU 10, two hosts
test-migration: tools
	sh tests/run-all.sh $(addprefix vm:,$(SUITES)) migrate:trixie migrate-hosts

# libvirt on that system: nodedev, a domain with the card, hot-plug, reboot.
## libvirt XML validation and a libvirt guest using the card
test-libvirt: tools
	sh tests/run-all.sh libvirt-xml libvirt libvirt:trixie

## checkpatch, cppcheck, clang-tidy, shellcheck
lint:
	sh scripts/lint.sh

# Benchmarks against the kernel's sample (built from the suite's own
# linux-source package) and the /dev/zero floor, one TCG VM under icount
# per suite's kernel; writes docs/benchmarks.md. Not part of `make test`.
## benchmarks vs the kernel's sample per suite; writes docs/benchmarks.md
bench: tools
	for s in $(SUITES); do sh tests/bench/run.sh --kernel $$s || exit 1; done

# Boot-time autostart of 100 and of 1,000 auto definitions on a full
# Debian 12 and Debian 13 system: mtty-autostart.service's start to all
# devices active, and how it grows. Not part of `make test`.
## boot-time autostart of 100 and 1,000 definitions (Debian 12 and 13)
bench-autostart: tools
	for s in bookworm trixie; do MTTY_SUITE=$$s sh tests/bench/autostart.sh || exit 1; done

# The Ansible role converging three full Debian hosts (12, 13, 12) from no
# device to 20 and to 100 per host, the no-change run and the removal.
# Not part of `make test`.
## the role's converge time on three hosts, 20 and 100 devices each
bench-fleet: deps
	sh tests/bench/fleet.sh

# The walkthrough as a sysadmin does it, in a throwaway full Debian VM:
# mdevctl define --auto, virsh attach-device, the guest's lspci and dmesg
# view of the card, data echoed through its /dev/ttyS1.
# The demo boots a system of the host's own release when it is one of the
# supported suites, else the first; DEMO_SUITE=trixie (or bookworm) tells
# it another.
HOST_SUITE := $(shell sed -n 's/^VERSION_CODENAME=//p' /etc/os-release 2>/dev/null)
DEMO_SUITE ?= $(or $(filter $(HOST_SUITE),$(SUITES)),$(firstword $(SUITES)))

## mdevctl + virsh walkthrough in a throwaway Debian VM (guest echoes on ttyS1)
demo: deps
	$(MAKE) tools
	env MTTY_SUITE=$(DEMO_SUITE) sh tests/libvirt/run.sh --demo

# Steps 1 to 8 of the kernel's mtty sample walkthrough by hand (sysfs, bare
# QEMU), in the
# busybox VM.
## the kernel sample walkthrough's steps by hand (sysfs, bare QEMU)
demo-sysfs: deps
	$(MAKE) all
	sh tests/vm/run-vm.sh --demo

## remove build products
clean:
	$(MAKE) -C kernel clean
	$(MAKE) -C tools clean
	$(MAKE) -C tests/vfio clean
	$(MAKE) -C tests/unit clean
	$(MAKE) -C tools/bench clean
	$(MAKE) -C tools/fuzz clean

include install/install.mk

## this list (from the Makefile's "## " comments)
help:
	@awk '/^## / { d = substr($$0, 4); next } \
		/^[a-z][a-z-]*:/ && d != "" { t = $$1; sub(/:.*/, "", t); \
			printf "make %-17s %s\n", t, d } { d = "" }' $(MAKEFILE_LIST)
	@echo "KVER=... / KDIR=... choose the target kernel of make (default: newest in /boot)"

.PHONY: all kernel tools deps check test test-full deb test-package matrix test-vm test-rootfs test-libvirt test-migration test-fleet test-debug test-reliability debug-kernel lint demo demo-sysfs bench bench-autostart bench-fleet clean help
