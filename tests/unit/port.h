/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One UART under test, reached either directly (mtty_uart_*) or through an
 * I/O BAR of a card (mtty_card_bar_*).  The UART tests run against every
 * kind, so the routing of the card cannot hide or cause a UART bug.
 */
#ifndef PORT_H
#define PORT_H

#include <stddef.h>

#include <linux/serial_reg.h>

#include "mtty_card.h"

/* IIR bits 7:6 read 11 while the FIFOs are enabled (16550A). */
#define IIR_FIFO_BITS	0xc0

enum port_kind {
	PORT_UART,	/* struct mtty_uart on its own */
	PORT_BAR0,	/* BAR0 of a one-port card */
	PORT_BAR1,	/* BAR1 of a two-port card */
	PORT_NR_KINDS
};

struct port {
	enum port_kind kind;
	struct mtty_uart uart;
	struct mtty_card card;
};

struct port_test {
	const char *name;
	void (*fn)(struct port *p);
};

/* Power-on state; memory is filled with garbage first on purpose. */
void port_init(struct port *p, enum port_kind kind);
u8 port_in(struct port *p, unsigned int reg);
void port_out(struct port *p, unsigned int reg, u8 val);
/* The UART's interrupt output as the rest of the system sees it. */
bool port_irq(const struct port *p);
const char *port_kind_name(enum port_kind kind);

/* Runs every test on a fresh port of every kind. */
void port_run(const struct port_test *tests, size_t n);

#endif /* PORT_H */
