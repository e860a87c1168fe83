#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Parallel create and remove of both types at the edge of capacity: the
# module is reloaded with max_ports=16 and 10 ports taken, then creators
# (each with its own UUIDs) fight over the last 6 while a monitor checks
# that available_instances never shows more than is free. ENOSPC is the only error
# allowed; afterwards every port is free again.

# shellcheck source=lib.sh
. /tests/stress/lib.sh

max=16
workers=6
rounds=$((4 * SCALE))
reload_mtty max_ports=$max || exit 0
check_eq "max_ports is $max" "$max" "$(max_ports)"

# 5 mtty-2 = 10 ports; 6 remain for the workers.
i=0
while [ "$i" -lt 5 ]; do
	create 2 "$(uuid c0000000 "$i")" || not_ok "prefill $i: $WERR"
	i=$((i + 1))
done
check_eq "prefilled: mtty-1 available_instances" 6 "$(avail 1)"
check_eq "prefilled: mtty-2 available_instances" 3 "$(avail 2)"

# worker W: create an mtty-1, an mtty-2 and another mtty-1, then remove
# whatever of them exists, ROUNDS times.
worker() {
	w=$1
	err=/tmp/cr.$w.err
	: >"$err"
	: >"/tmp/cr.$w.made"
	: >"/tmp/cr.$w.full"
	r=0
	while [ "$r" -lt "$rounds" ]; do
		for spec in 1:0 2:1 1:2; do
			t=${spec%:*}
			u=$(uuid "c1$(printf '%02d' "$w")0000" "${spec#*:}")
			if create "$t" "$u"; then
				echo "$u" >>"/tmp/cr.$w.made"
			else
				case $WERR in
				*"No space left on device"*) echo x >>"/tmp/cr.$w.full" ;;
				*) echo "create mtty-$t $u: $WERR" >>"$err" ;;
				esac
			fi
		done
		for n in 0 1 2; do
			u=$(uuid "c1$(printf '%02d' "$w")0000" "$n")
			if ! gone "$u" && ! remove "$u"; then
				echo "remove $u: $WERR" >>"$err"
			fi
		done
		r=$((r + 1))
	done
}

# The 10 prefilled ports stay taken: more than 6 (mtty-1) or 3 (mtty-2)
# available instances at any moment would mean ports counted twice, and a
# wrapped counter would show as a huge number.
monitor() {
	: >/tmp/cr.monitor
	while [ ! -e /tmp/cr.stop ]; do
		read -r a1 <"$TYPES/mtty-1/available_instances"
		read -r a2 <"$TYPES/mtty-2/available_instances"
		if [ "$a1" -gt 6 ] || [ "$a2" -gt 3 ]; then
			echo "available: mtty-1 $a1, mtty-2 $a2" >>/tmp/cr.monitor
		fi
	done
}

rm -f /tmp/cr.stop
monitor &
mpid=$!
start=$(now)
run_workers "$workers" worker
touch /tmp/cr.stop
wait "$mpid"
made=$(cat /tmp/cr.*.made | wc -l)
full=$(cat /tmp/cr.*.full | wc -l)
diag "$workers creators x $rounds rounds: $made created, $full refused (ENOSPC), $(($(now) - start)) s"
echo "races: create/remove $((workers * rounds * 3)) attempts" >>/tmp/stress.figures

errs=$(cat /tmp/cr.*.err)
[ -z "$errs" ] || printf '%s\n' "$errs" | head -n 20 | sed 's/^/#   /'
check_eq "creators saw no error but ENOSPC" "" "$errs"
check "creators created devices ($made)" test "$made" -gt 0
check "creators hit the capacity limit ($full times)" test "$full" -gt 0
check_eq "available_instances never above the free ports" "" "$(cat /tmp/cr.monitor)"
check_eq "no creator device left" 0 "$(count_mdevs 'c1*')"
check_eq "capacity back to the prefilled state" 6 "$(avail 1)"

i=0
while [ "$i" -lt 5 ]; do
	remove "$(uuid c0000000 "$i")" || not_ok "remove prefill $i: $WERR"
	i=$((i + 1))
done
check_eq "mtty-1 available_instances back to full" "$max" "$(avail 1)"
check_eq "mtty-2 available_instances back to full" $((max / 2)) "$(avail 2)"
check_eq "no device left" 0 "$(count_mdevs)"
kernel_check "after parallel create/remove"
