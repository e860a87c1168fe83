#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# SET_IRQS from three tasks at once on one device: triggers, masks and
# unmask eventfds wired and unwired concurrently, for 8 s x STRESS_SCALE on
# an mtty-1, then on an mtty-2, nothing else running. The driver must
# serialise what vfio's helpers (vfio_virqfd_enable/disable) do not: this
# is the mix that found the virqfd use-after-free (docs/reliability.md).

# shellcheck source=lib.sh
. /tests/stress/lib.sh

reload_mtty max_ports="$DEFAULT_MAX_PORTS" || exit 0
secs=$((8 * SCALE))
seed=$(cut -d' ' -f1 /proc/uptime | tr -d .)
total=0
for t in 1 2; do
	u=$(uuid c2500000 "$t")
	create "$t" "$u" || not_ok "create mtty-$t $u: $WERR"
	"$FUZZ" -s $((seed + t)) -j 3 -r 0 -o set-irqs -n 1000000000 -t "$secs" \
		"$u" >"/tmp/storm.$t" 2>&1
	fuzz_ok "3 tasks doing SET_IRQS on one mtty-$t for $secs s" "/tmp/storm.$t" $?
	n=$(sed -n 's/^ops done \([0-9]*\).*/\1/p' "/tmp/storm.$t" |
		awk '{ s += $1 } END { print s + 0 }')
	total=$((total + n))
	vfio_check "mtty-$t still delivers interrupts after the storm" "$u" irq-intx
	remove "$u" || not_ok "remove $u: $WERR"
done
echo "races: SET_IRQS storm $total ops from 3 tasks per device" >>/tmp/stress.figures
check_eq "no device left" 0 "$(count_mdevs)"
kernel_check "after the SET_IRQS storm"
