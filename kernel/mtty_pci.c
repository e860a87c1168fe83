// SPDX-License-Identifier: GPL-2.0-only
/*
 * PCI configuration header of the mtty card.
 *
 * The header is a byte array plus a per-byte mask of the bits software may
 * change, which gives the PCI specification's behaviour for every access
 * width and alignment: read-only fields ignore writes, an I/O BAR keeps its
 * indicator bit and answers the sizing protocol with its size, registers the
 * card does not implement read as zero.
 */
#include <linux/pci_regs.h>

#include "mtty_pci.h"

/* BAR bits that encode an address within an MTTY_PCI_BAR_SIZE window. */
#define MTTY_BAR_ADDR_MASK	(~(u32)(MTTY_PCI_BAR_SIZE - 1))
/* DEVSEL timing "medium", as the sample walkthrough's lspci shows. */
#define MTTY_PCI_STATUS		PCI_STATUS_DEVSEL_MEDIUM
#define MTTY_COMMAND_WMASK	(PCI_COMMAND_IO | PCI_COMMAND_INTX_DISABLE)

static void mtty_pci_put16(struct mtty_pci *pci, unsigned int off, u16 val)
{
	pci->cfg[off] = val & 0xff;
	pci->cfg[off + 1] = val >> 8;
}

static void mtty_pci_put32(struct mtty_pci *pci, unsigned int off, u32 val)
{
	mtty_pci_put16(pci, off, val & 0xffff);
	mtty_pci_put16(pci, off + 2, val >> 16);
}

void mtty_pci_init(struct mtty_pci *pci, unsigned int nr_bars)
{
	unsigned int i;

	if (nr_bars < 1)
		nr_bars = 1;
	if (nr_bars > MTTY_PCI_MAX_BARS)
		nr_bars = MTTY_PCI_MAX_BARS;

	*pci = (struct mtty_pci){ .nr_bars = nr_bars };
	mtty_pci_put16(pci, PCI_VENDOR_ID, MTTY_PCI_VENDOR_ID);
	mtty_pci_put16(pci, PCI_DEVICE_ID, MTTY_PCI_DEVICE_ID);
	mtty_pci_put16(pci, PCI_STATUS, MTTY_PCI_STATUS);
	mtty_pci_put32(pci, PCI_CLASS_REVISION,
		       (MTTY_PCI_CLASS << 8) | MTTY_PCI_REVISION);
	pci->cfg[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
	for (i = 0; i < nr_bars; i++)
		mtty_pci_put32(pci, PCI_BASE_ADDRESS_0 + 4 * i,
			       PCI_BASE_ADDRESS_SPACE_IO);
	mtty_pci_put16(pci, PCI_SUBSYSTEM_VENDOR_ID, MTTY_PCI_VENDOR_ID);
	mtty_pci_put16(pci, PCI_SUBSYSTEM_ID, MTTY_PCI_DEVICE_ID);
	pci->cfg[PCI_INTERRUPT_PIN] = 1;	/* INTA# */
}

u8 mtty_pci_wmask(const struct mtty_pci *pci, unsigned int off)
{
	unsigned int bar_end = PCI_BASE_ADDRESS_0 + 4 * pci->nr_bars;

	if (off == PCI_COMMAND)
		return MTTY_COMMAND_WMASK & 0xff;
	if (off == PCI_COMMAND + 1)
		return MTTY_COMMAND_WMASK >> 8;
	if (off >= PCI_BASE_ADDRESS_0 && off < bar_end)
		return (MTTY_BAR_ADDR_MASK >> (8 * (off % 4))) & 0xff;
	if (off == PCI_INTERRUPT_LINE)
		return 0xff;
	return 0;
}

void mtty_pci_write(struct mtty_pci *pci, unsigned int off, u8 val)
{
	u8 mask;

	if (off >= MTTY_PCI_CONFIG_SIZE)
		return;
	mask = mtty_pci_wmask(pci, off);
	pci->cfg[off] = (pci->cfg[off] & ~mask) | (val & mask);
}

u16 mtty_pci_command(const struct mtty_pci *pci)
{
	return pci->cfg[PCI_COMMAND] | (pci->cfg[PCI_COMMAND + 1] << 8);
}

/* Where the bytes of the migration state come from, after the BAR count. */
static unsigned int mtty_pci_state_off(unsigned int i)
{
	static const u8 head[] = { PCI_COMMAND, PCI_COMMAND + 1,
				   PCI_INTERRUPT_LINE };

	return i < sizeof(head) ? head[i] :
	       PCI_BASE_ADDRESS_0 + (i - sizeof(head));
}

void mtty_pci_save(const struct mtty_pci *pci, u8 *buf)
{
	unsigned int i;

	buf[0] = pci->cfg[PCI_COMMAND];
	buf[1] = pci->cfg[PCI_COMMAND + 1];
	buf[2] = pci->cfg[PCI_INTERRUPT_LINE];
	buf[3] = pci->nr_bars;
	for (i = 0; i < 4 * pci->nr_bars; i++)
		buf[4 + i] = pci->cfg[PCI_BASE_ADDRESS_0 + i];
}

bool mtty_pci_load(struct mtty_pci *pci, const u8 *buf)
{
	unsigned int i, off, n = 3 + 4 * pci->nr_bars;
	u8 val;

	if (buf[3] != pci->nr_bars)
		return false;
	for (i = 0; i < n; i++) {
		off = mtty_pci_state_off(i);
		val = buf[i < 3 ? i : i + 1];
		if ((val ^ pci->cfg[off]) & ~mtty_pci_wmask(pci, off))
			return false;
		pci->cfg[off] = val;
	}
	return true;
}
