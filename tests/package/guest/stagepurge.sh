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
run dpkg-query -W -f '${db:Status-Abbrev}' mtty mtty-dkms
check "dpkg knows neither package any more (no config-files state)" \
	sh -c "! printf '%s' \"\$0\" | grep -q '[a-z]'" "$OUT"
no_module
check "DKMS keeps nothing of mtty" sh -c '! test -e /var/lib/dkms/mtty'
check "the module's source is gone from /usr/src" sh -c '! ls -d /usr/src/mtty-* >/dev/null 2>&1'
definitions_kept "after apt-get purge"
journal_clean "(stage purge)"
