#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Step 1 of the kernel's mtty sample walkthrough: loading mtty.ko creates
# the parent device and its types,
# which is everything mdevctl, libvirt and users look for in sysfs.
# suites: driver guest all

# shellcheck source=lib.sh
. /tests/cases/lib.sh

if out=$(insmod "$MTTY_KO" 2>&1); then
	ok "insmod mtty.ko"
else
	not_ok "insmod mtty.ko: $out"
fi

check "parent $PARENT exists" test -d "$PARENT"
check "/sys/class/mdev_bus/mtty exists" test -e /sys/class/mdev_bus/mtty
check "/sys/class/mdev_bus/mtty is the parent" \
	test "$(readlink -f /sys/class/mdev_bus/mtty)" = "$PARENT"
check "mtty_dev/sample_mtty_dev exists" test -e "$PARENT/mtty_dev/sample_mtty_dev"

mp=$(max_ports)
if [ -n "$mp" ]; then
	check_eq "max_ports parameter defaults to $DEFAULT_MAX_PORTS" \
		"$DEFAULT_MAX_PORTS" "$mp"
else
	not_ok "max_ports parameter present in /sys/module/mtty/parameters"
	mp=$DEFAULT_MAX_PORTS
fi

for t in 1 2; do
	d=$TYPES/mtty-$t
	check "type mtty-$t exists" test -d "$d"
	for f in name description device_api available_instances create; do
		check "mtty-$t/$f exists" test -f "$d/$f"
	done
	check "mtty-$t/devices is a directory" test -d "$d/devices"
	check_eq "mtty-$t/device_api" vfio-pci "$(rd "$d/device_api")"
	check "mtty-$t/name is not empty" test -n "$(cat "$d/name" 2>/dev/null)"
	check "mtty-$t/description is not empty" \
		test -n "$(cat "$d/description" 2>/dev/null)"
	check_eq "mtty-$t/available_instances = max_ports / $t" \
		"$((mp / t))" "$(avail "$t")"
	check_eq "mtty-$t/devices is empty" "" "$(ls "$d/devices" 2>/dev/null)"
	diag "mtty-$t: name '$(rd "$d/name")', description '$(rd "$d/description" | tr '\n' ' ')'"
done
