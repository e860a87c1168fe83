// SPDX-License-Identifier: GPL-2.0-only
/*
 * Modem control and status: MCR loopback wiring, delta bits, the modem
 * status interrupt, and the wiring outside loop mode.
 */
#include "port.h"
#include "th.h"

#define MSR_LINES	0xf0

/* MCR value, then reads MSR twice: the second read has no deltas. */
static u8 set_mcr_lines(struct port *p, u8 mcr)
{
	port_out(p, UART_MCR, mcr);
	port_in(p, UART_MSR);
	return port_in(p, UART_MSR);
}

static void t_loop_mapping(struct port *p)
{
	static const struct {
		u8 mcr;
		u8 msr;
		const char *what;
	} map[] = {
		{ UART_MCR_DTR, UART_MSR_DSR, "DTR -> DSR" },
		{ UART_MCR_RTS, UART_MSR_CTS, "RTS -> CTS" },
		{ UART_MCR_OUT1, UART_MSR_RI, "OUT1 -> RI" },
		{ UART_MCR_OUT2, UART_MSR_DCD, "OUT2 -> DCD" },
		{ 0x0f, 0xf0, "all four" },
		{ UART_MCR_RTS | UART_MCR_OUT2, UART_MSR_CTS | UART_MSR_DCD,
		  "autoconfig 0x0a -> 0x90" },
		{ 0, 0, "none" },
	};

	for (unsigned int i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		CHECK_EQ(map[i].msr,
			 set_mcr_lines(p, UART_MCR_LOOP | map[i].mcr),
			 "%s", map[i].what);
}

static void t_loop_deltas(struct port *p)
{
	set_mcr_lines(p, UART_MCR_LOOP);
	port_out(p, UART_MCR, UART_MCR_LOOP | UART_MCR_DTR);
	CHECK_EQ(UART_MSR_DSR | UART_MSR_DDSR, port_in(p, UART_MSR),
		 "DSR rise sets DDSR");
	CHECK_EQ(UART_MSR_DSR, port_in(p, UART_MSR), "MSR read clears DDSR");

	port_out(p, UART_MCR, UART_MCR_LOOP | UART_MCR_DTR | UART_MCR_RTS);
	CHECK_EQ(UART_MSR_DSR | UART_MSR_CTS | UART_MSR_DCTS,
		 port_in(p, UART_MSR), "CTS rise sets DCTS");

	port_out(p, UART_MCR, UART_MCR_LOOP | UART_MCR_DTR | UART_MCR_RTS |
		 UART_MCR_OUT2);
	CHECK_EQ(UART_MSR_DSR | UART_MSR_CTS | UART_MSR_DCD | UART_MSR_DDCD,
		 port_in(p, UART_MSR), "DCD rise sets DDCD");

	port_out(p, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2);
	CHECK_EQ(UART_MSR_DCD | UART_MSR_DDSR | UART_MSR_DCTS,
		 port_in(p, UART_MSR), "falls set DDSR and DCTS too");

	port_out(p, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_OUT1);
	CHECK_EQ(UART_MSR_DCD | UART_MSR_RI, port_in(p, UART_MSR),
		 "RI rise does not set TERI");
	port_out(p, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2);
	CHECK_EQ(UART_MSR_DCD | UART_MSR_TERI, port_in(p, UART_MSR),
		 "RI fall sets TERI");
	CHECK_EQ(UART_MSR_DCD, port_in(p, UART_MSR), "MSR read clears TERI");

	/* Deltas accumulate until MSR is read. */
	port_out(p, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_DTR);
	port_out(p, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_DTR |
		 UART_MCR_RTS);
	CHECK_EQ(UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS | UART_MSR_DDSR |
		 UART_MSR_DCTS, port_in(p, UART_MSR), "deltas accumulate");

	/* Rewriting the same value is no change. */
	port_out(p, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_DTR |
		 UART_MCR_RTS);
	CHECK_EQ(UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS,
		 port_in(p, UART_MSR), "same MCR, no delta");
}

static void t_msi(struct port *p)
{
	set_mcr_lines(p, UART_MCR_LOOP);
	port_out(p, UART_MCR, UART_MCR_LOOP | UART_MCR_RTS);
	CHECK_EQ(UART_IIR_NO_INT, port_in(p, UART_IIR), "delta, IER 0");
	port_out(p, UART_IER, UART_IER_MSI);
	CHECK_EQ(UART_IIR_MSI, port_in(p, UART_IIR), "IER MSI: IIR 0x00");
	CHECK(port_irq(p), "interrupt asserted");
	CHECK_EQ(UART_IIR_MSI, port_in(p, UART_IIR), "IIR read keeps it");
	CHECK_EQ(UART_MSR_CTS | UART_MSR_DCTS, port_in(p, UART_MSR), "MSR");
	CHECK_EQ(UART_IIR_NO_INT, port_in(p, UART_IIR), "MSR read clears");
	CHECK(!port_irq(p), "interrupt deasserted");

	/* A TERI alone is a modem status interrupt as well. */
	set_mcr_lines(p, UART_MCR_LOOP | UART_MCR_OUT1);
	port_out(p, UART_MCR, UART_MCR_LOOP);
	CHECK_EQ(UART_IIR_MSI, port_in(p, UART_IIR), "TERI interrupts");
	port_in(p, UART_MSR);
	CHECK_EQ(UART_IIR_NO_INT, port_in(p, UART_IIR), "TERI cleared");
}

static void t_no_loop_wiring(struct port *p)
{
	CHECK_EQ(UART_MSR_CTS, set_mcr_lines(p, UART_MCR_RTS), "RTS -> CTS");
	CHECK_EQ(UART_MSR_DSR | UART_MSR_DCD, set_mcr_lines(p, UART_MCR_DTR),
		 "DTR -> DSR + DCD");
	CHECK_EQ(UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD,
		 set_mcr_lines(p, UART_MCR_DTR | UART_MCR_RTS), "DTR + RTS");
	CHECK_EQ(0x00, set_mcr_lines(p, UART_MCR_OUT1 | UART_MCR_OUT2),
		 "OUT1/OUT2 not wired outside loop");
	CHECK_EQ(0x00, set_mcr_lines(p, 0), "all low");

	port_out(p, UART_MCR, UART_MCR_DTR);
	CHECK_EQ(UART_MSR_DSR | UART_MSR_DCD | UART_MSR_DDSR | UART_MSR_DDCD,
		 port_in(p, UART_MSR), "DTR rise: DDSR + DDCD");
	port_out(p, UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
	CHECK_EQ(UART_MSR_DSR | UART_MSR_DCD | UART_MSR_CTS | UART_MSR_DCTS,
		 port_in(p, UART_MSR), "RTS rise: DCTS");
}

static void t_loop_data(struct port *p)
{
	/* Loop mode still loops THR to RBR (Linux size_fifo relies on it). */
	port_out(p, UART_MCR, UART_MCR_LOOP);
	port_out(p, UART_TX, 0xa7);
	CHECK_EQ(0xa7, port_in(p, UART_RX), "byte through loop mode");
}

int main(void)
{
	static const struct port_test tests[] = {
		{ "loop mapping", t_loop_mapping },
		{ "loop deltas", t_loop_deltas },
		{ "modem status interrupt", t_msi },
		{ "wiring outside loop", t_no_loop_wiring },
		{ "data in loop mode", t_loop_data },
	};

	port_run(tests, sizeof(tests) / sizeof(tests[0]));
	return th_done();
}
