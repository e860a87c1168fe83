#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Shared helpers of the VM test cases (sourced). Results are TAP-like
# lines "ok N - text" / "not ok N - text"; N runs across all cases of a
# VM run (the counter lives in a file because every case is its own
# shell). run-vm.sh counts these lines.

# Constants and $WERR are used by the scripts that source this file.
# shellcheck disable=SC2034

PARENT=/sys/devices/virtual/mtty/mtty
TYPES=$PARENT/mdev_supported_types
MDEVS=/sys/bus/mdev/devices
CLIENT=/usr/bin/mtty-client
# The VFIO conformance checks (tests/vfio), not installed on real hosts.
VFIO_TEST=/usr/bin/mtty-vfio-test
MTTY_KO=/lib/modules/mtty.ko
# The walkthrough's UUID, and a neighbour for the mtty-1 created beside it.
UUID2=83b8f4f2-509f-382f-3c1e-e6bfe0fa1001
UUID1=83b8f4f2-509f-382f-3c1e-e6bfe0fa1002
# Default capacity of the project's driver.
DEFAULT_MAX_PORTS=64

# The TAP helpers of every tier (tests/lib/tap.sh, copied into the image);
# the number runs across the cases of a VM run through this file.
TAP_COUNTER=/tmp/tap-counter
# shellcheck source=../../lib/tap.sh
. /tests/lib/tap.sh

ok() {
	tap_ok "$@"
}

not_ok() {
	tap_fail "$@"
}

diag() {
	tap_note "$@"
}

# check "description" command...: ok if the command succeeds.
check() {
	tap_check "$@"
}

# check_eq "description" expected actual
check_eq() {
	tap_is "$@"
}

# Write a value to a sysfs file. Returns the write's status; the shell's
# error message (e.g. "... No space left on device") is left in $WERR.
sysfs_write() {
	WERR=$({ echo "$2" >"$1"; } 2>&1)
}

# has_line TEXT REGEX: does a line of TEXT match the extended REGEX?
has_line() {
	printf '%s\n' "$1" | grep -Eq "$2"
}

# Read one sysfs attribute, or "missing" so comparisons fail visibly.
rd() {
	cat "$1" 2>/dev/null || echo missing
}

avail() {
	rd "$TYPES/mtty-$1/available_instances"
}

create() {
	sysfs_write "$TYPES/mtty-$1/create" "$2"
}

remove() {
	sysfs_write "$MDEVS/$1/remove" 1
}

# Number of mdev devices (optionally those matching a glob).
count_mdevs() {
	# shellcheck disable=SC2086  # $1 is a glob on purpose
	set -- "$MDEVS"/${1:-*}
	if [ -e "$1" ]; then echo $#; else echo 0; fi
}

mtty_loaded() {
	[ -d /sys/module/mtty ]
}

# Load mtty.ko (default parameters) unless it is loaded already, so a
# case also runs after an earlier case failed half-way.
ensure_loaded() {
	mtty_loaded && return 0
	out=$(insmod "$MTTY_KO" 2>&1) || {
		not_ok "insmod mtty.ko: $out"
		return 1
	}
}

# Total ports of the loaded driver, from its max_ports parameter. Empty if
# the module has no such parameter (e.g. the kernel's sample).
max_ports() {
	cat /sys/module/mtty/parameters/max_ports 2>/dev/null
}

# Remove every mdev of the mtty parent (cleanup between cases).
remove_all() {
	for d in "$MDEVS"/*; do
		[ -e "$d/remove" ] || continue
		case $(readlink -f "$d") in
		"$PARENT"/*) echo 1 >"$d/remove" 2>/dev/null ;;
		esac
	done
}

# Does the client exist? Every check that needs it fails when it does not.
have_client() {
	[ -x "$CLIENT" ]
}

# program_check "description" PROGRAM ARGS...: run PROGRAM (the client or
# the VFIO test), forward its TAP lines as diagnostics, then report one
# result for the whole call: the exit status must be 0 and no "not ok"
# line may appear. The lines forwarded name each failed sub-check.
program_check() {
	desc=$1
	prog=$2
	shift 2
	if [ ! -x "$prog" ]; then
		not_ok "$desc: $prog missing"
		return 1
	fi
	out=$("$prog" "$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/#   /'
	if [ "$rc" = 0 ] && ! printf '%s\n' "$out" | grep -q '^not ok'; then
		ok "$desc"
	else
		not_ok "$desc (exit $rc)"
		return 1
	fi
}

# client_check "description" UUID COMMAND [ARG]: mtty-client, as above.
client_check() {
	cc_desc=$1
	shift
	program_check "$cc_desc" "$CLIENT" "$@"
}

# vfio_check "description" UUID [CHECK...]: mtty-vfio-test, as above.
vfio_check() {
	vc_desc=$1
	shift
	program_check "$vc_desc" "$VFIO_TEST" "$@"
}

# Kernel log lines that mean a driver or core problem: KLOG_BAD, the one
# definition of every tier (tests/lib/klog.sh, copied into the image).
# shellcheck source=../../lib/klog.sh
. /tests/lib/klog.sh

# klog_verdict "context" LINES MAX: "kernel log clean" is ok if LINES, the
# problem lines found in the kernel log, is empty; if not, the first MAX of
# them are shown and it is not ok.
klog_verdict() {
	if [ -z "$2" ]; then
		ok "kernel log clean $1"
	else
		printf '%s\n' "$2" | head -n "$3" | sed 's/^/#   /'
		not_ok "kernel log clean $1"
	fi
}

# dmesg_clean "context": ok if the kernel log has no problem line.
dmesg_clean() {
	klog_verdict "$1" "$(klog_dmesg_bad 1)" 40
}

# load_vfio_modules: insmod the VFIO modules the image lists in
# /lib/modules/load.list: those this kernel has as modules, dependencies
# first (tests/lib/kernel.sh staged them; built-in ones are not listed).
# A failure is reported, never skipped.
load_vfio_modules() {
	while read -r m; do
		if ! out=$(insmod "/lib/modules/$m.ko" 2>&1); then
			not_ok "insmod $m: $out"
		fi
	done </lib/modules/load.list
}

# Wait for every pid; fails if any exited non-zero.
wait_all() {
	wrc=0
	for p in "$@"; do
		wait "$p" || wrc=1
	done
	return $wrc
}

# run_workers N FUNCTION: run FUNCTION 0 ... FUNCTION N-1 at the same time,
# each in a background shell, and wait for them all; fails if any did.
run_workers() {
	rw_pids=
	rw_i=0
	while [ "$rw_i" -lt "$1" ]; do
		"$2" "$rw_i" &
		rw_pids="$rw_pids $!"
		rw_i=$((rw_i + 1))
	done
	# shellcheck disable=SC2086  # list of pids
	wait_all $rw_pids
}

# Seconds since boot, for time budgets.
now() {
	cut -d. -f1 /proc/uptime
}
