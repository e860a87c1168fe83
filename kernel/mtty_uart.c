// SPDX-License-Identifier: GPL-2.0-only
/*
 * 16550A UART model with its transmitter looped back to its receiver.
 *
 * The line has no baud-rate delay: a byte written to THR has been sent and
 * received by the time the write returns.  Consequences that the rest of the
 * model follows from:
 *  - THR and the transmitter shift register are always empty again, so LSR
 *    always reports THRE and TEMT and a THR write re-raises the THR-empty
 *    interrupt at once;
 *  - the receiver is idle as soon as a write returns, so the character
 *    timeout of a real 16550A (four idle character times) has always
 *    elapsed: data below the trigger level is reported as a timeout
 *    interrupt, data at or above it as received-data-available.
 *
 * The wiring outside loop mode is that of a loopback plug: RTS to CTS,
 * DTR to DSR and DCD.  In loop mode (MCR bit 4) the 16550A's own internal
 * wiring applies: DTR to DSR, RTS to CTS, OUT1 to RI, OUT2 to DCD.
 */
#include <linux/serial_reg.h>

#include "mtty_uart.h"

#define MTTY_IER_MASK	(UART_IER_RDI | UART_IER_THRI | UART_IER_RLSI | \
			 UART_IER_MSI)
#define MTTY_MCR_MASK	(UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT1 | \
			 UART_MCR_OUT2 | UART_MCR_LOOP)
#define MTTY_FCR_KEEP	(UART_FCR_ENABLE_FIFO | UART_FCR_TRIGGER_MASK)
/* IIR bits 7:6 read as ones while the FIFOs are enabled. */
#define MTTY_IIR_FIFO_BITS	0xc0
/* A defined divisor after reset: 9600 baud from a 1.8432 MHz clock. */
#define MTTY_DEFAULT_DIVISOR	12

static bool mtty_uart_fifo_enabled(const struct mtty_uart *uart)
{
	return uart->fcr & UART_FCR_ENABLE_FIFO;
}

/* With FIFOs disabled the 16550A behaves as a 16450: a one-byte RBR. */
static unsigned int mtty_uart_rx_depth(const struct mtty_uart *uart)
{
	return mtty_uart_fifo_enabled(uart) ? MTTY_UART_FIFO_SIZE : 1;
}

unsigned int mtty_uart_rx_trigger(const struct mtty_uart *uart)
{
	static const u8 levels[] = { 1, 4, 8, 14 };

	if (!mtty_uart_fifo_enabled(uart))
		return 1;
	return levels[UART_FCR_R_TRIG_BITS(uart->fcr)];
}

/* Modem-status inputs (MSR bits 7:4) as wired for the current MCR. */
static u8 mtty_uart_msr_inputs(u8 mcr)
{
	u8 in = 0;

	if (mcr & UART_MCR_RTS)
		in |= UART_MSR_CTS;
	if (mcr & UART_MCR_DTR)
		in |= UART_MSR_DSR;
	if (mcr & UART_MCR_LOOP) {
		if (mcr & UART_MCR_OUT1)
			in |= UART_MSR_RI;
		if (mcr & UART_MCR_OUT2)
			in |= UART_MSR_DCD;
	} else if (mcr & UART_MCR_DTR) {
		in |= UART_MSR_DCD;
	}
	return in;
}

static void mtty_uart_rx_clear(struct mtty_uart *uart)
{
	uart->rx_head = 0;
	uart->rx_count = 0;
}

static void mtty_uart_rx_push(struct mtty_uart *uart, u8 val)
{
	unsigned int depth = mtty_uart_rx_depth(uart);

	if (uart->rx_count >= depth) {
		uart->lsr_err |= UART_LSR_OE;
		/*
		 * A full FIFO keeps its contents and loses the new byte; a
		 * 16450-style holding register is overwritten by it.
		 */
		if (depth > 1)
			return;
		uart->rx_buf[uart->rx_head] = val;
		return;
	}
	uart->rx_buf[(uart->rx_head + uart->rx_count) % MTTY_UART_FIFO_SIZE] =
		val;
	uart->rx_count++;
}

static u8 mtty_uart_rx_pop(struct mtty_uart *uart)
{
	u8 val;

	if (!uart->rx_count)
		return 0;
	val = uart->rx_buf[uart->rx_head];
	uart->rx_head = (uart->rx_head + 1) % MTTY_UART_FIFO_SIZE;
	uart->rx_count--;
	return val;
}

void mtty_uart_reset(struct mtty_uart *uart)
{
	*uart = (struct mtty_uart){ .divisor = MTTY_DEFAULT_DIVISOR };
}

/* Interrupt identification in priority order, without the FIFO bits. */
static u8 mtty_uart_iir_id(const struct mtty_uart *uart)
{
	if ((uart->ier & UART_IER_RLSI) && (uart->lsr_err & UART_LSR_OE))
		return UART_IIR_RLSI;
	if ((uart->ier & UART_IER_RDI) && uart->rx_count) {
		if (mtty_uart_fifo_enabled(uart) &&
		    uart->rx_count < mtty_uart_rx_trigger(uart))
			return UART_IIR_RX_TIMEOUT;
		return UART_IIR_RDI;
	}
	if ((uart->ier & UART_IER_THRI) && uart->thri_pending)
		return UART_IIR_THRI;
	if ((uart->ier & UART_IER_MSI) && uart->msr_delta)
		return UART_IIR_MSI;
	return UART_IIR_NO_INT;
}

u8 mtty_uart_iir(const struct mtty_uart *uart)
{
	u8 iir = mtty_uart_iir_id(uart);

	if (mtty_uart_fifo_enabled(uart))
		iir |= MTTY_IIR_FIFO_BITS;
	return iir;
}

bool mtty_uart_irq_pending(const struct mtty_uart *uart)
{
	return !(mtty_uart_iir_id(uart) & UART_IIR_NO_INT);
}

static u8 mtty_uart_read_lsr(struct mtty_uart *uart)
{
	u8 lsr = UART_LSR_THRE | UART_LSR_TEMT | uart->lsr_err;

	if (uart->rx_count)
		lsr |= UART_LSR_DR;
	/* Error bits are cleared by the read that reports them. */
	uart->lsr_err = 0;
	return lsr;
}

static u8 mtty_uart_read_iir(struct mtty_uart *uart)
{
	u8 iir = mtty_uart_iir(uart);

	/* Reporting THR empty acknowledges it, as on the real part. */
	if ((iir & UART_IIR_ID) == UART_IIR_THRI)
		uart->thri_pending = false;
	return iir;
}

static u8 mtty_uart_read_msr(struct mtty_uart *uart)
{
	u8 msr = mtty_uart_msr_inputs(uart->mcr) | uart->msr_delta;

	uart->msr_delta = 0;
	return msr;
}

u8 mtty_uart_read(struct mtty_uart *uart, unsigned int reg)
{
	bool dlab = uart->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_RX:
		if (dlab)
			return uart->divisor & 0xff;
		return mtty_uart_rx_pop(uart);
	case UART_IER:
		if (dlab)
			return uart->divisor >> 8;
		return uart->ier;
	case UART_IIR:
		return mtty_uart_read_iir(uart);
	case UART_LCR:
		return uart->lcr;
	case UART_MCR:
		return uart->mcr;
	case UART_LSR:
		return mtty_uart_read_lsr(uart);
	case UART_MSR:
		return mtty_uart_read_msr(uart);
	case UART_SCR:
		return uart->scr;
	default:
		return 0xff;
	}
}

static void mtty_uart_write_ier(struct mtty_uart *uart, u8 val)
{
	u8 old = uart->ier;

	uart->ier = val & MTTY_IER_MASK;
	/*
	 * Enabling the THR-empty interrupt while THR is empty raises it; the
	 * Linux 8250 driver tests exactly this at startup and falls back to
	 * polling a timer when it does not happen.
	 */
	if ((uart->ier & UART_IER_THRI) && !(old & UART_IER_THRI))
		uart->thri_pending = true;
}

static void mtty_uart_write_fcr(struct mtty_uart *uart, u8 val)
{
	bool was_enabled = mtty_uart_fifo_enabled(uart);

	/* Trigger bits only take effect together with the enable bit. */
	uart->fcr = (val & UART_FCR_ENABLE_FIFO) ? (val & MTTY_FCR_KEEP) : 0;
	/* Switching FIFO mode in either direction empties both FIFOs. */
	if (was_enabled != mtty_uart_fifo_enabled(uart) ||
	    (val & UART_FCR_CLEAR_RCVR))
		mtty_uart_rx_clear(uart);
	/* The transmit FIFO is always empty: UART_FCR_CLEAR_XMIT is a no-op. */
}

static void mtty_uart_write_mcr(struct mtty_uart *uart, u8 val)
{
	u8 before = mtty_uart_msr_inputs(uart->mcr);
	u8 after = mtty_uart_msr_inputs(val & MTTY_MCR_MASK);
	u8 changed = before ^ after;

	uart->mcr = val & MTTY_MCR_MASK;
	if (changed & UART_MSR_CTS)
		uart->msr_delta |= UART_MSR_DCTS;
	if (changed & UART_MSR_DSR)
		uart->msr_delta |= UART_MSR_DDSR;
	if (changed & UART_MSR_DCD)
		uart->msr_delta |= UART_MSR_DDCD;
	/* Only the trailing (falling) edge of RI is reported. */
	if ((before & UART_MSR_RI) && !(after & UART_MSR_RI))
		uart->msr_delta |= UART_MSR_TERI;
}

void mtty_uart_write(struct mtty_uart *uart, unsigned int reg, u8 val)
{
	bool dlab = uart->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_TX:
		if (dlab) {
			uart->divisor = (uart->divisor & 0xff00) | val;
			return;
		}
		mtty_uart_rx_push(uart, val);
		/* Sent at once, so THR is empty again. */
		uart->thri_pending = true;
		return;
	case UART_IER:
		if (dlab) {
			uart->divisor = (uart->divisor & 0x00ff) | (val << 8);
			return;
		}
		mtty_uart_write_ier(uart, val);
		return;
	case UART_FCR:
		mtty_uart_write_fcr(uart, val);
		return;
	case UART_LCR:
		uart->lcr = val;
		return;
	case UART_MCR:
		mtty_uart_write_mcr(uart, val);
		return;
	case UART_SCR:
		uart->scr = val;
		return;
	default:
		/* LSR and MSR are read-only; offsets past 7 do not exist. */
		return;
	}
}

/* Layout of the migration state; see mtty_uart.h. */
enum {
	MTTY_ST_IER, MTTY_ST_FCR, MTTY_ST_LCR, MTTY_ST_MCR, MTTY_ST_LSR_ERR,
	MTTY_ST_MSR_DELTA, MTTY_ST_SCR, MTTY_ST_FLAGS, MTTY_ST_DLL,
	MTTY_ST_DLM, MTTY_ST_RX_COUNT, MTTY_ST_RESERVED,
};

#define MTTY_ST_THRI_PENDING	0x01

unsigned int mtty_uart_state_size(const struct mtty_uart *uart)
{
	return MTTY_UART_STATE_FIXED + uart->rx_count;
}

void mtty_uart_save(const struct mtty_uart *uart, u8 *buf)
{
	unsigned int i;

	buf[MTTY_ST_IER] = uart->ier;
	buf[MTTY_ST_FCR] = uart->fcr;
	buf[MTTY_ST_LCR] = uart->lcr;
	buf[MTTY_ST_MCR] = uart->mcr;
	buf[MTTY_ST_LSR_ERR] = uart->lsr_err;
	buf[MTTY_ST_MSR_DELTA] = uart->msr_delta;
	buf[MTTY_ST_SCR] = uart->scr;
	buf[MTTY_ST_FLAGS] = uart->thri_pending ? MTTY_ST_THRI_PENDING : 0;
	buf[MTTY_ST_DLL] = uart->divisor & 0xff;
	buf[MTTY_ST_DLM] = uart->divisor >> 8;
	buf[MTTY_ST_RX_COUNT] = uart->rx_count;
	buf[MTTY_ST_RESERVED] = 0;
	/* The FIFO in arrival order, whatever the ring's head. */
	for (i = 0; i < uart->rx_count; i++)
		buf[MTTY_UART_STATE_FIXED + i] =
			uart->rx_buf[(uart->rx_head + i) % MTTY_UART_FIFO_SIZE];
}

bool mtty_uart_load(struct mtty_uart *uart, const u8 *buf, unsigned int len)
{
	struct mtty_uart u = {
		.ier = buf[MTTY_ST_IER],
		.fcr = buf[MTTY_ST_FCR],
		.lcr = buf[MTTY_ST_LCR],
		.mcr = buf[MTTY_ST_MCR],
		.lsr_err = buf[MTTY_ST_LSR_ERR],
		.msr_delta = buf[MTTY_ST_MSR_DELTA],
		.scr = buf[MTTY_ST_SCR],
		.thri_pending = buf[MTTY_ST_FLAGS] & MTTY_ST_THRI_PENDING,
		.divisor = buf[MTTY_ST_DLL] | (buf[MTTY_ST_DLM] << 8),
		.rx_count = buf[MTTY_ST_RX_COUNT],
	};
	unsigned int i;

	/* Only states the register writes above can produce are accepted. */
	if ((u.ier & ~MTTY_IER_MASK) || (u.fcr & ~MTTY_FCR_KEEP) ||
	    (u.fcr && !mtty_uart_fifo_enabled(&u)) ||
	    (u.mcr & ~MTTY_MCR_MASK) || (u.lsr_err & ~UART_LSR_OE) ||
	    (u.msr_delta & ~UART_MSR_ANY_DELTA) ||
	    (buf[MTTY_ST_FLAGS] & ~MTTY_ST_THRI_PENDING) ||
	    buf[MTTY_ST_RESERVED] || u.rx_count > mtty_uart_rx_depth(&u) ||
	    len != mtty_uart_state_size(&u))
		return false;
	for (i = 0; i < u.rx_count; i++)
		u.rx_buf[i] = buf[MTTY_UART_STATE_FIXED + i];
	*uart = u;
	return true;
}
