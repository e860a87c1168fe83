#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# VFIO migration without a VM (tests/vfio/migration.c): the state of an
# mtty-2 and of an mtty-1 moves into a second device of the same type;
# invalid arcs and malformed streams (truncated, corrupted, oversized,
# another version, another type, fd closed early, reset mid-way) are
# refused, and the kernel log names what did not match.
# suites: driver all

# shellcheck source=lib.sh
. /tests/cases/lib.sh
ensure_loaded || exit 0
# Destinations of the same types as the devices of case 20.
DEST2=83b8f4f2-509f-382f-3c1e-e6bfe0fa1003
DEST1=83b8f4f2-509f-382f-3c1e-e6bfe0fa1004
[ -d "$MDEVS/$UUID2" ] || create 2 "$UUID2"
[ -d "$MDEVS/$UUID1" ] || create 1 "$UUID1"
check "destination mtty-2 created" create 2 "$DEST2"
check "destination mtty-1 created" create 1 "$DEST1"

since=$(($(dmesg | wc -l) + 1))
vfio_check "mtty-2 migrates into another mtty-2" \
	--dest "$DEST2" --other "$UUID1" "$UUID2" migration
vfio_check "mtty-1 migrates into another mtty-1" \
	--dest "$DEST1" --other "$UUID2" "$UUID1" migration
log=$(dmesg | tail -n +"$since")

# What the refusals told the kernel log, naming what did not match.
expect_log() {
	check "kernel log: $1" has_line "$log" "$2"
}
expect_log "an mtty-1 stream into an mtty-2 names both port counts" \
	"$DEST2: migration stream refused: stream of another device type \(byte 8: 1, expected 2\)"
expect_log "an mtty-2 stream into an mtty-1 names both port counts" \
	"$DEST1: migration stream refused: stream of another device type \(byte 8: 2, expected 1\)"
expect_log "a truncated stream" \
	"$DEST2: migration stream refused: truncated stream .*device unchanged"
expect_log "a corrupted stream" \
	"$DEST2: migration stream refused: checksum mismatch"
expect_log "another format version" \
	"$DEST2: migration stream refused: unsupported format version \(byte 4: 2, expected 1\)"
expect_log "an oversized stream" \
	"$DEST2: migration stream refused: longer than the 104 bytes"
expect_log "bytes after the end" \
	"$DEST2: migration stream refused: bytes after the end"

check "destination mtty-2 removed" remove "$DEST2"
check "destination mtty-1 removed" remove "$DEST1"
