#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Package stage "upgrade": after the reboot the auto devices are back with
# version FIRST; apt upgrades both packages to NEW while the devices run:
# they keep running and their definitions stay, DKMS replaces the module
# on disk (the running one is replaced at the next boot). Then a second
# kernel is installed, and DKMS builds mtty for it too.
# Sourced by boot.sh (lib.sh loaded).

# shellcheck source=tests/package/guest/pkglib.sh
. "$HERE/pkglib.sh"

after_reboot "$FIRST"
apt_get "apt-get install (upgrade $FIRST -> $NEW) with the devices running" \
	install "$DEBS"/new/mtty_*.deb "$DEBS"/new/mtty-dkms_*.deb
printf '%s\n' "$OUT" | grep -Ei 'dkms|error' | head -n 12 | notes
for u in "$PKG_AUTO2" "$PKG_AUTO1"; do
	check "auto device $u still runs after the upgrade" active "$u"
done
definitions_kept "after the upgrade"
client_loopback "$PKG_AUTO2"
run dkms status -m mtty
printf '%s\n' "$OUT" | notes
check "dkms status: only mtty $NEW is left" \
	sh -c "printf '%s\n' \"\$0\" | grep -q '$NEW' && ! printf '%s\n' \"\$0\" | grep -q '$FIRST'" "$OUT"
one_module "$KV" "$NEW"
got=$(cat /sys/module/mtty/version 2>&1)
check "the running module is still $FIRST until the next boot (got '$got')" test "$got" = "$FIRST"

apt_get "apt-get install the suite's second kernel and its headers ($KV2)" \
	install /root/kernel-debs/*.deb
printf '%s\n' "$OUT" | grep -Ei 'dkms|mtty' | head -n 8 | notes
one_module "$KV2" "$NEW"
journal_clean "(stage upgrade)"
