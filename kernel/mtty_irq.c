// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupt delivery of an mtty device to user space through eventfds: the
 * VFIO_DEVICE_SET_IRQS ioctl, the eventfds and their locking.  When INTx or
 * MSI is signalled is decided by the model (mtty_irqmodel.c); REQ signals
 * when the device is being removed while open.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mtty_compat.h"
#include "mtty_drv.h"

static unsigned int mtty_irq_count(unsigned int index)
{
	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
	case VFIO_PCI_MSI_IRQ_INDEX:
	case VFIO_PCI_REQ_IRQ_INDEX:
		return 1;
	default:
		return 0;
	}
}

int mtty_irq_get_info(struct mtty_state *st, unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	/*
	 * A conventional PCI function has no error reporting: like vfio-pci,
	 * refuse the index rather than report it empty, which QEMU would warn
	 * about ("Could not enable error recovery").
	 */
	if (info.index == VFIO_PCI_ERR_IRQ_INDEX)
		return -EINVAL;

	info.count = mtty_irq_count(info.index);
	switch (info.index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		info.flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
			     VFIO_IRQ_INFO_AUTOMASKED;
		break;
	case VFIO_PCI_MSI_IRQ_INDEX:
		info.flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE;
		break;
	case VFIO_PCI_REQ_IRQ_INDEX:
		info.flags = VFIO_IRQ_INFO_EVENTFD;
		break;
	default:
		info.flags = 0;
		break;
	}

	if (copy_to_user((void __user *)arg, &info, minsz))
		return -EFAULT;
	return 0;
}

static void mtty_put_eventfd(struct eventfd_ctx **ctx)
{
	if (*ctx)
		eventfd_ctx_put(*ctx);
	*ctx = NULL;
}

/* Replace *@slot by the eventfd behind @fd, or clear it for fd == -1. */
static int mtty_swap_eventfd(struct eventfd_ctx **slot, s32 fd)
{
	struct eventfd_ctx *ctx = NULL;

	if (fd < -1)
		return -EINVAL;
	if (fd >= 0) {
		ctx = eventfd_ctx_fdget(fd);
		if (IS_ERR(ctx))
			return PTR_ERR(ctx);
	}
	mtty_put_eventfd(slot);
	*slot = ctx;
	return 0;
}

/*
 * Parse the data of a DATA_NONE or DATA_BOOL request: true when the action
 * is asked for.  DATA_EVENTFD is handled by the callers.
 */
static bool mtty_irq_asked(u32 flags, const u8 *data)
{
	if (flags & VFIO_IRQ_SET_DATA_BOOL)
		return data[0];
	return true;
}

/* Clear the trigger eventfd of INTx or MSI; the other stays wired. */
static void mtty_irq_unwire(struct mtty_state *st, enum mtty_irq_mode mode)
{
	lockdep_assert_held(&st->lock);
	mtty_put_eventfd(mode == MTTY_IRQ_INTX ? &st->intx_trigger :
			 &st->msi_trigger);
	mtty_irqmodel_wire(&st->irq, &st->card, mode, false);
}

/*
 * Set or clear (fd == -1) the trigger eventfd of INTx or MSI, or tear it
 * down (count == 0), or trigger it from software.
 */
static int mtty_irq_trigger(struct mtty_state *st, enum mtty_irq_mode mode,
			    u32 flags, u32 count, const void *data)
{
	struct eventfd_ctx **slot = mode == MTTY_IRQ_INTX ? &st->intx_trigger :
				    &st->msi_trigger;
	int ret;

	lockdep_assert_held(&st->lock);
	if (!count) {
		if (!(flags & VFIO_IRQ_SET_DATA_NONE))
			return -EINVAL;
		mtty_irq_unwire(st, mode);
		return 0;
	}
	if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		s32 fd = *(const s32 *)data;

		if (fd >= 0 && !mtty_irqmodel_may_wire(&st->irq, mode))
			return -EINVAL;
		ret = mtty_swap_eventfd(slot, fd);
		if (ret)
			return ret;
		mtty_irq_signal(st, mtty_irqmodel_wire(&st->irq, &st->card,
						       mode, fd >= 0));
		return 0;
	}
	/* A software trigger, as vfio-pci offers for testing. */
	if (st->irq.mode != mode)
		return -EINVAL;
	if (mtty_irq_asked(flags, data))
		mtty_irq_signal(st, mtty_irqmodel_soft_trigger(&st->irq));
	return 0;
}

static void mtty_intx_unmask_thread(void *opaque, void *data)
{
	struct mtty_state *st = opaque;

	mutex_lock(&st->lock);
	mtty_irq_signal(st, mtty_irqmodel_intx_unmask(&st->irq, &st->card));
	mutex_unlock(&st->lock);
}

static int mtty_intx_mask(struct mtty_state *st, u32 action, u32 flags,
			  const void *data)
{
	lockdep_assert_held(&st->lock);
	if (st->irq.mode != MTTY_IRQ_INTX)
		return -EINVAL;
	/* Masking through an eventfd makes no sense; vfio-pci refuses it too. */
	if (flags & VFIO_IRQ_SET_DATA_EVENTFD)
		return -EINVAL;
	if (!mtty_irq_asked(flags, data))
		return 0;
	if (action == VFIO_IRQ_SET_ACTION_MASK)
		mtty_irqmodel_intx_mask(&st->irq);
	else
		mtty_irq_signal(st, mtty_irqmodel_intx_unmask(&st->irq,
							      &st->card));
	return 0;
}

static int mtty_req_trigger(struct mtty_state *st, u32 flags, u32 count,
			    const void *data)
{
	lockdep_assert_held(&st->lock);
	if (!count) {
		if (!(flags & VFIO_IRQ_SET_DATA_NONE))
			return -EINVAL;
		mtty_put_eventfd(&st->req_trigger);
		return 0;
	}
	if (flags & VFIO_IRQ_SET_DATA_EVENTFD)
		return mtty_swap_eventfd(&st->req_trigger, *(const s32 *)data);
	if (!st->req_trigger)
		return -EINVAL;
	if (mtty_irq_asked(flags, data))
		mtty_eventfd_signal(st->req_trigger);
	return 0;
}

/* The INTx unmask eventfd lives outside st->lock; see mtty_drv.h. */
static int mtty_intx_unmask_fd(struct mtty_state *st, s32 fd)
{
	bool intx;

	lockdep_assert_held(&st->irq_gate);
	if (fd < -1)
		return -EINVAL;
	vfio_virqfd_disable(&st->intx_unmask_fd);
	if (fd < 0)
		return 0;
	mutex_lock(&st->lock);
	intx = st->irq.mode == MTTY_IRQ_INTX;
	mutex_unlock(&st->lock);
	if (!intx)
		return -EINVAL;
	return vfio_virqfd_enable(st, NULL, mtty_intx_unmask_thread, NULL,
				  &st->intx_unmask_fd, fd);
}

static int mtty_irq_dispatch(struct mtty_state *st, struct vfio_irq_set *hdr,
			     const void *data)
{
	u32 action = hdr->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	u32 flags = hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;

	lockdep_assert_held(&st->lock);
	switch (hdr->index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		if (action == VFIO_IRQ_SET_ACTION_TRIGGER)
			return mtty_irq_trigger(st, MTTY_IRQ_INTX, flags,
						hdr->count, data);
		if ((action == VFIO_IRQ_SET_ACTION_MASK ||
		     action == VFIO_IRQ_SET_ACTION_UNMASK) && hdr->count)
			return mtty_intx_mask(st, action, flags, data);
		return -EINVAL;
	case VFIO_PCI_MSI_IRQ_INDEX:
		if (action == VFIO_IRQ_SET_ACTION_TRIGGER)
			return mtty_irq_trigger(st, MTTY_IRQ_MSI, flags,
						hdr->count, data);
		return -EINVAL;
	case VFIO_PCI_REQ_IRQ_INDEX:
		if (action == VFIO_IRQ_SET_ACTION_TRIGGER)
			return mtty_req_trigger(st, flags, hdr->count, data);
		return -EINVAL;
	default:
		return -EINVAL;
	}
}

int mtty_irq_set(struct mtty_state *st, unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	u32 action;
	void *data = NULL;
	bool intx_off;
	int ret;

	if (copy_from_user(&hdr, (void __user *)arg, minsz))
		return -EFAULT;
	ret = vfio_set_irqs_validate_and_prepare(&hdr,
						 mtty_irq_count(hdr.index),
						 VFIO_PCI_NUM_IRQS, &data_size);
	if (ret)
		return ret;
	/* The helper checks the data type; exactly one action is ours to. */
	action = hdr.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	if (action != VFIO_IRQ_SET_ACTION_MASK &&
	    action != VFIO_IRQ_SET_ACTION_UNMASK &&
	    action != VFIO_IRQ_SET_ACTION_TRIGGER)
		return -EINVAL;

	if (data_size) {
		data = memdup_user((void __user *)(arg + minsz), data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}

	dev_dbg(st->vdev.dev, "SET_IRQS index %u flags %#x count %u\n",
		hdr.index, hdr.flags, hdr.count);

	mutex_lock(&st->irq_gate);

	if (hdr.index == VFIO_PCI_INTX_IRQ_INDEX &&
	    action == VFIO_IRQ_SET_ACTION_UNMASK &&
	    (hdr.flags & VFIO_IRQ_SET_DATA_EVENTFD) && hdr.count) {
		ret = mtty_intx_unmask_fd(st, *(s32 *)data);
	} else {
		mutex_lock(&st->lock);
		ret = mtty_irq_dispatch(st, &hdr, data);
		intx_off = st->irq.mode != MTTY_IRQ_INTX;
		mutex_unlock(&st->lock);
		/* Without INTx an unmask eventfd has nothing left to unmask. */
		if (intx_off && st->intx_unmask_fd)
			vfio_virqfd_disable(&st->intx_unmask_fd);
	}
	mutex_unlock(&st->irq_gate);
	kfree(data);
	return ret;
}

/* Device reset: lines go low, the user's eventfds stay wired up. */
void mtty_irq_reset(struct mtty_state *st)
{
	lockdep_assert_held(&st->lock);
	mtty_irqmodel_reset(&st->irq);
}

/* Last close: drop every eventfd the user handed us. */
void mtty_irq_release(struct mtty_state *st)
{
	mutex_lock(&st->irq_gate);
	/* Skip the workqueue flush inside when there is nothing to drop. */
	if (st->intx_unmask_fd)
		vfio_virqfd_disable(&st->intx_unmask_fd);
	mutex_lock(&st->lock);
	mtty_irq_unwire(st, MTTY_IRQ_INTX);
	mtty_irq_unwire(st, MTTY_IRQ_MSI);
	mtty_put_eventfd(&st->req_trigger);
	mutex_unlock(&st->lock);
	mutex_unlock(&st->irq_gate);
}

void mtty_irq_request(struct mtty_state *st, unsigned int count)
{
	mutex_lock(&st->lock);
	if (st->req_trigger) {
		if (!count)
			dev_info(st->vdev.dev,
				 "asking user space to release the device\n");
		mtty_eventfd_signal(st->req_trigger);
	} else if (!count) {
		dev_info(st->vdev.dev,
			 "device in use and no request eventfd: waiting for user space to close it\n");
	}
	mutex_unlock(&st->lock);
}
