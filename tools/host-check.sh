#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Host-side checks of mtty-client and the vfio_mdev library: everything that
# works without an mdev (argument handling, absent devices, library unit
# tests), under valgrind when it is installed.  Uses the dynamically linked
# twins: valgrind cannot follow malloc in a static glibc binary and reports
# false errors inside its start-up code.  Where unprivileged user
# namespaces allow it, the client also meets fake mdevs (a directory bound
# over /sys/bus): one of another driver must be refused before it is
# opened, an mtty one announced as reset.
#
# usage: host-check.sh [DIR]   (DIR holds mtty-client-dyn and test_vfio_mdev)

dir=${1:-.}
client=$dir/mtty-client-dyn
absent=00000000-0000-0000-0000-000000000000
valid=12345678-9abc-def0-1234-56789abcdef0
out=$(mktemp) || exit 1
bus=$(mktemp -d) || exit 1
trap 'rm -rf "$out" "$bus"' EXIT
failed=0

# shellcheck source=host-check-lib.sh
. "$(dirname "$0")/host-check-lib.sh"

# verdict STATUS PATTERN WHAT: the run just made (status $got, output in
# $out) exited STATUS and its stdout+stderr contain PATTERN.
verdict() {
	want=$1 pattern=$2 what=$3
	if [ "$got" -eq "$want" ] && grep -q -- "$pattern" "$out"; then
		echo "ok - $what exits $want"
	else
		echo "FAIL - $what exits $got, want $want and '$pattern':"
		sed 's/^/#   /' "$out"
		failed=1
	fi
}

# expect STATUS PATTERN ARGS...: the client run with ARGS exits STATUS and
# its stdout+stderr contain PATTERN.
expect() {
	want=$1 pattern=$2
	shift 2
	run "$client" "$@" >"$out" 2>&1
	got=$?
	verdict "$want" "$pattern" "mtty-client $*"
}

# expect_fake STATUS PATTERN ARGS...: as expect, on the fake /sys/bus.
expect_fake() {
	want=$1 pattern=$2
	shift 2
	run_on_fake_bus "$bus" "$client" "$@" >"$out" 2>&1
	got=$?
	verdict "$want" "$pattern" "mtty-client $* (fake sysfs)"
}

expect 0 '^usage: mtty-client UUID COMMAND' --help
expect 0 'opening an idle mtty device resets it, so every command' --help
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

mdpy=00000000-0000-0000-0000-00000000000d
mtty=00000000-0000-0000-0000-00000000000e
if can_fake_bus && fake_mdev "$bus" "$mdpy" mdpy-1 mdpy &&
	fake_mdev "$bus" "$mtty" mtty-2 mtty; then
	for cmd in info config loopback "hold 1"; do
		# shellcheck disable=SC2086 # split "hold 1" into two arguments
		expect_fake 1 "$mdpy is not an mtty device: its mdev type is mdpy-1, its driver mdpy" \
			"$mdpy" $cmd
		if grep -q resetting "$out"; then
			echo "FAIL - mtty-client $mdpy $cmd (fake sysfs) says it resets"
			failed=1
		fi
	done
	# Taken for an mtty, it is announced as reset; the fake has no
	# iommu_group, so opening it then fails.
	expect_fake 1 "resetting $mtty (opening an mtty device resets it)" \
		"$mtty" info
	expect_fake 1 "readlink .*$mtty/iommu_group" "$mtty" info
else
	echo "# no user namespaces here: refusal of a fake mdev not run"
fi

run "$dir/test_vfio_mdev" 2>/dev/null
status=$?
if [ "$status" -ne 0 ]; then
	echo "FAIL - test_vfio_mdev exits $status"
	failed=1
fi
exit "$failed"
