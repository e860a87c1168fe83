#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Rewrite the support table of README.md (between its "support-table"
# markers) from what the test runs recorded: build/SUITE/matrix.txt (the
# build matrix) and build/results/STAGE (each stage's counts, date and
# commit, written by tests/run-all.sh).  A cell says what ran and passed;
# "not run" where no run is recorded.  Never edit the table by hand.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/kernel.sh
. "$root/tests/lib/kernel.sh"

# cell STAGE: "P passed (DATE, COMMIT)", "P passed, F failed ..." or "not run".
cell() {
	f=$root/build/results/$1
	if [ ! -f "$f" ]; then
		echo "not run"
		return
	fi
	read -r p fl d c <"$f"
	if [ "$fl" = 0 ]; then
		echo "$p passed ($d, $c)"
	else
		echo "**$fl failed**, $p passed ($d, $c)"
	fi
}

table() {
	echo "| suite | kernel | build (matrix: W=1 + sparse warnings) | driver suite + nested guest (tests/vm) | reliability slice |"
	echo "|---|---|---|---|---|"
	first=$(suite_list | head -n 1)
	for s in $(suite_list); do
		m=$root/build/$s/matrix.txt
		kver=$(sed -n 's/^kver=//p' "$m" 2>/dev/null)
		build="not run"
		if [ -f "$m" ]; then
			if grep -qx 'build=ok' "$m"; then
				build="builds, $(sed -n 's/^sparse_warnings=//p' "$m") warnings, $(sed -n 's/^compiler=//p' "$m") ($(sed -n 's/^when=//p' "$m"))"
			else
				build="**build failed**"
			fi
		fi
		vm=$(cell "vm:$s")
		[ "$s" = "$first" ] && [ "$vm" = "not run" ] && vm=$(cell vm)
		rel=$(cell "reliability:$s")
		[ "$s" = "$first" ] && [ "$rel" = "not run" ] && rel=$(cell reliability)
		echo "| $s ($(suite_label "$s")) | ${kver:-$(suite_series "$s")} | $build | $vm | $rel |"
	done
}

# stage_cell TIER SUITE: the result of TIER:SUITE, or of the bare TIER for
# the default (first) suite.
stage_cell() {
	c=$(cell "$1:$2")
	if [ "$c" = "not run" ] && [ "$2" = "$(suite_list | head -n 1)" ]; then
		c=$(cell "$1")
	fi
	echo "$c"
}

fullsystem() {
	echo
	echo "Full Debian systems (mmdebstrap of the suite with its own kernel package, mdevctl, libvirt and QEMU):"
	echo
	echo "| suite | reboot tests (rootfs) | libvirt guest (libvirt) | walkthrough (demo) | live migration and virsh save/restore (migrate) | packages: install, reboot, purge (package) | packages: whole life (package-full) |"
	echo "|---|---|---|---|---|---|---|"
	for s in $(suite_list); do
		r=$(stage_cell rootfs "$s")
		l=$(stage_cell libvirt "$s")
		d=$(stage_cell demo "$s")
		m=$(cell "migrate:$s")
		p=$(cell "package:$s")
		f=$(cell "package-full:$s")
		[ "$r$l$d$m$p$f" = "not runnot runnot runnot runnot runnot run" ] && continue
		echo "| $s ($(suite_label "$s")) | $r | $l | $d | $m | $p | $f |"
	done
}

readme=$root/README.md
tmp=$readme.tmp.$$
# A table that cannot be made (a stage's results missing) leaves no file.
trap 'rm -f "$tmp" "$tmp.table"' EXIT
{ table; fullsystem; } >"$tmp.table"
awk -v tf="$tmp.table" '
	/<!-- support-table begin/ { print; while ((getline l < tf) > 0) print l; skip = 1; next }
	/<!-- support-table end/ { skip = 0 }
	!skip { print }
' "$readme" >"$tmp"
rm -f "$tmp.table"
if cmp -s "$tmp" "$readme"; then rm -f "$tmp"; else mv "$tmp" "$readme"; fi
sed -n '/<!-- support-table begin/,/<!-- support-table end/p' "$readme"
