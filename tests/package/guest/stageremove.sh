#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Package stage "remove": after the reboot the auto devices are back with
# version NEW; apt-get remove takes both packages (the module of every
# kernel, the unit, the tools) and leaves /etc/mdevctl.d as it was.
# Sourced by boot.sh (lib.sh loaded).

# shellcheck source=tests/package/guest/pkglib.sh
. "$HERE/pkglib.sh"

after_reboot "$NEW"
[ -d "/lib/modules/$KV2" ] && one_module "$KV2" "$NEW"
apt_get "apt-get remove mtty mtty-dkms" remove mtty mtty-dkms
definitions_kept "after apt-get remove"
no_module
check "the unit and the tools are gone" \
	sh -c '! systemctl cat mtty-autostart.service >/dev/null 2>&1 && ! test -e /usr/bin/mtty-client'
journal_clean "(stage remove)"
