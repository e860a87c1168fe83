// SPDX-License-Identifier: GPL-2.0-only
/*
 * "irq-intx", "irq-msi": interrupt delivery from UART port 0 through an eventfd.
 *
 * INTx is level-triggered and automasked: one signal per assertion, then
 * silence until VFIO_IRQ_SET_ACTION_UNMASK, which signals again at once if
 * the line is still up.  MSI is edge-like: one signal per new interrupt.
 * Both must stop signalling the old eventfd once the trigger is torn down,
 * and an interrupt raised before any eventfd is set must be dropped.
 */
#include "vfio_test.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/serial_reg.h>

/* Any byte will do; each one raises the receive-data interrupt. */
#define IRQ_BYTE		0x55
/* Enough rounds to show that MSI does not fire only once. */
#define MSI_ROUNDS		3

struct irq_test {
	const struct mtty_card *card;
	const struct mtty_port *port;
	uint32_t index;		/* VFIO_PCI_INTX_IRQ_INDEX or _MSI_ */
	const char *name;
	int eventfd;
};

static bool is_intx(const struct irq_test *t)
{
	return t->index == VFIO_PCI_INTX_IRQ_INDEX;
}

/* Wait long for a wanted signal, briefly for an unwanted one. */
__attribute__((format(printf, 3, 4)))
static void expect_signal(const struct irq_test *t, bool want,
			  const char *fmt, ...)
{
	char what[128];
	va_list ap;
	int got;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	got = vfio_mdev_eventfd_wait(t->eventfd,
				     want ? IRQ_TIMEOUT_MS : IRQ_QUIET_MS);
	check(got == (want ? 1 : 0), "%s: %s (%s)", t->name, what,
	      got < 0 ? "wait failed" : got ? "signalled" : "no signal");
}

static void expect_ok(const struct irq_test *t, int rc, const char *what)
{
	check(rc == 0, "%s: %s", t->name, what);
}

/* PCI_STATUS_INTERRUPT mirrors the card's INTx line, masked or not. */
static void expect_line(const struct irq_test *t, bool asserted,
			const char *what)
{
	uint16_t status = config_in16(t->card, PCI_STATUS);

	check(!(status & PCI_STATUS_INTERRUPT) == !asserted,
	      "%s: %s (status 0x%04x)", t->name, what, status);
}

static void raise_irq(const struct irq_test *t)
{
	port_out(t->port, UART_TX, IRQ_BYTE);
}

static void intx_checks(const struct irq_test *t)
{
	const struct vfio_mdev *dev = &t->card->dev;

	expect_line(t, true, "PCI_STATUS_INTERRUPT set while the line is up");
	raise_irq(t);
	expect_signal(t, false, "automasked: more data does not signal");
	expect_ok(t, vfio_mdev_irq_unmask(dev, t->index), "unmask");
	expect_signal(t, true, "unmask with the line still up signals at once");

	port_drain(t->port);
	expect_line(t, false, "PCI_STATUS_INTERRUPT clear once RBR drained");
	expect_ok(t, vfio_mdev_irq_unmask(dev, t->index), "unmask");
	expect_signal(t, false, "unmask with the line down does not signal");

	expect_ok(t, vfio_mdev_irq_mask(dev, t->index), "mask");
	raise_irq(t);
	expect_signal(t, false, "masked: received byte does not signal");
	expect_line(t, true, "PCI_STATUS_INTERRUPT set while masked");
	expect_ok(t, vfio_mdev_irq_unmask(dev, t->index), "unmask");
	expect_signal(t, true, "unmask delivers the interrupt held by mask");

	/* Leave the line down and INTx armed for the teardown checks. */
	port_drain(t->port);
	expect_ok(t, vfio_mdev_irq_unmask(dev, t->index), "unmask");
}

static void msi_checks(const struct irq_test *t)
{
	unsigned int round;

	for (round = 1; round <= MSI_ROUNDS; round++) {
		port_drain(t->port);
		expect_signal(t, false, "draining RBR does not signal");
		raise_irq(t);
		expect_signal(t, true, "new interrupt %u signals", round);
	}
	port_drain(t->port);
}

/* Both ways of tearing down a trigger must silence the old eventfd. */
static void teardown_checks(const struct irq_test *t)
{
	const struct vfio_mdev *dev = &t->card->dev;

	expect_ok(t, vfio_mdev_irq_set_eventfd(dev, t->index, -1),
		  "trigger de-assigned with eventfd -1");
	raise_irq(t);
	expect_signal(t, false, "no signal after eventfd -1");
	port_drain(t->port);

	expect_ok(t, vfio_mdev_irq_set_eventfd(dev, t->index, t->eventfd),
		  "eventfd registered again");
	raise_irq(t);
	expect_signal(t, true, "re-registered eventfd signals");
	port_drain(t->port);
	if (is_intx(t))
		expect_ok(t, vfio_mdev_irq_unmask(dev, t->index), "unmask");

	expect_ok(t, vfio_mdev_irq_disable(dev, t->index),
		  "DATA_NONE count 0 disables the trigger");
	raise_irq(t);
	expect_signal(t, false, "no signal after DATA_NONE count 0");
	port_drain(t->port);
}

/*
 * An interrupt raised before user space set any eventfd must be dropped
 * quietly (the kernel's sample dereferences NULL here).
 */
static void check_no_eventfd(const struct irq_test *t)
{
	uint8_t lsr;

	port_out(t->port, UART_IER, UART_IER_RDI);
	raise_irq(t);
	lsr = port_in(t->port, UART_LSR);
	check(port_drain(t->port) == 1 && (lsr & UART_LSR_DR),
	      "%s: interrupt with no eventfd set is dropped (LSR 0x%02x)",
	      t->name, lsr);
	port_out(t->port, UART_IER, 0);
}

static void check_irq_info(const struct irq_test *t)
{
	uint32_t want = VFIO_IRQ_INFO_EVENTFD;
	struct vfio_irq_info info;

	if (is_intx(t))
		want |= VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED;
	if (vfio_mdev_irq_info(&t->card->dev, t->index, &info)) {
		check(false, "%s: VFIO_DEVICE_GET_IRQ_INFO", t->name);
		return;
	}
	check(info.count >= 1 && (info.flags & want) == want,
	      "%s: irq info has a vector and flags 0x%x (count %u flags 0x%x)",
	      t->name, want, info.count, info.flags);
}

int test_irq(struct mtty_card *card, uint32_t index)
{
	struct irq_test t = {
		.card = card,
		.port = &card->port[0],
		.index = index,
		.name = index == VFIO_PCI_INTX_IRQ_INDEX ? "INTX" : "MSI",
	};
	int rc;

	if (card_start(card))
		return -1;
	check_irq_info(&t);
	t.eventfd = vfio_mdev_eventfd_open();
	if (t.eventfd < 0)
		return -1;

	port_init(t.port);
	check_no_eventfd(&t);
	rc = vfio_mdev_irq_set_eventfd(&card->dev, t.index, t.eventfd);
	expect_ok(&t, rc, "eventfd registered");
	if (rc == 0) {
		port_out(t.port, UART_IER, UART_IER_RDI);
		expect_signal(&t, false, "enabling RDI with no data does not "
			      "signal");
		if (is_intx(&t))
			expect_line(&t, false, "PCI_STATUS_INTERRUPT clear "
				    "while idle");
		raise_irq(&t);
		expect_signal(&t, true, "received byte signals");
		if (is_intx(&t))
			intx_checks(&t);
		else
			msi_checks(&t);
		teardown_checks(&t);
	}
	port_out(t.port, UART_IER, 0);
	close(t.eventfd);
	return 0;
}
