# SPDX-License-Identifier: GPL-2.0-only
#
# Compiler settings and the object rule shared by the Makefiles of tools/,
# tools/fuzz/ and tools/bench/, which include this file.

# "CC ?= gcc" would never apply: make predefines CC as cc.
ifeq ($(origin CC),default)
CC := gcc
endif
CFLAGS ?= -O2
# Kept apart from CFLAGS so that "make CFLAGS=-g" cannot drop them.
MTTY_CFLAGS := -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE \
	-D_FILE_OFFSET_BITS=64
ALL_CFLAGS = $(MTTY_CFLAGS) $(CFLAGS)

# The version every tool prints, from the one place it is kept.
mtty_changelog_version := 1s/^[^ ]* (\([^)]*\)).*/\1/p
MTTY_VERSION ?= $(shell sed -n '$(mtty_changelog_version)' $(dir $(lastword $(MAKEFILE_LIST)))../debian/changelog)
ifeq ($(MTTY_VERSION),)
$(error no version: debian/changelog not found)
endif
MTTY_CFLAGS += -DMTTY_VERSION='"$(MTTY_VERSION)"'


# -MMD -MP: rebuild objects when a header they include changes.
%.o: %.c
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<
