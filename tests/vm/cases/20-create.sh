#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Step 2 of the kernel's mtty sample walkthrough: create its mtty-2 and an
# mtty-1 beside it. They must
# show up where VFIO users (QEMU, libvirt) look for them, and capacity
# must drop by the ports each type uses (mtty-2: 2, mtty-1: 1).
# The devices stay for the following cases.
# suites: driver all

# shellcheck source=lib.sh
. /tests/cases/lib.sh
ensure_loaded || exit 0

a1=$(avail 1)
a2=$(avail 2)

create 2 "$UUID2"
check "create mtty-2 $UUID2 ($WERR)" test -z "$WERR"
b1=$(avail 1)
b2=$(avail 2)
check_eq "mtty-1 available drops by 2 after an mtty-2" "$((a1 - 2))" "$b1"
check_eq "mtty-2 available drops by 1 after an mtty-2" "$((a2 - 1))" "$b2"

create 1 "$UUID1"
check "create mtty-1 $UUID1 ($WERR)" test -z "$WERR"
check_eq "mtty-1 available drops by 1 after an mtty-1" "$((b1 - 1))" "$(avail 1)"
# One port left over after the mtty-1 means one mtty-2 fewer only when
# the free port count crosses an even number.
check_eq "mtty-2 available = free ports / 2" "$(((b1 - 1) / 2))" "$(avail 2)"

for pair in "2 $UUID2" "1 $UUID1"; do
	t=${pair%% *}
	u=${pair#* }
	check "$u under $MDEVS" test -d "$MDEVS/$u"
	check "$u has an iommu_group" test -e "$MDEVS/$u/iommu_group"
	g=$(readlink "$MDEVS/$u/iommu_group" 2>/dev/null)
	check "/dev/vfio/${g##*/} exists for $u" test -c "/dev/vfio/${g##*/}"
	check "$u listed in mtty-$t/devices" test -e "$TYPES/mtty-$t/devices/$u"
	check_eq "$u mdev_type is mtty-$t" "mtty-$t" \
		"$(basename "$(readlink "$MDEVS/$u/mdev_type" 2>/dev/null)")"
	check "$u has a remove file" test -f "$MDEVS/$u/remove"
	check "$u parent is the mtty device" \
		test "$(readlink -f "$MDEVS/$u/..")" = "$PARENT"
done
