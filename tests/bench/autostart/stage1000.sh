#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Booted with 1,000 auto definitions: measure.
measure 1000
