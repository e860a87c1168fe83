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
