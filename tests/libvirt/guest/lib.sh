#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers of the libvirt test stages (sourced by boot.sh). Each result is a
# line "ok - text" or "not ok - text" appended to $RESULTS, which run.sh
# reads from the disk image after the VM has powered off, and copied to the
# second serial port for a live view. Lines starting with "#" are notes.
# The helpers shared with tests/rootfs are in tests/lib/fullvm-guest.sh,
# which the image holds beside this file.

# Used by the stages that source this file.
# shellcheck disable=SC2034

HERE=/usr/local/lib/mtty-libvirt-test
XML=$HERE/xml
RESULTS_DIR=/var/lib/mtty-libvirt-test
MDEVS=/sys/bus/mdev/devices
DOMAIN=mtty-guest
# The example domain's console log (libvirt-xml/mtty-domain.xml).
GLOG=/var/log/libvirt/qemu/mtty-guest-serial.log
# U1: the device of libvirt-xml/mtty-nodedev.xml (defined, autostart);
# U2: hot-plugged, transient; U_UNDEF: never defined.
U1=83b8f4f2-509f-382f-3c1e-e6bfe0fa1001
U2=6e1d5b0e-94f0-4c1a-8c55-2b0a1e1c0e02
U_UNDEF=6e1d5b0e-94f0-4c1a-8c55-2b0a1e1c0e09
GEN=$(command -v mtty-libvirt-xml || echo "$HERE/mtty-libvirt-xml")

nodedev_name() {
	printf 'mdev_%s_mtty\n' "$(printf '%s' "$1" | tr - _)"
}

# The result helpers (say, ok, not_ok, note, notes, check, run, expect_ok,
# expect_fail, kernel_log_clean) shared with tests/rootfs; libvirt's
# commands get more time.
RUN_TIMEOUT=300
# shellcheck source=/dev/null  # tests/lib/fullvm-guest.sh, in the image
. "$HERE/fullvm-guest.sh"

# The domain's console log without carriage returns.
glog() {
	tr -d '\r' <"$GLOG" 2>/dev/null
}
# wait_guest PATTERN SECONDS: wait until a line of the console log from
# line $GSEEN on matches PATTERN (extended regex); 0 if it did.
GSEEN=0
wait_guest() {
	w=0
	while [ "$w" -lt "$2" ]; do
		if glog | tail -n +"$((GSEEN + 1))" | grep -Eq "$1"; then
			return 0
		fi
		sleep 5
		w=$((w + 5))
	done
	return 1
}
# guest_waited WAIT PATTERN SECONDS T0 TEXT AFTER: wait with WAIT
# (wait_guest, or the demo's follow_guest) for a console line matching
# PATTERN; then "ok - TEXT, N s after AFTER" (N counted from uptime T0),
# or "not ok - TEXT within SECONDS s" with the console's last lines.
guest_waited() {
	if "$1" "$2" "$3"; then
		t1=$(cut -d' ' -f1 /proc/uptime)
		ok "$5, $(echo "$4 $t1" | awk '{printf "%d", $2 - $1}') s after $6"
	else
		not_ok "$5 within $3 s (waited for /$2/)"
		glog | tail -n 20 | notes
		domain_state | notes
	fi
}

# domain_state: what a guest that printed nothing was doing: the domain's
# state, its QEMU process (elapsed and CPU time), the console file, and
# the end of the log libvirt keeps of that QEMU (its command line, its
# errors).
domain_state() {
	echo "domstate: $(virsh domstate "$DOMAIN" 2>&1)"
	pid=$(cat "/run/libvirt/qemu/$DOMAIN.pid" 2>/dev/null)
	[ -z "$pid" ] || ps -o pid=,etime=,time=,stat=,args= -p "$pid" | cut -c1-300
	ls -l "$GLOG" 2>&1
	tail -n 15 "/var/log/libvirt/qemu/$DOMAIN.log" 2>&1 | cut -c1-600
}

# guest_report PREFIX: turn the guest's lines since $GSEEN into results
# ("GUEST ok/not ok") and notes ("GUEST |"), and move $GSEEN past them.
guest_report() {
	total=$(glog | wc -l)
	glog | tail -n +"$((GSEEN + 1))" | head -n "$((total - GSEEN))" >/tmp/guest-lines
	GSEEN=$total
	guest_results "$1" </tmp/guest-lines
}

# guest_results PREFIX: the guest's result lines on stdin ("GUEST ok - ",
# "GUEST not ok - ") as results and its notes as notes, PREFIX first.
guest_results() {
	while IFS= read -r line; do
		case $line in
		'GUEST ok - '*) ok "$1: ${line#GUEST ok - }" ;;
		'GUEST not ok - '*) not_ok "$1: ${line#GUEST not ok - }" ;;
		'GUEST | '* | 'GUEST-'*) note "$1 $line" ;;
		esac
	done
}

# Active mdevs, libvirt's node devices and mdevctl's definitions: compared
# before and after a command that must change nothing.
snapshot() {
	ls "$MDEVS" 2>/dev/null
	virsh nodedev-list --cap mdev 2>&1
	grep -rH '' /etc/mdevctl.d --exclude-dir=scripts.d 2>/dev/null | sort
	virsh list --name 2>&1
}

# The PID and user of the domain's QEMU process.
qemu_user() {
	pid=$(cat "/run/libvirt/qemu/$DOMAIN.pid" 2>/dev/null)
	[ -n "$pid" ] && ps -o user= -p "$pid"
}

# out_has REGEX...: every extended regex matches a line of $OUT.
out_has() {
	for re in "$@"; do
		printf '%s\n' "$OUT" | grep -Eq -- "$re" || return 1
	done
}
