// SPDX-License-Identifier: GPL-2.0-only
/*
 * Up to Linux 6.1 a vfio_device_ops.release callback must free the device
 * itself with vfio_free_device(); 6.2 made the core do it and removed it.
 *
 * present when: include/linux/vfio.h has void vfio_free_device\(
 */
#include <linux/vfio.h>

void mtty_probe(struct vfio_device *vdev);
void mtty_probe(struct vfio_device *vdev)
{
	vfio_free_device(vdev);
}
