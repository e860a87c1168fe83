// SPDX-License-Identifier: GPL-2.0-only
/*
 * Linux 6.8 dropped the count argument of eventfd_signal().
 *
 * present when: include/linux/eventfd.h has eventfd_signal\(struct eventfd_ctx \*ctx\)
 */
#include <linux/eventfd.h>

void mtty_probe(struct eventfd_ctx *ctx);
void mtty_probe(struct eventfd_ctx *ctx)
{
	eventfd_signal(ctx);
}
