#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Package stage "purged", the last boot: no trace of mtty runs, nothing
# fails, and mdevctl still lists the definitions the administrator made.
# Sourced by boot.sh (lib.sh loaded).

# shellcheck source=tests/package/guest/pkglib.sh
. "$HERE/pkglib.sh"

check "no mtty module loaded" sh -c '! test -d /sys/module/mtty'
check "mtty-autostart.service is unknown to systemd" \
	sh -c '! systemctl list-unit-files "mtty-autostart*" --no-legend | grep -q .'
run systemctl list-units --failed --plain --no-legend
check "no failed unit ($OUT)" test -z "$OUT"
definitions_kept "after the purge and a reboot"
run mdevctl list --defined
check "mdevctl list --defined still shows the three definitions" \
	test "$(printf '%s\n' "$OUT" | grep -c '6e1d5b0e-94f0-4c1a-8c55-2b0a1e1c0c0')" -eq 3
journal_clean "(stage purged)"
