// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupt decisions (mtty_irqmodel.c): when the driver must signal the
 * INTx or MSI eventfd, INTx automasking and unmasking, the one-mode rule
 * and teardown.
 */
#include <string.h>

#include <linux/serial_reg.h>

#include "cfg.h"
#include "mtty_irqmodel.h"
#include "th.h"

static struct mtty_card card;
static struct mtty_irqmodel im;

static void setup(unsigned int nr_ports)
{
	memset(&card, 0xa5, sizeof(card));
	mtty_card_init(&card, nr_ports);
	memset(&im, 0xa5, sizeof(im));
	mtty_irqmodel_init(&im);
}

/* What the driver does after every register access. */
static enum mtty_irq_signal wr(unsigned int bar, unsigned int reg, u8 val)
{
	mtty_card_bar_write(&card, bar, reg, val);
	return mtty_irqmodel_update(&im, &card);
}

static enum mtty_irq_signal rd(unsigned int bar, unsigned int reg)
{
	mtty_card_bar_read(&card, bar, reg);
	return mtty_irqmodel_update(&im, &card);
}

static enum mtty_irq_signal update(void)
{
	return mtty_irqmodel_update(&im, &card);
}

static void t_none(void)
{
	setup(2);
	CHECK_EQ(MTTY_IRQ_NONE, im.mode, "nothing wired after init");
	CHECK_EQ(MTTY_SIGNAL_NONE, wr(0, UART_IER, UART_IER_THRI),
		 "no mode: a pending port signals nothing");
	CHECK(mtty_card_intx_level(&card), "yet the line is high");
	CHECK_EQ(MTTY_SIGNAL_NONE, mtty_irqmodel_soft_trigger(&im),
		 "no mode: a software trigger signals nothing");
	CHECK_EQ(MTTY_SIGNAL_NONE, mtty_irqmodel_intx_unmask(&im, &card),
		 "no mode: unmask signals nothing");
	mtty_irqmodel_intx_mask(&im);
	CHECK(!im.intx_masked, "no mode: mask is ignored");
}

static void t_intx_level_automask(void)
{
	setup(1);
	CHECK_EQ(MTTY_SIGNAL_NONE,
		 mtty_irqmodel_wire(&im, &card, MTTY_IRQ_INTX, true),
		 "wire INTx with the line low: nothing");
	CHECK_EQ(MTTY_IRQ_INTX, im.mode, "INTx wired");
	CHECK_EQ(MTTY_SIGNAL_NONE, wr(0, UART_SCR, 0x55),
		 "access without interrupt: nothing");
	CHECK_EQ(MTTY_SIGNAL_INTX, wr(0, UART_IER, UART_IER_THRI),
		 "THRI enabled: line rises, INTx signalled");
	CHECK(im.intx_masked, "and automasked");
	CHECK_EQ(MTTY_SIGNAL_NONE, update(),
		 "line still high but masked: nothing more");
	CHECK_EQ(MTTY_SIGNAL_NONE, wr(0, UART_TX, 0x41),
		 "more interrupts while masked: nothing");

	/* The guest's handler clears the cause, then unmasks. */
	CHECK_EQ(MTTY_SIGNAL_NONE, rd(0, UART_IIR), "IIR read");
	CHECK_EQ(MTTY_SIGNAL_NONE, rd(0, UART_RX), "RX drained");
	CHECK(!mtty_card_intx_level(&card), "line low");
	CHECK_EQ(MTTY_SIGNAL_NONE, mtty_irqmodel_intx_unmask(&im, &card),
		 "unmask with the line low: nothing");
	CHECK(!im.intx_masked, "unmasked");
	CHECK_EQ(MTTY_SIGNAL_INTX, wr(0, UART_TX, 0x42),
		 "next rising line signals again");
}

static void t_intx_unmask_reasserts(void)
{
	setup(1);
	mtty_irqmodel_wire(&im, &card, MTTY_IRQ_INTX, true);
	wr(0, UART_IER, UART_IER_RDI);
	CHECK_EQ(MTTY_SIGNAL_INTX, wr(0, UART_TX, 0x41),
		 "received byte: INTx");
	CHECK_EQ(MTTY_SIGNAL_INTX, mtty_irqmodel_intx_unmask(&im, &card),
		 "unmask with the byte still unread: signalled again");
	CHECK(im.intx_masked, "and masked again");
	CHECK_EQ(MTTY_SIGNAL_NONE, update(), "then quiet");
	CHECK_EQ(MTTY_SIGNAL_NONE, rd(0, UART_RX), "byte read");
	CHECK_EQ(MTTY_SIGNAL_NONE, mtty_irqmodel_intx_unmask(&im, &card),
		 "unmask after the byte was read: nothing");
}

static void t_intx_user_mask(void)
{
	setup(1);
	mtty_irqmodel_wire(&im, &card, MTTY_IRQ_INTX, true);
	mtty_irqmodel_intx_mask(&im);
	CHECK(im.intx_masked, "user mask");
	CHECK_EQ(MTTY_SIGNAL_NONE, wr(0, UART_IER, UART_IER_THRI),
		 "masked by the user: a rising line signals nothing");
	CHECK_EQ(MTTY_SIGNAL_INTX, mtty_irqmodel_intx_unmask(&im, &card),
		 "unmask: the pending line is signalled");
}

static void t_ier_gates(void)
{
	setup(1);
	mtty_irqmodel_wire(&im, &card, MTTY_IRQ_INTX, true);
	CHECK_EQ(MTTY_SIGNAL_NONE, wr(0, UART_TX, 0x41),
		 "IER 0: a received byte signals nothing");
	CHECK_EQ(MTTY_SIGNAL_NONE, wr(0, UART_MCR, UART_MCR_LOOP | UART_MCR_RTS),
		 "IER 0: a modem status change signals nothing");
	CHECK_EQ(MTTY_SIGNAL_INTX, wr(0, UART_IER, UART_IER_RDI),
		 "enabling RDI with a byte waiting signals");
	CHECK_EQ(MTTY_SIGNAL_NONE, wr(0, UART_IER, 0), "IER cleared");
	CHECK(!mtty_card_intx_level(&card), "line low with the byte unread");
	CHECK_EQ(MTTY_SIGNAL_NONE, mtty_irqmodel_intx_unmask(&im, &card),
		 "unmask with IER 0: nothing");
	CHECK(!im.intx_masked, "unmasked");

	mtty_irqmodel_wire(&im, &card, MTTY_IRQ_INTX, false);
	mtty_irqmodel_wire(&im, &card, MTTY_IRQ_MSI, true);
	CHECK_EQ(MTTY_SIGNAL_NONE, wr(0, UART_TX, 0x42),
		 "MSI, IER 0: nothing");
}

static void t_intx_disable_bit(void)
{
	setup(1);
	mtty_irqmodel_wire(&im, &card, MTTY_IRQ_INTX, true);
	mtty_card_config_write(&card, PCI_COMMAND + 1,
			       PCI_COMMAND_INTX_DISABLE >> 8);
	CHECK_EQ(MTTY_SIGNAL_NONE, wr(0, UART_IER, UART_IER_THRI),
		 "INTX_DISABLE: pending port signals nothing");
	mtty_card_config_write(&card, PCI_COMMAND + 1, 0);
	CHECK_EQ(MTTY_SIGNAL_INTX, update(),
		 "INTX_DISABLE cleared: the line rises");

	/* MSI does not care about the INTx disable bit. */
	setup(1);
	mtty_irqmodel_wire(&im, &card, MTTY_IRQ_MSI, true);
	mtty_card_config_write(&card, PCI_COMMAND + 1,
			       PCI_COMMAND_INTX_DISABLE >> 8);
	CHECK_EQ(MTTY_SIGNAL_MSI, wr(0, UART_IER, UART_IER_THRI),
		 "MSI with INTX_DISABLE still signals");
}

static void t_msi_edges(void)
{
	setup(2);
	CHECK_EQ(MTTY_SIGNAL_NONE,
		 mtty_irqmodel_wire(&im, &card, MTTY_IRQ_MSI, true),
		 "wire MSI with no port pending: nothing");
	CHECK_EQ(MTTY_IRQ_MSI, im.mode, "MSI wired");
	CHECK_EQ(MTTY_SIGNAL_MSI, wr(0, UART_IER, UART_IER_THRI),
		 "port 0 starts requesting: MSI");
	CHECK_EQ(MTTY_SIGNAL_NONE, update(), "still requesting: no new edge");
	CHECK_EQ(MTTY_SIGNAL_MSI, wr(1, UART_IER, UART_IER_THRI),
		 "port 1 starts too: MSI");
	CHECK_EQ(MTTY_SIGNAL_NONE, rd(1, UART_IIR),
		 "port 1 served: no signal on a falling edge");
	CHECK_EQ(1, im.msi_ports, "port 0 still requesting");
	CHECK_EQ(MTTY_SIGNAL_MSI, wr(1, UART_TX, 0x41),
		 "port 1 again (THR empty): a new edge");
	CHECK_EQ(MTTY_SIGNAL_NONE, mtty_irqmodel_intx_unmask(&im, &card),
		 "INTx unmask does nothing to MSI");
	CHECK_EQ(MTTY_SIGNAL_MSI, mtty_irqmodel_soft_trigger(&im),
		 "software trigger of MSI");
}

static void t_wire_pending(void)
{
	setup(1);
	wr(0, UART_IER, UART_IER_THRI);
	CHECK_EQ(MTTY_SIGNAL_INTX,
		 mtty_irqmodel_wire(&im, &card, MTTY_IRQ_INTX, true),
		 "wiring INTx with the line high signals at once");
	CHECK_EQ(MTTY_SIGNAL_INTX,
		 mtty_irqmodel_wire(&im, &card, MTTY_IRQ_INTX, true),
		 "a new INTx eventfd starts unmasked");
	mtty_irqmodel_wire(&im, &card, MTTY_IRQ_INTX, false);
	CHECK_EQ(MTTY_SIGNAL_MSI,
		 mtty_irqmodel_wire(&im, &card, MTTY_IRQ_MSI, true),
		 "wiring MSI with a port pending signals at once");
	CHECK_EQ(MTTY_SIGNAL_MSI,
		 mtty_irqmodel_wire(&im, &card, MTTY_IRQ_MSI, true),
		 "a new MSI eventfd sees the pending port as new");
}

static void t_one_mode(void)
{
	setup(1);
	mtty_irqmodel_wire(&im, &card, MTTY_IRQ_INTX, true);
	CHECK(mtty_irqmodel_may_wire(&im, MTTY_IRQ_INTX), "INTx again: yes");
	CHECK(!mtty_irqmodel_may_wire(&im, MTTY_IRQ_MSI), "MSI over INTx: no");
	wr(0, UART_IER, UART_IER_THRI);
	CHECK_EQ(MTTY_SIGNAL_NONE,
		 mtty_irqmodel_wire(&im, &card, MTTY_IRQ_MSI, true),
		 "a refused MSI wiring signals nothing");
	CHECK_EQ(MTTY_IRQ_INTX, im.mode, "and INTx stays");
	CHECK_EQ(MTTY_SIGNAL_NONE,
		 mtty_irqmodel_wire(&im, &card, MTTY_IRQ_MSI, false),
		 "clearing the unwired MSI trigger");
	CHECK_EQ(MTTY_IRQ_INTX, im.mode, "leaves INTx wired");
	CHECK(im.intx_masked, "and masked");

	mtty_irqmodel_wire(&im, &card, MTTY_IRQ_INTX, false);
	CHECK(mtty_irqmodel_may_wire(&im, MTTY_IRQ_MSI), "INTx off: MSI yes");
	mtty_irqmodel_wire(&im, &card, MTTY_IRQ_MSI, true);
	CHECK(!mtty_irqmodel_may_wire(&im, MTTY_IRQ_INTX), "INTx over MSI: no");
	CHECK_EQ(MTTY_SIGNAL_NONE,
		 mtty_irqmodel_wire(&im, &card, MTTY_IRQ_INTX, false),
		 "clearing the unwired INTx trigger signals nothing");
	CHECK_EQ(MTTY_IRQ_MSI, im.mode, "and leaves MSI wired");
	CHECK_EQ(MTTY_SIGNAL_NONE,
		 mtty_irqmodel_wire(&im, &card, MTTY_IRQ_NONE, true),
		 "wiring no mode does nothing");
	CHECK_EQ(MTTY_IRQ_MSI, im.mode, "MSI still wired");
}

static void t_teardown(void)
{
	setup(1);
	mtty_irqmodel_wire(&im, &card, MTTY_IRQ_INTX, true);
	wr(0, UART_IER, UART_IER_THRI);
	CHECK(im.intx_masked, "automasked");
	CHECK_EQ(MTTY_SIGNAL_NONE,
		 mtty_irqmodel_wire(&im, &card, MTTY_IRQ_INTX, false),
		 "INTx teardown signals nothing");
	CHECK_EQ(MTTY_IRQ_NONE, im.mode, "INTx off");
	CHECK(!im.intx_masked, "mask dropped");
	CHECK_EQ(MTTY_SIGNAL_NONE, wr(0, UART_TX, 0x41),
		 "after teardown: nothing");
	CHECK_EQ(MTTY_SIGNAL_NONE, mtty_irqmodel_soft_trigger(&im),
		 "after teardown: software trigger signals nothing");

	mtty_irqmodel_wire(&im, &card, MTTY_IRQ_MSI, true);
	CHECK(im.msi_ports, "MSI saw the port");
	CHECK_EQ(MTTY_SIGNAL_NONE,
		 mtty_irqmodel_wire(&im, &card, MTTY_IRQ_MSI, false),
		 "MSI teardown signals nothing");
	CHECK_EQ(MTTY_IRQ_NONE, im.mode, "MSI off");
	CHECK_EQ(0, im.msi_ports, "MSI ports forgotten");
}

static void t_reset(void)
{
	setup(1);
	mtty_irqmodel_wire(&im, &card, MTTY_IRQ_INTX, true);
	wr(0, UART_IER, UART_IER_THRI);
	mtty_card_reset(&card);
	mtty_irqmodel_reset(&im);
	CHECK_EQ(MTTY_IRQ_INTX, im.mode, "reset keeps INTx wired");
	CHECK(!im.intx_masked, "reset unmasks");
	CHECK_EQ(MTTY_SIGNAL_NONE, update(), "card reset: line low");
	CHECK_EQ(MTTY_SIGNAL_INTX, wr(0, UART_IER, UART_IER_THRI),
		 "after reset a rising line signals");

	mtty_irqmodel_wire(&im, &card, MTTY_IRQ_INTX, false);
	mtty_irqmodel_wire(&im, &card, MTTY_IRQ_MSI, true);
	mtty_card_reset(&card);
	mtty_irqmodel_reset(&im);
	CHECK_EQ(MTTY_IRQ_MSI, im.mode, "reset keeps MSI wired");
	CHECK_EQ(0, im.msi_ports, "reset forgets the ports");
	CHECK_EQ(MTTY_SIGNAL_MSI, wr(0, UART_IER, UART_IER_THRI),
		 "after reset a port requesting is a new edge");
}

static void t_soft_trigger(void)
{
	setup(1);
	mtty_irqmodel_wire(&im, &card, MTTY_IRQ_INTX, true);
	CHECK_EQ(MTTY_SIGNAL_INTX, mtty_irqmodel_soft_trigger(&im),
		 "software INTx trigger");
	CHECK(im.intx_masked, "automasks like a real one");
	CHECK_EQ(MTTY_SIGNAL_NONE, mtty_irqmodel_intx_unmask(&im, &card),
		 "unmask with the line low: nothing");
}

int main(void)
{
	t_none();
	t_intx_level_automask();
	t_intx_unmask_reasserts();
	t_intx_user_mask();
	t_ier_gates();
	t_intx_disable_bit();
	t_msi_edges();
	t_wire_pending();
	t_one_mode();
	t_teardown();
	t_reset();
	t_soft_trigger();
	return th_done();
}
