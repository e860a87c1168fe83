#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Host tests of mtty's mdevctl callout and of the two helper scripts
# (udev's mtty-vfio-group, systemd's mtty-mdev-autostart), against a fake
# sysfs tree (MTTY_SYSFS), a fake modprobe and a fake mdevctl. The callout
# is called exactly as mdevctl 1.2.0 calls it:
#   mtty-callout -t TYPE -e EVENT -a ACTION -s STATE -u UUID -p PARENT
# with the device's JSON configuration on stdin.
#
# Prints "ok N - ..." / "not ok N - ..." and "N passed, N failed".

set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
CALLOUT=$root/mdevctl-callouts/mtty-callout
VFIO_GROUP=$root/udev/mtty-vfio-group
AUTOSTART=$root/systemd/mtty-mdev-autostart

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
MTTY_SYSFS=$tmp/sys
export MTTY_SYSFS

# shellcheck source=tests/lib/tap.sh
. "$root/tests/lib/tap.sh"
ok() { tap_ok "$@"; }
not_ok() { tap_fail "$@"; }
diag() { sed 's/^/#   /'; }

U=83b8f4f2-509f-382f-3c1e-e6bfe0fa1001
JSON_OK='{"mdev_type":"mtty-2","start":"auto","attrs":[]}'

# callout JSON ARGS...: run it with JSON on stdin; sets OUT (stdout),
# ERR (stderr) and RC.
callout() {
	json=$1
	shift
	printf '%s' "$json" | "$CALLOUT" "$@" >"$tmp/out" 2>"$tmp/err"
	RC=$?
	OUT=$(cat "$tmp/out")
	ERR=$(cat "$tmp/err")
}

# expect DESC RC [PATTERN]: the last call exited RC and, with a PATTERN,
# its stderr matches it (extended regular expression).
expect() {
	if [ "$RC" -ne "$2" ]; then
		not_ok "$1 (exit $RC, want $2)"
		printf '%s\n' "$ERR" | diag
	elif [ $# -ge 3 ] && ! printf '%s\n' "$ERR" | grep -Eq "$3"; then
		not_ok "$1 (message does not match /$3/)"
		printf '%s\n' "$ERR" | diag
	else
		ok "$1"
		[ -z "$ERR" ] || printf '%s\n' "$ERR" | diag
	fi
}

# A loaded mtty with FREE ports for mtty-1 and FREE/2 for mtty-2.
fake_parent() {
	p=$MTTY_SYSFS/devices/virtual/mtty/mtty
	rm -rf "$MTTY_SYSFS"
	mkdir -p "$p/mdev_supported_types/mtty-1" "$p/mdev_supported_types/mtty-2" \
		"$MTTY_SYSFS/class/mdev_bus" "$MTTY_SYSFS/class/mtty" \
		"$MTTY_SYSFS/module/mtty/parameters" "$MTTY_SYSFS/bus/mdev/devices"
	ln -s ../../devices/virtual/mtty/mtty "$MTTY_SYSFS/class/mdev_bus/mtty"
	ln -s ../../../../class/mtty "$p/subsystem"
	echo "$1" >"$p/mdev_supported_types/mtty-1/available_instances"
	echo $(($1 / 2)) >"$p/mdev_supported_types/mtty-2/available_instances"
	echo 64 >"$MTTY_SYSFS/module/mtty/parameters/max_ports"
}

# A modprobe that "loads" mtty by making the fake parent, and logs calls.
mkdir -p "$tmp/bin"
cat >"$tmp/bin/modprobe" <<'EOF'
#!/bin/sh
echo "$*" >>"$MTTY_SYSFS.modprobe-calls"
[ -n "${FAKE_MODPROBE_FAIL:-}" ] && { echo "modprobe: FATAL: Module mtty not found in directory /lib/modules/x" >&2; exit 1; }
p=$MTTY_SYSFS/devices/virtual/mtty/mtty
mkdir -p "$p/mdev_supported_types/mtty-1" "$p/mdev_supported_types/mtty-2" "$MTTY_SYSFS/class/mdev_bus"
ln -sfn ../../devices/virtual/mtty/mtty "$MTTY_SYSFS/class/mdev_bus/mtty"
echo 64 >"$p/mdev_supported_types/mtty-1/available_instances"
echo 32 >"$p/mdev_supported_types/mtty-2/available_instances"
EOF
chmod +x "$tmp/bin/modprobe"
PATH=$tmp/bin:$PATH
export PATH

# --- ownership and stdin -------------------------------------------------
fake_parent 64
callout '{"mdev_type":"i915-GVTg_V5_4","start":"auto","attrs":[]}' \
	-t i915-GVTg_V5_4 -e pre -a define -s none -u "$U" -p 0000:00:02.0
expect "another driver's type on another parent: exit 2" 2
callout "$JSON_OK" -t mtty-2 -e pre -a define -s none -u "$U" -p mtty
expect "pre define of mtty-2 on parent mtty: accepted" 0
callout '{"mdev_type":"mtty-1","start":"manual","attrs":[]}' \
	-t mtty-1 -e pre -a start -s none -u "$U" -p mtty
expect "pre start of mtty-1 with room: accepted" 0

# mdevctl 1.2.0 writes the whole configuration before it waits: a script
# that exits without reading makes that write fail. Far more than a pipe
# buffer proves the callout reads everything, also when it is not ours.
for t in i915-GVTg_V5_4 mtty-2; do
	big=$(awk 'BEGIN { printf "{\"mdev_type\":\"x\",\"pad\":\""; for (i = 0; i < 200000; i++) printf "a"; printf "\",\"attrs\":[]}" }')
	status=$({ printf '%s' "$big"; echo $? >"$tmp/wrote"; } |
		"$CALLOUT" -t "$t" -e post -a stop -s success -u "$U" -p mtty >/dev/null 2>&1; cat "$tmp/wrote")
	if [ "$status" = 0 ]; then
		ok "type $t: the callout reads all of a 200 kB stdin"
	else
		not_ok "type $t: the callout reads all of a 200 kB stdin (writer status $status)"
	fi
done

# --- versioned callouts (mdevctl 1.3 and later) --------------------------------
PROVIDES='{"provides":{"version":2,"actions":["start","stop","define","undefine","modify","attributes","capabilities"],"events":["pre","post","notify","get","live"]}}'
callout "$PROVIDES" -t mtty-2 -e get -a capabilities -s none -u "$U" -p mtty
expect "get capabilities: answered" 0
caps=$(printf '%s' "$OUT" | python3 -c 'import json, sys
s = json.load(sys.stdin)["supports"]
print(s["version"], " ".join(sorted(s["actions"])), "|", " ".join(sorted(s["events"])))' 2>&1)
if [ "$caps" = "2 attributes capabilities define modify start stop undefine | get live notify post pre" ]; then
	ok "get capabilities: a JSON supports object, version 2, every action and event"
else
	not_ok "get capabilities: a JSON supports object (got '$OUT' -> '$caps')"
fi
callout "$PROVIDES" -t i915-GVTg_V5_4 -e get -a capabilities -s none -u "$U" \
	-p 0000:00:02.0
expect "get capabilities for another driver's device: exit 2" 2
callout "$JSON_OK" -t mtty-2 -e live -a modify -s none -u "$U" -p mtty
expect "live modify of a running mtty-2 without attributes: accepted" 0
callout '{"mdev_type":"mtty-2","start":"auto","attrs":[{"speed":"fast"}]}' \
	-t mtty-2 -e live -a modify -s none -u "$U" -p mtty
expect "live modify with an attribute: refused, naming it" 1 "unknown attribute.*'speed'"

# --- get attributes ----------------------------------------------------------
callout "" -t mtty-2 -e get -a attributes -s none -u "$U" -p mtty
if [ "$RC" -eq 0 ] && [ "$OUT" = "[]" ]; then
	ok "get attributes prints [] (mdevctl's JSON array)"
else
	not_ok "get attributes prints [] (exit $RC, got '$OUT')"
fi
callout "" -t nvidia-35 -e get -a attributes -s none -u "$U" -p 0000:01:00.0
expect "get attributes of another driver's device: exit 2" 2

# --- types -------------------------------------------------------------------
callout '{"mdev_type":"mtty-3","start":"auto","attrs":[]}' \
	-t mtty-3 -e pre -a define -s none -u "$U" -p mtty
expect "pre define of unknown type mtty-3: refused by name" 1 "mtty-3.*mtty-1, mtty-2"
callout '{"mdev_type":"foo","start":"auto","attrs":[]}' \
	-t foo -e pre -a start -s none -u "$U" -p mtty
expect "pre start of type 'foo' on parent mtty: refused by name" 1 "'foo'"
callout "$JSON_OK" -t mtty-2 -e pre -a define -s none -u "$U" -p 0000:00:02.0
expect "pre define of mtty-2 on another parent: refused" 1 "belongs to parent mtty"
rm -rf "$MTTY_SYSFS"
callout "$JSON_OK" -t mtty-2 -e pre -a define -s none -u "$U" -p mtty
expect "pre define with the module not loaded: built-in type list accepts mtty-2" 0
if [ ! -e "$MTTY_SYSFS.modprobe-calls" ]; then
	ok "pre define does not load the module"
else
	not_ok "pre define does not load the module"
fi

# --- attributes --------------------------------------------------------------
fake_parent 64
callout '{"mdev_type":"mtty-2","start":"auto","attrs":[{"baud":"9600"},{"parity":"none"}]}' \
	-t mtty-2 -e pre -a define -s none -u "$U" -p mtty
expect "pre define with attributes baud and parity: both named" 1 "'baud', 'parity'.*no attributes"
callout '{"mdev_type":"mtty-2","start":"manual","attrs":[{"fifo":"16"}]}' \
	-t mtty-2 -e pre -a start -s none -u "$U" -p mtty
expect "pre start with an attribute: refused by name" 1 "'fifo'"
callout '{"mdev_type":"mtty-2","start":"manual","attrs":[{"x":"1"}]}' \
	-t mtty-2 -e pre -a modify -s none -u "$U" -p mtty
expect "pre modify adding an attribute: refused by name" 1 "'x'"
# Pretty-printed, with keys and values that look like JSON syntax.
callout '{
  "mdev_type": "mtty-2",
  "attrs": [
    { "a\"b": "x,}]{" },
    { "c:d": "[{\"e\":1}]" }
  ],
  "start": "auto"
}' -t mtty-2 -e pre -a define -s none -u "$U" -p mtty
expect "pretty JSON with tricky strings: names a\"b and c:d only" 1 "'a\"b', 'c:d' for"
callout '{"attrs":[],"start":"manual","mdev_type":"mtty-1","note":{"attrs":[{"y":"1"}]}}' \
	-t mtty-1 -e pre -a define -s none -u "$U" -p mtty
expect "only the top-level attrs array counts" 0

# --- start: module loading and capacity ---------------------------------------
rm -rf "$MTTY_SYSFS" "$MTTY_SYSFS.modprobe-calls"
mkdir -p "$MTTY_SYSFS/bus/mdev/devices"
callout "$JSON_OK" -t mtty-2 -e pre -a start -s none -u "$U" -p mtty
expect "pre start with the module absent: loads it and accepts" 0
if [ "$(cat "$MTTY_SYSFS.modprobe-calls" 2>/dev/null)" = mtty ]; then
	ok "pre start ran 'modprobe mtty' once"
else
	not_ok "pre start ran 'modprobe mtty' once (calls: $(cat "$MTTY_SYSFS.modprobe-calls" 2>/dev/null))"
fi
callout "$JSON_OK" -t mtty-2 -e pre -a start -s none -u "$U" -p mtty
if [ "$(wc -l <"$MTTY_SYSFS.modprobe-calls")" -eq 1 ]; then
	ok "pre start with the module loaded does not run modprobe"
else
	not_ok "pre start with the module loaded does not run modprobe"
fi
rm -rf "$MTTY_SYSFS"
mkdir -p "$MTTY_SYSFS"
FAKE_MODPROBE_FAIL=1 callout "$JSON_OK" -t mtty-2 -e pre -a start -s none -u "$U" -p mtty
expect "pre start when modprobe fails: clear message with modprobe's" 1 \
	"loading the mtty kernel module failed: modprobe: FATAL"
fake_parent 1
callout "$JSON_OK" -t mtty-2 -e pre -a start -s none -u "$U" -p mtty
expect "pre start with no room for mtty-2: capacity message" 1 \
	"no capacity left for another mtty-2.*available_instances is 0.*max_ports.*/etc/modprobe.d/mtty.conf"
callout '{"mdev_type":"mtty-1","start":"manual","attrs":[]}' \
	-t mtty-1 -e pre -a start -s none -u "$U" -p mtty
expect "pre start of mtty-1 with one port left: accepted" 0
mkdir -p "$MTTY_SYSFS/bus/mdev/devices/$U"
callout "$JSON_OK" -t mtty-2 -e pre -a start -s none -u "$U" -p mtty
expect "pre start of a device already active: left to mdevctl's own message" 0
callout "$JSON_OK" -t mtty-2 -e pre -a define -s none -u "$U" -p mtty
expect "pre define does not care about capacity" 0

# --- other events -------------------------------------------------------------
for ea in "post define" "post start" "pre stop" "post stop" "pre undefine" \
	"post undefine" "notify start"; do
	# shellcheck disable=SC2086  # event and action
	set -- $ea
	callout '{"mdev_type":"mtty-2","start":"auto","attrs":[{"z":"1"}]}' \
		-t mtty-2 -e "$1" -a "$2" -s success -u "$U" -p mtty
	expect "$1 $2: nothing to check, exit 0" 0
done

# --- udev helper: which VFIO groups are mtty's ----------------------------------
fake_parent 64
g=$MTTY_SYSFS/kernel/iommu_groups
mkdir -p "$g/7/devices" "$g/8/devices" "$g/9/devices" \
	"$MTTY_SYSFS/devices/virtual/mtty/mtty/$U" \
	"$MTTY_SYSFS/devices/virtual/other/p/$U-x" "$MTTY_SYSFS/class/other" \
	"$MTTY_SYSFS/devices/pci0000:00/0000:00:03.0"
touch "$MTTY_SYSFS/devices/virtual/mtty/mtty/$U/mdev_type" \
	"$MTTY_SYSFS/devices/virtual/other/p/$U-x/mdev_type"
ln -s ../../../../class/other "$MTTY_SYSFS/devices/virtual/other/p/subsystem"
ln -s ../../../../devices/virtual/mtty/mtty/$U "$g/7/devices/$U"
ln -s ../../../../devices/virtual/other/p/$U-x "$g/8/devices/$U-x"
ln -s ../../../../devices/pci0000:00/0000:00:03.0 "$g/9/devices/0000:00:03.0"
for case in "7 0 an mtty mdev" "8 1 another driver's mdev" "9 1 a PCI device" \
	"10 1 a missing group" "x 1 a malformed name"; do
	# shellcheck disable=SC2086  # group, status, description
	set -- $case
	grp=$1
	want=$2
	shift 2
	"$VFIO_GROUP" "$grp"
	RC=$?
	if [ "$RC" -eq "$want" ]; then
		ok "mtty-vfio-group $grp ($*): exit $want"
	else
		not_ok "mtty-vfio-group $grp ($*): exit $want (got $RC)"
	fi
done

# --- boot helper: start auto definitions once -------------------------------
cat >"$tmp/bin/mdevctl" <<'EOF'
#!/bin/sh
# Fake mdevctl: definitions in $FAKE_DEFS, "UUID PARENT TYPE auto|manual".
echo "$*" >>"$MTTY_SYSFS.mdevctl-calls"
case $1 in
list)
	while read -r u p t s; do
		a=
		[ -e "$MTTY_SYSFS/bus/mdev/devices/$u" ] && a=" (active)"
		echo "$u $p $t $s$a"
	done <"$FAKE_DEFS"
	;;
start)
	[ "$3" = "${FAKE_FAIL_UUID:-none}" ] && { echo "Error: failed" >&2; exit 1; }
	mkdir -p "$MTTY_SYSFS/bus/mdev/devices/$3"
	;;
start-parent-mdevs)
	while read -r u p t s; do
		[ "$p" = "$2" ] && [ "$s" = auto ] && [ "$u" != "${FAKE_FAIL_UUID:-none}" ] &&
			mkdir -p "$MTTY_SYSFS/bus/mdev/devices/$u"
	done <"$FAKE_DEFS"
	echo "WARN mdevctl: something" >&2
	;;
esac
EOF
chmod +x "$tmp/bin/mdevctl"
FAKE_DEFS=$tmp/defs
MTTY_LOCK=$tmp/lock/autostart.lock
export FAKE_DEFS MTTY_LOCK
rm -rf "$MTTY_SYSFS"
mkdir -p "$MTTY_SYSFS/bus/mdev/devices"
: >"$FAKE_DEFS"
out=$("$AUTOSTART" mtty 2>&1)
RC=$?
if [ "$RC" -eq 0 ] && printf '%s\n' "$out" | grep -q 'no auto-start .* parent mtty.*nothing to start'; then
	ok "autostart with nothing defined: exit 0 and says so"
else
	not_ok "autostart with nothing defined: exit 0 and says so (exit $RC)"
fi
printf '%s\n' "$out" | diag
cat >"$FAKE_DEFS" <<EOF
11111111-1111-1111-1111-111111111111 mtty mtty-2 auto
22222222-2222-2222-2222-222222222222 mtty mtty-1 manual
33333333-3333-3333-3333-333333333333 mtty mtty-1 auto
EOF
mkdir -p "$MTTY_SYSFS/bus/mdev/devices/33333333-3333-3333-3333-333333333333"
out=$("$AUTOSTART" mtty 2>&1)
RC=$?
devs=$(find "$MTTY_SYSFS/bus/mdev/devices" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' ')
if [ "$RC" -eq 0 ] && [ "$devs" = "11111111-1111-1111-1111-111111111111 33333333-3333-3333-3333-333333333333 " ] &&
	printf '%s\n' "$out" | grep -q '2 auto-start devices, 1 started, 1 already active, 0 failed'; then
	ok "autostart starts the inactive auto device only, not the manual one"
else
	not_ok "autostart starts the inactive auto device only (exit $RC, devices: $devs)"
fi
printf '%s\n' "$out" | diag
starts=$(grep -c '^start' "$MTTY_SYSFS.mdevctl-calls")
out=$("$AUTOSTART" mtty 2>&1)
RC=$?
if [ "$RC" -eq 0 ] && [ "$(grep -c '^start' "$MTTY_SYSFS.mdevctl-calls")" -eq "$starts" ]; then
	ok "autostart run again: harmless, starts nothing"
else
	not_ok "autostart run again: harmless, starts nothing (exit $RC)"
fi
rm -rf "$MTTY_SYSFS/bus/mdev/devices"/* "$MTTY_SYSFS.mdevctl-calls"
out=$("$AUTOSTART" mtty 2>&1)
RC=$?
calls=$(grep -c '^start' "$MTTY_SYSFS.mdevctl-calls")
if [ "$RC" -eq 0 ] && [ "$calls" -eq 1 ] && grep -q '^start-parent-mdevs mtty$' "$MTTY_SYSFS.mdevctl-calls" &&
	printf '%s\n' "$out" | grep -q '2 auto-start devices, 2 started, 0 already active, 0 failed'; then
	ok "autostart with none active: one mdevctl start-parent-mdevs, each device logged"
else
	not_ok "autostart with none active: one mdevctl start-parent-mdevs, each device logged (exit $RC, $calls start calls)"
fi
printf '%s\n' "$out" | diag
rm -rf "$MTTY_SYSFS/bus/mdev/devices"/*
FAKE_FAIL_UUID=11111111-1111-1111-1111-111111111111 "$AUTOSTART" mtty >"$tmp/out" 2>&1
RC=$?
if [ "$RC" -eq 1 ] && grep -q 'failed to start 11111111' "$tmp/out" &&
	[ -e "$MTTY_SYSFS/bus/mdev/devices/33333333-3333-3333-3333-333333333333" ]; then
	ok "autostart: one failure is reported, the others still start, exit 1"
else
	not_ok "autostart: one failure is reported, the others still start, exit 1 (exit $RC)"
fi
diag <"$tmp/out"

tap_done
