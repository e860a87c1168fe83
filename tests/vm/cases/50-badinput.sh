#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Bad input and misuse must fail cleanly with the documented error and
# leave the driver's state (devices, capacity) exactly as it was.
# suites: driver all

# shellcheck source=lib.sh
. /tests/cases/lib.sh
ensure_loaded || exit 0
[ -d "$MDEVS/$UUID2" ] || create 2 "$UUID2"
[ -d "$MDEVS/$UUID1" ] || create 1 "$UUID1"

ndev() {
	count_mdevs
}

# --- malformed UUID
a1=$(avail 1)
n=$(ndev)
if create 1 "not-a-uuid-83b8f4f2"; then
	not_ok "create with a malformed UUID fails"
else
	ok "create with a malformed UUID fails"
	case $WERR in
	*"Invalid argument"*) ok "malformed UUID gives EINVAL" ;;
	*) not_ok "malformed UUID gives EINVAL (got '$WERR')" ;;
	esac
fi
check_eq "malformed UUID: nothing created" "$n" "$(ndev)"
check_eq "malformed UUID: capacity unchanged" "$a1" "$(avail 1)"

# --- duplicate UUID, in the same type and in the other type
for t in 2 1; do
	if create "$t" "$UUID2"; then
		not_ok "create mtty-$t with an existing UUID fails"
	else
		ok "create mtty-$t with an existing UUID fails ($WERR)"
	fi
	check_eq "duplicate UUID (mtty-$t): nothing created" "$n" "$(ndev)"
	check_eq "duplicate UUID (mtty-$t): capacity unchanged" "$a1" "$(avail 1)"
done

# --- capacity exhausted: fill all free ports with mtty-1 devices
fill=$(avail 1)
i=0
made=0
while [ "$i" -lt "$fill" ]; do
	u=$(printf 'cafe0000-0000-4000-8000-%012d' "$i")
	create 1 "$u" && made=$((made + 1))
	i=$((i + 1))
done
check_eq "filled the remaining $fill ports with mtty-1 devices" "$fill" "$made"
check_eq "mtty-1 available_instances is 0 when full" 0 "$(avail 1)"
check_eq "mtty-2 available_instances is 0 when full" 0 "$(avail 2)"
n=$(ndev)
for t in 1 2; do
	u=cafe0000-0000-4000-8000-ffffffffffff
	if create "$t" "$u"; then
		not_ok "create mtty-$t past capacity fails"
		remove "$u"
	else
		case $WERR in
		*"No space left on device"*) ok "create mtty-$t past capacity fails with ENOSPC" ;;
		*) not_ok "create mtty-$t past capacity fails with ENOSPC (got '$WERR')" ;;
		esac
	fi
	check "create mtty-$t past capacity leaves no device" test ! -e "$MDEVS/$u"
	check_eq "create mtty-$t past capacity: device count unchanged" "$n" "$(ndev)"
	check_eq "create mtty-$t past capacity: mtty-1 available still 0" 0 "$(avail 1)"
done
i=0
bad=0
while [ "$i" -lt "$fill" ]; do
	u=$(printf 'cafe0000-0000-4000-8000-%012d' "$i")
	[ -e "$MDEVS/$u" ] && { remove "$u" || bad=$((bad + 1)); }
	i=$((i + 1))
done
check_eq "removing the filler devices succeeds" 0 "$bad"
check_eq "capacity back after removing the fillers" "$a1" "$(avail 1)"

# --- remove twice
u=cafe0001-0000-4000-8000-000000000001
create 1 "$u"
check "create a device to remove twice ($WERR)" test -d "$MDEVS/$u"
check "first remove succeeds" remove "$u"
check "device gone after remove" test ! -e "$MDEVS/$u"
if remove "$u"; then
	not_ok "second remove of the same UUID fails"
else
	ok "second remove of the same UUID fails"
fi
check_eq "capacity unchanged after the double remove" "$a1" "$(avail 1)"

# --- rmmod while devices exist
if out=$(rmmod mtty 2>&1); then
	not_ok "rmmod mtty with devices present fails"
	not_ok "devices survive the rmmod attempt (module unloaded)"
	# Put the module and the devices back so later cases can run.
	insmod "$MTTY_KO"
	create 2 "$UUID2"
	create 1 "$UUID1"
else
	ok "rmmod mtty with devices present fails ($out)"
	check "module still loaded after the refused rmmod" mtty_loaded
	for u in "$UUID2" "$UUID1"; do
		check "$u survives the refused rmmod" test -f "$MDEVS/$u/remove"
	done
fi

# --- remove while open: the holder must be asked (VFIO REQ irq) to let go
u=cafe0002-0000-4000-8000-000000000002
create 2 "$u"
if ! have_client; then
	not_ok "remove while open: $CLIENT missing"
	remove "$u"
	exit 0
fi
"$CLIENT" "$u" hold 60 >/tmp/hold.out 2>&1 &
hpid=$!
t=0
while ! grep -q holding /tmp/hold.out && [ "$t" -lt 20 ]; do
	sleep 1
	t=$((t + 1))
done
check "client holds the device open" grep -q holding /tmp/hold.out
rm -f /tmp/rm.rc
(
	if echo 1 >"$MDEVS/$u/remove"; then rc=0; else rc=1; fi
	echo "$rc" >/tmp/rm.rc
) 2>/dev/null &
rpid=$!
t=0
while kill -0 "$hpid" 2>/dev/null && [ "$t" -lt 30 ]; do
	sleep 1
	t=$((t + 1))
done
if kill -0 "$hpid" 2>/dev/null; then
	not_ok "holder exits after the remove request (still running after 30 s)"
	kill "$hpid"
else
	ok "holder exits after the remove request ($t s)"
fi
hrc=0
wait "$hpid" || hrc=$?
sed 's/^/#   /' /tmp/hold.out
check "holder reports 'request received'" grep -q 'request received' /tmp/hold.out
check_eq "holder exit status" 0 "$hrc"
t=0
while [ ! -f /tmp/rm.rc ] && [ "$t" -lt 30 ]; do
	sleep 1
	t=$((t + 1))
done
check_eq "remove of the open device completes successfully" 0 "$(cat /tmp/rm.rc 2>/dev/null)"
wait "$rpid" 2>/dev/null
check "device gone after remove while open" test ! -e "$MDEVS/$u"
check_eq "capacity back after remove while open" "$a1" "$(avail 1)"
