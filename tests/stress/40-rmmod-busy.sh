#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# rmmod attempts while the module is busy:
#   - devices exist but are idle: every rmmod fails, nothing changes;
#   - a device is being fuzzed: every rmmod fails, the fuzzer notices
#     nothing;
#   - creators create and remove devices while another loop keeps trying
#     rmmod and reloads the module whenever it got out: unloading may win
#     any race with creation, and must still leave nothing behind.

# shellcheck source=lib.sh
. /tests/stress/lib.sh

reload_mtty max_ports="$DEFAULT_MAX_PORTS" || exit 0
full=$(avail 1)
attempts=$((10 * SCALE))

# try_rmmod N: N attempts; prints how many succeeded.
try_rmmod() {
	n=0
	i=0
	while [ "$i" -lt "$1" ]; do
		rmmod mtty 2>/dev/null && n=$((n + 1))
		i=$((i + 1))
	done
	echo "$n"
}

# --- idle devices
a=$(uuid c4000000 0)
b=$(uuid c4000000 1)
create 1 "$a" || not_ok "create $a: $WERR"
create 2 "$b" || not_ok "create $b: $WERR"
check_eq "rmmod refused $attempts times with idle devices" 0 "$(try_rmmod "$attempts")"
check "module still loaded" mtty_loaded
check "devices still there" test -e "$MDEVS/$a" -a -e "$MDEVS/$b"
client_check "idle device still works" "$b" loopback

# --- a device under fuzzing
"$FUZZ" -r 500 -n 1000000000 -t $((5 * SCALE)) "$a" "$b" >/tmp/rb.fuzz 2>&1 &
fp=$!
n=0
tries=0
while kill -0 "$fp" 2>/dev/null; do
	n=$((n + $(try_rmmod 1)))
	tries=$((tries + 1))
done
wait "$fp"
frc=$?
check_eq "rmmod refused $tries times during fuzzing" 0 "$n"
fuzz_ok "fuzzing undisturbed by rmmod attempts" /tmp/rb.fuzz "$frc"
remove "$a" || not_ok "remove $a: $WERR"
remove "$b" || not_ok "remove $b: $WERR"

# --- creators against an unload/reload loop, for 8 s x STRESS_SCALE
secs=$((8 * SCALE))
rm -f /tmp/rb.stop
creator() {
	w=$1
	: >"/tmp/rb.c$w"
	: >"/tmp/rb.e$w"
	r=0
	while [ ! -e /tmp/rb.stop ]; do
		u=$(uuid "c41${w}0000" "$r")
		t=$((1 + (r + w) % 2))
		if create "$t" "$u"; then
			echo made >>"/tmp/rb.c$w"
			# An unload may be taking the device along already.
			remove "$u" || wait_gone "$u" 10 ||
				echo "remove $u: $WERR" >>"/tmp/rb.e$w"
		else
			echo tried >>"/tmp/rb.e$w.tries"
		fi
		r=$((r + 1))
	done
}
: >/tmp/rb.unloads
unloader() {
	while [ ! -e /tmp/rb.stop ]; do
		if rmmod mtty 2>/dev/null; then
			echo x >>/tmp/rb.unloads
			insmod "$MTTY_KO" || echo "insmod failed" >>/tmp/rb.unloads
		fi
	done
}
unloader &
up=$!
cpids=
for w in 0 1 2; do
	creator "$w" &
	cpids="$cpids $!"
done
sleep "$secs"
touch /tmp/rb.stop
# shellcheck disable=SC2086  # list of pids
wait_all $cpids
wait "$up"
made=$(cat /tmp/rb.c0 /tmp/rb.c1 /tmp/rb.c2 | wc -l)
refused=$(cat /tmp/rb.e*.tries 2>/dev/null | wc -l)
unloads=$(grep -c x /tmp/rb.unloads)
diag "creators made $made devices ($refused creates refused while unloaded); the module was unloaded $unloads times meanwhile"
echo "races: rmmod vs create/remove $((made + refused)) creations, $unloads unloads" >>/tmp/stress.figures
check "creators made devices ($made)" test "$made" -gt 0
check "the module was unloaded meanwhile ($unloads times)" test "$unloads" -gt 0
errs=$(cat /tmp/rb.e0 /tmp/rb.e1 /tmp/rb.e2)
[ -z "$errs" ] || printf '%s\n' "$errs" | head -n 20 | sed 's/^/#   /'
check_eq "every device made was removed, by remove or by rmmod" "" "$errs"
check "reloading after each unload worked" test "$(grep -c insmod /tmp/rb.unloads)" = 0
ensure_loaded
remove_all
check_eq "no device left behind" 0 "$(count_mdevs)"
check_eq "mtty-1 available_instances back to full" "$full" "$(avail 1)"
kernel_check "after rmmod attempts while busy"
