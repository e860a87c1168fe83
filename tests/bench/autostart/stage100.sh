#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Booted with 100 auto definitions: measure; then 1,000 for the next boot.
measure 100
define_auto 1000
