#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Stage 2, after the reboot: the device defined through libvirt is back
# (mdevctl autostart, ordered before libvirtd), and the autostart domain
# came up with it and its guest finds and uses the card. Sourced by boot.sh.

N1=$(nodedev_name "$U1")

check "$U1 active after the reboot" test -e "$MDEVS/$U1"
run virsh nodedev-list --cap mdev
check "virsh nodedev-list --cap mdev shows $N1" out_has "^$N1\$"
run virsh nodedev-info "$N1"
printf '%s\n' "$OUT" | notes
run mdevctl list
printf '%s\n' "$OUT" | notes
# libvirtd starts autostart domains just after it has come up.
w=0
while [ "$(virsh domstate "$DOMAIN" 2>/dev/null)" != running ] && [ "$w" -lt 180 ]; do
	sleep 3
	w=$((w + 3))
done
run virsh domstate "$DOMAIN"
check "autostart domain $DOMAIN is running after the reboot (got '$OUT')" test "$OUT" = running
run virsh list --all --autostart
printf '%s\n' "$OUT" | notes
libvirtd_us=$(systemctl show -P InactiveExitTimestampMonotonic libvirtd.service)
auto_us=$(systemctl show -P ActiveEnterTimestampMonotonic mtty-autostart.service)
note "mtty-autostart.service done at $((auto_us / 1000)) ms, libvirtd.service started at $((libvirtd_us / 1000)) ms (monotonic)"
check "mtty-autostart.service finished before libvirtd.service started" \
	test "${auto_us:-0}" -gt 0 -a "${auto_us:-0}" -le "${libvirtd_us:-0}"
bad=$(journalctl -b -o cat -u libvirtd.service -p err 2>&1 | grep -Ei 'autostart|mdev|mtty' || true)
if [ -z "$bad" ]; then
	ok "journal: libvirtd logged no error about autostart or mdevs"
else
	not_ok "journal: libvirtd logged no error about autostart or mdevs"
	printf '%s\n' "$bad" | notes
fi
note "guest booting (nested TCG: minutes)..."
if wait_guest '^GUEST-READY' 1200; then
	ok "guest of the autostarted domain finished its checks"
else
	not_ok "guest of the autostarted domain finished its checks within 1200 s"
	glog | tail -n 20 | notes
fi
guest_report "guest after reboot"
cp "$GLOG" "$RESULTS_DIR/guest-2.log" 2>/dev/null
expect_ok "virsh destroy $DOMAIN" virsh destroy "$DOMAIN"
