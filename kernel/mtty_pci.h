/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Model of the PCI type 0 configuration header of the mtty serial card.
 *
 * No kernel headers: see mtty_model_types.h.  Offsets and bits are those of
 * <linux/pci_regs.h>.  Every access is byte-wide; wider accesses are split
 * by the caller, which keeps the model trivially bounds-safe.
 */
#ifndef MTTY_PCI_H
#define MTTY_PCI_H

#include <linux/pci_regs.h>
#include "mtty_model_types.h"

#define MTTY_PCI_CONFIG_SIZE	256
#define MTTY_PCI_VENDOR_ID	0x4348
#define MTTY_PCI_DEVICE_ID	0x3253
#define MTTY_PCI_REVISION	0x10
/* Serial controller (0x07), 16550-compatible (0x00), prog-if 16550 (0x02). */
#define MTTY_PCI_CLASS		0x070002
/* I/O BARs of this size hold one UART each. */
#define MTTY_PCI_BAR_SIZE	8
#define MTTY_PCI_MAX_BARS	2

struct mtty_pci {
	u8 cfg[MTTY_PCI_CONFIG_SIZE];
	unsigned int nr_bars;	/* implemented I/O BARs, 1 or 2 */
};

/* Power-on state of a card with @nr_bars I/O BARs (clamped to 1..2). */
void mtty_pci_init(struct mtty_pci *pci, unsigned int nr_bars);

/*
 * Byte write at @off: only the bits of mtty_pci_wmask() change.  Offsets
 * past the header are ignored.  The card reads the header bytes (cfg[])
 * itself: see mtty_card_config_read().
 */
void mtty_pci_write(struct mtty_pci *pci, unsigned int off, u8 val);

/* Bits of the byte at @off that software may change. */
u8 mtty_pci_wmask(const struct mtty_pci *pci, unsigned int off);

/*
 * Migration state of the header (see mtty_mig.h): what software may have
 * written, that is the command register, the interrupt line and the BARs.
 * Layout: u16 command, u8 interrupt line, u8 BAR count, u32 per BAR.
 */
#define MTTY_PCI_STATE_SIZE(bars)	(4 + 4 * (bars))

void mtty_pci_save(const struct mtty_pci *pci, u8 *buf);

/*
 * Set the header from the MTTY_PCI_STATE_SIZE(nr_bars) bytes at @buf.
 * Returns false when the BAR count differs or a byte differs from the
 * header in bits software cannot write; @pci may then be partly set, so
 * the caller loads into a copy (mtty_mig_load() does).
 */
bool mtty_pci_load(struct mtty_pci *pci, const u8 *buf);

/* Current command register. */
u16 mtty_pci_command(const struct mtty_pci *pci);

#endif /* MTTY_PCI_H */
