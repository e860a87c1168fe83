/* SPDX-License-Identifier: GPL-2.0-only */
/* Little-endian multi-byte config accesses, split as the VFIO layer does. */
#ifndef CFG_H
#define CFG_H

#include <linux/pci_regs.h>

#include "mtty_card.h"

static inline u8 cfg_read8(const struct mtty_card *card, unsigned int off)
{
	u8 v;

	mtty_card_config_read(card, off, &v, 1);
	return v;
}

static inline u32 cfg_read32(const struct mtty_card *card, unsigned int off)
{
	u32 v = 0;

	for (unsigned int i = 0; i < 4; i++)
		v |= (u32)cfg_read8(card, off + i) << (8 * i);
	return v;
}

static inline u16 cfg_read16(const struct mtty_card *card, unsigned int off)
{
	return (u16)(cfg_read8(card, off) | cfg_read8(card, off + 1) << 8);
}

static inline void cfg_write32(struct mtty_card *card, unsigned int off,
			       u32 v)
{
	for (unsigned int i = 0; i < 4; i++)
		mtty_card_config_write(card, off + i, (u8)(v >> (8 * i)));
}

static inline void cfg_write16(struct mtty_card *card, unsigned int off,
			       u16 v)
{
	mtty_card_config_write(card, off, (u8)v);
	mtty_card_config_write(card, off + 1, (u8)(v >> 8));
}

#endif /* CFG_H */
