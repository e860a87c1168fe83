// SPDX-License-Identifier: GPL-2.0-only
/*
 * Replays of what the Linux 8250 driver (drivers/tty/serial/8250/
 * 8250_port.c, 6.1) does to a port: autoconfig() with autoconfig_16550a()
 * and size_fifo(), the checks in serial8250_do_startup(), and an
 * interrupt-driven transfer as serial8250_handle_irq() performs it.  The
 * driver's decisions are re-derived here from the register values, so a
 * failure names the register read that would mislead Linux.
 */
#include <string.h>

#include "port.h"
#include "th.h"

/* Register values autoconfig() bases its decisions on. */
struct probe {
	u8 ier_zero;		/* IER & 0x0f after writing 0 */
	u8 ier_all;		/* IER & 0x0f after writing 0x0f */
	u8 loop_msr;		/* MSR & 0xf0 with MCR = LOOP | 0x0a */
	u8 iir_fifo;		/* IIR after FCR = ENABLE_FIFO */
	u8 efr_mode_a;		/* offset 2 with LCR = 0x80 */
	u8 efr_mode_b;		/* offset 2 with LCR = 0xbf */
	u8 iir64_nodlab;	/* IIR >> 5 after FCR 64-byte, DLAB clear */
	u8 iir64_dlab;		/* IIR >> 5 after FCR 64-byte, DLAB set */
	u8 ier_uue;		/* IER after writing UUE */
	int fifo_size;		/* size_fifo() */
};

static u8 in(struct port *p, unsigned int reg)
{
	return port_in(p, reg);
}

static void out(struct port *p, unsigned int reg, u8 val)
{
	port_out(p, reg, val);
}

/* serial8250_clear_fifos() for a port with UART_CAP_FIFO. */
static void clear_fifos(struct port *p)
{
	out(p, UART_FCR, UART_FCR_ENABLE_FIFO);
	out(p, UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR |
	    UART_FCR_CLEAR_XMIT);
	out(p, UART_FCR, 0);
}

static u16 dl_read(struct port *p)
{
	return (u16)(in(p, UART_DLL) | in(p, UART_DLM) << 8);
}

static void dl_write(struct port *p, u16 dl)
{
	out(p, UART_DLL, dl & 0xff);
	out(p, UART_DLM, dl >> 8);
}

static int size_fifo(struct port *p)
{
	u8 old_lcr, old_fcr, old_mcr;
	u16 old_dl;
	int count;

	old_lcr = in(p, UART_LCR);
	out(p, UART_LCR, 0);
	old_fcr = in(p, UART_FCR);	/* reads IIR, as the driver does */
	old_mcr = in(p, UART_MCR);
	out(p, UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR |
	    UART_FCR_CLEAR_XMIT);
	out(p, UART_MCR, UART_MCR_LOOP);
	out(p, UART_LCR, UART_LCR_CONF_MODE_A);
	old_dl = dl_read(p);
	dl_write(p, 0x0001);
	out(p, UART_LCR, UART_LCR_WLEN8);
	for (count = 0; count < 256; count++)
		out(p, UART_TX, (u8)count);
	for (count = 0; (in(p, UART_LSR) & UART_LSR_DR) && count < 256;
	     count++)
		in(p, UART_RX);
	out(p, UART_FCR, old_fcr);
	out(p, UART_MCR, old_mcr);
	out(p, UART_LCR, UART_LCR_CONF_MODE_A);
	dl_write(p, old_dl);
	out(p, UART_LCR, old_lcr);
	return count;
}

/* autoconfig_16550a() as with UPF_FULL_PROBE: every variant is probed. */
static const char *autoconfig_16550a(struct port *p, struct probe *r)
{
	u8 status1, status2, iersave;

	out(p, UART_LCR, UART_LCR_CONF_MODE_A);
	r->efr_mode_a = in(p, UART_EFR);
	if (r->efr_mode_a == 0) {
		out(p, UART_EFR, 0xa8);
		if (in(p, UART_EFR) != 0)
			return "16650";
		return "16550A_FSL64 or Motorola";
	}

	out(p, UART_LCR, UART_LCR_CONF_MODE_B);
	r->efr_mode_b = in(p, UART_EFR);
	if (r->efr_mode_b == 0)
		return "EFRv2 (16650V2/16750/16850/16950)";

	/* National Semiconductor SuperIO: EXCR1 mirrors MCR LOOP. */
	out(p, UART_LCR, 0);
	status1 = in(p, UART_MCR);
	out(p, UART_LCR, 0xe0);
	status2 = in(p, 0x02);
	if (!((status2 ^ status1) & UART_MCR_LOOP)) {
		out(p, UART_LCR, 0);
		out(p, UART_MCR, status1 ^ UART_MCR_LOOP);
		out(p, UART_LCR, 0xe0);
		status2 = in(p, 0x02);
		out(p, UART_LCR, 0);
		out(p, UART_MCR, status1);
		if ((status2 ^ status1) & UART_MCR_LOOP)
			return "NS16550A";
	}

	out(p, UART_LCR, 0);
	out(p, UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR7_64BYTE);
	r->iir64_nodlab = in(p, UART_IIR) >> 5;
	out(p, UART_FCR, UART_FCR_ENABLE_FIFO);
	out(p, UART_LCR, UART_LCR_CONF_MODE_A);
	out(p, UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR7_64BYTE);
	r->iir64_dlab = in(p, UART_IIR) >> 5;
	out(p, UART_FCR, UART_FCR_ENABLE_FIFO);
	out(p, UART_LCR, 0);
	if (r->iir64_nodlab == 6 && r->iir64_dlab == 7)
		return "16750";

	iersave = in(p, UART_IER);
	out(p, UART_IER, iersave & ~UART_IER_UUE);
	if (!(in(p, UART_IER) & UART_IER_UUE)) {
		out(p, UART_IER, iersave | UART_IER_UUE);
		r->ier_uue = in(p, UART_IER);
		if (r->ier_uue & UART_IER_UUE)
			return "XScale";
	} else {
		return "IER UUE stuck at 1";
	}
	out(p, UART_IER, iersave);

	r->fifo_size = size_fifo(p);
	if (r->fifo_size == 64)
		return "U6_16550A";
	return "16550A";
}

static const char *autoconfig(struct port *p, struct probe *r)
{
	u8 scratch, save_lcr, save_mcr;
	const char *type;

	scratch = in(p, UART_IER);
	out(p, UART_IER, 0);
	r->ier_zero = in(p, UART_IER) & 0x0f;
	out(p, UART_IER, 0x0f);
	r->ier_all = in(p, UART_IER) & 0x0f;
	out(p, UART_IER, scratch);
	if (r->ier_zero != 0 || r->ier_all != 0x0f)
		return "IER test failed";

	save_mcr = in(p, UART_MCR);
	save_lcr = in(p, UART_LCR);
	out(p, UART_MCR, UART_MCR_LOOP | 0x0a);
	r->loop_msr = in(p, UART_MSR) & 0xf0;
	out(p, UART_MCR, save_mcr);
	if (r->loop_msr != 0x90)
		return "LOOP test failed";

	out(p, UART_LCR, UART_LCR_CONF_MODE_B);
	out(p, UART_EFR, 0);
	out(p, UART_LCR, 0);
	out(p, UART_FCR, UART_FCR_ENABLE_FIFO);
	r->iir_fifo = in(p, UART_IIR);
	switch (r->iir_fifo >> 6) {
	case 0:
		type = "8250/16450";
		break;
	case 1:
		type = "unknown";
		break;
	case 2:
		type = "16550";
		break;
	default:
		type = autoconfig_16550a(p, r);
		break;
	}

	out(p, UART_LCR, save_lcr);
	/* The "Reset the UART" tail of autoconfig(). */
	out(p, UART_MCR, save_mcr);
	clear_fifos(p);
	in(p, UART_RX);
	out(p, UART_IER, 0);
	return type;
}

static void t_autoconfig(struct port *p)
{
	struct probe r;
	const char *type;
	u16 dl;

	out(p, UART_LCR, UART_LCR_DLAB);
	dl_write(p, 0x0030);
	out(p, UART_LCR, 0);
	memset(&r, 0xee, sizeof(r));
	r.fifo_size = -1;
	type = autoconfig(p, &r);
	CHECK_STR("16550A", type, "autoconfig concludes 16550A");
	CHECK_EQ(0x00, r.ier_zero, "IER scratch test: 0x00");
	CHECK_EQ(0x0f, r.ier_all, "IER scratch test: 0x0f");
	CHECK_EQ(0x90, r.loop_msr, "loopback test: MSR & 0xf0");
	CHECK_EQ(3, r.iir_fifo >> 6, "FCR enable: IIR >> 6");
	CHECK(r.efr_mode_a != 0, "LCR 0x80: offset 2 non-zero (no EFRv1)");
	CHECK(r.efr_mode_b != 0, "LCR 0xbf: offset 2 non-zero (no EFRv2)");
	CHECK_EQ(6, r.iir64_nodlab, "no 64-byte FIFO bit (DLAB clear)");
	CHECK_EQ(6, r.iir64_dlab, "no 64-byte FIFO bit (DLAB set)");
	CHECK_EQ(0, r.ier_uue & UART_IER_UUE, "IER UUE not writable");
	CHECK_EQ(16, r.fifo_size, "size_fifo counts 16 bytes");

	/* autoconfig leaves a quiet port behind. */
	CHECK_EQ(0x00, in(p, UART_IER), "after probe: IER");
	CHECK_EQ(0x00, in(p, UART_LCR), "after probe: LCR restored");
	CHECK_EQ(0x00, in(p, UART_MCR), "after probe: MCR restored");
	CHECK_EQ(UART_IIR_NO_INT, in(p, UART_IIR), "after probe: IIR");
	CHECK_EQ(UART_LSR_TEMT | UART_LSR_THRE, in(p, UART_LSR),
		 "after probe: LSR");
	CHECK(!port_irq(p), "after probe: no interrupt");
	out(p, UART_LCR, UART_LCR_DLAB);
	dl = dl_read(p);
	out(p, UART_LCR, 0);
	CHECK_EQ(0x0030, dl, "after probe: size_fifo restored the divisor");
}

static void t_autoconfig_saved_state(struct port *p)
{
	struct probe r;
	const char *type;

	/* autoconfig restores the LCR and MCR it found. */
	out(p, UART_LCR, UART_LCR_WLEN8);
	out(p, UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	type = autoconfig(p, &r);

	CHECK_STR("16550A", type, "16550A with DTR/RTS/OUT2 set");
	CHECK_EQ(UART_LCR_WLEN8, in(p, UART_LCR), "LCR restored");
	CHECK_EQ(UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2,
		 in(p, UART_MCR), "MCR restored");
}

static void t_startup(struct port *p)
{
	u8 iir1, iir, lsr;

	clear_fifos(p);
	in(p, UART_LSR);
	in(p, UART_RX);
	in(p, UART_IIR);
	in(p, UART_MSR);
	CHECK(in(p, UART_LSR) != 0xff, "LSR safety check");

	/* The THRE test: THRI must be re-asserted after IER toggles. */
	CHECK(in(p, UART_LSR) & UART_LSR_THRE, "wait_for_xmitr: THRE");
	out(p, UART_IER, UART_IER_THRI);
	iir1 = in(p, UART_IIR);
	out(p, UART_IER, 0);
	out(p, UART_IER, UART_IER_THRI);
	iir = in(p, UART_IIR);
	out(p, UART_IER, 0);
	CHECK_EQ(UART_IIR_THRI, iir1, "THRE test: first IIR");
	CHECK_EQ(UART_IIR_THRI, iir, "THRE test: IIR after IER toggle");
	CHECK(!(!(iir1 & UART_IIR_NO_INT) && (iir & UART_IIR_NO_INT)),
	      "no UART_BUG_THRE");

	out(p, UART_LCR, UART_LCR_WLEN8);
	out(p, UART_MCR, UART_MCR_OUT2 | UART_MCR_DTR | UART_MCR_RTS);

	/* The TXEN test. */
	out(p, UART_IER, UART_IER_THRI);
	lsr = in(p, UART_LSR);
	iir = in(p, UART_IIR);
	out(p, UART_IER, 0);
	CHECK(!((lsr & UART_LSR_TEMT) && (iir & UART_IIR_NO_INT)),
	      "no UART_BUG_TXEN (LSR 0x%02x IIR 0x%02x)", lsr, iir);

	/* Clear the interrupt registers again. */
	in(p, UART_LSR);
	in(p, UART_RX);
	in(p, UART_IIR);
	in(p, UART_MSR);
	CHECK(!port_irq(p), "startup leaves no interrupt");
}

/*
 * Interrupt-driven loopback as serial8250_handle_irq() services it, with
 * the 16550A settings of set_termios(): FIFO on, trigger 8, tx_loadsz 16.
 */
static void t_irq_transfer(struct port *p)
{
	enum { LEN = 300 };
	u8 tx[LEN], rx[LEN] = { 0 };
	unsigned int sent = 0, got = 0, irqs = 0, errors = 0;
	u8 ier = UART_IER_RLSI | UART_IER_RDI;

	for (unsigned int i = 0; i < LEN; i++)
		tx[i] = (u8)(i * 31 + 5);
	out(p, UART_LCR, UART_LCR_DLAB | UART_LCR_WLEN8);
	dl_write(p, 1);
	out(p, UART_LCR, UART_LCR_WLEN8);
	out(p, UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_TRIGGER_8);
	out(p, UART_MCR, UART_MCR_OUT2 | UART_MCR_DTR | UART_MCR_RTS);
	in(p, UART_MSR);
	out(p, UART_IER, ier);

	/* start_tx: set THRI, which interrupts with THR empty. */
	ier |= UART_IER_THRI;
	out(p, UART_IER, ier);
	while (port_irq(p) && irqs < 10 * LEN) {
		u8 iir = in(p, UART_IIR), lsr;

		irqs++;
		if (iir & UART_IIR_NO_INT)
			break;
		lsr = in(p, UART_LSR);
		if (lsr & UART_LSR_BRK_ERROR_BITS)
			errors++;
		if (lsr & UART_LSR_DR) {
			int max = 256;

			do {
				u8 c = in(p, UART_RX);

				if (got < LEN)
					rx[got] = c;
				got++;
				if (--max == 0)
					break;
				lsr = in(p, UART_LSR);
				if (lsr & UART_LSR_BRK_ERROR_BITS)
					errors++;
			} while (lsr & UART_LSR_DR);
		}
		in(p, UART_MSR);
		if ((lsr & UART_LSR_THRE) && (ier & UART_IER_THRI)) {
			for (int n = 0; n < 16 && sent < LEN; n++)
				out(p, UART_TX, tx[sent++]);
			if (sent == LEN) {
				ier &= ~UART_IER_THRI;
				out(p, UART_IER, ier);
			}
		}
	}
	CHECK_EQ(LEN, sent, "all bytes sent");
	CHECK_EQ(LEN, got, "all bytes received");
	CHECK(got == LEN && memcmp(tx, rx, LEN) == 0, "received in order");
	CHECK_EQ(0, errors, "no line errors");
	CHECK(!port_irq(p), "interrupt line idle at the end");
}

int main(void)
{
	static const struct port_test tests[] = {
		{ "autoconfig", t_autoconfig },
		{ "autoconfig restores", t_autoconfig_saved_state },
		{ "startup", t_startup },
		{ "irq transfer", t_irq_transfer },
	};

	port_run(tests, sizeof(tests) / sizeof(tests[0]));
	return th_done();
}
