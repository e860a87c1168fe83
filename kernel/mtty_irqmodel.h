/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interrupt decisions of an mtty device, following the vfio-pci conventions
 * that QEMU relies on:
 *  - INTx is level-triggered and automasked: a rising line is signalled
 *    once and masks INTx until user space unmasks it, at which point a line
 *    still asserted is signalled again;
 *  - MSI (one vector) is edge-like: it is signalled whenever a port starts
 *    requesting service;
 *  - one of the two at a time, as vfio-pci allows.
 *
 * The functions only decide: they return which eventfd the caller must
 * signal.  No kernel headers (see mtty_model_types.h); not thread-safe, the
 * caller serialises them with the card model they look at.
 */
#ifndef MTTY_IRQMODEL_H
#define MTTY_IRQMODEL_H

#include "mtty_model_types.h"
#include "mtty_card.h"

/* Which interrupt the user has wired up. */
enum mtty_irq_mode {
	MTTY_IRQ_NONE,
	MTTY_IRQ_INTX,
	MTTY_IRQ_MSI,
};

/* The eventfd a decision asks the caller to signal. */
enum mtty_irq_signal {
	MTTY_SIGNAL_NONE,
	MTTY_SIGNAL_INTX,
	MTTY_SIGNAL_MSI,
};

struct mtty_irqmodel {
	enum mtty_irq_mode mode;	/* what the user has wired up */
	/*
	 * What the decisions follow: @mode while the device runs, none while
	 * a migration has it stopped (VFIO's STOP states may not interrupt).
	 */
	enum mtty_irq_mode active;
	bool stopped;
	bool intx_masked;		/* automasked or masked by the user */
	unsigned int msi_ports;		/* ports already signalled over MSI */
};

/* Nothing wired up, nothing masked. */
void mtty_irqmodel_init(struct mtty_irqmodel *im);

/* Device reset: the lines go low, the wiring stays. */
void mtty_irqmodel_reset(struct mtty_irqmodel *im);

/* INTx: a rising line signals once and masks until the unmask. */
static inline enum mtty_irq_signal
mtty_irqmodel_intx(struct mtty_irqmodel *im, const struct mtty_card *card)
{
	/* A masked line waits for the unmask, which looks again. */
	if (im->intx_masked || !mtty_card_intx_level(card))
		return MTTY_SIGNAL_NONE;
	im->intx_masked = true;
	return MTTY_SIGNAL_INTX;
}

/* MSI: a port that starts requesting service signals once. */
static inline enum mtty_irq_signal
mtty_irqmodel_msi(struct mtty_irqmodel *im, const struct mtty_card *card)
{
	unsigned int ports = mtty_card_irq_ports(card);
	bool rising = ports & ~im->msi_ports;

	/* Ports that stopped requesting may signal again when they restart. */
	im->msi_ports = ports;
	return rising ? MTTY_SIGNAL_MSI : MTTY_SIGNAL_NONE;
}

/*
 * The card's lines may have changed (after every access to it): whether an
 * interrupt must be signalled now.  Inline, like the two cases above: it
 * runs after every register access, where a call into the model cost about
 * five instructions per access (docs/benchmarks.md).
 */
static inline enum mtty_irq_signal
mtty_irqmodel_update(struct mtty_irqmodel *im, const struct mtty_card *card)
{
	switch (im->active) {
	case MTTY_IRQ_INTX:
		return mtty_irqmodel_intx(im, card);
	case MTTY_IRQ_MSI:
		return mtty_irqmodel_msi(im, card);
	default:
		return MTTY_SIGNAL_NONE;
	}
}

/* A migration stops the device: nothing is signalled until it runs. */
void mtty_irqmodel_stop(struct mtty_irqmodel *im);

/*
 * The device runs again: what became pending while it was stopped is
 * signalled now.
 */
enum mtty_irq_signal mtty_irqmodel_run(struct mtty_irqmodel *im,
				       const struct mtty_card *card);

/*
 * Migration state (see mtty_mig.h): the source's wiring, INTx mask and
 * MSI edge state, MTTY_IRQMODEL_STATE_SIZE bytes.
 */
#define MTTY_IRQMODEL_STATE_SIZE	4

void mtty_irqmodel_save(const struct mtty_irqmodel *im, u8 *buf);

/*
 * Whether @buf holds a state mtty_irqmodel_save() can write for a card
 * with @nr_ports ports.
 */
bool mtty_irqmodel_state_valid(const u8 *buf, unsigned int nr_ports);

/*
 * The destination of a migration takes over a saved state: the wiring
 * stays the destination user's own (it sets up its eventfds itself), and
 * whatever interrupt the card requests is signalled afresh once the device
 * runs, because that user has not seen the source's signals: an INTx the
 * source had signalled and automasked, or an MSI it had sent, is pending
 * at the destination until the guest services the port.
 */
void mtty_irqmodel_resume(struct mtty_irqmodel *im);

/* Whether @mode may be wired up now: not while the other one is. */
bool mtty_irqmodel_may_wire(const struct mtty_irqmodel *im,
			    enum mtty_irq_mode mode);

/*
 * A trigger eventfd of @mode (INTx or MSI) was set (@on) or cleared.
 * Setting one starts from a fresh line: an interrupt already pending is
 * signalled at once.
 */
enum mtty_irq_signal mtty_irqmodel_wire(struct mtty_irqmodel *im,
					const struct mtty_card *card,
					enum mtty_irq_mode mode, bool on);

/* User space masks INTx. */
void mtty_irqmodel_intx_mask(struct mtty_irqmodel *im);

/* User space unmasks INTx: a line still asserted signals again. */
enum mtty_irq_signal mtty_irqmodel_intx_unmask(struct mtty_irqmodel *im,
					       const struct mtty_card *card);

/*
 * A software trigger of the wired interrupt (vfio-pci offers it for
 * testing); an INTx one automasks like a real one.
 */
enum mtty_irq_signal mtty_irqmodel_soft_trigger(struct mtty_irqmodel *im);

#endif /* MTTY_IRQMODEL_H */
