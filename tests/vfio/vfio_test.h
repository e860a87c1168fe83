/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The groups of checks of mtty-vfio-test, one file each.  Each runs on a
 * freshly opened card, reports its checks through check() (tools/check.c)
 * and returns -1 only if it could not start at all.
 */
#ifndef MTTY_VFIO_TEST_H
#define MTTY_VFIO_TEST_H

#include "card.h"

/* irq.c: delivery of @index (VFIO_PCI_INTX_IRQ_INDEX or MSI) from port 0. */
int test_irq(struct mtty_card *card, uint32_t index);

/* reset.c: VFIO_DEVICE_RESET returns the UARTs to their power-on state. */
int test_reset(struct mtty_card *card);

/* badargs.c: malformed ioctl arguments and accesses fail cleanly. */
int test_badargs(struct mtty_card *card);

/*
 * migration.c: VFIO migration from @card into the mdev @dst_uuid of the
 * same type; @other_uuid (may be NULL) is an mdev of the other type.
 */
int test_migration(struct mtty_card *card, const char *dst_uuid,
		   const char *other_uuid);

#endif /* MTTY_VFIO_TEST_H */
