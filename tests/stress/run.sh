#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Run every stress script (NN-*.sh, in order) inside the test VM and end
# with "N passed, N failed" for them. Needs, in the image: /tests/cases/lib.sh
# (from tests/vm), /usr/bin/mtty-fuzz, /usr/bin/mtty-client,
# /usr/bin/mtty-vfio-test and
# /lib/modules/mtty.ko (with the vfio modules already loaded).
#
#   STRESS_SCALE=N sh /tests/stress/run.sh     (N: 1 = slice, more = longer)
#
# Figures for docs/reliability.md accumulate in /tmp/stress.figures.

here=$(cd "$(dirname "$0")" && pwd)
out=/tmp/stress.out
: >"$out"
for s in "$here"/[0-9][0-9]-*.sh; do
	echo "# --- stress: ${s##*/} (scale ${STRESS_SCALE:-1})"
	t0=$(cut -d. -f1 /proc/uptime)
	sh "$s" 2>&1 | tee -a "$out"
	echo "# ${s##*/} took $(($(cut -d. -f1 /proc/uptime) - t0)) s"
done
passed=$(grep -c '^ok ' "$out")
failed=$(grep -c '^not ok ' "$out")
echo "# stress: $passed passed, $failed failed"
[ "$failed" = 0 ]
