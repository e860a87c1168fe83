#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Stage 1, first boot with mtty installed: the mtty parent as libvirt sees
# it; an mtty-2 defined, started and marked autostart through libvirt with
# libvirt-xml/mtty-nodedev.xml; the example domain libvirt-xml/mtty-domain.xml
# started with it and what its guest finds; bad hostdevs refused; a second
# device hot-plugged and unplugged; the domain marked autostart for stage 2.
# Sourced by boot.sh (lib.sh loaded).

N1=$(nodedev_name "$U1")
N2=$(nodedev_name "$U2")

check "libvirtd.service is active" systemctl -q is-active libvirtd.service
note "$(virsh version 2>&1 | tr '\n' ' ')"

# --- the parent and a device defined through libvirt ----------------------
run virsh nodedev-list --cap mdev_types
if [ "$RC" -eq 0 ] && printf '%s\n' "$OUT" | grep -qx 'mtty_mtty'; then
	ok "virsh nodedev-list --cap mdev_types shows mtty_mtty"
else
	not_ok "virsh nodedev-list --cap mdev_types shows mtty_mtty (exit $RC)"
fi
printf '%s\n' "$OUT" | notes
run virsh nodedev-dumpxml mtty_mtty
if printf '%s\n' "$OUT" | grep -q "<type id='mtty-1'>" &&
	printf '%s\n' "$OUT" | grep -q "<type id='mtty-2'>"; then
	ok "virsh nodedev-dumpxml mtty_mtty lists types mtty-1 and mtty-2"
else
	not_ok "virsh nodedev-dumpxml mtty_mtty lists types mtty-1 and mtty-2"
fi
printf '%s\n' "$OUT" | grep -E "type id=|<name>|availableInstances|deviceAPI" | notes

expect_ok "virsh nodedev-define libvirt-xml/mtty-nodedev.xml" \
	virsh nodedev-define "$XML/mtty-nodedev.xml"
printf '%s\n' "$OUT" | notes
check "mdevctl has the definition of $U1 (mtty-2, not yet active)" \
	sh -c "mdevctl list -d -u $U1 | grep -q 'mtty mtty-2' && [ ! -e $MDEVS/$U1 ]"
expect_ok "virsh nodedev-start $N1" virsh nodedev-start "$N1"
check "$U1 is active in sysfs, type mtty-2" \
	sh -c "[ \"\$(basename \"\$(readlink $MDEVS/$U1/mdev_type)\")\" = mtty-2 ]"
expect_ok "virsh nodedev-autostart $N1" virsh nodedev-autostart "$N1"
run jq -r .start "/etc/mdevctl.d/mtty/$U1"
check "mdevctl definition of $U1 now starts auto (got '$OUT')" test "$OUT" = auto
run virsh nodedev-info "$N1"
printf '%s\n' "$OUT" | notes
check "virsh nodedev-info: persistent, autostart, active" \
	out_has 'Persistent: +yes' 'Autostart: +yes' 'Active: +yes'

# libvirt 10.1 and later change a defined mdev in place (nodedev-update,
# through mdevctl modify --defined and, for a running one, --live, which
# needs the callout's live event). mtty devices take no attributes, so an
# update that adds one is refused by name and changes nothing.
if virsh help nodedev-update >/dev/null 2>&1; then
	"$GEN" nodedev "$U1" mtty-2 >/tmp/nd1.xml
	expect_ok "virsh nodedev-update $N1 --config --live (unchanged definition)" \
		virsh nodedev-update "$N1" /tmp/nd1.xml --config --live
	sed "s|</capability>|<attr name='baud' value='9600'/></capability>|" \
		/tmp/nd1.xml >/tmp/nd1-attr.xml
	expect_fail "virsh nodedev-update adding an attribute is refused by name" "baud" \
		virsh nodedev-update "$N1" /tmp/nd1-attr.xml --config --live
	run jq -c .attrs "/etc/mdevctl.d/mtty/$U1"
	check "the refused update left the definition without attributes (got '$OUT')" \
		test "$OUT" = "[]"
	check "the refused update left $U1 running" test -e "$MDEVS/$U1"
	# libvirt hands mdevctl the updated definition with "start" taken
	# from the update's XML, which has no autostart: after any update the
	# device is defined to start manually (libvirt 11.3), and an admin
	# marks it autostart again.
	run jq -r .start "/etc/mdevctl.d/mtty/$U1"
	note "after nodedev-update the definition of $U1 starts '$OUT'"
	expect_ok "virsh nodedev-autostart $N1 after the update" virsh nodedev-autostart "$N1"
	run jq -r .start "/etc/mdevctl.d/mtty/$U1"
	check "mdevctl definition of $U1 starts auto again (got '$OUT')" test "$OUT" = auto
else
	note "libvirt $(virsh --version) has no nodedev-update: a defined device is changed by nodedev-undefine and nodedev-define"
fi

udevadm settle -t 30 2>/dev/null
group=$(basename "$(readlink -f "$MDEVS/$U1/iommu_group")")
got=$(stat -c '%G %a' "/dev/vfio/$group" 2>&1)
check "/dev/vfio/$group of $U1: group kvm, mode 0660 (got $got)" test "$got" = "kvm 660"

# --- the example domain with the device ------------------------------------
expect_ok "virsh define libvirt-xml/mtty-domain.xml" virsh define "$XML/mtty-domain.xml"
t0=$(cut -d' ' -f1 /proc/uptime)
expect_ok "virsh start $DOMAIN (hostdev $U1)" virsh start "$DOMAIN"
user=$(qemu_user)
check "the domain's QEMU runs unprivileged as libvirt-qemu (got '$user')" test "$user" = libvirt-qemu
run virsh dominfo "$DOMAIN"
printf '%s\n' "$OUT" | grep -i 'security' | notes
note "host /dev/vfio while $DOMAIN runs: $(stat -c '%A %U %G %n' /dev/vfio/* | tr '\n' ' ')"
note "guest booting (nested TCG: minutes)..."
guest_waited wait_guest '^GUEST-READY' 1200 "$t0" \
	"guest finished its checks" "virsh start"
guest_report "guest"

# --- mtty-status names the domain that holds the device ---------------------
run mtty-status --json
holder=$(printf '%s\n' "$OUT" | jq -r --arg u "$U1" \
	'.devices[] | select(.uuid == $u) | .holder | "\(.domain) \(.command) \(.pid)"' 2>&1)
qpid=$(pgrep -f "guest=$DOMAIN," | head -n 1)
check "mtty-status --json: $U1 is held by domain $DOMAIN's QEMU (pid ${qpid:-none}; got '$holder')" \
	test "$holder" = "$DOMAIN qemu-system-x86 $qpid"
run mtty-status
printf '%s\n' "$OUT" | notes

# --- bad hostdevs: refused, nothing disturbed -------------------------------
before=$(snapshot)
"$GEN" domain "$U_UNDEF" --name mtty-bad-undefined >/tmp/bad1.xml
expect_ok "virsh define a domain whose hostdev names undefined $U_UNDEF" virsh define /tmp/bad1.xml
expect_fail "virsh start of it fails: mediated device not found" \
	"mediated device '?$U_UNDEF'? not found" virsh start mtty-bad-undefined
"$GEN" hostdev "$U_UNDEF" >/tmp/hd-undef.xml
expect_fail "virsh attach-device --live of undefined $U_UNDEF fails: not found" \
	"$U_UNDEF.* not found|not found.*$U_UNDEF" virsh attach-device "$DOMAIN" /tmp/hd-undef.xml --live
"$GEN" domain "$U1" --name mtty-bad-inuse --serial-log /var/log/libvirt/qemu/mtty-bad-inuse.log >/tmp/bad2.xml
expect_ok "virsh define a second domain with $U1 (held by $DOMAIN)" virsh define /tmp/bad2.xml
expect_fail "virsh start of it fails: device in use by $DOMAIN" \
	"in use by driver QEMU, domain $DOMAIN" virsh start mtty-bad-inuse
after=$(snapshot)
if [ "$before" = "$after" ]; then
	ok "after the refused hostdevs: devices, definitions and running domains unchanged"
else
	not_ok "after the refused hostdevs: devices, definitions and running domains unchanged"
	diff "/dev/fd/3" "/dev/fd/4" 3<<A 4<<B | notes
$before
A
$after
B
fi
check "$DOMAIN is still running" sh -c "virsh domstate $DOMAIN | grep -qx running"
virsh undefine mtty-bad-undefined >/dev/null 2>&1
virsh undefine mtty-bad-inuse >/dev/null 2>&1

# --- hot-plug a second device --------------------------------------------
"$GEN" nodedev "$U2" mtty-2 >/tmp/nd2.xml
expect_ok "virsh nodedev-create of a transient mtty-2 $U2 (generator XML)" virsh nodedev-create /tmp/nd2.xml
check "$U2 is active" test -e "$MDEVS/$U2"
"$GEN" hostdev "$U2" >/tmp/hd2.xml
t0=$(cut -d' ' -f1 /proc/uptime)
expect_ok "virsh attach-device $DOMAIN --live with the hostdev of $U2" \
	virsh attach-device "$DOMAIN" /tmp/hd2.xml --live
guest_waited wait_guest '^GUEST-HOTPLUG-DONE' 600 "$t0" \
	"guest found and checked the hot-plugged card" "attach-device"
guest_report "guest, hot-plug"
check "virsh dumpxml $DOMAIN has 2 mdev hostdevs" \
	sh -c "[ \$(virsh dumpxml $DOMAIN | grep -c \"type='mdev'\") -eq 2 ]"

t0=$(cut -d' ' -f1 /proc/uptime)
expect_ok "virsh detach-device $DOMAIN --live with the hostdev of $U2" \
	virsh detach-device "$DOMAIN" /tmp/hd2.xml --live
guest_waited wait_guest '^GUEST-UNPLUG-DONE' 600 "$t0" \
	"guest saw the card go" "detach-device"
guest_report "guest, unplug"
# libvirt may finish its side a moment after the guest has let go.
w=0
while [ "$(virsh dumpxml "$DOMAIN" | grep -c "type='mdev'")" -ne 1 ] && [ "$w" -lt 60 ]; do
	sleep 2
	w=$((w + 2))
done
check "virsh dumpxml $DOMAIN has 1 mdev hostdev again" \
	sh -c "[ \$(virsh dumpxml $DOMAIN | grep -c \"type='mdev'\") -eq 1 ]"
expect_ok "virsh nodedev-destroy $N2 (transient: gone)" virsh nodedev-destroy "$N2"
check "$U2 is no longer active" test ! -e "$MDEVS/$U2"
check "$DOMAIN is still running" sh -c "virsh domstate $DOMAIN | grep -qx running"

# --- for the reboot ---------------------------------------------------------
expect_ok "virsh autostart $DOMAIN" virsh autostart "$DOMAIN"
cp "$GLOG" "$RESULTS_DIR/guest-1.log" 2>/dev/null
# Stopped here, so that only autostart (not libvirt-guests) brings it back.
expect_ok "virsh destroy $DOMAIN" virsh destroy "$DOMAIN"
# libvirt 11 opens the console file to append: empty it, so that stage 2
# reads only what the guest printed after the reboot.
: >"$GLOG"
kernel_log_clean
