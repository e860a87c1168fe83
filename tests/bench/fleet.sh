#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# How long the Ansible role (ansible/) takes to converge a fleet, and how
# that grows with the devices per host: the fleet test's three full
# Debian hosts (tests/fleet/setup.sh, hosts.sh), each declaring N mtty
# devices of its own (inventory.sh's fleet_declare_count; max_ports 160):
#
#   tests/bench/fleet.sh [--hosts "NAME:SUITE ..."] [--counts "N ..."]
#                        [--reuse-debs] [--keep]
#
#   install      the packages (DKMS builds the module) and max_ports,
#                no device
#   for each N of --counts (default "20 100"):
#     converge   from no device to N started on every host
#     no change  the same inventory again (changed=0 on every host)
#     remove     back to no device (mtty_prune)
# Each apply is checked (exit 0; every host's mtty-status --json shows
# what was declared, or changed=0), then every host's kernel log and
# console. The times are the controller's wall clock around
# ansible-playbook: the hosts run concurrently under TCG, so compare the
# counts of one run, not runs on different machines.
# Prints "ok N - ..." lines, a table and "N passed, N failed".

set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=tests/fleet/setup.sh
. "$root/tests/fleet/setup.sh"

plan="fleet1:bookworm fleet2:trixie fleet3:bookworm"
counts="20 100"
max_ports=160
while [ $# -gt 0 ]; do
	case $1 in
	--hosts) plan=${2:?--hosts needs a list}; shift ;;
	--counts) counts=${2:?--counts needs a list}; shift ;;
	*) fleet_option "$1" || { echo "fleet.sh: unknown argument $1" >&2; exit 2; } ;;
	esac
	shift
done
for n in $counts; do
	# An mtty-2 takes two ports: N devices take 3N/2 (rounded up).
	if ! [ "$n" -gt 0 ] 2>/dev/null || [ $(((3 * n + 1) / 2)) -gt "$max_ports" ]; then
		echo "fleet.sh: --counts: $n is not a device count from 1 to $((max_ports * 2 / 3))" >&2
		exit 2
	fi
done

begin=$(date +%s)
fleet_bringup "$plan" "$reuse" "$keep" bench-fleet

# converged NAME DIR: apply NAME succeeded and every host shows DIR's
# declaration.
converged() {
	if [ "$arc" -ne 0 ]; then
		tap_fail "$1: exit $arc (log: $logs/apply-$1.log)"
		apply_report "$1"
		return
	fi
	_bad=
	for _h in $fleet_names; do
		fleet_state "$_h" >"$work/state-$_h"
		cmp -s "$work/state-$_h" "$2/expect-$_h" || _bad="$_bad $_h"
	done
	if [ -z "$_bad" ]; then
		tap_ok "$1: every host shows its declared devices, $(cat "$2"/expect-* | wc -l) in all ($atime s)"
	else
		tap_fail "$1: every host shows the declared devices (not:$_bad)"
	fi
}

# unchanged NAME: apply NAME succeeded with changed=0 on every host.
unchanged() {
	_c=$(all_changed "$1")
	if [ "$arc" -eq 0 ] && ! echo "$_c" | tr ' ' '\n' | grep -v '=0$' | grep -q .; then
		tap_ok "$1: changed=0 on every host ($atime s)"
	else
		tap_fail "$1: changed=0 on every host (exit $arc; $_c)"
		apply_report "$1"
	fi
}

fleet_declare_count 0 "$max_ports" "$work/none"
apply install "$work/none"
converged install "$work/none"
t_install=$atime

# One line per count: N CONVERGE NOCHANGE REMOVE (seconds).
table=
for n in $counts; do
	fleet_declare_count "$n" "$max_ports" "$work/n$n"
	apply "converge-$n" "$work/n$n"
	converged "converge-$n" "$work/n$n"
	t_converge=$atime
	apply "no-change-$n" "$work/n$n"
	unchanged "no-change-$n"
	t_same=$atime
	apply "remove-$n" "$work/none"
	converged "remove-$n" "$work/none"
	table="$table$n $t_converge $t_same $atime
"
done

fleet_teardown
nh=$(echo "$fleet_names" | wc -w)
echo "# the role on $nh hosts ($plan), max_ports $max_ports, seconds of ansible-playbook:"
echo "#   first apply (packages, DKMS build, no device): $t_install"
echo "#   devices/host    converge    no change    remove    converge s/device    ratio to $(echo "$counts" | cut -d' ' -f1)"
printf '%s' "$table" | awk -v hosts="$nh" '
	NF == 4 {
		if (!base) base = $2
		printf "#   %12d %11d %12d %9d %20.2f %12.2f\n", $1, $2, $3, $4,
			$2 / ($1 * hosts), $2 / base
	}'
echo "# fleet benchmark: $(($(date +%s) - begin)) s wall in all"
tap_done
