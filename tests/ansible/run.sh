#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The Ansible role (ansible/roles/mtty) on this machine, without a VM: the
# inventory's hosts h1, h2 and h3 all alias localhost (connection local),
# and fake mdevctl and mtty-status (tests/ansible/fake/) first on PATH keep
# each host's devices in a directory of its own. Checked: a first apply
# creates what is declared, a second changes nothing, --check changes
# nothing but reports, --diff shows the devices, a changed inventory
# converges (type change, start and state changes, prune), undeclared
# definitions survive without prune, bad inventories fail every host and
# change none, the host's live capacity and mdevctl's errors are reported,
# a host that is down stops no other, and ansible-lint and syntax-check
# are clean. Needs ansible, ansible-lint and jq.
set -u
cd "$(dirname "$0")/../.." || exit 2
top=$(pwd)
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"
# shellcheck source=tests/lib/ansible.sh
. "$top/tests/lib/ansible.sh"

for tool in ansible-playbook ansible-lint jq; do
	command -v "$tool" >/dev/null || {
		echo "tests/ansible: $tool is missing (apt-get install ansible ansible-lint jq)" >&2
		tap_fail "$tool is installed"
		tap_done
	}
done

W=$(mktemp -d /tmp/mtty-ansible.XXXXXX) || exit 2
# MTTY_KEEP=1 keeps the work directory (inventories, outputs) to look at.
[ -n "${MTTY_KEEP:-}" ] || trap 'rm -rf "$W"' EXIT INT TERM
mkdir -p "$W/tmp"
cd "$W" || exit 2
: >"$W/ansible.cfg"

# ansible-playbook's environment: the role, the fakes, no user or cwd
# configuration, output a grep can read.
export ANSIBLE_ROLES_PATH="$top/ansible/roles"
export ANSIBLE_CONFIG="$W/ansible.cfg"
export ANSIBLE_NOCOLOR=1
export ANSIBLE_FORCE_COLOR=0
export ANSIBLE_RETRY_FILES_ENABLED=0
export ANSIBLE_HOST_KEY_CHECKING=0
export ANSIBLE_LOCAL_TEMP="$W/tmp"
export ANSIBLE_REMOTE_TEMP="$W/tmp"
export PYTHONDONTWRITEBYTECODE=1
export ANSIBLE_SSH_ARGS="-o ConnectTimeout=5 -o BatchMode=yes"
PATH="$top/tests/ansible/fake:$PATH"
export PATH

U1=83b8f4f2-509f-382f-3c1e-e6bfe0fa1001
U2=83b8f4f2-509f-382f-3c1e-e6bfe0fa1002
U3=83b8f4f2-509f-382f-3c1e-e6bfe0fa1003
U4=83b8f4f2-509f-382f-3c1e-e6bfe0fa1004
U5=83b8f4f2-509f-382f-3c1e-e6bfe0fa1005
U6=83b8f4f2-509f-382f-3c1e-e6bfe0fa1006
U7=83b8f4f2-509f-382f-3c1e-e6bfe0fa1007
U8=83b8f4f2-509f-382f-3c1e-e6bfe0fa1008
U9=83b8f4f2-509f-382f-3c1e-e6bfe0fa1009

# A host's fake state: loaded module with MAX ports.
new_host() {
	rm -rf "${W:?}/$1"
	mkdir -p "$W/$1/defs" "$W/$1/active" "$W/$1/other"
	echo "$2" >"$W/$1/max_ports"
	touch "$W/$1/loaded"
}

# The inventory head: every host local, role parts that need root off.
inv_head() {
	cat <<EOF
all:
  vars:
    ansible_connection: local
    ansible_python_interpreter: /usr/bin/python3
    mtty_install_packages: false
    mtty_manage_module: false
  hosts:
EOF
}

# Debian 13's Python for h3's module where this machine has one, so that
# the module runs under both releases' Pythons (3.11 is /usr/bin/python3).
py313=
pyenv_313=
if command -v pyenv >/dev/null 2>&1; then
	for p in "$(pyenv root)"/versions/3.13*/bin/python3.13; do
		[ -x "$p" ] && pyenv_313=$p
	done
fi
for p in /usr/bin/python3.13 "$pyenv_313"; do
	if [ -n "$p" ] && "$p" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null; then
		py313=$p
		break
	fi
done
if [ -n "$py313" ]; then
	tap_note "h3's module runs under $py313"
else
	tap_note "no Python 3.13 here: every host's module runs under /usr/bin/python3"
fi

# One host line: NAME, then its variables (YAML, indented by 6).
inv_host() {
	printf '    %s:\n      mtty_test_state: %s\n' "$1" "$W/$1"
	if [ "$1" = h3 ] && [ -n "$py313" ]; then
		printf '      ansible_python_interpreter: %s\n' "$py313"
	fi
}

# run NAME INVENTORY [ansible-playbook options]: output in $W/NAME.out,
# exit status in $W/NAME.rc.
run() {
	_name=$1
	_inv=$2
	shift 2
	ansible-playbook -i "$_inv" "$@" "$top/tests/ansible/play.yml" >"$W/$_name.out" 2>&1
	echo $? >"$W/$_name.rc"
}

rc_of() { cat "$W/$1.rc"; }

# recap NAME HOST FIELD: a number from the PLAY RECAP line of HOST.
recap() {
	ansible_recap "$W/$1.out" "$2" "$3"
}

# The whole fake state of every host (files and contents), as a checksum
# so that a TAP line stays one line.
snapshot() {
	snapshot_text | cksum
}

snapshot_text() {
	for h in h1 h2 h3 down; do
		[ -d "$W/$h" ] || continue
		(cd "$W/$h" && find . -type f | LC_ALL=C sort | while read -r f; do
			echo "== $h/$f"
			cat "$f"
		done)
	done
}

# What a host has: "UUID TYPE START ACTIVE" per device, from the fake
# mtty-status, one line each.
devices_of() {
	MTTY_FAKE_STATE="$W/$1" mtty-status --json |
		jq -r '.devices[] | "\(.uuid) \(.type) \(.start // "undefined") \(if .active then "active" else "inactive" end)"'
}

# shellcheck disable=SC2317  # called through tap_check
has_line() {
	grep -qF -- "$2" "$W/$1.out"
}

show_on_fail() {
	# The tail of a run's output, as TAP comments, when a check failed.
	sed -n '/^TASK\|^fatal\|^failed\|msg/p' "$W/$1.out" | tail -n 15 | sed 's/^/# /'
}

# ---- static checks -------------------------------------------------------
ansible-playbook --syntax-check -i localhost, "$top/ansible/playbooks/site.yml" \
	>"$W/syntax.out" 2>&1
tap_is "syntax-check of ansible/playbooks/site.yml" 0 $?
ansible-playbook --syntax-check -i localhost, "$top/tests/ansible/play.yml" \
	>"$W/syntax2.out" 2>&1
tap_is "syntax-check of tests/ansible/play.yml" 0 $?
(cd "$top" && env -u ANSIBLE_CONFIG ansible-lint --offline --nocolor --profile production ansible/) \
	>"$W/lint.out" 2>&1
lint_rc=$?
tap_is "ansible-lint --profile production ansible/" 0 "$lint_rc"
[ "$lint_rc" -eq 0 ] || tail -n 20 "$W/lint.out" | sed 's/^/# /'
for f in library/mtty_devices.py filter_plugins/mtty_inventory.py; do
	/usr/bin/python3 -c 'import ast, sys; ast.parse(open(sys.argv[1]).read())' \
		"$top/ansible/roles/mtty/$f"
	tap_is "roles/mtty/$f parses" 0 $?
done

# ---- inventory A: the first apply --------------------------------------
new_host h1 8
new_host h2 8
new_host h3 8
# Definitions made by hand, not declared: one of mtty on h3, and one of
# another parent (which mtty-status never lists) on every host.
MTTY_FAKE_STATE="$W/h3" mdevctl define --uuid "$U9" --parent mtty --type mtty-1 --auto
echo '{"mdev_type":"i915-GVTg_V5_4","start":"auto","attrs":[]}' >"$W/h3/other/$U8"
rm -f "$W/h3/calls.log"

{
	inv_head
	inv_host h1
	cat <<EOF
      mtty_devices:
        - {uuid: $U1, type: mtty-2}
        - {uuid: $U2, type: mtty-1, start: manual, state: stopped}
        - {uuid: $U3, type: mtty-1, state: present}
EOF
	inv_host h2
	cat <<EOF
      mtty_devices:
        - {uuid: $U4, type: mtty-2, start: auto, state: started}
        - {uuid: $U5, type: mtty-1, start: manual, state: present}
EOF
	inv_host h3
	cat <<EOF
      mtty_devices: []
EOF
} >"$W/a.yml"

run a1 "$W/a.yml"
tap_is "first apply succeeds" 0 "$(rc_of a1)" || show_on_fail a1
tap_is "first apply: h1 changed" 1 "$(recap a1 h1 changed)"
tap_is "first apply: h2 changed" 1 "$(recap a1 h2 changed)"
tap_is "first apply: h3 (nothing declared) unchanged" 0 "$(recap a1 h3 changed)"
tap_is "h1's devices after the first apply" \
	"$U1 mtty-2 auto active|$U2 mtty-1 manual inactive|$U3 mtty-1 auto inactive" \
	"$(devices_of h1 | paste -sd'|')"
tap_is "h2's devices after the first apply" \
	"$U4 mtty-2 auto active|$U5 mtty-1 manual inactive" \
	"$(devices_of h2 | paste -sd'|')"
tap_is "h3's undeclared definition survives without prune" \
	"$U9 mtty-1 auto inactive" "$(devices_of h3 | paste -sd'|')"
tap_is "the definitions are mdevctl's JSON" \
	'{"mdev_type":"mtty-2","start":"auto","attrs":[]}' "$(cat "$W/h1/defs/$U1")"

run a2 "$W/a.yml"
tap_is "second apply succeeds" 0 "$(rc_of a2)"
for h in h1 h2 h3; do
	tap_is "second apply: $h changed" 0 "$(recap a2 "$h" changed)"
done

# ---- inventory B: every kind of change --------------------------------
{
	inv_head
	inv_host h1
	cat <<EOF
      mtty_devices:
        - {uuid: $U1, type: mtty-1}
        - {uuid: $U2, type: mtty-1, start: manual, state: started}
        - {uuid: $U3, type: mtty-1, state: absent}
        - {uuid: $U6, type: mtty-2, start: manual}
EOF
	inv_host h2
	cat <<EOF
      mtty_devices:
        - {uuid: $U4, type: mtty-2, start: manual, state: stopped}
        - {uuid: $U5, type: mtty-2, start: manual, state: present}
EOF
	inv_host h3
	cat <<EOF
      mtty_prune: true
      mtty_devices:
        - {uuid: $U7, type: mtty-1, state: present, start: manual}
EOF
} >"$W/b.yml"

before=$(snapshot)
run bc "$W/b.yml" --check --diff
tap_is "--check --diff with the changed inventory succeeds" 0 "$(rc_of bc)" || show_on_fail bc
for h in h1 h2 h3; do
	tap_is "--check reports $h as changed" 1 "$(recap bc "$h" changed)"
done
tap_is "--check changes no host's state" "$before" "$(snapshot)"
tap_check "--diff shows the type change (before)" has_line bc "-$U1 mtty-2 auto active"
tap_check "--diff shows the type change (after)" has_line bc "+$U1 mtty-1 auto active"
tap_check "--diff shows the removed device" has_line bc "-$U3 mtty-1 auto inactive"
tap_check "--diff shows the pruned definition" has_line bc "-$U9 mtty-1 auto inactive"
tap_check "--diff shows the new device" has_line bc "+$U6 mtty-2 manual active"

run b1 "$W/b.yml" --diff
tap_is "apply of the changed inventory succeeds" 0 "$(rc_of b1)" || show_on_fail b1
tap_is "h1 converged: type changed and restarted, stopped one started, absent one gone, new one started" \
	"$U1 mtty-1 auto active|$U2 mtty-1 manual active|$U6 mtty-2 manual active" \
	"$(devices_of h1 | paste -sd'|')"
tap_is "h2 converged: modified to manual and stopped; inactive type change stays inactive" \
	"$U4 mtty-2 manual inactive|$U5 mtty-2 manual inactive" \
	"$(devices_of h2 | paste -sd'|')"
tap_is "h3 converged: prune undefined the undeclared definition" \
	"$U7 mtty-1 manual inactive" "$(devices_of h3 | paste -sd'|')"
tap_check "prune left the other parent's definition alone" \
	test -f "$W/h3/other/$U8"
tap_is "the type change ran stop, undefine, define, start in that order" \
	"stop $U1|undefine $U1|define $U1 mtty-1 auto|start $U1" \
	"$(grep "$U1" "$W/h1/calls.log" | tail -n 4 | paste -sd'|')"
tap_is "stops and undefines came before defines and starts on h1" \
	"stop|undefine|undefine|define|define|start|start|start" \
	"$(tail -n 8 "$W/h1/calls.log" | cut -d' ' -f1 | paste -sd'|')"

run b2 "$W/b.yml"
tap_is "apply of the changed inventory again succeeds" 0 "$(rc_of b2)"
for h in h1 h2 h3; do
	tap_is "again: $h changed" 0 "$(recap b2 "$h" changed)"
done

# ---- a device running with another type than its definition ------------
# What an autostart of an older definition leaves (the module's reload
# under a type change): h1's U1, defined mtty-1, runs as an mtty-2.
echo mtty-2 >"$W/h1/active/$U1"
tap_is "the fake shows the mismatch as mtty-status does" "mtty-1 type-mismatch" \
	"$(MTTY_FAKE_STATE="$W/h1" mtty-status --json | jq -r ".devices[] | select(.uuid == \"$U1\") | \"\(.type) \(.problems | join(\",\"))\"")"
run b3 "$W/b.yml"
tap_is "apply over the mismatch succeeds" 0 "$(rc_of b3)" || show_on_fail b3
tap_is "apply over the mismatch: h1 changed" 1 "$(recap b3 h1 changed)"
tap_is "the mismatched device was restarted with its defined type" \
	"stop $U1|start $U1" "$(grep "$U1" "$W/h1/calls.log" | tail -n 2 | paste -sd'|')"
tap_is "h1 runs every device with its defined type" "mtty-1 " \
	"$(cat "$W/h1/active/$U1") $(MTTY_FAKE_STATE="$W/h1" mtty-status --json | jq -r '[.devices[].problems[]] | join(",")')"

# ---- bad inventories: all fail, none changes a host ----------------------
# A host's variables from an inventory, without those inv_host writes.
own_vars() {
	grep -v -e 'mtty_test_state:' -e 'ansible_python_interpreter:'
}

# bad NAME "EXPECTED TEXT" HOST-VARIABLES-FOR-h2: h1 and h3 keep inventory
# B's good declarations, h2 gets the bad one.
bad() {
	_n=$1
	_want=$2
	{
		inv_head
		inv_host h1
		sed -n '/^    h1:/,/^    h2:/p' "$W/b.yml" | sed '1d;$d' | own_vars
		inv_host h2
		printf '%s\n' "$3"
		inv_host h3
		sed -n '/^    h3:/,$p' "$W/b.yml" | sed '1d' | own_vars
	} >"$W/$_n.yml"
	_before=$(snapshot)
	run "$_n" "$W/$_n.yml"
	_rc=$(rc_of "$_n")
	if [ "$_rc" -ne 0 ]; then tap_ok "$_n: the run fails"; else tap_fail "$_n: the run fails"; fi
	if grep -qF -- "$_want" "$W/$_n.out"; then
		tap_ok "$_n: says '$_want'"
	else
		tap_fail "$_n: says '$_want'"
		show_on_fail "$_n"
	fi
	tap_is "$_n: no host changed" "$_before" "$(snapshot)"
	_failed=0
	for h in h1 h2 h3; do
		[ "$(recap "$_n" "$h" failed)" = 1 ] && _failed=$((_failed + 1))
	done
	tap_is "$_n: every host failed" 3 "$_failed"
}

bad bad-uuid "host h2, device 2 (83b8f4f2-509f-382f-3c1e-e6bfe0fa10zz): uuid '83b8f4f2-509f-382f-3c1e-e6bfe0fa10zz' is not a UUID" \
	"      mtty_devices:
        - {uuid: $U4, type: mtty-2}
        - {uuid: 83b8f4f2-509f-382f-3c1e-e6bfe0fa10zz, type: mtty-1}"
bad dup-uuid "host h2, device 1 ($U1): uuid $U1 is declared twice (also host h1, device 1)" \
	"      mtty_devices:
        - {uuid: $U1, type: mtty-1}"
bad capacity "host h2: the devices to be active (state started, or present with start auto) need 5 ports, more than mtty_max_ports 4" \
	"      mtty_max_ports: 4
      mtty_devices:
        - {uuid: $U4, type: mtty-2}
        - {uuid: $U5, type: mtty-2, state: present}
        - {uuid: $U8, type: mtty-1, state: present, start: manual}
        - {uuid: $U9, type: mtty-1, state: present, start: auto}"
# What the argument spec also refuses (it fails h2 first, the play-wide
# check then the others), in one run: each must still be named.
bad bad-values "host h2, device 1 ($U4): unknown type 'mtty-3' (mtty offers mtty-1, mtty-2)" \
	"      mtty_devices:
        - {uuid: $U4, type: mtty-3}
        - {uuid: $U5, type: mtty-2, baud: 9600}
        - {uuid: $U8, type: mtty-2, state: running}
        - {uuid: $U9, type: mtty-2, start: sometimes}"
for want in \
	"host h2, device 2 ($U5): unknown attribute(s) baud (a device takes uuid, type, start, state)" \
	"host h2, device 3 ($U8): state 'running' is not one of present, started, stopped, absent" \
	"host h2, device 4 ($U9): start 'sometimes' is not one of auto, manual" \
	"no host was changed: the mtty inventory of h2 is invalid"; do
	tap_check "bad-values: says '$want'" has_line bad-values "$want"
done

# ---- the host's live state, and a host that is down ---------------------
# h2's module has 4 ports and a device started by hand (not defined)
# holds 2 of them: declaring 3 more ports cannot fit, and the role says so
# before changing anything there. h1's mdevctl refuses to start: its
# message reaches the output. "down" is an SSH host on a closed port: the
# play-wide check must not need it. h3 converges regardless of all three.
MTTY_FAKE_STATE="$W/h2" mdevctl start --uuid "$U8" --parent mtty --type mtty-2
echo 4 >"$W/h2/max_ports"
mkdir -p "$W/h1/fail"
echo "Error: injected failure of mdevctl start" >"$W/h1/fail/start"
new_host down 64
h1_devices="      mtty_devices:
        - {uuid: $U1, type: mtty-1}
        - {uuid: $U2, type: mtty-1, start: manual, state: stopped}
        - {uuid: $U3, type: mtty-1}"
down_ssh="      ansible_connection: ssh
      ansible_host: 127.0.0.1
      ansible_port: 1"
{
	inv_head
	inv_host h1
	echo "$h1_devices"
	inv_host h2
	cat <<EOF
      mtty_devices:
        - {uuid: $U4, type: mtty-2, start: manual, state: started}
        - {uuid: $U5, type: mtty-1, start: manual, state: started}
EOF
	inv_host h3
	cat <<EOF
      mtty_prune: true
      mtty_devices:
        - {uuid: $U7, type: mtty-1, state: started, start: manual}
EOF
	inv_host down
	echo "$down_ssh"
	cat <<EOF
      mtty_devices:
        - {uuid: $U9, type: mtty-2}
EOF
} >"$W/c.yml"
h2_before=$(devices_of h2 | paste -sd'|')
h2_calls=$(cksum <"$W/h2/calls.log")
run c1 "$W/c.yml"
tap_check "live state: the run fails" test "$(rc_of c1)" -ne 0
tap_check "live state: h2's capacity error names the need, max_ports and the devices" \
	has_line c1 "the mtty devices to be active need 5 ports but the mtty module has max_ports 4: $U4 (mtty-2), $U5 (mtty-1), $U8 (mtty-2)"
tap_is "live state: h2 unchanged" "$h2_before" "$(devices_of h2 | paste -sd'|')"
tap_is "live state: no mdevctl command ran on h2" "$h2_calls" "$(cksum <"$W/h2/calls.log")"
tap_check "live state: mdevctl's stderr is in h1's error" \
	has_line c1 "mdevctl start -u $U3 failed (exit 1): Error: injected failure of mdevctl start"
tap_is "live state: h1's stop ran before the failed start" \
	"$U1 mtty-1 auto active|$U2 mtty-1 manual inactive|$U3 mtty-1 auto inactive|$U6 mtty-2 manual active" \
	"$(devices_of h1 | paste -sd'|')"
tap_is "down host: reported unreachable" 1 "$(recap c1 down unreachable)"
tap_is "down host: nothing done there" "" "$(devices_of down)"
tap_is "h3 converged despite the others" "$U7 mtty-1 manual active" "$(devices_of h3)"
tap_is "h3 changed, without failure" "1 0" "$(recap c1 h3 changed) $(recap c1 h3 failed)"

# The next run, the host back and the failure gone, finishes the job.
rm -rf "$W/h1/fail"
{
	inv_head
	inv_host h1
	echo "$h1_devices"
	inv_host down
	cat <<EOF
      mtty_devices:
        - {uuid: $U9, type: mtty-2}
EOF
} >"$W/d.yml"
run d1 "$W/d.yml"
tap_is "next run: succeeds" 0 "$(rc_of d1)"
tap_is "next run: the down host's device is there" "$U9 mtty-2 auto active" "$(devices_of down)"
tap_is "next run: h1's failed start is done" \
	"$U1 mtty-1 auto active|$U2 mtty-1 manual inactive|$U3 mtty-1 auto active|$U6 mtty-2 manual active" \
	"$(devices_of h1 | paste -sd'|')"

# A bad inventory is still caught when a host is down, and no host changes.
{
	inv_head
	inv_host h1
	echo "$h1_devices"
	inv_host down
	echo "$down_ssh"
	cat <<EOF
      mtty_devices:
        - {uuid: $U1, type: mtty-2}
EOF
} >"$W/d2.yml"
before=$(snapshot)
run d2 "$W/d2.yml"
tap_check "down host and a duplicate UUID: the run fails" test "$(rc_of d2)" -ne 0
tap_check "down host and a duplicate UUID: says so" \
	has_line d2 "host down, device 1 ($U1): uuid $U1 is declared twice (also host h1, device 1)"
tap_is "down host and a duplicate UUID: no host changed" "$before" "$(snapshot)"

tap_done
