#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Run the kernel's checkpatch.pl --strict on the given files.  The script is
# taken from Debian's linux-source package and cached, since unpacking it
# means reading the whole 138 MB tarball.
set -eu

cache=${MTTY_CACHE:-$HOME/.cache/mtty}
tarball=$(find /usr/src -maxdepth 1 -name 'linux-source-*.tar.xz' | sort -V | tail -n 1)
if [ -z "$tarball" ]; then
	echo "checkpatch.sh: no /usr/src/linux-source-*.tar.xz (apt-get install linux-source-6.1)" >&2
	exit 2
fi
top=$(basename "$tarball" .tar.xz)
dir="$cache/checkpatch/$top"
if [ ! -x "$dir/$top/scripts/checkpatch.pl" ]; then
	mkdir -p "$dir"
	tar -xJf "$tarball" -C "$dir" "$top/scripts/checkpatch.pl" \
		"$top/scripts/spelling.txt" "$top/scripts/const_structs.checkpatch"
fi
exec perl "$dir/$top/scripts/checkpatch.pl" --strict --no-tree --terse \
	--show-types -f "$@"
