# SPDX-License-Identifier: GPL-2.0-only
#
# Installation of mtty, included by the top-level Makefile (it also works
# alone: make -f install/install.mk install). Targets:
#
#   install        module, tools, mdevctl callout, udev rules, systemd units,
#                  man pages and documentation; then depmod, and reloads of
#                  udev and systemd when installing into the running system
#   uninstall      removes all of it again
#   dkms-install   the same, except that the module's source goes to
#                  /usr/src/mtty-VERSION and DKMS builds and installs it for
#                  the target kernel (and rebuilds it for every kernel
#                  installed later)
#   dkms-uninstall removes it from DKMS and /usr/src
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

# Directories owned by other programs, as they report them.
UDEVDIR ?= $(or $(shell pkg-config --variable=udevdir udev 2>/dev/null),/lib/udev)
SYSTEMDUNITDIR ?= $(or $(shell pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null),/lib/systemd/system)
MODULESLOADDIR ?= $(or $(shell pkg-config --variable=modulesloaddir systemd 2>/dev/null),/usr/lib/modules-load.d)
MODULEDIR ?= /lib/modules/$(KVER)/updates
# mdevctl 1.3+ reads /usr/lib/...; 1.2.0 (Debian 12) only /etc/..., so the
# callout lives in the former and is linked from the latter.
MDEVCTL_LIBDIR ?= /usr/lib/mdevctl/scripts.d
MDEVCTL_ETCDIR ?= /etc/mdevctl.d/scripts.d
UDEV_ETCDIR ?= /etc/udev/rules.d

MTTY_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(MTTY_TOP)/kernel/dkms.conf)
DKMS_SRC := /usr/src/mtty-$(MTTY_VERSION)

INSTALL ?= install
# Unit and rule templates get the real paths at install time.
MTTY_SUBST = sed -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' -e 's|@VFIO_GROUP@|$(VFIO_GROUP)|g'

# Every file installed, relative to DESTDIR, for uninstall.
MTTY_FILES = \
	$(MODULEDIR)/mtty.ko \
	$(BINDIR)/mtty-client \
	$(LIBEXECDIR)/mtty-mdev-autostart \
	$(MDEVCTL_LIBDIR)/callouts/mtty-callout \
	$(MDEVCTL_ETCDIR)/callouts/mtty-callout \
	$(UDEVDIR)/mtty-vfio-group \
	$(UDEVDIR)/rules.d/70-mtty-vfio.rules \
	$(UDEV_ETCDIR)/60-mdevctl.rules \
	$(SYSTEMDUNITDIR)/mtty-autostart.service \
	$(SYSTEMDUNITDIR)/mtty-mdevctl-start@.service \
	/etc/systemd/system/multi-user.target.wants/mtty-autostart.service \
	$(MODULESLOADDIR)/mtty.conf \
	$(MANDIR)/man4/mtty.4 \
	$(MANDIR)/man1/mtty-client.1 \
	$(MANDIR)/man8/mtty-callout.8 \
	$(DOCDIR)/admin-guide.md \
	$(BINDIR)/mtty-libvirt-xml \
	$(MANDIR)/man1/mtty-libvirt-xml.1 \
	$(DOCDIR)/libvirt-guide.md \
	$(DOCDIR)/examples/mtty-domain.xml \
	$(DOCDIR)/examples/mtty-hostdev.xml \
	$(DOCDIR)/examples/mtty-nodedev.xml

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

install-module: mtty-build-module
	$(INSTALL) -D -m 0644 $(or $(MTTY_KO),$(MTTY_TOP)/kernel/mtty.ko) $(DESTDIR)$(MODULEDIR)/mtty.ko
ifeq ($(DESTDIR),)
	depmod -a $(KVER)
endif

# Everything but the module (which make install or DKMS provides).
install-files: mtty-build-tools
	$(INSTALL) -D -m 0755 $(MTTY_TOP)/tools/mtty-client $(DESTDIR)$(BINDIR)/mtty-client
	$(INSTALL) -D -m 0755 $(MTTY_TOP)/systemd/mtty-mdev-autostart $(DESTDIR)$(LIBEXECDIR)/mtty-mdev-autostart
	@# mdevctl 1.2.0 fails every command if these two directories are missing.
	$(INSTALL) -d $(DESTDIR)$(MDEVCTL_ETCDIR)/callouts $(DESTDIR)$(MDEVCTL_ETCDIR)/notifiers
	$(INSTALL) -D -m 0755 $(MTTY_TOP)/mdevctl-callouts/mtty-callout $(DESTDIR)$(MDEVCTL_LIBDIR)/callouts/mtty-callout
	ln -sfn $(MDEVCTL_LIBDIR)/callouts/mtty-callout $(DESTDIR)$(MDEVCTL_ETCDIR)/callouts/mtty-callout
	$(INSTALL) -D -m 0755 $(MTTY_TOP)/udev/mtty-vfio-group $(DESTDIR)$(UDEVDIR)/mtty-vfio-group
	$(INSTALL) -d $(DESTDIR)$(UDEVDIR)/rules.d $(DESTDIR)$(UDEV_ETCDIR)
	$(MTTY_SUBST) $(MTTY_TOP)/udev/70-mtty-vfio.rules.in >$(DESTDIR)$(UDEVDIR)/rules.d/70-mtty-vfio.rules
	$(INSTALL) -m 0644 $(MTTY_TOP)/udev/60-mdevctl.rules $(DESTDIR)$(UDEV_ETCDIR)/60-mdevctl.rules
	$(INSTALL) -d $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)/etc/systemd/system/multi-user.target.wants
	$(MTTY_SUBST) $(MTTY_TOP)/systemd/mtty-autostart.service.in >$(DESTDIR)$(SYSTEMDUNITDIR)/mtty-autostart.service
	$(MTTY_SUBST) $(MTTY_TOP)/systemd/mtty-mdevctl-start@.service.in >'$(DESTDIR)$(SYSTEMDUNITDIR)/mtty-mdevctl-start@.service'
	@# Enabled as systemctl enable would, which also works inside DESTDIR.
	ln -sfn $(SYSTEMDUNITDIR)/mtty-autostart.service $(DESTDIR)/etc/systemd/system/multi-user.target.wants/mtty-autostart.service
	$(INSTALL) -D -m 0644 $(MTTY_TOP)/systemd/mtty-modules-load.conf $(DESTDIR)$(MODULESLOADDIR)/mtty.conf
	$(INSTALL) -D -m 0644 $(MTTY_TOP)/man/mtty.4 $(DESTDIR)$(MANDIR)/man4/mtty.4
	$(INSTALL) -D -m 0644 $(MTTY_TOP)/man/mtty-client.1 $(DESTDIR)$(MANDIR)/man1/mtty-client.1
	$(INSTALL) -D -m 0644 $(MTTY_TOP)/man/mtty-callout.8 $(DESTDIR)$(MANDIR)/man8/mtty-callout.8
	$(INSTALL) -D -m 0644 $(MTTY_TOP)/docs/admin-guide.md $(DESTDIR)$(DOCDIR)/admin-guide.md
	$(INSTALL) -D -m 0755 $(MTTY_TOP)/libvirt-xml/mtty-libvirt-xml $(DESTDIR)$(BINDIR)/mtty-libvirt-xml
	$(INSTALL) -D -m 0644 $(MTTY_TOP)/libvirt-xml/mtty-libvirt-xml.1 $(DESTDIR)$(MANDIR)/man1/mtty-libvirt-xml.1
	$(INSTALL) -D -m 0644 $(MTTY_TOP)/docs/libvirt-guide.md $(DESTDIR)$(DOCDIR)/libvirt-guide.md
	$(INSTALL) -d $(DESTDIR)$(DOCDIR)/examples
	$(INSTALL) -m 0644 $(MTTY_TOP)/libvirt-xml/*.xml $(DESTDIR)$(DOCDIR)/examples/
ifeq ($(DESTDIR),)
	$(MTTY_RELOAD)
endif

## remove what make install installed
uninstall:
	rm -f $(addprefix '$(DESTDIR),$(addsuffix ',$(MTTY_FILES)))
	-rmdir $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) 2>/dev/null
ifeq ($(DESTDIR),)
	depmod -a $(KVER)
	$(MTTY_RELOAD)
endif

# Tell a running udev and systemd about the changed files; nothing to do
# on a system that does not run them (a chroot, a container build).
define MTTY_RELOAD
	if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
	if command -v udevadm >/dev/null && [ -S /run/udev/control ]; then udevadm control --reload; fi
endef

# The module's source as DKMS builds it: what kernel/ holds minus build
# output and the generated header. Then the rest, as make install does; a
# module make install had put in updates/ goes, so that only DKMS's
# (updates/dkms/) is found.
## the same, with the module built by DKMS for every kernel
dkms-install: mtty-dkms-source install-files
ifeq ($(DESTDIR),)
	@command -v dkms >/dev/null || { echo "dkms-install: dkms is not installed (apt-get install dkms)" >&2; exit 1; }
	rm -f $(MODULEDIR)/mtty.ko
	dkms add -m mtty -v $(MTTY_VERSION) || dkms status -m mtty -v $(MTTY_VERSION) | grep -q .
	dkms build -m mtty -v $(MTTY_VERSION) -k $(KVER)
	dkms install -m mtty -v $(MTTY_VERSION) -k $(KVER) --force
endif

mtty-dkms-source:
	rm -rf $(DESTDIR)$(DKMS_SRC)
	$(INSTALL) -d $(DESTDIR)$(DKMS_SRC)/probes
	$(INSTALL) -m 0644 $(MTTY_TOP)/kernel/Kbuild $(MTTY_TOP)/kernel/Makefile \
		$(MTTY_TOP)/kernel/conftest.sh $(MTTY_TOP)/kernel/dkms.conf \
		$(filter-out %.mod.c %/mtty_config.h,$(wildcard $(MTTY_TOP)/kernel/*.[ch])) \
		$(DESTDIR)$(DKMS_SRC)/
	$(INSTALL) -m 0644 $(wildcard $(MTTY_TOP)/kernel/probes/*.c) $(DESTDIR)$(DKMS_SRC)/probes/

## remove the DKMS module and its source
dkms-uninstall:
	-dkms remove -m mtty -v $(MTTY_VERSION) --all
	rm -rf $(DESTDIR)$(DKMS_SRC)

.PHONY: mtty-build-module mtty-build-tools install install-module install-files uninstall \
	dkms-install mtty-dkms-source dkms-uninstall

.DEFAULT_GOAL := $(MTTY_SAVED_GOAL)
