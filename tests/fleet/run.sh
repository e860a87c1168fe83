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
#      some removed, some stopped) converges, and again changes nothing;
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
# shellcheck source=tests/lib/tap.sh
. "$root/tests/lib/tap.sh"
# shellcheck source=tests/lib/klog.sh
. "$root/tests/lib/klog.sh"
# shellcheck source=tests/lib/qemu.sh
. "$root/tests/lib/qemu.sh"
# shellcheck source=tests/lib/kernel.sh
. "$root/tests/lib/kernel.sh"
# shellcheck source=tests/fleet/hosts.sh
. "$here/hosts.sh"
# shellcheck source=tests/fleet/inventory.sh
. "$here/inventory.sh"

cache=${MTTY_CACHE:-$HOME/.cache/mtty}
plan="fleet1:bookworm fleet2:trixie fleet3:bookworm"
reuse=0
keep=0
while [ $# -gt 0 ]; do
	case $1 in
	--hosts) plan=${2:?--hosts needs a list}; shift ;;
	--reuse-debs) reuse=1 ;;
	--keep) keep=1 ;;
	-h | --help) awk 'NR > 3 { if (!/^#/) exit; print }' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
# inventory.sh's inventories move devices around a ring of three hosts.
if [ "$(echo "$plan" | wc -w)" -ne 3 ]; then
	echo "run.sh: the fleet test needs three hosts (got: $plan)" >&2
	exit 2
fi
suites=$(for h in $plan; do echo "${h#*:}"; done | sort -u | tr '\n' ' ')
suites=${suites% }
for s in $suites; do
	suite_check "$s" || exit 2
done

# --- this machine -----------------------------------------------------------
if [ "$(id -u)" -ne 0 ]; then
	tap_fail "run as root (the images and packages are built in chroots)"
	tap_done
fi
PATH=$PATH:/usr/sbin:/sbin
# ss is in iproute2, flock and unshare in util-linux.
host_pkgs="qemu-system-x86 qemu-utils openssh-client ansible e2fsprogs mmdebstrap iproute2 util-linux"
missing=
for p in $host_pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
begin=$(date +%s)
logs=$cache/logs/fleet-$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$logs"
echo "# logs: $logs"
if [ -n "$missing" ]; then
	echo "# installing on this machine:$missing"
	# shellcheck disable=SC2086  # a list of package names
	if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends $missing; } \
		>"$logs/host-packages.log" 2>&1; then
		tap_fail "install$missing on this machine (log: $logs/host-packages.log)"
		tap_done
	fi
fi
# sed reads to the end: ansible dies of a broken pipe under head.
tap_ok "this machine has QEMU, qemu-img, ssh and Ansible ($(ansible --version 2>/dev/null | sed -n 1p))"

work=$cache/fleet-run/run-$$
rm -rf "$work"
mkdir -p "$work/debs"
# shellcheck disable=SC2317  # called by the trap
cleanup() {
	fleet_cleanup
	[ "$keep" = 1 ] || rm -f "$logs"/hosts/*/disk.qcow2
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the packages -------------------------------------------------------------
version=$(mtty_version)
have_debs() {
	for s in $suites; do
		[ -f "$root/build/deb/$s/mtty_${version}_amd64.deb" ] &&
			[ -f "$root/build/deb/$s/mtty-dkms_${version}_all.deb" ] || return 1
	done
}
# shellcheck disable=SC2086  # a list of suites
if [ "$reuse" = 1 ] && have_debs; then
	tap_ok "the packages of $version for $suites are in build/deb (reused)"
elif sh "$root/scripts/build-deb.sh" $suites >"$logs/build-deb.log" 2>&1 && have_debs; then
	tap_ok "the packages of $version build for $suites (scripts/build-deb.sh)"
else
	tap_fail "the packages of $version build for $suites (log: $logs/build-deb.log)"
	tail -n 15 "$logs/build-deb.log" | sed 's/^/#   /'
	tap_done
fi
# A copy, so that another build of the tree cannot change them under us.
for s in $suites; do
	mkdir -p "$work/debs/$s"
	cp "$root/build/deb/$s/mtty_${version}_amd64.deb" \
		"$root/build/deb/$s/mtty-dkms_${version}_all.deb" "$work/debs/$s/"
done

# --- the images ---------------------------------------------------------------
for s in $suites; do
	t=$(date +%s)
	if img=$(sh "$here/mkrootfs-fleet.sh" "$s" 2>"$logs/image-$s.log"); then
		echo "$img" >"$work/image-$s"
		tap_ok "the $s host image ($(basename "$img"), $(($(date +%s) - t)) s)"
	else
		tap_fail "the $s host image (log: $logs/image-$s.log)"
		tail -n 15 "$logs/image-$s.log" | sed 's/^/#   /'
		tap_done
	fi
done

# --- the hosts ----------------------------------------------------------------
fleet_init "$logs/hosts"
for h in $plan; do
	if ! fleet_add "${h%%:*}" "${h#*:}" "$(cat "$work/image-${h#*:}")"; then
		tap_fail "an overlay for ${h%%:*}"
		tap_done
	fi
done
# suite_of NAME: the host's Debian suite.
suite_of() {
	cat "$fleet_dir/$1/suite"
}

t_boot=$(date +%s)
for h in $fleet_names; do
	fleet_start "$h"
done
up=
for h in $fleet_names; do
	if fleet_wait_ssh "$h" 900; then
		up="$up $h"
		tap_ok "$h ($(suite_of "$h")) boots and answers SSH on 127.0.0.1:$(fleet_port "$h") ($(($(date +%s) - t_boot)) s after the start)"
	else
		tap_fail "$h ($(suite_of "$h")) boots and answers SSH on 127.0.0.1:$(fleet_port "$h") (console: $(fleet_console "$h"))"
		tr -d '\r' <"$(fleet_console "$h")" | tail -n 15 | sed 's/^/#   /'
	fi
done
if [ "$up" != "$fleet_names" ]; then
	tap_done
fi
for h in $fleet_names; do
	# shellcheck disable=SC2016  # expanded on the host
	echo "# $h: $(fleet_ssh "$h" 'uname -r; . /etc/os-release; echo "$PRETTY_NAME"; systemctl is-system-running' </dev/null 2>&1 | tr '\n' ' ')"
done

# --- Ansible ----------------------------------------------------------------------
# Ansible runs from the work directory, away from any ansible.cfg of the
# tree or the caller's directory.
fleet_ansible() {
	(cd "$work" && ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=False \
		ANSIBLE_RETRY_FILES_ENABLED=False ANSIBLE_ROLES_PATH="$root/ansible/roles" "$@")
}
nh=$(echo "$fleet_names" | wc -w)
fleet_declare v1 "$work/v1"
cp -r "$work/v1" "$logs/inventory-v1"
fleet_ansible ansible -i "$work/v1/inventory.ini" all -m ping -o >"$logs/ansible-ping.log" 2>&1
rc=$?
n=$(grep -c 'SUCCESS' "$logs/ansible-ping.log")
if [ "$rc" -eq 0 ] && [ "$n" -eq "$nh" ]; then
	tap_ok "ansible -i <inventory> all -m ping: $n of $nh hosts answer"
else
	tap_fail "ansible -i <inventory> all -m ping: $n of $nh hosts answer (exit $rc)"
	sed 's/^/#   /' "$logs/ansible-ping.log" | head -n 20
fi

# apply NAME DIR [ARGS...]: the role's playbook with DIR's inventory;
# output in $logs/apply-NAME.log, exit status in $arc, time in $atime.
apply() {
	_name=$1 _dir=$2
	shift 2
	_t=$(date +%s)
	fleet_ansible ansible-playbook -i "$_dir/inventory.ini" \
		"$root/ansible/playbooks/site.yml" "$@" >"$logs/apply-$_name.log" 2>&1
	arc=$?
	atime=$(($(date +%s) - _t))
}
# recap NAME HOST FIELD: FIELD (changed, failed, unreachable...) of HOST
# in the play recap of apply NAME.
recap() {
	sed -n "s/^$2 *: .* $3=\([0-9]*\).*/\1/p" "$logs/apply-$1.log" | tail -n 1
}
# apply_report NAME TEXT: the last lines of apply NAME as notes.
apply_report() {
	grep -E '^(fatal|failed|[a-z0-9]+ +: ok=)|msg' "$logs/apply-$1.log" | tail -n 25 | sed 's/^/#   /'
}
# fleet_state HOST: the host's mtty definitions as mtty-status --json
# shows them, one "UUID TYPE START ACTIVE" line each, sorted.
fleet_state() {
	fleet_ssh "$1" mtty-status --json </dev/null 2>/dev/null | jq -r \
		'[.devices[] | select(.defined) | "\(.uuid) \(.type) \(.start) \(.active)"] | sort | .[]' 2>&1
}
# check_state WHAT DIR [HOST...]: each HOST (default every host) shows
# what DIR/expect-HOST says, and mtty-status exits 0 (nothing to mend).
check_state() {
	_what=$1 _dir=$2
	shift 2
	# shellcheck disable=SC2086  # the list of host names
	[ $# -gt 0 ] || set -- $fleet_names
	for _h in "$@"; do
		fleet_state "$_h" >"$work/state-$_h"
		_rc=0
		fleet_ssh "$_h" mtty-status --quiet </dev/null >/dev/null 2>&1 || _rc=$?
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
# all_changed NAME: "HOST=N ..." of the recap of apply NAME.
all_changed() {
	for _h in $fleet_names; do
		printf '%s=%s ' "$_h" "$(recap "$1" "$_h" changed)"
	done
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
# While the hosts run: this boot's kernel messages about mtty, vfio or mdev
# at warning level or worse, and anything of KLOG_BAD (an unsigned
# out-of-tree module taints the kernel once, at error level: expected).
for h in $fleet_names; do
	fleet_ssh "$h" "journalctl -b -k -o cat" </dev/null >"$logs/kernel-$h.log" 2>&1
	bad=$( { fleet_ssh "$h" "journalctl -b -k -p warning -o cat" </dev/null 2>&1 |
			grep -Ei 'mtty|vfio|mdev'
		grep -E "$KLOG_BAD" "$logs/kernel-$h.log"; } |
		grep -Ev 'loading out-of-tree module taints kernel|module verification failed: signature and/or required key missing' || true)
	if [ -z "$bad" ]; then
		tap_ok "$h: kernel log has no warning or error about mtty, vfio or mdev"
	else
		tap_fail "$h: kernel log has no warning or error about mtty, vfio or mdev"
		printf '%s\n' "$bad" | head -n 20 | sed 's/^/#   /'
	fi
done
t_off=$(date +%s)
if fleet_shutdown_all 300; then
	tap_ok "every host powers off cleanly ($(($(date +%s) - t_off)) s)"
else
	tap_fail "every host powers off cleanly"
fi
for h in $fleet_names; do
	kbad=$(klog_console_bad "$(fleet_console "$h")" || true)
	if [ -z "$kbad" ]; then
		tap_ok "$h: kernel console shows no oops, warning or panic ($(fleet_boots "$h") boot(s))"
	else
		tap_fail "$h: kernel console shows no oops, warning or panic"
		printf '%s\n' "$kbad" | head -n 20 | sed 's/^/#   /'
	fi
done
echo "# fleet tier: $(($(date +%s) - begin)) s wall in all"
tap_done
