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

# -MMD -MP: rebuild objects when a header they include changes.
%.o: %.c
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<
