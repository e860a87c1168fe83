#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Entry point of mtty-test.service: run the stage named by mtty_test_stage=
# on the kernel command line (stageN.sh beside this script), record its
# results in /var/lib/mtty-test, power off (fullvm_stage of
# tests/lib/fullvm-guest.sh).

# shellcheck source=/dev/null  # lib.sh, beside this script in the image
. /usr/local/lib/mtty-test/lib.sh
fullvm_stage mtty_test_stage
