#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Entry point of mtty-libvirt-test.service: run the stage named by
# mtty_libvirt_stage= on the kernel command line (stageNAME.sh beside this
# script), record its results in /var/lib/mtty-libvirt-test, power off
# (fullvm_stage of tests/lib/fullvm-guest.sh).

# shellcheck source=/dev/null  # lib.sh, beside this script in the image
. /usr/local/lib/mtty-libvirt-test/lib.sh
fullvm_stage mtty_libvirt_stage
