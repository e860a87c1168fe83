#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Run every test stage given on the command line (lint, unit, vm, ...) and
# add up their results.  Each stage ends with its own "N passed, N failed"
# line (possibly after "# " or "NAME: "); a stage that dies without one
# counts as one failure.  The last line
# printed is the total.
#
# A stage may name a Debian suite (tests/lib/suites.list) after a colon:
# vm:trixie boots trixie's kernel, reliability:trixie takes its slice
# there, rootfs:trixie, libvirt:trixie, demo:trixie, migrate:trixie and
# package:trixie run on a Debian 13 system.  Each stage's result is kept
# in build/results/STAGE, and the support table in README.md is rewritten
# from them (tests/support-table.sh).
#
# STAGE+STAGE... runs those stages side by side, each in the background
# with its output in a file, then prints each one's output in turn and
# counts each as its own stage.  Only for stages that share no tree output
# and run single-threaded VMs, so that two of them fill the 2 cores one
# would leave half idle (make test-full runs the two package-full stages
# so: two times 30 minutes become about 30).
set -u
cd "$(dirname "$0")/.." || exit 2

total_pass=0
total_fail=0
summary=

stage_cmd() {
	case $1 in
	matrix) echo "sh tests/matrix/run.sh" ;;
	deb) echo "sh scripts/build-deb.sh" ;;
	# The Debian packages' life on a Debian system of that suite.
	package:*) echo "env MTTY_SUITE=${1#package:} sh tests/package/run.sh" ;;
	package-full:*) echo "env MTTY_SUITE=${1#package-full:} sh tests/package/run.sh --full" ;;
	hostdeps:*) echo "sh tests/hostdeps/run.sh ${1#hostdeps:}" ;;
	vm:*) echo "sh tests/vm/run-vm.sh --kernel ${1#vm:} --suite all" ;;
	# The full-system tiers on a Debian system of that suite.
	rootfs:*) echo "env MTTY_SUITE=${1#rootfs:} sh tests/rootfs/run.sh" ;;
	libvirt:*) echo "env MTTY_SUITE=${1#libvirt:} sh tests/libvirt/run.sh" ;;
	demo:*) echo "env MTTY_SUITE=${1#demo:} sh tests/libvirt/run.sh --demo" ;;
	migrate:*) echo "env MTTY_SUITE=${1#migrate:} sh tests/libvirt/run.sh --stages migrate" ;;
	reliability:*) echo "sh tests/debug-kernel/run.sh --slice --kernel ${1#reliability:}" ;;
	lint) echo "sh scripts/lint.sh" ;;
	unit) echo "make -s -C tests/unit check" ;;
	fuzzmodel) echo "sh tests/unit/fuzz-check.sh" ;;
	callout) echo "sh tests/callout/run.sh" ;;
	rootfs) echo "sh tests/rootfs/run.sh" ;;
	libvirt-xml) echo "sh tests/libvirt/validate.sh" ;;
	libvirt) echo "sh tests/libvirt/run.sh" ;;
	demo) echo "sh tests/libvirt/run.sh --demo" ;;
	vm) echo "sh tests/vm/run-vm.sh --suite all" ;;
	client) echo "make -s -C tools check" ;;
	status) echo "make -s -C tools status-check" ;;
	ansible) echo "sh tests/ansible/run.sh" ;;
	# Three full Debian 12 and 13 hosts converged by the Ansible role.
	fleet) echo "sh tests/fleet/run.sh" ;;
	# A libvirt guest live-migrated between two full Debian 13 hosts.
	migrate-hosts) echo "sh tests/fleet/migrate.sh" ;;
	vfiohost) echo "make -s -C tests/vfio check" ;;
	fuzzhost) echo "make -s -C tools/fuzz check" ;;
	# Debug kernel if tests/debug-kernel/build.sh's is cached, else Debian's.
	reliability) echo "sh tests/debug-kernel/run.sh --slice" ;;
	# The full run on the debug kernel, built first if not cached.
	debug) echo "sh tests/debug-kernel/run.sh --full" ;;
	*) return 1 ;;
	esac
}

# tally STAGE OUT: count the result of STAGE, whose output is in OUT and
# its exit status in OUT.rc; both files go.
tally() {
	rc=$(sed 's/exit=//' "$2.rc")
	line=$(grep -E '^(# )?([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$2" | tail -n 1)
	p=$(echo "$line" | sed -nE 's/.*(^|[^0-9])([0-9]+) passed.*/\2/p')
	f=$(echo "$line" | sed -nE 's/.* ([0-9]+) failed.*/\1/p')
	rm -f "$2" "$2.rc"
	if [ -z "$p" ] || [ -z "$f" ]; then
		p=0
		f=1
		echo "run-all: stage $1 printed no result line (exit $rc)"
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "run-all: stage $1 exited $rc with no failed check"
	fi
	summary="$summary
  $1: $p passed, $f failed"
	mkdir -p build/results
	echo "$p $f $(date -u +%Y-%m-%d) $(git rev-parse --short HEAD 2>/dev/null || echo -)" >"build/results/$1"
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
}

for stage in "$@"; do
	# --subtotal=LABEL: the counts so far, as "LABEL: N passed, N failed"
	# (make test-full prints make test's own closing line this way).
	case $stage in
	--subtotal=*)
		echo "=== ${stage#--subtotal=}: the stages above"
		echo "${stage#--subtotal=}: $total_pass passed, $total_fail failed"
		continue
		;;
	*+*)
		members=$(echo "$stage" | tr '+' ' ')
		for m in $members; do
			stage_cmd "$m" >/dev/null || { echo "run-all: unknown stage $m" >&2; exit 2; }
		done
		echo "=== side by side: $members (each one's output when all have ended)"
		outs=
		for m in $members; do
			out=$(mktemp)
			outs="$outs $out"
			cmd=$(stage_cmd "$m")
			echo "# $m: $cmd, output in $out as it comes"
			{ $cmd >"$out" 2>&1; echo "exit=$?" >"$out.rc"; } &
		done
		wait
		for out in $outs; do
			m=${members%% *}
			members=${members#"$m"}
			members=${members# }
			echo "=== $m: $(stage_cmd "$m")"
			cat "$out"
			tally "$m" "$out"
		done
		continue
		;;
	esac
	cmd=$(stage_cmd "$stage") || { echo "run-all: unknown stage $stage" >&2; exit 2; }
	echo "=== $stage: $cmd"
	out=$(mktemp)
	# The stage's output goes to the terminal as it comes and to a file.
	{ $cmd 2>&1; echo "exit=$?" >"$out.rc"; } | tee "$out"
	tally "$stage" "$out"
done

sh tests/support-table.sh >/dev/null ||
	echo "run-all: could not update the support table in README.md"
echo "=== summary$summary"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
