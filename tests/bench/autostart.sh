#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot-time autostart of many mtty definitions on one host: how long
# mtty-autostart.service takes, from the unit's start to every device
# active, with 100 and with 1,000 auto definitions, on a full Debian
# system (the suite of MTTY_SUITE, default the first of
# tests/lib/suites.list; tests/lib/fullvm-host.sh's image with mtty
# installed by make install):
#
#   tests/bench/autostart.sh [--keep] [--verbose] [--timeout SECONDS]
#
# Three boots of one image: the first writes 100 auto definitions
# (mtty-1, max_ports 1100), the second measures them and writes 1,000,
# the third measures those.  Each measured boot also checks that every
# device is active (sysfs, mtty-status) and was before libvirtd started.
# The time is systemd's own record of the unit (InactiveExit to
# ActiveEnter, monotonic), so the guest's clock under TCG, not -icount:
# compare the two counts of one run, not runs on different machines.
# Prints "ok N - ..." lines, a table and "N passed, N failed".

set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=tests/lib/fullvm-host.sh
. "$root/tests/lib/fullvm-host.sh"
fullvm_init "$root" bench-autostart mtty-bench mtty_bench_stage
stages="prep 100 1000"
timeout=3600
while [ $# -gt 0 ]; do
	fullvm_option "$@"
	shift "$took"
done

fullvm_setup "builds and copies a Debian root file system" "$here/autostart"
fullvm_image
for s in $stages; do
	fullvm_boot "$s"
done

# One line per count: N START_US ACTIVE_US LIBVIRTD_US.
table=
for n in 100 1000; do
	line=$(fullvm_cat "/var/lib/mtty-bench/figure-$n")
	[ -n "$line" ] && table="$table$line
"
done
echo "# autostart on $suite ($KVER), mtty-autostart.service start to all active:"
echo "#   definitions    seconds    ms per device    ratio to 100"
printf '%s' "$table" | awk '
	NF == 4 {
		s = ($3 - $2) / 1e6
		if ($1 == 100) base = s
		printf "#   %11d %10.2f %16.1f %15s\n", $1, s, s * 1000 / $1,
			base ? sprintf("%.2f", s / base) : "-"
	}'
fullvm_done
