#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Parallel open, close, read, write, reset and SET_IRQS on the same device
# and on different devices at once:
#   - three fuzzer processes sharing one open mtty-2 (same device, extra
#     fds opened and closed under the others' feet);
#   - one fuzzer on an mtty-2 and an mtty-1, reopening every 100 ops;
#   - one fuzzer on an mtty-1 closing and reopening every 20 ops;
#   - mtty-client running its functional checks in a loop on a device of
#     its own, which must keep passing while the others are abused.
# Everything runs at once for 8 s x STRESS_SCALE. Afterwards the devices
# still work (mtty-client loopback) and go away.

# shellcheck source=lib.sh
. /tests/stress/lib.sh

reload_mtty max_ports="$DEFAULT_MAX_PORTS" || exit 0
# Bounded by time, not ops, so that everything overlaps on any kernel.
secs=$((8 * SCALE))
ops=1000000000
d1=$(uuid c2000000 1)
d2=$(uuid c2000000 2)
d3=$(uuid c2000000 3)
d4=$(uuid c2000000 4)
d5=$(uuid c2000000 5)
for spec in "2 $d1" "2 $d2" "1 $d3" "1 $d4" "2 $d5"; do
	# shellcheck disable=SC2086  # type and uuid
	create $spec || not_ok "create $spec: $WERR"
done

# Seeds differ per run but are printed by each fuzzer.
seed=$(cut -d' ' -f1 /proc/uptime | tr -d .)
start=$(now)
"$FUZZ" -s "$seed" -j 3 -r 0 -n "$ops" -t "$secs" "$d1" >/tmp/pio.1 2>&1 &
p1=$!
"$FUZZ" -s $((seed + 1)) -r 100 -n "$ops" -t "$secs" "$d2" "$d3" >/tmp/pio.2 2>&1 &
p2=$!
"$FUZZ" -s $((seed + 2)) -r 20 -n "$ops" -t "$secs" "$d4" >/tmp/pio.3 2>&1 &
p3=$!

# The functional checks on d5 while the fuzzers run.
client_loop() {
	: >/tmp/pio.client
	i=0
	while kill -0 "$p1" 2>/dev/null || kill -0 "$p2" 2>/dev/null; do
		if ! out=$("$CLIENT" "$d5" loopback 2>&1); then
			printf 'client loopback:\n%s\n' "$out" >>/tmp/pio.client
		fi
		for check in irq-intx irq-msi reset; do
			if ! out=$("$VFIO_TEST" "$d5" "$check" 2>&1); then
				printf 'mtty-vfio-test %s:\n%s\n' "$check" "$out" >>/tmp/pio.client
			fi
		done
		i=$((i + 1))
	done
	echo "$i" >/tmp/pio.client.rounds
}
client_loop &
pc=$!

wait "$p1"
r1=$?
wait "$p2"
r2=$?
wait "$p3"
r3=$?
wait "$pc"
diag "parallel I/O took $(($(now) - start)) s; client rounds: $(cat /tmp/pio.client.rounds)"
fuzz_ok "3 fuzzers sharing one mtty-2" /tmp/pio.1 "$r1"
fuzz_ok "fuzzer on mtty-2 + mtty-1, reopen every 100 ops" /tmp/pio.2 "$r2"
fuzz_ok "fuzzer on mtty-1, reopen every 20 ops" /tmp/pio.3 "$r3"
total=$(sed -n 's/^ops done \([0-9]*\).*/\1/p' /tmp/pio.1 /tmp/pio.2 /tmp/pio.3 |
	awk '{ s += $1 } END { print s + 0 }')
echo "races: parallel I/O $total ops in 5 processes + $(cat /tmp/pio.client.rounds) client rounds" >>/tmp/stress.figures
if [ -s /tmp/pio.client ]; then
	show /tmp/pio.client | head -n 30
	not_ok "mtty-client and mtty-vfio-test checks pass on another device meanwhile"
else
	ok "mtty-client and mtty-vfio-test checks pass on another device meanwhile ($(cat /tmp/pio.client.rounds) rounds)"
fi

# The shared and the most reopened devices (a loopback check costs seconds
# under KASAN and TCG).
for u in "$d1" "$d4"; do
	client_check "device $u works after the stress" "$u" loopback
done
for u in "$d1" "$d2" "$d3" "$d4" "$d5"; do
	remove "$u" || not_ok "remove $u: $WERR"
done
check_eq "no device left" 0 "$(count_mdevs)"
check_eq "mtty-1 available_instances back to full" "$(max_ports)" "$(avail 1)"
kernel_check "after parallel I/O"
