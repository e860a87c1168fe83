#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Steps 3 to 7 of the kernel's mtty sample walkthrough: give an mtty-2 to a
# nested QEMU guest through
# vfio-pci; the guest (tests/vm/guest-init) checks the card, its two
# 16550A ports and data through them. Its results are re-reported here.
# Under nested TCG the guest takes ~100 s wall, so the limits are wide.
# suites: guest all

# shellcheck source=lib.sh
. /tests/cases/lib.sh
ensure_loaded || exit 0

u=$UUID2
made=0
if [ ! -d "$MDEVS/$u" ]; then
	create 2 "$u"
	check "create mtty-2 $u for the guest ($WERR)" test -d "$MDEVS/$u"
	made=1
fi

for f in /usr/bin/qemu-system-x86_64 /guest/vmlinux /guest/initramfs.cpio.gz; do
	if [ ! -e "$f" ]; then
		not_ok "nested guest: $f missing from the image"
		exit 0
	fi
done

log=/tmp/guest.log
# -nodefaults: only the serial console and the card, so the card's slot is
# predictable and no NIC option ROM is needed. QEMU's own messages (e.g.
# "Cannot reset device") land in the same log.
# 900 s: ~100 s on an idle host, 350 s measured at load 6 on 2 cores.
boot_guest() {
	start=$(now)
	timeout -s KILL 900 qemu-system-x86_64 \
		-accel tcg -M pc -m 256M -smp 1 \
		-nographic -nodefaults -serial stdio -no-reboot \
		-kernel /guest/vmlinux -initrd /guest/initramfs.cpio.gz \
		-append 'console=ttyS0 cryptomgr.notests panic=-1 loglevel=4 mitigations=off' \
		-device "vfio-pci,sysfsdev=$MDEVS/$u" \
		</dev/null >"$log" 2>&1
	rc=$?
	took=$(($(now) - start))
	tr -d '\r' <"$log" >"$log.txt"
	diag "nested guest ran $took s, qemu exit $rc"
}

# guest_report: the guest kernel's first report (oops, BUG, panic) and
# what follows it, so that a failure shows its cause and not only the tail.
guest_report() {
	first=$(klog_console_bad "$log.txt" | head -n 1)
	[ -n "$first" ] || return 0
	diag "the guest kernel's first report and what follows it:"
	grep -F -A 12 -m 1 -e "$first" "$log.txt" | sed 's/^/#   /'
}

boot_guest
# A kernel that dies before its init prints anything has not used the
# card beyond the 8250 probe. Under TCG inside TCG the 6.12 guest kernel
# was seen to die once in early boot (a BUG in its static-call patching
# at security_init, long before PCI); the card cannot cause that, so the
# boot is tried once more, and said so. A crash the card causes happens
# again and fails below.
if ! grep -q '^GUEST' "$log.txt" && [ -n "$(klog_console_bad "$log.txt")" ]; then
	diag "the nested guest's kernel died before its init ran; booting it once more"
	guest_report
	cp "$log.txt" /tmp/guest-first-boot.log
	boot_guest
fi
check_eq "nested qemu exits 0" 0 "$rc"
grep '^GUEST | ' "$log.txt" | sed 's/^GUEST | /# guest: /'
grep '^GUEST ok - ' "$log.txt" | sed 's/^GUEST ok - //' | while read -r line; do
	ok "guest: $line"
done
grep '^GUEST not ok - ' "$log.txt" | sed 's/^GUEST not ok - //' | while read -r line; do
	not_ok "guest: $line"
done
check "guest reported results" grep -q '^GUEST ok - ' "$log.txt"
if grep -q '^GUEST-END' "$log.txt"; then
	ok "guest ran to its end"
else
	not_ok "guest ran to its end"
	guest_report
	diag "last lines of the guest console:"
	tail -n 30 "$log.txt" | sed 's/^/#   /'
fi
bad=$(klog_console_bad "$log.txt")
[ -z "$bad" ] || printf '%s\n' "$bad" | head -n 20 | sed 's/^/#   /'
check_eq "the nested guest's kernel log shows no warning, oops or panic" "" "$bad"
# QEMU says this when the device does not offer VFIO_DEVICE_FLAGS_RESET.
if grep -i 'Cannot reset device' "$log.txt" | sed 's/^/#   /' | grep .; then
	not_ok "qemu does not complain 'Cannot reset device'"
else
	ok "qemu does not complain 'Cannot reset device'"
fi
qerr=$(grep -E '^qemu-system-x86_64:' "$log.txt")
[ -z "$qerr" ] || printf '%s\n' "$qerr" | sed 's/^/#   /'
check_eq "qemu printed no warnings or errors" "" "$qerr"

check "device still present after the guest is gone" test -d "$MDEVS/$u"
if [ "$made" = 1 ]; then
	check "remove the guest's mtty-2" remove "$u"
fi
