#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# What the fleet test (run.sh), the two-host migration test (migrate.sh)
# and the fleet benchmark (tests/bench/fleet.sh) do before their first
# apply and after their last, and the helpers they apply with (sourced,
# POSIX sh, with $root set to the top of the tree; it sources tests/lib's
# tap.sh, klog.sh, qemu.sh, kernel.sh and ansible.sh and this
# directory's hosts.sh and inventory.sh):
#
#   fleet_option ARG
#       the options every fleet script takes: --reuse-debs sets $reuse,
#       --keep $keep to 1, --help prints the script's head comment and
#       exits; status 1 for any other ARG
#   fleet_bringup PLAN REUSE KEEP LOGNAME
#       PLAN is the fleet as NAME:SUITE words; REUSE 1 takes the packages
#       already in build/deb when they are of the tree's version; KEEP 1
#       keeps the hosts' overlays. Installs what this machine lacks,
#       builds the packages and images, boots the hosts and pings them
#       with Ansible (each step a TAP line; a failure ends the run).
#       Sets $logs (a new directory $MTTY_CACHE/logs/LOGNAME-...), $work
#       (removed at exit), $version, $suites and $nh, the number of hosts.
#   fleet_teardown
#       checks every host's kernel log while it runs, powers them all off
#       and checks their consoles (TAP lines)
#   fleet_host_added NAME        called by fleet_bringup after each
#                                fleet_add, before the hosts boot: does
#                                nothing; a caller may define its own
#                                (e.g. with fleet_qemu_args) after
#                                sourcing this file
#   suite_of NAME                the host's Debian suite
#   fleet_ansible CMD...         an Ansible command run from $work
#   apply NAME DIR [ARGS...]     the role's playbook with DIR's inventory;
#                                output in $logs/apply-NAME.log, exit
#                                status in $arc, seconds in $atime
#   recap NAME HOST FIELD        FIELD of HOST in apply NAME's play recap
#   all_changed NAME             "HOST=N ..." changed counts of apply NAME
#   apply_report NAME            the telling lines of apply NAME, as notes
#   fleet_state HOST             the host's definitions, one line "UUID
#                                TYPE START ACTIVE" each, sorted, from
#                                mtty-status --json
#   fleet_state_of FILE          the same from a saved mtty-status --json

# Set by the sourcing script ($root) and for it ($logs, $arc, ...).
# shellcheck disable=SC2154,SC2034

# What the fleet scripts use, sourced once here.
# shellcheck source=tests/lib/tap.sh
. "$root/tests/lib/tap.sh"
# shellcheck source=tests/lib/klog.sh
. "$root/tests/lib/klog.sh"
# shellcheck source=tests/lib/qemu.sh
. "$root/tests/lib/qemu.sh"
# shellcheck source=tests/lib/kernel.sh
. "$root/tests/lib/kernel.sh"
# shellcheck source=tests/lib/ansible.sh
. "$root/tests/lib/ansible.sh"
# shellcheck source=tests/fleet/hosts.sh
. "$root/tests/fleet/hosts.sh"
# shellcheck source=tests/fleet/inventory.sh
. "$root/tests/fleet/inventory.sh"

reuse=0
keep=0
fleet_option() {
	case $1 in
	--reuse-debs) reuse=1 ;;
	--keep) keep=1 ;;
	-h | --help) awk 'NR > 3 { if (!/^#/) exit; print }' "$0"; exit 0 ;;
	*) return 1 ;;
	esac
}

fleet_bringup() {
	_plan=$1 _reuse=$2 _keep=$3
	suites=$(for _p in $_plan; do echo "${_p#*:}"; done | sort -u | tr '\n' ' ')
	suites=${suites% }
	for _s in $suites; do
		suite_check "$_s" || exit 2
	done

	# --- this machine
	if [ "$(id -u)" -ne 0 ]; then
		tap_fail "run as root (the images and packages are built in chroots)"
		tap_done
	fi
	PATH=$PATH:/usr/sbin:/sbin
	# ss is in iproute2, flock and unshare in util-linux.
	_pkgs="qemu-system-x86 qemu-utils openssh-client ansible e2fsprogs mmdebstrap iproute2 util-linux jq"
	_missing=
	for _p in $_pkgs; do
		dpkg-query -W -f='${Status}' "$_p" 2>/dev/null | grep -q 'ok installed' ||
			_missing="$_missing $_p"
	done
	logs=${MTTY_CACHE:-$HOME/.cache/mtty}/logs/$4-$(date +%Y%m%d-%H%M%S)-$$
	mkdir -p "$logs"
	echo "# logs: $logs"
	if [ -n "$_missing" ]; then
		echo "# installing on this machine:$_missing"
		# shellcheck disable=SC2086  # a list of package names
		if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q --no-install-recommends $_missing; } \
			>"$logs/host-packages.log" 2>&1; then
			tap_fail "install$_missing on this machine (log: $logs/host-packages.log)"
			tap_done
		fi
	fi
	# sed reads to the end: ansible dies of a broken pipe under head.
	tap_ok "this machine has QEMU, qemu-img, ssh and Ansible ($(ansible --version 2>/dev/null | sed -n 1p))"

	work=${MTTY_CACHE:-$HOME/.cache/mtty}/fleet-run/run-$$
	rm -rf "$work"
	mkdir -p "$work/debs"
	fleet_keep=$_keep
	trap fleet_bringup_cleanup EXIT
	trap 'exit 130' INT TERM

	# --- the packages
	version=$(mtty_version)
	# shellcheck disable=SC2086  # a list of suites
	if [ "$_reuse" = 1 ] && fleet_have_debs; then
		tap_ok "the packages of $version for $suites are in build/deb (reused)"
	elif sh "$root/scripts/build-deb.sh" $suites >"$logs/build-deb.log" 2>&1 &&
		fleet_have_debs; then
		tap_ok "the packages of $version build for $suites (scripts/build-deb.sh)"
	else
		tap_fail "the packages of $version build for $suites (log: $logs/build-deb.log)"
		tail -n 15 "$logs/build-deb.log" | sed 's/^/#   /'
		tap_done
	fi
	# A copy, so that another build of the tree cannot change them under us.
	for _s in $suites; do
		mkdir -p "$work/debs/$_s"
		cp "$root/build/deb/$_s/mtty_${version}_amd64.deb" \
			"$root/build/deb/$_s/mtty-dkms_${version}_all.deb" "$work/debs/$_s/"
	done

	# --- the images
	for _s in $suites; do
		_t=$(date +%s)
		if _img=$(sh "$root/tests/fleet/mkrootfs-fleet.sh" "$_s" 2>"$logs/image-$_s.log"); then
			echo "$_img" >"$work/image-$_s"
			tap_ok "the $_s host image ($(basename "$_img"), $(($(date +%s) - _t)) s)"
		else
			tap_fail "the $_s host image (log: $logs/image-$_s.log)"
			tail -n 15 "$logs/image-$_s.log" | sed 's/^/#   /'
			tap_done
		fi
	done

	# --- the hosts
	fleet_init "$logs/hosts"
	for _p in $_plan; do
		if ! fleet_add "${_p%%:*}" "${_p#*:}" "$(cat "$work/image-${_p#*:}")" ||
			! fleet_host_added "${_p%%:*}"; then
			tap_fail "an overlay for ${_p%%:*}"
			tap_done
		fi
	done
	_t=$(date +%s)
	for _h in $fleet_names; do
		fleet_start "$_h"
	done
	_up=
	for _h in $fleet_names; do
		if fleet_wait_ssh "$_h" 900; then
			_up="$_up $_h"
			tap_ok "$_h ($(suite_of "$_h")) boots and answers SSH on 127.0.0.1:$(fleet_port "$_h") ($(($(date +%s) - _t)) s after the start)"
		else
			tap_fail "$_h ($(suite_of "$_h")) boots and answers SSH on 127.0.0.1:$(fleet_port "$_h") (console: $(fleet_console "$_h"))"
			tr -d '\r' <"$(fleet_console "$_h")" | tail -n 15 | sed 's/^/#   /'
		fi
	done
	[ "$_up" = "$fleet_names" ] || tap_done
	for _h in $fleet_names; do
		# shellcheck disable=SC2016  # expanded on the host
		echo "# $_h: $(fleet_ssh "$_h" 'uname -r; . /etc/os-release; echo "$PRETTY_NAME"; systemctl is-system-running' </dev/null 2>&1 | tr '\n' ' ')"
	done

	# --- Ansible reaches them
	nh=$(echo "$fleet_names" | wc -w)
	fleet_inventory "$work/ping.ini" mtty_fleet
	fleet_ansible ansible -i "$work/ping.ini" all -m ping -o >"$logs/ansible-ping.log" 2>&1
	_rc=$?
	_n=$(grep -c 'SUCCESS' "$logs/ansible-ping.log")
	if [ "$_rc" -eq 0 ] && [ "$_n" -eq "$nh" ]; then
		tap_ok "ansible -i <inventory> all -m ping: $_n of $nh hosts answer"
	else
		tap_fail "ansible -i <inventory> all -m ping: $_n of $nh hosts answer (exit $_rc)"
		sed 's/^/#   /' "$logs/ansible-ping.log" | head -n 20
		tap_done
	fi
}

fleet_have_debs() {
	for _s in $suites; do
		[ -f "$root/build/deb/$_s/mtty_${version}_amd64.deb" ] &&
			[ -f "$root/build/deb/$_s/mtty-dkms_${version}_all.deb" ] || return 1
	done
}

# shellcheck disable=SC2317  # called by the trap
fleet_bringup_cleanup() {
	fleet_cleanup
	[ "$fleet_keep" = 1 ] || rm -f "$logs"/hosts/*/disk.qcow2
	rm -rf "$work"
}

fleet_host_added() {
	:
}

suite_of() {
	cat "$fleet_dir/$1/suite"
}

# Ansible runs from the work directory, away from any ansible.cfg of the
# tree or the caller's directory.
fleet_ansible() {
	(cd "$work" && ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=False \
		ANSIBLE_RETRY_FILES_ENABLED=False ANSIBLE_ROLES_PATH="$root/ansible/roles" "$@")
}

apply() {
	_name=$1 _dir=$2
	shift 2
	_t=$(date +%s)
	fleet_ansible ansible-playbook -i "$_dir/inventory.ini" \
		"$root/ansible/playbooks/site.yml" "$@" >"$logs/apply-$_name.log" 2>&1
	arc=$?
	atime=$(($(date +%s) - _t))
}

recap() {
	ansible_recap "$logs/apply-$1.log" "$2" "$3"
}

all_changed() {
	for _h in $fleet_names; do
		printf '%s=%s ' "$_h" "$(recap "$1" "$_h" changed)"
	done
}

apply_report() {
	grep -E '^(fatal|failed|[a-z0-9]+ +: ok=)|msg' "$logs/apply-$1.log" | tail -n 25 | sed 's/^/#   /'
}

fleet_state() {
	fleet_ssh "$1" mtty-status --json </dev/null 2>/dev/null | fleet_state_of -
}

fleet_state_of() {
	jq -r '[.devices[] | select(.defined) | "\(.uuid) \(.type) \(.start) \(.active)"] | sort | .[]' "$1" 2>&1
}

fleet_teardown() {
	# While the hosts run: this boot's kernel messages about mtty, vfio
	# or mdev at warning level or worse, and anything of KLOG_BAD (an
	# unsigned out-of-tree module taints the kernel once, at error
	# level: expected).
	for _h in $fleet_names; do
		fleet_ssh "$_h" "journalctl -b -k -o cat" </dev/null >"$logs/kernel-$_h.log" 2>&1
		_bad=$( { fleet_ssh "$_h" "journalctl -b -k -p warning -o cat" </dev/null 2>&1 |
				grep -Ei 'mtty|vfio|mdev'
			grep -E "$KLOG_BAD" "$logs/kernel-$_h.log"; } |
			grep -Ev 'loading out-of-tree module taints kernel|module verification failed: signature and/or required key missing' || true)
		if [ -z "$_bad" ]; then
			tap_ok "$_h: kernel log has no warning or error about mtty, vfio or mdev"
		else
			tap_fail "$_h: kernel log has no warning or error about mtty, vfio or mdev"
			printf '%s\n' "$_bad" | head -n 20 | sed 's/^/#   /'
		fi
	done
	_t=$(date +%s)
	if fleet_shutdown_all 300; then
		tap_ok "every host powers off cleanly ($(($(date +%s) - _t)) s)"
	else
		tap_fail "every host powers off cleanly"
	fi
	for _h in $fleet_names; do
		_bad=$(klog_console_bad "$(fleet_console "$_h")" || true)
		if [ -z "$_bad" ]; then
			tap_ok "$_h: kernel console shows no oops, warning or panic ($(fleet_boots "$_h") boot(s))"
		else
			tap_fail "$_h: kernel console shows no oops, warning or panic"
			printf '%s\n' "$_bad" | head -n 20 | sed 's/^/#   /'
		fi
	done
}
