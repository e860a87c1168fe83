// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host-side tests of the parts of vfio_mdev.c that need no VFIO device:
 * UUID parsing, open failures, region accessors (pointed at a plain file,
 * since they are only pread/pwrite at an offset), SET_IRQS argument memory
 * eventfd waits, and what an mdev is (its sysfs links, in a fake tree) with
 * card_is_mtty()'s verdict.  Run by "make check", under valgrind when present.
 */
#include "card.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* An absent device: all zeroes is a valid UUID nobody creates. */
#define ABSENT_UUID	"00000000-0000-0000-0000-000000000000"
#define FAKE_OFFSET	100	/* where the fake region starts in the file */
#define FAKE_SIZE	8
#define PAST_EOF	4096	/* well past the end of the small file */
#define SHORT_WAIT_MS	50

static void test_uuid(void)
{
	static const char *const bad[] = {
		"", "not-a-uuid",
		"12345678-1234-1234-1234-123456789ab",		/* short */
		"12345678-1234-1234-1234-123456789abcd",	/* long */
		"12345678-1234-1234-1234_123456789abc",		/* separator */
		"123456781-234-1234-1234-123456789abc",		/* hyphen moved */
		"12345678-1234-1234-1234-123456789abg",		/* not hex */
		"12345678-1234-1234-1234-12345678 abc",		/* space */
	};
	char out[VFIO_MDEV_UUID_LEN + 1];
	size_t i;
	int rc;

	rc = vfio_mdev_uuid_parse("12345678-9ABC-DEF0-abcd-EF0123456789", out);
	check(rc == 0 && !strcmp(out, "12345678-9abc-def0-abcd-ef0123456789"),
	      "uuid: mixed case accepted and lower-cased (%s)", out);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		rc = vfio_mdev_uuid_parse(bad[i], out);
		check(rc == -1 && errno == EINVAL && !out[0],
		      "uuid: '%s' rejected with EINVAL", bad[i]);
	}
}

static void test_open_failures(void)
{
	struct vfio_mdev dev;
	int rc;

	errno = 0;
	rc = vfio_mdev_open(&dev, ABSENT_UUID);
	check(rc == -1 && errno == ENOENT && dev.device_fd == -1 &&
	      dev.group_fd == -1 && dev.container_fd == -1,
	      "open: absent device fails with ENOENT, no fd left open");
	vfio_mdev_close(&dev);
	vfio_mdev_close(&dev);
	check(dev.device_fd == -1, "close: safe to repeat");

	errno = 0;
	rc = vfio_mdev_open(&dev, "bogus");
	check(rc == -1 && errno == EINVAL, "open: malformed UUID gives EINVAL");
}

/* The region helpers on a temporary file standing in for the device fd. */
static void test_region_io(void)
{
	struct vfio_region_info region = {
		.argsz = sizeof(region),
		.index = VFIO_PCI_BAR0_REGION_INDEX,
		.size = FAKE_SIZE,
		.offset = FAKE_OFFSET,
	};
	char path[] = "/tmp/test_vfio_mdev.XXXXXX";
	struct vfio_mdev dev = { .container_fd = -1, .group_fd = -1 };
	uint8_t val = 0, raw = 0;
	int rc;

	dev.device_fd = mkstemp(path);
	if (dev.device_fd < 0) {
		check(false, "region: mkstemp: %s", strerror(errno));
		return;
	}
	unlink(path);

	rc = vfio_mdev_write8(&dev, &region, 3, 0xa5);
	check(rc == 0 && pread(dev.device_fd, &raw, 1, FAKE_OFFSET + 3) == 1 &&
	      raw == 0xa5, "region: write8 lands at region offset + off");
	rc = vfio_mdev_read8(&dev, &region, 3, &val);
	check(rc == 0 && val == 0xa5, "region: read8 reads it back");

	dev.quiet = true;	/* the failures below are expected */
	errno = 0;
	rc = vfio_mdev_read8(&dev, &region, PAST_EOF, &val);
	check(rc == -1 && errno == EIO, "region: short read gives EIO");
	region.offset = (uint64_t)INT64_MAX;
	errno = 0;
	rc = vfio_mdev_read8(&dev, &region, 1, &val);
	check(rc == -1 && errno == EOVERFLOW,
	      "region: offset past off_t gives EOVERFLOW");

	/* Not a VFIO fd: the ioctl fails, the argument must still be freed. */
	errno = 0;
	rc = vfio_mdev_irq_set_eventfd(&dev, VFIO_PCI_INTX_IRQ_INDEX, -1);
	check(rc == -1 && errno == ENOTTY, "set_irqs: error passed through");
	close(dev.device_fd);
}

static void test_eventfd(void)
{
	int fd = vfio_mdev_eventfd_open();

	if (fd < 0) {
		check(false, "eventfd: open");
		return;
	}
	check(vfio_mdev_eventfd_wait(fd, SHORT_WAIT_MS) == 0,
	      "eventfd: times out when idle");
	eventfd_write(fd, 3);
	check(vfio_mdev_eventfd_wait(fd, SHORT_WAIT_MS) == 1,
	      "eventfd: reports a signal");
	check(vfio_mdev_eventfd_wait(fd, SHORT_WAIT_MS) == 0,
	      "eventfd: the whole count was consumed");
	close(fd);
}

/* A fake mdev directory @root/@uuid with the links sysfs would have. */
static int fake_mdev(const char *root, const char *uuid, const char *type,
		     const char *driver)
{
	char path[PATH_MAX], target[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", root, uuid);
	if (mkdir(path, 0700))
		return -1;
	snprintf(path, sizeof(path), "%s/%s/mdev_type", root, uuid);
	snprintf(target, sizeof(target),
		 "../../../devices/virtual/x/x/mdev_supported_types/%s", type);
	if (symlink(target, path))
		return -1;
	if (!driver)
		return 0;
	snprintf(path, sizeof(path), "%s/%s/driver", root, uuid);
	snprintf(target, sizeof(target), "../../../bus/mdev/drivers/%s",
		 driver);
	return symlink(target, path);
}

static void unfake_mdev(const char *root, const char *uuid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s/mdev_type", root, uuid);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s/driver", root, uuid);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s", root, uuid);
	rmdir(path);
}

static const struct {
	const char *uuid, *type, *driver;
	bool mtty;
} fakes[] = {
	{ "00000000-0000-0000-0000-000000000001", "mtty-2", "mtty", true },
	{ "00000000-0000-0000-0000-000000000002", "mtty-1", NULL, true },
	{ "00000000-0000-0000-0000-000000000003", "mdpy-1", "mdpy", false },
	{ "00000000-0000-0000-0000-000000000004", "i915-GVTg_V5_4", "i915",
	  false },
	{ "00000000-0000-0000-0000-000000000005", "mtty-2", "vfio_mdev",
	  false },
	{ "00000000-0000-0000-0000-000000000006", "xmtty-2", "mtty", false },
};

#define NR_FAKES	(sizeof(fakes) / sizeof(fakes[0]))

static void test_identify(void)
{
	char root[] = "/tmp/test_vfio_mdev.XXXXXX";
	struct vfio_mdev_identity id;
	size_t i;
	int rc;

	if (!mkdtemp(root)) {
		check(false, "identify: mkdtemp: %s", strerror(errno));
		return;
	}
	for (i = 0; i < NR_FAKES; i++) {
		if (fake_mdev(root, fakes[i].uuid, fakes[i].type,
			      fakes[i].driver)) {
			check(false, "identify: fake %s: %s", fakes[i].type,
			      strerror(errno));
			continue;
		}
		rc = vfio_mdev_identify(root, fakes[i].uuid, &id);
		check(rc == 0 && !strcmp(id.type, fakes[i].type) &&
		      !strcmp(id.driver, fakes[i].driver ? fakes[i].driver : ""),
		      "identify: type %s, driver %s read from the links",
		      fakes[i].type, fakes[i].driver ? fakes[i].driver : "none");
		check(rc == 0 && card_is_mtty(&id) == fakes[i].mtty,
		      "identify: type %s driver %s %s an mtty", fakes[i].type,
		      fakes[i].driver ? fakes[i].driver : "none",
		      fakes[i].mtty ? "is" : "is not");
		unfake_mdev(root, fakes[i].uuid);
	}
	errno = 0;
	rc = vfio_mdev_identify(root, ABSENT_UUID, &id);
	check(rc == -1 && errno == ENOENT,
	      "identify: absent device fails with ENOENT");
	rmdir(root);
}

int main(void)
{
	test_uuid();
	test_open_failures();
	test_region_io();
	test_eventfd();
	test_identify();
	return check_summary();
}
