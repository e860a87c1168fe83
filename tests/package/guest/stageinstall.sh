#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Package stage "install", first boot: a host with dkms and its kernel's
# headers, and a module that `make install` from a source tree left in
# updates/. apt installs mtty and mtty-dkms (version FIRST) from their
# files; DKMS builds the module; the source install's copy goes. Then
# two auto-start definitions and a manual one, the auto ones started.
# Sourced by boot.sh (lib.sh loaded).

# shellcheck source=tests/package/guest/pkglib.sh
. "$HERE/pkglib.sh"

check "a module of a source make install is in updates/ before the packages" \
	test -e "/lib/modules/$KV/updates/mtty.ko"
apt_get "apt-get install ./mtty_${FIRST}_amd64.deb ./mtty-dkms_${FIRST}_all.deb" \
	install "$DEBS"/first/mtty_*.deb "$DEBS"/first/mtty-dkms_*.deb
printf '%s\n' "$OUT" | grep -Ei 'dkms|mtty-dkms:|error' | head -n 12 | notes
run dkms status -m mtty
printf '%s\n' "$OUT" | notes
check "dkms status: mtty $FIRST installed for $KV" \
	sh -c "printf '%s\n' \"\$0\" | grep -Fq 'mtty/$FIRST, $KV, x86_64: installed'" "$OUT"
one_module "$KV" "$FIRST"
for tool in mtty-client mtty-libvirt-xml; do
	got=$($tool --version 2>&1)
	check "$tool --version prints '$tool $FIRST' (got '$got')" test "$got" = "$tool $FIRST"
done
check "mtty-autostart.service is enabled by the package" \
	systemctl -q is-enabled mtty-autostart.service
check "nothing of mtty in /etc/udev, and mdevctl's rule not overridden" \
	sh -c '! ls /etc/udev/rules.d/*mtty* /etc/udev/rules.d/60-mdevctl.rules >/dev/null 2>&1'

expect_ok "mdevctl define --auto an mtty-2" \
	mdevctl define --uuid "$PKG_AUTO2" --parent mtty --type mtty-2 --auto
expect_ok "mdevctl define --auto an mtty-1" \
	mdevctl define --uuid "$PKG_AUTO1" --parent mtty --type mtty-1 --auto
expect_ok "mdevctl define a manual mtty-2" \
	mdevctl define --uuid "$PKG_MANUAL" --parent mtty --type mtty-2
for u in "$PKG_AUTO2" "$PKG_AUTO1"; do
	expect_ok "mdevctl start $u (the callout loads the module)" mdevctl start --uuid "$u"
done
got=$(cat /sys/module/mtty/version 2>&1)
check "the loaded module is version $FIRST (got '$got')" test "$got" = "$FIRST"
client_loopback "$PKG_AUTO2"
definitions >"$DEFS_SAVED"
check "three definitions saved for the next stages" \
	test "$(cut -d: -f1 "$DEFS_SAVED" | sort -u | grep -c .)" -eq 3
journal_clean "(stage install)"
