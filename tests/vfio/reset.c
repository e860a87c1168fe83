// SPDX-License-Identifier: GPL-2.0-only
/*
 * "reset": VFIO_DEVICE_RESET returns the UARTs to their power-on state, the
 * way QEMU relies on when it resets a guest.
 */
#include "vfio_test.h"

#include <stdio.h>

#include <linux/pci_regs.h>
#include <linux/serial_reg.h>

/* Values that reset must clear, with bits set in both nibbles. */
#define RESET_SCR		0xa5
#define RESET_THR		0x5a

/*
 * An interrupt cause to leave enabled across the reset: line status fires
 * only on errors, so this raises no interrupt while no eventfd is set.
 */
#define RESET_IER		UART_IER_RLSI

int test_reset(struct mtty_card *card)
{
	unsigned int i;
	uint16_t status;
	int rc;

	if (card_start(card))
		return -1;
	check(card->info.flags & VFIO_DEVICE_FLAGS_RESET,
	      "device advertises VFIO_DEVICE_FLAGS_RESET");

	/* Leave state in every register that reset must clear. */
	for (i = 0; i < card->nr_ports; i++) {
		const struct mtty_port *port = &card->port[i];

		port_init(port);
		port_out(port, UART_SCR, RESET_SCR);
		port_out(port, UART_IER, RESET_IER);
		port_out(port, UART_TX, RESET_THR);
		check_reg(port, UART_SCR, RESET_SCR, "SCR set before reset");
		check_reg(port, UART_IER, RESET_IER, "IER set before reset");
		check_lsr(port, UART_LSR_DR, UART_LSR_DR,
			  "FIFO holds data before reset");
	}

	printf("# resetting %s (VFIO_DEVICE_RESET)\n", card->dev.uuid);
	rc = vfio_mdev_reset(&card->dev);
	check(rc == 0, "VFIO_DEVICE_RESET succeeds");
	/* A reset may clear PCI_COMMAND, as a real one would: re-enable. */
	if (card_start(card))
		return -1;

	for (i = 0; i < card->nr_ports; i++) {
		const struct mtty_port *port = &card->port[i];

		check_reg(port, UART_SCR, 0, "SCR back to 0 after reset");
		check_reg(port, UART_IER, 0, "IER back to 0 after reset");
		check_reg(port, UART_LCR, 0, "LCR back to 0 after reset");
		check_reg(port, UART_MCR, 0, "MCR back to 0 after reset");
		check_reg(port, UART_IIR, UART_IIR_NO_INT,
			  "IIR shows no interrupt and no FIFOs after reset");
		check_lsr(port, UART_LSR_DR | UART_LSR_OE | LSR_IDLE, LSR_IDLE,
			  "FIFO empty and transmitter idle after reset");
	}
	status = config_in16(card, PCI_STATUS);
	check(!(status & PCI_STATUS_INTERRUPT),
	      "PCI_STATUS_INTERRUPT clear after reset (status 0x%04x)", status);
	return 0;
}
