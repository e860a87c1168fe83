// SPDX-License-Identifier: GPL-2.0-only
/* Routing of the UART tests to a bare UART or to a card's BAR. */
#include <stdio.h>
#include <string.h>

#include "port.h"
#include "th.h"

void port_init(struct port *p, enum port_kind kind)
{
	/*
	 * Garbage rather than zeroes, so a field that reset forgets shows
	 * up as a wrong register value instead of a lucky zero.
	 */
	memset(p, 0xa5, sizeof(*p));
	p->kind = kind;
	switch (kind) {
	case PORT_UART:
		mtty_uart_reset(&p->uart);
		break;
	case PORT_BAR0:
		mtty_card_init(&p->card, 1);
		break;
	default:
		mtty_card_init(&p->card, 2);
		break;
	}
}

static unsigned int port_bar(const struct port *p)
{
	return p->kind == PORT_BAR1 ? 1 : 0;
}

u8 port_in(struct port *p, unsigned int reg)
{
	if (p->kind == PORT_UART)
		return mtty_uart_read(&p->uart, reg);
	return mtty_card_bar_read(&p->card, port_bar(p), reg);
}

void port_out(struct port *p, unsigned int reg, u8 val)
{
	if (p->kind == PORT_UART)
		mtty_uart_write(&p->uart, reg, val);
	else
		mtty_card_bar_write(&p->card, port_bar(p), reg, val);
}

bool port_irq(const struct port *p)
{
	if (p->kind == PORT_UART)
		return mtty_uart_irq_pending(&p->uart);
	return mtty_card_irq_ports(&p->card) & (1u << port_bar(p));
}

const char *port_kind_name(enum port_kind kind)
{
	static const char *const names[PORT_NR_KINDS] = {
		[PORT_UART] = "uart",
		[PORT_BAR0] = "card1.bar0",
		[PORT_BAR1] = "card2.bar1",
	};

	return kind < PORT_NR_KINDS ? names[kind] : "?";
}

void port_run(const struct port_test *tests, size_t n)
{
	static struct port p;
	char prefix[128];

	for (int kind = 0; kind < PORT_NR_KINDS; kind++) {
		for (size_t i = 0; i < n; i++) {
			snprintf(prefix, sizeof(prefix), "%s: %s",
				 port_kind_name(kind), tests[i].name);
			th_set_prefix(prefix);
			port_init(&p, kind);
			tests[i].fn(&p);
		}
	}
	th_set_prefix(NULL);
}
