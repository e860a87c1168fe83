#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Host tests of mtty's mdevctl callout and of the two helper scripts
# (udev's mtty-vfio-group, systemd's mtty-mdev-autostart), against a fake
# sysfs tree (MTTY_SYSFS), a fake modprobe and a fake mdevctl. The callout
# is called exactly as mdevctl 1.2.0 calls it:
#   mtty-callout -t TYPE -e EVENT -a ACTION -s STATE -u UUID -p PARENT
# with the device's JSON configuration on stdin. Both scripts read JSON
# with jq, which must be installed; one case of each runs them with a PATH
# without it. The fake mdevctl prints `list --defined --dumpjson` in the
# exact shape of the real mdevctl 1.2.0 and 1.4.0.
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
# Set only where a case runs the autostart helper "under systemd".
unset JOURNAL_STREAM

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

if ! command -v jq >/dev/null 2>&1; then
	echo "jq is not installed (apt-get install jq): the callout and the" \
		"autostart helper need it" >&2
	exit 1
fi

# --- --version and --help, before stdin ----------------------------------
# mdevctl never passes them; they must answer without reading stdin (the
# FIFO, opened read-write here, would block a read for ever).
mkfifo "$tmp/fifo"
for script in "$CALLOUT" "$AUTOSTART"; do
	name=${script##*/}
	out=$(timeout 10 "$script" --version <>"$tmp/fifo" 2>&1)
	RC=$?
	if [ "$RC" -eq 0 ] && [ "$out" = "$name @MTTY_VERSION@" ]; then
		ok "$name --version, unsubstituted: '$out', stdin not read"
	else
		not_ok "$name --version, unsubstituted (exit $RC, got '$out')"
	fi
	# As the install step does it.
	sed 's/@MTTY_VERSION@/1.2.3+test~4/' "$script" >"$tmp/$name"
	chmod +x "$tmp/$name"
	out=$(timeout 10 "$tmp/$name" --version <>"$tmp/fifo" 2>&1)
	RC=$?
	if [ "$RC" -eq 0 ] && [ "$out" = "$name 1.2.3+test~4" ]; then
		ok "$name --version after the install's sed: '$out'"
	else
		not_ok "$name --version after the install's sed (exit $RC, got '$out')"
	fi
	if grep -qx 'version=@MTTY_VERSION@' "$script"; then
		ok "$name: the placeholder is the line version=@MTTY_VERSION@"
	else
		not_ok "$name: the placeholder is the line version=@MTTY_VERSION@"
	fi
	out=$(timeout 10 "$script" --help <>"$tmp/fifo" 2>&1)
	RC=$?
	if [ "$RC" -eq 0 ] && printf '%s\n' "$out" | grep -q "^usage: $name"; then
		ok "$name --help: usage, exit 0"
	else
		not_ok "$name --help: usage, exit 0 (exit $RC)"
		printf '%s\n' "$out" | diag
	fi
done

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

# --- malformed configurations ------------------------------------------------
# Each: exit 1 (a pre callout's failure aborts mdevctl's command, while 2
# would mean "not mine"), and one line on stderr naming the device and what
# is wrong.
# malformed DESC JSON PATTERN [EVENT ACTION]
malformed() {
	callout "$2" -t mtty-2 -e "${4:-pre}" -a "${5:-define}" -s none -u "$U" -p mtty
	expect "$1" 1 "^malformed JSON configuration for device $U: $3"
	lines=$(printf '%s\n' "$ERR" | wc -l)
	if [ "$lines" -eq 1 ]; then
		ok "$1: one line"
	else
		not_ok "$1: one line (got $lines)"
	fi
}
malformed "truncated JSON: refused with jq's message" \
	'{"mdev_type":"mtty-2","start":"auto",' 'parse error: Unfinished JSON term'
malformed "truncated inside a string, at pre start" '{"mdev_type":"mtty-2","sta' \
	'parse error: Unfinished' pre start
malformed "trailing garbage, at live modify" "$JSON_OK x" 'parse error' live modify
malformed "empty stdin: refused" '' 'empty standard input, not a JSON object'
malformed "only white space: refused" '

' 'empty standard input'
malformed "a JSON array, not an object: refused" '[{"mdev_type":"mtty-2"}]' \
	'a JSON array, not an object'
malformed "a JSON string: refused" '"mtty-2"' 'a JSON string, not an object'
malformed "JSON null: refused" 'null' 'a JSON null, not an object'
malformed "two objects: refused" "$JSON_OK$JSON_OK" '2 JSON values, not one object' \
	pre modify
malformed "attrs an object, not an array" \
	'{"mdev_type":"mtty-2","start":"auto","attrs":{"baud":"9600"}}' \
	'"attrs" is a JSON object, not an array'
malformed "attrs holding a string" \
	'{"mdev_type":"mtty-2","start":"auto","attrs":["baud"]}' \
	'"attrs" holds a JSON string, not only objects'
malformed "mdev_type a number" '{"mdev_type":2,"start":"auto","attrs":[]}' \
	'"mdev_type" is a JSON number, not a string'
callout '{"mdev_type":"mtty-1","start":"auto","attrs":[]}' \
	-t mtty-2 -e pre -a define -s none -u "$U" -p mtty
expect "configuration type mtty-1 while -t says mtty-2: refused, naming both" 1 \
	"device $U names type 'mtty-1', not mtty-2"
callout '{"start":"auto","attrs":[]}' -t mtty-2 -e pre -a define -s none -u "$U" -p mtty
expect "configuration without mdev_type or attributes: -t decides, accepted" 0
# Not ours, or nothing to check: the configuration does not matter.
callout '{"mdev_type":' -t i915-GVTg_V5_4 -e pre -a define -s none -u "$U" \
	-p 0000:00:02.0
expect "malformed JSON of another driver's device: exit 2, not an error" 2
for ea in "post define" "pre stop" "post start" "notify start"; do
	# shellcheck disable=SC2086  # event and action
	set -- $ea
	callout '{"mdev_type":' -t mtty-2 -e "$1" -a "$2" -s success -u "$U" -p mtty
	expect "malformed JSON at $1 $2: nothing to check, exit 0" 0
done

# --- without jq ------------------------------------------------------------
# A PATH with the tools the scripts and the fakes use, without jq (the
# scripts add only /usr/sbin and /sbin, where jq is not).
mkdir -p "$tmp/nojq"
for t in sh cat sed tr mkdir ln rm awk grep sort wc; do
	ln -s "$(command -v "$t")" "$tmp/nojq/$t"
done
ln -s "$tmp/bin/modprobe" "$tmp/nojq/modprobe"
if PATH=$tmp/nojq:/usr/sbin:/sbin command -v jq >/dev/null 2>&1; then
	not_ok "a PATH without jq for the next cases (jq is in /usr/sbin or /sbin)"
else
	for ea in "pre define" "pre start" "live modify"; do
		# shellcheck disable=SC2086  # event and action
		set -- $ea
		PATH=$tmp/nojq callout "$JSON_OK" -t mtty-2 -e "$1" -a "$2" -s none \
			-u "$U" -p mtty
		expect "$1 $2 without jq: refused, jq is required" 1 \
			"^jq is required to check the configuration of device $U"
	done
	PATH=$tmp/nojq callout "$JSON_OK" -t mtty-2 -e post -a start -s success \
		-u "$U" -p mtty
	expect "post start without jq: nothing to check, exit 0" 0
	PATH=$tmp/nojq callout "" -t mtty-2 -e get -a attributes -s none -u "$U" -p mtty
	if [ "$RC" -eq 0 ] && [ "$OUT" = "[]" ]; then
		ok "get attributes without jq: []"
	else
		not_ok "get attributes without jq: [] (exit $RC, got '$OUT')"
	fi
	PATH=$tmp/nojq callout "$JSON_OK" -t nvidia-35 -e pre -a define -s none \
		-u "$U" -p 0000:01:00.0
	expect "another driver's device without jq: exit 2" 2
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

# --- boot helper: the definitions from mdevctl's JSON --------------------------
# `mdevctl list --defined --dumpjson`, as the real mdevctl 1.2.0 (Debian 12)
# printed it for three parents, auto and manual definitions and one with
# an attribute; mdevctl 1.4.0 (Debian 13) printed the same bytes without
# the final newline. Only 11111111 and 44444444 are mtty auto definitions.
cat >"$tmp/dump-all" <<'EOF'
[
  {
    "0000:00:02.0": [
      {
        "33333333-3333-3333-3333-333333333333": {
          "mdev_type": "i915-GVTg_V5_4",
          "start": "auto",
          "attrs": [
            {
              "foo": "bar"
            }
          ]
        }
      }
    ],
    "0000:65:00.0": [
      {
        "55555555-5555-5555-5555-555555555555": {
          "mdev_type": "nvidia-35",
          "start": "manual",
          "attrs": []
        }
      }
    ],
    "mtty": [
      {
        "11111111-1111-1111-1111-111111111111": {
          "mdev_type": "mtty-2",
          "start": "auto",
          "attrs": []
        }
      },
      {
        "22222222-2222-2222-2222-222222222222": {
          "mdev_type": "mtty-1",
          "start": "manual",
          "attrs": []
        }
      },
      {
        "44444444-4444-4444-4444-444444444444": {
          "mdev_type": "mtty-1",
          "start": "auto",
          "attrs": []
        }
      }
    ]
  }
]
EOF
# The same with --parent mtty: what the helper asks for (jq pretty-prints
# as mdevctl does: two spaces, one key per line).
jq '[.[0] | {mtty: .mtty}]' "$tmp/dump-all" >"$tmp/dump-mtty"

cat >"$tmp/bin/mdevctl" <<'EOF'
#!/bin/sh
# Fake mdevctl. Definitions in $FAKE_DEFS, lines "UUID PARENT TYPE auto|manual".
# list --defined --dumpjson [--parent P] prints them as mdevctl
# $FAKE_MDEVCTL (1.2.0, or 1.4.0: no final newline) does, sorted by parent
# and UUID; with $FAKE_DUMP set, that file instead, whatever the options.
echo "$*" >>"$MTTY_SYSFS.mdevctl-calls"
devs=$MTTY_SYSFS/bus/mdev/devices
case $1 in
list)
	if [ -n "${FAKE_LIST_FAIL:-}" ]; then
		printf 'Error: EOF while parsing a value at line 1 column 22\n\nStack backtrace:\n   0: <unknown>\n' >&2
		exit 1
	fi
	[ -n "${FAKE_DUMP:-}" ] && exec cat "$FAKE_DUMP"
	want=
	while [ $# -gt 0 ]; do
		[ "$1" = --parent ] && want=$2
		shift
	done
	nl='\n'
	[ "${FAKE_MDEVCTL:-1.2.0}" = 1.4.0 ] && nl=
	LC_ALL=C sort -k2,2 -k1,1 "$FAKE_DEFS" | awk -v want="$want" -v nl="$nl" '
	NF && (want == "" || $2 == want) { n++; u[n] = $1; p[n] = $2; t[n] = $3; s[n] = $4 }
	END {
		if (!n) { printf "[]%s", nl; exit }
		printf "[\n  {\n"
		for (i = 1; i <= n; i++) {
			if (i == 1 || p[i] != p[i - 1]) {
				if (i > 1) printf "\n    ],\n"
				printf "    \"%s\": [\n", p[i]
			} else
				printf ",\n"
			printf "      {\n        \"%s\": {\n          \"mdev_type\": \"%s\",\n          \"start\": \"%s\",\n          \"attrs\": []\n        }\n      }", u[i], t[i], s[i]
		}
		printf "\n    ]\n  }\n]%s", nl
	}'
	;;
start)
	# start --uuid UUID --parent PARENT
	if [ "$3" = "${FAKE_RACE_UUID:-none}" ]; then
		# Another agent is quicker.
		mkdir -p "$devs/$3"
		echo "Error: Device already exists" >&2
		exit 1
	fi
	if [ "$3" = "${FAKE_FAIL_UUID:-none}" ]; then
		printf '%s\n' "mtty-callout: cannot start $3: no capacity left" \
			'Error: callout script "mtty-callout" failed with return code 1' \
			'' 'Stack backtrace:' '   0: <unknown>' >&2
		exit 1
	fi
	mkdir -p "$devs/$3"
	;;
start-parent-mdevs)
	while read -r u p t s; do
		[ "$p" = "$2" ] && [ "$s" = auto ] && [ "$u" != "${FAKE_FAIL_UUID:-none}" ] &&
			[ "$u" != "${FAKE_RACE_UUID:-none}" ] && mkdir -p "$devs/$u"
	done <"$FAKE_DEFS"
	echo "WARN mdevctl: something" >&2
	;;
esac
EOF
chmod +x "$tmp/bin/mdevctl"
FAKE_DEFS=$tmp/defs
export FAKE_DEFS
A1=11111111-1111-1111-1111-111111111111
A2=22222222-2222-2222-2222-222222222222
A3=33333333-3333-3333-3333-333333333333
A4=44444444-4444-4444-4444-444444444444
devdir=$MTTY_SYSFS/bus/mdev/devices

# The fake itself: byte for byte what the real ones printed.
cat >"$FAKE_DEFS" <<EOF
$A4 mtty mtty-1 auto
$A2 mtty mtty-1 manual
$A1 mtty mtty-2 auto
EOF
mdevctl list --defined --dumpjson --parent mtty >"$tmp/fake-1.2.0"
if cmp -s "$tmp/fake-1.2.0" "$tmp/dump-mtty"; then
	ok "fake mdevctl 1.2.0: --dumpjson --parent mtty as the real one"
else
	not_ok "fake mdevctl 1.2.0: --dumpjson --parent mtty as the real one"
	diff "$tmp/dump-mtty" "$tmp/fake-1.2.0" | diag
fi
printf '%s' "$(cat "$tmp/dump-mtty")" >"$tmp/dump-mtty-1.4.0"
FAKE_MDEVCTL=1.4.0 mdevctl list --defined --dumpjson --parent mtty >"$tmp/fake-1.4.0"
if cmp -s "$tmp/fake-1.4.0" "$tmp/dump-mtty-1.4.0"; then
	ok "fake mdevctl 1.4.0: the same without the final newline"
else
	not_ok "fake mdevctl 1.4.0: the same without the final newline"
fi
rm -f "$MTTY_SYSFS.mdevctl-calls"

# autostart [ARGS...]: run the helper; sets OUT, ERR, RC.
autostart() {
	"$AUTOSTART" "$@" >"$tmp/out" 2>"$tmp/err"
	RC=$?
	OUT=$(cat "$tmp/out")
	ERR=$(cat "$tmp/err")
}
# active: the active devices, sorted, on one line.
active() {
	find "$devdir" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' '
}
# log_diag: show what the last run printed.
log_diag() {
	{
		[ -z "$OUT" ] || printf '%s\n' "$OUT"
		[ -z "$ERR" ] || printf 'stderr: %s\n' "$ERR"
	} | diag
}
# no_devices: none active.
no_devices() {
	rm -rf "${devdir:?}"/*
}

# Real output, several parents: only the auto definitions of mtty start,
# not the manual one, nor those of the other parents.
for v in 1.2.0 1.4.0; do
	rm -rf "$MTTY_SYSFS"
	mkdir -p "$devdir"
	if [ $v = 1.2.0 ]; then
		cp "$tmp/dump-all" "$tmp/dump"
	else
		printf '%s' "$(cat "$tmp/dump-all")" >"$tmp/dump"
	fi
	# start-parent-mdevs reads the definitions.
	printf '%s\n' "$A1 mtty mtty-2 auto" "$A2 mtty mtty-1 manual" \
		"$A4 mtty mtty-1 auto" "$A3 0000:00:02.0 i915-GVTg_V5_4 auto" >"$FAKE_DEFS"
	FAKE_DUMP=$tmp/dump autostart
	if [ "$RC" -eq 0 ] && [ "$(active)" = "$A1 $A4 " ] &&
		printf '%s\n' "$OUT" | grep -q '^parent mtty: 2 auto-start devices, 2 started'; then
		ok "real mdevctl $v --dumpjson, three parents: the two mtty auto devices started"
	else
		not_ok "real mdevctl $v --dumpjson, three parents: the two mtty auto devices started (exit $RC, active: $(active))"
	fi
	log_diag
done
rm -rf "$MTTY_SYSFS"
mkdir -p "$devdir"
FAKE_DUMP=$tmp/dump-all autostart 0000:00:02.0
if grep -q "^start-parent-mdevs 0000:00:02.0" "$MTTY_SYSFS.mdevctl-calls" &&
	printf '%s\n' "$OUT" | grep -q "started $A3 (i915-GVTg_V5_4)"; then
	ok "autostart PARENT: that parent's auto definition only"
else
	not_ok "autostart PARENT: that parent's auto definition only (exit $RC)"
fi
log_diag

# Nothing defined: 1.2.0 prints "[]\n", 1.4.0 "[]".
for v in 1.2.0 1.4.0; do
	: >"$FAKE_DEFS"
	FAKE_MDEVCTL=$v autostart
	if [ "$RC" -eq 0 ] && [ -z "$ERR" ] &&
		printf '%s\n' "$OUT" | grep -q 'no auto-start .* parent mtty.*nothing to start'; then
		ok "nothing defined (mdevctl $v): exit 0 and says so"
	else
		not_ok "nothing defined (mdevctl $v): exit 0 and says so (exit $RC)"
	fi
	log_diag
done
# Only manual definitions, and auto ones of another parent.
no_devices
printf '%s\n' "$A2 mtty mtty-1 manual" "$A3 0000:00:02.0 i915-GVTg_V5_4 auto" >"$FAKE_DEFS"
autostart
if [ "$RC" -eq 0 ] && [ -z "$(active)" ] &&
	printf '%s\n' "$OUT" | grep -q 'nothing to start'; then
	ok "only manual mtty definitions: nothing started, exit 0"
else
	not_ok "only manual mtty definitions: nothing started, exit 0 (exit $RC, active: $(active))"
fi

# --- boot helper: start auto definitions once -------------------------------
for v in 1.2.0 1.4.0; do
	FAKE_MDEVCTL=$v
	export FAKE_MDEVCTL
	rm -rf "$MTTY_SYSFS"
	mkdir -p "$devdir"
	cat >"$FAKE_DEFS" <<EOF
$A1 mtty mtty-2 auto
$A2 mtty mtty-1 manual
$A3 mtty mtty-1 auto
EOF
	mkdir -p "$devdir/$A3"
	autostart mtty
	if [ "$RC" -eq 0 ] && [ "$(active)" = "$A1 $A3 " ] && [ -z "$ERR" ] &&
		printf '%s\n' "$OUT" | grep -q '2 auto-start devices, 1 started, 1 already active, 0 failed'; then
		ok "mdevctl $v: starts the inactive auto device only, not the manual one"
	else
		not_ok "mdevctl $v: starts the inactive auto device only (exit $RC, active: $(active))"
	fi
	log_diag
	starts=$(grep -c '^start' "$MTTY_SYSFS.mdevctl-calls")
	autostart
	if [ "$RC" -eq 0 ] && [ "$(grep -c '^start' "$MTTY_SYSFS.mdevctl-calls")" -eq "$starts" ]; then
		ok "mdevctl $v: run again (parent mtty by default): harmless, starts nothing"
	else
		not_ok "mdevctl $v: run again: harmless, starts nothing (exit $RC)"
	fi
	no_devices
	rm -f "$MTTY_SYSFS.mdevctl-calls"
	autostart mtty
	calls=$(grep -c '^start' "$MTTY_SYSFS.mdevctl-calls")
	if [ "$RC" -eq 0 ] && [ "$calls" -eq 1 ] &&
		grep -q '^start-parent-mdevs mtty$' "$MTTY_SYSFS.mdevctl-calls" &&
		printf '%s\n' "$OUT" | grep -q '2 auto-start devices, 2 started, 0 already active, 0 failed'; then
		ok "mdevctl $v: none active: one mdevctl start-parent-mdevs, each device logged"
	else
		not_ok "mdevctl $v: none active: one start-parent-mdevs, each device logged (exit $RC, $calls start calls)"
	fi
	log_diag
done
unset FAKE_MDEVCTL
if grep -q '^list --defined --dumpjson --parent mtty$' "$MTTY_SYSFS.mdevctl-calls"; then
	ok "the helper asks for mdevctl list --defined --dumpjson --parent mtty"
else
	not_ok "the helper asks for mdevctl list --defined --dumpjson --parent mtty"
	diag <"$MTTY_SYSFS.mdevctl-calls"
fi

# --- boot helper: failures, and their priority in the journal ------------------
# error_lines DESC PATTERN: the last run exited 1, every stderr line
# starts with <3> (under JOURNAL_STREAM), names $A1 and matches PATTERN,
# stdout has no priority prefix, and there is at least one error line.
error_lines() {
	n=0
	bad=
	while IFS= read -r line; do
		n=$((n + 1))
		case $line in
		"<3>"*"$A1"*) printf '%s\n' "$line" | grep -Eq "$2" || bad="$bad [$line]" ;;
		*) bad="$bad [$line]" ;;
		esac
	done <<EOF
$ERR
EOF
	if [ "$RC" -eq 1 ] && [ -n "$ERR" ] && [ -z "$bad" ] &&
		! printf '%s\n' "$OUT" | grep -q '^<'; then
		ok "$1: exit 1, $n error line(s) at <3>, naming the device"
	else
		not_ok "$1: exit 1, error lines at <3>, naming the device (exit $RC, bad:$bad)"
	fi
}
no_devices
FAKE_FAIL_UUID=$A1 autostart
if [ "$RC" -eq 1 ] && printf '%s\n' "$ERR" | grep -q "^failed to start $A1 (mtty-2): mtty-callout: cannot start $A1: no capacity left Error: callout" &&
	[ -e "$devdir/$A3" ] && printf '%s\n' "$OUT" | grep -q '1 started, 0 already active, 1 failed'; then
	ok "one failure is reported on one line, the others still start, exit 1"
else
	not_ok "one failure is reported on one line, the others still start, exit 1 (exit $RC)"
fi
log_diag
case $ERR in
*"<3>"*) not_ok "outside systemd (no JOURNAL_STREAM): no <3> prefix" ;;
*) ok "outside systemd (no JOURNAL_STREAM): no <3> prefix" ;;
esac
case $ERR in
*"Stack backtrace"*) not_ok "mdevctl's stack trace is left out" ;;
*) ok "mdevctl's stack trace is left out" ;;
esac
no_devices
JOURNAL_STREAM=8:123456 FAKE_FAIL_UUID=$A1 autostart
error_lines "under systemd, a failed start" "^<3>failed to start $A1 \(mtty-2\): mtty-callout: cannot start"
log_diag
# The bulk start leaves A1 alone; its own start finds it started by
# someone else meanwhile: not a failure.
no_devices
JOURNAL_STREAM=8:123456 FAKE_RACE_UUID=$A1 autostart
if [ "$RC" -eq 0 ] && [ -z "$ERR" ] && [ "$(active)" = "$A1 $A3 " ] &&
	printf '%s\n' "$OUT" | grep -q "^$A1 (mtty-2) is already active (started by another agent" &&
	printf '%s\n' "$OUT" | grep -q '2 auto-start devices, 1 started, 1 already active, 0 failed'; then
	ok "a failed mdevctl start of a device someone else started meanwhile: running, exit 0"
else
	not_ok "a failed mdevctl start of a device someone else started meanwhile: running, exit 0 (exit $RC)"
fi
log_diag
# mdevctl list fails (a malformed definition file makes it fail).
JOURNAL_STREAM=8:123456 FAKE_LIST_FAIL=1 autostart
if [ "$RC" -eq 1 ] && [ "$ERR" = "<3>cannot list the mdevctl definitions of parent mtty: Error: EOF while parsing a value at line 1 column 22" ]; then
	ok "mdevctl list fails: exit 1, its message on one <3> line"
else
	not_ok "mdevctl list fails: exit 1, its message on one <3> line (exit $RC)"
fi
log_diag
# Output that is not the expected JSON.
for bad in '{"mtty":[]}' '[{"mtty":{}}]' '[{"mtty":[{"'"$A1"'":{"start":"auto"}' '[["mtty"]]' 'WARN something'; do
	printf '%s\n' "$bad" >"$tmp/dump"
	JOURNAL_STREAM=8:123456 FAKE_DUMP=$tmp/dump autostart
	if [ "$RC" -eq 1 ] && [ "$(printf '%s\n' "$ERR" | wc -l)" -eq 1 ] &&
		printf '%s\n' "$ERR" | grep -q '^<3>cannot read the definitions of parent mtty in the output of mdevctl list --defined --dumpjson: '; then
		ok "mdevctl list prints $bad: exit 1, one <3> line"
	else
		not_ok "mdevctl list prints $bad: exit 1, one <3> line (exit $RC)"
	fi
	log_diag
done
# Without jq.
if PATH=$tmp/nojq:/usr/sbin:/sbin command -v jq >/dev/null 2>&1; then
	not_ok "autostart without jq (jq is in /usr/sbin or /sbin)"
else
	ln -s "$tmp/bin/mdevctl" "$tmp/nojq/mdevctl"
	no_devices
	PATH=$tmp/nojq JOURNAL_STREAM=8:123456 autostart
	if [ "$RC" -eq 1 ] && [ -z "$(active)" ] &&
		printf '%s\n' "$ERR" | grep -q '^<3>jq is required to read mdevctl.s definitions of parent mtty'; then
		ok "autostart without jq: exit 1, says jq is required at <3>"
	else
		not_ok "autostart without jq: exit 1, says jq is required at <3> (exit $RC)"
	fi
	log_diag
fi

tap_done
