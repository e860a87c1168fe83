// SPDX-License-Identifier: GPL-2.0-only
/*
 * "badargs": malformed ioctl arguments and out-of-range accesses must fail
 * cleanly, never succeed.  Raw ioctl/pread/pwrite on the device fd: the
 * library builds well-formed arguments, the opposite of what is wanted here.
 */
#include "vfio_test.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/pci_regs.h>

/*
 * Offsets beyond every region: region index 1 << 22 by the vfio-pci layout,
 * and the last byte a file offset can name (pos + 1 does not overflow, so
 * the VFS passes it on to the driver).
 */
#define FAR_OFFSET	((off_t)1 << 62)
#define LAST_OFFSET	((off_t)(INT64_MAX - 1))

#define DESCRIBE_MAX	128

/* The ioctl result and errno are read first, before anything clobbers them. */
__attribute__((format(printf, 2, 3)))
static void expect_einval(int rc, const char *fmt, ...)
{
	int err = errno;
	char what[DESCRIBE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	check(rc == -1 && err == EINVAL, "%s fails with EINVAL (%s)", what,
	      rc == -1 ? strerror(err) : "succeeded");
}

/* For cases where vfio itself does not fix the errno, any error will do. */
static void expect_error(ssize_t rc, const char *what)
{
	int err = errno;

	if (rc < 0)
		check(true, "%s fails (%s)", what, strerror(err));
	else
		check(false, "%s fails (returned %zd)", what, rc);
}

/* A read and a write of @len (<= 2) bytes at file offset @pos. */
__attribute__((format(printf, 4, 5)))
static void expect_access_fails(const struct mtty_card *card, off_t pos,
				size_t len, const char *fmt, ...)
{
	uint8_t buf[2] = { 0 };
	char where[DESCRIBE_MAX], what[2 * DESCRIBE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(where, sizeof(where), fmt, ap);
	va_end(ap);
	if (len > sizeof(buf))
		len = sizeof(buf);

	snprintf(what, sizeof(what), "read of %zu bytes %s", len, where);
	expect_error(pread(card->dev.device_fd, buf, len, pos), what);
	snprintf(what, sizeof(what), "write of %zu bytes %s", len, where);
	expect_error(pwrite(card->dev.device_fd, buf, len, pos), what);
}

static void info_checks(const struct mtty_card *card)
{
	int fd = card->dev.device_fd;
	struct vfio_region_info region;
	struct vfio_irq_info irq;

	/* argsz stops before index: no valid request is that short. */
	region = (struct vfio_region_info){
		.argsz = offsetof(struct vfio_region_info, index),
		.index = VFIO_PCI_CONFIG_REGION_INDEX,
	};
	expect_einval(ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &region),
		      "GET_REGION_INFO with argsz %zu",
		      offsetof(struct vfio_region_info, index));
	region = (struct vfio_region_info){
		.argsz = sizeof(region),
		.index = card->info.num_regions,
	};
	expect_einval(ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &region),
		      "GET_REGION_INFO index %u (num_regions)",
		      card->info.num_regions);
	region.index = UINT32_MAX;
	expect_einval(ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &region),
		      "GET_REGION_INFO index 0x%x", UINT32_MAX);

	irq = (struct vfio_irq_info){
		.argsz = offsetof(struct vfio_irq_info, index),
		.index = VFIO_PCI_INTX_IRQ_INDEX,
	};
	expect_einval(ioctl(fd, VFIO_DEVICE_GET_IRQ_INFO, &irq),
		      "GET_IRQ_INFO with argsz %zu",
		      offsetof(struct vfio_irq_info, index));
	irq = (struct vfio_irq_info){
		.argsz = sizeof(irq),
		.index = card->info.num_irqs,
	};
	expect_einval(ioctl(fd, VFIO_DEVICE_GET_IRQ_INFO, &irq),
		      "GET_IRQ_INFO index %u (num_irqs)", card->info.num_irqs);
}

/* Room for a header and one eventfd (or bool), the largest payload used. */
union irq_set_arg {
	struct vfio_irq_set hdr;
	uint8_t bytes[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
};

#define SET_IRQS_FULL	((uint32_t)sizeof(union irq_set_arg))

static int set_irqs_raw(const struct mtty_card *card, uint32_t argsz,
			uint32_t flags, uint32_t index, uint32_t start,
			uint32_t count)
{
	/* An eventfd of -1, should any driver get as far as reading it. */
	const int32_t payload = -1;
	union irq_set_arg arg;

	memset(&arg, 0, sizeof(arg));
	arg.hdr.argsz = argsz;
	arg.hdr.flags = flags;
	arg.hdr.index = index;
	arg.hdr.start = start;
	arg.hdr.count = count;
	memcpy(arg.bytes + offsetof(struct vfio_irq_set, data), &payload,
	       sizeof(payload));
	return ioctl(card->dev.device_fd, VFIO_DEVICE_SET_IRQS, &arg);
}

static void set_irqs_checks(const struct mtty_card *card)
{
	const uint32_t known = VFIO_IRQ_SET_DATA_TYPE_MASK |
			       VFIO_IRQ_SET_ACTION_TYPE_MASK;
	const uint32_t unknown = ~known & (known + 1);	/* lowest free bit */
	const uint32_t none = VFIO_IRQ_SET_DATA_NONE |
			      VFIO_IRQ_SET_ACTION_TRIGGER;
	const uint32_t intx = VFIO_PCI_INTX_IRQ_INDEX;
	char name[PCI_NAME_SIZE];
	struct vfio_irq_info info;
	uint32_t i, nr_intx = 1;

	if (vfio_mdev_irq_info(&card->dev, intx, &info) == 0)
		nr_intx = info.count;

	/* Count 0 with DATA_NONE is a valid "disable" had argsz been right. */
	expect_einval(set_irqs_raw(card, offsetof(struct vfio_irq_set, count),
				   none, intx, 0, 0),
		      "SET_IRQS with argsz %zu",
		      offsetof(struct vfio_irq_set, count));
	expect_einval(set_irqs_raw(card, sizeof(struct vfio_irq_set),
				   VFIO_IRQ_SET_DATA_EVENTFD |
				   VFIO_IRQ_SET_ACTION_TRIGGER, intx, 0, 1),
		      "SET_IRQS eventfd with argsz %zu (no room for it)",
		      sizeof(struct vfio_irq_set));
	expect_einval(set_irqs_raw(card, SET_IRQS_FULL, none | unknown, intx,
				   0, 0),
		      "SET_IRQS with unknown flag 0x%x", unknown);
	expect_einval(set_irqs_raw(card, SET_IRQS_FULL, none,
				   card->info.num_irqs, 0, 0),
		      "SET_IRQS index %u (num_irqs)", card->info.num_irqs);
	expect_einval(set_irqs_raw(card, SET_IRQS_FULL, none, intx, 0,
				   nr_intx + 1),
		      "SET_IRQS INTX start 0 count %u", nr_intx + 1);
	expect_einval(set_irqs_raw(card, SET_IRQS_FULL, none, intx, nr_intx, 1),
		      "SET_IRQS INTX start %u count 1", nr_intx);
	expect_einval(set_irqs_raw(card, SET_IRQS_FULL,
				   VFIO_IRQ_SET_DATA_NONE |
				   VFIO_IRQ_SET_DATA_BOOL |
				   VFIO_IRQ_SET_ACTION_TRIGGER, intx, 0, 1),
		      "SET_IRQS with DATA_NONE|DATA_BOOL");
	/* vfio-pci answers ENOTTY here: no handler for that action. */
	expect_error(set_irqs_raw(card, SET_IRQS_FULL, VFIO_IRQ_SET_DATA_NONE |
				  VFIO_IRQ_SET_ACTION_MASK |
				  VFIO_IRQ_SET_ACTION_UNMASK, intx, 0, 1),
		     "SET_IRQS with ACTION_MASK|ACTION_UNMASK");

	/* An index the device has no vector for accepts no vector. */
	for (i = 0; i < card->info.num_irqs; i++) {
		if (vfio_mdev_irq_info(&card->dev, i, &info) || info.count)
			continue;
		expect_einval(set_irqs_raw(card, SET_IRQS_FULL, none, i, 0, 1),
			      "SET_IRQS %s (count 0) start 0 count 1",
			      pci_irq_name(i, name));
	}
}

static void access_checks(const struct mtty_card *card)
{
	const struct vfio_region_info *config = &card->config;
	struct vfio_region_info region;
	char name[PCI_NAME_SIZE];
	uint32_t i;

	for (i = 0; i < card->info.num_regions; i++) {
		if (vfio_mdev_region_info(&card->dev, i, &region)) {
			check(false, "GET_REGION_INFO index %u", i);
			continue;
		}
		if (!region.size)
			expect_access_fails(card, (off_t)region.offset, 1,
					    "at %s (size 0)",
					    pci_region_name(i, name));
	}

	expect_access_fails(card, (off_t)config->offset + PCI_CFG_SPACE_SIZE, 1,
			    "at config offset %u", PCI_CFG_SPACE_SIZE);
	expect_access_fails(card,
			    (off_t)config->offset + PCI_CFG_SPACE_SIZE - 1, 2,
			    "at config offset %u", PCI_CFG_SPACE_SIZE - 1);

	for (i = 0; i < card->nr_ports; i++) {
		const struct mtty_port *port = &card->port[i];
		off_t end = (off_t)(port->region.offset + port->region.size);

		expect_access_fails(card, end - 1, 2, "at %s offset %llu",
				    port->name,
				    (unsigned long long)port->region.size - 1);
		expect_access_fails(card, end, 1, "at %s offset %llu",
				    port->name,
				    (unsigned long long)port->region.size);
	}

	expect_access_fails(card, FAR_OFFSET, 1, "at file offset 0x%llx",
			    (unsigned long long)FAR_OFFSET);
	expect_access_fails(card, LAST_OFFSET, 1, "at file offset 0x%llx",
			    (unsigned long long)LAST_OFFSET);
}

int test_badargs(struct mtty_card *card)
{
	if (card_start(card))
		return -1;
	info_checks(card);
	set_irqs_checks(card);
	access_checks(card);
	return 0;
}
