#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Host-side checks of mtty-vfio-test that need no mdev: argument handling,
# a missing device, and (where unprivileged user namespaces allow a fake
# /sys/bus) a device of another driver refused before it is opened, under
# valgrind when it is installed. Uses the dynamically linked build:
# valgrind misreads static glibc's start-up code.
#
# usage: host-check.sh [BINARY]    (default ./mtty-vfio-test-dyn)

bin=${1:-./mtty-vfio-test-dyn}
absent=00000000-0000-0000-0000-000000000000
mdpy=00000000-0000-0000-0000-00000000000d
out=$(mktemp) || exit 1
bus=$(mktemp -d) || exit 1
trap 'rm -rf "$out" "$bus"' EXIT
# shellcheck source=../../tools/host-check-lib.sh
. "$(dirname "$0")/../../tools/host-check-lib.sh"
# shellcheck source=../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

# expect STATUS PATTERN ARGS...: exit STATUS and output matching PATTERN.
expect() {
	expect_tap mtty-vfio-test "$bin" "$@"
}

expect 0 '^usage: mtty-vfio-test \[--dest UUID\]' --help
expect 0 'Every CHECK resets the device' -h
expect 2 'missing UUID'
expect 2 "malformed UUID 'not-a-uuid'" not-a-uuid
expect 2 "unknown check 'bogus'" "$absent" irq-intx bogus
expect 2 "unknown check 'loopback'" "$absent" loopback
# Each group reports that it could not open the device, then the summary.
expect 1 "^not ok 4 - badargs: open mdev $absent" "$absent"
expect 1 '^# 0 passed, 4 failed' "$absent"
expect 1 "no such mdev device: .*$absent" "$absent" reset
expect 1 '^1\.\.2$' "$absent" irq-msi reset
expect 2 "malformed UUID 'bad'" --dest bad "$absent" migration
expect 2 "malformed UUID 'bad'" --dest "$absent" --other bad "$absent"
expect 1 "^not ok 1 - migration: open mdev $absent" --dest "$absent" \
	"$absent" migration

if can_fake_bus && fake_mdev "$bus" "$mdpy" mdpy-1 mdpy; then
	run_on_fake_bus "$bus" "$bin" "$mdpy" >"$out" 2>&1
	rc=$?
	tap_verdict 1 "$mdpy is not an mtty device: its mdev type is mdpy-1" \
		"mtty-vfio-test $mdpy (fake sysfs, not an mtty)"
	if grep -q resetting "$out"; then
		tap_fail "mtty-vfio-test does not reset a device it refuses"
	else
		tap_ok "mtty-vfio-test does not reset a device it refuses"
	fi
else
	tap_note "no user namespaces here: refusal of a fake mdev not run"
fi

tap_done
