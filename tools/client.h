/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The mtty-client commands (cmd_*.c), dispatched by mtty-client.c; what
 * they share with the VFIO conformance test is in card.h.
 */
#ifndef MTTY_CLIENT_H
#define MTTY_CLIENT_H

#include "card.h"

/* hold: longest wait whose milliseconds still fit an int for poll(). */
#define HOLD_MAX_SECONDS	(INT_MAX / MS_PER_SEC)

struct client_opts {
	unsigned int seconds;	/* hold */
};

int cmd_info(struct mtty_card *card, const struct client_opts *opts);
int cmd_config(struct mtty_card *card, const struct client_opts *opts);
int cmd_loopback(struct mtty_card *card, const struct client_opts *opts);
int cmd_hold(struct mtty_card *card, const struct client_opts *opts);

#endif /* MTTY_CLIENT_H */
