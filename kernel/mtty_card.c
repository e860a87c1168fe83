// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mtty card: a PCI header and one 16550A behind each I/O BAR, sharing
 * the INTA# pin.
 */
#include <linux/pci_regs.h>

#include "mtty_card.h"

void mtty_card_init(struct mtty_card *card, unsigned int nr_ports)
{
	if (nr_ports < 1)
		nr_ports = 1;
	if (nr_ports > MTTY_MAX_PORTS)
		nr_ports = MTTY_MAX_PORTS;
	card->nr_ports = nr_ports;
	mtty_card_reset(card);
}

void mtty_card_reset(struct mtty_card *card)
{
	unsigned int i;

	mtty_pci_init(&card->pci, card->nr_ports);
	for (i = 0; i < MTTY_MAX_PORTS; i++)
		mtty_uart_reset(&card->port[i]);
}

unsigned int mtty_card_irq_ports(const struct mtty_card *card)
{
	unsigned int i, ports = 0;

	for (i = 0; i < card->nr_ports; i++)
		if (mtty_uart_irq_pending(&card->port[i]))
			ports |= 1u << i;
	return ports;
}

bool mtty_card_intx_level(const struct mtty_card *card)
{
	if (mtty_pci_command(&card->pci) & PCI_COMMAND_INTX_DISABLE)
		return false;
	return mtty_card_irq_ports(card);
}

void mtty_card_config_read(const struct mtty_card *card, unsigned int off,
			   u8 *buf, unsigned int len)
{
	const u8 *cfg = card->pci.cfg;
	unsigned int i;

	for (i = 0; i < len; i++)
		buf[i] = off + i < MTTY_PCI_CONFIG_SIZE ? cfg[off + i] : 0xff;
	/* Only the status byte shows the ports: spare other reads the scan. */
	if (off <= PCI_STATUS && PCI_STATUS - off < len &&
	    mtty_card_irq_ports(card))
		buf[PCI_STATUS - off] |= PCI_STATUS_INTERRUPT;
}

void mtty_card_config_write(struct mtty_card *card, unsigned int off, u8 val)
{
	mtty_pci_write(&card->pci, off, val);
}

static struct mtty_uart *mtty_card_uart(struct mtty_card *card,
					unsigned int bar, unsigned int off)
{
	if (bar >= card->nr_ports || off >= MTTY_UART_NR_REGS)
		return NULL;
	return &card->port[bar];
}

u8 mtty_card_bar_read(struct mtty_card *card, unsigned int bar,
		      unsigned int off)
{
	struct mtty_uart *uart = mtty_card_uart(card, bar, off);

	return uart ? mtty_uart_read(uart, off) : 0xff;
}

void mtty_card_bar_write(struct mtty_card *card, unsigned int bar,
			 unsigned int off, u8 val)
{
	struct mtty_uart *uart = mtty_card_uart(card, bar, off);

	if (uart)
		mtty_uart_write(uart, off, val);
}
