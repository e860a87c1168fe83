// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO mdev access from user space: see vfio_mdev.h for the contract.
 */
#include "vfio_mdev.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Region offsets go up to index << 40: they need a 64-bit off_t. */
_Static_assert(sizeof(off_t) >= sizeof(int64_t), "off_t must be 64-bit");

#define VFIO_DEV_DIR	"/dev/vfio"
#define VFIO_CONTAINER	VFIO_DEV_DIR "/vfio"

#define MS_PER_SEC	1000
#define NS_PER_MS	1000000L

/*
 * Print "vfio_mdev: <uuid>: <what>: <strerror(errno)>" unless the handle is
 * quiet.  errno is preserved so callers can still return it.
 */
__attribute__((format(printf, 2, 3)))
static void report(const struct vfio_mdev *dev, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	if (dev && dev->quiet)
		return;
	fputs("vfio_mdev: ", stderr);
	if (dev && dev->uuid[0])
		fprintf(stderr, "%s: ", dev->uuid);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(err));
	errno = err;
}

/* Hyphens follow the 8-4-4-4 leading groups of hex digits. */
static bool uuid_hyphen_at(size_t i)
{
	return i == 8 || i == 13 || i == 18 || i == 23;
}

int vfio_mdev_uuid_parse(const char *text, char out[VFIO_MDEV_UUID_LEN + 1])
{
	size_t i;

	out[0] = '\0';
	for (i = 0; i < VFIO_MDEV_UUID_LEN; i++) {
		unsigned char c = (unsigned char)text[i];

		if (uuid_hyphen_at(i) ? c != '-' : !isxdigit(c))
			goto malformed;	/* also stops at an early NUL */
		out[i] = (char)tolower(c);
	}
	if (text[VFIO_MDEV_UUID_LEN] != '\0')
		goto malformed;
	out[VFIO_MDEV_UUID_LEN] = '\0';
	return 0;

malformed:
	out[0] = '\0';
	errno = EINVAL;
	return -1;
}

/*
 * The group number is the last component of the device's iommu_group link
 * (".../kernel/iommu_groups/N").  A missing device gets its own message
 * because it is the mistake users make most.
 */
static int find_group(struct vfio_mdev *dev)
{
	char dir[sizeof(VFIO_MDEV_SYSFS_DIR "/") + VFIO_MDEV_UUID_LEN];
	char link[sizeof(dir) + sizeof("/iommu_group")];
	char target[PATH_MAX];
	const char *base;
	struct stat st;
	char *end;
	ssize_t n;
	long id;

	snprintf(dir, sizeof(dir), VFIO_MDEV_SYSFS_DIR "/%s", dev->uuid);
	snprintf(link, sizeof(link), "%s/iommu_group", dir);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0) {
		if (errno == ENOENT && stat(dir, &st) != 0)
			report(dev, "no such mdev device: %s", dir);
		else
			report(dev, "readlink %s", link);
		return -1;
	}
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	errno = 0;
	id = strtol(base, &end, 10);
	if (errno || end == base || *end != '\0' || id < 0 || id > INT_MAX) {
		errno = EINVAL;
		report(dev, "unexpected iommu_group link %s -> %s", link, target);
		return -1;
	}
	dev->group_id = (int)id;
	return 0;
}

int vfio_mdev_link_base(const char *dir, const char *name, char *out,
			size_t size)
{
	char link[PATH_MAX], target[PATH_MAX];
	const char *base;
	size_t len;
	ssize_t n;

	snprintf(link, sizeof(link), "%s/%s", dir, name);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -1;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	/* A truncated name could pass for another one: refuse it. */
	len = strlen(base);
	if (len >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(out, base, len + 1);
	return 0;
}

int vfio_mdev_identify(const char *sysfs_dir, const char *uuid,
		       struct vfio_mdev_identity *id)
{
	char dir[PATH_MAX];
	struct stat st;

	*id = (struct vfio_mdev_identity){ .type = "", .driver = "" };
	snprintf(dir, sizeof(dir), "%s/%s", sysfs_dir, uuid);
	if (stat(dir, &st) != 0) {
		report(NULL, "no such mdev device: %s", dir);
		return -1;
	}
	if (vfio_mdev_link_base(dir, "mdev_type", id->type, sizeof(id->type))) {
		report(NULL, "readlink %s/mdev_type", dir);
		return -1;
	}
	/* An mdev whose driver is not (yet) bound has no driver link. */
	if (vfio_mdev_link_base(dir, "driver", id->driver, sizeof(id->driver)) &&
	    errno != ENOENT) {
		report(NULL, "readlink %s/driver", dir);
		return -1;
	}
	return 0;
}

/* The container must speak our API version and offer the type1v2 IOMMU. */
static int open_container(struct vfio_mdev *dev)
{
	int version, rc;

	dev->container_fd = open(VFIO_CONTAINER, O_RDWR | O_CLOEXEC);
	if (dev->container_fd < 0) {
		report(dev, "open %s", VFIO_CONTAINER);
		return -1;
	}
	version = ioctl(dev->container_fd, VFIO_GET_API_VERSION);
	if (version != VFIO_API_VERSION) {
		if (version >= 0)
			errno = EPROTO;
		report(dev, "VFIO_GET_API_VERSION returned %d, expected %d",
		       version, VFIO_API_VERSION);
		return -1;
	}
	/* The ioctl returns 0, not an error, for an unknown extension. */
	rc = ioctl(dev->container_fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU);
	if (rc <= 0) {
		if (rc == 0)
			errno = ENOTSUP;
		report(dev, "VFIO_CHECK_EXTENSION VFIO_TYPE1v2_IOMMU");
		return -1;
	}
	return 0;
}

/*
 * Attach the group to the container and select the IOMMU.  An mdev group is
 * always viable once its device is created; checking anyway turns a strange
 * SET_CONTAINER failure into a clear message.
 */
static int open_group(struct vfio_mdev *dev)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[PATH_MAX];

	snprintf(path, sizeof(path), VFIO_DEV_DIR "/%d", dev->group_id);
	dev->group_fd = open(path, O_RDWR | O_CLOEXEC);
	if (dev->group_fd < 0) {
		report(dev, "open %s", path);
		return -1;
	}
	if (ioctl(dev->group_fd, VFIO_GROUP_GET_STATUS, &status)) {
		report(dev, "VFIO_GROUP_GET_STATUS on %s", path);
		return -1;
	}
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		errno = EBUSY;
		report(dev, "group %d is not viable", dev->group_id);
		return -1;
	}
	if (ioctl(dev->group_fd, VFIO_GROUP_SET_CONTAINER,
		  &dev->container_fd)) {
		report(dev, "VFIO_GROUP_SET_CONTAINER for group %d",
		       dev->group_id);
		return -1;
	}
	if (ioctl(dev->container_fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) {
		report(dev, "VFIO_SET_IOMMU VFIO_TYPE1v2_IOMMU");
		return -1;
	}
	return 0;
}

int vfio_mdev_open(struct vfio_mdev *dev, const char *uuid)
{
	*dev = (struct vfio_mdev){
		.container_fd = -1,
		.group_fd = -1,
		.device_fd = -1,
		.group_id = -1,
	};
	if (vfio_mdev_uuid_parse(uuid, dev->uuid)) {
		report(dev, "malformed UUID '%s'", uuid);
		return -1;
	}
	if (find_group(dev) || open_container(dev) || open_group(dev))
		goto fail;
	/* The device name of an mdev is its UUID in lower case. */
	dev->device_fd = ioctl(dev->group_fd, VFIO_GROUP_GET_DEVICE_FD,
			       dev->uuid);
	if (dev->device_fd < 0) {
		report(dev, "VFIO_GROUP_GET_DEVICE_FD");
		goto fail;
	}
	return 0;

fail:
	vfio_mdev_close(dev);
	return -1;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void vfio_mdev_close(struct vfio_mdev *dev)
{
	int err = errno;	/* callers report the original failure */

	/* Device first: it holds the group, which holds the container. */
	close_fd(&dev->device_fd);
	close_fd(&dev->group_fd);
	close_fd(&dev->container_fd);
	errno = err;
}

int vfio_mdev_device_info(const struct vfio_mdev *dev,
			  struct vfio_device_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	if (ioctl(dev->device_fd, VFIO_DEVICE_GET_INFO, info)) {
		report(dev, "VFIO_DEVICE_GET_INFO");
		return -1;
	}
	return 0;
}

int vfio_mdev_region_info(const struct vfio_mdev *dev, uint32_t index,
			  struct vfio_region_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	if (ioctl(dev->device_fd, VFIO_DEVICE_GET_REGION_INFO, info)) {
		report(dev, "VFIO_DEVICE_GET_REGION_INFO index %" PRIu32,
		       index);
		return -1;
	}
	return 0;
}

int vfio_mdev_irq_info(const struct vfio_mdev *dev, uint32_t index,
		       struct vfio_irq_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	if (ioctl(dev->device_fd, VFIO_DEVICE_GET_IRQ_INFO, info)) {
		report(dev, "VFIO_DEVICE_GET_IRQ_INFO index %" PRIu32, index);
		return -1;
	}
	return 0;
}

int vfio_mdev_reset(const struct vfio_mdev *dev)
{
	if (ioctl(dev->device_fd, VFIO_DEVICE_RESET)) {
		report(dev, "VFIO_DEVICE_RESET");
		return -1;
	}
	return 0;
}

/* File position of @off in @region, refusing what off_t cannot hold. */
static int region_pos(const struct vfio_mdev *dev,
		      const struct vfio_region_info *region, uint64_t off,
		      off_t *pos)
{
	if (region->offset > INT64_MAX || off > INT64_MAX - region->offset) {
		errno = EOVERFLOW;
		report(dev, "region %" PRIu32 " offset 0x%" PRIx64,
		       region->index, off);
		return -1;
	}
	*pos = (off_t)(region->offset + off);
	return 0;
}

/* Turn a pread/pwrite result into 0/-1, a short transfer being EIO. */
static int transfer_done(const struct vfio_mdev *dev, const char *op,
			 ssize_t done, size_t len,
			 const struct vfio_region_info *region, uint64_t off)
{
	if (done >= 0 && (size_t)done == len)
		return 0;
	if (done >= 0)
		errno = EIO;
	report(dev, "%s of %zu bytes at region %" PRIu32 " offset 0x%" PRIx64
	       " (done %zd)", op, len, region->index, off, done);
	return -1;
}

int vfio_mdev_region_read(const struct vfio_mdev *dev,
			  const struct vfio_region_info *region,
			  uint64_t off, void *buf, size_t len)
{
	off_t pos;

	if (region_pos(dev, region, off, &pos))
		return -1;
	return transfer_done(dev, "pread", pread(dev->device_fd, buf, len, pos),
			     len, region, off);
}

int vfio_mdev_region_write(const struct vfio_mdev *dev,
			   const struct vfio_region_info *region,
			   uint64_t off, const void *buf, size_t len)
{
	off_t pos;

	if (region_pos(dev, region, off, &pos))
		return -1;
	return transfer_done(dev, "pwrite",
			     pwrite(dev->device_fd, buf, len, pos),
			     len, region, off);
}

int vfio_mdev_read8(const struct vfio_mdev *dev,
		    const struct vfio_region_info *region,
		    uint64_t off, uint8_t *val)
{
	return vfio_mdev_region_read(dev, region, off, val, sizeof(*val));
}

int vfio_mdev_write8(const struct vfio_mdev *dev,
		     const struct vfio_region_info *region,
		     uint64_t off, uint8_t val)
{
	return vfio_mdev_region_write(dev, region, off, &val, sizeof(val));
}

int vfio_mdev_set_irqs(const struct vfio_mdev *dev, uint32_t flags,
		       uint32_t index, uint32_t start, uint32_t count,
		       const void *data, size_t data_len)
{
	size_t argsz = sizeof(struct vfio_irq_set) + data_len;
	struct vfio_irq_set *set;
	int rc, err;

	if (data_len > UINT32_MAX - sizeof(struct vfio_irq_set)) {
		errno = EINVAL;
		report(dev, "VFIO_DEVICE_SET_IRQS with %zu data bytes",
		       data_len);
		return -1;
	}
	/* The header carries its payload inline, so size it at run time. */
	set = calloc(1, argsz);
	if (!set) {
		report(dev, "allocating VFIO_DEVICE_SET_IRQS argument");
		return -1;
	}
	set->argsz = (uint32_t)argsz;
	set->flags = flags;
	set->index = index;
	set->start = start;
	set->count = count;
	if (data_len)
		memcpy(set->data, data, data_len);
	rc = ioctl(dev->device_fd, VFIO_DEVICE_SET_IRQS, set);
	err = errno;
	free(set);
	if (rc) {
		errno = err;
		report(dev, "VFIO_DEVICE_SET_IRQS index %" PRIu32
		       " start %" PRIu32 " count %" PRIu32 " flags 0x%" PRIx32,
		       index, start, count, flags);
		return -1;
	}
	return 0;
}

int vfio_mdev_irq_set_eventfd(const struct vfio_mdev *dev, uint32_t index,
			      int32_t eventfd)
{
	return vfio_mdev_set_irqs(dev, VFIO_IRQ_SET_DATA_EVENTFD |
				  VFIO_IRQ_SET_ACTION_TRIGGER,
				  index, 0, 1, &eventfd, sizeof(eventfd));
}

int vfio_mdev_irq_mask(const struct vfio_mdev *dev, uint32_t index)
{
	return vfio_mdev_set_irqs(dev, VFIO_IRQ_SET_DATA_NONE |
				  VFIO_IRQ_SET_ACTION_MASK,
				  index, 0, 1, NULL, 0);
}

int vfio_mdev_irq_unmask(const struct vfio_mdev *dev, uint32_t index)
{
	return vfio_mdev_set_irqs(dev, VFIO_IRQ_SET_DATA_NONE |
				  VFIO_IRQ_SET_ACTION_UNMASK,
				  index, 0, 1, NULL, 0);
}

int vfio_mdev_irq_disable(const struct vfio_mdev *dev, uint32_t index)
{
	return vfio_mdev_set_irqs(dev, VFIO_IRQ_SET_DATA_NONE |
				  VFIO_IRQ_SET_ACTION_TRIGGER,
				  index, 0, 0, NULL, 0);
}

int vfio_mdev_eventfd_open(void)
{
	/* Non-blocking so that draining a count never hangs a test. */
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	if (fd < 0)
		report(NULL, "eventfd");
	return fd;
}

/* Milliseconds left until @deadline, rounded up, never negative. */
static int ms_until(const struct timespec *deadline)
{
	struct timespec now;
	long long ns;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (long long)(deadline->tv_sec - now.tv_sec) * MS_PER_SEC *
	     NS_PER_MS + (deadline->tv_nsec - now.tv_nsec);
	if (ns <= 0)
		return 0;
	return (int)((ns + NS_PER_MS - 1) / NS_PER_MS);
}

int vfio_mdev_eventfd_wait(int eventfd, int timeout_ms)
{
	struct timespec deadline;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / MS_PER_SEC;
	deadline.tv_nsec += (long)(timeout_ms % MS_PER_SEC) * NS_PER_MS;
	if (deadline.tv_nsec >= MS_PER_SEC * NS_PER_MS) {
		deadline.tv_sec++;
		deadline.tv_nsec -= MS_PER_SEC * NS_PER_MS;
	}

	for (;;) {
		struct pollfd pfd = { .fd = eventfd, .events = POLLIN };
		uint64_t count;
		ssize_t n;
		int rc;

		/* Recompute the wait so that EINTR does not extend it. */
		rc = poll(&pfd, 1, timeout_ms < 0 ? -1 : ms_until(&deadline));
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0) {
			report(NULL, "poll on eventfd %d", eventfd);
			return -1;
		}
		if (rc == 0)
			return 0;
		n = read(eventfd, &count, sizeof(count));
		if (n == (ssize_t)sizeof(count))
			return 1;
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;	/* someone else consumed the count */
		if (n >= 0)
			errno = EIO;
		report(NULL, "read of eventfd %d", eventfd);
		return -1;
	}
}

/* VFIO_DEVICE_FEATURE with @size bytes of @data after the header. */
static int device_feature(const struct vfio_mdev *dev, uint32_t flags,
			  void *data, size_t size, const char *what)
{
	uint64_t buf[(sizeof(struct vfio_device_feature) + 64) /
		     sizeof(uint64_t)] = { 0 };
	struct vfio_device_feature *feat = (struct vfio_device_feature *)buf;

	if (size > 64) {
		errno = EINVAL;
		report(dev, "%s: feature data too large", what);
		return -1;
	}
	feat->argsz = sizeof(*feat) + size;
	feat->flags = flags;
	if (size)
		memcpy(feat->data, data, size);
	if (ioctl(dev->device_fd, VFIO_DEVICE_FEATURE, feat)) {
		report(dev, "VFIO_DEVICE_FEATURE %s", what);
		return -1;
	}
	if (size)
		memcpy(data, feat->data, size);
	return 0;
}

int vfio_mdev_mig_flags(const struct vfio_mdev *dev, uint64_t *flags)
{
	struct vfio_device_feature_migration mig = { 0 };

	if (device_feature(dev, VFIO_DEVICE_FEATURE_GET |
			   VFIO_DEVICE_FEATURE_MIGRATION, &mig, sizeof(mig),
			   "GET MIGRATION"))
		return -1;
	*flags = mig.flags;
	return 0;
}

int vfio_mdev_mig_get_state(const struct vfio_mdev *dev, uint32_t *state)
{
	struct vfio_device_feature_mig_state st = { 0 };

	if (device_feature(dev, VFIO_DEVICE_FEATURE_GET |
			   VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &st,
			   sizeof(st), "GET MIG_DEVICE_STATE"))
		return -1;
	*state = st.device_state;
	return 0;
}

int vfio_mdev_mig_set_state(const struct vfio_mdev *dev, uint32_t state,
			    int *data_fd)
{
	struct vfio_device_feature_mig_state st = { .device_state = state,
						    .data_fd = -1 };

	if (device_feature(dev, VFIO_DEVICE_FEATURE_SET |
			   VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &st,
			   sizeof(st), "SET MIG_DEVICE_STATE"))
		return -1;
	if (data_fd)
		*data_fd = st.data_fd;
	else if (st.data_fd >= 0)
		close(st.data_fd);
	return 0;
}

int vfio_mdev_mig_data_size(const struct vfio_mdev *dev, uint64_t *len)
{
	struct vfio_device_feature_mig_data_size size = { 0 };

	if (device_feature(dev, VFIO_DEVICE_FEATURE_GET |
			   VFIO_DEVICE_FEATURE_MIG_DATA_SIZE, &size,
			   sizeof(size), "GET MIG_DATA_SIZE"))
		return -1;
	*len = size.stop_copy_length;
	return 0;
}

int vfio_mdev_feature_probe(const struct vfio_mdev *dev, uint32_t feature)
{
	return device_feature(dev, VFIO_DEVICE_FEATURE_PROBE |
			      VFIO_DEVICE_FEATURE_SET | feature, NULL, 0,
			      "PROBE");
}
