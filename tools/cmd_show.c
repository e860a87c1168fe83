// SPDX-License-Identifier: GPL-2.0-only
/*
 * Read-only commands: "info" (device, region and irq descriptions) and
 * "config" (config space in lspci -xxx form).  Both print one record per
 * line with fixed labels so that scripts can grep and awk them.
 */
#include "client.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <linux/pci_regs.h>

struct flag_name {
	uint32_t bit;
	const char *name;
};

static const struct flag_name device_flags[] = {
	{ VFIO_DEVICE_FLAGS_RESET, "RESET" },
	{ VFIO_DEVICE_FLAGS_PCI, "PCI" },
	{ VFIO_DEVICE_FLAGS_PLATFORM, "PLATFORM" },
	{ VFIO_DEVICE_FLAGS_AMBA, "AMBA" },
	{ VFIO_DEVICE_FLAGS_CCW, "CCW" },
	{ VFIO_DEVICE_FLAGS_AP, "AP" },
	{ VFIO_DEVICE_FLAGS_FSL_MC, "FSL_MC" },
	{ VFIO_DEVICE_FLAGS_CAPS, "CAPS" },
};

static const struct flag_name region_flags[] = {
	{ VFIO_REGION_INFO_FLAG_READ, "READ" },
	{ VFIO_REGION_INFO_FLAG_WRITE, "WRITE" },
	{ VFIO_REGION_INFO_FLAG_MMAP, "MMAP" },
	{ VFIO_REGION_INFO_FLAG_CAPS, "CAPS" },
};

static const struct flag_name irq_flags[] = {
	{ VFIO_IRQ_INFO_EVENTFD, "EVENTFD" },
	{ VFIO_IRQ_INFO_MASKABLE, "MASKABLE" },
	{ VFIO_IRQ_INFO_AUTOMASKED, "AUTOMASKED" },
	{ VFIO_IRQ_INFO_NORESIZE, "NORESIZE" },
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Print " flags 0x<hex> NAME,NAME" ("-" when no flag is set), with bits
 * that have no name shown as "+0x..." so that nothing is hidden.
 */
static void print_flags(uint32_t flags, const struct flag_name *names,
			size_t nr_names)
{
	uint32_t rest = flags;
	const char *sep = "";
	size_t i;

	printf(" flags 0x%" PRIx32 " ", flags);
	for (i = 0; i < nr_names; i++) {
		if (flags & names[i].bit) {
			printf("%s%s", sep, names[i].name);
			sep = ",";
			rest &= ~names[i].bit;
		}
	}
	if (rest)
		printf("%s+0x%" PRIx32, sep, rest);
	else if (!flags)
		putchar('-');
	putchar('\n');
}

int cmd_info(struct mtty_card *card, const struct client_opts *opts)
{
	const struct vfio_device_info *info = &card->info;
	int status = CLIENT_EXIT_OK;
	char name[PCI_NAME_SIZE];
	uint32_t i;

	(void)opts;
	fputs("device", stdout);
	print_flags(info->flags, device_flags, ARRAY_SIZE(device_flags));
	printf("num_regions %" PRIu32 "\n", info->num_regions);
	printf("num_irqs %" PRIu32 "\n", info->num_irqs);

	for (i = 0; i < info->num_regions; i++) {
		struct vfio_region_info region;

		if (vfio_mdev_region_info(&card->dev, i, &region)) {
			status = CLIENT_EXIT_FAIL;
			continue;
		}
		printf("region %" PRIu32 " %s", i, pci_region_name(i, name));
		printf(" size %llu offset 0x%llx", (unsigned long long)region.size,
		       (unsigned long long)region.offset);
		print_flags(region.flags, region_flags, ARRAY_SIZE(region_flags));
	}

	for (i = 0; i < info->num_irqs; i++) {
		struct vfio_irq_info irq;
		int ret;

		card->dev.quiet = true;
		ret = vfio_mdev_irq_info(&card->dev, i, &irq);
		card->dev.quiet = false;
		/* vfio-pci refuses indexes a function lacks, e.g. ERR on PCI. */
		if (ret && errno == EINVAL) {
			printf("irq %" PRIu32 " %s unsupported\n", i,
			       pci_irq_name(i, name));
			continue;
		}
		if (ret) {
			fprintf(stderr, "irq %" PRIu32 " info: %s\n", i,
				strerror(errno));
			status = CLIENT_EXIT_FAIL;
			continue;
		}
		printf("irq %" PRIu32 " %s", i, pci_irq_name(i, name));
		printf(" count %" PRIu32, irq.count);
		print_flags(irq.flags, irq_flags, ARRAY_SIZE(irq_flags));
	}
	return status;
}

/* lspci -xxx prints 16 bytes per line after a two-digit offset. */
#define DUMP_BYTES_PER_LINE	16

int cmd_config(struct mtty_card *card, const struct client_opts *opts)
{
	uint8_t space[PCI_CFG_SPACE_SIZE];
	unsigned int off;

	(void)opts;
	if (vfio_mdev_region_info(&card->dev, VFIO_PCI_CONFIG_REGION_INDEX,
				  &card->config))
		return CLIENT_EXIT_FAIL;
	/* Byte by byte: every emulation must accept 1-byte config reads. */
	for (off = 0; off < sizeof(space); off++)
		if (vfio_mdev_read8(&card->dev, &card->config, off, &space[off]))
			return CLIENT_EXIT_FAIL;
	/* Printed only once all reads worked, so output is all or nothing. */
	for (off = 0; off < sizeof(space); off++) {
		if (off % DUMP_BYTES_PER_LINE == 0)
			printf("%02x:", off);
		printf(" %02x", space[off]);
		if (off % DUMP_BYTES_PER_LINE == DUMP_BYTES_PER_LINE - 1)
			putchar('\n');
	}
	return CLIENT_EXIT_OK;
}
