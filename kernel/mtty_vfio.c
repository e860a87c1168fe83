// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VFIO face of an mtty device: regions, ioctls and the device's life
 * between open and close.  Every user-supplied index, offset and size is
 * checked here before the device model sees it.
 */
#include <linux/uaccess.h>

#include "mtty_compat.h"
#include "mtty_drv.h"

/*
 * Region size of @index: the config header, and one UART per BAR the card
 * implements.  Everything else vfio-pci defines is absent (size 0).
 */
static u64 mtty_region_size(const struct mtty_state *st, unsigned int index)
{
	if (index == VFIO_PCI_CONFIG_REGION_INDEX)
		return MTTY_PCI_CONFIG_SIZE;
	if (index < st->card.nr_ports)
		return MTTY_PCI_BAR_SIZE;
	return 0;
}

/* Read @count bytes of one region. */
static __always_inline void mtty_region_read(struct mtty_state *st,
					     unsigned int index,
					     unsigned int off, u8 *buf,
					     size_t count)
{
	size_t i;

	lockdep_assert_held(&st->lock);
	if (index == VFIO_PCI_CONFIG_REGION_INDEX) {
		/* Out of line: rare next to UART register I/O. */
		mtty_card_config_read(&st->card, off, buf, count);
		return;
	}
	/* UART registers are byte-wide: a wider access is several bytes. */
	for (i = 0; i < count; i++)
		buf[i] = mtty_card_bar_read(&st->card, index, off + i);
}

static __always_inline void mtty_region_write(struct mtty_state *st,
					      unsigned int index,
					      unsigned int off,
					      const u8 *buf, size_t count)
{
	size_t i;

	lockdep_assert_held(&st->lock);
	for (i = 0; i < count; i++) {
		if (index == VFIO_PCI_CONFIG_REGION_INDEX)
			mtty_card_config_write(&st->card, off + i, buf[i]);
		else
			mtty_card_bar_write(&st->card, index, off + i, buf[i]);
	}
}

/*
 * Decode a file position into region and offset, and check that the whole
 * access fits inside an existing region.
 */
static int mtty_decode(const struct mtty_state *st, loff_t pos, size_t count,
		       unsigned int *index, unsigned int *off)
{
	u64 upos = pos, size;

	if (pos < 0 || (upos >> MTTY_REGION_SHIFT) >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;
	*index = upos >> MTTY_REGION_SHIFT;
	size = mtty_region_size(st, *index);
	upos &= MTTY_REGION_OFF_MASK;
	if (!count || upos >= size || count > size - upos)
		return -EINVAL;
	*off = upos;
	return 0;
}

/*
 * Register-sized accesses (1, 2 or 4 bytes) are what QEMU and guests issue;
 * they go through a scalar and get_user()/put_user(), which costs a fraction
 * of a variable-sized copy through a stack buffer.  The union keeps the
 * bytes in address order whatever the CPU's endianness.
 */
union mtty_word {
	u8 b[4];
	u16 w;
	u32 l;
};

static bool mtty_is_word(size_t count)
{
	return count == 1 || count == 2 || count == 4;
}

/*
 * One access under the lock, then whatever interrupt it caused.  Inlined so
 * that each caller's constant size and direction fold away.
 */
static __always_inline void mtty_access(struct mtty_state *st,
					unsigned int index, unsigned int off,
					u8 *buf, size_t count, bool write)
{
	mutex_lock(&st->lock);
	if (write)
		mtty_region_write(st, index, off, buf, count);
	else
		mtty_region_read(st, index, off, buf, count);
	mtty_irq_update(st);
	mutex_unlock(&st->lock);
}

static int mtty_read_word(struct mtty_state *st, char __user *ubuf,
			  size_t count, unsigned int index, unsigned int off)
{
	union mtty_word v;

	switch (count) {
	case 1:
		mtty_access(st, index, off, v.b, 1, false);
		return put_user(v.b[0], (u8 __user *)ubuf);
	case 2:
		mtty_access(st, index, off, v.b, 2, false);
		return put_user(v.w, (u16 __user *)ubuf);
	default:
		mtty_access(st, index, off, v.b, 4, false);
		return put_user(v.l, (u32 __user *)ubuf);
	}
}

static int mtty_write_word(struct mtty_state *st, const char __user *ubuf,
			   size_t count, unsigned int index, unsigned int off)
{
	union mtty_word v;

	switch (count) {
	case 1:
		if (get_user(v.b[0], (const u8 __user *)ubuf))
			return -EFAULT;
		mtty_access(st, index, off, v.b, 1, true);
		return 0;
	case 2:
		if (get_user(v.w, (const u16 __user *)ubuf))
			return -EFAULT;
		mtty_access(st, index, off, v.b, 2, true);
		return 0;
	default:
		if (get_user(v.l, (const u32 __user *)ubuf))
			return -EFAULT;
		mtty_access(st, index, off, v.b, 4, true);
		return 0;
	}
}

/* Kept out of line so the word path does not pay for its stack buffer. */
static noinline ssize_t mtty_read_buf(struct mtty_state *st,
				      char __user *ubuf, size_t count,
				      unsigned int index, unsigned int off)
{
	u8 buf[MTTY_PCI_CONFIG_SIZE];

	mtty_access(st, index, off, buf, count, false);
	if (copy_to_user(ubuf, buf, count))
		return -EFAULT;
	return count;
}

static noinline ssize_t mtty_write_buf(struct mtty_state *st,
				       const char __user *ubuf, size_t count,
				       unsigned int index, unsigned int off)
{
	u8 buf[MTTY_PCI_CONFIG_SIZE];

	/* Take the whole buffer first so a fault changes nothing. */
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	mtty_access(st, index, off, buf, count, true);
	return count;
}

static ssize_t mtty_read(struct vfio_device *vdev, char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	struct mtty_state *st = mtty_from_vdev(vdev);
	unsigned int index, off;
	int ret;

	ret = mtty_decode(st, *ppos, count, &index, &off);
	if (ret)
		return ret;
	if (!mtty_is_word(count))
		return mtty_read_buf(st, ubuf, count, index, off);
	if (mtty_read_word(st, ubuf, count, index, off))
		return -EFAULT;
	return count;
}

static ssize_t mtty_write(struct vfio_device *vdev, const char __user *ubuf,
			  size_t count, loff_t *ppos)
{
	struct mtty_state *st = mtty_from_vdev(vdev);
	unsigned int index, off;
	int ret;

	ret = mtty_decode(st, *ppos, count, &index, &off);
	if (ret)
		return ret;
	if (!mtty_is_word(count))
		return mtty_write_buf(st, ubuf, count, index, off);
	if (mtty_write_word(st, ubuf, count, index, off))
		return -EFAULT;
	return count;
}

static int mtty_get_device_info(unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;

	info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = VFIO_PCI_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;

	if (copy_to_user((void __user *)arg, &info, minsz))
		return -EFAULT;
	return 0;
}

/*
 * Fill in the region @info->index names.  Shared by the VFIO core's
 * get_region_info_caps op (6.19 and later: the core did the copying) and
 * the VFIO_DEVICE_GET_REGION_INFO ioctl of older cores.
 */
static int mtty_region_info(const struct mtty_state *st,
			    struct vfio_region_info *info)
{
	if (info->index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;
	info->size = mtty_region_size(st, info->index);
	info->offset = (u64)info->index << MTTY_REGION_SHIFT;
	info->flags = info->size ? VFIO_REGION_INFO_FLAG_READ |
				   VFIO_REGION_INFO_FLAG_WRITE : 0;
	info->cap_offset = 0;
	return 0;
}

/* No region has capabilities, so @caps stays empty. */
static int __maybe_unused
mtty_get_region_info_caps(struct vfio_device *vdev,
			  struct vfio_region_info *info,
			  struct vfio_info_cap *caps)
{
	return mtty_region_info(mtty_from_vdev(vdev), info);
}

static int mtty_get_region_info(struct mtty_state *st, unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_region_info info;
	int ret;

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	ret = mtty_region_info(st, &info);
	if (ret)
		return ret;
	if (copy_to_user((void __user *)arg, &info, minsz))
		return -EFAULT;
	return 0;
}

static void mtty_reset(struct mtty_state *st)
{
	mutex_lock(&st->lock);
	mtty_card_reset(&st->card);
	mtty_irq_reset(st);
	/* A reset aborts a migration, as VFIO specifies. */
	mtty_mig_reset(st);
	mutex_unlock(&st->lock);
}

static long mtty_ioctl(struct vfio_device *vdev, unsigned int cmd,
		       unsigned long arg)
{
	struct mtty_state *st = mtty_from_vdev(vdev);

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return mtty_get_device_info(arg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return mtty_get_region_info(st, arg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return mtty_irq_get_info(st, arg);
	case VFIO_DEVICE_SET_IRQS:
		return mtty_irq_set(st, arg);
	case VFIO_DEVICE_RESET:
		dev_dbg(vdev->dev, "reset\n");
		mtty_reset(st);
		return 0;
	default:
		return -ENOTTY;
	}
}

static int mtty_init_dev(struct vfio_device *vdev)
{
	struct mtty_state *st = mtty_from_vdev(vdev);
	struct mdev_device *mdev = to_mdev_device(vdev->dev);

	st->type = container_of(mdev->type, struct mtty_type, type);
	mutex_init(&st->lock);
	mutex_init(&st->irq_gate);
	mtty_card_init(&st->card, st->type->nr_ports);
	mtty_irqmodel_init(&st->irq);
	mtty_mig_init(st);
	return 0;
}

static void mtty_release_dev(struct vfio_device *vdev)
{
	struct mtty_state *st = mtty_from_vdev(vdev);

	mutex_destroy(&st->irq_gate);
	mutex_destroy(&st->lock);
	mtty_vfio_free_device(vdev);
}

static int mtty_open_device(struct vfio_device *vdev)
{
	dev_dbg(vdev->dev, "open\n");
	/* Every user starts from a device fresh out of reset. */
	mtty_reset(mtty_from_vdev(vdev));
	return 0;
}

static void mtty_close_device(struct vfio_device *vdev)
{
	struct mtty_state *st = mtty_from_vdev(vdev);

	dev_dbg(vdev->dev, "close\n");
	/* Data fds kept open past the close must not see the next user. */
	mutex_lock(&st->lock);
	mtty_mig_reset(st);
	mutex_unlock(&st->lock);
	mtty_irq_release(st);
}

static void mtty_request(struct vfio_device *vdev, unsigned int count)
{
	mtty_irq_request(mtty_from_vdev(vdev), count);
}

const struct vfio_device_ops mtty_vfio_ops = {
	.name = "vfio-mtty",
	.init = mtty_init_dev,
	.release = mtty_release_dev,
	.open_device = mtty_open_device,
	.close_device = mtty_close_device,
	.read = mtty_read,
	.write = mtty_write,
	.ioctl = mtty_ioctl,
	.request = mtty_request,
	MTTY_VFIO_REGION_INFO_OP
	MTTY_VFIO_IOMMUFD_OPS
};
