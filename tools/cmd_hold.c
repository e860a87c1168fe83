// SPDX-License-Identifier: GPL-2.0-only
/*
 * "hold SECONDS": keep the device open until the kernel asks for it back.
 *
 * Removing an mdev while user space holds it makes vfio signal the device's
 * REQ irq and wait for the release; a test script uses this command as that
 * user and checks that the request arrives and the removal then completes.
 */
#include "client.h"

#include <stdio.h>
#include <unistd.h>

int cmd_hold(struct mtty_card *card, const struct client_opts *opts)
{
	int eventfd, rc;

	eventfd = vfio_mdev_eventfd_open();
	if (eventfd < 0)
		return CLIENT_EXIT_FAIL;
	if (vfio_mdev_irq_set_eventfd(&card->dev, VFIO_PCI_REQ_IRQ_INDEX,
				      eventfd)) {
		close(eventfd);
		return CLIENT_EXIT_FAIL;
	}
	/* Flushed: the script waiting for this line reads from a pipe. */
	puts("holding");
	fflush(stdout);

	/* main() bounds seconds so that the product fits an int. */
	rc = vfio_mdev_eventfd_wait(eventfd, (int)(opts->seconds * MS_PER_SEC));
	close(eventfd);
	if (rc < 0)
		return CLIENT_EXIT_FAIL;
	puts(rc ? "request received" : "timeout");
	return rc ? CLIENT_EXIT_OK : CLIENT_EXIT_TIMEOUT;
}
