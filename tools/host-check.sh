#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Host-side checks of mtty-client and the vfio_mdev library: everything that
# works without an mdev (argument handling, absent devices, library unit
# tests), under valgrind when it is installed.  Uses the dynamically linked
# twins: valgrind cannot follow malloc in a static glibc binary and reports
# false errors inside its start-up code.
#
# usage: host-check.sh [DIR]   (DIR holds mtty-client-dyn and test_vfio_mdev)

dir=${1:-.}
client=$dir/mtty-client-dyn
absent=00000000-0000-0000-0000-000000000000
valid=12345678-9abc-def0-1234-56789abcdef0
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
failed=0

# shellcheck source=host-check-lib.sh
. "$(dirname "$0")/host-check-lib.sh"

# expect STATUS PATTERN ARGS...: the client run with ARGS exits STATUS and
# its stdout+stderr contain PATTERN.
expect() {
	want=$1 pattern=$2
	shift 2
	run "$client" "$@" >"$out" 2>&1
	got=$?
	if [ "$got" -eq "$want" ] && grep -q -- "$pattern" "$out"; then
		echo "ok - mtty-client $* exits $want"
	else
		echo "FAIL - mtty-client $* exits $got, want $want and '$pattern':"
		sed 's/^/#   /' "$out"
		failed=1
	fi
}

expect 0 '^usage: mtty-client UUID COMMAND' --help
expect 2 'missing UUID or COMMAND'
expect 2 'missing UUID or COMMAND' "$valid"
expect 2 "malformed UUID 'not-a-uuid'" not-a-uuid info
expect 2 'malformed UUID' "${valid}0" info
expect 2 "unknown command 'bogus'" "$valid" bogus
# The conformance checks are tests/vfio/mtty-vfio-test's, not the client's.
for cmd in irq reset badargs; do
	expect 2 "unknown command '$cmd'" "$valid" $cmd
done
expect 2 'hold: missing argument' "$valid" hold
expect 2 "hold: bad argument '-1'" "$valid" hold -1
expect 2 "hold: bad argument '99999999'" "$valid" hold 99999999
expect 2 'info: too many arguments' "$valid" info extra
for cmd in info config loopback "hold 1"; do
	# shellcheck disable=SC2086 # split "irq intx" into two arguments
	expect 1 "no such mdev device: .*$absent" "$absent" $cmd
done
# The UUID is matched in any case and named in lower case.
expect 1 "cannot open mdev $valid" "$(echo "$valid" | tr a-f A-F)" info

run "$dir/test_vfio_mdev" 2>/dev/null
status=$?
if [ "$status" -ne 0 ]; then
	echo "FAIL - test_vfio_mdev exits $status"
	failed=1
fi
exit "$failed"
