// SPDX-License-Identifier: GPL-2.0-only
/*
 * UART register file: reset values, plain read/write registers, the
 * divisor latch and the window bounds (16550A datasheet, Linux 8250).
 */
#include <limits.h>

#include "port.h"
#include "th.h"

static void t_reset_values(struct port *p)
{
	CHECK_EQ(0x00, port_in(p, UART_IER), "IER");
	CHECK_EQ(UART_IIR_NO_INT, port_in(p, UART_IIR), "IIR");
	CHECK_EQ(0x00, port_in(p, UART_LCR), "LCR");
	CHECK_EQ(0x00, port_in(p, UART_MCR), "MCR");
	CHECK_EQ(UART_LSR_TEMT | UART_LSR_THRE, port_in(p, UART_LSR), "LSR");
	CHECK_EQ(0x00, port_in(p, UART_MSR), "MSR");
	CHECK_EQ(0x00, port_in(p, UART_SCR), "SCR");
	CHECK(!port_irq(p), "no interrupt");
}

static void t_scratch(struct port *p)
{
	static const u8 vals[] = { 0x55, 0xaa, 0xff, 0x00, 0x5a };

	for (unsigned int i = 0; i < sizeof(vals); i++) {
		port_out(p, UART_SCR, vals[i]);
		CHECK_EQ(vals[i], port_in(p, UART_SCR), "SCR 0x%02x", vals[i]);
	}
	/* The scratch register does not depend on DLAB. */
	port_out(p, UART_LCR, UART_LCR_DLAB);
	port_out(p, UART_SCR, 0x3c);
	CHECK_EQ(0x3c, port_in(p, UART_SCR), "SCR under DLAB");
	port_out(p, UART_LCR, 0);
	CHECK_EQ(0x3c, port_in(p, UART_SCR), "SCR after DLAB");
}

static void t_lcr(struct port *p)
{
	/* All 8 bits read back: Linux saves and restores LCR verbatim. */
	static const u8 vals[] = { 0x03, 0x1b, 0x7f, 0xbf, 0xe0, 0x00 };

	for (unsigned int i = 0; i < sizeof(vals); i++) {
		port_out(p, UART_LCR, vals[i]);
		CHECK_EQ(vals[i], port_in(p, UART_LCR), "LCR 0x%02x", vals[i]);
	}
}

static void t_reserved_bits(struct port *p)
{
	port_out(p, UART_IER, 0xff);
	CHECK_EQ(0x0f, port_in(p, UART_IER), "IER bits 7:4 read 0");
	port_out(p, UART_IER, 0xf0);
	CHECK_EQ(0x00, port_in(p, UART_IER), "IER 0xf0 reads 0");
	port_out(p, UART_IER, 0);
	port_out(p, UART_MCR, 0xff);
	CHECK_EQ(0x1f, port_in(p, UART_MCR), "MCR bits 7:5 read 0");
	port_out(p, UART_MCR, 0xe0);
	CHECK_EQ(0x00, port_in(p, UART_MCR), "MCR 0xe0 reads 0");
}

static void t_dlab_round_trip(struct port *p)
{
	port_out(p, UART_LCR, UART_LCR_DLAB | UART_LCR_WLEN8);
	port_out(p, UART_DLL, 0x34);
	port_out(p, UART_DLM, 0x12);
	CHECK_EQ(0x34, port_in(p, UART_DLL), "DLL");
	CHECK_EQ(0x12, port_in(p, UART_DLM), "DLM");
	port_out(p, UART_DLL, 0xff);
	port_out(p, UART_DLL, 0x01);
	CHECK_EQ(0x01, port_in(p, UART_DLL), "DLL write replaces");
	port_out(p, UART_DLM, 0xf0);
	port_out(p, UART_DLM, 0x0c);
	CHECK_EQ(0x0c, port_in(p, UART_DLM), "DLM write replaces");
	CHECK_EQ(UART_LCR_DLAB | UART_LCR_WLEN8, port_in(p, UART_LCR),
		 "LCR keeps DLAB");

	/* The latch survives leaving and re-entering DLAB. */
	port_out(p, UART_LCR, UART_LCR_WLEN8);
	port_out(p, UART_LCR, UART_LCR_DLAB | UART_LCR_WLEN8);
	CHECK_EQ(0x01, port_in(p, UART_DLL), "DLL kept");
	CHECK_EQ(0x0c, port_in(p, UART_DLM), "DLM kept");
}

static void t_dlab_hides_ier(struct port *p)
{
	port_out(p, UART_IER, UART_IER_RDI | UART_IER_RLSI);
	port_out(p, UART_LCR, UART_LCR_DLAB);
	port_out(p, UART_DLM, 0xaa);
	port_out(p, UART_DLL, 0x55);
	CHECK_EQ(0xaa, port_in(p, UART_DLM), "offset 1 is DLM");
	port_out(p, UART_LCR, 0);
	CHECK_EQ(UART_IER_RDI | UART_IER_RLSI, port_in(p, UART_IER),
		 "IER untouched by DLM write");
	port_out(p, UART_IER, UART_IER_MSI);
	port_out(p, UART_LCR, UART_LCR_DLAB);
	CHECK_EQ(0xaa, port_in(p, UART_DLM), "DLM untouched by IER write");
	CHECK_EQ(0x55, port_in(p, UART_DLL), "DLL untouched by IER write");
}

static void t_dlab_hides_fifo(struct port *p)
{
	port_out(p, UART_LCR, UART_LCR_DLAB);
	port_out(p, UART_TX, 0x41);
	port_out(p, UART_LCR, 0);
	CHECK_EQ(UART_LSR_TEMT | UART_LSR_THRE, port_in(p, UART_LSR),
		 "DLL write does not reach the FIFO");

	port_out(p, UART_TX, 0x42);
	port_out(p, UART_LCR, UART_LCR_DLAB);
	CHECK_EQ(0x41, port_in(p, UART_DLL), "DLL holds the DLAB write");
	port_out(p, UART_LCR, 0);
	CHECK_EQ(UART_LSR_TEMT | UART_LSR_THRE | UART_LSR_DR,
		 port_in(p, UART_LSR), "DLL read does not pop the FIFO");
	CHECK_EQ(0x42, port_in(p, UART_RX), "RBR after DLAB");
}

static void t_window_bounds(struct port *p)
{
	static const unsigned int offs[] = { 8, 9, 15, 16, 255, 256, 0x10000,
					     UINT_MAX };

	port_out(p, UART_SCR, 0x77);
	port_out(p, UART_LCR, UART_LCR_WLEN8);
	for (unsigned int i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		CHECK_EQ(0xff, port_in(p, offs[i]), "read offset 0x%x",
			 offs[i]);
		port_out(p, offs[i], 0x00);
		port_out(p, offs[i], 0xff);
	}
	CHECK_EQ(0x00, port_in(p, UART_IER), "IER after writes past window");
	CHECK_EQ(0x03, port_in(p, UART_LCR), "LCR after writes past window");
	CHECK_EQ(0x00, port_in(p, UART_MCR), "MCR after writes past window");
	CHECK_EQ(0x77, port_in(p, UART_SCR), "SCR after writes past window");
	CHECK_EQ(UART_LSR_TEMT | UART_LSR_THRE, port_in(p, UART_LSR),
		 "LSR after writes past window");
	CHECK_EQ(UART_IIR_NO_INT, port_in(p, UART_IIR),
		 "IIR after writes past window");
}

static void t_reset_again(struct port *p)
{
	/* mtty_uart_reset() from a dirty state (the card has its own test). */
	if (p->kind != PORT_UART)
		return;
	port_out(p, UART_FCR, UART_FCR_ENABLE_FIFO);
	port_out(p, UART_IER, 0x0f);
	port_out(p, UART_MCR, 0x1f);
	port_out(p, UART_SCR, 0x99);
	for (int i = 0; i < 20; i++)
		port_out(p, UART_TX, (u8)i);
	port_out(p, UART_LCR, 0x83);
	mtty_uart_reset(&p->uart);
	t_reset_values(p);
	CHECK_EQ(1, mtty_uart_rx_trigger(&p->uart), "trigger 1 after reset");
}

int main(void)
{
	static const struct port_test tests[] = {
		{ "reset values", t_reset_values },
		{ "scratch", t_scratch },
		{ "LCR", t_lcr },
		{ "reserved bits", t_reserved_bits },
		{ "divisor latch", t_dlab_round_trip },
		{ "DLAB and IER", t_dlab_hides_ier },
		{ "DLAB and FIFO", t_dlab_hides_fifo },
		{ "offsets past 7", t_window_bounds },
		{ "reset from dirty state", t_reset_again },
	};

	port_run(tests, sizeof(tests) / sizeof(tests[0]));
	return th_done();
}
