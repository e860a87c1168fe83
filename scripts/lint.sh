#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Static checks of the whole tree, one result line each, then a summary:
# checkpatch --strict on the kernel code, cppcheck and clang-tidy on
# user-space C, shellcheck on every shell script.  The kernel's W=1 +
# sparse build is the build matrix's (tests/matrix/run.sh), once for every
# supported kernel, each in its own suite's chroot.
set -u
cd "$(dirname "$0")/.." || exit 2

pass=0
fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

check() {
	desc=$1
	shift
	if "$@" >"$log" 2>&1; then
		pass=$((pass + 1))
		echo "ok - $desc"
	else
		fail=$((fail + 1))
		echo "not ok - $desc"
		sed 's/^/#   /' "$log" | head -40
	fi
}

kernel_sources() {
	find kernel -name '*.[ch]' ! -name '*.mod.c' ! -name mtty_config.h | sort
}

# checkpatch prints "total: 0 errors, 0 warnings, 0 checks" per clean file.
checkpatch_clean() {
	# shellcheck disable=SC2046
	out=$(sh scripts/checkpatch.sh $(kernel_sources)) || { echo "$out"; return 1; }
	echo "$out" | grep -E 'ERROR|WARNING|CHECK' && return 1
	return 0
}

user_c_sources() {
	find tools tests -name '*.c' 2>/dev/null | sort
}

cppcheck_clean() {
	# shellcheck disable=SC2046
	cppcheck --quiet --error-exitcode=1 --std=c11 \
		--enable=warning,style,performance,portability \
		--suppress=missingIncludeSystem --inline-suppr \
		-I kernel -I tools $(user_c_sources)
}

clang_tidy_clean() {
	# shellcheck disable=SC2046
	out=$(clang-tidy --quiet --warnings-as-errors='*' \
		--checks='-*,clang-analyzer-*,-clang-analyzer-valist.Uninitialized,bugprone-*,-bugprone-easily-swappable-parameters,-bugprone-reserved-identifier,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling' \
		$(user_c_sources | grep -v fuzz_) -- -std=c11 -D_GNU_SOURCE -DMTTY_VERSION='"lint"' \
		-I kernel -I tools 2>&1) ||
		{ echo "$out"; return 1; }
	return 0
}

shell_scripts() {
	{
		find . -path ./.git -prune -o -type f \( -name '*.sh' -o -path './.ci/run' \) -print
		grep -rlE '^#!/bin/(ba)?sh' tests udev systemd mdevctl-callouts debian libvirt-xml 2>/dev/null
	} | sort -u
}

check "checkpatch --strict on kernel/" checkpatch_clean
check "cppcheck on user-space C" cppcheck_clean
check "clang-tidy on user-space C" clang_tidy_clean
# shellcheck disable=SC2046
check "shellcheck on shell scripts" shellcheck -s sh $(shell_scripts)

echo "lint: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
