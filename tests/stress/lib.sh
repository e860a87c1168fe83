#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers of the stress scripts (sourced), on top of the VM cases' lib.sh
# (ok/not_ok/check/check_eq, create/remove/avail, wait_all, run_workers,
# klog_verdict, ...), which the image carries at /tests/cases/lib.sh.
#
# STRESS_SCALE (default 1) multiplies rounds and op counts: the bounded
# slice runs 1, the full run more.

# Used by the scripts that source this file.
# shellcheck disable=SC2034

# shellcheck source=../vm/cases/lib.sh
. /tests/cases/lib.sh

FUZZ=/usr/bin/mtty-fuzz
SCALE=${STRESS_SCALE:-1}
KMEMLEAK=/sys/kernel/debug/kmemleak
# The whole kernel log, kept here as kernel_check() drains the ring.
KLOG=/tmp/kernel.log
# Kernel lines that mean a report: KLOG_BAD of tests/lib/klog.sh (read by
# the cases' lib.sh sourced above).
KREPORT=$KLOG_BAD

# uuid PREFIX N: a UUID of our own, PREFIX being 8 hex digits. Each script
# and each worker uses its own prefix: the 6.1 mdev core mishandles one
# UUID created and removed at the same time.
uuid() {
	printf '%s-0000-4000-8000-%012d' "$1" "$2"
}

# Reload mtty with the given parameters (after removing every device).
reload_mtty() {
	remove_all
	if mtty_loaded && ! out=$(rmmod mtty 2>&1); then
		not_ok "rmmod mtty before reloading: $out"
		return 1
	fi
	if ! out=$(insmod "$MTTY_KO" "$@" 2>&1); then
		not_ok "insmod mtty.ko $*: $out"
		return 1
	fi
}

# Show a file as diagnostics.
show() {
	sed 's/^/#   /' "$1"
}

# kernel_check WHEN: drain the kernel log into $KLOG and report whether
# the new lines hold any report.
kernel_check() {
	new=/tmp/kernel.new
	dmesg -c >"$new" 2>/dev/null || dmesg >"$new"
	cat "$new" >>"$KLOG"
	klog_verdict "$1" "$(grep -E "$KREPORT" "$new")" 60
}

# Is a device of ours still there, and may it be removed?
gone() {
	[ ! -e "$MDEVS/$1" ]
}

# wait_gone UUID SECONDS: wait for the device to disappear.
wait_gone() {
	wg=0
	while ! gone "$1" && [ "$wg" -lt "$2" ]; do
		sleep 1
		wg=$((wg + 1))
	done
	gone "$1"
}

# fuzz_ok DESC LOG RC: judge one mtty-fuzz run from its log and status.
fuzz_ok() {
	if [ "$3" = 0 ] && grep -q 'mtty-fuzz: PASS' "$2"; then
		ok "$1: $(grep -E '^ops done' "$2" | head -n 1)"
	else
		grep -E 'ANOMALY|HANG|FAILED|fd leak|worker|cannot|ops done' "$2" |
			head -n 30 | sed 's/^/#   /'
		not_ok "$1 (exit $3)"
	fi
}
