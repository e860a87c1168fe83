#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers of the host checks (sourced): tools/host-check.sh,
# tools/fuzz/host-check.sh and tests/vfio/host-check.sh.

# Under valgrind when it is installed. Any memory error or leak, "still
# reachable" included, makes it exit 9. Give it the dynamically linked twin
# of a tool: valgrind cannot follow malloc in a static glibc binary and
# reports false errors inside its start-up code.
if command -v valgrind >/dev/null 2>&1; then
	VALGRIND="valgrind --quiet --leak-check=full --show-leak-kinds=all \
--errors-for-leak-kinds=all --error-exitcode=9"
else
	VALGRIND=
fi

# run COMMAND...: run COMMAND, under valgrind when it is installed.
run() {
	# shellcheck disable=SC2086 # $VALGRIND is a command and its options
	$VALGRIND "$@"
}

# tap_verdict STATUS PATTERN WHAT: the run just made (status in $rc, output
# in the file $out) exited STATUS with output matching the extended
# PATTERN. One TAP line (tests/lib/tap.sh, sourced by the caller) named
# WHAT; the output is shown when it is not ok.
tap_verdict() {
	# shellcheck disable=SC2154 # $out is the caller's, as said above
	if [ "$rc" = "$1" ] && grep -qE -- "$2" "$out"; then
		tap_ok "$3 exits $1"
	else
		tap_fail "$3 exits $1 (got $rc)"
		sed 's/^/#   /' "$out" | head -n 20
	fi
}

# expect_tap NAME BINARY STATUS PATTERN ARGS...: BINARY run (through run)
# with ARGS exits STATUS with output matching PATTERN: one tap_verdict line
# named "NAME ARGS". Needs $out, a temporary file.
expect_tap() {
	et_name=$1
	et_bin=$2
	et_want=$3
	et_pattern=$4
	shift 4
	run "$et_bin" "$@" >"$out" 2>&1
	rc=$?
	tap_verdict "$et_want" "$et_pattern" "$et_name $*"
}

# fake_mdev BUS UUID TYPE [DRIVER]: in BUS, a stand-in for /sys/bus, an
# mdev UUID with the mdev_type (and driver) links sysfs gives one.
fake_mdev() {
	fm_dir=$1/mdev/devices/$2
	mkdir -p "$fm_dir" &&
		ln -s "../../../../devices/virtual/x/x/mdev_supported_types/$3" \
			"$fm_dir/mdev_type" &&
		if [ -n "${4:-}" ]; then
			ln -s "../../../../bus/mdev/drivers/$4" "$fm_dir/driver"
		fi
}

# can_fake_bus: can this user make a mount namespace of its own in which
# another directory stands for /sys/bus (unprivileged user namespaces)?
can_fake_bus() {
	unshare -rm sh -c 'mount --bind /tmp /sys/bus' >/dev/null 2>&1
}

# run_on_fake_bus BUS COMMAND...: run COMMAND (under valgrind when it is
# installed) in a mount namespace of its own in which BUS is /sys/bus, so
# that a tool sees the fake mdevs of fake_mdev.
run_on_fake_bus() {
	rf_bus=$1
	shift
	# shellcheck disable=SC2016,SC2086 # $0 and $@ are the inner shell's
	unshare -rm sh -c 'mount --bind "$0" /sys/bus || exit 125; exec "$@"' \
		"$rf_bus" $VALGRIND "$@"
}
