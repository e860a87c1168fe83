#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Step 8 of the kernel's mtty sample walkthrough: remove the devices; then
# the module unloads, and reloads
# with a bigger max_ports that many devices can actually use, quickly.
# suites: driver all

# shellcheck source=lib.sh
. /tests/cases/lib.sh
ensure_loaded || exit 0

for u in "$UUID2" "$UUID1"; do
	if [ -e "$MDEVS/$u" ]; then
		check "remove $u" remove "$u"
	else
		not_ok "remove $u: it does not exist"
	fi
	check "$u gone" test ! -e "$MDEVS/$u"
done
remove_all
check_eq "no mtty-1 device left" "" "$(ls "$TYPES/mtty-1/devices" 2>&1)"
check_eq "no mtty-2 device left" "" "$(ls "$TYPES/mtty-2/devices" 2>&1)"
mp=$(max_ports)
check_eq "mtty-1 available_instances back to max_ports" "${mp:-$DEFAULT_MAX_PORTS}" "$(avail 1)"

if out=$(rmmod mtty 2>&1); then
	ok "rmmod mtty after all devices are removed"
else
	not_ok "rmmod mtty after all devices are removed: $out"
fi
check "parent device gone after rmmod" test ! -e "$PARENT"
check "mdev_bus entry gone after rmmod" test ! -e /sys/class/mdev_bus/mtty

if out=$(insmod "$MTTY_KO" max_ports=4096 2>&1); then
	ok "insmod mtty.ko max_ports=4096"
else
	not_ok "insmod mtty.ko max_ports=4096: $out"
	ensure_loaded || exit 0
fi
check_eq "max_ports parameter reads 4096" 4096 "$(max_ports)"
check_eq "mtty-1 available_instances with max_ports=4096" 4096 "$(avail 1)"
check_eq "mtty-2 available_instances with max_ports=4096" 2048 "$(avail 2)"

# A few hundred devices of both types, then all removed, in a budget.
n1=200
n2=100
start=$(now)
made=0
i=0
while [ "$i" -lt "$n1" ]; do
	create 1 "$(printf 'b1000000-0000-4000-8000-%012d' "$i")" && made=$((made + 1))
	i=$((i + 1))
done
i=0
while [ "$i" -lt "$n2" ]; do
	create 2 "$(printf 'b2000000-0000-4000-8000-%012d' "$i")" && made=$((made + 1))
	i=$((i + 1))
done
check_eq "created $n1 mtty-1 and $n2 mtty-2 devices" $((n1 + n2)) "$made"
check_eq "mtty-1 available_instances after creating them" \
	$((4096 - n1 - 2 * n2)) "$(avail 1)"
check_eq "mtty-2 available_instances after creating them" \
	$(((4096 - n1 - 2 * n2) / 2)) "$(avail 2)"
gone=0
i=0
while [ "$i" -lt "$n1" ]; do
	remove "$(printf 'b1000000-0000-4000-8000-%012d' "$i")" && gone=$((gone + 1))
	i=$((i + 1))
done
i=0
while [ "$i" -lt "$n2" ]; do
	remove "$(printf 'b2000000-0000-4000-8000-%012d' "$i")" && gone=$((gone + 1))
	i=$((i + 1))
done
took=$(($(now) - start))
check_eq "removed all $((n1 + n2)) devices" $((n1 + n2)) "$gone"
check "creating and removing $((n1 + n2)) devices took under 60 s ($took s)" \
	test "$took" -lt 60
check_eq "mtty-1 available_instances back to 4096" 4096 "$(avail 1)"
check_eq "mtty-2 available_instances back to 2048" 2048 "$(avail 2)"

if out=$(rmmod mtty 2>&1); then
	ok "rmmod mtty after the mass create/remove"
else
	not_ok "rmmod mtty after the mass create/remove: $out"
fi
