#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Turn the serial log of one kernel's benchmark VM run into that kernel's
# section of docs/benchmarks.md, and print the whole document on stdout:
# the sections of the other kernels are taken from DOC (the current
# docs/benchmarks.md) unchanged.
#
#   report.sh LOG [DOC]
#
# Environment (set by run.sh): BENCH_SUITE, BENCH_SERIES, BENCH_LABEL (the
# kernel: suite, series, label of tests/lib/suites.list), BENCH_CLOCK,
# BENCH_WALL (seconds), BENCH_HOST_CPU, BENCH_HOST_CORES, BENCH_QEMU,
# BENCH_PROJECT (revision of the module under test), BENCH_SAMPLE (where
# the sample came from), BENCH_CC (the compiler that built it),
# BENCH_SAMPLE_SRC (its mtty.c, read for what the notes on it say).
# report.awk makes the section, assemble.awk the document;
# tests/bench/analysis.md, the hand-written explanation of the shortfalls,
# is appended.

set -eu

here=$(cd "$(dirname "$0")" && pwd)
log=${1:?usage: report.sh LOG [DOC]}
doc=${2:-/dev/null}
[ -f "$doc" ] || doc=/dev/null
suite=${BENCH_SUITE:-bookworm}

# What this kernel's sample does, from its source.
src=${BENCH_SAMPLE_SRC:-/dev/null}
has() {
	if grep -q "$1" "$src" 2>/dev/null; then echo 1; else echo 0; fi
}

section=$(mktemp)
trap 'rm -f "$section"' EXIT
LC_ALL=C awk \
	-v suite="$suite" \
	-v series="${BENCH_SERIES:-?}" \
	-v label="${BENCH_LABEL:-Debian}" \
	-v clock="${BENCH_CLOCK:-icount}" \
	-v wall="${BENCH_WALL:-?}" \
	-v host_cpu="${BENCH_HOST_CPU:-unknown}" \
	-v host_cores="${BENCH_HOST_CORES:-?}" \
	-v qemu="${BENCH_QEMU:-qemu-system-x86_64}" \
	-v project="${BENCH_PROJECT:-kernel/mtty.ko}" \
	-v sample="${BENCH_SAMPLE:-samples/vfio-mdev/mtty.c}" \
	-v cc="${BENCH_CC:-gcc of the suite}" \
	-v sample_automask="$(has intx_mask)" \
	-v sample_close="$(has '\.close_device')" \
	-v sample_migration="$(has '\.migration_set_state')" \
	-v date="$(date -u '+%Y-%m-%d %H:%M UTC')" \
	-f "$here/report.awk" "$log" >"$section"

suites=$(awk -F '\t' '!/^#/ && NF { printf "%s%s:%s:%s", n++ ? "|" : "", $1, $2, $3 }' \
	"$here/../lib/suites.list")
LC_ALL=C awk -v suites="$suites" -f "$here/assemble.awk" "$doc" "$section"

if [ -f "$here/analysis.md" ]; then
	echo
	cat "$here/analysis.md"
fi
