/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one place that knows about differences between kernel versions.  It
 * reads the HAVE_* results of conftest.sh (mtty_config.h, generated at build
 * time against the target kernel) and offers mtty_ wrappers, so the rest of
 * the driver never branches on kernel features.
 *
 * Every variant is built and booted by the test matrix (tests/lib/suites.list:
 * Debian's 6.1, 6.12 and 7.2 kernels), each probe answering yes on one of
 * them and no on another.
 */
#ifndef MTTY_COMPAT_H
#define MTTY_COMPAT_H

#include <linux/device.h>
#include <linux/eventfd.h>
#include <linux/vfio.h>

#include "mtty_config.h"

/*
 * Combinations no kernel has: a probe that answered wrongly (a half-broken
 * toolchain, headers of two kernels mixed) must stop the build rather than
 * yield a module for an API that does not exist.
 */
#if defined(HAVE_VFIO_FREE_DEVICE) && defined(HAVE_VFIO_IOMMUFD_EMULATED)
#error "conftest: vfio_free_device() (<= 6.1) and iommufd ops (>= 6.2) both found"
#endif
#if defined(HAVE_VFIO_DETACH_IOAS) && !defined(HAVE_VFIO_IOMMUFD_EMULATED)
#error "conftest: detach_ioas (>= 6.6) found without the iommufd ops (>= 6.2)"
#endif
#if defined(HAVE_EVENTFD_SIGNAL_ONE_ARG) && !defined(HAVE_CLASS_CREATE_ONE_ARG)
#error "conftest: eventfd_signal(ctx) (>= 6.8) without class_create(name) (>= 6.4)"
#endif
#if defined(HAVE_VFIO_GET_REGION_INFO_CAPS) && !defined(HAVE_EVENTFD_SIGNAL_ONE_ARG)
#error "conftest: get_region_info_caps (>= 6.19) without one-argument eventfd_signal() (>= 6.8)"
#endif

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

/*
 * From 6.19 the VFIO core answers VFIO_DEVICE_GET_REGION_INFO itself (it
 * copies the request in and out and checks argsz) and asks this op for the
 * region; without it every region is EINVAL.  Older cores pass the ioctl to
 * the driver's ioctl op, which mtty_vfio.c serves with the same function.
 */
#ifdef HAVE_VFIO_GET_REGION_INFO_CAPS
#define MTTY_VFIO_REGION_INFO_OP \
	.get_region_info_caps = mtty_get_region_info_caps,
#else
#define MTTY_VFIO_REGION_INFO_OP
#endif

#endif /* MTTY_COMPAT_H */
