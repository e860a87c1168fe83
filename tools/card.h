/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What mtty-client and the VFIO conformance test (tests/vfio) share: result
 * reporting (check.c), the card handle with its UARTs and config space
 * (card.c) and index names (names.c).  The test builds these files from
 * tools/ rather than keeping copies.
 */
#ifndef MTTY_CARD_H
#define MTTY_CARD_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/serial_reg.h>

#include "vfio_mdev.h"

/* Exit statuses of both programs, documented in their usage texts. */
enum client_exit {
	CLIENT_EXIT_OK = 0,
	CLIENT_EXIT_FAIL = 1,
	CLIENT_EXIT_USAGE = 2,
	CLIENT_EXIT_TIMEOUT = 3,
};

/* Receive FIFO depth of a 16550A. */
#define MTTY_FIFO_DEPTH		16

/* A PCI function has at most six BARs, hence at most six UARTs. */
#define MTTY_MAX_PORTS \
	(VFIO_PCI_BAR5_REGION_INDEX - VFIO_PCI_BAR0_REGION_INDEX + 1)

/* An expected interrupt may take a while on a slow (TCG) guest. */
#define IRQ_TIMEOUT_MS		2000
/*
 * The driver signals from inside the access that raises the interrupt, so a
 * signal that has not come this long after the access never will.
 */
#define IRQ_QUIET_MS		200

#define MS_PER_SEC		1000

/* LSR of an idle transmitter. */
#define LSR_IDLE		(UART_LSR_THRE | UART_LSR_TEMT)

/* ---- check.c: one TAP line, "ok N - ..." or "not ok N - ...", a check ---- */

__attribute__((format(printf, 2, 3)))
void check(bool ok, const char *fmt, ...);

/*
 * Print the plan ("1..N") and the "# N passed, N failed" line;
 * CLIENT_EXIT_FAIL if any check failed.
 */
int check_summary(void);

/* ---- card.c: the opened device and its UARTs ---- */

struct mtty_port {
	const struct vfio_mdev *dev;
	struct vfio_region_info region;
	char name[8];		/* "BAR0" .. "BAR5" */
};

struct mtty_card {
	struct vfio_mdev dev;
	struct vfio_device_info info;
	struct vfio_region_info config;
	struct mtty_port port[MTTY_MAX_PORTS];
	unsigned int nr_ports;
};

/*
 * Is @id an mtty device?  Its mdev type is "mtty-N" and, when bound, its
 * driver is "mtty" (the mdev driver registered by mtty.ko).
 */
bool card_is_mtty(const struct vfio_mdev_identity *id);

/*
 * Open the mdev @uuid (as vfio_mdev_uuid_parse() leaves it) and read its
 * device info; it must be a vfio-pci device.  Opening resets an mtty, so
 * any other mdev is refused before it is opened, and the reset is
 * announced on stderr before it happens.
 */
int card_open(struct mtty_card *card, const char *uuid);
void card_close(struct mtty_card *card);

/*
 * Find the config region and one UART per non-empty BAR, then enable I/O
 * decoding (and INTx) in the command register as a PCI driver would.
 */
int card_start(struct mtty_card *card);

/*
 * Register and config accesses for the checks: a failed access is reported
 * as a failed check and reads then return all ones, like a dead bus.
 */
uint8_t port_in(const struct mtty_port *port, unsigned int reg);
void port_out(const struct mtty_port *port, unsigned int reg, uint8_t val);
uint16_t config_in16(const struct mtty_card *card, unsigned int off);
void config_out16(const struct mtty_card *card, unsigned int off,
		  uint16_t val);

/* 8N1, FIFOs enabled and cleared, no interrupts enabled. */
void port_init(const struct mtty_port *port);

/* Read RBR until LSR has no DR; returns the number of bytes read. */
unsigned int port_drain(const struct mtty_port *port);

/* Checks that register @reg reads @want, and that LSR & @mask is @want. */
void check_reg(const struct mtty_port *port, unsigned int reg, uint8_t want,
	       const char *what);
void check_lsr(const struct mtty_port *port, uint8_t mask, uint8_t want,
	       const char *what);

/* ---- names.c: "BAR0", "CONFIG", "INTX", ... ---- */

/* Big enough for "REGION4294967295". */
#define PCI_NAME_SIZE		20

/* Return a constant name, or @buf filled with a numbered one. */
const char *pci_region_name(uint32_t index, char buf[PCI_NAME_SIZE]);
const char *pci_irq_name(uint32_t index, char buf[PCI_NAME_SIZE]);

#endif /* MTTY_CARD_H */
