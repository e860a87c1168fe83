// SPDX-License-Identifier: GPL-2.0-only
/*
 * "loopback": the UART data path seen through the BARs (data path, overrun,
 * scratch, divisor latch, port isolation), the admin's check that a card
 * works.
 */
#include "client.h"

#include <linux/serial_reg.h>

#define BITS_PER_BYTE		8
#define BYTE_MASK		0xff

/* Test values: each has bits the other lacks, so OR-ing shows up. */
#define SCRATCH_A		0xa5
#define SCRATCH_B		0x5a
#define DIVISOR_A		0x1234
#define DIVISOR_B		0x0003	/* 38400 baud at 1.8432 MHz */
#define DLAB_THR_BYTE		0x3c

/*
 * Distinct bytes for a port and round: consecutive values, and a different
 * base per port and round so stale or misrouted data never matches.
 */
static void fill_pattern(uint8_t *buf, unsigned int len, unsigned int port,
			 unsigned int round)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(0x20 + 0x40 * port + 0x20 * round + i);
}

static void send(const struct mtty_port *port, const uint8_t *buf,
		 unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		port_out(port, UART_TX, buf[i]);
}

/* Read @len bytes from RBR and compare them with what was sent. */
static void check_receive(const struct mtty_port *port, const uint8_t *want,
			  unsigned int len, const char *what)
{
	unsigned int i, bad = 0, first = 0;
	uint8_t first_got = 0;

	for (i = 0; i < len; i++) {
		uint8_t got = port_in(port, UART_RX);
		if (got != want[i] && !bad++) {
			first = i;
			first_got = got;
		}
	}
	if (bad)
		check(false, "%s: %s: %u of %u bytes differ, first at %u "
		      "(got 0x%02x, want 0x%02x)", port->name, what, bad, len,
		      first, first_got, want[first]);
	else
		check(true, "%s: %s: %u bytes intact", port->name, what, len);
}

/* Loading the latch needs DLAB; reading it back too. */
static uint16_t divisor_roundtrip(const struct mtty_port *port, uint16_t dl)
{
	port_out(port, UART_LCR, UART_LCR_WLEN8 | UART_LCR_DLAB);
	port_out(port, UART_DLL, (uint8_t)(dl & BYTE_MASK));
	port_out(port, UART_DLM, (uint8_t)(dl >> BITS_PER_BYTE));
	return (uint16_t)(port_in(port, UART_DLL) |
			  port_in(port, UART_DLM) << BITS_PER_BYTE);
}

static void check_divisor(const struct mtty_port *port)
{
	uint16_t got;

	got = divisor_roundtrip(port, DIVISOR_A);
	check(got == DIVISOR_A, "%s: divisor latch holds 0x%04x (got 0x%04x)",
	      port->name, DIVISOR_A, got);
	port_out(port, UART_LCR, UART_LCR_WLEN8);
	check_reg(port, UART_IER, 0, "DLM write with DLAB set left IER alone");

	got = divisor_roundtrip(port, DIVISOR_B);
	check(got == DIVISOR_B, "%s: divisor latch then holds 0x%04x "
	      "(got 0x%04x)", port->name, DIVISOR_B, got);

	/* DLAB is still set: offset 0 is DLL, not THR. */
	port_out(port, UART_TX, DLAB_THR_BYTE);
	port_out(port, UART_LCR, UART_LCR_WLEN8);
	check_lsr(port, UART_LSR_DR, 0,
		  "THR write with DLAB set did not reach the FIFO");
	port_out(port, UART_LCR, UART_LCR_WLEN8 | UART_LCR_DLAB);
	check_reg(port, UART_DLL, DLAB_THR_BYTE,
		  "THR write with DLAB set went to DLL");
	port_out(port, UART_LCR, UART_LCR_WLEN8);
}

/* No other port may see the bytes that sit in @port's FIFO. */
static void check_isolation(const struct mtty_card *card,
			    const struct mtty_port *port)
{
	unsigned int i;

	for (i = 0; i < card->nr_ports; i++) {
		const struct mtty_port *other = &card->port[i];
		uint8_t lsr;

		if (other == port)
			continue;
		lsr = port_in(other, UART_LSR);
		check(!(lsr & UART_LSR_DR), "%s: no data on %s while %s holds "
		      "some (LSR 0x%02x)", port->name, other->name, port->name,
		      lsr);
	}
}

static void test_port(const struct mtty_card *card, unsigned int nr)
{
	const struct mtty_port *port = &card->port[nr];
	uint8_t buf[MTTY_FIFO_DEPTH + 1];

	port_init(port);
	check_lsr(port, LSR_IDLE | UART_LSR_DR, LSR_IDLE,
		  "idle LSR has THRE|TEMT and no DR");

	/* A full FIFO, byte by byte, must come back in order. */
	fill_pattern(buf, MTTY_FIFO_DEPTH, nr, 0);
	send(port, buf, MTTY_FIFO_DEPTH);
	check_lsr(port, UART_LSR_DR, UART_LSR_DR, "LSR DR set after 16 bytes");
	check_isolation(card, port);
	check_receive(port, buf, MTTY_FIFO_DEPTH, "loopback");
	check_lsr(port, UART_LSR_DR, 0, "LSR DR clear once drained");

	/* One byte more than the FIFO holds: it is lost and flagged. */
	fill_pattern(buf, MTTY_FIFO_DEPTH + 1, nr, 1);
	send(port, buf, MTTY_FIFO_DEPTH + 1);
	check_lsr(port, UART_LSR_OE, UART_LSR_OE, "LSR OE set after 17 bytes");
	check_lsr(port, UART_LSR_OE, 0, "LSR OE cleared by reading LSR");
	check_receive(port, buf, MTTY_FIFO_DEPTH, "overrun kept the first 16");
	check_lsr(port, UART_LSR_DR, 0, "17th byte was dropped");

	port_out(port, UART_SCR, SCRATCH_A);
	check_reg(port, UART_SCR, SCRATCH_A, "scratch register keeps a value");
	port_out(port, UART_SCR, SCRATCH_B);
	check_reg(port, UART_SCR, SCRATCH_B, "scratch register keeps another");

	check_divisor(port);
}

int cmd_loopback(struct mtty_card *card, const struct client_opts *opts)
{
	unsigned int i;

	(void)opts;
	if (card_start(card))
		return CLIENT_EXIT_FAIL;
	for (i = 0; i < card->nr_ports; i++)
		test_port(card, i);
	return check_summary();
}
