#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The guest side of the two full-Debian-VM test tiers (tests/rootfs and
# tests/libvirt): installed by tests/lib/fullvm-host.sh into the image
# beside the tier's guest files and sourced by the tier's guest lib.sh. It
# holds the result helpers of the test stages and the stage runner of
# boot.sh.
#
# Each result is a line "ok - text" or "not ok - text" appended to
# $RESULTS, which the host's run.sh reads from the disk image after the VM
# has powered off, and copied to the second serial port for a live view.
# Lines starting with "#" are notes. The tier's lib.sh sets HERE (the
# directory of the guest files), RESULTS_DIR (where results go) and may set
# RUN_TIMEOUT (seconds for `run`, default 120).

say() {
	printf '%s\n' "$*" >>"$RESULTS"
	printf '%s\n' "$*" >/dev/ttyS1 2>/dev/null
}
ok() { say "ok - $*"; }
not_ok() { say "not ok - $*"; }
note() { say "# $*"; }

# Indent a command's output as notes, at most 30 lines.
notes() {
	head -n 30 | sed 's/^/#   /' | while IFS= read -r line; do
		say "$line"
	done
}

# check "description" CMD...: the command must succeed.
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# run CMD...: run it with a time limit, output in $OUT, status in $RC.
run() {
	OUT=$(timeout "${RUN_TIMEOUT:-120}" "$@" 2>&1)
	RC=$?
}

# expect_ok "description" CMD...: the command must succeed; its output
# becomes notes if it does not.
expect_ok() {
	desc=$1
	shift
	run "$@"
	if [ "$RC" -eq 0 ]; then
		ok "$desc"
	else
		not_ok "$desc (exit $RC)"
		printf '%s\n' "$OUT" | notes
	fi
}

# expect_fail "description" PATTERN CMD...: the command must fail and say
# something matching the extended regular expression PATTERN; its output
# becomes notes.
expect_fail() {
	desc=$1
	pat=$2
	shift 2
	run "$@"
	if [ "$RC" -ne 0 ] && printf '%s\n' "$OUT" | grep -Eq "$pat"; then
		ok "$desc"
	else
		not_ok "$desc (exit $RC, wanted a message matching /$pat/)"
	fi
	printf '%s\n' "$OUT" | notes
}

# kernel_log_clean [CONTEXT]: this boot's kernel log has no warning or
# error about mtty, vfio or mdev, and nothing of KLOG_BAD (klog.sh, beside
# this file in the image).
# An out-of-tree module without a signature taints the kernel: Debian's
# kernel says so once, at error level; that is expected, nothing else.
kernel_log_clean() {
	# shellcheck source=tests/lib/klog.sh
	. "$HERE/klog.sh"
	bad=$( { journalctl -b -k -p warning -o cat 2>&1 | grep -Ei 'mtty|vfio|mdev'
		journalctl -b -k -o cat 2>&1 | grep -E "$KLOG_BAD"; } |
		grep -Ev 'loading out-of-tree module taints kernel|module verification failed: signature and/or required key missing' || true)
	if [ -z "$bad" ]; then
		ok "kernel log: no warning or error about mtty, vfio or mdev${1:+ $1}"
	else
		not_ok "kernel log: no warning or error about mtty, vfio or mdev${1:+ $1}"
		printf '%s\n' "$bad" | notes
	fi
}

# fullvm_stage PARAM: boot.sh's body. Runs the stage named by PARAM=NAME on
# the kernel command line ($HERE/stageNAME.sh, sourced) with its results in
# $RESULTS_DIR/results-NAME, marks their end with MTTY-STAGE-END and powers
# the VM off.
fullvm_stage() {
	stage=
	# shellcheck disable=SC2013  # the command line is a list of words
	for word in $(cat /proc/cmdline); do
		case $word in
		"$1"=*) stage=${word#"$1"=} ;;
		esac
	done

	mkdir -p "$RESULTS_DIR"
	RESULTS=$RESULTS_DIR/results-$stage
	export RESULTS
	: >"$RESULTS"
	# Plain output on the progress port.
	stty -F /dev/ttyS1 raw -echo 115200 2>/dev/null

	note "stage $stage: kernel $(uname -r), up $(cut -d' ' -f1 /proc/uptime) s"
	if [ -f "$HERE/stage$stage.sh" ]; then
		# shellcheck disable=SC1090  # one of the tier's stage*.sh
		. "$HERE/stage$stage.sh"
	else
		not_ok "no test stage '$stage'"
	fi
	note "stage $stage done, up $(cut -d' ' -f1 /proc/uptime) s"
	echo "MTTY-STAGE-END" >>"$RESULTS"
	sync
	systemctl --no-block poweroff
}
