#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers of the host checks (sourced): tools/host-check.sh and
# tools/fuzz/host-check.sh.

# run COMMAND...: run COMMAND under valgrind when it is installed. Any
# memory error or leak, "still reachable" included, makes it exit 9. Give
# it the dynamically linked twin of a tool: valgrind cannot follow malloc
# in a static glibc binary and reports false errors inside its start-up
# code.
run() {
	if command -v valgrind >/dev/null 2>&1; then
		valgrind --quiet --leak-check=full --show-leak-kinds=all \
			--errors-for-leak-kinds=all --error-exitcode=9 "$@"
	else
		"$@"
	fi
}
