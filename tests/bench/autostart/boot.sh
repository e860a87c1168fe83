#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Entry point of mtty-bench.service: run the stage named by
# mtty_bench_stage= on the kernel command line (stageNAME.sh beside this
# script), record its results in /var/lib/mtty-bench, power off.

# shellcheck source=/dev/null  # lib.sh, beside this script in the image
. /usr/local/lib/mtty-bench/lib.sh
fullvm_stage mtty_bench_stage
