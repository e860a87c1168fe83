#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Host-side checks of mtty-status on fake trees (--root): a host without
# the module, and one with it where every kind of device and problem
# exists at once, including another parent's mdev that must not be
# listed.  The JSON is read back with jq, the metrics with grep; every
# run is under valgrind when it is installed.  The real thing (sysfs of
# the module, mdevctl, a process holding a device) is checked in the
# full-system VM tier.
#
# usage: status-check.sh [DIR]   (DIR holds mtty-status-dyn)

dir=${1:-.}
status=$(cd "$dir" && pwd)/mtty-status-dyn
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
out=$work/out

# shellcheck source=../tests/lib/tap.sh
. "$here/../tests/lib/tap.sh"
# shellcheck source=host-check-lib.sh
. "$here/host-check-lib.sh"

A=aaaaaaaa-0000-4000-8000-000000000001	# mtty-2, auto, active, held by a VM
B=bbbbbbbb-0000-4000-8000-000000000002	# mtty-1, active, not defined
C=cccccccc-0000-4000-8000-000000000003	# mtty-2, auto, not active
D=dddddddd-0000-4000-8000-000000000004	# mtty-1, manual, not active
E=eeeeeeee-0000-4000-8000-000000000005	# definition is not JSON
F=ffffffff-0000-4000-8000-000000000006	# defined mtty-1, active as mtty-2
G=99999999-0000-4000-8000-000000000007	# another parent's device

# --- a host without the module ------------------------------------------
bare=$work/bare
mkdir -p "$bare/sys/module" "$bare/proc"
run "$status" --root "$bare" >"$out" 2>&1
rc=$?
tap_verdict 3 '^mtty: module not loaded' "mtty-status without the module"
run "$status" --root "$bare" --json >"$out" 2>&1
rc=$?
tap_verdict 3 '"loaded": false' "mtty-status --json without the module"
tap_is "JSON without the module: version, max_ports, types, devices" \
	"null null 0 0" "$(jq -r '[.module.version, .module.max_ports,
	(.types | length), (.devices | length)] | map(tostring) | join(" ")' "$out")"

# --- a host with every kind of device -----------------------------------
r=$work/host
sys=$r/sys
types=$sys/class/mdev_bus/mtty/mdev_supported_types
mkdir -p "$sys/module/mtty/parameters" "$types/mtty-1/devices" \
	"$types/mtty-2/devices" "$sys/bus/mdev/devices" "$r/etc/mdevctl.d/mtty" \
	"$r/etc/mdevctl.d/other" "$r/proc"
echo 1.2.3 >"$sys/module/mtty/version"
echo 8 >"$sys/module/mtty/parameters/max_ports"
# Active: A and F (mtty-2, 4 ports) and B (mtty-1): 5 of 8 used.
echo 3 >"$types/mtty-1/available_instances"
echo 1 >"$types/mtty-2/available_instances"
group=10
for u in $A:mtty-2 $F:mtty-2 $B:mtty-1 $G:other; do
	uuid=${u%%:*}
	d=$sys/bus/mdev/devices/$uuid
	mkdir -p "$d"
	ln -s "../../../kernel/iommu_groups/$group" "$d/iommu_group"
	group=$((group + 1))
	[ "${u#*:}" = other ] && continue
	ln -s "../../../../../bus/mdev/devices/$uuid" "$types/${u#*:}/devices/$uuid"
done
# The other parent's device is defined too: it lives under its own parent.
echo '{"mdev_type":"other-1","start":"auto","attrs":[]}' >"$r/etc/mdevctl.d/other/$G"
defs=$r/etc/mdevctl.d/mtty
printf '{\n  "mdev_type": "mtty-2",\n  "start": "auto",\n  "attrs": [{"x": "\\u00e9"}, 1.5e3, -0, true, null]\n}\n' >"$defs/$A"
echo '{"mdev_type":"mtty-2","start":"auto","attrs":[]}' >"$defs/$C"
printf '%s\n' '{"start":"manual","attrs":[{"a":{"b":[[{}],[], "\\\"q"]}}],"mdev_type":"mtty-1"}' >"$defs/$D"
echo '{"mdev_type":"mtty-2","start":' >"$defs/$E"
echo '{"mdev_type":"mtty-1","start":"auto","attrs":[]}' >"$defs/$F"
echo 'not a definition' >"$defs/README"
# A VM (QEMU started by libvirt) holds A's group; another process holds
# nothing of mtty's; a third holds the other parent's group.
mkdir -p "$r/proc/4242/fd" "$r/proc/77/fd" "$r/proc/99/fd" "$r/proc/self"
printf 'qemu-system-x86\n' >"$r/proc/4242/comm"
printf '%s\0' /usr/bin/qemu-system-x86_64 -name 'guest=web,,1,debug-threads=on' \
	-S >"$r/proc/4242/cmdline"
ln -s /dev/null "$r/proc/4242/fd/0"
ln -s /dev/vfio/vfio "$r/proc/4242/fd/20"
ln -s /dev/vfio/10 "$r/proc/4242/fd/21"
printf 'bash\n' >"$r/proc/77/comm"
ln -s /dev/vfio/100 "$r/proc/77/fd/3"
printf 'other\n' >"$r/proc/99/comm"
ln -s /dev/vfio/13 "$r/proc/99/fd/3"

run "$status" --root "$r" --json >"$out" 2>&1
rc=$?
tap_verdict 1 '"schema": "mtty-status/1"' "mtty-status --json with problems"
# silent STATUS WHAT: the run just made exited STATUS and printed nothing.
silent() {
	if [ "$rc" = "$1" ] && [ ! -s "$out" ]; then
		tap_ok "$2 exits $1, silent"
	else
		tap_fail "$2 exits $1 silently (got $rc)"
		sed 's/^/#   /' "$out" | head -n 20
	fi
}
jqv() {
	jq -r "$1" "$out" 2>&1
}
tap_is "module: version, max_ports, used, free" "1.2.3 8 5 3" \
	"$(jqv '[.module.version, .module.max_ports, .module.ports_used,
	.module.ports_free] | map(tostring) | join(" ")')"
tap_is "types and their free instances" "mtty-1:1:3 mtty-2:2:1" \
	"$(jqv '[.types[] | "\(.name):\(.ports):\(.available_instances)"] | join(" ")')"
tap_is "devices, sorted by UUID; the other parent's is not one" \
	"$A $B $C $D $E $F" "$(jqv '[.devices[].uuid] | join(" ")')"
dev() {
	jqv ".devices[] | select(.uuid == \"$1\") | [.type, .ports, .defined,
	.start, .active, (.holder | if . then \"\(.pid)/\(.command)/\(.domain)\"
	else null end), (.problems | join(\"+\"))] | map(tostring) | join(\" \")"
}
tap_is "A: defined auto, active, held by the domain's QEMU" \
	"mtty-2 2 true auto true 4242/qemu-system-x86/web,1 " "$(dev "$A")"
tap_is "B: active without a definition" \
	"mtty-1 1 false null true null " "$(dev "$B")"
tap_is "C: auto but not active is a failed autostart" \
	"mtty-2 2 true auto false null autostart-failed" "$(dev "$C")"
tap_is "D: manual and not active is fine" \
	"mtty-1 1 true manual false null " "$(dev "$D")"
tap_is "E: a definition that is not JSON" \
	"null null true null false null definition-unreadable" "$(dev "$E")"
tap_is "F: active with another type than defined" \
	"mtty-1 1 true auto true null type-mismatch" "$(dev "$F")"
tap_is "summary" "5 3 1 1 3 true" \
	"$(jqv '[.summary.defined, .summary.active, .summary.held,
	.summary.autostart_failed, .summary.problems, .holders_visible] |
	map(tostring) | join(" ")')"

run "$status" --root "$r" >"$out" 2>&1
rc=$?
tap_verdict 1 "^$A  mtty-2  auto    held     domain web,1 \\(qemu-system-x86, pid 4242\\)" \
	"mtty-status (table)"
tap_check "the table names each problem" \
	grep -q "problem: $C is defined to start automatically but is not active" "$out"
tap_check "the table says the module and its ports" \
	grep -q '^mtty 1.2.3: 8 ports, 5 used, 3 free$' "$out"

run "$status" --root "$r" --prometheus >"$out" 2>&1
rc=$?
tap_verdict 1 '^mtty_devices\{state="held"\} 1$' "mtty-status --prometheus"
for m in 'mtty_up 1' 'mtty_info{version="1.2.3"} 1' 'mtty_ports_used 5' \
	'mtty_ports_free 3' 'mtty_devices{state="started"} 2' \
	'mtty_devices{state="stopped"} 3' 'mtty_definitions{start="auto"} 3' \
	'mtty_autostart_failed 1' 'mtty_device_problems 3'; do
	tap_check "metric $m" grep -qxF "$m" "$out"
done
run "$status" --root "$r" --prometheus="$work/mtty.prom" >"$out" 2>&1
rc=$?
silent 1 "mtty-status --prometheus=FILE"
tap_check "FILE holds the metrics and no temporary file is left" \
	sh -c "grep -qxF 'mtty_ports_free 3' '$work/mtty.prom' &&
		[ \"\$(ls '$work' | grep -c tmp)\" = 0 ]"
run "$status" --root "$r" --prometheus="$work/absent/mtty.prom" >"$out" 2>&1
rc=$?
tap_verdict 2 "absent/mtty.prom.*No such file" "mtty-status --prometheus=FILE in a missing directory"
run "$status" --root "$r" --quiet >"$out" 2>&1
rc=$?
silent 1 "mtty-status --quiet with problems"

# Mended: the same host with its problems gone exits 0.
rm "$defs/$C" "$defs/$E" "$defs/$F"
run "$status" --root "$r" --quiet >"$out" 2>&1
rc=$?
silent 0 "mtty-status --quiet without problems"

# --- a holder's command line longer than the 1 MiB mtty-status reads ------
holder() {
	jqv ".devices[] | select(.uuid == \"$A\") | .holder.domain"
}
{
	printf '%s\0' /usr/bin/qemu-system-x86_64 -name 'guest=web,,1'
	# 1.2 MiB of further arguments, as a guest with many disks has.
	seq 100000 | sed 's/^/-drive-/' | tr '\n' '\0'
} >"$r/proc/4242/cmdline"
run "$status" --root "$r" --json >"$out" 2>&1
tap_is "a holder's domain, its command line 1.2 MiB long" "web,1" "$(holder)"
{
	# 28 + 1048531 + 1 + 6 bytes: "-name" ends 10 bytes before the
	# 1 MiB cut; its value goes past it.
	printf '%s\0' /usr/bin/qemu-system-x86_64
	head -c 1048531 /dev/zero | tr '\0' x
	printf '\0%s\0' -name
	printf 'guest=%s\0' "$(head -c 100 /dev/zero | tr '\0' w)"
} >"$r/proc/4242/cmdline"
run "$status" --root "$r" --json >"$out" 2>&1
tap_is "no domain from a -name value cut at 1 MiB" "null" "$(holder)"
printf '%s\0' /usr/bin/qemu-system-x86_64 -name 'guest=web,,1' \
	>"$r/proc/4242/cmdline"

# --- definitions mdevctl could not have written -------------------------
bad_def() {
	printf '%s' "$2" >"$defs/$C"
	run "$status" --root "$r" --json >"$out" 2>&1
	rc=$?
	tap_is "definition $1" "1 definition-unreadable" \
		"$rc $(jqv ".devices[] | select(.uuid == \"$C\") | .problems | join(\"+\")")"
}
bad_def "without start" '{"mdev_type":"mtty-2"}'
bad_def "with an unknown start" '{"mdev_type":"mtty-2","start":"sometimes"}'
bad_def "with a start that is not a string" '{"mdev_type":"mtty-2","start":1}'
bad_def "with a member twice" '{"mdev_type":"mtty-2","start":"auto","start":"manual"}'
bad_def "with text after it" '{"mdev_type":"mtty-2","start":"auto"} x'
bad_def "cut short in a string" '{"mdev_type":"mtty-2","start":"au'
bad_def "with a bad escape" '{"mdev_type":"mtty-2","start":"auto","x":"\q"}'
bad_def "with a bad number" '{"mdev_type":"mtty-2","start":"auto","x":01}'
bad_def "nested too deep" \
	"{\"mdev_type\":\"mtty-2\",\"start\":\"auto\",\"x\":$(printf '[%.0s' $(seq 40))$(printf ']%.0s' $(seq 40))}"
bad_def "that is empty" ''
bad_def "that is an array" '[]'
bad_def "with an overlong type" \
	"{\"mdev_type\":\"mtty-2$(printf 'x%.0s' $(seq 40))\",\"start\":\"auto\"}"
head -c 70000 /dev/zero | tr '\0' ' ' >"$defs/$C"
run "$status" --root "$r" --json >"$out" 2>&1
rc=$?
tap_is "definition of 70,000 bytes" "1 definition-unreadable" \
	"$rc $(jqv ".devices[] | select(.uuid == \"$C\") | .problems | join(\"+\")")"

# --- the command line ------------------------------------------------------
expect_tap mtty-status "$status" 0 '^usage: mtty-status' --help
expect_tap mtty-status "$status" 0 '^mtty-status [0-9]' --version
expect_tap mtty-status "$status" 2 "unknown or incomplete option '--bogus'" --bogus
expect_tap mtty-status "$status" 2 "incomplete option '--root'" --root
expect_tap mtty-status "$status" 2 'exclude each other' --json --quiet
expect_tap mtty-status "$status" 2 'unexpected argument' extra
expect_tap mtty-status "$status" 2 'empty file name' --prometheus=
expect_tap mtty-status "$status" 2 "$work/absent/sys/module: No such file" \
	--root "$work/absent"
tap_done
