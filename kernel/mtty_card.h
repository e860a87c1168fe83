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

/*
 * Read @len consecutive bytes of configuration space from @off into @buf.
 * Offsets past the header read 0xff; PCI_STATUS_INTERRUPT shows whether
 * some port requests an interrupt.  The one way to read config space;
 * @off + @len must not wrap around.
 */
void mtty_card_config_read(const struct mtty_card *card, unsigned int off,
			   u8 *buf, unsigned int len);
/* Byte write at @off; see mtty_pci_write(). */
void mtty_card_config_write(struct mtty_card *card, unsigned int off, u8 val);

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
