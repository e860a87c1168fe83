#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# A bounded, seeded libFuzzer run of the device model: fuzz_card.c drives
# the plain-C card with random config, register and FIFO traffic and
# asserts the model's invariants, under ASan and UBSan. It is the stage
# "fuzzmodel" of `make test`; `make -C tests/unit fuzz` is the open-ended
# run. New inputs go to a scratch directory, so the tree is not touched;
# the seeds in corpus/ are read.
#
#   fuzz-check.sh [RUNS] [SEED]     (default 60000 runs, seed 1: about a minute)
#
# Prints "ok - ..." or "not ok - ..." and "fuzzmodel: N passed, N failed";
# exits non-zero on a crash, an assertion, a sanitizer report, a leak or a
# harness that cannot be built (clang missing).

set -u
cd "$(dirname "$0")" || exit 2
runs=${1:-60000}
seed=${2:-1}

passed=0
failed=0
finish() {
	echo "fuzzmodel: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

if ! make -s build/fuzz_card >/dev/null; then
	failed=1
	echo "not ok - build the libFuzzer harness build/fuzz_card (needs clang)"
	finish
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
./build/fuzz_card -seed="$seed" -runs="$runs" -max_len=1024 \
	-print_final_stats=1 -artifact_prefix="$work/" "$work" corpus \
	>"$work/log" 2>&1
rc=$?
cov=$(sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\) corp: \([0-9]*\).*/cov \1, features \2, corpus \3/p' \
	"$work/log" | tail -n 1)
time=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log")
if [ "$rc" -eq 0 ] && grep -q "^Done $runs runs" "$work/log"; then
	passed=1
	echo "ok - libFuzzer: $runs runs of the device model (seed $seed), $cov, $time exec/s: no crash, assertion or sanitizer report"
else
	failed=1
	echo "not ok - libFuzzer: $runs runs of the device model (seed $seed) ended with status $rc"
	grep -E 'invariant|ERROR|Assertion|runtime error|SUMMARY|artifact' "$work/log" | head -n 20 | sed 's/^/#   /'
	tail -n 10 "$work/log" | sed 's/^/#   /'
	for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-*; do
		[ -e "$a" ] || continue
		mkdir -p build
		cp "$a" build/
		echo "# kept the input as tests/unit/build/${a##*/}: replay with build/fuzz_card FILE"
	done
fi
finish
