#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers of the autostart benchmark's stages (sourced by boot.sh), on top
# of the result helpers of tests/lib/fullvm-guest.sh, which the image
# holds beside this file.

# Used by the stages that source this file.
# shellcheck disable=SC2034

HERE=/usr/local/lib/mtty-bench
RESULTS_DIR=/var/lib/mtty-bench
MDEVS=/sys/bus/mdev/devices
DEFS=/etc/mdevctl.d/mtty
# Room for the largest count measured (mtty-1: one port each).
MAX_PORTS=1100

# shellcheck source=../../lib/fullvm-guest.sh
. "$HERE/fullvm-guest.sh"

# define_auto N: exactly N auto-start mtty-1 definitions, as the files
# `mdevctl define --auto --type mtty-1 --parent mtty` writes (written
# directly: 1,000 mdevctl runs under TCG would take longer than the boot
# being measured).
define_auto() {
	rm -rf "$DEFS"
	mkdir -p "$DEFS"
	i=1
	while [ "$i" -le "$1" ]; do
		printf '{"mdev_type":"mtty-1","start":"auto","attrs":[]}\n' \
			>"$DEFS/$(printf '5a7a0000-0000-4000-8000-%012d' "$i")"
		i=$((i + 1))
	done
	echo "options mtty max_ports=$MAX_PORTS" >/etc/modprobe.d/mtty-bench.conf
	sync
	note "$(find "$DEFS" -type f | wc -l) auto definitions written, max_ports $MAX_PORTS"
}

# measure N: after a boot with N auto definitions: the time from
# mtty-autostart.service's start to the end of its start job (every
# device started), checked against sysfs and mtty-status; one line
# "N START_US ACTIVE_US LIBVIRTD_US" in $RESULTS_DIR/figure-N.
measure() {
	n=$1
	prop() {
		systemctl show -P "$1" "$2"
	}
	start=$(prop InactiveExitTimestampMonotonic mtty-autostart.service)
	active=$(prop ActiveEnterTimestampMonotonic mtty-autostart.service)
	libvirtd=$(prop InactiveExitTimestampMonotonic libvirtd.service)
	result=$(prop Result mtty-autostart.service)
	check "mtty-autostart.service succeeded (result $result)" test "$result" = success
	got=$(find "$MDEVS"/ -maxdepth 1 -name '5a7a0000-*' | wc -l)
	check "all $n devices active (got $got)" test "$got" -eq "$n"
	rc=0
	mtty-status --quiet || rc=$?
	check "mtty-status: no device needs attention (exit $rc)" test "$rc" -eq 0
	check "the unit's times are known ($start, $active)" \
		test "${start:-0}" -gt 0 -a "${active:-0}" -ge "${start:-0}"
	check "all active before libvirtd started ($active <= $libvirtd)" \
		test "${active:-0}" -gt 0 -a "${active:-0}" -le "${libvirtd:-0}"
	echo "$n $start $active $libvirtd" >"$RESULTS_DIR/figure-$n"
	note "autostart of $n: $(( (active - start) / 1000 )) ms"
	journalctl -b -o cat -u mtty-autostart.service | tail -n 2 | notes
}
