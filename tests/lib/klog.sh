#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The kernel-log verdict, one definition for every tier (sourced, POSIX sh).
# Host scripts source it from tests/lib; the VM images carry a copy at
# /tests/lib/klog.sh, so the cases inside a VM judge dmesg by the same
# words.
#
#   KLOG_BAD                 extended regex of what no kernel log of a test
#                            may show: warnings, oopses, sanitizer and
#                            lockdep reports, hung tasks, panics, leaks
#   klog_console_bad FILE    the kernel lines (with a printk timestamp) of
#                            a serial console log that match KLOG_BAD, so
#                            that test names may use these words freely
#   klog_dmesg_bad [SINCE]   the same for this system's dmesg (inside a VM),
#                            from line SINCE on (default 1)

# Lockdep's reports start with a "WARNING:" or "BUG:" line; the bare word
# "lockdep" is not in the list since a debug kernel's boot banner has it.
KLOG_BAD='WARNING|BUG|Oops|KASAN|UBSAN|circular locking|recursive locking|inconsistent lock state|DEBUG_LOCKS_WARN_ON|locking correctness validator|general protection|Call Trace|Kernel panic|blocked for more than|suspected memory leak'

klog_console_bad() {
	tr -d '\r' <"$1" | grep -E '^\[ *[0-9]+\.[0-9]+\]' | grep -E "$KLOG_BAD"
}

klog_dmesg_bad() {
	dmesg | tail -n +"${1:-1}" | grep -E "$KLOG_BAD"
}
