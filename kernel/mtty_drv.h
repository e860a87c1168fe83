/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * State shared by the files of the mtty module (not by the device model,
 * which must stay free of kernel headers).
 */
#ifndef MTTY_DRV_H
#define MTTY_DRV_H

#include <linux/eventfd.h>
#include <linux/lockdep.h>
#include <linux/mdev.h>
#include <linux/mutex.h>
#include <linux/vfio.h>

#include "mtty_card.h"
#include "mtty_compat.h"
#include "mtty_irqmodel.h"

/* Region i lives at file offset i << MTTY_REGION_SHIFT of the device fd. */
#define MTTY_REGION_SHIFT	40
#define MTTY_REGION_OFF_MASK	((1ULL << MTTY_REGION_SHIFT) - 1)

struct mtty_type {
	struct mdev_type type;
	unsigned int nr_ports;
	const char *description;
};

struct mtty_state {
	struct vfio_device vdev;
	const struct mtty_type *type;

	/* Serialises the card model and every field below. */
	struct mutex lock;
	struct mtty_card card;

	/* What to signal when; the eventfds below only deliver it. */
	struct mtty_irqmodel irq;
	struct eventfd_ctx *intx_trigger;
	struct eventfd_ctx *msi_trigger;
	struct eventfd_ctx *req_trigger;
	/*
	 * Serialises SET_IRQS and the last close, like vfio-pci's igate:
	 * vfio_virqfd_enable() publishes its virqfd before it is fully set
	 * up, so a concurrent vfio_virqfd_disable() could free it under the
	 * enabler.  Taken before @lock, never inside it.
	 */
	struct mutex irq_gate;
	/*
	 * Under @irq_gate, not @lock: its teardown waits for a thread that
	 * takes @lock.
	 */
	struct virqfd *intx_unmask_fd;

	/* VFIO migration (mtty_migration.c), under @lock. */
	enum vfio_device_mig_state mig_state;
	struct mtty_migf *saving;	/* data fd of a saving session */
	struct mtty_migf *resuming;	/* data fd of a resuming session */
	bool dma_logging;		/* between log_start and log_stop */
};

static inline struct mtty_state *mtty_from_vdev(struct vfio_device *vdev)
{
	return container_of(vdev, struct mtty_state, vdev);
}

/* mtty_vfio.c */
extern const struct vfio_device_ops mtty_vfio_ops;

/* mtty_migration.c */
void mtty_mig_init(struct mtty_state *st);
void mtty_mig_reset(struct mtty_state *st);

/* mtty_irq.c */
int mtty_irq_get_info(struct mtty_state *st, unsigned long arg);
int mtty_irq_set(struct mtty_state *st, unsigned long arg);
void mtty_irq_reset(struct mtty_state *st);
void mtty_irq_release(struct mtty_state *st);
void mtty_irq_request(struct mtty_state *st, unsigned int count);

/*
 * Deliver a decision of the interrupt model.  Inline, as is the decision
 * (mtty_irqmodel.h): the register path pays no call while nothing is to
 * be signalled, and one less when something is.
 */
static inline void mtty_irq_signal(struct mtty_state *st,
				   enum mtty_irq_signal sig)
{
	lockdep_assert_held(&st->lock);
	switch (sig) {
	case MTTY_SIGNAL_INTX:
		mtty_eventfd_signal(st->intx_trigger);
		return;
	case MTTY_SIGNAL_MSI:
		mtty_eventfd_signal(st->msi_trigger);
		return;
	case MTTY_SIGNAL_NONE:
		return;
	}
}

/* After anything that may change the card's lines. */
static inline void mtty_irq_update(struct mtty_state *st)
{
	lockdep_assert_held(&st->lock);
	mtty_irq_signal(st, mtty_irqmodel_update(&st->irq, &st->card));
}

#endif /* MTTY_DRV_H */
