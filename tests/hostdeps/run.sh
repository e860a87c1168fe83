#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The README's first commands on a fresh host of a Debian suite: `make
# deps` then `make`, as root, in a throwaway copy of that suite's build
# chroot (tests/lib/kernel.sh: the suite's gcc and linux-headers-amd64,
# nothing of mtty's dependencies).  Checks that make deps picks the
# packages of the host's release (the kernel source package of its own
# series), that make builds mtty.ko for the chroot's kernel and the
# client, that make install (kbuild's modules_install, into a staging
# root) and make uninstall work there, and that make deps run again has
# nothing left to do.
#
#   run.sh SUITE
#
# Ends with "N passed, N failed".
set -u

root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/kernel.sh
. "$root/tests/lib/kernel.sh"
# shellcheck source=tests/lib/tap.sh
. "$root/tests/lib/tap.sh"

suite=${1:-}
suite_check "$suite" || { tap_fail "a known suite (got '$suite')"; tap_done; }
if ! ch=$(suite_chroot "$suite"); then
	tap_fail "the $suite build chroot"
	tap_done
fi
kver=$(suite_chroot_kver "$ch")
series=$(suite_series "$suite")

cache=${MTTY_CACHE:-$HOME/.cache/mtty}
mkdir -p "$cache/hostdeps" "$cache/logs"
work=$(mktemp -d "$cache/hostdeps/$suite.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
logs=$cache/logs/hostdeps-$suite-$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$logs"
tap_note "logs: $logs"

# A new user's shell: none of the caller's variables (make test-full
# exports the host's KVER and KDIR, which would point make at the host's
# kernel instead of the chroot's).
fresh() {
	in_chroot "$work/root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

cp -a "$ch" "$work/root"
mkdir -p "$work/root/src/mtty"
# The tree as a clone has it (tracked files, as they are now).
(cd "$root" && git ls-files -z | xargs -0 tar -cf - ) | tar -C "$work/root/src/mtty" -xf -

boot_before=$(ls "$work/root/boot")
fresh sh -c 'cd /src/mtty && make deps' \
	>"$logs/deps.log" 2>&1
rc=$?
tap_is "$suite: make deps on a fresh $(suite_label "$suite") host, exit status" 0 "$rc"
[ "$rc" -eq 0 ] || tail -n 15 "$logs/deps.log" | sed 's/^/#   /'
# shellcheck disable=SC2016  # dpkg-query's format, not the shell's
have=$(in_chroot "$work/root" dpkg-query -W -f='${Package} ${Status}\n' \
	"linux-source-$series" 2>/dev/null | grep -c 'ok installed')
tap_is "$suite: make deps installed this release's linux-source-$series" 1 "$have"
# (The build chroot may hold the suite's kernel already: trixie's headers
# recommend it.)
tap_is "$suite: make deps left /boot as it was" "$boot_before" "$(ls "$work/root/boot")"

fresh sh -c 'cd /src/mtty && make' >"$logs/make.log" 2>&1
rc=$?
tap_is "$suite: make, exit status" 0 "$rc"
[ "$rc" -eq 0 ] || tail -n 15 "$logs/make.log" | sed 's/^/#   /'
vm=$(modinfo -F vermagic "$work/root/src/mtty/kernel/mtty.ko" 2>/dev/null | cut -d' ' -f1)
tap_is "$suite: make built kernel/mtty.ko for the host's kernel" "$kver" "$vm"
tap_check "$suite: make built tools/mtty-client" test -x "$work/root/src/mtty/tools/mtty-client"
warn=$(grep -c 'warning:' "$logs/make.log")
tap_is "$suite: make printed no compiler warning" 0 "$warn"

# make install as a source user runs it, into a staging root: the module
# through kbuild's modules_install (compressed as the kernel's own are),
# carrying the version of debian/changelog; then make uninstall.
fresh sh -c 'cd /src/mtty && make install DESTDIR=/tmp/stage' >"$logs/install.log" 2>&1
rc=$?
tap_is "$suite: make install DESTDIR=..., exit status" 0 "$rc"
[ "$rc" -eq 0 ] || tail -n 15 "$logs/install.log" | sed 's/^/#   /'
ko=$(find "$work/root/tmp/stage/lib/modules/$kver/updates" -name 'mtty.ko*' 2>/dev/null)
tap_check "$suite: modules_install put one mtty.ko in updates/ ($(basename "${ko:-none}"))" \
	test "$(printf '%s\n' "$ko" | grep -c .)" -eq 1
ver=$(in_chroot "$work/root" modinfo -F version "${ko#"$work/root"}" 2>/dev/null)
tap_is "$suite: the installed module's version is debian/changelog's" "$(mtty_version)" "$ver"
fresh sh -c 'cd /src/mtty && make uninstall DESTDIR=/tmp/stage' >>"$logs/install.log" 2>&1
left=$(cd "$work/root/tmp/stage" && find . ! -type d)
tap_is "$suite: make uninstall DESTDIR=... leaves no file" "" "$left"
fresh sh -c 'cd /src/mtty && make deps' >"$logs/deps2.log" 2>&1
rc=$?
tap_check "$suite: make deps again: exit 0, everything installed" \
	sh -c "[ $rc -eq 0 ] && grep -q 'everything is installed' '$logs/deps2.log'"
tap_done
