// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loopback data path: THR to the receive FIFO, overrun, FCR control and
 * trigger levels (16550A datasheet: FCR, LSR DR/OE, IIR 0x04/0x0c).
 */
#include "port.h"
#include "th.h"

#define LSR_IDLE	(UART_LSR_TEMT | UART_LSR_THRE)

static u8 pattern(unsigned int i)
{
	return (u8)(0x30 + 7 * i);
}

static void t_one_byte(struct port *p)
{
	port_out(p, UART_TX, 0x5a);
	CHECK_EQ(LSR_IDLE | UART_LSR_DR, port_in(p, UART_LSR), "LSR with data");
	CHECK_EQ(0x5a, port_in(p, UART_RX), "RBR");
	CHECK_EQ(LSR_IDLE, port_in(p, UART_LSR), "LSR after read");
}

static void t_fifo_16(struct port *p)
{
	unsigned int i;
	u8 lsr, got;

	port_out(p, UART_FCR, UART_FCR_ENABLE_FIFO);
	for (i = 0; i < MTTY_UART_FIFO_SIZE; i++)
		port_out(p, UART_TX, pattern(i));
	CHECK_EQ(LSR_IDLE | UART_LSR_DR, port_in(p, UART_LSR),
		 "16 bytes: DR, no OE");
	for (i = 0; i < MTTY_UART_FIFO_SIZE; i++) {
		lsr = port_in(p, UART_LSR);
		got = port_in(p, UART_RX);
		if (!(lsr & UART_LSR_DR) || got != pattern(i))
			break;
	}
	CHECK_EQ(MTTY_UART_FIFO_SIZE, i, "16 bytes read in order with DR");
	if (i < MTTY_UART_FIFO_SIZE)
		CHECK_EQ(pattern(i), got, "byte %u", i);
	CHECK_EQ(LSR_IDLE, port_in(p, UART_LSR), "empty after 16 reads");
}

static void t_fifo_wraps(struct port *p)
{
	/* Interleaved writes and reads walk the ring past its end. */
	unsigned int w = 0, r = 0, bad = 0;

	port_out(p, UART_FCR, UART_FCR_ENABLE_FIFO);
	for (int round = 0; round < 10; round++) {
		for (int k = 0; k < 11; k++)
			port_out(p, UART_TX, pattern(w++));
		for (int k = 0; k < 11; k++)
			if (port_in(p, UART_RX) != pattern(r++))
				bad++;
	}
	CHECK_EQ(0, bad, "110 bytes through the ring in order");
	CHECK_EQ(LSR_IDLE, port_in(p, UART_LSR), "no overrun, empty");
}

static void t_overrun(struct port *p)
{
	unsigned int i;
	u8 got;

	port_out(p, UART_FCR, UART_FCR_ENABLE_FIFO);
	for (i = 0; i <= MTTY_UART_FIFO_SIZE; i++)
		port_out(p, UART_TX, pattern(i));
	CHECK_EQ(LSR_IDLE | UART_LSR_DR | UART_LSR_OE, port_in(p, UART_LSR),
		 "17th byte sets OE");
	CHECK_EQ(LSR_IDLE | UART_LSR_DR, port_in(p, UART_LSR),
		 "LSR read cleared OE");
	for (i = 0; i < MTTY_UART_FIFO_SIZE; i++) {
		got = port_in(p, UART_RX);
		if (got != pattern(i))
			break;
	}
	CHECK_EQ(MTTY_UART_FIFO_SIZE, i, "first 16 bytes intact");
	CHECK_EQ(LSR_IDLE, port_in(p, UART_LSR), "17th byte was dropped");

	/* The FIFO works again afterwards. */
	port_out(p, UART_TX, 0xee);
	CHECK_EQ(0xee, port_in(p, UART_RX), "byte after overrun");
}

static void t_no_fifo(struct port *p)
{
	/* FCR bit 0 clear: 16450 mode, a single receive holding register. */
	port_out(p, UART_TX, 0x61);
	CHECK_EQ(LSR_IDLE | UART_LSR_DR, port_in(p, UART_LSR), "one byte");
	port_out(p, UART_TX, 0x62);
	CHECK_EQ(LSR_IDLE | UART_LSR_DR | UART_LSR_OE, port_in(p, UART_LSR),
		 "second byte overruns");
	/*
	 * PC16550D datasheet, LSR bit 1: the next character is transferred
	 * into the RBR, "thereby destroying the previous character".
	 */
	CHECK_EQ(0x62, port_in(p, UART_RX), "RBR holds the newest byte");
	CHECK_EQ(LSR_IDLE, port_in(p, UART_LSR), "holding register is 1 byte");
}

static void t_clear_rx(struct port *p)
{
	port_out(p, UART_FCR, UART_FCR_ENABLE_FIFO);
	for (unsigned int i = 0; i < 5; i++)
		port_out(p, UART_TX, pattern(i));
	port_out(p, UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR);
	CHECK_EQ(LSR_IDLE, port_in(p, UART_LSR), "CLEAR_RCVR empties FIFO");
	CHECK_EQ(IIR_FIFO_BITS | UART_IIR_NO_INT, port_in(p, UART_IIR),
		 "FIFOs still enabled");
	port_out(p, UART_TX, 0x11);
	port_out(p, UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_XMIT);
	CHECK_EQ(LSR_IDLE | UART_LSR_DR, port_in(p, UART_LSR),
		 "CLEAR_XMIT keeps RX data");
	CHECK_EQ(0x11, port_in(p, UART_RX), "byte after clear");
}

static void t_mode_change_clears(struct port *p)
{
	/*
	 * PC16550D, FCR bit 0: changing between FIFO and 16450 mode clears
	 * the FIFOs.
	 */
	port_out(p, UART_FCR, UART_FCR_ENABLE_FIFO);
	port_out(p, UART_TX, 0x01);
	port_out(p, UART_TX, 0x02);
	port_out(p, UART_FCR, 0);
	CHECK_EQ(LSR_IDLE, port_in(p, UART_LSR), "FIFO -> 16450 clears");
	port_out(p, UART_TX, 0x03);
	port_out(p, UART_FCR, UART_FCR_ENABLE_FIFO);
	CHECK_EQ(LSR_IDLE, port_in(p, UART_LSR), "16450 -> FIFO clears");
	port_out(p, UART_TX, 0x04);
	port_out(p, UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_TRIGGER_8);
	CHECK_EQ(LSR_IDLE | UART_LSR_DR, port_in(p, UART_LSR),
		 "trigger change in FIFO mode keeps data");
}

static void t_trigger_levels(struct port *p)
{
	static const struct {
		u8 fcr;
		unsigned int level;
	} trig[] = {
		{ UART_FCR_TRIGGER_1, 1 },
		{ UART_FCR_TRIGGER_4, 4 },
		{ UART_FCR_TRIGGER_8, 8 },
		{ UART_FCR_TRIGGER_14, 14 },
	};

	for (unsigned int t = 0; t < 4; t++) {
		unsigned int n;
		u8 want = 0, got = 0;

		port_init(p, p->kind);
		port_out(p, UART_FCR, UART_FCR_ENABLE_FIFO | trig[t].fcr);
		if (p->kind == PORT_UART)
			CHECK_EQ(trig[t].level, mtty_uart_rx_trigger(&p->uart),
				 "mtty_uart_rx_trigger, FCR 0x%02x",
				 UART_FCR_ENABLE_FIFO | trig[t].fcr);
		port_out(p, UART_IER, UART_IER_RDI);
		CHECK_EQ(IIR_FIFO_BITS | UART_IIR_NO_INT, port_in(p, UART_IIR),
			 "trigger %u: empty, no interrupt", trig[t].level);
		for (n = 1; n <= MTTY_UART_FIFO_SIZE; n++) {
			port_out(p, UART_TX, pattern(n));
			want = IIR_FIFO_BITS | (n < trig[t].level ?
				UART_IIR_RX_TIMEOUT : UART_IIR_RDI);
			got = port_in(p, UART_IIR);
			if (got != want)
				break;
		}
		CHECK_EQ(want, got, "trigger %u: IIR with %u bytes",
			 trig[t].level, n > MTTY_UART_FIFO_SIZE ?
			 MTTY_UART_FIFO_SIZE : n);
		/* Draining goes back through timeout to no interrupt. */
		for (n = MTTY_UART_FIFO_SIZE; n > 0; n--) {
			port_in(p, UART_RX);
			want = IIR_FIFO_BITS | (n - 1 == 0 ? UART_IIR_NO_INT :
				n - 1 < trig[t].level ? UART_IIR_RX_TIMEOUT :
				UART_IIR_RDI);
			got = port_in(p, UART_IIR);
			if (got != want)
				break;
		}
		CHECK_EQ(want, got, "trigger %u: IIR while draining, %u left",
			 trig[t].level, n ? n - 1 : 0);
	}
}

static void t_rdi_no_fifo(struct port *p)
{
	/* No FIFO, no timeout: one byte is a received-data interrupt. */
	port_out(p, UART_IER, UART_IER_RDI);
	port_out(p, UART_TX, 0x33);
	CHECK_EQ(UART_IIR_RDI, port_in(p, UART_IIR), "IIR 0x04");
	CHECK(port_irq(p), "interrupt asserted");
	port_in(p, UART_RX);
	CHECK_EQ(UART_IIR_NO_INT, port_in(p, UART_IIR), "cleared by RBR read");
	CHECK(!port_irq(p), "interrupt deasserted");
}

static void t_rx_empty_read(struct port *p)
{
	/* Reading an empty RBR must not underflow the FIFO. */
	port_out(p, UART_FCR, UART_FCR_ENABLE_FIFO);
	for (int i = 0; i < 40; i++)
		port_in(p, UART_RX);
	CHECK_EQ(LSR_IDLE, port_in(p, UART_LSR), "still empty");
	port_out(p, UART_TX, 0x7e);
	CHECK_EQ(LSR_IDLE | UART_LSR_DR, port_in(p, UART_LSR), "one byte");
	CHECK_EQ(0x7e, port_in(p, UART_RX), "that byte");
	CHECK_EQ(LSR_IDLE, port_in(p, UART_LSR), "empty again");
}

int main(void)
{
	static const struct port_test tests[] = {
		{ "one byte", t_one_byte },
		{ "FIFO 16 bytes", t_fifo_16 },
		{ "FIFO ring wraps", t_fifo_wraps },
		{ "overrun", t_overrun },
		{ "FIFO disabled", t_no_fifo },
		{ "FCR clear", t_clear_rx },
		{ "FIFO mode change", t_mode_change_clears },
		{ "trigger levels", t_trigger_levels },
		{ "RDI without FIFO", t_rdi_no_fifo },
		{ "read of empty RBR", t_rx_empty_read },
	};

	port_run(tests, sizeof(tests) / sizeof(tests[0]));
	return th_done();
}
