/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one place that knows about differences between kernel versions.  It
 * reads the HAVE_* results of conftest.sh (mtty_config.h, generated at build
 * time against the target kernel) and offers mtty_ wrappers, so the rest of
 * the driver never branches on kernel features.
 *
 * Built and booted here: Linux 6.1.  The later variants follow the upstream
 * interfaces named in each probe, and are compiled only where they exist.
 */
#ifndef MTTY_COMPAT_H
#define MTTY_COMPAT_H

#include <linux/device.h>
#include <linux/eventfd.h>
#include <linux/vfio.h>

#include "mtty_config.h"

static inline void mtty_eventfd_signal(struct eventfd_ctx *ctx)
{
#ifdef HAVE_EVENTFD_SIGNAL_ONE_ARG
	eventfd_signal(ctx);
#else
	eventfd_signal(ctx, 1);
#endif
}

static inline struct class *mtty_class_create(const char *name)
{
#ifdef HAVE_CLASS_CREATE_ONE_ARG
	return class_create(name);
#else
	return class_create(THIS_MODULE, name);
#endif
}

/* Only 6.1 leaves freeing the vfio_device to the release callback. */
static inline void mtty_vfio_free_device(struct vfio_device *vdev)
{
#ifdef HAVE_VFIO_FREE_DEVICE
	vfio_free_device(vdev);
#endif
}

/*
 * iommufd callbacks of vfio_device_ops, for the tail of mtty_vfio_ops: an
 * mdev has no IOMMU of its own, so the core's emulated helpers serve.
 */
#ifdef HAVE_VFIO_DETACH_IOAS
#define MTTY_VFIO_DETACH_IOAS_OP \
	.detach_ioas = vfio_iommufd_emulated_detach_ioas,
#else
#define MTTY_VFIO_DETACH_IOAS_OP
#endif

#ifdef HAVE_VFIO_IOMMUFD_EMULATED
#define MTTY_VFIO_IOMMUFD_OPS \
	.bind_iommufd = vfio_iommufd_emulated_bind, \
	.unbind_iommufd = vfio_iommufd_emulated_unbind, \
	.attach_ioas = vfio_iommufd_emulated_attach_ioas, \
	MTTY_VFIO_DETACH_IOAS_OP
#else
#define MTTY_VFIO_IOMMUFD_OPS
#endif

#endif /* MTTY_COMPAT_H */
