// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mtty card as mtty-client and the VFIO conformance test see it: a
 * vfio-pci device whose non-empty BARs are 16550A UARTs, plus register and
 * config-space accessors that turn I/O errors into failed checks so that
 * checks can stay short.
 */
#include "card.h"

#include <errno.h>	/* errno, program_invocation_short_name */
#include <stdio.h>
#include <string.h>

#include <linux/pci_regs.h>
#include <linux/serial_reg.h>

/* What a read from an absent device returns on a PC bus. */
#define BUS_FLOAT		0xff
#define BITS_PER_BYTE		8
#define BYTE_MASK		0xff

/* The prefix of the type links mdev gives mtty's types ("mtty-2"). */
#define MTTY_TYPE_PREFIX	"mtty-"
#define MTTY_DRIVER		"mtty"

bool card_is_mtty(const struct vfio_mdev_identity *id)
{
	return !strncmp(id->type, MTTY_TYPE_PREFIX, strlen(MTTY_TYPE_PREFIX)) &&
	       (!id->driver[0] || !strcmp(id->driver, MTTY_DRIVER));
}

int card_open(struct mtty_card *card, const char *uuid)
{
	const char *prog = program_invocation_short_name;
	struct vfio_mdev_identity id;

	*card = (struct mtty_card){ .nr_ports = 0 };
	/*
	 * Opening resets the device (mtty resets on every open, as vfio-pci
	 * does for real functions): look before touching anything that is
	 * not an mtty.
	 */
	if (vfio_mdev_identify(VFIO_MDEV_SYSFS_DIR, uuid, &id))
		return -1;
	if (!card_is_mtty(&id)) {
		fprintf(stderr, "%s: %s is not an mtty device: its mdev type is "
			"%s, its driver %s; refusing to open (and so reset) it\n",
			prog, uuid, id.type, id.driver[0] ? id.driver : "(none)");
		errno = ENODEV;
		return -1;
	}
	fprintf(stderr, "%s: resetting %s (opening an mtty device resets it)\n",
		prog, uuid);
	if (vfio_mdev_open(&card->dev, uuid))
		return -1;
	if (vfio_mdev_device_info(&card->dev, &card->info))
		goto fail;
	/* Region and irq indexes below only mean something for vfio-pci. */
	if (!(card->info.flags & VFIO_DEVICE_FLAGS_PCI) ||
	    card->info.num_regions <= VFIO_PCI_CONFIG_REGION_INDEX) {
		fprintf(stderr, "%s: %s: not a vfio-pci device "
			"(flags 0x%x, %u regions)\n", prog, card->dev.uuid,
			card->info.flags, card->info.num_regions);
		goto fail;
	}
	return 0;

fail:
	vfio_mdev_close(&card->dev);
	return -1;
}

void card_close(struct mtty_card *card)
{
	vfio_mdev_close(&card->dev);
}

static int find_ports(struct mtty_card *card)
{
	uint32_t i;

	card->nr_ports = 0;	/* card_start() may run again after a reset */
	for (i = VFIO_PCI_BAR0_REGION_INDEX;
	     i <= VFIO_PCI_BAR5_REGION_INDEX && i < card->info.num_regions;
	     i++) {
		struct mtty_port *port = &card->port[card->nr_ports];

		if (vfio_mdev_region_info(&card->dev, i, &port->region))
			return -1;
		if (!port->region.size)
			continue;	/* BAR not implemented */
		port->dev = &card->dev;
		snprintf(port->name, sizeof(port->name), "BAR%u",
			 i - VFIO_PCI_BAR0_REGION_INDEX);
		card->nr_ports++;
	}
	if (!card->nr_ports) {
		fprintf(stderr, "%s: %s: no BAR, hence no UART\n",
			program_invocation_short_name, card->dev.uuid);
		return -1;
	}
	return 0;
}

int card_start(struct mtty_card *card)
{
	uint16_t cmd;

	if (vfio_mdev_region_info(&card->dev, VFIO_PCI_CONFIG_REGION_INDEX,
				  &card->config) || find_ports(card))
		return -1;
	/*
	 * Real hardware ignores I/O cycles until PCI_COMMAND_IO is set, and
	 * INTx is only delivered while PCI_COMMAND_INTX_DISABLE is clear.
	 */
	cmd = config_in16(card, PCI_COMMAND);
	cmd |= PCI_COMMAND_IO;
	cmd &= (uint16_t)~PCI_COMMAND_INTX_DISABLE;
	config_out16(card, PCI_COMMAND, cmd);
	return 0;
}

uint8_t port_in(const struct mtty_port *port, unsigned int reg)
{
	uint8_t val;

	if (vfio_mdev_read8(port->dev, &port->region, reg, &val)) {
		check(false, "%s: read of register %u", port->name, reg);
		return BUS_FLOAT;
	}
	return val;
}

void port_out(const struct mtty_port *port, unsigned int reg, uint8_t val)
{
	if (vfio_mdev_write8(port->dev, &port->region, reg, val))
		check(false, "%s: write of 0x%02x to register %u", port->name,
		      val, reg);
}

/* Config space is little-endian; byte accesses work on any emulation. */
uint16_t config_in16(const struct mtty_card *card, unsigned int off)
{
	uint8_t lo, hi;

	if (vfio_mdev_read8(&card->dev, &card->config, off, &lo) ||
	    vfio_mdev_read8(&card->dev, &card->config, off + 1, &hi)) {
		check(false, "config: read of word 0x%02x", off);
		return (uint16_t)~0U;
	}
	return (uint16_t)(lo | hi << BITS_PER_BYTE);
}

void config_out16(const struct mtty_card *card, unsigned int off,
		  uint16_t val)
{
	if (vfio_mdev_write8(&card->dev, &card->config, off,
			     (uint8_t)(val & BYTE_MASK)) ||
	    vfio_mdev_write8(&card->dev, &card->config, off + 1,
			     (uint8_t)(val >> BITS_PER_BYTE)))
		check(false, "config: write of 0x%04x to word 0x%02x", val, off);
}

void port_init(const struct mtty_port *port)
{
	/* LCR first: with DLAB clear, offsets 0 and 1 are THR and IER. */
	port_out(port, UART_LCR, UART_LCR_WLEN8);
	port_out(port, UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR |
		 UART_FCR_CLEAR_XMIT);
	port_out(port, UART_IER, 0);
	/* As Linux's 8250 driver does: OUT2 gates the IRQ on PC cards. */
	port_out(port, UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
}

unsigned int port_drain(const struct mtty_port *port)
{
	unsigned int n = 0;

	/* Bounded, so that a DR stuck at 1 cannot hang the client. */
	while (n < 2 * MTTY_FIFO_DEPTH && (port_in(port, UART_LSR) & UART_LSR_DR)) {
		port_in(port, UART_RX);
		n++;
	}
	return n;
}

void check_reg(const struct mtty_port *port, unsigned int reg, uint8_t want,
	       const char *what)
{
	uint8_t got = port_in(port, reg);

	check(got == want, "%s: %s (got 0x%02x, want 0x%02x)", port->name,
	      what, got, want);
}

void check_lsr(const struct mtty_port *port, uint8_t mask, uint8_t want,
	       const char *what)
{
	uint8_t lsr = port_in(port, UART_LSR);

	check((lsr & mask) == want, "%s: %s (LSR 0x%02x)", port->name, what,
	      lsr);
}
