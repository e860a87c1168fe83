#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Host-side checks of mtty-fuzz that need no mdev: option handling and a
# missing device, under valgrind when it is installed (memory errors and
# leaks, "still reachable" included, fail). Uses the dynamically linked
# build: valgrind misreads static glibc's start-up code.
#
# usage: host-check.sh [BINARY]    (default ./mtty-fuzz-dyn)

bin=${1:-./mtty-fuzz-dyn}
absent=00000000-0000-0000-0000-000000000000
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
# shellcheck source=../host-check-lib.sh
. "$(dirname "$0")/../host-check-lib.sh"
# shellcheck source=../../tests/lib/tap.sh
. "$(dirname "$0")/../../tests/lib/tap.sh"

# expect STATUS PATTERN ARGS...: exit STATUS and output matching PATTERN.
expect() {
	expect_tap mtty-fuzz "$bin" "$@"
}

expect 2 usage
expect 0 usage -h
expect 2 usage -n abc "$absent"
expect 2 usage -n -5 "$absent"
expect 2 usage -j 0 "$absent"
expect 2 usage -j 65 "$absent"
expect 2 usage -t 0 "$absent"
expect 2 usage -q "$absent"
expect 1 "cannot open $absent" -x -n 10 "$absent"
expect 1 "cannot open $absent" -s 1 -n 10 "$absent"
expect 1 "cannot open not-a-uuid" -n 10 not-a-uuid
expect 1 "seed 0x000000000000002a" -s 42 -n 10 "$absent"

tap_done
