#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# A fleet of full Debian systems under QEMU (TCG), each reached over SSH on
# a port of the loopback forwarded by QEMU's user network (sourced, POSIX
# sh; the caller sets $root and sources tests/lib/qemu.sh).
#
#   fleet_key                    path of the fleet's private SSH key (made
#                                once in $MTTY_CACHE/fleet/ssh)
#   fleet_init DIR               the run's host directories go in DIR
#   fleet_add NAME SUITE IMAGE   a host of Debian SUITE on a qcow2 overlay of
#                                IMAGE/disk.img (tests/fleet/mkrootfs-fleet.sh)
#                                with a free port of its own
#   fleet_qemu_args NAME ARG...  more arguments of its QEMU (next boot on)
#   fleet_start NAME             boot it in the background
#   fleet_wait_ssh NAME [SECS]   wait until its SSH server answers
#   fleet_ssh NAME CMD...        run CMD (one shell command line) on it
#   fleet_copy NAME DEST FILE... copy files to DEST on it (scp)
#   fleet_reboot NAME [SECS]     reboot it from inside and wait for SSH
#   fleet_poweroff NAME [SECS]   shut it down cleanly (killed after SECS)
#   fleet_kill NAME              pull its plug
#   fleet_poweron NAME [SECS]    boot it again and wait for SSH
#   fleet_alive NAME             status 0 while its QEMU runs (or restarts)
#   fleet_shutdown_all [SECS]    shut every host down; status 1 if one had
#                                to be killed
#   fleet_cleanup                kill what still runs (for an EXIT trap)
#   fleet_inventory FILE [GROUP] an Ansible inventory (INI) of the hosts
#   fleet_port NAME, fleet_console NAME, fleet_boots NAME
#                                its SSH port, its serial console's log
#                                (every boot, appended), its boot count
#
# Every host's NIC on the user network has the MAC address $fleet_mac,
# which the image's network configuration matches; a NIC added with
# fleet_qemu_args is left alone by it. Every host has the same 127.0.0.1
# address and its own port; the SSH client configuration
# $fleet_dir/ssh_config names each host, so that
# `ssh -F $fleet_dir/ssh_config NAME` reaches it by hand too. Host keys
# are neither checked nor stored: every overlay of an image has the same
# ones, and the next run's hosts have the same ports.
#
# A host's QEMU runs with -no-reboot (tests/lib/qemu.sh), so that a kernel
# panic ends it; its supervisor starts a new QEMU on the same overlay when
# the kernel's last words were an orderly restart ("reboot: Restarting
# system", which a panic never prints). A reboot from inside the guest, by
# systemctl or by Ansible's reboot module, so comes back on the same port.
#
# Environment: MTTY_FLEET_MEM (MiB per host, default 1536), MTTY_FLEET_SMP
# (vCPUs, default 1: TCG runs them in one host thread anyway),
# MTTY_FLEET_PORT (first port tried, default 10022), MTTY_FLEET_TIMEOUT
# (seconds one QEMU may run, default 7200).

fleet_mem=${MTTY_FLEET_MEM:-1536}
# The MAC address of every host's NIC on QEMU's user network, which the
# image's network configuration matches (mkrootfs-fleet.sh).
fleet_mac=52:54:00:12:34:56
fleet_smp=${MTTY_FLEET_SMP:-1}
fleet_timeout=${MTTY_FLEET_TIMEOUT:-7200}
fleet_next_port=${MTTY_FLEET_PORT:-10022}
fleet_names=

fleet_key() {
	_fk=${MTTY_CACHE:-$HOME/.cache/mtty}/fleet/ssh/id_ed25519
	if [ ! -f "$_fk.pub" ]; then
		mkdir -p "${_fk%/*}"
		chmod 0700 "${_fk%/*}"
		(
			flock 9
			[ -f "$_fk.pub" ] && exit 0
			rm -f "$_fk"
			ssh-keygen -q -t ed25519 -N '' -C mtty-fleet -f "$_fk" >&2
		) 9>"${_fk%/*}/.lock" || return 1
	fi
	echo "$_fk"
}

fleet_init() {
	fleet_dir=$1
	mkdir -p "$fleet_dir"
	fleet_sshkey=$(fleet_key) || return 1
	cat >"$fleet_dir/ssh_config" <<EOF
Host *
	HostName 127.0.0.1
	User root
	IdentityFile $fleet_sshkey
	IdentitiesOnly yes
	BatchMode yes
	StrictHostKeyChecking no
	UserKnownHostsFile /dev/null
	LogLevel ERROR
	ConnectTimeout 20
	ServerAliveInterval 15
	ServerAliveCountMax 8
EOF
}

fleet_port() { cat "$fleet_dir/$1/port"; }
fleet_console() { echo "$fleet_dir/$1/console.log"; }
fleet_boots() { cat "$fleet_dir/$1/boots" 2>/dev/null || echo 0; }

fleet_add() {
	_fname=$1 _fimg=$3
	_fh=$fleet_dir/$1
	mkdir -p "$_fh"
	echo "$2" >"$_fh/suite"
	echo "$3" >"$_fh/image"
	: >"$_fh/qemu-args"
	: >"$_fh/console.log"
	if ! qemu-img create -q -f qcow2 -F raw -b "$_fimg/disk.img" "$_fh/disk.qcow2"; then
		echo "fleet_add: no overlay of $_fimg/disk.img for $_fname" >&2
		return 1
	fi
	# A port nobody listens on; QEMU's hostfwd binds it at each boot.
	while ss -Hltn "sport = :$fleet_next_port" 2>/dev/null | grep -q .; do
		fleet_next_port=$((fleet_next_port + 1))
	done
	echo "$fleet_next_port" >"$_fh/port"
	# The entry before the "Host *" defaults, which ssh applies after it.
	{
		printf 'Host %s\n\tPort %s\n' "$_fname" "$fleet_next_port"
		cat "$fleet_dir/ssh_config"
	} >"$fleet_dir/ssh_config.new"
	mv "$fleet_dir/ssh_config.new" "$fleet_dir/ssh_config"
	fleet_next_port=$((fleet_next_port + 1))
	fleet_names="$fleet_names $_fname"
}

fleet_qemu_args() {
	_qh=$fleet_dir/$1
	shift
	for _qa in "$@"; do
		printf '%s\n' "$_qa" >>"$_qh/qemu-args"
	done
}

# fleet_loop NAME: the supervisor of a host (in the background): one QEMU
# per boot, until a boot ends otherwise than by an orderly restart or the
# host is marked off. Its QEMU exit status goes to NAME/exit.
fleet_loop() {
	_lname=$1
	_lh=$fleet_dir/$1
	_limg=$(cat "$_lh/image")
	_lport=$(cat "$_lh/port")
	# The host's own QEMU arguments (fleet_add), one per line.
	set --
	while IFS= read -r _larg; do
		set -- "$@" "$_larg"
	done <"$_lh/qemu-args"
	while :; do
		_ln=$(($(fleet_boots "$_lname") + 1))
		_loff=$(stat -c %s "$_lh/console.log")
		echo "$_ln" >"$_lh/boots"
		echo "# $_lname: boot $_ln at $(date +%T)"
		_lrc=0
		# nosoftlockup: under TCG the guest's clock can jump by hours
		# when the host is busy, and the watchdog then reports a
		# lockup of whatever task was running (seen: ext4_readdir of
		# Ansible's python3, "stuck for 92023s" in a 23-minute run).
		qemu_tcg "$fleet_timeout" -m "$fleet_mem" -smp "$fleet_smp" \
			-display none -monitor none \
			-kernel "$_limg/vmlinuz" -initrd "$_limg/initrd.img" \
			-append "root=/dev/vda rw console=ttyS0 panic=-1 nosoftlockup systemd.hostname=$_lname" \
			-drive "file=$_lh/disk.qcow2,format=qcow2,if=virtio,cache=unsafe" \
			-netdev "user,id=net0,hostfwd=tcp:127.0.0.1:$_lport-:22" \
			-device "virtio-net-pci,netdev=net0,mac=$fleet_mac" \
			-chardev "file,id=con0,path=$_lh/console.log,append=on" \
			-serial chardev:con0 -pidfile "$_lh/qemu.pid" "$@" || _lrc=$?
		rm -f "$_lh/qemu.pid"
		echo "# $_lname: boot $_ln ended at $(date +%T), qemu exit $_lrc"
		[ -f "$_lh/off" ] && break
		tail -c +$((_loff + 1)) "$_lh/console.log" | tr -d '\r' |
			grep -q 'reboot: Restarting system' || break
	done
	echo "$_lrc" >"$_lh/exit"
}

fleet_start() {
	_sh=$fleet_dir/$1
	rm -f "$_sh/off" "$_sh/exit"
	fleet_loop "$1" >>"$_sh/supervisor.log" 2>&1 </dev/null &
	echo $! >"$_sh/supervisor.pid"
}

# The supervisor writes NAME/exit as its last act; the PID covers one that
# was killed. (A finished background job may linger as a zombie, which
# kill -0 still finds, hence the exit file first.)
fleet_alive() {
	[ -f "$fleet_dir/$1/supervisor.pid" ] && [ ! -f "$fleet_dir/$1/exit" ] &&
		kill -0 "$(cat "$fleet_dir/$1/supervisor.pid")" 2>/dev/null
}

fleet_ssh() {
	_xn=$1
	shift
	ssh -F "$fleet_dir/ssh_config" "$_xn" "$@"
}

fleet_copy() {
	_cn=$1
	_cdest=$2
	shift 2
	scp -q -F "$fleet_dir/ssh_config" "$@" "$_cn:$_cdest"
}

fleet_wait_ssh() {
	_wend=$(($(date +%s) + ${2:-600}))
	while :; do
		fleet_ssh "$1" true </dev/null >/dev/null 2>&1 && return 0
		fleet_alive "$1" || return 1
		[ "$(date +%s)" -lt "$_wend" ] || return 1
		sleep 3
	done
}

# fleet_wait_down NAME SECS: wait for the supervisor to end.
fleet_wait_down() {
	_dend=$(($(date +%s) + $2))
	while fleet_alive "$1"; do
		[ "$(date +%s)" -lt "$_dend" ] || return 1
		sleep 2
	done
}

fleet_reboot() {
	_rlimit=${2:-600}
	_rend=$(($(date +%s) + _rlimit))
	_rb=$(fleet_boots "$1")
	# The connection may drop before systemctl returns.
	fleet_ssh "$1" systemctl reboot </dev/null >/dev/null 2>&1 || true
	while [ "$(fleet_boots "$1")" -le "$_rb" ]; do
		fleet_alive "$1" || return 1
		[ "$(date +%s)" -lt "$_rend" ] || return 1
		sleep 2
	done
	fleet_wait_ssh "$1" $((_rend - $(date +%s)))
}

fleet_kill() {
	touch "$fleet_dir/$1/off"
	# SIGTERM: QEMU closes the overlay cleanly; the guest just loses power.
	if [ -f "$fleet_dir/$1/qemu.pid" ]; then
		kill "$(cat "$fleet_dir/$1/qemu.pid")" 2>/dev/null
	fi
	fleet_wait_down "$1" 30
}

fleet_poweroff() {
	touch "$fleet_dir/$1/off"
	fleet_ssh "$1" systemctl poweroff </dev/null >/dev/null 2>&1 || true
	fleet_wait_down "$1" "${2:-300}" && return 0
	fleet_kill "$1"
	return 1
}

fleet_poweron() {
	fleet_start "$1"
	fleet_wait_ssh "$1" "${2:-600}"
}

fleet_shutdown_all() {
	_arc=0
	for _an in $fleet_names; do
		fleet_alive "$_an" || continue
		touch "$fleet_dir/$_an/off"
		timeout 60 ssh -F "$fleet_dir/ssh_config" "$_an" systemctl poweroff \
			</dev/null >/dev/null 2>&1 || true
	done
	for _an in $fleet_names; do
		fleet_wait_down "$_an" "${1:-300}" && continue
		echo "# $_an did not power off: killed" >&2
		fleet_kill "$_an"
		_arc=1
	done
	return "$_arc"
}

# shellcheck disable=SC2317  # called by the caller's trap
fleet_cleanup() {
	[ -n "${fleet_dir:-}" ] || return 0
	for _kn in $fleet_names; do
		fleet_alive "$_kn" || continue
		touch "$fleet_dir/$_kn/off"
		[ -f "$fleet_dir/$_kn/qemu.pid" ] &&
			kill "$(cat "$fleet_dir/$_kn/qemu.pid")" 2>/dev/null
	done
	for _kn in $fleet_names; do
		fleet_wait_down "$_kn" 30 || true
	done
}

fleet_inventory() {
	_ig=${2:-mtty_fleet}
	{
		echo "# The fleet of this run (tests/fleet/hosts.sh)."
		echo "[$_ig]"
		for _in in $fleet_names; do
			echo "$_in ansible_host=127.0.0.1 ansible_port=$(fleet_port "$_in") fleet_suite=$(cat "$fleet_dir/$_in/suite")"
		done
		echo
		echo "[$_ig:vars]"
		echo "ansible_user=root"
		echo "ansible_ssh_private_key_file=$fleet_sshkey"
		echo "ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ServerAliveInterval=15'"
		echo "ansible_python_interpreter=/usr/bin/python3"
	} >"$1"
}
