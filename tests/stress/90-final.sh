#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# After everything: capacity back to full, the module unloads, kmemleak
# finds nothing (on a kernel that has it), and the kernel log of the whole
# run holds no report.

# shellcheck source=lib.sh
. /tests/stress/lib.sh

ensure_loaded || exit 0
remove_all
mp=$(max_ports)
check_eq "no device left" 0 "$(count_mdevs)"
check_eq "mtty-1 available_instances = max_ports" "$mp" "$(avail 1)"
check_eq "mtty-2 available_instances = max_ports / 2" $((mp / 2)) "$(avail 2)"
if out=$(rmmod mtty 2>&1); then
	ok "rmmod mtty at the end"
else
	not_ok "rmmod mtty at the end: $out"
fi
check "module gone" test ! -d /sys/module/mtty

if [ -w "$KMEMLEAK" ]; then
	# kmemleak reports only objects older than 5 s; the scan is
	# synchronous. Two scans, as kmemleak's documentation suggests.
	sleep 6
	echo scan >"$KMEMLEAK"
	echo scan >"$KMEMLEAK"
	cat "$KMEMLEAK" >/tmp/kmemleak.report
	if [ -s /tmp/kmemleak.report ]; then
		head -n 80 /tmp/kmemleak.report | sed 's/^/#   /'
		not_ok "kmemleak: no leak ($(grep -c '^unreferenced object' /tmp/kmemleak.report) suspects)"
	else
		ok "kmemleak: no leak after the whole run"
	fi
	echo "kmemleak suspects: $(grep -c '^unreferenced object' /tmp/kmemleak.report)" >>/tmp/stress.figures
else
	diag "kmemleak: not in this kernel"
fi
kernel_check "at the end"
# The whole log of the run, for post-mortems (the runner does not echo it).
sed 's/^/klog| /' "$KLOG"
if grep -qE "$KREPORT" "$KLOG"; then
	not_ok "kernel log of the whole run free of reports"
else
	ok "kernel log of the whole run free of reports"
fi
