// SPDX-License-Identifier: GPL-2.0-only
/*
 * Linux 6.2 added the migration_get_data_size op (VFIO_DEVICE_FEATURE_
 * MIG_DATA_SIZE) together with the PRE_COPY states and their
 * VFIO_MIG_GET_PRECOPY_INFO ioctl; 6.1 has neither.
 *
 * present when: include/linux/vfio.h has \(\*migration_get_data_size\)
 */
#include <linux/vfio.h>

static int mtty_probe_size(struct vfio_device *vdev, unsigned long *len)
{
	return 0;
}

static const struct vfio_migration_ops mtty_probe_ops = {
	.migration_get_data_size = mtty_probe_size,
};

const struct vfio_migration_ops *mtty_probe(void);
const struct vfio_migration_ops *mtty_probe(void)
{
	return &mtty_probe_ops;
}
