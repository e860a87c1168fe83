#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The whole run must leave no warning, oops or sanitizer report in the
# kernel log. The full log goes to the serial log for post-mortems (with a
# prefix that run-vm.sh neither echoes nor greps again).
# suites: driver guest all

# shellcheck source=lib.sh
. /tests/cases/lib.sh

dmesg | sed 's/^/dmesg| /'
dmesg_clean "at the end of the run"
