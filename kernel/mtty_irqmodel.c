// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupt decisions of an mtty device: INTx automasking, MSI edges and
 * the one-mode-at-a-time rule.  See mtty_irqmodel.h.
 */
#include "mtty_irqmodel.h"

void mtty_irqmodel_init(struct mtty_irqmodel *im)
{
	*im = (struct mtty_irqmodel){ .mode = MTTY_IRQ_NONE,
				      .active = MTTY_IRQ_NONE };
}

void mtty_irqmodel_reset(struct mtty_irqmodel *im)
{
	im->intx_masked = false;
	im->msi_ports = 0;
}

bool mtty_irqmodel_may_wire(const struct mtty_irqmodel *im,
			    enum mtty_irq_mode mode)
{
	return im->mode == MTTY_IRQ_NONE || im->mode == mode;
}

enum mtty_irq_signal mtty_irqmodel_wire(struct mtty_irqmodel *im,
					const struct mtty_card *card,
					enum mtty_irq_mode mode, bool on)
{
	if (mode == MTTY_IRQ_NONE || (on && !mtty_irqmodel_may_wire(im, mode)))
		return MTTY_SIGNAL_NONE;
	if (mode == MTTY_IRQ_INTX)
		im->intx_masked = false;
	else
		im->msi_ports = 0;
	if (!on) {
		/* Clearing one trigger leaves the other one wired. */
		if (im->mode == mode)
			im->mode = MTTY_IRQ_NONE;
		im->active = im->stopped ? MTTY_IRQ_NONE : im->mode;
		return MTTY_SIGNAL_NONE;
	}
	im->mode = mode;
	im->active = im->stopped ? MTTY_IRQ_NONE : im->mode;
	return mtty_irqmodel_update(im, card);
}

void mtty_irqmodel_intx_mask(struct mtty_irqmodel *im)
{
	if (im->mode == MTTY_IRQ_INTX)
		im->intx_masked = true;
}

enum mtty_irq_signal mtty_irqmodel_intx_unmask(struct mtty_irqmodel *im,
					       const struct mtty_card *card)
{
	if (im->mode != MTTY_IRQ_INTX)
		return MTTY_SIGNAL_NONE;
	im->intx_masked = false;
	/* A stopped device looks again when it runs. */
	if (im->stopped)
		return MTTY_SIGNAL_NONE;
	return mtty_irqmodel_intx(im, card);
}

enum mtty_irq_signal mtty_irqmodel_soft_trigger(struct mtty_irqmodel *im)
{
	switch (im->active) {
	case MTTY_IRQ_INTX:
		im->intx_masked = true;
		return MTTY_SIGNAL_INTX;
	case MTTY_IRQ_MSI:
		return MTTY_SIGNAL_MSI;
	default:
		return MTTY_SIGNAL_NONE;
	}
}

void mtty_irqmodel_stop(struct mtty_irqmodel *im)
{
	im->stopped = true;
	im->active = MTTY_IRQ_NONE;
}

enum mtty_irq_signal mtty_irqmodel_run(struct mtty_irqmodel *im,
				       const struct mtty_card *card)
{
	im->stopped = false;
	im->active = im->mode;
	return mtty_irqmodel_update(im, card);
}

/* Layout of the migration state; see mtty_irqmodel.h. */
enum { MTTY_IST_MODE, MTTY_IST_FLAGS, MTTY_IST_MSI_PORTS, MTTY_IST_RESERVED };
#define MTTY_IST_INTX_MASKED	0x01

void mtty_irqmodel_save(const struct mtty_irqmodel *im, u8 *buf)
{
	buf[MTTY_IST_MODE] = im->mode;
	buf[MTTY_IST_FLAGS] = im->intx_masked ? MTTY_IST_INTX_MASKED : 0;
	buf[MTTY_IST_MSI_PORTS] = im->msi_ports;
	buf[MTTY_IST_RESERVED] = 0;
}

bool mtty_irqmodel_state_valid(const u8 *buf, unsigned int nr_ports)
{
	return buf[MTTY_IST_MODE] <= MTTY_IRQ_MSI &&
	       !(buf[MTTY_IST_FLAGS] & ~MTTY_IST_INTX_MASKED) &&
	       !(buf[MTTY_IST_MSI_PORTS] & ~((1u << nr_ports) - 1)) &&
	       !buf[MTTY_IST_RESERVED];
}

void mtty_irqmodel_resume(struct mtty_irqmodel *im)
{
	im->intx_masked = false;
	im->msi_ports = 0;
}
