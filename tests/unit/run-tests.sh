#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs the unit tests and the fuzz replay in the plain and sanitizer builds
# of build dir $1, prints one line per run (details of failures from the
# logs) and exits non-zero if any run failed.
#
# usage: run-tests.sh BUILD_DIR TEST...

set -u

b=$1
shift
failed=0
runs=0
# Individual checks over all runs; a run without its own count is one check.
checks_ok=0
checks_bad=0
seed=${FUZZ_RANDOM_SEED:-1}
count=${FUZZ_RANDOM_RUNS:-3000}

# Sanitizer findings must fail the run, leaks included.
ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

# count_checks RC LOG: add the run's "N passed, M failed" to the totals.
count_checks() {
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$2" | tail -n 1)
	if [ -n "$line" ]; then
		p=${line%% passed*}
		f=${line#*passed, }
		f=${f%% failed*}
		[ "$1" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	elif [ "$1" -eq 0 ]; then
		p=1 f=0
	else
		p=0 f=1
	fi
	checks_ok=$((checks_ok + p))
	checks_bad=$((checks_bad + f))
}

# run NAME LOG CMD...: runs CMD, logs its output, reports it.
run() {
	name=$1
	log=$2
	shift 2
	runs=$((runs + 1))
	"$@" >"$log" 2>&1
	rc=$?
	count_checks "$rc" "$log"
	if [ "$rc" -eq 0 ]; then
		summary=$(tail -n 1 "$log")
		echo "PASS $name: $summary"
	else
		failed=$((failed + 1))
		echo "FAIL $name (log: $log)"
		if grep -q '^not ok' "$log"; then
			grep -A 3 '^not ok' "$log" | grep -v '^ok ' |
				sed 's/^/    /'
			echo "    $(tail -n 1 "$log")"
		else
			tail -n 20 "$log" | sed 's/^/    /'
		fi
	fi
}

for build in plain san; do
	for t in "$@"; do
		run "$build/$t" "$b/$build/$t.log" "$b/$build/$t"
	done
	if [ -d corpus ]; then
		run "$build/fuzz_replay corpus" "$b/$build/fuzz-corpus.log" \
			"$b/$build/fuzz_replay" corpus
	fi
	if [ -d "$b/fuzz-corpus" ]; then
		run "$build/fuzz_replay $b/fuzz-corpus" \
			"$b/$build/fuzz-found.log" \
			"$b/$build/fuzz_replay" "$b/fuzz-corpus"
	fi
	run "$build/fuzz_replay random" "$b/$build/fuzz-random.log" \
		"$b/$build/fuzz_replay" -r "$seed" "$count"
done

echo "# $runs runs, $((runs - failed)) passed, $failed failed"
echo "unit: $checks_ok passed, $checks_bad failed"
[ "$failed" -eq 0 ]
