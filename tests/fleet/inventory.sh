#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The fleet test's inventories (sourced by setup.sh): the Ansible
# inventory of the running hosts with 20 mtty devices each, in
# versions that change between applies, the bad inventories that must
# change nothing, and for each version what every host must show
# afterwards (lines "UUID TYPE START ACTIVE", as fleet_state prints them).
#
#   v1  host k: devices 1..20, odd ones mtty-2, even ones mtty-1, start
#       auto, started (30 of 64 ports)
#   v2  with mtty_prune: devices 1 and 2 change type, 3 and 4 are
#       absent, 5 and 6 move to the next host (k % 3 + 1), 7 is manual
#       and stopped, 8 manual and started; the first host's max_ports
#       grows to 96, with mtty_reload_module
#   v3  v2, and device 9 manual and stopped (an auto one that is not
#       running is what mtty-status reports as a failed autostart)
# and for the benchmark (tests/bench/fleet.sh) N devices on every host.
# Needs $fleet_names, $work, $version, suite_of and fleet_inventory.

# Set by the sourcing run.sh and hosts.sh.
# shellcheck disable=SC2154

# fleet_uuid HOST-INDEX DEVICE-INDEX: the UUID of a device of the test.
fleet_uuid() {
	printf 'f1ee0000-%04d-4000-8000-%012d\n' "$1" "$2"
}

# fleet_type DEVICE-INDEX: its type in v1.
fleet_type() {
	if [ $(($1 % 2)) -eq 1 ]; then echo mtty-2; else echo mtty-1; fi
}

# fleet_device_line VERSION HOST-INDEX DEVICE-INDEX OWNER-INDEX: the
# device's declaration "TYPE START STATE", or nothing when VERSION does
# not declare it on that host.
fleet_device_line() {
	_v=$1 _k=$2 _i=$3 _o=$4
	_t=$(fleet_type "$_i") _s=auto _st=started
	if [ "$_v" = v1 ]; then
		[ "$_o" = "$_k" ] && echo "$_t $_s $_st"
		return 0
	fi
	case $_i in
	1 | 2) [ "$_t" = mtty-1 ] && _t=mtty-2 || _t=mtty-1 ;;
	3 | 4) _st=absent ;;
	5 | 6)
		# Declared by the next host only.
		[ "$_k" = $((_o % 3 + 1)) ] && echo "$_t $_s $_st"
		return 0
		;;
	7) _s=manual _st=stopped ;;
	8) _s=manual ;;
	9) [ "$_v" = v3 ] && _s=manual _st=stopped ;;
	esac
	[ "$_o" = "$_k" ] && echo "$_t $_s $_st"
	return 0
}

# fleet_host_vars FILE SUITE MAX_PORTS PRUNE: the start of a host's
# variables: the packages of its suite, max_ports and mtty_prune.
fleet_host_vars() {
	{
		echo "---"
		echo "mtty_max_ports: $3"
		echo "mtty_prune: $4"
		echo "mtty_deb_files:"
		echo "  - $work/debs/$2/mtty-dkms_${version}_all.deb"
		echo "  - $work/debs/$2/mtty_${version}_amd64.deb"
	} >"$1"
}

# fleet_declare VERSION DIR: DIR/inventory.ini with DIR/host_vars/NAME.yml
# for every host, and DIR/expect-NAME, what the host must show after the
# apply.
fleet_declare() {
	mkdir -p "$2/host_vars"
	fleet_inventory "$2/inventory.ini" mtty_fleet
	_k=0
	for _h in $fleet_names; do
		_k=$((_k + 1))
		_s=$(suite_of "$_h")
		_f=$2/host_vars/$_h.yml
		if [ "$1" = v1 ]; then
			fleet_host_vars "$_f" "$_s" 64 false
		elif [ "$_k" = 1 ]; then
			# More ports under running devices: the role reloads
			# the module, stopping them, and starts them again.
			fleet_host_vars "$_f" "$_s" 96 true
			echo "mtty_reload_module: true" >>"$_f"
		else
			fleet_host_vars "$_f" "$_s" 64 true
		fi
		echo "mtty_devices:" >>"$_f"
		: >"$2/expect-$_h"
		for _o in 1 2 3; do
			for _i in $(seq 1 20); do
				_d=$(fleet_device_line "$1" "$_k" "$_i" "$_o")
				[ -n "$_d" ] || continue
				# shellcheck disable=SC2086  # "TYPE START STATE"
				set -- "$1" "$2" $_d
				_u=$(fleet_uuid "$_o" "$_i")
				echo "  - {uuid: $_u, type: $3, start: $4, state: $5}" >>"$_f"
				case $5 in
				started) echo "$_u $3 $4 true" ;;
				stopped) echo "$_u $3 $4 false" ;;
				esac >>"$2/expect-$_h"
				set -- "$1" "$2"
			done
		done
		LC_ALL=C sort -o "$2/expect-$_h" "$2/expect-$_h"
	done
}

# fleet_bad KIND DIR: v1 with one mistake, in DIR: unknown-type,
# duplicate (the first host's device 1 declared by the second too),
# malformed-uuid, capacity (the last host's max_ports below its 30 ports).
fleet_bad() {
	fleet_declare v1 "$2"
	# shellcheck disable=SC2086  # the list of host names
	set -- "$1" "$2" $fleet_names
	case $1 in
	unknown-type)
		echo "  - {uuid: $(fleet_uuid 9 1), type: mtty-3}" >>"$2/host_vars/$3.yml" ;;
	duplicate)
		echo "  - {uuid: $(fleet_uuid 1 1), type: mtty-1}" >>"$2/host_vars/$4.yml" ;;
	malformed-uuid)
		echo "  - {uuid: f1ee0000-0009-4000-8000-00000000001, type: mtty-1}" \
			>>"$2/host_vars/$3.yml" ;;
	capacity)
		sed -i 's/^mtty_max_ports: 64$/mtty_max_ports: 8/' "$2/host_vars/$5.yml" ;;
	esac
}

# fleet_declare_count N MAX_PORTS DIR: every host declares N devices of
# its own (odd ones mtty-2, even ones mtty-1, auto, started) and prunes
# the rest, in DIR as fleet_declare writes it (N 0: no device at all).
fleet_declare_count() {
	mkdir -p "$3/host_vars"
	fleet_inventory "$3/inventory.ini" mtty_fleet
	_k=0
	for _h in $fleet_names; do
		_k=$((_k + 1))
		_f=$3/host_vars/$_h.yml
		fleet_host_vars "$_f" "$(suite_of "$_h")" "$2" true
		[ "$1" -gt 0 ] && echo "mtty_devices:" >>"$_f" || echo "mtty_devices: []" >>"$_f"
		: >"$3/expect-$_h"
		_i=1
		while [ "$_i" -le "$1" ]; do
			_u=$(fleet_uuid "$_k" "$_i")
			_t=$(fleet_type "$_i")
			echo "  - {uuid: $_u, type: $_t, start: auto, state: started}" >>"$_f"
			echo "$_u $_t auto true" >>"$3/expect-$_h"
			_i=$((_i + 1))
		done
		LC_ALL=C sort -o "$3/expect-$_h" "$3/expect-$_h"
	done
}
