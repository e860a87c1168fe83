/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Model of the whole mtty card: its PCI header and one UART per I/O BAR.
 *
 * No kernel headers: see mtty_model_types.h.  Not thread-safe; the caller
 * serialises all calls for one card.
 */
#ifndef MTTY_CARD_H
#define MTTY_CARD_H

#include "mtty_model_types.h"
#include "mtty_pci.h"
#include "mtty_uart.h"

#define MTTY_MAX_PORTS	MTTY_PCI_MAX_BARS

struct mtty_card {
	unsigned int nr_ports;	/* 1 or 2 */
	struct mtty_pci pci;
	struct mtty_uart port[MTTY_MAX_PORTS];
};

/* Power-on state of a card with @nr_ports ports (clamped to 1..2). */
void mtty_card_init(struct mtty_card *card, unsigned int nr_ports);

/* Function-level reset: every register back to its power-on value. */
void mtty_card_reset(struct mtty_card *card);

/* Configuration space, byte-wide; see mtty_pci_read(). */
u8 mtty_card_config_read(const struct mtty_card *card, unsigned int off);
void mtty_card_config_write(struct mtty_card *card, unsigned int off, u8 val);

/* Whether some port requests an interrupt (PCI_STATUS_INTERRUPT). */
bool mtty_card_irq_any(const struct mtty_card *card);

/*
 * mtty_card_config_read() of @len consecutive bytes from @off into @buf.
 * Inline, with mtty_pci_read_block(): it is all a config read does, and
 * two out-of-line calls cost more than the copy (docs/benchmarks.md).
 */
static inline void mtty_card_config_read_block(const struct mtty_card *card,
					       unsigned int off, u8 *buf,
					       unsigned int len)
{
	/* One look at the ports for the whole access, if it spans status. */
	bool intx = off <= PCI_STATUS && PCI_STATUS - off < len &&
		    mtty_card_irq_any(card);

	mtty_pci_read_block(&card->pci, off, buf, len, intx);
}

/*
 * UART register @off of the port behind BAR @bar.  A BAR the card does not
 * implement, or an offset past the BAR, reads 0xff and ignores writes.
 */
u8 mtty_card_bar_read(struct mtty_card *card, unsigned int bar,
		      unsigned int off);
void mtty_card_bar_write(struct mtty_card *card, unsigned int bar,
			 unsigned int off, u8 val);

/* Bit n set while port n requests an interrupt. */
unsigned int mtty_card_irq_ports(const struct mtty_card *card);

/*
 * Level of the INTx pin: some port requests an interrupt and the command
 * register does not have PCI_COMMAND_INTX_DISABLE set.
 */
bool mtty_card_intx_level(const struct mtty_card *card);

#endif /* MTTY_CARD_H */
