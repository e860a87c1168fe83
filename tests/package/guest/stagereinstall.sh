#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Package stage "reinstall": a boot without mtty (removed, definitions
# kept): nothing fails; apt installs NEW again, DKMS builds for every
# kernel with headers, and the package starts the auto devices at once.
# Sourced by boot.sh (lib.sh loaded).

# shellcheck source=tests/package/guest/pkglib.sh
. "$HERE/pkglib.sh"

check "no mtty module loaded after the removal and reboot" sh -c '! test -d /sys/module/mtty'
definitions_kept "after the reboot without mtty"
run systemctl list-units --failed --plain --no-legend
check "no failed unit in a boot with definitions but no mtty ($OUT)" test -z "$OUT"
apt_get "apt-get install ./mtty_${NEW}_amd64.deb ./mtty-dkms_${NEW}_all.deb again" \
	install "$DEBS"/new/mtty_*.deb "$DEBS"/new/mtty-dkms_*.deb
one_module "$KV" "$NEW"
[ -d "/lib/modules/$KV2/kernel" ] && one_module "$KV2" "$NEW"
wait_active 60 "$PKG_AUTO2" "$PKG_AUTO1"
check "the package started both auto devices at once (${WAITED} s)" \
	sh -c "test -e $MDEVS/$PKG_AUTO2 && test -e $MDEVS/$PKG_AUTO1"
check "the manual one stays stopped" sh -c "! test -e $MDEVS/$PKG_MANUAL"
client_loopback "$PKG_AUTO1"

# A source tree's install steps beside the package: refused before they
# build anything, the package's module alone.
expect_fail "make install from a source tree is refused while mtty-dkms is installed" \
	"mtty-dkms package provides the module" make -C /root/mtty-src install
expect_fail "make dkms-install is refused too" \
	"mtty-dkms package provides the module" make -C /root/mtty-src dkms-install
one_module "$KV" "$NEW"
journal_clean "(stage reinstall)"
