// SPDX-License-Identifier: GPL-2.0-only
/*
 * mtty: a VFIO mediated device that emulates a PCI serial card with one or
 * two 16550A UARTs whose transmitted data loops back to their receivers.
 *
 * This file owns the module's life: the "mtty" class and parent device, the
 * mdev types mtty-1 and mtty-2, and the pool of ports they share.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "mtty_compat.h"
#include "mtty_drv.h"

#define MTTY_NAME		"mtty"
/* Upper bound on max_ports: keeps a mistyped parameter from eating memory. */
#define MTTY_PORTS_LIMIT	65536

static unsigned int max_ports = 64;
module_param(max_ports, uint, 0444);
MODULE_PARM_DESC(max_ports,
		 "Ports shared by all mtty devices (mtty-1 uses 1, mtty-2 uses 2; default 64)");

/* Ports handed out to devices; max_ports - mtty_ports_used are free. */
static unsigned int mtty_ports_used;
static DEFINE_SPINLOCK(mtty_ports_lock);

static struct class *mtty_class;
static struct device *mtty_parent_dev;
static struct mdev_parent mtty_parent;

static struct mtty_type mtty_types[] = {
	{
		.type.sysfs_name = "1",
		.type.pretty_name = "Single port serial",
		.nr_ports = 1,
		.description = "PCI serial card 4348:3253, one 16550A UART, data looped back",
	},
	{
		.type.sysfs_name = "2",
		.type.pretty_name = "Dual port serial",
		.nr_ports = 2,
		.description = "PCI serial card 4348:3253, two 16550A UARTs, data looped back",
	},
};

static struct mdev_type *mtty_mdev_types[] = {
	&mtty_types[0].type,
	&mtty_types[1].type,
};

static bool mtty_ports_get(unsigned int n)
{
	bool ok;

	spin_lock(&mtty_ports_lock);
	ok = n <= max_ports - mtty_ports_used;
	if (ok)
		mtty_ports_used += n;
	spin_unlock(&mtty_ports_lock);
	return ok;
}

static void mtty_ports_put(unsigned int n)
{
	spin_lock(&mtty_ports_lock);
	mtty_ports_used -= n;
	spin_unlock(&mtty_ports_lock);
}

static unsigned int mtty_ports_free(void)
{
	unsigned int n;

	spin_lock(&mtty_ports_lock);
	n = max_ports - mtty_ports_used;
	spin_unlock(&mtty_ports_lock);
	return n;
}

static int mtty_probe(struct mdev_device *mdev)
{
	struct mtty_type *type = container_of(mdev->type, struct mtty_type,
					      type);
	struct mtty_state *st;
	int ret;

	if (!mtty_ports_get(type->nr_ports))
		return -ENOSPC;

	st = vfio_alloc_device(mtty_state, vdev, &mdev->dev, &mtty_vfio_ops);
	if (IS_ERR(st)) {
		ret = PTR_ERR(st);
		goto err_ports;
	}

	ret = vfio_register_emulated_iommu_dev(&st->vdev);
	if (ret)
		goto err_put;

	dev_set_drvdata(&mdev->dev, st);
	/* Each device pins the module: rmmod is refused while any exists. */
	__module_get(THIS_MODULE);
	dev_dbg(&mdev->dev, "created %s with %u port(s)\n",
		type->type.sysfs_name, type->nr_ports);
	return 0;

err_put:
	vfio_put_device(&st->vdev);
err_ports:
	mtty_ports_put(type->nr_ports);
	return ret;
}

static void mtty_remove(struct mdev_device *mdev)
{
	struct mtty_state *st = dev_get_drvdata(&mdev->dev);
	unsigned int nr_ports = st->type->nr_ports;

	/* Waits until user space has closed the device (see mtty_request). */
	vfio_unregister_group_dev(&st->vdev);
	vfio_put_device(&st->vdev);
	mtty_ports_put(nr_ports);
	dev_dbg(&mdev->dev, "removed\n");
	module_put(THIS_MODULE);
}

static unsigned int mtty_get_available(struct mdev_type *mtype)
{
	struct mtty_type *type = container_of(mtype, struct mtty_type, type);

	return mtty_ports_free() / type->nr_ports;
}

static ssize_t mtty_show_description(struct mdev_type *mtype, char *buf)
{
	struct mtty_type *type = container_of(mtype, struct mtty_type, type);

	return sysfs_emit(buf, "%s\n", type->description);
}

static struct mdev_driver mtty_driver = {
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.driver = {
		.name = MTTY_NAME,
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
	},
	.probe = mtty_probe,
	.remove = mtty_remove,
	.get_available = mtty_get_available,
	.show_description = mtty_show_description,
};

/* The parent's mtty_dev/sample_mtty_dev, as in the walkthrough's sysfs. */
static ssize_t sample_mtty_dev_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	unsigned int free = mtty_ports_free();

	return sysfs_emit(buf, "mtty parent: %u of %u ports in use\n",
			  max_ports - free, max_ports);
}
static DEVICE_ATTR_RO(sample_mtty_dev);

static struct attribute *mtty_parent_attrs[] = {
	&dev_attr_sample_mtty_dev.attr,
	NULL,
};

static const struct attribute_group mtty_parent_group = {
	.name = "mtty_dev",
	.attrs = mtty_parent_attrs,
};

static const struct attribute_group *mtty_parent_groups[] = {
	&mtty_parent_group,
	NULL,
};

static void mtty_parent_release(struct device *dev)
{
	kfree(dev);
}

/*
 * The parent is announced to user space only once it is a complete mdev
 * parent: an "add" event sent earlier makes libvirt look for the
 * /sys/class/mdev_bus link before mdev_register_parent() has made it
 * ("Unable to find address for mdev parent device").  The one event sent
 * carries MDEV_STATE=registered, so rules written for the mdev core's own
 * "change" event match it too.
 */
static int mtty_parent_create(void)
{
	char *envp[2];
	struct device *dev;
	int ret;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	device_initialize(dev);
	dev->class = mtty_class;
	dev->groups = mtty_parent_groups;
	dev->release = mtty_parent_release;
	ret = dev_set_name(dev, MTTY_NAME);
	if (ret)
		goto err_put;

	dev_set_uevent_suppress(dev, true);
	ret = device_add(dev);
	if (ret)
		goto err_put;

	ret = mdev_register_parent(&mtty_parent, dev, &mtty_driver,
				   mtty_mdev_types,
				   ARRAY_SIZE(mtty_mdev_types));
	if (ret)
		goto err_del;

	dev_set_uevent_suppress(dev, false);
	envp[0] = "MDEV_STATE=registered";
	envp[1] = NULL;
	kobject_uevent_env(&dev->kobj, KOBJ_ADD, envp);
	mtty_parent_dev = dev;
	return 0;

err_del:
	device_del(dev);
err_put:
	put_device(dev);
	return ret;
}

static int __init mtty_init(void)
{
	int ret;

	if (!max_ports || max_ports > MTTY_PORTS_LIMIT) {
		pr_err("max_ports must be between 1 and %u\n",
		       MTTY_PORTS_LIMIT);
		return -EINVAL;
	}

	ret = mdev_register_driver(&mtty_driver);
	if (ret)
		return ret;

	mtty_class = mtty_class_create(MTTY_NAME);
	if (IS_ERR(mtty_class)) {
		ret = PTR_ERR(mtty_class);
		goto err_driver;
	}

	ret = mtty_parent_create();
	if (ret)
		goto err_class;
	return 0;

err_class:
	class_destroy(mtty_class);
err_driver:
	mdev_unregister_driver(&mtty_driver);
	return ret;
}

static void __exit mtty_exit(void)
{
	/* No device is left: each one holds a reference on the module. */
	mdev_unregister_parent(&mtty_parent);
	device_unregister(mtty_parent_dev);
	class_destroy(mtty_class);
	mdev_unregister_driver(&mtty_driver);
}

module_init(mtty_init);
module_exit(mtty_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Mediated PCI serial card with loopback 16550A UARTs");
MODULE_AUTHOR("The mtty developers");
MODULE_VERSION(MTTY_VERSION);
MODULE_SOFTDEP("pre: vfio_iommu_type1");
