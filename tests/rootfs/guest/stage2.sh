#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Stage 2, first reboot: the two auto definitions of stage 1 run, started
# before libvirtd, usable through VFIO and by group kvm; the manual one is
# defined and stopped. Then prepares stage 3: max_ports raised in
# /etc/modprobe.d and 50 more auto definitions. Sourced by boot.sh.

gen=$(cat "$RESULTS_DIR/uuid-generated" 2>/dev/null)
check "stage 1 recorded the generated UUID" test -n "$gen"

for u in "$UUID_AUTO" "$gen"; do
	check "auto device $u is active after the reboot" active "$u"
done
check "manual device $UUID_MANUAL is still defined" defined "$UUID_MANUAL"
check "manual device $UUID_MANUAL is not active" sh -c "! test -e $MDEVS/$UUID_MANUAL"
run mdevctl list --defined
printf '%s\n' "$OUT" | notes
check "mdevctl list --defined: $UUID_MANUAL manual, not active" \
	sh -c "printf '%s\n' \"\$0\" | grep -qx '$UUID_MANUAL mtty mtty-1 manual'" "$OUT"
check "mdevctl list --defined: $UUID_AUTO auto (active)" \
	sh -c "printf '%s\n' \"\$0\" | grep -qx '$UUID_AUTO mtty mtty-2 auto (active)'" "$OUT"
started_before_libvirtd "$UUID_AUTO" "$gen"
# mtty-status reads the same from sysfs and the definitions: nothing to
# mend after the reboot (exit status 0), the manual device stopped.
run mtty-status --json
check "mtty-status --json after the reboot exits 0 (got $RC)" test "$RC" -eq 0
got=$(printf '%s\n' "$OUT" | jq -r '[.devices[] | select(.defined) |
	"\(.uuid) \(.type) \(.start) \(.active)"] | sort | join(", ")' 2>&1)
want=$(printf '%s\n' "$UUID_AUTO mtty-2 auto true" "$gen mtty-2 auto true" \
	"$UUID_MANUAL mtty-1 manual false" | sort | sed ':a;N;$!ba;s/\n/, /g')
check "mtty-status --json: the definitions and their state ($got)" test "$got" = "$want"
journalctl -b -o short-monotonic -t mtty-autostart \
	-u libvirtd.service -u mtty-autostart.service | notes
for u in "$UUID_AUTO" "$gen"; do
	client_loopback "$u"
	vfio_perms "$u"
done
# libvirt, started after them, lists them as node devices.
run virsh -c qemu:///system nodedev-list --cap mdev
for u in "$UUID_AUTO" "$gen"; do
	check "libvirt sees $u as a node device" \
		sh -c "printf '%s\n' \"\$0\" | grep -q \"mdev_\$(echo $u | tr - _)\"" "$OUT"
done
journal_clean "(stage 2)"

# --- prepare stage 3: more ports, 50 more auto definitions --------------
# 52 mtty-2 take 104 ports; one more leaves room for one mtty-1 only, so
# that stage 3 can run out of ports in a couple of commands.
echo "options mtty max_ports=105" >/etc/modprobe.d/mtty.conf
# Two at a time: the VM has two CPUs, and each mdevctl define runs the
# callout twice.
i=1
while [ $i -le 50 ]; do
	uuid_many $i
	i=$((i + 1))
done | xargs -P 2 -I '{}' mdevctl define --uuid '{}' --type mtty-2 --parent mtty --auto \
	>"$RESULTS_DIR/define-50.log" 2>&1
bad=$?
n=$(find "$DEFS" -mindepth 1 -maxdepth 1 -type f | wc -l)
check "50 more auto definitions made with mdevctl define ($n definitions in all)" \
	test "$bad" -eq 0 -a "$n" -eq 53
[ "$bad" -eq 0 ] || notes <"$RESULTS_DIR/define-50.log"
