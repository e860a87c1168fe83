// SPDX-License-Identifier: GPL-2.0-only
/*
 * Linux 6.6 added detach_ioas to vfio_device_ops.
 *
 * present when: include/linux/vfio.h has \(\*detach_ioas\)
 */
#include <linux/vfio.h>

static const struct vfio_device_ops mtty_probe_ops = {
	.detach_ioas = vfio_iommufd_emulated_detach_ioas,
};

const struct vfio_device_ops *mtty_probe(void);
const struct vfio_device_ops *mtty_probe(void)
{
	return &mtty_probe_ops;
}
