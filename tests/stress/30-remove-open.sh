#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Remove while open. The removal must wait for the users, ask them through
# the REQ irq when they listen, and complete once they close:
#   - a holder listening on REQ (mtty-client hold) releases at once;
#   - fuzzers that ignore REQ keep the device until their next periodic
#     close, then find it gone (mtty-fuzz -g), on four devices in parallel;
#   - three processes sharing a device: the removal waits for all three.
# Ports come back in every case.

# shellcheck source=lib.sh
. /tests/stress/lib.sh

reload_mtty max_ports="$DEFAULT_MAX_PORTS" || exit 0
full=$(avail 1)

# --- a holder that listens on REQ
u=$(uuid c3000000 0)
create 2 "$u" || not_ok "create $u: $WERR"
rm -f /tmp/ro.hold
"$CLIENT" "$u" hold 120 >/tmp/ro.hold 2>&1 &
hp=$!
t=0
while ! grep -q holding /tmp/ro.hold 2>/dev/null && [ "$t" -lt 60 ]; do
	sleep 1
	t=$((t + 1))
done
check "holder has the device open" grep -q holding /tmp/ro.hold
start=$(now)
check "remove while held by a REQ listener" remove "$u"
wait "$hp"
hrc=$?
check_eq "holder exits 0 after the request" 0 "$hrc"
check "holder got the request" grep -q 'request received' /tmp/ro.hold
check "device gone after removal ($(($(now) - start)) s)" gone "$u"

# --- fuzzers that ignore REQ, four devices removed in parallel
rounds=$SCALE
r=0
while [ "$r" -lt "$rounds" ]; do
	pids=
	i=0
	while [ "$i" -lt 4 ]; do
		u=$(uuid c3100000 "$i")
		t=$((1 + i % 2))
		create "$t" "$u" || not_ok "create $u: $WERR"
		"$FUZZ" -g -r 300 -n 100000000 -t 120 "$u" >"/tmp/ro.f$i" 2>&1 &
		pids="$pids $!"
		i=$((i + 1))
	done
	# Let them get going, then remove all four at once.
	sleep 2
	rpids=
	i=0
	while [ "$i" -lt 4 ]; do
		u=$(uuid c3100000 "$i")
		( remove "$u" || echo "remove $u: $WERR" >"/tmp/ro.r$i" ) &
		rpids="$rpids $!"
		i=$((i + 1))
	done
	start=$(now)
	# shellcheck disable=SC2086  # list of pids
	wait_all $rpids
	took=$(($(now) - start))
	i=0
	while [ "$i" -lt 4 ]; do
		u=$(uuid c3100000 "$i")
		if [ -s "/tmp/ro.r$i" ]; then
			not_ok "round $r: $(cat "/tmp/ro.r$i")"
		fi
		rm -f "/tmp/ro.r$i"
		i=$((i + 1))
	done
	# shellcheck disable=SC2086  # list of pids
	set -- $pids
	i=0
	for p in "$@"; do
		wait "$p"
		frc=$?
		if [ "$frc" != 0 ] || ! grep -q 'all devices are gone' "/tmp/ro.f$i"; then
			show "/tmp/ro.f$i" | tail -n 20
			not_ok "round $r: fuzzer $i saw its device go cleanly (exit $frc)"
		fi
		i=$((i + 1))
	done
	check_eq "round $r: 4 fuzzed devices removed in parallel (${took} s)" 0 "$(count_mdevs 'c31*')"
	r=$((r + 1))
done
echo "races: remove while open $((rounds * 4 + 2)) removals" >>/tmp/stress.figures

# --- three processes sharing one device: removal waits for all of them
u=$(uuid c3200000 0)
create 2 "$u" || not_ok "create $u: $WERR"
# They run for 5 s, by time: the removal, 2 s in, must wait for them.
"$FUZZ" -g -j 3 -r 0 -n 1000000000 -t 5 "$u" >/tmp/ro.shared 2>&1 &
fp=$!
sleep 2
start=$(now)
check "remove a device three processes share" remove "$u"
# Each process prints its summary before it closes the device.
done_when_removed=$(grep -c 'ops done' /tmp/ro.shared)
took=$(($(now) - start))
wait "$fp"
frc=$?
check_eq "removal returned only after all three were done (${took} s)" \
	3 "$done_when_removed"
fuzz_ok "fuzzers sharing the removed device" /tmp/ro.shared "$frc"
check "shared device gone" gone "$u"

check_eq "mtty-1 available_instances back to full" "$full" "$(avail 1)"
check_eq "no device left" 0 "$(count_mdevs)"
kernel_check "after remove while open"
