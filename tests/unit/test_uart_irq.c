// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupt identification: IIR encoding and priority, IER gating and the
 * THR-empty interrupt's raise/clear rules (PC16550D table 4).
 */
#include "port.h"
#include "th.h"

static void t_fifo_bits(struct port *p)
{
	CHECK_EQ(UART_IIR_NO_INT, port_in(p, UART_IIR), "16450 mode: 0x01");
	port_out(p, UART_FCR, UART_FCR_ENABLE_FIFO);
	CHECK_EQ(IIR_FIFO_BITS | UART_IIR_NO_INT, port_in(p, UART_IIR),
		 "FIFO mode: 0xc1");
	port_out(p, UART_IER, UART_IER_THRI);
	CHECK_EQ(IIR_FIFO_BITS | UART_IIR_THRI, port_in(p, UART_IIR),
		 "FIFO mode THRI: 0xc2");
	port_out(p, UART_FCR, 0);
	port_out(p, UART_IER, 0);
	port_out(p, UART_IER, UART_IER_THRI);
	CHECK_EQ(UART_IIR_THRI, port_in(p, UART_IIR), "16450 mode THRI: 0x02");
	CHECK_EQ(UART_IIR_NO_INT, port_in(p, UART_IIR), "16450 mode: 0x01 again");
}

static void t_thri(struct port *p)
{
	CHECK(!port_irq(p), "no interrupt before IER");
	port_out(p, UART_IER, UART_IER_THRI);
	CHECK(port_irq(p), "IER THRI with empty THR interrupts");
	if (p->kind == PORT_UART)
		CHECK_EQ(UART_IIR_THRI, mtty_uart_iir(&p->uart),
			 "mtty_uart_iir peeks THRI");
	CHECK_EQ(UART_IIR_THRI, port_in(p, UART_IIR), "IIR reports THRI");
	CHECK(!port_irq(p), "IIR read cleared THRI");
	CHECK_EQ(UART_IIR_NO_INT, port_in(p, UART_IIR), "IIR after clear");
	CHECK_EQ(UART_IER_THRI, port_in(p, UART_IER), "IER unchanged");

	port_out(p, UART_TX, 0x20);
	CHECK_EQ(UART_IIR_THRI, port_in(p, UART_IIR), "THR write re-raises");
	CHECK_EQ(UART_IIR_NO_INT, port_in(p, UART_IIR), "cleared again");

	port_out(p, UART_TX, 0x21);
	port_out(p, UART_IER, 0);
	CHECK(!port_irq(p), "IER 0 masks a pending THRI");
	CHECK_EQ(UART_IIR_NO_INT, port_in(p, UART_IIR), "IER 0: no interrupt");
}

static void t_thri_peek_no_side_effect(struct port *p)
{
	if (p->kind != PORT_UART)
		return;
	port_out(p, UART_IER, UART_IER_THRI);
	for (int i = 0; i < 3; i++)
		mtty_uart_iir(&p->uart);
	CHECK_EQ(UART_IIR_THRI, port_in(p, UART_IIR),
		 "mtty_uart_iir does not clear THRI");
}

static void t_thri_not_cleared_by_other_source(struct port *p)
{
	/* Only an IIR read that reports THRI clears it. */
	port_out(p, UART_FCR, UART_FCR_ENABLE_FIFO);
	port_out(p, UART_IER, UART_IER_RDI | UART_IER_THRI);
	port_out(p, UART_TX, 0x44);
	CHECK_EQ(IIR_FIFO_BITS | UART_IIR_RDI, port_in(p, UART_IIR),
		 "data has priority over THRI");
	CHECK_EQ(IIR_FIFO_BITS | UART_IIR_RDI, port_in(p, UART_IIR),
		 "IIR read does not clear data");
	port_in(p, UART_RX);
	CHECK_EQ(IIR_FIFO_BITS | UART_IIR_THRI, port_in(p, UART_IIR),
		 "THRI still pending after reporting RDI");
	CHECK_EQ(IIR_FIFO_BITS | UART_IIR_NO_INT, port_in(p, UART_IIR),
		 "THRI cleared once reported");
}

static void t_priority(struct port *p)
{
	/* All four sources at once, then remove them highest first. */
	port_out(p, UART_FCR, UART_FCR_ENABLE_FIFO);
	port_out(p, UART_IER, UART_IER_RDI | UART_IER_THRI | UART_IER_RLSI |
		 UART_IER_MSI);
	for (unsigned int i = 0; i <= MTTY_UART_FIFO_SIZE; i++)
		port_out(p, UART_TX, (u8)i);
	port_out(p, UART_MCR, UART_MCR_DTR | UART_MCR_RTS);

	CHECK_EQ(IIR_FIFO_BITS | UART_IIR_RLSI, port_in(p, UART_IIR),
		 "line status first");
	CHECK_EQ(IIR_FIFO_BITS | UART_IIR_RLSI, port_in(p, UART_IIR),
		 "IIR read does not clear line status");
	port_in(p, UART_LSR);
	CHECK_EQ(IIR_FIFO_BITS | UART_IIR_RDI, port_in(p, UART_IIR),
		 "then received data");
	for (unsigned int i = 0; i < MTTY_UART_FIFO_SIZE; i++)
		port_in(p, UART_RX);
	CHECK_EQ(IIR_FIFO_BITS | UART_IIR_THRI, port_in(p, UART_IIR),
		 "then THR empty");
	CHECK_EQ(IIR_FIFO_BITS | UART_IIR_MSI, port_in(p, UART_IIR),
		 "then modem status");
	CHECK(port_irq(p), "modem status interrupts");
	port_in(p, UART_MSR);
	CHECK_EQ(IIR_FIFO_BITS | UART_IIR_NO_INT, port_in(p, UART_IIR),
		 "MSR read clears the last source");
	CHECK(!port_irq(p), "interrupt deasserted");
}

static void t_priority_timeout(struct port *p)
{
	/* A below-trigger FIFO is a timeout (0x0c), still above THRI. */
	port_out(p, UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_TRIGGER_14);
	port_out(p, UART_IER, UART_IER_RDI | UART_IER_THRI);
	port_out(p, UART_TX, 0x01);
	CHECK_EQ(IIR_FIFO_BITS | UART_IIR_RX_TIMEOUT, port_in(p, UART_IIR),
		 "timeout before THRI");
	port_in(p, UART_RX);
	CHECK_EQ(IIR_FIFO_BITS | UART_IIR_THRI, port_in(p, UART_IIR),
		 "THRI after the data");
}

static void t_priority_no_fifo(struct port *p)
{
	port_out(p, UART_IER, 0x0f);
	port_out(p, UART_TX, 0x01);
	port_out(p, UART_TX, 0x02);
	CHECK_EQ(UART_IIR_RLSI, port_in(p, UART_IIR), "16450: line status");
	port_in(p, UART_LSR);
	CHECK_EQ(UART_IIR_RDI, port_in(p, UART_IIR), "16450: data");
	port_in(p, UART_RX);
	CHECK_EQ(UART_IIR_THRI, port_in(p, UART_IIR), "16450: THRI");
	CHECK_EQ(UART_IIR_NO_INT, port_in(p, UART_IIR), "16450: none");
}

static void t_ier_gating(struct port *p)
{
	port_out(p, UART_FCR, UART_FCR_ENABLE_FIFO);
	for (unsigned int i = 0; i <= MTTY_UART_FIFO_SIZE; i++)
		port_out(p, UART_TX, (u8)i);
	port_out(p, UART_MCR, UART_MCR_DTR);
	CHECK_EQ(IIR_FIFO_BITS | UART_IIR_NO_INT, port_in(p, UART_IIR),
		 "IER 0: nothing reported");
	CHECK(!port_irq(p), "IER 0: no interrupt");

	/* Overrun without ELSI: received data is the top source. */
	port_out(p, UART_IER, UART_IER_RDI);
	CHECK_EQ(IIR_FIFO_BITS | UART_IIR_RDI, port_in(p, UART_IIR),
		 "OE without ELSI is not reported");
	port_out(p, UART_IER, UART_IER_MSI);
	CHECK_EQ(IIR_FIFO_BITS | UART_IIR_MSI, port_in(p, UART_IIR),
		 "only MSI enabled");
	port_out(p, UART_IER, UART_IER_RLSI);
	CHECK_EQ(IIR_FIFO_BITS | UART_IIR_RLSI, port_in(p, UART_IIR),
		 "only ELSI enabled");
	port_in(p, UART_LSR);
	CHECK_EQ(IIR_FIFO_BITS | UART_IIR_NO_INT, port_in(p, UART_IIR),
		 "ELSI after LSR read");
	port_out(p, UART_IER, 0);
	CHECK(!port_irq(p), "IER 0 again: no interrupt");
}

static void t_irq_matches_iir(struct port *p)
{
	/* A walk through states; the output pin must follow IIR bit 0. */
	static const struct {
		unsigned int reg;
		u8 val;
		bool write;
	} steps[] = {
		{ UART_IER, 0x0f, true }, { UART_IIR, 0, false },
		{ UART_TX, 1, true },     { UART_FCR, 0xc1, true },
		{ UART_TX, 2, true },     { UART_IIR, 0, false },
		{ UART_RX, 0, false },    { UART_MCR, 0x1b, true },
		{ UART_IIR, 0, false },   { UART_MSR, 0, false },
		{ UART_IER, 0x00, true }, { UART_IER, 0x08, true },
		{ UART_MCR, 0x00, true }, { UART_MSR, 0, false },
	};
	unsigned int i;
	u8 iir = 0;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (steps[i].write)
			port_out(p, steps[i].reg, steps[i].val);
		else
			port_in(p, steps[i].reg);
		if (p->kind == PORT_UART) {
			iir = mtty_uart_iir(&p->uart);
			if (!(iir & UART_IIR_NO_INT) != port_irq(p))
				break;
		}
	}
	if (p->kind == PORT_UART)
		CHECK_EQ(sizeof(steps) / sizeof(steps[0]), i,
			 "irq_pending == !(IIR & 1) at every step (IIR 0x%02x)",
			 iir);
}

int main(void)
{
	static const struct port_test tests[] = {
		{ "IIR FIFO bits", t_fifo_bits },
		{ "THR empty", t_thri },
		{ "IIR peek", t_thri_peek_no_side_effect },
		{ "THRI survives other reports",
		  t_thri_not_cleared_by_other_source },
		{ "priority", t_priority },
		{ "priority timeout", t_priority_timeout },
		{ "priority 16450", t_priority_no_fifo },
		{ "IER gating", t_ier_gating },
		{ "irq pin", t_irq_matches_iir },
	};

	port_run(tests, sizeof(tests) / sizeof(tests[0]));
	return th_done();
}
