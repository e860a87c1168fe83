// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO migration (v2) of an mtty device: the state machine of
 * VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, the data fds that carry the device
 * state out of a source and into a destination, and no-op DMA logging.
 *
 * What is carried, and in which format, is the device model's business
 * (mtty_mig.c); this file moves bytes, and decides when the device may
 * interrupt: not in STOP, STOP_COPY or RESUMING.
 *
 * A data fd can outlive the device's open (user space may keep it), so it
 * never points at the device state: it owns its bytes, and the device ends
 * it (reads and writes then fail with ENODEV) whenever its session ends.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mtty_compat.h"
#include "mtty_drv.h"
#include "mtty_mig.h"

struct mtty_migf {
	struct file *filp;
	struct device *dev;		/* for log lines; a reference is held */
	struct mutex lock;		/* everything below */
	bool ended;			/* session over: no more I/O */
	bool complete;			/* saving: @buf holds the whole stream */
	unsigned int nr_ports;		/* resuming: the device's type */
	unsigned int len;		/* bytes in @buf */
	unsigned int pos;		/* saving: bytes already read */
	u8 buf[MTTY_MIG_MAX_SIZE];
};

static int mtty_migf_release(struct inode *inode, struct file *filp)
{
	struct mtty_migf *migf = filp->private_data;

	put_device(migf->dev);
	mutex_destroy(&migf->lock);
	kfree(migf);
	return 0;
}

static ssize_t mtty_migf_read(struct file *filp, char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct mtty_migf *migf = filp->private_data;
	ssize_t ret;

	mutex_lock(&migf->lock);
	if (migf->ended) {
		ret = -ENODEV;
	} else if (migf->pos == migf->len) {
		/* PRE_COPY has a temporary end of stream, STOP_COPY the end. */
		ret = migf->complete ? 0 : -ENOMSG;
	} else {
		ret = min_t(size_t, count, migf->len - migf->pos);
		if (copy_to_user(ubuf, migf->buf + migf->pos, ret))
			ret = -EFAULT;
		else
			migf->pos += ret;
	}
	mutex_unlock(&migf->lock);
	return ret;
}

static long mtty_migf_ioctl(struct file *filp, unsigned int cmd,
			    unsigned long arg)
{
	struct mtty_migf *migf = filp->private_data;
	long ret;

	mutex_lock(&migf->lock);
	/* Only the PRE_COPY states have precopy information. */
	if (migf->ended || migf->complete)
		ret = -EINVAL;
	else
		ret = mtty_precopy_info(cmd, arg, migf->len - migf->pos, 0);
	mutex_unlock(&migf->lock);
	return ret;
}

static ssize_t mtty_migf_write(struct file *filp, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct mtty_migf *migf = filp->private_data;
	struct mtty_mig_error err;
	ssize_t ret = count;

	mutex_lock(&migf->lock);
	if (migf->ended) {
		ret = -ENODEV;
		goto out;
	}
	if (count > sizeof(migf->buf) - migf->len) {
		dev_warn(migf->dev,
			 "migration stream refused: longer than the %zu bytes of any mtty state\n",
			 sizeof(migf->buf));
		ret = -EFBIG;
		goto out;
	}
	if (copy_from_user(migf->buf + migf->len, ubuf, count)) {
		ret = -EFAULT;
		goto out;
	}
	/* A stream for another device is refused as soon as it shows. */
	if (mtty_mig_check_header(migf->buf, migf->len + count,
				  migf->nr_ports, &err)) {
		dev_warn(migf->dev,
			 "migration stream refused: %s (byte %u: %u, expected %u)\n",
			 mtty_mig_strerror(err.code), err.offset, err.got,
			 err.want);
		ret = -EINVAL;
		goto out;
	}
	migf->len += count;
out:
	mutex_unlock(&migf->lock);
	return ret;
}

static const struct file_operations mtty_saving_fops = {
	.owner = THIS_MODULE,
	.read = mtty_migf_read,
	.unlocked_ioctl = mtty_migf_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = mtty_migf_release,
};

static const struct file_operations mtty_resuming_fops = {
	.owner = THIS_MODULE,
	.write = mtty_migf_write,
	.release = mtty_migf_release,
};

/* A new data fd; the device keeps a reference of its own in @slot. */
static struct file *mtty_migf_open(struct mtty_state *st,
				   struct mtty_migf **slot, bool saving)
{
	struct mtty_migf *migf;
	struct file *filp;

	lockdep_assert_held(&st->lock);
	migf = kzalloc(sizeof(*migf), GFP_KERNEL_ACCOUNT);
	if (!migf)
		return ERR_PTR(-ENOMEM);
	mutex_init(&migf->lock);
	migf->dev = get_device(st->vdev.dev);
	migf->nr_ports = st->card.nr_ports;
	filp = anon_inode_getfile(saving ? "mtty_saving" : "mtty_resuming",
				  saving ? &mtty_saving_fops :
				  &mtty_resuming_fops, migf,
				  saving ? O_RDONLY : O_WRONLY);
	if (IS_ERR(filp)) {
		put_device(migf->dev);
		mutex_destroy(&migf->lock);
		kfree(migf);
		return filp;
	}
	stream_open(filp->f_inode, filp);
	migf->filp = filp;
	*slot = migf;
	get_file(filp);
	return filp;
}

/* End the session of @slot: its fd stays open but does no more I/O. */
static void mtty_migf_end(struct mtty_state *st, struct mtty_migf **slot)
{
	struct mtty_migf *migf = *slot;

	lockdep_assert_held(&st->lock);
	if (!migf)
		return;
	mutex_lock(&migf->lock);
	migf->ended = true;
	mutex_unlock(&migf->lock);
	fput(migf->filp);
	*slot = NULL;
}

/*
 * The saving session's bytes: the header alone while the device runs
 * (PRE_COPY: it depends only on the type), everything once it is stopped.
 */
static void mtty_migf_fill(struct mtty_state *st, struct mtty_migf *migf,
			   bool complete)
{
	lockdep_assert_held(&st->lock);
	mutex_lock(&migf->lock);
	if (complete) {
		migf->len = mtty_mig_save(&st->card, &st->irq, migf->buf,
					  sizeof(migf->buf));
		migf->complete = true;
	} else {
		mtty_mig_header(st->card.nr_ports, migf->buf);
		migf->len = MTTY_MIG_HEADER_SIZE;
	}
	mutex_unlock(&migf->lock);
}

/* RESUMING -> STOP: take the state written, or refuse it whole. */
static int mtty_mig_load_written(struct mtty_state *st)
{
	struct mtty_migf *migf = st->resuming;
	struct mtty_mig_error err;
	int ret = 0;

	lockdep_assert_held(&st->lock);
	mutex_lock(&migf->lock);
	if (mtty_mig_load(&st->card, &st->irq, migf->buf, migf->len, &err)) {
		dev_warn(st->vdev.dev,
			 "migration stream refused: %s (byte %u: %u, expected %u); device unchanged\n",
			 mtty_mig_strerror(err.code), err.offset, err.got,
			 err.want);
		/* The session stays open for a correct stream. */
		migf->len = 0;
		ret = -EINVAL;
	}
	mutex_unlock(&migf->lock);
	return ret;
}

static void mtty_mig_stop(struct mtty_state *st)
{
	lockdep_assert_held(&st->lock);
	mtty_irqmodel_stop(&st->irq);
}

static void mtty_mig_run(struct mtty_state *st)
{
	lockdep_assert_held(&st->lock);
	mtty_irq_signal(st, mtty_irqmodel_run(&st->irq, &st->card));
}

/*
 * One arc of the state machine, as vfio_mig_get_next_state() chains them.
 * Returns the data fd of an arc that opens a session, NULL or an error.
 */
static struct file *mtty_mig_step(struct mtty_state *st,
				  enum vfio_device_mig_state next)
{
	enum vfio_device_mig_state cur = st->mig_state;
	struct file *filp;
	int ret;

	lockdep_assert_held(&st->lock);
	/* The device does no DMA: P2P quiescence changes nothing. */
	if ((cur == VFIO_DEVICE_STATE_RUNNING &&
	     next == VFIO_DEVICE_STATE_RUNNING_P2P) ||
	    (cur == VFIO_DEVICE_STATE_RUNNING_P2P &&
	     next == VFIO_DEVICE_STATE_RUNNING) ||
	    (cur == MTTY_STATE_PRE_COPY && next == MTTY_STATE_PRE_COPY_P2P) ||
	    (cur == MTTY_STATE_PRE_COPY_P2P && next == MTTY_STATE_PRE_COPY))
		return NULL;

	if (cur == VFIO_DEVICE_STATE_RUNNING_P2P &&
	    next == VFIO_DEVICE_STATE_STOP) {
		mtty_mig_stop(st);
		return NULL;
	}
	if (cur == VFIO_DEVICE_STATE_STOP &&
	    next == VFIO_DEVICE_STATE_RUNNING_P2P) {
		mtty_mig_run(st);
		return NULL;
	}

	if ((cur == VFIO_DEVICE_STATE_RUNNING && next == MTTY_STATE_PRE_COPY) ||
	    (cur == VFIO_DEVICE_STATE_RUNNING_P2P &&
	     next == MTTY_STATE_PRE_COPY_P2P) ||
	    (cur == VFIO_DEVICE_STATE_STOP &&
	     next == VFIO_DEVICE_STATE_STOP_COPY)) {
		filp = mtty_migf_open(st, &st->saving, true);
		if (!IS_ERR(filp))
			mtty_migf_fill(st, st->saving,
				       next == VFIO_DEVICE_STATE_STOP_COPY);
		return filp;
	}
	if (cur == MTTY_STATE_PRE_COPY_P2P &&
	    next == VFIO_DEVICE_STATE_STOP_COPY) {
		mtty_mig_stop(st);
		mtty_migf_fill(st, st->saving, true);
		return NULL;
	}
	if ((cur == MTTY_STATE_PRE_COPY &&
	     next == VFIO_DEVICE_STATE_RUNNING) ||
	    (cur == MTTY_STATE_PRE_COPY_P2P &&
	     next == VFIO_DEVICE_STATE_RUNNING_P2P) ||
	    (cur == VFIO_DEVICE_STATE_STOP_COPY &&
	     next == VFIO_DEVICE_STATE_STOP)) {
		mtty_migf_end(st, &st->saving);
		return NULL;
	}

	if (cur == VFIO_DEVICE_STATE_STOP &&
	    next == VFIO_DEVICE_STATE_RESUMING)
		return mtty_migf_open(st, &st->resuming, false);
	if (cur == VFIO_DEVICE_STATE_RESUMING &&
	    next == VFIO_DEVICE_STATE_STOP) {
		ret = mtty_mig_load_written(st);
		if (ret)
			return ERR_PTR(ret);
		mtty_migf_end(st, &st->resuming);
		dev_dbg(st->vdev.dev, "device state loaded\n");
		return NULL;
	}

	/* vfio_mig_get_next_state() hands out no other arc. */
	WARN_ON_ONCE(1);
	return ERR_PTR(-EINVAL);
}

static struct file *
mtty_mig_set_state(struct vfio_device *vdev,
		   enum vfio_device_mig_state new_state)
{
	struct mtty_state *st = mtty_from_vdev(vdev);
	enum vfio_device_mig_state next;
	struct file *res = NULL;
	int ret;

	mutex_lock(&st->lock);
	while (st->mig_state != new_state) {
		ret = vfio_mig_get_next_state(vdev, st->mig_state, new_state,
					      &next);
		if (ret) {
			res = ERR_PTR(ret);
			break;
		}
		res = mtty_mig_step(st, next);
		if (IS_ERR(res))
			break;
		dev_dbg(vdev->dev, "migration state %u -> %u\n",
			st->mig_state, next);
		st->mig_state = next;
		/* Only the last arc of a chain may open a session. */
		if (WARN_ON(res && next != new_state)) {
			fput(res);
			res = ERR_PTR(-EINVAL);
			break;
		}
	}
	mutex_unlock(&st->lock);
	return res;
}

static int mtty_mig_get_state(struct vfio_device *vdev,
			      enum vfio_device_mig_state *state)
{
	struct mtty_state *st = mtty_from_vdev(vdev);

	mutex_lock(&st->lock);
	*state = st->mig_state;
	mutex_unlock(&st->lock);
	return 0;
}

static int __maybe_unused mtty_mig_get_data_size(struct vfio_device *vdev,
						 unsigned long *len)
{
	struct mtty_state *st = mtty_from_vdev(vdev);

	mutex_lock(&st->lock);
	*len = mtty_mig_size(&st->card);
	mutex_unlock(&st->lock);
	return 0;
}

static const struct vfio_migration_ops mtty_mig_ops = {
	.migration_set_state = mtty_mig_set_state,
	.migration_get_state = mtty_mig_get_state,
	MTTY_VFIO_MIG_DATA_SIZE_OP
};

/*
 * DMA logging: the card does no DMA, so there is never a dirty page to
 * report.  Offering the ops anyway is what lets QEMU's default
 * enable-migration=auto accept the device.  The core leaves the rules to
 * the driver: one logging session at a time.
 */
static int mtty_log_start(struct vfio_device *vdev,
			  struct rb_root_cached *ranges, u32 nnodes,
			  u64 *page_size)
{
	struct mtty_state *st = mtty_from_vdev(vdev);
	int ret = 0;

	mutex_lock(&st->lock);
	if (st->dma_logging)
		ret = -EBUSY;
	else
		st->dma_logging = true;
	mutex_unlock(&st->lock);
	return ret;
}

static int mtty_log_stop(struct vfio_device *vdev)
{
	struct mtty_state *st = mtty_from_vdev(vdev);

	mutex_lock(&st->lock);
	st->dma_logging = false;
	mutex_unlock(&st->lock);
	return 0;
}

static int mtty_log_read_and_clear(struct vfio_device *vdev,
				   unsigned long iova, unsigned long length,
				   struct iova_bitmap *dirty)
{
	struct mtty_state *st = mtty_from_vdev(vdev);
	int ret;

	mutex_lock(&st->lock);
	ret = st->dma_logging ? 0 : -EINVAL;
	mutex_unlock(&st->lock);
	return ret;
}

static const struct vfio_log_ops mtty_log_ops = {
	.log_start = mtty_log_start,
	.log_stop = mtty_log_stop,
	.log_read_and_clear = mtty_log_read_and_clear,
};

/* Before the device is registered: what it offers to the VFIO core. */
void mtty_mig_init(struct mtty_state *st)
{
	st->vdev.migration_flags = VFIO_MIGRATION_STOP_COPY |
				   VFIO_MIGRATION_P2P |
				   MTTY_MIGRATION_PRE_COPY;
	st->vdev.mig_ops = &mtty_mig_ops;
	st->vdev.log_ops = &mtty_log_ops;
	st->mig_state = VFIO_DEVICE_STATE_RUNNING;
}

/*
 * Device reset, open and last close: any session ends, the device runs,
 * DMA logging stops.
 */
void mtty_mig_reset(struct mtty_state *st)
{
	lockdep_assert_held(&st->lock);
	mtty_migf_end(st, &st->saving);
	mtty_migf_end(st, &st->resuming);
	st->mig_state = VFIO_DEVICE_STATE_RUNNING;
	st->dma_logging = false;
	mtty_mig_run(st);
}
