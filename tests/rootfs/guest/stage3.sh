#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Stage 3, second reboot: max_ports from /etc/modprobe.d/mtty.conf, all 52
# auto definitions running (started before libvirtd), the manual one not;
# then capacity exhaustion gives a clear error and changes nothing, and a
# second run of mtty-autostart.service is harmless; a definition that
# cannot start is logged at priority err with its UUID. Sourced by boot.sh.

gen=$(cat "$RESULTS_DIR/uuid-generated" 2>/dev/null)
check "max_ports is 105 from /etc/modprobe.d/mtty.conf" \
	test "$(cat /sys/module/mtty/parameters/max_ports 2>/dev/null)" = 105

autos="$UUID_AUTO $gen"
i=1
while [ $i -le 50 ]; do
	autos="$autos $(uuid_many $i)"
	i=$((i + 1))
done
down=
for u in $autos; do
	active "$u" || down="$down $u"
done
check "all 52 auto devices are active after the reboot (not active:${down:- none})" test -z "$down"
check "manual device $UUID_MANUAL is defined and not active" \
	sh -c "test -f $DEFS/$UUID_MANUAL && ! test -e $MDEVS/$UUID_MANUAL"
# shellcheck disable=SC2086  # list of UUIDs
started_before_libvirtd $autos
journalctl -b -o cat -t mtty-autostart | tail -n 3 | notes
client_loopback "$(uuid_many 50)"
vfio_perms "$(uuid_many 50)"

# --- harmless second run --------------------------------------------------
expect_ok "systemctl restart mtty-autostart.service with everything running" \
	systemctl restart mtty-autostart.service
msg=$(journalctl -b -o cat -t mtty-autostart | tail -n 1)
check "second run found all 52 already active ($msg)" \
	sh -c "printf '%s\n' \"\$0\" | grep -q '52 auto-start devices, 0 started, 52 already active, 0 failed'" "$msg"

# --- capacity: 105 ports, 104 used by the auto devices ------------------
a1=$(cat "$TYPES/mtty-1/available_instances")
a2=$(cat "$TYPES/mtty-2/available_instances")
check "available_instances: mtty-1 1, mtty-2 0 (got $a1, $a2)" test "$a1.$a2" = 1.0
before=$(snapshot)
expect_fail "start of an mtty-2 past capacity fails with a clear message" \
	"no capacity left for another mtty-2.*max_ports.*/etc/modprobe.d/mtty.conf" \
	mdevctl start --uuid "$UUID_BAD" --parent mtty --type mtty-2
check "the failed start changed no definition and no device" test "$before" = "$(snapshot)"
expect_ok "the manual mtty-1 definition takes the last port" \
	mdevctl start --uuid "$UUID_MANUAL"
full=$(snapshot)
expect_fail "start of an mtty-1 with no port left fails with a clear message" \
	"no capacity left for another mtty-1" \
	mdevctl start --uuid "$UUID_BAD" --parent mtty --type mtty-1
check "the failed start changed no definition and no device" test "$full" = "$(snapshot)"
expect_ok "stop the manual device again" mdevctl stop --uuid "$UUID_MANUAL"
check "all definitions and devices as at boot" test "$before" = "$(snapshot)"

journal_clean "(stage 3)"

# --- a definition that cannot start: an error with its UUID -------------
# Written by hand (mdevctl's callout refuses such a define): an auto
# definition of a type mtty does not have.
printf '%s\n' '{"mdev_type":"mtty-9","start":"auto","attrs":[]}' >"$DEFS/$UUID_BAD"
expect_fail "mtty-autostart.service fails with a definition of an unknown type" "failed" \
	systemctl restart mtty-autostart.service
run journalctl -b -p err -o cat -t mtty-autostart
check "the journal has the failure at priority err, naming $UUID_BAD" \
	sh -c "printf '%s\n' \"\$0\" | grep -q 'failed to start $UUID_BAD (mtty-9)'" "$OUT"
printf '%s\n' "$OUT" | tail -n 2 | notes
run journalctl -b -p err -o cat -t mtty-autostart
check "the devices that run are not reported as errors" \
	sh -c "! printf '%s\n' \"\$0\" | grep -v '$UUID_BAD' | grep -q ."  "$OUT"
rm -f "$DEFS/$UUID_BAD"
systemctl reset-failed mtty-autostart.service
expect_ok "with it removed, mtty-autostart.service succeeds again" \
	systemctl start mtty-autostart.service
