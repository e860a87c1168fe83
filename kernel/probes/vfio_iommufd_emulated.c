// SPDX-License-Identifier: GPL-2.0-only
/*
 * Linux 6.2 added iommufd binding to vfio_device_ops, with helpers for
 * emulated-IOMMU devices such as mdevs.
 *
 * present when: include/linux/vfio.h has vfio_iommufd_emulated_bind
 */
#include <linux/vfio.h>

static const struct vfio_device_ops mtty_probe_ops = {
	.bind_iommufd = vfio_iommufd_emulated_bind,
	.unbind_iommufd = vfio_iommufd_emulated_unbind,
	.attach_ioas = vfio_iommufd_emulated_attach_ioas,
};

const struct vfio_device_ops *mtty_probe(void);
const struct vfio_device_ops *mtty_probe(void)
{
	return &mtty_probe_ops;
}
