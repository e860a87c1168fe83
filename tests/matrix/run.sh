#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The build matrix: mtty.ko for every suite of tests/lib/suites.list, each
# built inside a chroot of that suite (its own gcc and linux-headers-amd64),
# once plainly and once with W=1 + sparse (C=2) and warnings as errors.
# Checks, per suite: both builds succeed with 0 warnings; every probe's
# answer agrees with the suite's headers (the "present when:" line of each
# kernel/probes/*.c, read independently of the compiler); and across the
# matrix every probe is seen both present and absent.
#
#   run.sh [SUITE...]          (default: every suite)
#
# Results per suite go to build/SUITE/matrix.txt for the support table.
# Ends with "N passed, N failed".
set -u

root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/kernel.sh
. "$root/tests/lib/kernel.sh"
# shellcheck source=tests/lib/tap.sh
. "$root/tests/lib/tap.sh"

suites=${*:-$(suite_list)}
seen=

for s in $suites; do
	suite_check "$s" || { tap_fail "suite $s is known"; continue; }
	out=$root/build/$s
	mkdir -p "$out"
	if ! ko=$(suite_module "$s"); then
		tap_fail "$s: build mtty.ko in the $s chroot"
		echo "build=fail" >"$out/matrix.txt"
		continue
	fi
	kver=$(cat "$out/kver")
	tap_ok "$s: mtty.ko builds for $kver ($(sed -n 's/^# conftest for .*, compiler: //p' "$out/conftest.log"))"
	warn=$(grep -c 'warning:' "$out/modules.log")
	tap_is "$s: plain build, warnings" 0 "$warn"
	if suite_module "$s" sparse >/dev/null; then
		swarn=$(grep -c 'warning:' "$out/sparse.log")
		tap_is "$s: W=1 + sparse build, warnings" 0 "$swarn"
	else
		swarn=failed
		tap_fail "$s: W=1 + sparse build (log: $out/sparse.log)"
	fi
	modinfo_ver=$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)
	tap_is "$s: module's vermagic names the suite's kernel" "$kver" "$modinfo_ver"

	ch=$(suite_chroot "$s")
	hdrs="$ch/usr/src/linux-headers-$kver"
	# Debian splits the headers: most of include/ is in the -common tree.
	common=$ch/usr/src/linux-headers-${kver%-amd64}-common
	for probe in "$root"/kernel/probes/*.c; do
		name=$(basename "$probe" .c)
		[ "$name" = sanity ] && continue
		macro=HAVE_$(echo "$name" | tr '[:lower:]' '[:upper:]')
		rule=$(sed -n 's/^ \* present when: //p' "$probe")
		file=${rule%% has *}
		regex=${rule#* has }
		if [ -z "$rule" ]; then
			tap_fail "$s: probe $name states when it is present"
			continue
		fi
		want=absent
		for d in "$hdrs" "$common"; do
			[ -n "$d" ] && [ -f "$d/$file" ] &&
				grep -Eq "$regex" "$d/$file" && want=present
		done
		got=absent
		grep -q "^#define $macro 1" "$out/mtty_config.h" && got=present
		tap_is "$s: probe $name agrees with $file" "$want" "$got"
		seen="$seen $name:$got"
	done
	{
		echo "kver=$kver"
		echo "build=ok"
		echo "when=$(date -u +%Y-%m-%d), $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo -)"
		echo "warnings=$warn"
		echo "sparse_warnings=$swarn"
		echo "compiler=$(sed -n 's/^# conftest for .*, compiler: //p' "$out/conftest.log")"
		echo "probes=$(grep -o '^#define HAVE_[A-Z0-9_]*' "$out/mtty_config.h" | sed 's/#define HAVE_//' | tr '\n' ' ')"
	} >"$out/matrix.txt"
done

# Both ways: only meaningful over the whole matrix.
if [ $# -eq 0 ]; then
	for probe in "$root"/kernel/probes/*.c; do
		name=$(basename "$probe" .c)
		[ "$name" = sanity ] && continue
		yes=0
		no=0
		case "$seen " in *" $name:present "*) yes=1 ;; esac
		case "$seen " in *" $name:absent "*) no=1 ;; esac
		tap_is "probe $name is proven both ways across the matrix" "1 1" "$yes $no"
	done
fi

tap_done
