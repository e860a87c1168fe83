/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Model of one 16550A UART whose transmitter is wired to its own receiver.
 *
 * No kernel headers: see mtty_model_types.h.  Register numbers and bits are
 * those of <linux/serial_reg.h>.  The model is not thread-safe; the caller
 * serialises all calls for one UART.
 */
#ifndef MTTY_UART_H
#define MTTY_UART_H

#include "mtty_model_types.h"

/* Depth of the receive FIFO of a 16550A. */
#define MTTY_UART_FIFO_SIZE	16
/* Number of byte-wide registers, hence the size of the I/O BAR per port. */
#define MTTY_UART_NR_REGS	8

struct mtty_uart {
	/* Receive FIFO: a ring of MTTY_UART_FIFO_SIZE bytes. */
	u8 rx_buf[MTTY_UART_FIFO_SIZE];
	u8 rx_head;		/* index of the oldest byte */
	u8 rx_count;		/* bytes held, 0..MTTY_UART_FIFO_SIZE */

	u8 ier;			/* interrupt enable, UART_IER_* low nibble */
	u8 fcr;			/* FIFO enable and trigger bits as written */
	u8 lcr;			/* line control, bit 7 is DLAB */
	u8 mcr;			/* modem control, UART_MCR_* low five bits */
	u8 lsr_err;		/* sticky line errors (UART_LSR_OE) */
	u8 msr_delta;		/* UART_MSR_ANY_DELTA bits not yet read */
	u8 scr;			/* scratch */
	u16 divisor;		/* divisor latch DLM:DLL */
	bool thri_pending;	/* THR-empty interrupt raised, not yet cleared */
};

/* Put the UART in its power-on state. */
void mtty_uart_reset(struct mtty_uart *uart);

/*
 * Register access at offset @reg (0..7) of the port's I/O window.  Reads
 * have the side effects of the hardware (RBR pops, LSR clears OE, MSR clears
 * the delta bits, IIR clears a reported THR-empty interrupt).  Offsets past
 * the window read 0xff and ignore writes.
 */
u8 mtty_uart_read(struct mtty_uart *uart, unsigned int reg);
void mtty_uart_write(struct mtty_uart *uart, unsigned int reg, u8 val);

/* IIR as the next read would return it, without side effects. */
u8 mtty_uart_iir(const struct mtty_uart *uart);

/* True while the UART drives its interrupt output. */
bool mtty_uart_irq_pending(const struct mtty_uart *uart);

/*
 * Migration state of the UART (see mtty_mig.h): MTTY_UART_STATE_FIXED
 * bytes of registers, then the receive FIFO's bytes, oldest first.
 */
#define MTTY_UART_STATE_FIXED	12

/* Bytes mtty_uart_save() writes. */
unsigned int mtty_uart_state_size(const struct mtty_uart *uart);
void mtty_uart_save(const struct mtty_uart *uart, u8 *buf);

/*
 * Set the UART from the @len bytes mtty_uart_save() wrote.  Returns false,
 * leaving @uart unchanged, when @len is not the size the bytes announce or
 * a register holds bits the hardware does not have.
 */
bool mtty_uart_load(struct mtty_uart *uart, const u8 *buf, unsigned int len);

/* Receive-FIFO trigger level selected by FCR: 1, 4, 8 or 14 bytes. */
unsigned int mtty_uart_rx_trigger(const struct mtty_uart *uart);

#endif /* MTTY_UART_H */
