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
# Besides its NIC on QEMU's user network (SSH from this machine), each
# host has a second NIC on a link between the two: a QEMU socket network
# (UDP datagrams between two ports of this machine's loopback address),
# 10.77.0.1 on the source and 10.77.0.2 on the destination. libvirt on
# the source talks to the destination's over SSH on that link (the
# fleet's key), and QEMU's migration stream takes the same link. The guest is
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
# Environment: MTTY_CACHE, MTTY_LINK_PORT (the first of the link's two
# UDP ports, default 10222) and the settings of hosts.sh.

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
LINK_PORT=${MTTY_LINK_PORT:-10222}
LINK_MAC=52:54:00:4d:00:0
LINK_NET=10.77.0.
# Seconds of its own time the guest waits, after preparing its card, for
# the migration to be over; its checks come after.
WAIT=240
GLOG=/var/log/libvirt/qemu/$DOM-serial.log

# Host N (1 the source, 2 the destination) sends the link's frames from
# port LINK_PORT + N - 1 to the other's. Distinct SMBIOS UUIDs, which
# libvirt takes as the host's UUID: it refuses to migrate to a host whose
# UUID is its own, and both hosts are copies of one image.
while ss -Hlun "sport = :$LINK_PORT or sport = :$((LINK_PORT + 1))" 2>/dev/null | grep -q .; do
	LINK_PORT=$((LINK_PORT + 2))
done
# link_index HOST: 1 for the source, 2 for the destination.
link_index() {
	if [ "$1" = "$SRC" ]; then echo 1; else echo 2; fi
}
fleet_host_added() {
	_n=$(link_index "$1")
	_o=$((3 - _n))
	fleet_qemu_args "$1" -uuid "6d747479-0000-4000-8000-00000000000$_n" \
		-netdev "socket,id=link,udp=127.0.0.1:$((LINK_PORT + _o - 1)),localaddr=127.0.0.1:$((LINK_PORT + _n - 1))" \
		-device "virtio-net-pci,netdev=link,mac=$LINK_MAC$_n"
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
for h in $SRC $DST; do
	fleet_copy "$h" /var/lib/libvirt/boot/mtty-guest-vmlinux "$gkernel" &&
		fleet_copy "$h" /var/lib/libvirt/boot/mtty-guest-initramfs.cpio.gz "$ginitrd" &&
		fleet_ssh "$h" 'chmod 0644 /var/lib/libvirt/boot/mtty-guest-*' </dev/null
	tap_is "$h: the guest's files are in /var/lib/libvirt/boot" 0 "$?"
done
key=$(fleet_key)
# The link's addresses, on the NIC with the link's MAC address.
for h in $SRC $DST; do
	n=$(link_index "$h")
	# shellcheck disable=SC2016  # expanded on the host
	ssh_ok "$h: ${LINK_NET}$n/24 on its link NIC" "$h" \
		"dev=\$(ip -o link | awk -F': ' '/link\/ether $LINK_MAC$n/ { print \$2 }')
		[ -n \"\$dev\" ] && ip addr add ${LINK_NET}$n/24 dev \"\$dev\" && ip link set \"\$dev\" up"
done
DST_IP=${LINK_NET}2
fleet_copy "$SRC" /root/.ssh/id_ed25519 "$key"
ssh_ok "$SRC reaches $DST's SSH server over the link ($DST_IP) with the fleet's key" "$SRC" \
	"chmod 0600 /root/.ssh/id_ed25519 && w=0 &&
	until ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o ConnectTimeout=10 root@$DST_IP hostname | grep -qx $DST; do
		w=\$((w + 1)); [ \$w -lt 10 ] || exit 1; sleep 3; done"
dst_uri="qemu+ssh://root@$DST_IP/system?keyfile=/root/.ssh/id_ed25519&no_verify=1"
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
	--xml /root/$DOM-dst.xml $DOM '$dst_uri' tcp://$DST_IP" \
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
