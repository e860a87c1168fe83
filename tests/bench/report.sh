#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Turn the serial log of a benchmark VM run into docs/benchmarks.md
# (printed on stdout).
#
#   report.sh LOG
#
# Environment (set by run.sh): BENCH_CLOCK, BENCH_WALL (seconds),
# BENCH_HOST_CPU, BENCH_HOST_CORES, BENCH_QEMU, BENCH_PROJECT (revision
# of the module under test), BENCH_SAMPLE (where the sample came from).
# tests/bench/analysis.md, if present, is appended as the hand-written
# explanation of the shortfalls.

set -eu

here=$(cd "$(dirname "$0")" && pwd)
log=${1:?usage: report.sh LOG}

LC_ALL=C awk \
	-v clock="${BENCH_CLOCK:-icount}" \
	-v wall="${BENCH_WALL:-?}" \
	-v host_cpu="${BENCH_HOST_CPU:-unknown}" \
	-v host_cores="${BENCH_HOST_CORES:-?}" \
	-v qemu="${BENCH_QEMU:-qemu-system-x86_64}" \
	-v project="${BENCH_PROJECT:-kernel/mtty.ko}" \
	-v sample="${BENCH_SAMPLE:-samples/vfio-mdev/mtty.c}" \
	-v date="$(date -u '+%Y-%m-%d %H:%M UTC')" \
	-f "$here/report.awk" "$log"

if [ -f "$here/analysis.md" ]; then
	echo
	cat "$here/analysis.md"
fi
