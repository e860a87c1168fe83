#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Reading ansible-playbook's output (sourced, POSIX sh).
#
#   ansible_recap LOG HOST FIELD   a number (ok, changed, unreachable,
#                                  failed, ...) of HOST's line in the last
#                                  PLAY RECAP of LOG; nothing when absent

ansible_recap() {
	sed -n "s/^$2 *: .*[^a-z]$3=\([0-9]*\).*/\1/p" "$1" | tail -n 1
}
