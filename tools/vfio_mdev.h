/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small user-space library to drive a VFIO mediated device without a VM.
 *
 * It follows the legacy group/container path of Linux 6.1 (an mdev sits in
 * its own emulated IOMMU group, so the type1 IOMMU accepts it without any
 * hardware IOMMU) and wraps the few device ioctls a test tool needs.
 *
 * Conventions: every function returning int returns 0 (or a documented
 * non-negative value) on success and -1 with errno set on failure.  Failures
 * are reported on stderr, naming the step and strerror(errno), unless the
 * handle's "quiet" flag is set: a fuzzer sets it because it expects most of
 * its calls to fail.  Nothing here checks arguments against region sizes or
 * irq counts, so that tools can probe the driver's own checks.
 */
#ifndef VFIO_MDEV_H
#define VFIO_MDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/vfio.h>

/*
 * Migration uAPI of Linux 6.2 (PRE_COPY, the data size), which the 6.1
 * headers these tools may be built with lack; the numbers are ABI.
 */
#ifndef VFIO_MIGRATION_PRE_COPY
#define VFIO_MIGRATION_PRE_COPY		(1 << 2)
#define VFIO_DEVICE_STATE_PRE_COPY	6
#define VFIO_DEVICE_STATE_PRE_COPY_P2P	7
struct vfio_precopy_info {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 initial_bytes;
	__aligned_u64 dirty_bytes;
};

#define VFIO_MIG_GET_PRECOPY_INFO	_IO(VFIO_TYPE, VFIO_BASE + 21)
#endif
#ifndef VFIO_DEVICE_FEATURE_MIG_DATA_SIZE
#define VFIO_DEVICE_FEATURE_MIG_DATA_SIZE	9
struct vfio_device_feature_mig_data_size {
	__aligned_u64 stop_copy_length;
};
#endif

/* Characters in a textual UUID: 8-4-4-4-12 hex digits and four hyphens. */
#define VFIO_MDEV_UUID_LEN 36

/* Where the mdev bus lists its devices, one directory per UUID. */
#define VFIO_MDEV_SYSFS_DIR	"/sys/bus/mdev/devices"

/* Room for a sysfs name (NAME_MAX) and its NUL. */
#define VFIO_MDEV_NAME_SIZE	256

struct vfio_mdev {
	int container_fd;	/* /dev/vfio/vfio */
	int group_fd;		/* /dev/vfio/<group_id> */
	int device_fd;		/* from VFIO_GROUP_GET_DEVICE_FD */
	int group_id;
	bool quiet;		/* set after open to silence error reports */
	char uuid[VFIO_MDEV_UUID_LEN + 1];	/* lower case */
};

/*
 * Check that @text is a UUID in 8-4-4-4-12 hex form and store its lower-case
 * copy, NUL-terminated, in @out.  Silent: the caller decides how to complain.
 * Returns -1 with errno EINVAL if @text is malformed.
 */
int vfio_mdev_uuid_parse(const char *text, char out[VFIO_MDEV_UUID_LEN + 1]);

/*
 * What an mdev is, as its sysfs links say: the last component of its
 * mdev_type link (e.g. "mtty-2": parent driver and type) and of its driver
 * link ("" when no driver is bound).
 */
struct vfio_mdev_identity {
	char type[VFIO_MDEV_NAME_SIZE];
	char driver[VFIO_MDEV_NAME_SIZE];
};

/*
 * The last component of the target of symlink @dir/@name, in @out of @size
 * bytes.  Returns -1 (errno set; ENAMETOOLONG when it does not fit: a cut
 * name could pass for another one) when it cannot be read.
 */
int vfio_mdev_link_base(const char *dir, const char *name, char *out,
			size_t size);

/*
 * Read the identity of the mdev @uuid (lower case, as vfio_mdev_uuid_parse()
 * leaves it) from @sysfs_dir/@uuid, without opening the device: opening
 * resets it.  @sysfs_dir is VFIO_MDEV_SYSFS_DIR except in tests.  If the
 * device does not exist, errno is ENOENT.
 */
int vfio_mdev_identify(const char *sysfs_dir, const char *uuid,
		       struct vfio_mdev_identity *id);

/*
 * Open the mdev named @uuid (any case): find its IOMMU group in sysfs, attach
 * the group to a new type1v2 container and get the device fd.  On failure
 * every fd of @dev is -1, so vfio_mdev_close() is always safe to call.  If
 * the device does not exist, errno is ENOENT.
 */
int vfio_mdev_open(struct vfio_mdev *dev, const char *uuid);

/* Release the device, group and container; idempotent. */
void vfio_mdev_close(struct vfio_mdev *dev);

int vfio_mdev_device_info(const struct vfio_mdev *dev,
			  struct vfio_device_info *info);
int vfio_mdev_region_info(const struct vfio_mdev *dev, uint32_t index,
			  struct vfio_region_info *info);
int vfio_mdev_irq_info(const struct vfio_mdev *dev, uint32_t index,
		       struct vfio_irq_info *info);

/* VFIO_DEVICE_RESET. */
int vfio_mdev_reset(const struct vfio_mdev *dev);

/*
 * Access @len bytes at @off inside @region (as returned by
 * vfio_mdev_region_info()) with a single pread/pwrite at region->offset +
 * @off.  A short transfer counts as a failure (errno EIO).
 */
int vfio_mdev_region_read(const struct vfio_mdev *dev,
			  const struct vfio_region_info *region,
			  uint64_t off, void *buf, size_t len);
int vfio_mdev_region_write(const struct vfio_mdev *dev,
			   const struct vfio_region_info *region,
			   uint64_t off, const void *buf, size_t len);

/* One-byte accesses: device registers that must be touched one at a time. */
int vfio_mdev_read8(const struct vfio_mdev *dev,
		    const struct vfio_region_info *region,
		    uint64_t off, uint8_t *val);
int vfio_mdev_write8(const struct vfio_mdev *dev,
		     const struct vfio_region_info *region,
		     uint64_t off, uint8_t val);

/*
 * VFIO_DEVICE_SET_IRQS with a correctly sized header followed by @data_len
 * bytes of @data (bools or int32 eventfds, @count of them, or nothing).
 */
int vfio_mdev_set_irqs(const struct vfio_mdev *dev, uint32_t flags,
		       uint32_t index, uint32_t start, uint32_t count,
		       const void *data, size_t data_len);

/*
 * Helpers for vector 0 of irq @index, the only vector of a PCI INTx or
 * single-vector MSI.  An @eventfd of -1 de-assigns the trigger.
 */
int vfio_mdev_irq_set_eventfd(const struct vfio_mdev *dev, uint32_t index,
			      int32_t eventfd);
int vfio_mdev_irq_mask(const struct vfio_mdev *dev, uint32_t index);
int vfio_mdev_irq_unmask(const struct vfio_mdev *dev, uint32_t index);

/* Tear down every trigger of irq @index (DATA_NONE, count 0). */
int vfio_mdev_irq_disable(const struct vfio_mdev *dev, uint32_t index);

/* A non-blocking, close-on-exec eventfd to hand to the irq helpers. */
int vfio_mdev_eventfd_open(void);

/*
 * Wait up to @timeout_ms for @eventfd to be signalled and consume its count.
 * Returns 1 if it was signalled, 0 on timeout, -1 on error.
 */
int vfio_mdev_eventfd_wait(int eventfd, int timeout_ms);

/*
 * VFIO migration (VFIO_DEVICE_FEATURE): the device's migration flags
 * (VFIO_MIGRATION_*), its state (enum vfio_device_mig_state), and a change
 * of state; @data_fd receives the fd of an arc that opens a data transfer
 * session, else -1.  @data_fd may be NULL for an arc that opens none; an
 * fd the kernel returns anyway is then closed.
 */
int vfio_mdev_mig_flags(const struct vfio_mdev *dev, uint64_t *flags);
/* VFIO_DEVICE_FEATURE_MIG_DATA_SIZE (Linux 6.2 and later). */
int vfio_mdev_mig_data_size(const struct vfio_mdev *dev, uint64_t *len);
/* Whether the device supports @feature for SET (VFIO_DEVICE_FEATURE_PROBE). */
int vfio_mdev_feature_probe(const struct vfio_mdev *dev, uint32_t feature);
int vfio_mdev_mig_get_state(const struct vfio_mdev *dev, uint32_t *state);
int vfio_mdev_mig_set_state(const struct vfio_mdev *dev, uint32_t state,
			    int *data_fd);

#endif /* VFIO_MDEV_H */
