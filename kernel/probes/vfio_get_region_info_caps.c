// SPDX-License-Identifier: GPL-2.0-only
/*
 * Linux 6.19 moved VFIO_DEVICE_GET_REGION_INFO into the VFIO core: it copies
 * the request in and out itself and asks the driver's get_region_info_caps
 * op; a driver without the op gets EINVAL for every region.
 *
 * present when: include/linux/vfio.h has \(\*get_region_info_caps\)
 */
#include <linux/vfio.h>

static int mtty_probe_caps(struct vfio_device *vdev,
			   struct vfio_region_info *info,
			   struct vfio_info_cap *caps)
{
	return 0;
}

static const struct vfio_device_ops mtty_probe_ops = {
	.get_region_info_caps = mtty_probe_caps,
};

const struct vfio_device_ops *mtty_probe(void);
const struct vfio_device_ops *mtty_probe(void)
{
	return &mtty_probe_ops;
}
