// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupt decisions of an mtty device: INTx automasking, MSI edges and
 * the one-mode-at-a-time rule.  See mtty_irqmodel.h.
 */
#include "mtty_irqmodel.h"

void mtty_irqmodel_init(struct mtty_irqmodel *im)
{
	*im = (struct mtty_irqmodel){ .mode = MTTY_IRQ_NONE };
}

void mtty_irqmodel_reset(struct mtty_irqmodel *im)
{
	im->intx_masked = false;
	im->msi_ports = 0;
}

static enum mtty_irq_signal mtty_irqmodel_intx(struct mtty_irqmodel *im,
					       const struct mtty_card *card)
{
	/* A masked line waits for the unmask, which looks again. */
	if (im->intx_masked || !mtty_card_intx_level(card))
		return MTTY_SIGNAL_NONE;
	im->intx_masked = true;
	return MTTY_SIGNAL_INTX;
}

static enum mtty_irq_signal mtty_irqmodel_msi(struct mtty_irqmodel *im,
					      const struct mtty_card *card)
{
	unsigned int ports = mtty_card_irq_ports(card);
	bool rising = ports & ~im->msi_ports;

	/* Ports that stopped requesting may signal again when they restart. */
	im->msi_ports = ports;
	return rising ? MTTY_SIGNAL_MSI : MTTY_SIGNAL_NONE;
}

enum mtty_irq_signal mtty_irqmodel_update(struct mtty_irqmodel *im,
					  const struct mtty_card *card)
{
	switch (im->mode) {
	case MTTY_IRQ_INTX:
		return mtty_irqmodel_intx(im, card);
	case MTTY_IRQ_MSI:
		return mtty_irqmodel_msi(im, card);
	default:
		return MTTY_SIGNAL_NONE;
	}
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
		return MTTY_SIGNAL_NONE;
	}
	im->mode = mode;
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
	return mtty_irqmodel_intx(im, card);
}

enum mtty_irq_signal mtty_irqmodel_soft_trigger(struct mtty_irqmodel *im)
{
	switch (im->mode) {
	case MTTY_IRQ_INTX:
		im->intx_masked = true;
		return MTTY_SIGNAL_INTX;
	case MTTY_IRQ_MSI:
		return MTTY_SIGNAL_MSI;
	default:
		return MTTY_SIGNAL_NONE;
	}
}
