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
#include <linux/uaccess.h>
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

#if defined(HAVE_VFIO_MIG_DATA_SIZE) && !defined(VFIO_MIG_GET_PRECOPY_INFO)
#error "conftest: migration_get_data_size (>= 6.2) without VFIO_MIG_GET_PRECOPY_INFO (>= 6.2)"
#endif
#if defined(HAVE_VFIO_MIG_DATA_SIZE) && defined(HAVE_VFIO_FREE_DEVICE)
#error "conftest: migration_get_data_size (>= 6.2) and vfio_free_device() (<= 6.1) both found"
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

/*
 * VFIO migration: 6.1 has STOP_COPY and P2P; 6.2 added the PRE_COPY states,
 * their VFIO_MIG_GET_PRECOPY_INFO ioctl on the data fd and the
 * migration_get_data_size op (mandatory from then on).  On 6.1 the core
 * never asks for a PRE_COPY state, so the driver's arcs to them are dead
 * code there: MTTY_STATE_PRE_COPY* name ERROR, a state mtty never enters.
 */
#ifdef HAVE_VFIO_MIG_DATA_SIZE
#define MTTY_MIGRATION_PRE_COPY		VFIO_MIGRATION_PRE_COPY
#define MTTY_STATE_PRE_COPY		VFIO_DEVICE_STATE_PRE_COPY
#define MTTY_STATE_PRE_COPY_P2P		VFIO_DEVICE_STATE_PRE_COPY_P2P
#define MTTY_VFIO_MIG_DATA_SIZE_OP \
	.migration_get_data_size = mtty_mig_get_data_size,

/*
 * VFIO_MIG_GET_PRECOPY_INFO on a data fd in a PRE_COPY state: how much of
 * the stream can be read now (@initial) and how much state changed since
 * (@dirty).
 */
static inline long mtty_precopy_info(unsigned int cmd, unsigned long arg,
				     u64 initial, u64 dirty)
{
	unsigned long minsz = offsetofend(struct vfio_precopy_info,
					  dirty_bytes);
	struct vfio_precopy_info info;

	if (cmd != VFIO_MIG_GET_PRECOPY_INFO)
		return -ENOTTY;
	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	info.initial_bytes = initial;
	info.dirty_bytes = dirty;
	if (copy_to_user((void __user *)arg, &info, minsz))
		return -EFAULT;
	return 0;
}
#else
#define MTTY_MIGRATION_PRE_COPY		0
#define MTTY_STATE_PRE_COPY		VFIO_DEVICE_STATE_ERROR
#define MTTY_STATE_PRE_COPY_P2P		VFIO_DEVICE_STATE_ERROR
#define MTTY_VFIO_MIG_DATA_SIZE_OP

static inline long mtty_precopy_info(unsigned int cmd, unsigned long arg,
				     u64 initial, u64 dirty)
{
	return -ENOTTY;
}
#endif

#endif /* MTTY_COMPAT_H */
