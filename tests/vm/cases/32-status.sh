#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# mtty-status against the real module: its count of ports agrees with the
# parent's sysfs line and the types' free instances, an mdevctl-style
# definition (written by hand: the busybox image has no mdevctl) is
# matched with its active device, one that should run and does not is a
# problem with exit status 1, the process holding a device (mtty-client
# hold) is named, and the metrics say the same.  Reading leaves the
# holder holding.
# suites: driver all

# shellcheck source=lib.sh
. /tests/cases/lib.sh
ensure_loaded || exit 0
STATUS=/usr/bin/mtty-status
if [ ! -x "$STATUS" ]; then
	not_ok "mtty-status: $STATUS missing"
	exit 0
fi
DEFS=/etc/mdevctl.d/mtty
UA=5a7a0001-0000-4000-8000-000000000001	# mtty-2, defined auto, held
UB=5a7a0002-0000-4000-8000-000000000002	# mtty-1, active, no definition
UC=5a7a0003-0000-4000-8000-000000000003	# mtty-2, defined auto, not active

# value NAME FILE: the number after "NAME": in mtty-status's JSON.
value() {
	sed -n "s/.*\"$1\": \\([0-9a-z]*\\).*/\\1/p" "$2" | head -n 1
}

create 2 "$UA"
check "create mtty-2 $UA ($WERR)" test -z "$WERR"
create 1 "$UB"
check "create mtty-1 $UB ($WERR)" test -z "$WERR"
mkdir -p "$DEFS"
echo '{"mdev_type":"mtty-2","start":"auto","attrs":[]}' >"$DEFS/$UA"
echo '{"mdev_type":"mtty-2","start":"auto","attrs":[]}' >"$DEFS/$UC"

rc=0
"$STATUS" --json >/tmp/status.json 2>/tmp/status.err || rc=$?
check_eq "mtty-status --json with a failed autostart exits" 1 "$rc"
check_eq "mtty-status says nothing on stderr" "" "$(cat /tmp/status.err)"
# "mtty parent: N of M ports in use"
line=$(rd "$PARENT/mtty_dev/sample_mtty_dev")
used=$(echo "$line" | sed -n 's/^mtty parent: \([0-9]*\) of \([0-9]*\) .*/\1/p')
max=$(echo "$line" | sed -n 's/^mtty parent: \([0-9]*\) of \([0-9]*\) .*/\2/p')
check_eq "ports_used as the parent's sysfs line says" "$used" \
	"$(value ports_used /tmp/status.json)"
check_eq "max_ports as the module parameter says" \
	"$(rd /sys/module/mtty/parameters/max_ports)" "$(value max_ports /tmp/status.json)"
check_eq "max_ports as the parent's sysfs line says" "$max" \
	"$(value max_ports /tmp/status.json)"
check_eq "ports_free is mtty-1's available_instances" "$(avail 1)" \
	"$(value ports_free /tmp/status.json)"
check "the module's version is reported" \
	grep -q "\"version\": \"$(rd /sys/module/mtty/version)\"" /tmp/status.json

"$STATUS" >/tmp/status.txt 2>&1
sed 's/^/#   /' /tmp/status.txt
check "table: $UA mtty-2 auto started" \
	grep -Eq "^$UA +mtty-2 +auto +started +-$" /tmp/status.txt
check "table: $UB mtty-1, not defined, started" \
	grep -Eq "^$UB +mtty-1 +- +started +-$" /tmp/status.txt
check "table: $UC mtty-2 auto stopped" \
	grep -Eq "^$UC +mtty-2 +auto +stopped +-$" /tmp/status.txt
check "table: $UC is a failed autostart" \
	grep -q "problem: $UC is defined to start automatically but is not active" \
	/tmp/status.txt

# Held: the process and no domain (mtty-client is no QEMU).
if have_client; then
	"$CLIENT" "$UA" hold 60 >/tmp/status-hold.out 2>&1 &
	hpid=$!
	t=0
	while ! grep -q holding /tmp/status-hold.out && [ "$t" -lt 20 ]; do
		sleep 1
		t=$((t + 1))
	done
	check "mtty-client holds $UA" grep -q holding /tmp/status-hold.out
	"$STATUS" >/tmp/status.txt 2>&1
	check "table: $UA held by mtty-client (pid $hpid)" \
		grep -Eq "^$UA +mtty-2 +auto +held +mtty-client \\(pid $hpid\\)$" \
		/tmp/status.txt
	"$STATUS" --json >/tmp/status.json 2>&1
	check "JSON: the holder's pid, command and no domain" grep -q \
		"\"holder\": {\"pid\": $hpid, \"command\": \"mtty-client\", \"domain\": null}" \
		/tmp/status.json
	"$STATUS" --prometheus >/tmp/status.prom 2>&1
	check "metrics: one device held" grep -qx 'mtty_devices{state="held"} 1' /tmp/status.prom
	check "metrics: ports used" grep -qx "mtty_ports_used $used" /tmp/status.prom
	check "metrics: one failed autostart" grep -qx 'mtty_autostart_failed 1' /tmp/status.prom
	check "the holder still holds $UA after mtty-status ran" kill -0 "$hpid"
	kill "$hpid" 2>/dev/null
	wait "$hpid" 2>/dev/null
else
	not_ok "holder checks: $CLIENT missing"
fi

# The failed autostart mended: exit status 0.
create 2 "$UC"
check "create mtty-2 $UC ($WERR)" test -z "$WERR"
rc=0
"$STATUS" --quiet || rc=$?
check_eq "mtty-status --quiet once every auto device is active exits" 0 "$rc"
for u in "$UA" "$UB" "$UC"; do
	remove "$u"
	check "remove $u ($WERR)" test -z "$WERR"
done
rm -f "$DEFS/$UA" "$DEFS/$UC"
