/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pieces shared by the mtty-client commands: result reporting (check.c),
 * the card handle with its UARTs and config space (card.c), index names
 * (names.c) and the command entry points (cmd_*.c).
 */
#ifndef MTTY_CLIENT_H
#define MTTY_CLIENT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "vfio_mdev.h"

/* Exit statuses, documented in the usage text. */
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
/* hold: longest wait whose milliseconds still fit an int for poll(). */
#define HOLD_MAX_SECONDS	(INT_MAX / MS_PER_SEC)

/* ---- check.c: one "ok - ..." or "FAIL - ..." line per check ---- */

__attribute__((format(printf, 2, 3)))
void check(bool ok, const char *fmt, ...);

/* Print the summary line; CLIENT_EXIT_FAIL if any check failed. */
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

/* Open the mdev and read its device info; it must be a vfio-pci device. */
int card_open(struct mtty_card *card, const char *uuid);
void card_close(struct mtty_card *card);

/*
 * Find the config region and one UART per non-empty BAR, then enable I/O
 * decoding (and INTx) in the command register as a PCI driver would.
 */
int card_start(struct mtty_card *card);

/*
 * Register and config accesses for the checks: a failed access is reported
 * as a FAIL line and reads then return all ones, like a dead bus.
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

/* ---- names.c: "BAR0", "CONFIG", "INTX", ... ---- */

/* Big enough for "REGION4294967295". */
#define PCI_NAME_SIZE		20

/* Return a constant name, or @buf filled with a numbered one. */
const char *pci_region_name(uint32_t index, char buf[PCI_NAME_SIZE]);
const char *pci_irq_name(uint32_t index, char buf[PCI_NAME_SIZE]);

/* ---- commands ---- */

struct client_opts {
	uint32_t irq_index;	/* irq: VFIO_PCI_INTX_IRQ_INDEX or MSI */
	unsigned int seconds;	/* hold */
};

int cmd_info(struct mtty_card *card, const struct client_opts *opts);
int cmd_config(struct mtty_card *card, const struct client_opts *opts);
int cmd_loopback(struct mtty_card *card, const struct client_opts *opts);
int cmd_reset(struct mtty_card *card, const struct client_opts *opts);
int cmd_irq(struct mtty_card *card, const struct client_opts *opts);
int cmd_hold(struct mtty_card *card, const struct client_opts *opts);
int cmd_badargs(struct mtty_card *card, const struct client_opts *opts);

#endif /* MTTY_CLIENT_H */
