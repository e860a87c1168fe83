#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers of the package tier's stages (sourced by each stage, after the
# rootfs tier's lib.sh that boot.sh loads): the packages of the plan, the
# devices the stages define, and the checks made after every reboot.

# Used by the stages that source this file.
# shellcheck disable=SC2034

# The packages' tools are in /usr/bin, not /usr/local/bin.
CLIENT=/usr/bin/mtty-client
DEBS=/root/debs
# The version installed first (older than NEW in the full run), and the
# version of the tree.
FIRST=$(cat "$DEBS/first/version")
NEW=$(cat "$DEBS/new/version")
KV=$(uname -r)
# The second kernel (the suite's -rt-amd64 flavour), once installed.
KV2=${KV%-amd64}-rt-amd64
# Two auto-start definitions and a manual one.
PKG_AUTO2=6e1d5b0e-94f0-4c1a-8c55-2b0a1e1c0c01
PKG_AUTO1=6e1d5b0e-94f0-4c1a-8c55-2b0a1e1c0c02
PKG_MANUAL=6e1d5b0e-94f0-4c1a-8c55-2b0a1e1c0c03
DEFS_SAVED=$RESULTS_DIR/definitions

# apt_get DESC ARGS...: apt-get ARGS without questions (the VM has no
# network: every package it needs is in the image or a named file). DKMS
# builds the module under TCG: minutes, not the usual two.
apt_get() {
	desc=$1
	shift
	RUN_TIMEOUT=900 expect_ok "$desc" env DEBIAN_FRONTEND=noninteractive \
		apt-get -y -q -o Dpkg::Use-Pty=0 "$@"
}

# mtty_kos KVER: every mtty.ko (compressed or not) of kernel KVER.
mtty_kos() {
	find "/lib/modules/$1" -name 'mtty.ko*' 2>/dev/null | sort
}

# one_module KVER VERSION: kernel KVER has exactly one mtty.ko, DKMS's,
# and modinfo gives VERSION.
one_module() {
	kos=$(mtty_kos "$1")
	check "kernel $1: exactly one mtty.ko, in updates/dkms ($(printf '%s\n' "$kos" | tr '\n' ' '))" \
		sh -c "test \"\$(printf '%s\n' \"\$0\" | grep -c .)\" = 1 &&
			printf '%s\n' \"\$0\" | grep -q '/updates/dkms/mtty.ko'" "$kos"
	got=$(modinfo -k "$1" -F version mtty 2>&1)
	check "kernel $1: modinfo mtty shows version $2 (got '$got')" test "$got" = "$2"
}

# no_module: no mtty.ko is left for any kernel.
no_module() {
	left=$(find /lib/modules -name 'mtty.ko*' 2>/dev/null)
	check "no mtty.ko left for any kernel (${left:-none})" test -z "$left"
}

# definitions: the mtty definitions as files and contents ($DEFS: lib.sh).
definitions() {
	# shellcheck disable=SC2153  # DEFS comes from lib.sh
	grep -rH '' "$DEFS" 2>/dev/null | sort
}

# definitions_kept WHEN: the definitions are those stage install made.
definitions_kept() {
	check "/etc/mdevctl.d/mtty unchanged $1" \
		sh -c "test \"\$(cat '$DEFS_SAVED')\" = \"\$0\"" "$(definitions)"
}

# after_reboot VERSION: the auto devices run (started before libvirtd),
# the manual one does not, with the module VERSION loaded; kernel and
# journal clean.
after_reboot() {
	for u in "$PKG_AUTO2" "$PKG_AUTO1"; do
		check "auto device $u is active after the reboot" active "$u"
	done
	check "manual device $PKG_MANUAL is defined and not active" \
		sh -c "test -f $DEFS/$PKG_MANUAL && ! test -e $MDEVS/$PKG_MANUAL"
	started_before_libvirtd "$PKG_AUTO2" "$PKG_AUTO1"
	got=$(cat /sys/module/mtty/version 2>&1)
	check "the loaded module is version $1 (got '$got')" test "$got" = "$1"
	one_module "$KV" "$1"
	definitions_kept "after the reboot"
	client_loopback "$PKG_AUTO1"
	journal_clean "(after the reboot)"
}
