#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Entry point of mtty-test.service: run the stage named by mtty_test_stage=
# on the kernel command line, record its results, power off.

here=/usr/local/lib/mtty-test
stage=
# shellcheck disable=SC2013  # the command line is a list of words
for word in $(cat /proc/cmdline); do
	case $word in
	mtty_test_stage=*) stage=${word#mtty_test_stage=} ;;
	esac
done

mkdir -p /var/lib/mtty-test
RESULTS=/var/lib/mtty-test/results-$stage
export RESULTS
: >"$RESULTS"
# Plain output on the progress port.
stty -F /dev/ttyS1 raw -echo 115200 2>/dev/null

# shellcheck source=/dev/null  # lib.sh, beside this script in the image
. "$here/lib.sh"
note "stage $stage: kernel $(uname -r), up $(cut -d' ' -f1 /proc/uptime) s"
if [ -f "$here/stage$stage.sh" ]; then
	# shellcheck disable=SC1090  # one of stage1.sh .. stage3.sh
	. "$here/stage$stage.sh"
else
	not_ok "no test stage '$stage'"
fi
note "stage $stage done, up $(cut -d' ' -f1 /proc/uptime) s"
echo "MTTY-STAGE-END" >>"$RESULTS"
sync
systemctl --no-block poweroff
