/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The migration stream of an mtty card: what VFIO migration reads out of
 * a stopped source device and writes into a destination one.  The format
 * is documented in docs/migration.md; in short, all integers little
 * endian:
 *
 *   header   "MTTY", u16 version, u16 header size, u8 ports, u8 sections,
 *            u16 flags (0)
 *   section  u8 id, u8 instance, u16 payload length, payload   (repeated)
 *   trailer  u32 CRC-32 (IEEE 802.3) of every byte before it
 *
 * The header depends only on the card's type, so it can be sent before the
 * device stops (VFIO's PRE_COPY) and checked by the destination early.
 *
 * No kernel headers (see mtty_model_types.h).  Loading validates the whole
 * stream before it changes anything: a stream that is refused leaves the
 * card and its interrupt state exactly as they were.
 */
#ifndef MTTY_MIG_H
#define MTTY_MIG_H

#include "mtty_card.h"
#include "mtty_irqmodel.h"
#include "mtty_model_types.h"

#define MTTY_MIG_VERSION	1
#define MTTY_MIG_HEADER_SIZE	12
#define MTTY_MIG_SECTION_HEAD	4
#define MTTY_MIG_TRAILER_SIZE	4

/*
 * Section ids, in the order version 1 requires.  A later version may add
 * sections or fields; a module then reads every version up to its own and
 * gives what an older stream lacks its power-on value.
 */
#define MTTY_MIG_SEC_PCI	1	/* writable config-space bytes */
#define MTTY_MIG_SEC_UART	2	/* one per port; instance = port */
#define MTTY_MIG_SEC_IRQ	3	/* interrupt wiring and edge state */

/* Payload sizes of version 1 (a UART adds its receive FIFO bytes). */
#define MTTY_MIG_PCI_SIZE(bars)	MTTY_PCI_STATE_SIZE(bars)
#define MTTY_MIG_UART_SIZE(rx)	(MTTY_UART_STATE_FIXED + (rx))
#define MTTY_MIG_IRQ_SIZE	4

/* Largest stream of any card: two ports with full receive FIFOs. */
#define MTTY_MIG_MAX_SIZE						\
	(MTTY_MIG_HEADER_SIZE +						\
	 MTTY_MIG_SECTION_HEAD + MTTY_MIG_PCI_SIZE(MTTY_MAX_PORTS) +	\
	 MTTY_MAX_PORTS * (MTTY_MIG_SECTION_HEAD +			\
			   MTTY_MIG_UART_SIZE(MTTY_UART_FIFO_SIZE)) +	\
	 MTTY_MIG_SECTION_HEAD + MTTY_MIG_IRQ_SIZE + MTTY_MIG_TRAILER_SIZE)

/* Why a stream was refused. */
enum mtty_mig_err {
	MTTY_MIG_OK,
	MTTY_MIG_ERR_SHORT,	/* ends before the header, a section or CRC */
	MTTY_MIG_ERR_LONG,	/* bytes after the trailer */
	MTTY_MIG_ERR_MAGIC,	/* not an mtty stream */
	MTTY_MIG_ERR_VERSION,	/* a format version this module lacks */
	MTTY_MIG_ERR_HEADER,	/* header size or flags not understood */
	MTTY_MIG_ERR_TYPE,	/* saved from a card with other ports */
	MTTY_MIG_ERR_CRC,	/* corrupted in transit */
	MTTY_MIG_ERR_SECTION,	/* unknown, repeated, missing or mis-sized */
	MTTY_MIG_ERR_VALUE,	/* a value the device cannot hold */
};

/*
 * What did not match: @got and @want are the values compared (for
 * MTTY_MIG_ERR_TYPE the port counts, for ERR_VERSION the versions, for a
 * section the id and the instance or the expected length), @offset is the
 * byte of the stream where it was found.
 */
struct mtty_mig_error {
	enum mtty_mig_err code;
	u32 offset;
	u32 got;
	u32 want;
};

/* A short name of @code, for logs and tests ("wrong device type", ...). */
const char *mtty_mig_strerror(enum mtty_mig_err code);

/* The trailer's checksum: CRC-32 of IEEE 802.3, as zlib computes it. */
u32 mtty_mig_crc32(const u8 *p, unsigned int len);

/* Bytes of the stream of @card in its current state. */
unsigned int mtty_mig_size(const struct mtty_card *card);

/*
 * Write the header of a card with @nr_ports ports into @buf, which holds
 * MTTY_MIG_HEADER_SIZE bytes.  The same bytes start mtty_mig_save()'s
 * stream.
 */
void mtty_mig_header(unsigned int nr_ports, u8 *buf);

/*
 * Write the whole stream of @card and @im into @buf, which holds @room
 * bytes; returns its length, or 0 if @room is too small.
 */
unsigned int mtty_mig_save(const struct mtty_card *card,
			   const struct mtty_irqmodel *im, u8 *buf,
			   unsigned int room);

/*
 * Check the first @len bytes of a stream (all of the header when @len is
 * at least MTTY_MIG_HEADER_SIZE) against a card with @nr_ports ports, so
 * that a stream for another device is refused while it is still arriving.
 */
enum mtty_mig_err mtty_mig_check_header(const u8 *buf, unsigned int len,
					unsigned int nr_ports,
					struct mtty_mig_error *err);

/*
 * Load a complete stream of @len bytes into @card and @im.  On success the
 * card holds the saved registers and FIFO contents; the interrupt wiring
 * stays the destination's own, and an interrupt the source had pending is
 * signalled afresh by the next mtty_irqmodel_update() (see docs/migration.md).
 * On failure nothing changes and @err says why.
 */
enum mtty_mig_err mtty_mig_load(struct mtty_card *card,
				struct mtty_irqmodel *im, const u8 *buf,
				unsigned int len, struct mtty_mig_error *err);

#endif /* MTTY_MIG_H */
