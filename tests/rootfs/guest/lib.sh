#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers of the reboot test stages (sourced by boot.sh), on top of the
# result helpers shared with tests/libvirt (ok/not_ok/note/notes/check/run/
# expect_ok/expect_fail/kernel_log_clean: tests/lib/fullvm-guest.sh, which
# the image holds beside this file).

# Used by the stages that source this file.
# shellcheck disable=SC2034

HERE=/usr/local/lib/mtty-test
RESULTS_DIR=/var/lib/mtty-test
PARENT=mtty
TYPES=/sys/class/mdev_bus/mtty/mdev_supported_types
MDEVS=/sys/bus/mdev/devices
DEFS=/etc/mdevctl.d/mtty
CLIENT=/usr/local/bin/mtty-client
# Fixed UUIDs of the definitions made in stage 1.
UUID_AUTO=6e1d5b0e-94f0-4c1a-8c55-2b0a1e1c0a01
UUID_MANUAL=6e1d5b0e-94f0-4c1a-8c55-2b0a1e1c0a02
UUID_TMP=6e1d5b0e-94f0-4c1a-8c55-2b0a1e1c0a03
UUID_TRANSIENT=6e1d5b0e-94f0-4c1a-8c55-2b0a1e1c0a04
UUID_BAD=6e1d5b0e-94f0-4c1a-8c55-2b0a1e1c0a05
# The 50 extra auto definitions of stage 2: ...0b01 to ...0b50.
uuid_many() {
	printf '6e1d5b0e-94f0-4c1a-8c55-2b0a1e1c0b%02d\n' "$1"
}

# shellcheck source=/dev/null  # tests/lib/fullvm-guest.sh, in the image
. "$HERE/fullvm-guest.sh"

active() { [ -e "$MDEVS/$1" ]; }

# wait_active SECONDS UUID...: wait until every UUID is active, at most
# SECONDS; the seconds waited in $WAITED.
wait_active() {
	limit=$1
	shift
	WAITED=0
	while [ "$WAITED" -lt "$limit" ]; do
		all=1
		for u in "$@"; do
			active "$u" || all=0
		done
		[ "$all" = 1 ] && return 0
		sleep 1
		WAITED=$((WAITED + 1))
	done
	return 1
}
defined() { [ -f "$DEFS/$1" ]; }

# All definitions with their content, and the active devices: compared
# before and after a bad command to prove it changed nothing. One process,
# not one per file: with 53 definitions this runs often on a slow VM.
snapshot() {
	grep -rH '' /etc/mdevctl.d --exclude-dir=scripts.d 2>/dev/null | sort
	ls "$MDEVS" 2>/dev/null
}

# Mediated devices that are active now.
active_count() {
	find "$MDEVS" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l
}

# The "start" field of a definition: auto or manual.
start_mode() {
	jq -r .start "$DEFS/$1" 2>/dev/null
}

# Monotonic time (microseconds) when systemd began starting UNIT.
unit_start_us() {
	systemctl show -P InactiveExitTimestampMonotonic "$1"
}

# The auto devices must have been started before libvirtd began to start:
# the journal line of the autostart helper that reports each of them
# ("started UUID" or "UUID ... is already active") is older than that.
started_before_libvirtd() {
	libvirtd_us=$(unit_start_us libvirtd.service)
	if [ -z "$libvirtd_us" ] || [ "$libvirtd_us" = 0 ]; then
		not_ok "libvirtd.service started in this boot"
		return
	fi
	log=$(journalctl -b -o json -t mtty-autostart |
		jq -r '[.__MONOTONIC_TIMESTAMP, .MESSAGE] | @tsv')
	# One awk for all devices: the first line about each, and its time.
	# shellcheck disable=SC2016  # awk program
	result=$(printf '%s\n' "$log" | awk -v limit="$libvirtd_us" -v uuids="$*" '
		BEGIN { n = split(uuids, u, " ") }
		{
			for (i = 1; i <= n; i++)
				if (!(u[i] in seen) &&
				    (index($0, "started " u[i] " ") || (index($0, u[i] " ") && index($0, "already active"))))
					seen[u[i]] = $1
		}
		END {
			for (i = 1; i <= n; i++) {
				if (!(u[i] in seen)) missing = missing " " u[i]
				else if (seen[u[i]] + 0 >= limit + 0) late = late " " u[i]
			}
			print "missing=\"" missing "\" late=\"" late "\""
		}')
	missing=
	late=
	eval "$result"
	if [ -z "$missing" ] && [ -z "$late" ]; then
		ok "journal: all $# auto devices started before libvirtd.service"
	else
		not_ok "journal: devices started before libvirtd.service (missing:${missing:- none}; late:${late:- none})"
		printf '%s\n' "$log" | notes
	fi
	auto_us=$(systemctl show -P ActiveEnterTimestampMonotonic mtty-autostart.service)
	note "mtty-autostart.service done at $((auto_us / 1000)) ms, libvirtd.service started at $((libvirtd_us / 1000)) ms (monotonic)"
	if [ -n "$auto_us" ] && [ "$auto_us" -gt 0 ] && [ "$auto_us" -le "$libvirtd_us" ]; then
		ok "mtty-autostart.service finished before libvirtd.service started"
	else
		not_ok "mtty-autostart.service finished ($auto_us) before libvirtd.service started ($libvirtd_us)"
	fi
}

# No error from what mtty installed: its units, udev rules and helper, the
# callout (through mdevctl), and no kernel problem.
journal_clean() {
	ctx=$1
	bad=$(journalctl -b -p warning -o cat -u mtty-autostart.service \
		-t mtty-autostart -t mtty-callout 2>&1)
	if [ -z "$bad" ]; then
		ok "journal: no warning or error from mtty's units $ctx"
	else
		not_ok "journal: no warning or error from mtty's units $ctx"
		printf '%s\n' "$bad" | notes
	fi
	failed=$(systemctl list-units --failed --plain --no-legend 'mtty*' 2>&1)
	if [ -z "$failed" ]; then
		ok "systemd: no failed mtty unit $ctx"
	else
		not_ok "systemd: no failed mtty unit $ctx"
		printf '%s\n' "$failed" | notes
	fi
	# udev names the rule file and line of a bad rule or failed program.
	# Debian's mdevctl rule runs /usr/sbin/mdevctl, which its package does
	# not install (see the administrator's guide): its failure is
	# Debian's, left alone by mtty, and shown, not judged.
	stock=$(journalctl -b -o cat -u systemd-udevd.service 2>&1 |
		grep -F '/usr/sbin/mdevctl' || true)
	[ -z "$stock" ] || printf 'Debian mdevctl rule: %s\n' "$stock" | sort -u | head -n 3 | notes
	bad=$(journalctl -b -o cat -u systemd-udevd.service 2>&1 |
		grep -E '60-mdevctl|70-mtty|mtty-vfio-group|mdevctl' |
		grep -vF '/usr/sbin/mdevctl' || true)
	# Errors of anything but libvirtd (checked below) about mdevctl or mtty.
	bad2=$(journalctl -b -o short-monotonic -p err 2>&1 |
		grep -Ei 'mdevctl|mtty' | grep -v ' libvirtd\[' |
		grep -vF '/usr/sbin/mdevctl' || true)
	if [ -z "$bad$bad2" ]; then
		ok "journal: no udev or mdevctl error $ctx"
	else
		not_ok "journal: no udev or mdevctl error $ctx"
		printf '%s\n%s\n' "$bad" "$bad2" | notes
	fi
	# libvirtd reads the mdev parent and devices through udev.
	bad=$(journalctl -b -o short-monotonic -p err -t libvirtd 2>&1 |
		grep -Ei 'mdev|mtty' || true)
	if [ -z "$bad" ]; then
		ok "journal: libvirtd logged no error about mtty or mdevs $ctx"
	elif [ "${LIBVIRT_NOTE_ONLY:-0}" = 1 ]; then
		note "libvirtd logged (after the module was reloaded while it ran):"
		printf '%s\n' "$bad" | notes
	else
		not_ok "journal: libvirtd logged no error about mtty or mdevs $ctx"
		printf '%s\n' "$bad" | notes
	fi
	kernel_log_clean "$ctx"
}

# /dev/vfio/<group> of an active mtty device: group kvm, mode 0660.
vfio_perms() {
	u=$1
	group=$(basename "$(readlink -f "$MDEVS/$u/iommu_group")")
	# udev may still be applying the rule right after a start.
	udevadm settle -t 30 2>/dev/null
	got=$(stat -c '%G %a' "/dev/vfio/$group" 2>&1)
	if [ "$got" = "kvm 660" ]; then
		ok "/dev/vfio/$group of $u: group kvm, mode 0660"
	else
		not_ok "/dev/vfio/$group of $u: group kvm, mode 0660 (got $got)"
	fi
}

# The VFIO client runs the UART loopback checks on the device.
# callout_protocol UUID (a running, defined mtty-2): the callout as this
# system's own mdevctl calls it.  mdevctl 1.3 and later first ask the
# callout what it supports (get capabilities) and keep to its answer; their
# `modify --live` (libvirt's nodedev-update of a running device) needs a
# callout that supports the live event.  mdevctl 1.2 knows neither and
# calls the callout unversioned.
callout_protocol() {
	ver=$(mdevctl --version 2>/dev/null | awk '{ print $NF }')
	note "mdevctl $ver"
	run env MDEVCTL_LOG=debug mdevctl modify --uuid "$1" --manual
	case $ver in
	1.[01].* | 1.2.*)
		check "mdevctl $ver: modify of a definition runs the callout unversioned" \
			sh -c "test $RC -eq 0 && printf '%s\n' \"\$0\" | grep -q 'pre-modify: executing' &&
				! printf '%s\n' \"\$0\" | grep -q 'get-capabilities'" "$OUT"
		expect_fail "mdevctl $ver has no modify --live" "live|unexpected|argument" \
			mdevctl modify --uuid "$1" --live
		;;
	*)
		check "mdevctl $ver: the callout answers get capabilities and is taken as versioned" \
			sh -c "test $RC -eq 0 && printf '%s\n' \"\$0\" | grep -q 'get-capabilities: executing' &&
				printf '%s\n' \"\$0\" | grep -q 'supports versioning'" "$OUT"
		echo '{"mdev_type":"mtty-2","start":"manual","attrs":[]}' >/tmp/mtty-live.json
		expect_ok "mdevctl $ver: modify --live of the running device (live event of the callout)" \
			mdevctl modify --uuid "$1" --live --jsonfile /tmp/mtty-live.json
		expect_ok "mdevctl $ver: modify --live --defined updates both" \
			mdevctl modify --uuid "$1" --live --defined --jsonfile /tmp/mtty-live.json
		echo '{"mdev_type":"mtty-2","start":"manual","attrs":[{"baud":"9600"}]}' >/tmp/mtty-live.json
		expect_fail "mdevctl $ver: modify --live with an attribute is refused by name" "baud" \
			mdevctl modify --uuid "$1" --live --jsonfile /tmp/mtty-live.json
		check "the refused live change left the device running" active "$1"
		;;
	esac
	printf '%s\n' "$OUT" | grep -E 'callout|capabilit|versioning' | head -n 8 | notes
}

client_loopback() {
	u=$1
	run "$CLIENT" "$u" loopback
	if [ "$RC" -eq 0 ] && ! printf '%s\n' "$OUT" | grep -q '^not ok'; then
		ok "mtty-client $u loopback: $(printf '%s\n' "$OUT" | grep -c '^ok') checks pass"
	else
		not_ok "mtty-client $u loopback (exit $RC)"
		printf '%s\n' "$OUT" | grep -v '^ok' | notes
	fi
}
