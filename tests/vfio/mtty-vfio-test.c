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
	bool needs_dest;	/* runs only with --dest */
};

/* --dest and --other: the migration's peers. */
static const char *dest_uuid, *other_uuid;

static int run_intx(struct mtty_card *card)
{
	return test_irq(card, VFIO_PCI_INTX_IRQ_INDEX);
}

static int run_msi(struct mtty_card *card)
{
	return test_irq(card, VFIO_PCI_MSI_IRQ_INDEX);
}

static int run_migration(struct mtty_card *card)
{
	return test_migration(card, dest_uuid, other_uuid);
}

/* In the order they run when none is named. */
static const struct group groups[] = {
	{ "irq-intx", "INTx delivery, masking, teardown", run_intx, false },
	{ "irq-msi", "MSI delivery and teardown", run_msi, false },
	{ "reset", "VFIO_DEVICE_RESET returns the UARTs to reset state",
	  test_reset, false },
	{ "badargs", "malformed ioctl arguments and accesses fail",
	  test_badargs, false },
	{ "migration", "VFIO migration into --dest, bad streams and arcs",
	  run_migration, true },
};

#define NR_GROUPS	(sizeof(groups) / sizeof(groups[0]))

static void usage(FILE *out)
{
	size_t i;

	fputs("usage: mtty-vfio-test [--dest UUID] [--other UUID] UUID [CHECK...]\n"
	      "\n"
	      "Run the VFIO conformance checks on the mtty mediated device UUID\n"
	      "(all of them, in this order, when no CHECK is named; migration\n"
	      "only with --dest, a device of UUID's type to migrate into;\n"
	      "--other names one of the other type, for the wrong-type check):\n",
	      out);
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
	static char dest[VFIO_MDEV_UUID_LEN + 1], other[VFIO_MDEV_UUID_LEN + 1];
	char uuid[VFIO_MDEV_UUID_LEN + 1];
	int i, first, status;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return CLIENT_EXIT_OK;
	}
	for (first = 1; first + 1 < argc; first += 2) {
		char *slot;

		if (!strcmp(argv[first], "--dest"))
			slot = dest;
		else if (!strcmp(argv[first], "--other"))
			slot = other;
		else
			break;
		if (vfio_mdev_uuid_parse(argv[first + 1], slot))
			return usage_error("malformed UUID", argv[first + 1]);
	}
	dest_uuid = *dest ? dest : NULL;
	other_uuid = *other ? other : NULL;
	if (first >= argc)
		return usage_error("missing UUID", "");
	if (vfio_mdev_uuid_parse(argv[first], uuid))
		return usage_error("malformed UUID", argv[first]);
	/* Every name is checked before the device is touched. */
	for (i = first + 1; i < argc; i++)
		if (!find_group(argv[i]))
			return usage_error("unknown check", argv[i]);

	if (argc == first + 1) {
		for (i = 0; i < (int)NR_GROUPS; i++)
			if (dest_uuid || !groups[i].needs_dest)
				run_group(&groups[i], uuid);
	} else {
		for (i = first + 1; i < argc; i++)
			run_group(find_group(argv[i]), uuid);
	}
	status = check_summary();
	/* A failed flush (full disk, closed pipe) must not pass silently. */
	if (fflush(stdout) == EOF) {
		perror("mtty-vfio-test: stdout");
		status = CLIENT_EXIT_FAIL;
	}
	return status;
}
