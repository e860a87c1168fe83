#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# What a VFIO user (QEMU) sees through the device file: regions, PCI
# config space and the UARTs' loopback through tools/mtty-client, the
# client's refusal of a device that is not an mtty, and interrupts, reset
# and error paths through the VFIO conformance test tests/vfio
# (mtty-vfio-test), on the mtty-2 and the mtty-1 of case 20.
# suites: driver all

# shellcheck source=lib.sh
. /tests/cases/lib.sh
ensure_loaded || exit 0
[ -d "$MDEVS/$UUID2" ] || create 2 "$UUID2"
[ -d "$MDEVS/$UUID1" ] || create 1 "$UUID1"

# Size of region NAME (BAR0, BAR1, CONFIG) from `mtty-client UUID info`:
# the line naming the region, its "size" field, decimal or 0x-hex.
region_size() {
	printf '%s\n' "$2" | awk -v name="$1" '
		toupper($0) ~ ("(^|[^A-Z0-9])" name "([^A-Z0-9]|$)") {
			for (i = 1; i <= NF; i++) {
				w = tolower($i)
				if (w ~ /^size[=:]/) { sub(/^size[=:]/, "", w); v = w }
				else if (w ~ /^size$/) { v = tolower($(i + 1)) }
				if (v != "") {
					sub(/^[=:]/, "", v); sub(/[,;)]$/, "", v)
					if (v ~ /^0x/) { n = 0; h = substr(v, 3)
						for (j = 1; j <= length(h); j++)
							n = n * 16 + index("0123456789abcdef", substr(h, j, 1)) - 1
						print n } else print v + 0
					exit
				}
			}
		}'
}

# Byte at offset OFF (decimal) of an lspci -x style dump "00: 48 43 ...".
cfg_byte() {
	printf '%s\n' "$2" | awk -v off="$1" '
		/^[0-9a-f][0-9a-f]: / {
			row = 0; h = substr($1, 1, 2)
			row = (index("0123456789abcdef", substr(h, 1, 1)) - 1) * 16 + \
				index("0123456789abcdef", substr(h, 2, 1)) - 1
			if (off >= row && off < row + 16) { print $(off - row + 2); exit }
		}'
}

# Low byte of an I/O BAR has bit 0 set: its last hex digit is odd.
is_io_bar() {
	case $1 in
	[0-9a-f][13579bdf]) return 0 ;;
	esac
	return 1
}

for pair in "2 $UUID2" "1 $UUID1"; do
	t=${pair%% *}
	u=${pair#* }
	diag "mtty-$t $u"

	if have_client; then
		info=$("$CLIENT" "$u" info 2>&1)
		rc=$?
		printf '%s\n' "$info" | sed 's/^/#   /'
		check_eq "mtty-$t info exits 0" 0 "$rc"
		check_eq "mtty-$t BAR0 region size" 8 "$(region_size BAR0 "$info")"
		if [ "$t" = 2 ]; then
			check_eq "mtty-2 BAR1 region size" 8 "$(region_size BAR1 "$info")"
		else
			check_eq "mtty-1 BAR1 region size" 0 "$(region_size BAR1 "$info")"
		fi
		check_eq "mtty-$t CONFIG region size" 256 "$(region_size CONFIG "$info")"
		# QEMU resets the device through VFIO only if it says it can.
		check "mtty-$t device flags include RESET" \
			has_line "$info" '^device flags .*RESET'
		# The REQ irq is how a holder learns that someone removes it.
		check "mtty-$t has a REQ irq with count 1" \
			has_line "$info" '^irq [0-9]+ REQ count 1 '
		# A conventional PCI function refuses the ERR index, as
		# vfio-pci does; count 0 would make QEMU warn.
		check "mtty-$t refuses the ERR irq index" \
			has_line "$info" '^irq [0-9]+ ERR unsupported'
		check "mtty-$t INTx is maskable and automasked" \
			has_line "$info" '^irq [0-9]+ INTX count 1 .*MASKABLE.*AUTOMASKED'

		cfg=$("$CLIENT" "$u" config 2>&1)
		rc=$?
		printf '%s\n' "$cfg" | sed 's/^/#   /'
		check_eq "mtty-$t config exits 0" 0 "$rc"
		row0=$(for o in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
			cfg_byte "$o" "$cfg"; done | tr '\n' ' ')
		check_eq "mtty-$t config 00: row (ids, command 0, status, rev, class)" \
			"48 43 53 32 00 00 00 02 10 02 00 07 00 00 00 00 " "$row0"
		sub=$(for o in 44 45 46 47; do cfg_byte "$o" "$cfg"; done | tr '\n' ' ')
		check_eq "mtty-$t subsystem at 0x2c" "48 43 53 32 " "$sub"
		check_eq "mtty-$t interrupt pin A" 01 "$(cfg_byte 61 "$cfg")"
		bar0=$(cfg_byte 16 "$cfg")
		check "mtty-$t BAR0 is an I/O BAR (bit 0 set, got '$bar0')" \
			is_io_bar "$bar0"
		bar1=$(cfg_byte 20 "$cfg")
		if [ "$t" = 2 ]; then
			check "mtty-2 BAR1 is an I/O BAR (bit 0 set, got '$bar1')" \
				is_io_bar "$bar1"
		else
			check_eq "mtty-1 has no BAR1" 00 "$bar1"
		fi
	else
		not_ok "mtty-$t info: $CLIENT missing"
		not_ok "mtty-$t config: $CLIENT missing"
	fi

	client_check "mtty-$t loopback" "$u" loopback
	vfio_check "mtty-$t irq intx" "$u" irq-intx
	vfio_check "mtty-$t irq msi" "$u" irq-msi
	vfio_check "mtty-$t reset" "$u" reset
	vfio_check "mtty-$t badargs" "$u" badargs
done

# The client says that it resets the device it opens, before doing so.
if have_client; then
	out=$("$CLIENT" "$UUID2" info 2>&1 >/dev/null)
	check "mtty-client announces the reset of $UUID2" \
		has_line "$out" "^mtty-client: resetting $UUID2 "
fi

# A device of another driver must be refused before it is opened (opening
# resets it). No other mdev driver is in the image, so a tmpfs over the
# mdev bus's device list holds a fake one, links as sysfs makes them, and
# the real mtty-2 is not visible meanwhile.
fake=cafe00fe-0000-4000-8000-0000000000fe
if have_client && mount -t tmpfs fake-mdev "$MDEVS"; then
	mkdir -p "$MDEVS/$fake"
	ln -s ../../../devices/virtual/mdpy/mdpy/mdev_supported_types/mdpy-1 \
		"$MDEVS/$fake/mdev_type"
	ln -s ../../../bus/mdev/drivers/mdpy "$MDEVS/$fake/driver"
	for cmd in info loopback; do
		out=$("$CLIENT" "$fake" "$cmd" 2>&1)
		rc=$?
		printf '%s\n' "$out" | sed 's/^/#   /'
		check_eq "mtty-client $cmd refuses an mdpy device: exit status" 1 "$rc"
		check "mtty-client $cmd names the device and its type" \
			has_line "$out" "$fake is not an mtty device: its mdev type is mdpy-1, its driver mdpy"
		if has_line "$out" resetting; then
			not_ok "mtty-client $cmd did not reset the refused device"
		else
			ok "mtty-client $cmd did not reset the refused device"
		fi
	done
	out=$("$VFIO_TEST" "$fake" 2>&1)
	rc=$?
	check_eq "mtty-vfio-test refuses an mdpy device: exit status" 1 "$rc"
	check "mtty-vfio-test names the device and its type" \
		has_line "$out" "$fake is not an mtty device: its mdev type is mdpy-1"
	umount "$MDEVS"
	check "the real mdev devices are back after the fake" \
		test -d "$MDEVS/$UUID2"
else
	not_ok "refusal of a non-mtty device: no client or no tmpfs over $MDEVS"
fi

