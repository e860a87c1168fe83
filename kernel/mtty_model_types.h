/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fixed-width types for the mtty device model.
 *
 * The device model (mtty_pci.c, mtty_uart.c, mtty_card.c, mtty_irqmodel.c)
 * is compiled both
 * into the kernel module and into host unit tests and fuzzers.  This header
 * is the only place that knows which of the two worlds it is in.
 */
#ifndef MTTY_MODEL_TYPES_H
#define MTTY_MODEL_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>

/* The compiler's own names, so kernel style holds in both worlds. */
typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef __UINT64_TYPE__ u64;
#endif

#endif /* MTTY_MODEL_TYPES_H */
