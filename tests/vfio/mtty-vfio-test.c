// SPDX-License-Identifier: GPL-2.0-only
/*
 * mtty-vfio-test: the VFIO conformance and bad-argument checks of an mtty
 * mediated device, as a test program with TAP output.  It is not installed:
 * the checks reset the device and drive its interrupts, which an admin's
 * tool (mtty-client) must not do to a device behind its back.
 *
 * Each group of checks opens the device afresh, as a new VFIO user would,
 * so that no group depends on the state another left behind.
 */
#include "vfio_test.h"

#include <stdio.h>
#include <string.h>

struct group {
	const char *name;
	const char *what;
	int (*run)(struct mtty_card *card);
};

static int run_intx(struct mtty_card *card)
{
	return test_irq(card, VFIO_PCI_INTX_IRQ_INDEX);
}

static int run_msi(struct mtty_card *card)
{
	return test_irq(card, VFIO_PCI_MSI_IRQ_INDEX);
}

/* In the order they run when none is named. */
static const struct group groups[] = {
	{ "irq-intx", "INTx delivery, masking, teardown", run_intx },
	{ "irq-msi", "MSI delivery and teardown", run_msi },
	{ "reset", "VFIO_DEVICE_RESET returns the UARTs to reset state",
	  test_reset },
	{ "badargs", "malformed ioctl arguments and accesses fail",
	  test_badargs },
};

#define NR_GROUPS	(sizeof(groups) / sizeof(groups[0]))

static void usage(FILE *out)
{
	size_t i;

	fputs("usage: mtty-vfio-test UUID [CHECK...]\n"
	      "\n"
	      "Run the VFIO conformance checks on the mtty mediated device UUID\n"
	      "(all of them, in this order, when no CHECK is named):\n", out);
	for (i = 0; i < NR_GROUPS; i++)
		fprintf(out, "  %-10s %s\n", groups[i].name, groups[i].what);
	fputs("\n"
	      "Every CHECK resets the device: each opens it afresh (mtty resets\n"
	      "a device on every open) and \"reset\" also issues\n"
	      "VFIO_DEVICE_RESET.  Devices that are not mtty's are refused.\n"
	      "Output is TAP: \"ok N - ...\" or \"not ok N - ...\" per check,\n"
	      "then \"1..N\" and \"# N passed, N failed\".\n"
	      "Exit status: 0 success, 1 failure, 2 usage error.\n", out);
}

/* "mtty-vfio-test: WHAT 'ARG'" and the usage; the usage-error status. */
static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "mtty-vfio-test: %s", what);
	if (*arg)
		fprintf(stderr, " '%s'", arg);
	fputs("\n\n", stderr);
	usage(stderr);
	return CLIENT_EXIT_USAGE;
}

static const struct group *find_group(const char *name)
{
	size_t i;

	for (i = 0; i < NR_GROUPS; i++)
		if (!strcmp(groups[i].name, name))
			return &groups[i];
	return NULL;
}

static void run_group(const struct group *g, const char *uuid)
{
	struct mtty_card card;

	printf("# %s\n", g->name);
	fflush(stdout);
	if (card_open(&card, uuid)) {
		check(false, "%s: open mdev %s", g->name, uuid);
		return;
	}
	if (g->run(&card))
		check(false, "%s: set up the card", g->name);
	card_close(&card);
}

int main(int argc, char **argv)
{
	char uuid[VFIO_MDEV_UUID_LEN + 1];
	int i, status;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return CLIENT_EXIT_OK;
	}
	if (argc < 2)
		return usage_error("missing UUID", "");
	if (vfio_mdev_uuid_parse(argv[1], uuid))
		return usage_error("malformed UUID", argv[1]);
	/* Every name is checked before the device is touched. */
	for (i = 2; i < argc; i++)
		if (!find_group(argv[i]))
			return usage_error("unknown check", argv[i]);

	if (argc == 2)
		for (i = 0; i < (int)NR_GROUPS; i++)
			run_group(&groups[i], uuid);
	else
		for (i = 2; i < argc; i++)
			run_group(find_group(argv[i]), uuid);
	status = check_summary();
	/* A failed flush (full disk, closed pipe) must not pass silently. */
	if (fflush(stdout) == EOF) {
		perror("mtty-vfio-test: stdout");
		status = CLIENT_EXIT_FAIL;
	}
	return status;
}
