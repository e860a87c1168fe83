# SPDX-License-Identifier: GPL-2.0-only
#
# Installation of mtty, included by the top-level Makefile (it also works
# alone: make -f install/install.mk install). Targets:
#
#   install        module (kbuild's modules_install into updates/),
#                  tools, mdevctl callout, udev rules, systemd unit
#                  (enabled through its preset), man pages and
#                  documentation; then depmod, and reloads of udev and
#                  systemd when installing into the running system
#   uninstall      removes all of it again, the module of every kernel
#   dkms-install   the same, except that the module's source goes to
#                  /usr/src/mtty-VERSION and DKMS builds and installs it for
#                  the target kernel (and rebuilds it for every kernel
#                  installed later)
#   dkms-uninstall removes it from DKMS and /usr/src
#
# The Debian packages (make deb; debian/rules) use install-files and
# mtty-dkms-source. Only one mtty.ko may exist per kernel: install refuses
# while DKMS (the package or dkms-install) provides the module, and
# dkms-install and the mtty-dkms package remove what install put there.
#
# Variables: DESTDIR (staging root, e.g. a disk image's tree: no depmod and
# no reloads then), PREFIX (default /usr/local: tools, man pages, docs and
# the boot helper), KVER (default: newest /boot/vmlinuz-*), VFIO_GROUP
# (owner group of mtty's /dev/vfio/N, default kvm). The paths mdevctl,
# udev, systemd and kmod read are fixed by those programs, not by PREFIX.

# Included anywhere, this file must not change the including Makefile's
# default goal (restored at the end).
MTTY_SAVED_GOAL := $(.DEFAULT_GOAL)
MTTY_TOP := $(patsubst %/install/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))

# The newest kernel in /boot, else the newest with headers installed.
KVER ?= $(or $(shell ls /boot/vmlinuz-* 2>/dev/null | sed 's|.*/vmlinuz-||' | sort -V | tail -n 1),$(shell ls -d /lib/modules/*/build 2>/dev/null | sed 's|^/lib/modules/||; s|/build$$||' | sort -V | tail -n 1))
DESTDIR ?=
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/mtty
LIBEXECDIR ?= $(PREFIX)/libexec/mtty
VFIO_GROUP ?= kvm

# Directories owned by other programs, as they report them. Without their
# .pc files (pkg-config and, from Debian 13, systemd-dev are seldom
# installed): /usr/lib where /lib is a link to it (merged /usr, every
# Debian 12 and 13 host), else /lib. The distinction matters in a staging
# root: systemd 257 (Debian 13) no longer reads DESTDIR/lib/systemd, so
# systemctl --root=DESTDIR could not find the unit there.
MTTY_SYSLIB := $(if $(shell test -L /lib && echo merged),/usr/lib,/lib)
UDEVDIR ?= $(or $(shell pkg-config --variable=udevdir udev 2>/dev/null),$(MTTY_SYSLIB)/udev)
SYSTEMDUNITDIR ?= $(or $(shell pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null),$(MTTY_SYSLIB)/systemd/system)
MODULESLOADDIR ?= $(or $(shell pkg-config --variable=modulesloaddir systemd 2>/dev/null),/usr/lib/modules-load.d)
SYSTEMDPRESETDIR ?= $(or $(shell pkg-config --variable=systemdsystempresetdir systemd 2>/dev/null),$(MTTY_SYSLIB)/systemd/system-preset)
MODULESDIR ?= /lib/modules
MODULEDIR ?= $(MODULESDIR)/$(KVER)/updates
# mdevctl 1.3+ reads /usr/lib/...; 1.2.0 (Debian 12) only /etc/..., so the
# callout lives in the former and is linked from the latter.
MDEVCTL_LIBDIR ?= /usr/lib/mdevctl/scripts.d
MDEVCTL_ETCDIR ?= /etc/mdevctl.d/scripts.d
UDEV_ETCDIR ?= /etc/udev/rules.d

# The one version, from debian/changelog (as kernel/Makefile reads it).
mtty_changelog_version := 1s/^[^ ]* (\([^)]*\)).*/\1/p
MTTY_VERSION := $(shell sed -n '$(mtty_changelog_version)' $(MTTY_TOP)/debian/changelog)
DKMS_SRC := /usr/src/mtty-$(MTTY_VERSION)

INSTALL ?= install
# Unit and rule templates get the real paths at install time.
MTTY_SUBST = sed -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' -e 's|@VFIO_GROUP@|$(VFIO_GROUP)|g' \
	-e 's|@MTTY_VERSION@|$(MTTY_VERSION)|g'

# Every file install-files installs, relative to DESTDIR, for uninstall
# (the module is found by name under every kernel).
MTTY_FILES = \
	$(BINDIR)/mtty-client \
	$(BINDIR)/mtty-status \
	$(LIBEXECDIR)/mtty-mdev-autostart \
	$(MDEVCTL_LIBDIR)/callouts/mtty-callout \
	$(MDEVCTL_ETCDIR)/callouts/mtty-callout \
	$(UDEVDIR)/mtty-vfio-group \
	$(UDEVDIR)/rules.d/70-mtty-vfio.rules \
	$(UDEVDIR)/rules.d/70-mtty-autostart.rules \
	$(SYSTEMDUNITDIR)/mtty-autostart.service \
	$(SYSTEMDPRESETDIR)/80-mtty.preset \
	$(MODULESLOADDIR)/mtty.conf \
	$(MANDIR)/man4/mtty.4 \
	$(MANDIR)/man1/mtty-client.1 \
	$(MANDIR)/man1/mtty-status.1 \
	$(MANDIR)/man8/mtty-callout.8 \
	$(DOCDIR)/admin-guide.md \
	$(BINDIR)/mtty-libvirt-xml \
	$(MANDIR)/man1/mtty-libvirt-xml.1 \
	$(DOCDIR)/libvirt-guide.md \
	$(DOCDIR)/migration.md \
	$(DOCDIR)/fleet.md \
	$(DOCDIR)/examples/mtty-domain.xml \
	$(DOCDIR)/examples/mtty-hostdev.xml \
	$(DOCDIR)/examples/mtty-nodedev.xml

# What `make install` of mtty before 0.2.0 left that nothing uses now: an
# override of mdevctl's own udev rule (recognised by its first comment
# line, so that an administrator's own file stays) and a unit it started.
MTTY_OBSOLETE_RULE = $(DESTDIR)$(UDEV_ETCDIR)/60-mdevctl.rules
define MTTY_REMOVE_OBSOLETE
	if grep -qs '^# Replacement for the mdevctl package.s 60-mdevctl.rules, installed by mtty' $(MTTY_OBSOLETE_RULE); then \
		echo "removing $(MTTY_OBSOLETE_RULE), left by an older mtty"; rm -f $(MTTY_OBSOLETE_RULE); fi
	rm -f '$(DESTDIR)$(SYSTEMDUNITDIR)/mtty-mdevctl-start@.service' \
		$(DESTDIR)/etc/systemd/system/multi-user.target.wants/mtty-autostart.service
endef

# Only one mtty.ko per kernel: while DKMS provides mtty (the mtty-dkms
# package, or make dkms-install), make install would add a second one.
define MTTY_REFUSE_DKMS
	if dpkg-query -W -f='$${Status}' mtty-dkms 2>/dev/null | grep -q 'ok installed'; then \
		echo "install: the mtty-dkms package provides the module: remove it first" \
			"(apt remove mtty-dkms), or install the mtty package instead" >&2; exit 1; fi
	if command -v dkms >/dev/null && dkms status -m mtty 2>/dev/null | grep -q .; then \
		echo "install: DKMS provides the module (make dkms-install):" \
			"run make dkms-uninstall first, or use make dkms-install again" >&2; exit 1; fi
endef

# The copies make install puts in updates/ (kbuild compresses the module
# as the kernel's configuration says), for every kernel of DESTDIR.
MTTY_INSTALLED_KOS = $(wildcard $(DESTDIR)$(MODULESDIR)/*/updates/mtty.ko \
	$(DESTDIR)$(MODULESDIR)/*/updates/mtty.ko.xz \
	$(DESTDIR)$(MODULESDIR)/*/updates/mtty.ko.zst \
	$(DESTDIR)$(MODULESDIR)/*/updates/mtty.ko.gz)
# depmod for each kernel that had one, when installing into this system.
define MTTY_REMOVE_KOS
	rm -f $(MTTY_INSTALLED_KOS)
	$(if $(DESTDIR),,$(foreach k,$(sort $(patsubst $(MODULESDIR)/%/,%,$(dir $(patsubst %/,%,$(dir $(MTTY_INSTALLED_KOS)))))),if [ -d $(MODULESDIR)/$(k)/kernel ]; then depmod -a $(k); fi;))
endef

# Build what is installed: the module for KVER, and the client.  MTTY_KO
# names a module built elsewhere (e.g. in a chroot of the target suite)
# to install instead.
MTTY_KO ?=
mtty-build-module:
ifeq ($(MTTY_KO),)
	$(MAKE) -C $(MTTY_TOP)/kernel KVER=$(KVER)
endif

mtty-build-tools:
	$(MAKE) -C $(MTTY_TOP)/tools

## module, tools, callout, udev rules, units, docs (DESTDIR, PREFIX, MTTY_KO)
install: install-module install-files

# kbuild's modules_install, into updates/ (kernel/Makefile). Debian's
# kernel headers carry no signing key, so kbuild is told not to sign:
# on a Secure Boot host, sign with your own key (DKMS does that itself).
# MTTY_KO (a module built elsewhere, e.g. in a chroot of another suite
# for a test image) is copied to the same place instead.
install-module: mtty-check-one-module mtty-build-module
ifeq ($(MTTY_KO),)
	$(MAKE) -C $(MTTY_TOP)/kernel KVER=$(KVER) INSTALL_MOD_PATH=$(DESTDIR) \
		CONFIG_MODULE_SIG_ALL= modules_install
else
	$(INSTALL) -D -m 0644 $(MTTY_KO) $(DESTDIR)$(MODULEDIR)/mtty.ko
endif
ifeq ($(DESTDIR),)
	depmod -a $(KVER)
endif

# Before anything is built: refuse to add a second module.
mtty-check-one-module:
ifeq ($(DESTDIR),)
	@$(MTTY_REFUSE_DKMS)
endif

# Everything but the module (which make install or DKMS provides).
install-files: mtty-build-tools
	$(MTTY_REMOVE_OBSOLETE)
	$(INSTALL) -D -m 0755 $(MTTY_TOP)/tools/mtty-client $(DESTDIR)$(BINDIR)/mtty-client
	$(INSTALL) -m 0755 $(MTTY_TOP)/tools/mtty-status $(DESTDIR)$(BINDIR)/mtty-status
	$(INSTALL) -d $(DESTDIR)$(LIBEXECDIR)
	$(MTTY_SUBST) $(MTTY_TOP)/systemd/mtty-mdev-autostart >$(DESTDIR)$(LIBEXECDIR)/mtty-mdev-autostart
	chmod 0755 $(DESTDIR)$(LIBEXECDIR)/mtty-mdev-autostart
	@# mdevctl 1.2.0 fails every command if these two directories are missing.
	$(INSTALL) -d $(DESTDIR)$(MDEVCTL_ETCDIR)/callouts $(DESTDIR)$(MDEVCTL_ETCDIR)/notifiers
	$(INSTALL) -d $(DESTDIR)$(MDEVCTL_LIBDIR)/callouts
	$(MTTY_SUBST) $(MTTY_TOP)/mdevctl-callouts/mtty-callout >$(DESTDIR)$(MDEVCTL_LIBDIR)/callouts/mtty-callout
	chmod 0755 $(DESTDIR)$(MDEVCTL_LIBDIR)/callouts/mtty-callout
ifneq ($(MDEVCTL_ETC_LINK),no)
	ln -sfn $(MDEVCTL_LIBDIR)/callouts/mtty-callout $(DESTDIR)$(MDEVCTL_ETCDIR)/callouts/mtty-callout
endif
	$(INSTALL) -D -m 0755 $(MTTY_TOP)/udev/mtty-vfio-group $(DESTDIR)$(UDEVDIR)/mtty-vfio-group
	$(INSTALL) -d $(DESTDIR)$(UDEVDIR)/rules.d
	$(MTTY_SUBST) $(MTTY_TOP)/udev/70-mtty-vfio.rules.in >$(DESTDIR)$(UDEVDIR)/rules.d/70-mtty-vfio.rules
	$(INSTALL) -m 0644 $(MTTY_TOP)/udev/70-mtty-autostart.rules $(DESTDIR)$(UDEVDIR)/rules.d/70-mtty-autostart.rules
	$(INSTALL) -d $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(SYSTEMDPRESETDIR)
	$(MTTY_SUBST) $(MTTY_TOP)/systemd/mtty-autostart.service.in >$(DESTDIR)$(SYSTEMDUNITDIR)/mtty-autostart.service
	$(INSTALL) -m 0644 $(MTTY_TOP)/systemd/80-mtty.preset $(DESTDIR)$(SYSTEMDPRESETDIR)/80-mtty.preset
	$(INSTALL) -D -m 0644 $(MTTY_TOP)/systemd/mtty-modules-load.conf $(DESTDIR)$(MODULESLOADDIR)/mtty.conf
	$(INSTALL) -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man4 $(DESTDIR)$(MANDIR)/man8
	$(MTTY_SUBST) $(MTTY_TOP)/man/mtty.4 >$(DESTDIR)$(MANDIR)/man4/mtty.4
	$(MTTY_SUBST) $(MTTY_TOP)/man/mtty-client.1 >$(DESTDIR)$(MANDIR)/man1/mtty-client.1
	$(MTTY_SUBST) $(MTTY_TOP)/man/mtty-status.1 >$(DESTDIR)$(MANDIR)/man1/mtty-status.1
	$(MTTY_SUBST) $(MTTY_TOP)/man/mtty-callout.8 >$(DESTDIR)$(MANDIR)/man8/mtty-callout.8
	$(MTTY_SUBST) $(MTTY_TOP)/libvirt-xml/mtty-libvirt-xml.1 >$(DESTDIR)$(MANDIR)/man1/mtty-libvirt-xml.1
	$(MTTY_SUBST) $(MTTY_TOP)/libvirt-xml/mtty-libvirt-xml >$(DESTDIR)$(BINDIR)/mtty-libvirt-xml
	chmod 0755 $(DESTDIR)$(BINDIR)/mtty-libvirt-xml
	$(INSTALL) -d $(DESTDIR)$(DOCDIR)/examples
	$(INSTALL) -m 0644 $(MTTY_TOP)/docs/admin-guide.md $(MTTY_TOP)/docs/libvirt-guide.md \
		$(MTTY_TOP)/docs/migration.md $(MTTY_TOP)/docs/fleet.md $(DESTDIR)$(DOCDIR)/
	$(INSTALL) -m 0644 $(MTTY_TOP)/libvirt-xml/*.xml $(DESTDIR)$(DOCDIR)/examples/
ifneq ($(MTTY_ENABLE),no)
	@# Enabled the systemd way: its preset, applied by systemctl (offline
	@# with --root, which also works inside DESTDIR).
	if command -v systemctl >/dev/null; then \
		systemctl --root=$(or $(DESTDIR),/) preset mtty-autostart.service; \
	else echo "install: no systemctl: mtty-autostart.service is not enabled"; fi
endif
ifeq ($(DESTDIR),)
	$(MTTY_RELOAD)
endif

## remove what make install installed (the module of every kernel)
uninstall:
	if command -v systemctl >/dev/null; then \
		systemctl --root=$(or $(DESTDIR),/) disable mtty-autostart.service; fi
	$(MTTY_REMOVE_KOS)
	rm -f $(addprefix '$(DESTDIR),$(addsuffix ',$(MTTY_FILES)))
	$(MTTY_REMOVE_OBSOLETE)
	-rmdir $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) \
		$(DESTDIR)$(SYSTEMDPRESETDIR) 2>/dev/null
ifeq ($(DESTDIR),)
	$(MTTY_RELOAD)
endif

# Tell a running udev and systemd about the changed files; nothing to do
# on a system that does not run them (a chroot, a container build).
define MTTY_RELOAD
	if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
	if command -v udevadm >/dev/null && [ -S /run/udev/control ]; then udevadm control --reload; fi
endef

# The module's source as DKMS builds it: what kernel/ holds minus build
# output and the generated header, with the version written into
# dkms.conf (kernel/Makefile reads it from there).
## the same, with the module built by DKMS for every kernel
dkms-install: mtty-check-dkms mtty-dkms-source install-files
ifeq ($(DESTDIR),)
	@# What make install put in updates/ goes: DKMS's copy is the one.
	$(MTTY_REMOVE_KOS)
	@# Other versions that make dkms-install registered earlier.
	for v in $$(dkms status -m mtty 2>/dev/null | sed -n 's|^mtty[/,] *\([^,:]*\).*|\1|p' | sort -u); do \
		[ "$$v" = "$(MTTY_VERSION)" ] || dkms remove -m mtty -v "$$v" --all; done
	dkms add -m mtty -v $(MTTY_VERSION) || dkms status -m mtty -v $(MTTY_VERSION) | grep -q .
	dkms build -m mtty -v $(MTTY_VERSION) -k $(KVER)
	dkms install -m mtty -v $(MTTY_VERSION) -k $(KVER) --force
endif

mtty-check-dkms:
ifeq ($(DESTDIR),)
	@command -v dkms >/dev/null || { echo "dkms-install: dkms is not installed (apt-get install dkms)" >&2; exit 1; }
	@if dpkg-query -W -f='$${Status}' mtty-dkms 2>/dev/null | grep -q 'ok installed'; then \
		echo "dkms-install: the mtty-dkms package provides the module already" >&2; exit 1; fi
endif

mtty-dkms-source:
	rm -rf $(DESTDIR)$(DKMS_SRC)
	$(INSTALL) -d $(DESTDIR)$(DKMS_SRC)/probes
	$(INSTALL) -m 0644 $(MTTY_TOP)/kernel/Kbuild $(MTTY_TOP)/kernel/Makefile \
		$(MTTY_TOP)/kernel/conftest.sh \
		$(filter-out %.mod.c %/mtty_config.h,$(wildcard $(MTTY_TOP)/kernel/*.[ch])) \
		$(DESTDIR)$(DKMS_SRC)/
	sed 's/#MODULE_VERSION#/$(MTTY_VERSION)/' $(MTTY_TOP)/kernel/dkms.conf >$(DESTDIR)$(DKMS_SRC)/dkms.conf
	$(INSTALL) -m 0644 $(wildcard $(MTTY_TOP)/kernel/probes/*.c) $(DESTDIR)$(DKMS_SRC)/probes/

## remove the DKMS module and its source
dkms-uninstall:
	@if dpkg-query -W -f='$${Status}' mtty-dkms 2>/dev/null | grep -q 'ok installed'; then \
		echo "dkms-uninstall: the mtty-dkms package provides the module: apt remove mtty-dkms" >&2; exit 1; fi
	for v in $$(dkms status -m mtty 2>/dev/null | sed -n 's|^mtty[/,] *\([^,:]*\).*|\1|p' | sort -u); do \
		dkms remove -m mtty -v "$$v" --all; rm -rf $(DESTDIR)/usr/src/mtty-"$$v"; done
	rm -rf $(DESTDIR)$(DKMS_SRC)

.PHONY: mtty-build-module mtty-build-tools install install-module install-files uninstall \
	mtty-check-one-module mtty-check-dkms dkms-install mtty-dkms-source dkms-uninstall

.DEFAULT_GOAL := $(MTTY_SAVED_GOAL)
