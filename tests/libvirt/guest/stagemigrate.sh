#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Stage "migrate": a live migration of a guest using an mtty card, between
# two QEMUs on this host (QEMU 8.1 or newer: Debian 13's QEMU 10), first
# without libvirt, then `virsh save` and `virsh restore` of the domain
# mtty-libvirt-xml makes. The source runs the nested guest in its migrate mode
# (tests/libvirt/guest-init): unread bytes in its first port's FIFO, a
# non-default divisor, LCR and SCR, a line after line echoed through the
# second port. The destination waits with -incoming on a second mdev of
# the same type; after the migration the guest, now there, reads its
# bytes back and echoes on every port. Sourced by boot.sh (lib.sh loaded).
#
# Each QEMU's console and monitor are FIFO pairs (QEMU's pipe chardev):
# the host writes NAME-con.in and NAME-mon.in, and a cat keeps copying
# NAME-con.out and NAME-mon.out into logs under /run/mtty-migrate.

SRC_U=83b8f4f2-509f-382f-3c1e-e6bfe0fa1011
DST_U=83b8f4f2-509f-382f-3c1e-e6bfe0fa1012
# The device and domain of the virsh save and restore.
LV_U=83b8f4f2-509f-382f-3c1e-e6bfe0fa1013
LV_DOM=mtty-mig
# Not in /var/lib/libvirt/qemu/save/, whose DOMAIN.save is libvirt's own
# managed save (which would keep the domain from being undefined).
LV_SAVE=/var/tmp/mtty-mig.save
W=/run/mtty-migrate
PORT=4444
KERNEL=/var/lib/libvirt/boot/mtty-guest-vmlinux
INITRD=/var/lib/libvirt/boot/mtty-guest-initramfs.cpio.gz
# QEMU 10 on Debian's kernel (no iommufd): the device's own dirty-page
# tracking cannot be reported on a type1 container, and the default
# enable-migration=auto then refuses the device; mtty does no DMA, so
# neither is needed (docs/migration.md).
VFIO_MIG_OPTS=x-device-dirty-page-tracking=off,enable-migration=on

mkdir -p "$W"
note "$(qemu-system-x86_64 --version | head -n 1)"

# start_qemu NAME UUID [ARGS...]: a guest with the mdev UUID, in the
# background; its QEMU's stdout and stderr in $W/NAME-qemu.log.
start_qemu() {
	name=$1
	uuid=$2
	shift 2
	for f in con mon; do
		mkfifo "$W/$name-$f.in" "$W/$name-$f.out"
		cat "$W/$name-$f.out" >"$W/$name-$f.log" &
	done
	qemu-system-x86_64 -name "$name" -machine pc -accel tcg -m 256 \
		-smp 1 -nodefaults -no-user-config -display none \
		-kernel "$KERNEL" -initrd "$INITRD" \
		-append "console=ttyS0 cryptomgr.notests mtty_guest_migrate" \
		-chardev "pipe,id=con,path=$W/$name-con" -serial chardev:con \
		-chardev "pipe,id=mon,path=$W/$name-mon" \
		-mon chardev=mon,mode=readline \
		-device "vfio-pci,id=hostdev0,sysfsdev=$MDEVS/$uuid,$VFIO_MIG_OPTS" \
		"$@" >"$W/$name-qemu.log" 2>&1 &
}

# mon NAME COMMAND: a monitor command; its answer lands in $W/NAME-mon.log.
mon() {
	echo "$2" >"$W/$1-mon.in"
}

# wait_log FILE REGEX SECONDS: until a line of FILE matches REGEX.
wait_log() {
	w=0
	while [ "$w" -lt "$3" ]; do
		tr -d '\r' <"$1" 2>/dev/null | grep -Eq "$2" && return 0
		sleep 2
		w=$((w + 2))
	done
	return 1
}

# guest_step LOG REGEX T0 TEXT AFTER [FILE...]: wait up to 900 s for a
# line of the console LOG matching REGEX; then "ok - TEXT, N s after
# AFTER" (N counted from uptime T0), or "not ok - TEXT within 900 s" with
# the last lines of LOG and of each FILE.
guest_step() {
	gs_log=$1
	gs_re=$2
	gs_t0=$3
	gs_text=$4
	gs_after=$5
	shift 5
	if wait_log "$gs_log" "$gs_re" 900; then
		gs_t1=$(cut -d' ' -f1 /proc/uptime)
		ok "$gs_text, $(echo "$gs_t0 $gs_t1" | awk '{printf "%d", $2 - $1}') s after $gs_after"
	else
		not_ok "$gs_text within 900 s"
		tail -n 20 "$gs_log" "$@" 2>&1 | notes
	fi
}

# migration_status: the last status the source's monitor printed
# ("Migration status: X" up to QEMU 9.0, "Status: X" since).
migration_status() {
	tr -d '\r' <"$W/src-mon.log" |
		sed -n 's/^\(Migration status\|Status\):[[:space:]]*\([a-z-]*\).*/\2/p' |
		tail -n 1
}

# The guest's result lines of console log FILE as results, PREFIX first.
console_report() {
	tr -d '\r' <"$2" >"$W/console-lines"
	guest_results "$1" <"$W/console-lines"
}

for u in "$SRC_U" "$DST_U"; do
	expect_ok "mdevctl start an mtty-2 $u" \
		mdevctl start -u "$u" -p mtty --type mtty-2
done

start_qemu dst "$DST_U" -incoming "tcp:127.0.0.1:$PORT"
t0=$(cut -d' ' -f1 /proc/uptime)
start_qemu src "$SRC_U"
note "source and destination QEMU started; the guest boots (nested TCG: minutes)"
guest_step "$W/src-con.log" '^GUEST-MIGRATE-READY' "$t0" \
	"the guest prepared its card on the source" "QEMU started" \
	"$W/src-qemu.log"
console_report "source guest" "$W/src-con.log"

mon src "migrate_set_parameter downtime-limit 2000"
mon src "migrate -d tcp:127.0.0.1:$PORT"
status=
w=0
while [ "$w" -lt 900 ]; do
	sleep 5
	w=$((w + 5))
	mon src "info migrate"
	sleep 1
	status=$(migration_status)
	case $status in
	completed | failed | cancelled) break ;;
	esac
done
check "the source QEMU migrated the guest (status '$status' after $w s)" \
	test "$status" = completed
tr -d '\r' <"$W/src-mon.log" |
	grep -E '^(total time|downtime|transferred ram|vfio device transferred):' |
	tail -n 4 | notes
mon src "info status"
mon dst "info status"
sleep 2
check "the source is paused after the migration" \
	wait_log "$W/src-mon.log" 'VM status: paused \(postmigrate\)' 30
check "the destination runs the guest" \
	wait_log "$W/dst-mon.log" 'VM status: running' 30

t0=$(cut -d' ' -f1 /proc/uptime)
echo go >"$W/dst-con.in"
guest_step "$W/dst-con.log" '^GUEST-MIGRATE-DONE' "$t0" \
	"the guest finished its checks on the destination" "'go'" \
	"$W/dst-qemu.log"
console_report "destination guest" "$W/dst-con.log"
for q in src dst; do
	grep -v '^$' "$W/$q-qemu.log" | sed "s/^/$q QEMU: /" | notes
done
check "no QEMU reported an error" \
	sh -c "! grep -qiE 'error|fail' $W/src-qemu.log $W/dst-qemu.log"

mon src quit
mon dst quit
sleep 3
for u in "$SRC_U" "$DST_U"; do
	expect_ok "mdevctl stop $u" mdevctl stop -u "$u"
done

# --- libvirt: virsh save and virsh restore of the generator's domain -------
# The same guest, its domain from `mtty-libvirt-xml domain` as a user
# makes it (which on QEMU 10 carries the migration override), unchanged but
# for the guest's command line: it waits LV_WAIT seconds of its own time
# after preparing its card, and the host saves it at once; the time it
# spends saved does not count, so it goes on only after the restore.
LV_LOG=/var/log/libvirt/qemu/$LV_DOM-serial.log
LV_WAIT=60
note "QEMU's vfio-pci migration properties: $(qemu-system-x86_64 -device vfio-pci,help |
	grep -E 'enable-migration|dirty-page' | sed 's/ - .*(default/ (default/' |
	tr -s ' ' | tr '\n' ';')"
expect_ok "mdevctl start an mtty-2 $LV_U" mdevctl start -u "$LV_U" -p mtty --type mtty-2
"$GEN" domain "$LV_U" --name "$LV_DOM" --memory 192 \
	--cmdline "console=ttyS0 cryptomgr.notests mtty_guest_migrate=$LV_WAIT" >"$W/lv.xml"
check "mtty-libvirt-xml domain adds the migration override on this QEMU" \
	grep -q "<qemu:device alias='ua-mtty-$LV_U'>" "$W/lv.xml"
expect_ok "virsh define the generated domain $LV_DOM" virsh define "$W/lv.xml"
t0=$(cut -d' ' -f1 /proc/uptime)
expect_ok "virsh start $LV_DOM" virsh start "$LV_DOM"
guest_step "$LV_LOG" '^GUEST-MIGRATE-READY' "$t0" \
	"the libvirt guest prepared its card" "virsh start" \
	"/var/log/libvirt/qemu/$LV_DOM.log"
run virsh save "$LV_DOM" "$LV_SAVE"
check "virsh save $LV_DOM (exit $RC)" test "$RC" = 0
printf '%s\n' "$OUT" | notes
check "the guest was saved in its wait, before its checks" \
	sh -c "! tr -d '\r' <$LV_LOG | grep -q '^GUEST-MIGRATE-DONE'"
check "$LV_DOM is shut off after the save" \
	sh -c "virsh domstate $LV_DOM | grep -qx 'shut off'"
note "save file: $(du -h "$LV_SAVE" 2>&1)"
check "$LV_U is still there, free for the restore" test -e "$MDEVS/$LV_U"
t0=$(cut -d' ' -f1 /proc/uptime)
run virsh restore "$LV_SAVE"
check "virsh restore (exit $RC)" test "$RC" = 0
printf '%s\n' "$OUT" | notes
check "$LV_DOM runs again" sh -c "virsh domstate $LV_DOM | grep -qx running"
guest_step "$LV_LOG" '^GUEST-MIGRATE-DONE' "$t0" \
	"the restored guest finished its checks" "virsh restore" \
	"/var/log/libvirt/qemu/$LV_DOM.log"
# From the line the guest prints after its wait on: libvirt may start the
# console log afresh for the restored QEMU.
tr -d '\r' <"$LV_LOG" | sed -n '/^GUEST | after:/,$p' >"$W/lv-after.log"
check "the restored guest's console shows its checks" test -s "$W/lv-after.log"
console_report "restored guest" "$W/lv-after.log"
virsh destroy "$LV_DOM" >/dev/null 2>&1
expect_ok "virsh undefine $LV_DOM" virsh undefine "$LV_DOM"
rm -f "$LV_SAVE"
expect_ok "mdevctl stop $LV_U" mdevctl stop -u "$LV_U"
