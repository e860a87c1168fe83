#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# `make demo`: the walkthrough a sysadmin follows, on a full Debian system
# with mtty installed by `make install` and libvirtd running. Every command
# is printed as typed ("host# ..." on this system, "guest# ..." in the
# guest) followed by what it printed, and what matters is also checked
# (ok / not ok lines), so a broken demo cannot look like a working one.
#
#   1. the driver and its parent, as mdevctl sees them;
#   2. mdevctl define --auto and start of an mtty-2;
#   3. virsh attach-device of it into a defined guest, virsh start;
#   4-7. inside the guest: lspci, dmesg, setserial, a line echoed through
#      /dev/ttyS1 (the guest's own 8250 driver on the emulated card);
#   8. virsh destroy/undefine, mdevctl stop/undefine: back to the start.
# The stage "demo" of run.sh --demo: sourced by boot.sh (lib.sh loaded).

U=$U1
DEMO=mtty-demo
GLOG=/var/log/libvirt/qemu/$DEMO-serial.log
W=/root/mtty-demo
mkdir -p "$W"
cd "$W" || not_ok "cd $W"

step() {
	say ""
	say "=== $*"
}

# host "COMMAND LINE": print it as typed, run it, print its output; the
# command's status is returned and its output kept in $OUT.
host() {
	say "host# $1"
	OUT=$(timeout 300 sh -c "$1" 2>&1)
	RC=$?
	if [ -n "$OUT" ]; then
		printf '%s\n' "$OUT" | while IFS= read -r line; do say "$line"; done
	fi
	return "$RC"
}

# typed DESCRIPTION "COMMAND LINE": host, and the command must succeed.
typed() {
	if host "$2"; then ok "$1"; else not_ok "$1 (exit $RC)"; fi
}

# Show the guest's console lines from $GSEEN on, as they come, until a
# line matches $1 or $2 seconds have passed. The guest's notes are
# "guest| ...", its commands "guest# ...", its checks count as results.
follow_guest() {
	w=0
	while [ "$w" -lt "$2" ]; do
		total=$(glog | wc -l)
		if [ "$total" -gt "$GSEEN" ]; then
			glog | sed -n "$((GSEEN + 1)),${total}p" >/tmp/demo-lines
			GSEEN=$total
			while IFS= read -r line; do
				case $line in
				'GUEST | # '*) say "guest# ${line#GUEST | # }" ;;
				'GUEST | '*) say "guest| ${line#GUEST | }" ;;
				'GUEST ok - '*) ok "guest: ${line#GUEST ok - }" ;;
				'GUEST not ok - '*) not_ok "guest: ${line#GUEST not ok - }" ;;
				esac
			done </tmp/demo-lines
			grep -Eq "$1" /tmp/demo-lines && return 0
		fi
		sleep 3
		w=$((w + 3))
	done
	return 1
}

step "1. mtty.ko is loaded at boot (modules-load.d); its parent offers two types"
host "lsmod | grep -E '^(mtty|mdev|vfio) '"
host "ls -l /sys/class/mdev_bus/"
check "parent mtty registered with the mdev core" test -e /sys/class/mdev_bus/mtty
host "mdevctl types"
check "mdevctl types lists mtty-1 and mtty-2" \
	out_has '^ +mtty-1$' '^ +mtty-2$'

step "2. Define a persistent mtty-2 (two 16550A ports), started at every boot"
typed "mdevctl define --type mtty-2 --auto" "mdevctl define --type mtty-2 --parent mtty --auto --uuid $U"
typed "mdevctl start" "mdevctl start --uuid $U"
host "mdevctl list"
check "mdevctl list: $U active, mtty-2, auto" out_has "^$U mtty mtty-2 auto"
udevadm settle -t 30 2>/dev/null
group=$(basename "$(readlink -f "$MDEVS/$U/iommu_group")")
host "ls -l /dev/vfio/"
check "/dev/vfio/$group: group kvm, mode 0660, for an unprivileged QEMU" \
	test "$(stat -c '%G %a' "/dev/vfio/$group" 2>&1)" = "kvm 660"
host "virsh nodedev-list --cap mdev"
check "libvirt sees the device" out_has "^$(nodedev_name "$U")\$"

step "3. Give it to a guest with virsh"
# A small guest to attach the card to: the example domain's kernel and
# initramfs, no card yet, its console logged to a file.
"$GEN" domain "$U" --name "$DEMO" --serial-log "$GLOG" \
	--cmdline 'console=ttyS0 cryptomgr.notests mtty_guest_demo' |
	sed '/<hostdev/,/<\/hostdev>/d' >"$W/$DEMO.xml"
host "grep -E '<name>|<kernel>|<cmdline>|hostdev' $DEMO.xml"
typed "virsh define $DEMO (no card)" "virsh define $DEMO.xml"
host "mtty-libvirt-xml hostdev $U | tee mtty-hostdev.xml"
typed "virsh attach-device $DEMO mtty-hostdev.xml --config" "virsh attach-device $DEMO mtty-hostdev.xml --config"
: >"$GLOG" 2>/dev/null
GSEEN=0
typed "virsh start $DEMO" "virsh start $DEMO"
host "virsh dumpxml $DEMO | sed -n '/<hostdev/,/<\/hostdev>/p'"
check "the running domain has the card at a guest PCI address" \
	out_has "uuid='$U'" "<address type='pci'"

step "4.-7. Inside the guest (its console; nested TCG: a few minutes)"
t0=$(cut -d' ' -f1 /proc/uptime)
guest_waited follow_guest '^GUEST-READY' 1200 "$t0" \
	"the guest finished" "virsh start"
check "the guest's first port is /dev/ttyS1, as in the mtty sample walkthrough" \
	grep -q '^GUEST ok - ttyS1 echoed the line' "$GLOG"
cp "$GLOG" "$RESULTS_DIR/guest-demo.log" 2>/dev/null

step "8. Stop the guest, remove the device: back where we started"
typed "virsh destroy $DEMO" "virsh destroy $DEMO"
typed "virsh undefine $DEMO" "virsh undefine $DEMO"
typed "mdevctl stop" "mdevctl stop --uuid $U"
typed "mdevctl undefine" "mdevctl undefine --uuid $U"
host "mdevctl list --defined"
check "no definition left" test -z "$OUT"
host "cat /sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/available_instances"
max=$(cat /sys/module/mtty/parameters/max_ports 2>/dev/null)
check "all $((max / 2)) mtty-2 instances available again" test "$OUT" = "$((max / 2))"
kernel_log_clean
