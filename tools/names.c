// SPDX-License-Identifier: GPL-2.0-only
/*
 * Names of the fixed vfio-pci region and irq indexes, for output that a
 * person can read and a script can match.
 */
#include "card.h"

#include <inttypes.h>
#include <stdio.h>

static const char *const region_names[VFIO_PCI_NUM_REGIONS] = {
	[VFIO_PCI_BAR0_REGION_INDEX] = "BAR0",
	[VFIO_PCI_BAR1_REGION_INDEX] = "BAR1",
	[VFIO_PCI_BAR2_REGION_INDEX] = "BAR2",
	[VFIO_PCI_BAR3_REGION_INDEX] = "BAR3",
	[VFIO_PCI_BAR4_REGION_INDEX] = "BAR4",
	[VFIO_PCI_BAR5_REGION_INDEX] = "BAR5",
	[VFIO_PCI_ROM_REGION_INDEX] = "ROM",
	[VFIO_PCI_CONFIG_REGION_INDEX] = "CONFIG",
	[VFIO_PCI_VGA_REGION_INDEX] = "VGA",
};

static const char *const irq_names[VFIO_PCI_NUM_IRQS] = {
	[VFIO_PCI_INTX_IRQ_INDEX] = "INTX",
	[VFIO_PCI_MSI_IRQ_INDEX] = "MSI",
	[VFIO_PCI_MSIX_IRQ_INDEX] = "MSIX",
	[VFIO_PCI_ERR_IRQ_INDEX] = "ERR",
	[VFIO_PCI_REQ_IRQ_INDEX] = "REQ",
};

/* Indexes past vfio-pci's fixed set are device specific: number them. */
const char *pci_region_name(uint32_t index, char buf[PCI_NAME_SIZE])
{
	if (index < VFIO_PCI_NUM_REGIONS)
		return region_names[index];
	snprintf(buf, PCI_NAME_SIZE, "REGION%" PRIu32, index);
	return buf;
}

const char *pci_irq_name(uint32_t index, char buf[PCI_NAME_SIZE])
{
	if (index < VFIO_PCI_NUM_IRQS)
		return irq_names[index];
	snprintf(buf, PCI_NAME_SIZE, "IRQ%" PRIu32, index);
	return buf;
}
