#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# TAP helpers of every test script (sourced, POSIX sh): numbered "ok N -
# ..." / "not ok N - ..." lines and the closing "N passed, N failed".  The
# busybox VM images carry a copy at /tests/lib/tap.sh; there each case is
# a shell of its own, so TAP_COUNTER names a file that carries the number
# from one to the next (the host side that boots the VM counts the lines).
#
#   tap_ok TEXT / tap_fail TEXT     one result
#   tap_check TEXT COMMAND...       ok when COMMAND succeeds
#   tap_is TEXT EXPECTED ACTUAL     ok when equal; says both when not
#   tap_note TEXT                   "# TEXT"
#   tap_done                        the closing line; exits 0 only when
#                                   something passed and nothing failed

tap_n=0
tap_passed=0
tap_failed=0

tap_next() {
	if [ -n "${TAP_COUNTER:-}" ]; then
		tap_n=$(cat "$TAP_COUNTER" 2>/dev/null || echo 0)
		tap_n=$((tap_n + 1))
		echo "$tap_n" >"$TAP_COUNTER"
	else
		tap_n=$((tap_n + 1))
	fi
}

tap_ok() {
	tap_next
	tap_passed=$((tap_passed + 1))
	echo "ok $tap_n - $*"
}

tap_fail() {
	tap_next
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $*"
}

tap_check() {
	_t=$1
	shift
	if "$@"; then tap_ok "$_t"; else tap_fail "$_t"; fi
}

tap_is() {
	if [ "$2" = "$3" ]; then
		tap_ok "$1: $3"
	else
		tap_fail "$1: expected '$2', got '$3'"
	fi
}

tap_note() {
	echo "# $*"
}

tap_done() {
	echo "$tap_passed passed, $tap_failed failed"
	[ "$tap_failed" -eq 0 ] && [ "$tap_passed" -gt 0 ]
	exit $?
}
