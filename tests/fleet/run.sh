#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The fleet test: mtty's Debian packages on several full Debian systems
# booted at once, each managed over SSH like a real virtualization host.
#
#   run.sh [--hosts "NAME:SUITE ..."] [--reuse-debs] [--keep]
#
# Builds the packages of the tree for every suite of the fleet
# (scripts/build-deb.sh, each in a clean chroot of its suite) and a disk
# image per suite (mkrootfs-fleet.sh: the package tier's system with
# openssh-server and python3), boots the hosts concurrently on qcow2
# overlays of those images (hosts.sh; QEMU's user network forwards a port
# of 127.0.0.1 to each one's SSH server), and applies the Ansible role of
# ansible/ to them with the inventories of inventory.sh (20 mtty devices
# per host):
#   1. the first apply installs the packages (DKMS builds the module),
#      sets max_ports and converges the devices; a second changes nothing;
#   2. bad inventories (unknown type, a UUID on two hosts, a malformed
#      UUID, more ports than max_ports) fail every host and change none;
#   3. --check --diff of a changed inventory shows and changes nothing;
#   4. a host reboots: its devices are back, started before libvirtd;
#   5. the changed inventory (types changed, devices moved between hosts,
#      some removed, some stopped, more max_ports on one host, which
#      reloads the module under running devices) converges, and again
#      changes nothing;
#   6. with a host powered off an apply converges the others and reports
#      it unreachable; once it is back the next apply finishes it.
# After each apply every host's mtty-status --json must show what was
# declared. Then every host powers off and its kernel log and console
# are checked.
#
# --hosts: the fleet, as NAME:SUITE words (default: fleet1:bookworm
#   fleet2:trixie fleet3:bookworm, mixed releases as on a real site)
# --reuse-debs: take the packages already in build/deb/SUITE when they
#   are of the tree's version (faster runs while working on this script)
# --keep: keep the hosts' overlays (in the log directory)
#
# Needs root (mmdebstrap, chroots). Installs with apt what it needs on
# this machine: QEMU, qemu-img, the SSH client, Ansible.
#
# Prints "ok N - ..." / "not ok N - ..." and "N passed, N failed".
# Environment: MTTY_CACHE (default ~/.cache/mtty), MTTY_FLEET_MEM,
# MTTY_FLEET_PORT and the other settings of hosts.sh.

set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=tests/fleet/setup.sh
. "$here/setup.sh"

plan="fleet1:bookworm fleet2:trixie fleet3:bookworm"
while [ $# -gt 0 ]; do
	case $1 in
	--hosts) plan=${2:?--hosts needs a list}; shift ;;
	*) fleet_option "$1" || { echo "run.sh: unknown argument $1" >&2; exit 2; } ;;
	esac
	shift
done
# inventory.sh's inventories move devices around a ring of three hosts.
if [ "$(echo "$plan" | wc -w)" -ne 3 ]; then
	echo "run.sh: the fleet test needs three hosts (got: $plan)" >&2
	exit 2
fi

begin=$(date +%s)
fleet_bringup "$plan" "$reuse" "$keep" fleet
fleet_declare v1 "$work/v1"
cp -r "$work/v1" "$logs/inventory-v1"

# check_state WHAT DIR [HOST...]: each HOST (default every host) shows
# what DIR/expect-HOST says, and mtty-status exits 0 (nothing to mend).
check_state() {
	_what=$1 _dir=$2
	shift 2
	# shellcheck disable=SC2086  # the list of host names
	[ $# -gt 0 ] || set -- $fleet_names
	for _h in "$@"; do
		# One run gives both: the exit status is that of every output mode.
		_rc=0
		fleet_ssh "$_h" mtty-status --json </dev/null >"$work/status-$_h.json" 2>/dev/null || _rc=$?
		fleet_state_of "$work/status-$_h.json" >"$work/state-$_h"
		if cmp -s "$work/state-$_h" "$_dir/expect-$_h" && [ "$_rc" -eq 0 ]; then
			tap_ok "$_h: $_what: mtty-status --json shows the $(wc -l <"$_dir/expect-$_h") declared definitions, exit 0"
		else
			tap_fail "$_h: $_what: mtty-status --json shows the declared definitions, exit 0 (got $_rc)"
			diff "$_dir/expect-$_h" "$work/state-$_h" | head -n 20 | sed 's/^/#   /'
		fi
	done
}
# snapshot: every host's definitions, to compare before and after a run
# that must change nothing.
snapshot() {
	for _h in $fleet_names; do
		echo "== $_h"
		fleet_state "$_h"
	done
}
# settled HOST: the host's boot has finished (a unit that failed, making
# the system "degraded", is the kernel log checks' business).
settled() {
	fleet_ssh "$1" 'timeout 600 systemctl is-system-running --wait' </dev/null 2>/dev/null |
		grep -Eqx 'running|degraded'
}

# --- first apply: packages, module option, 3 x 20 devices ---------------------------
apply first "$work/v1"
if [ "$arc" -eq 0 ]; then
	tap_ok "first apply of the role (packages, max_ports, 20 devices per host): $atime s; changed: $(all_changed first)"
else
	tap_fail "first apply of the role (exit $arc, log: $logs/apply-first.log)"
	apply_report first
fi
for h in $fleet_names; do
	s=$(suite_of "$h")
	kver=$(fleet_ssh "$h" uname -r </dev/null 2>/dev/null)
	dkms=$(fleet_ssh "$h" dkms status -m mtty </dev/null 2>&1)
	case $dkms in
	*"mtty/$version, $kver, x86_64: installed"*)
		tap_ok "$h ($s): the role installed the packages; DKMS built mtty $version for $kver" ;;
	*)
		tap_fail "$h ($s): the role installed the packages; DKMS built mtty $version for $kver"
		printf '%s\n' "$dkms" | sed 's/^/#   /' ;;
	esac
	out=$(fleet_ssh "$h" 'cat /sys/module/mtty/version /sys/module/mtty/parameters/max_ports' </dev/null 2>&1 | tr '\n' ' ')
	tap_is "$h ($s): module version and max_ports" "$version 64 " "$out"
done
check_state "after the first apply" "$work/v1"

apply second "$work/v1"
bad=$(all_changed second | tr ' ' '\n' | grep -v '=0$' | tr '\n' ' ')
if [ "$arc" -eq 0 ] && [ -z "$bad" ]; then
	tap_ok "second apply of the same inventory: changed=0 on every host ($atime s)"
else
	tap_fail "second apply of the same inventory: changed=0 on every host (exit $arc; $(all_changed second))"
	apply_report second
fi

# --- bad inventories: every host fails, none changes ----------------------------------
before=$(snapshot)
for kind in unknown-type duplicate malformed-uuid capacity; do
	fleet_bad "$kind" "$work/bad-$kind"
	apply "bad-$kind" "$work/bad-$kind"
	nfail=0
	for h in $fleet_names; do
		[ "$(recap "bad-$kind" "$h" failed)" = 1 ] && nfail=$((nfail + 1))
	done
	if [ "$arc" -ne 0 ] && [ "$nfail" -eq "$nh" ] &&
		grep -q 'the mtty inventory is invalid; no host was changed' "$logs/apply-bad-$kind.log"; then
		tap_ok "bad inventory ($kind): every host fails with the reason ($(grep -o "host [a-z0-9]*[,:][^\"']*" "$logs/apply-bad-$kind.log" | head -n 1 | cut -c1-120))"
	else
		tap_fail "bad inventory ($kind): every host fails with the reason (exit $arc, $nfail of $nh failed)"
		apply_report "bad-$kind"
	fi
done
if [ "$(snapshot)" = "$before" ]; then
	tap_ok "after the bad inventories: every host's definitions unchanged"
else
	tap_fail "after the bad inventories: every host's definitions unchanged"
fi

# --- check mode of the changed inventory ---------------------------------------------
fleet_declare v2 "$work/v2"
cp -r "$work/v2" "$logs/inventory-v2"
apply check "$work/v2" --check --diff
if [ "$arc" -eq 0 ] && grep -q 'f1ee0000-0001-4000-8000-000000000001 mtty-1 auto active' "$logs/apply-check.log" &&
	[ "$(snapshot)" = "$before" ]; then
	tap_ok "--check --diff of the changed inventory shows the changes and changes nothing ($(all_changed check))"
else
	tap_fail "--check --diff of the changed inventory shows the changes and changes nothing (exit $arc)"
	apply_report check
fi

# --- a host reboots: its devices are back before libvirtd -----------------------------
# shellcheck disable=SC2086  # the list of host names
set -- $fleet_names
rb=$2
t=$(date +%s)
if fleet_reboot "$rb" 900 && settled "$rb"; then
	tap_ok "$rb reboots ($(($(date +%s) - t)) s)"
else
	tap_fail "$rb reboots (console: $(fleet_console "$rb"))"
fi
# shellcheck disable=SC2016  # expanded on the host
order=$(fleet_ssh "$rb" 'echo $(systemctl show -P ActiveEnterTimestampMonotonic mtty-autostart.service) $(systemctl show -P InactiveExitTimestampMonotonic libvirtd.service)' </dev/null 2>&1)
if [ "${order% *}" -gt 0 ] 2>/dev/null && [ "${order% *}" -le "${order#* }" ]; then
	tap_ok "$rb: mtty-autostart.service was done before libvirtd started ($order, monotonic us)"
else
	tap_fail "$rb: mtty-autostart.service was done before libvirtd started (got '$order')"
fi
check_state "after the reboot" "$work/v1" "$rb"

# --- the changed inventory: types, moves, removals -----------------------------------
apply changed "$work/v2"
if [ "$arc" -eq 0 ]; then
	tap_ok "apply of the changed inventory: $atime s; changed: $(all_changed changed)"
else
	tap_fail "apply of the changed inventory (exit $arc)"
	apply_report changed
fi
# shellcheck disable=SC2086  # the list of host names
set -- $fleet_names
out=$(fleet_ssh "$1" cat /sys/module/mtty/parameters/max_ports </dev/null 2>&1)
tap_is "$1: the role reloaded the module under running devices for the new max_ports" 96 "$out"
check_state "after the changed inventory" "$work/v2"
apply changed-again "$work/v2"
bad=$(all_changed changed-again | tr ' ' '\n' | grep -v '=0$' | tr '\n' ' ')
if [ "$arc" -eq 0 ] && [ -z "$bad" ]; then
	tap_ok "second apply of the changed inventory: changed=0 on every host ($atime s)"
else
	tap_fail "second apply of the changed inventory: changed=0 on every host (exit $arc; $(all_changed changed-again))"
fi
for h in $fleet_names; do
	fleet_ssh "$h" mtty-status --json </dev/null >"$logs/status-$h.json" 2>&1
	echo "# $h: mtty-status --json after the second apply: $(jq -c '{module: .module, summary: .summary}' "$logs/status-$h.json" 2>&1) ($logs/status-$h.json)"
done

# --- a host is down during an apply --------------------------------------------------
for down in $fleet_names; do :; done
fleet_declare v3 "$work/v3"
if fleet_kill "$down" && ! fleet_ssh "$down" true </dev/null >/dev/null 2>&1; then
	tap_ok "$down: powered off hard; SSH no longer answers"
else
	tap_fail "$down: powered off hard; SSH no longer answers"
fi
apply down "$work/v3"
if [ "$arc" -ne 0 ] && [ "$(recap down "$down" unreachable)" = 1 ]; then
	tap_ok "apply with $down down: $down reported unreachable (exit $arc)"
else
	tap_fail "apply with $down down: $down reported unreachable (exit $arc)"
	apply_report down
fi
up_hosts=$(echo "$fleet_names" | tr ' ' '\n' | grep -vx "$down" | tr '\n' ' ')
# shellcheck disable=SC2086  # the list of host names
check_state "converged while $down was down" "$work/v3" $up_hosts
t=$(date +%s)
if fleet_poweron "$down" 900 && settled "$down"; then
	tap_ok "$down powers on again ($(($(date +%s) - t)) s)"
else
	tap_fail "$down powers on again (console: $(fleet_console "$down"))"
fi
apply down-again "$work/v3"
bad=$(for h in $up_hosts; do printf '%s=%s\n' "$h" "$(recap down-again "$h" changed)"; done | grep -v '=0$' | tr '\n' ' ')
if [ "$arc" -eq 0 ] && [ -z "$bad" ]; then
	tap_ok "the next apply finishes $down and changes nothing elsewhere ($down changed=$(recap down-again "$down" changed))"
else
	tap_fail "the next apply finishes $down and changes nothing elsewhere (exit $arc; $(all_changed down-again))"
	apply_report down-again
fi
check_state "after the next apply" "$work/v3" "$down"

# --- the kernel logs, and the end -----------------------------------------------------
fleet_teardown
echo "# fleet tier: $(($(date +%s) - begin)) s wall in all"
tap_done
