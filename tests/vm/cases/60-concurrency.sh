#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Concurrent create/remove near capacity: several shells race for the last
# free ports with their own UUIDs (the 6.1 mdev core cannot cope with one
# UUID created and removed concurrently). Capacity accounting must come
# back exactly, with no device left behind and no unexpected error.
# suites: driver all

# shellcheck source=lib.sh
. /tests/cases/lib.sh
ensure_loaded || exit 0

a1=$(avail 1)
n0=$(count_mdevs)
workers=4
rounds=20

# Leave 6 ports free so the 4 workers (each wanting 1 + 2 ports) collide.
pre=$((a1 - 6))
i=0
while [ "$i" -lt "$pre" ]; do
	create 1 "$(printf 'fee10000-0000-4000-8000-%012d' "$i")"
	i=$((i + 1))
done
check_eq "prefilled to 6 free ports" 6 "$(avail 1)"

# worker ID: creates an mtty-1 and an mtty-2 with its own UUIDs, removes
# them, repeatedly. ENOSPC is expected (others hold the ports); anything
# else is an error, logged to /tmp/worker.ID.err.
worker() {
	w=$1
	: >"/tmp/worker.$w.err"
	r=0
	while [ "$r" -lt "$rounds" ]; do
		for t in 1 2; do
			u=$(printf 'fee2%04d-0000-4000-8000-%012d' "$w" "$t")
			if create "$t" "$u"; then
				echo ok >>"/tmp/worker.$w.made"
			else
				case $WERR in
				*"No space left on device"*) ;;
				*) echo "create mtty-$t $u: $WERR" >>"/tmp/worker.$w.err" ;;
				esac
			fi
		done
		for t in 1 2; do
			u=$(printf 'fee2%04d-0000-4000-8000-%012d' "$w" "$t")
			if [ -e "$MDEVS/$u" ] && ! remove "$u"; then
				echo "remove $u: $WERR" >>"/tmp/worker.$w.err"
			fi
		done
		r=$((r + 1))
	done
}

start=$(now)
run_workers "$workers" worker
diag "$workers workers x $rounds rounds took $(($(now) - start)) s"

errs=$(cat /tmp/worker.*.err)
[ -z "$errs" ] || printf '%s\n' "$errs" | sed 's/^/#   /'
check_eq "workers saw no error but ENOSPC" "" "$errs"
made=$(cat /tmp/worker.*.made 2>/dev/null | wc -l)
check "workers created devices ($made)" test "$made" -gt 0
left=$(count_mdevs 'fee2*')
check_eq "no worker device left behind" 0 "$left"
check_eq "capacity after the workers equals the prefilled state" 6 "$(avail 1)"

i=0
while [ "$i" -lt "$pre" ]; do
	remove "$(printf 'fee10000-0000-4000-8000-%012d' "$i")"
	i=$((i + 1))
done
check_eq "mtty-1 available_instances back to full" "$a1" "$(avail 1)"
check_eq "mtty-2 available_instances back to full" "$((a1 / 2))" "$(avail 2)"
check_eq "device count back to the start" "$n0" "$(count_mdevs)"
