#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Stage 1, first boot of a fresh image with mtty just installed: what the
# boot did with nothing defined, mdevctl types, the callout called as
# mdevctl calls it, definitions for the reboot, start/stop/undefine/list,
# the start of the auto definitions when the parent appears, and bad input. Sourced by
# boot.sh (lib.sh loaded).

CALLOUT=/etc/mdevctl.d/scripts.d/callouts/mtty-callout

# --- what make install set up, seen on the first boot -----------------
check "mtty module loaded at boot (modules-load.d)" test -d /sys/module/mtty
check "callout linked from /etc/mdevctl.d/scripts.d/callouts" test -x "$CALLOUT"
check "mtty-autostart.service is enabled" systemctl -q is-enabled mtty-autostart.service
check "mtty-autostart.service is active after boot" systemctl -q is-active mtty-autostart.service
# Scoped to mtty: mdevctl's own udev rule (for every parent) is not
# overridden, and nothing of mtty's lives in /etc/udev or a unit for
# other parents.
check "mdevctl's 60-mdevctl.rules is not overridden in /etc/udev/rules.d" \
	sh -c '! test -e /etc/udev/rules.d/60-mdevctl.rules'
check "mtty's udev rules are in udev's own directory, not /etc" \
	sh -c '! ls /etc/udev/rules.d/*mtty* >/dev/null 2>&1'
check "no unit of mtty serves other parents" \
	sh -c '! systemctl list-unit-files "mtty-mdevctl-start@*" --no-legend | grep -q .'
msg=$(journalctl -b -o cat -t mtty-autostart 2>&1)
if printf '%s\n' "$msg" | grep -q 'nothing to start'; then
	ok "nothing defined: mtty-autostart.service logs a clean no-op"
	printf '%s\n' "$msg" | notes
else
	not_ok "nothing defined: mtty-autostart.service logs a clean no-op"
	printf '%s\n' "$msg" | notes
fi

# --- mdevctl types ------------------------------------------------------
run mdevctl types
# Available instances of TYPE in the output of `mdevctl types`.
types_avail() {
	printf '%s\n' "$OUT" | awk -v t="$1" '
		$1 == t { found = 1; next }
		found && /Available instances:/ { print $NF; exit }'
}
if [ "$RC" -eq 0 ] && [ "$(types_avail mtty-1)" = 64 ] && [ "$(types_avail mtty-2)" = 32 ]; then
	ok "mdevctl types: mtty-1 (64 available) and mtty-2 (32 available)"
else
	not_ok "mdevctl types: mtty-1 (64 available) and mtty-2 (32 available) (exit $RC)"
fi
printf '%s\n' "$OUT" | notes

# --- the callout, called the way mdevctl calls it ----------------------
json='{"mdev_type":"mtty-2","start":"auto","attrs":[]}'
out=$(printf '%s' "$json" | "$CALLOUT" -t mtty-2 -e pre -a define -s none -u "$UUID_BAD" -p mtty 2>&1)
check_rc=$?
check "callout: pre define of a valid mtty-2 succeeds" test "$check_rc" -eq 0
out=$("$CALLOUT" -t mtty-2 -e get -a attributes -s none -u "$UUID_BAD" -p mtty </dev/null 2>&1)
check "callout: get attributes prints [] (got '$out')" test "$out" = "[]"
printf '%s' '{"mdev_type":"i915-GVTg_V5_4","start":"auto","attrs":[]}' |
	"$CALLOUT" -t i915-GVTg_V5_4 -e pre -a define -s none -u "$UUID_BAD" -p 0000:00:02.0 >/dev/null 2>&1
check_rc=$?
check "callout: exit 2 for another driver's type (got $check_rc)" test "$check_rc" -eq 2

# --- definitions that the next boots check ------------------------------
run mdevctl define --type mtty-2 --parent mtty --auto
gen=$(printf '%s\n' "$OUT" | grep -Eo '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' | head -n 1)
if [ "$RC" -eq 0 ] && [ -n "$gen" ] && defined "$gen"; then
	ok "mdevctl define --auto without --uuid: defined $gen"
	echo "$gen" >"$RESULTS_DIR/uuid-generated"
else
	not_ok "mdevctl define --auto without --uuid (exit $RC)"
	printf '%s\n' "$OUT" | notes
fi
expect_ok "mdevctl define --auto --uuid $UUID_AUTO" \
	mdevctl define --uuid "$UUID_AUTO" --type mtty-2 --parent mtty --auto
expect_ok "mdevctl define (manual) --uuid $UUID_MANUAL, type mtty-1" \
	mdevctl define --uuid "$UUID_MANUAL" --type mtty-1 --parent mtty
check "definition of $UUID_AUTO says start auto" test "$(start_mode "$UUID_AUTO")" = auto
check "definition of $UUID_MANUAL says start manual" test "$(start_mode "$UUID_MANUAL")" = manual
run mdevctl list --defined
n=$(printf '%s\n' "$OUT" | grep -c ' mtty mtty-')
check "mdevctl list --defined shows the 3 definitions (got $n)" test "$n" -eq 3
printf '%s\n' "$OUT" | notes
check "defining starts nothing" test "$(active_count)" -eq 0

# --- start, stop, undefine, list ---------------------------------------
expect_ok "define manual $UUID_TMP" \
	mdevctl define --uuid "$UUID_TMP" --type mtty-2 --parent mtty
expect_ok "mdevctl start -u $UUID_TMP" mdevctl start --uuid "$UUID_TMP"
check "started device exists in sysfs" active "$UUID_TMP"
run mdevctl list
check "mdevctl list shows it as active and defined" \
	sh -c "printf '%s\n' \"\$0\" | grep -q '^$UUID_TMP mtty mtty-2 manual (defined)'" "$OUT"
printf '%s\n' "$OUT" | notes
client_loopback "$UUID_TMP"
vfio_perms "$UUID_TMP"
callout_protocol "$UUID_TMP"
expect_ok "mdevctl stop -u $UUID_TMP" mdevctl stop --uuid "$UUID_TMP"
check "stopped device is gone from sysfs" sh -c "! test -e $MDEVS/$UUID_TMP"
check "stopped device is still defined" defined "$UUID_TMP"
expect_fail "mdevctl stop of a stopped device fails" "$UUID_TMP|not|exist|active" \
	mdevctl stop --uuid "$UUID_TMP"
expect_ok "mdevctl undefine -u $UUID_TMP" mdevctl undefine --uuid "$UUID_TMP"
check "undefined device has no definition" sh -c "! test -e $DEFS/$UUID_TMP"
run mdevctl list --defined
check "mdevctl list --defined no longer shows it" \
	sh -c "! printf '%s\n' \"\$0\" | grep -q '$UUID_TMP'" "$OUT"

expect_ok "mdevctl start of a transient mtty-1 (no definition)" \
	mdevctl start --uuid "$UUID_TRANSIENT" --parent mtty --type mtty-1
check "transient device exists in sysfs" active "$UUID_TRANSIENT"
run mdevctl list
check "mdevctl list shows the transient device without (defined)" \
	sh -c "printf '%s\n' \"\$0\" | grep -qx '$UUID_TRANSIENT mtty mtty-1 manual'" "$OUT"
run mdevctl list --defined
check "mdevctl list --defined does not show it" \
	sh -c "! printf '%s\n' \"\$0\" | grep -q '$UUID_TRANSIENT'" "$OUT"
client_loopback "$UUID_TRANSIENT"
expect_ok "mdevctl stop of the transient device" mdevctl stop --uuid "$UUID_TRANSIENT"

# --- module loading by the callout, then the autostart ---------------
expect_ok "rmmod mtty with no device left" rmmod mtty
expect_ok "mdevctl start -u $UUID_MANUAL with the module unloaded" \
	mdevctl start --uuid "$UUID_MANUAL"
check "the callout loaded the module" test -d /sys/module/mtty
check "manual device started" active "$UUID_MANUAL"
# Loading the module made the parent appear: 70-mtty-autostart.rules made
# systemd start mtty-autostart.service again, which starts the auto
# definitions (the one path that starts them, at boot too).
wait_active 60 "$UUID_AUTO" "$gen"
check "the parent's appearance started mtty-autostart.service, which started both auto devices (${WAITED} s)" \
	sh -c "test -e $MDEVS/$UUID_AUTO && test -e $MDEVS/$gen"
journalctl -b -o cat -u mtty-autostart.service | tail -n 4 | notes
for u in "$UUID_AUTO" "$gen" "$UUID_MANUAL"; do
	mdevctl stop --uuid "$u" >/dev/null 2>&1
done
check "all stopped again" test "$(active_count)" -eq 0

# --- bad input changes nothing ------------------------------------------
before=$(snapshot)
expect_fail "define with unknown type mtty-3 is refused by name" "mtty-3" \
	mdevctl define --uuid "$UUID_BAD" --type mtty-3 --parent mtty
expect_fail "start of a transient device of unknown type mtty-9 is refused by name" "mtty-9" \
	mdevctl start --uuid "$UUID_BAD" --parent mtty --type mtty-9
printf '%s\n' '{"mdev_type":"mtty-2","start":"manual","attrs":[{"baud":"9600"},{"parity":"none"}]}' \
	>/tmp/bad-attr.json
expect_fail "define with unknown attributes names them" "baud.*parity" \
	mdevctl define --uuid "$UUID_BAD" --parent mtty --jsonfile /tmp/bad-attr.json
expect_fail "modify --addattr of an unknown attribute is refused by name" "baud" \
	mdevctl modify --uuid "$UUID_MANUAL" --addattr baud --value 9600
expect_fail "define with a malformed UUID is refused" "[Ii]nvalid|UUID|uuid" \
	mdevctl define --uuid 6e1d5b0e-94f0-4c1a-8c55-zzzz --type mtty-2 --parent mtty
expect_fail "start with a malformed UUID is refused" "[Ii]nvalid|UUID|uuid" \
	mdevctl start --uuid 1234 --parent mtty --type mtty-2
after=$(snapshot)
if [ "$before" = "$after" ]; then
	ok "bad commands left every definition (and device) as it was"
else
	not_ok "bad commands left every definition (and device) as it was"
	printf 'before:\n%s\nafter:\n%s\n' "$before" "$after" | notes
fi
check "no definition for the rejected UUID" sh -c "! test -e $DEFS/$UUID_BAD"

# This stage unloaded and reloaded mtty while libvirtd was running: what
# libvirtd makes of that is shown, not judged (stages 2 and 3 judge it).
LIBVIRT_NOTE_ONLY=1 journal_clean "(stage 1)"
