#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# First boot: 100 auto definitions for the next one.
define_auto 100
