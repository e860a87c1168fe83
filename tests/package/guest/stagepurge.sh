#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Package stage "purge": after the reboot the auto devices are back with
# version NEW; apt-get purge removes every file the packages installed and
# what DKMS made, and nothing else: the definitions stay.
# Sourced by boot.sh (lib.sh loaded).

# shellcheck source=tests/package/guest/pkglib.sh
. "$HERE/pkglib.sh"

after_reboot "$NEW"
# Files (not directories) the packages own, before they go.
owned=$(dpkg-query -L mtty mtty-dkms 2>/dev/null | while IFS= read -r f; do
	[ -d "$f" ] || echo "$f"
done)
check "the packages own files ($(printf '%s\n' "$owned" | grep -c .))" test -n "$owned"
apt_get "apt-get purge mtty mtty-dkms" purge mtty mtty-dkms
left=$(printf '%s\n' "$owned" | while IFS= read -r f; do
	[ -e "$f" ] || [ -L "$f" ] && echo "$f"
done)
check "every file of the packages is gone (left: ${left:-none})" test -z "$left"
# Purged packages are unknown ("un") or not listed at all.
states=$(dpkg-query -W -f '${Package} ${db:Status-Abbrev}\n' mtty mtty-dkms 2>/dev/null |
	awk '$2 != "un"')
check "dpkg knows neither package any more, not even config-files (${states:-none left})" \
	test -z "$states"
no_module
check "DKMS keeps nothing of mtty" sh -c '! test -e /var/lib/dkms/mtty'
check "the module's source is gone from /usr/src" sh -c '! ls -d /usr/src/mtty-* >/dev/null 2>&1'
definitions_kept "after apt-get purge"
journal_clean "(stage purge)"
