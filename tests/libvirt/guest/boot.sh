#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Entry point of mtty-libvirt-test.service: run the stage named by
# mtty_libvirt_stage= on the kernel command line, record its results,
# power off.

here=/usr/local/lib/mtty-libvirt-test
stage=
# shellcheck disable=SC2013  # the command line is a list of words
for word in $(cat /proc/cmdline); do
	case $word in
	mtty_libvirt_stage=*) stage=${word#mtty_libvirt_stage=} ;;
	esac
done

mkdir -p /var/lib/mtty-libvirt-test
RESULTS=/var/lib/mtty-libvirt-test/results-$stage
export RESULTS
: >"$RESULTS"
stty -F /dev/ttyS1 raw -echo 115200 2>/dev/null

# shellcheck source=/dev/null  # lib.sh, beside this script in the image
. "$here/lib.sh"
note "stage $stage: kernel $(uname -r), up $(cut -d' ' -f1 /proc/uptime) s"
if [ -f "$here/stage$stage.sh" ]; then
	# shellcheck disable=SC1090  # stage1.sh or stage2.sh
	. "$here/stage$stage.sh"
else
	not_ok "no test stage '$stage'"
fi
note "stage $stage done, up $(cut -d' ' -f1 /proc/uptime) s"
echo "MTTY-STAGE-END" >>"$RESULTS"
sync
systemctl --no-block poweroff
