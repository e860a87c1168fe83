#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# A live migration between two hosts: `virsh migrate --live` of a libvirt
# guest using an mtty card, from one full Debian 13 system (libvirt 11.3,
# QEMU 10) to another, each booted under QEMU like the fleet test's hosts
# (setup.sh, hosts.sh) and set up by the Ansible role (the packages, an
# mtty-2 on each).
#
#   migrate.sh [--reuse-debs] [--keep]
#
# The hosts reach each other through this machine: QEMU's user network
# shows its loopback to every host as 10.0.2.2, and forwards a port of it
# to each host's SSH server and to the destination's migration port.
# libvirt on the source talks to the destination's over SSH (the fleet's
# key); the migration stream goes over the forwarded port. The guest is
# tests/libvirt/mkguest.sh's, in its migrate mode (tests/libvirt/
# guest-init): unread bytes in its first port's FIFO, a non-default
# divisor, LCR and SCR, then a wait of its own time during which the host
# migrates it; on the destination it checks what survived and echoes on
# every port. The destination's XML (`virsh migrate --xml`) names the
# destination's own mdev, as docs/migration.md tells users to.
#
# Checks: the migration completes; the source's domain is shut off and its
# card free; the destination runs the guest, whose checks pass there and
# not before; mtty-status on the destination shows the card held by the
# domain; no kernel log or console shows a warning.
#
# Needs root. Prints "ok N - ..." lines and "N passed, N failed".
# Environment: MTTY_CACHE, MTTY_MIG_PORT (the migration port, default
# 49200) and the settings of hosts.sh.

set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=tests/fleet/setup.sh
. "$here/setup.sh"

while [ $# -gt 0 ]; do
	fleet_option "$1" || { echo "migrate.sh: unknown argument $1" >&2; exit 2; }
	shift
done

SRC=mig1
DST=mig2
SRC_U=83b8f4f2-509f-382f-3c1e-e6bfe0fa1021
DST_U=83b8f4f2-509f-382f-3c1e-e6bfe0fa1022
DOM=mtty-live
MIG_PORT=${MTTY_MIG_PORT:-49200}
# Seconds of its own time the guest waits, after preparing its card, for
# the migration to be over; its checks come after.
WAIT=240
GLOG=/var/log/libvirt/qemu/$DOM-serial.log

# Distinct SMBIOS UUIDs, which libvirt takes as the host's UUID: it
# refuses to migrate to a host whose UUID is its own, and both hosts are
# copies of one image.
fleet_host_added() {
	case $1 in
	"$SRC") fleet_qemu_args "$1" -uuid 6d747479-0000-4000-8000-000000000001 ;;
	"$DST")
		fleet_qemu_args "$1" -uuid 6d747479-0000-4000-8000-000000000002
		fleet_forward "$1" "$MIG_PORT" ;;
	esac
}

begin=$(date +%s)
fleet_bringup "$SRC:trixie $DST:trixie" "$reuse" "$keep" migrate

# ssh_ok TEXT HOST CMD: a check that CMD succeeds on HOST (its output, when
# it fails, as notes).
ssh_ok() {
	if _out=$(fleet_ssh "$2" "$3" </dev/null 2>&1); then
		tap_ok "$1"
	else
		tap_fail "$1"
		printf '%s\n' "$_out" | tail -n 15 | sed 's/^/#   /'
	fi
}

# --- the packages and one mtty-2 on each host, by the role ---------------------
mkdir -p "$work/inv/host_vars"
fleet_inventory "$work/inv/inventory.ini" mtty_fleet
for h in $SRC $DST; do
	fleet_host_vars "$work/inv/host_vars/$h.yml" trixie 8 true
	[ "$h" = "$SRC" ] && u=$SRC_U || u=$DST_U
	echo "mtty_devices: [{uuid: $u, type: mtty-2, start: manual, state: started}]" \
		>>"$work/inv/host_vars/$h.yml"
done
apply setup "$work/inv"
if [ "$arc" -eq 0 ]; then
	tap_ok "the role installs mtty and starts an mtty-2 on each host ($atime s)"
else
	tap_fail "the role installs mtty and starts an mtty-2 on each host (exit $arc)"
	apply_report setup
	tap_done
fi

# --- the guest's files, the hosts' identities and the SSH between them ---------
if guest=$(sh "$root/tests/libvirt/mkguest.sh" 2>"$logs/mkguest.log"); then
	tap_ok "the nested guest's kernel and initramfs (tests/libvirt/mkguest.sh)"
else
	tap_fail "the nested guest's kernel and initramfs (log: $logs/mkguest.log)"
	tap_done
fi
gkernel=$(echo "$guest" | sed -n 1p)
ginitrd=$(echo "$guest" | sed -n 2p)
key=$(fleet_key)
for h in $SRC $DST; do
	fleet_copy "$h" /var/lib/libvirt/boot/mtty-guest-vmlinux "$gkernel" &&
		fleet_copy "$h" /var/lib/libvirt/boot/mtty-guest-initramfs.cpio.gz "$ginitrd" &&
		fleet_ssh "$h" 'chmod 0644 /var/lib/libvirt/boot/mtty-guest-*' </dev/null
	tap_is "$h: the guest's files are in /var/lib/libvirt/boot" 0 "$?"
done
fleet_copy "$SRC" /root/.ssh/id_ed25519 "$key"
# shellcheck disable=SC2016  # expanded on the host
ssh_ok "$SRC reaches $DST's SSH server as 10.0.2.2:$(fleet_port "$DST") with the fleet's key" "$SRC" \
	"chmod 0600 /root/.ssh/id_ed25519 &&
	ssh -p $(fleet_port "$DST") -o BatchMode=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null root@10.0.2.2 hostname | grep -qx $DST"
dst_uri="qemu+ssh://root@10.0.2.2:$(fleet_port "$DST")/system?keyfile=/root/.ssh/id_ed25519&no_verify=1"
# shellcheck disable=SC2016  # expanded on the host
ssh_ok "$SRC: virsh -c <$DST over SSH> answers, and names another host UUID" "$SRC" \
	"a=\$(virsh capabilities | grep -o '<uuid>[^<]*' | head -n 1)
	b=\$(virsh -c '$dst_uri' capabilities | grep -o '<uuid>[^<]*' | head -n 1)
	echo \"source \$a, destination \$b\"; [ -n \"\$b\" ] && [ \"\$a\" != \"\$b\" ]"
for h in $SRC $DST; do
	echo "# $h: $(fleet_ssh "$h" 'qemu-system-x86_64 --version | head -n 1; virsh version --daemon 2>/dev/null | tail -n 2' </dev/null 2>&1 | tr '\n' ' ')"
done

# --- the guest on the source --------------------------------------------------------
ssh_ok "$SRC: virsh define and start the domain of mtty-libvirt-xml for $SRC_U" "$SRC" \
	"mtty-libvirt-xml domain $SRC_U --name $DOM --memory 192 \
		--cmdline 'console=ttyS0 cryptomgr.notests mtty_guest_migrate=$WAIT' >/root/$DOM.xml &&
	virsh define /root/$DOM.xml && virsh start $DOM"
# wait_console HOST REGEX SECONDS: until a line of HOST's guest console
# matches REGEX.
wait_console() {
	fleet_ssh "$1" "w=0; while [ \$w -lt $3 ]; do
		tr -d '\\r' <$GLOG 2>/dev/null | grep -Eq '$2' && exit 0
		sleep 5; w=\$((w + 5)); done; exit 1" </dev/null >/dev/null 2>&1
}
t=$(date +%s)
if wait_console "$SRC" '^GUEST-MIGRATE-READY' 900; then
	tap_ok "$SRC: the guest prepared its card ($(($(date +%s) - t)) s after virsh start)"
else
	tap_fail "$SRC: the guest prepared its card within 900 s"
	fleet_ssh "$SRC" "tail -n 20 $GLOG; tail -n 10 /var/log/libvirt/qemu/$DOM.log" </dev/null 2>&1 | sed 's/^/#   /'
	fleet_teardown
	tap_done
fi

# --- the migration --------------------------------------------------------------------
# The destination's XML names its own mdev; the alias (and so the
# override of the vfio-pci properties) stays.
ssh_ok "$SRC: the destination's XML names $DST_U" "$SRC" \
	"virsh dumpxml --migratable $DOM | sed \"s/uuid='$SRC_U'/uuid='$DST_U'/\" >/root/$DOM-dst.xml &&
	grep -q \"uuid='$DST_U'\" /root/$DOM-dst.xml"
t=$(date +%s)
fleet_ssh "$SRC" "virsh migrate --live --verbose --timeout 600 --timeout-suspend \
	--xml /root/$DOM-dst.xml $DOM '$dst_uri' tcp://10.0.2.2:$MIG_PORT" \
	</dev/null >"$logs/virsh-migrate.log" 2>&1
rc=$?
if [ "$rc" -eq 0 ]; then
	tap_ok "$SRC: virsh migrate --live $DOM to $DST ($(($(date +%s) - t)) s)"
else
	tap_fail "$SRC: virsh migrate --live $DOM to $DST (exit $rc, log: $logs/virsh-migrate.log)"
	tr -d '\r' <"$logs/virsh-migrate.log" | tail -n 10 | sed 's/^/#   /'
fi
fleet_ssh "$SRC" "virsh domjobinfo --completed $DOM" </dev/null 2>&1 |
	grep -E '^(Time elapsed|Total downtime|Data processed|Memory bandwidth):' | sed 's/^/#   /'
tap_is "$SRC: the domain is shut off" "shut off" \
	"$(fleet_ssh "$SRC" "virsh domstate $DOM" </dev/null 2>&1 | sed '/^$/d')"
tap_is "$DST: the domain runs" running \
	"$(fleet_ssh "$DST" "virsh domstate $DOM" </dev/null 2>&1 | sed '/^$/d')"
ssh_ok "$SRC: the guest's checks had not run there (it migrated in its wait)" "$SRC" \
	"! tr -d '\\r' <$GLOG | grep -q '^GUEST-MIGRATE-DONE'"

# --- the guest on the destination ----------------------------------------------------
t=$(date +%s)
if wait_console "$DST" '^GUEST-MIGRATE-DONE' 900; then
	tap_ok "$DST: the guest finished its checks ($(($(date +%s) - t)) s after the migration)"
else
	tap_fail "$DST: the guest finished its checks within 900 s"
fi
fleet_ssh "$DST" "tr -d '\\r' <$GLOG" </dev/null >"$logs/guest-dst.log" 2>&1
n=0
while IFS= read -r line; do
	case $line in
	'GUEST ok - '*) tap_ok "$DST guest: ${line#GUEST ok - }"; n=$((n + 1)) ;;
	'GUEST not ok - '*) tap_fail "$DST guest: ${line#GUEST not ok - }"; n=$((n + 1)) ;;
	'GUEST | '* | 'GUEST-'*) tap_note "$DST guest $line" ;;
	esac
done <"$logs/guest-dst.log"
[ "$n" -gt 0 ] || tap_fail "$DST: the guest printed its results (log: $logs/guest-dst.log)"
held=$(fleet_ssh "$DST" mtty-status --json </dev/null 2>/dev/null |
	jq -r ".devices[] | select(.uuid == \"$DST_U\") | .holder.domain // \"none\"")
tap_is "$DST: mtty-status shows $DST_U held by the domain" "$DOM" "$held"
held=$(fleet_ssh "$SRC" mtty-status --json </dev/null 2>/dev/null |
	jq -r ".devices[] | select(.uuid == \"$SRC_U\") | \"\(.active) \(.holder.domain // \"none\")\"")
tap_is "$SRC: $SRC_U is active and free again" "true none" "$held"

ssh_ok "$DST: virsh destroy $DOM" "$DST" "virsh destroy $DOM"
ssh_ok "$SRC: virsh undefine $DOM" "$SRC" "virsh undefine $DOM"
fleet_teardown
echo "# two-host migration tier: $(($(date +%s) - begin)) s wall in all"
tap_done
