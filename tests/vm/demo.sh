#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The kernel's mtty sample walkthrough, steps 1 to 8, as a user would type
# and see it.
# Runs inside the test VM (`run-vm.sh --demo`). It still reports ok/not ok
# for each step so a broken demo cannot look like a working one.

# shellcheck source=cases/lib.sh
. /tests/cases/lib.sh

step() {
	echo
	echo "=================================================================="
	echo "== $*"
	echo "=================================================================="
}

# Show a command, then run it.
run() {
	echo "\$ $*"
	"$@"
}

# Print a sysfs tree with values of small attribute files, like `tree`.
show_tree() {
	find "$1" -maxdepth "${2:-3}" ! -path '*/power*' | LC_ALL=C sort |
		while read -r p; do
			rel=${p#"$1"}
			depth=$(printf '%s' "$rel" | tr -cd / | wc -c)
			indent=$(printf '%*s' $((depth * 4 - 4)) '')
			name=${p##*/}
			if [ -z "$rel" ]; then
				echo "$p/"
			elif [ -L "$p" ]; then
				echo "$indent|-- $name -> $(readlink "$p")"
			elif [ -f "$p" ] && [ -r "$p" ] && [ "$name" != create ] &&
				[ "$name" != remove ] && [ "$name" != uevent ]; then
				echo "$indent|-- $name = $(head -c 60 "$p" | tr '\n' ' ')"
			else
				echo "$indent|-- $name"
			fi
		done
}

u=$UUID2

step "1. Load mtty.ko: the parent device appears"
echo "\$ insmod mtty.ko"
if out=$(insmod "$MTTY_KO" 2>&1); then ok "insmod mtty.ko"; else not_ok "insmod mtty.ko: $out"; fi
echo "\$ tree /sys/devices/virtual/mtty/mtty/"
show_tree "$PARENT" 3
echo "\$ ls -l /sys/class/mdev_bus/"
ls -l /sys/class/mdev_bus/

step "2. Create a mediated device (type mtty-2, two ports)"
echo "\$ echo \"$u\" > $TYPES/mtty-2/create"
if create 2 "$u"; then ok "create mtty-2 $u"; else not_ok "create mtty-2 $u: $WERR"; fi
run ls -l "$MDEVS/"
echo "\$ cat $TYPES/mtty-2/available_instances $TYPES/mtty-1/available_instances"
cat "$TYPES/mtty-2/available_instances" "$TYPES/mtty-1/available_instances"
echo "\$ ls $TYPES/mtty-2/devices/"
ls "$TYPES/mtty-2/devices/"

step "3./4. Boot a guest with the device: qemu ... -device vfio-pci,sysfsdev=..."
cmd="qemu-system-x86_64 -accel tcg -M pc -m 256M -smp 1 -nographic -nodefaults
  -serial stdio -no-reboot -kernel /guest/vmlinux
  -initrd /guest/initramfs.cpio.gz
  -append 'console=ttyS0 cryptomgr.notests panic=-1 loglevel=4 mitigations=off'
  -device vfio-pci,sysfsdev=$MDEVS/$u"
echo "\$ $cmd"
echo "(nested TCG guest: this takes a minute or two)"
echo
echo "Inside the guest, steps 4 to 7 (lspci view, dmesg, data through"
echo "/dev/ttyS1 and /dev/ttyS2 with raw mode and no flow control):"
start=$(now)
# Stream the guest's own lines as they come; keep the full console in a file.
timeout -s KILL 900 qemu-system-x86_64 -accel tcg -M pc -m 256M -smp 1 \
	-nographic -nodefaults -serial stdio -no-reboot \
	-kernel /guest/vmlinux -initrd /guest/initramfs.cpio.gz \
	-append 'console=ttyS0 cryptomgr.notests panic=-1 loglevel=4 mitigations=off' \
	-device "vfio-pci,sysfsdev=$MDEVS/$u" </dev/null 2>&1 |
	tr -d '\r' | tee /tmp/demo-guest.log | while IFS= read -r line; do
		case $line in
		"GUEST | "*) echo "  guest| ${line#GUEST | }" ;;
		"GUEST ok - "*) echo "  guest| ok: ${line#GUEST ok - }" ;;
		"GUEST not ok - "*) echo "  guest| NOT OK: ${line#GUEST not ok - }" ;;
		qemu-system-x86_64:*) echo "  $line" ;;
		esac
	done
echo "(guest finished after $(($(now) - start)) s)"
check "guest ran to its end" grep -q '^GUEST-END' /tmp/demo-guest.log
check "guest checks all passed" sh -c \
	"grep -q '^GUEST ok' /tmp/demo-guest.log && ! grep -q '^GUEST not ok' /tmp/demo-guest.log"
if grep -q 'Cannot reset device' /tmp/demo-guest.log; then
	not_ok "qemu could reset the device"
else
	ok "qemu could reset the device (no 'Cannot reset device')"
fi

step "Host side: loopback (tools/mtty-client) and an interrupt (tests/vfio/mtty-vfio-test) through VFIO"
# Their own TAP lines are shown as comments: the demo's results are its own.
echo "\$ mtty-client $u loopback"
client_check "mtty-client loopback" "$u" loopback
echo "\$ mtty-vfio-test $u irq-msi"
vfio_check "mtty-vfio-test irq-msi" "$u" irq-msi

step "8. Destroy the mediated device, unload the module"
echo "\$ echo 1 > $MDEVS/$u/remove"
if remove "$u"; then ok "remove $u"; else not_ok "remove $u: $WERR"; fi
run ls -l "$MDEVS/"
echo "\$ rmmod mtty"
if out=$(rmmod mtty 2>&1); then ok "rmmod mtty"; else not_ok "rmmod mtty: $out"; fi
dmesg_clean "after the demo"
