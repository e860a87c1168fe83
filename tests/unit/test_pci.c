// SPDX-License-Identifier: GPL-2.0-only
/*
 * PCI configuration header of the card (PCI Local Bus spec 3.0, ch. 6):
 * identity, BAR sizing and programming, writable and read-only fields,
 * interrupt status and INTx disable, bounds and reset.
 */
#include <limits.h>
#include <string.h>

#include <linux/serial_reg.h>

#include "cfg.h"
#include "th.h"

static struct mtty_card card;

static void card_init(unsigned int nr_ports)
{
	memset(&card, 0xa5, sizeof(card));
	mtty_card_init(&card, nr_ports);
}

static void snapshot(const struct mtty_card *c, u8 *out)
{
	for (unsigned int off = 0; off < MTTY_PCI_CONFIG_SIZE; off++)
		out[off] = cfg_read8(c, off);
}

/*
 * Bytes software may change on this card.  Cache line size and latency
 * timer are optional in the spec, so they are neither required writable
 * nor required read-only.
 */
static bool may_change(unsigned int off, unsigned int nr_ports)
{
	return off == PCI_COMMAND || off == PCI_COMMAND + 1 ||
	       off == PCI_CACHE_LINE_SIZE || off == PCI_LATENCY_TIMER ||
	       (off >= PCI_BASE_ADDRESS_0 &&
		off < PCI_BASE_ADDRESS_0 + 4 * nr_ports) ||
	       off == PCI_INTERRUPT_LINE;
}

static void t_power_on(unsigned int nr)
{
	static const struct {
		unsigned int off;
		u8 val;
		const char *what;
	} hdr[] = {
		{ PCI_VENDOR_ID, 0x48, "vendor id low" },
		{ PCI_VENDOR_ID + 1, 0x43, "vendor id high" },
		{ PCI_DEVICE_ID, 0x53, "device id low" },
		{ PCI_DEVICE_ID + 1, 0x32, "device id high" },
		{ PCI_COMMAND, 0x00, "command low" },
		{ PCI_COMMAND + 1, 0x00, "command high" },
		{ PCI_STATUS, 0x00, "status low" },
		{ PCI_STATUS + 1, 0x02, "status high (DEVSEL medium)" },
		{ PCI_REVISION_ID, 0x10, "revision" },
		{ PCI_CLASS_PROG, 0x02, "prog-if 16550" },
		{ PCI_CLASS_DEVICE, 0x00, "subclass 16550-compatible" },
		{ PCI_CLASS_DEVICE + 1, 0x07, "class serial" },
		{ PCI_HEADER_TYPE, 0x00, "header type 0" },
		{ PCI_BIST, 0x00, "BIST not supported" },
		{ PCI_SUBSYSTEM_VENDOR_ID, 0x48, "subsystem vendor low" },
		{ PCI_SUBSYSTEM_VENDOR_ID + 1, 0x43, "subsystem vendor high" },
		{ PCI_SUBSYSTEM_ID, 0x53, "subsystem id low" },
		{ PCI_SUBSYSTEM_ID + 1, 0x32, "subsystem id high" },
		{ PCI_CAPABILITY_LIST, 0x00, "no capabilities" },
		{ PCI_INTERRUPT_PIN, 0x01, "interrupt pin INTA" },
	};

	card_init(nr);
	CHECK_EQ(nr, card.nr_ports, "%u ports: nr_ports", nr);
	for (unsigned int i = 0; i < sizeof(hdr) / sizeof(hdr[0]); i++)
		CHECK_EQ(hdr[i].val, cfg_read8(&card, hdr[i].off),
			 "%u ports: %s (0x%02x)", nr, hdr[i].what, hdr[i].off);
	CHECK_EQ(0x32534348u, cfg_read32(&card, PCI_VENDOR_ID),
		 "%u ports: vendor/device dword", nr);
	CHECK_EQ(0x32534348u, cfg_read32(&card, PCI_SUBSYSTEM_VENDOR_ID),
		 "%u ports: subsystem dword", nr);
	CHECK_EQ(0x07000210u, cfg_read32(&card, PCI_CLASS_REVISION),
		 "%u ports: class/revision dword", nr);
	CHECK_EQ(PCI_BASE_ADDRESS_SPACE_IO,
		 cfg_read32(&card, PCI_BASE_ADDRESS_0),
		 "%u ports: BAR0 is I/O", nr);
	CHECK_EQ(nr == 2 ? PCI_BASE_ADDRESS_SPACE_IO : 0,
		 cfg_read32(&card, PCI_BASE_ADDRESS_1),
		 "%u ports: BAR1", nr);
	for (unsigned int off = PCI_BASE_ADDRESS_2;
	     off <= PCI_BASE_ADDRESS_5; off += 4)
		CHECK_EQ(0, cfg_read32(&card, off), "%u ports: BAR at 0x%02x",
			 nr, off);
	CHECK_EQ(0, cfg_read32(&card, PCI_CARDBUS_CIS), "%u ports: CIS", nr);
	CHECK_EQ(0, cfg_read32(&card, PCI_ROM_ADDRESS), "%u ports: ROM", nr);
	CHECK(!mtty_card_intx_level(&card), "%u ports: INTx low", nr);
	CHECK_EQ(0, mtty_card_irq_ports(&card), "%u ports: no port irq", nr);
}

static void t_clamp(void)
{
	card_init(0);
	CHECK_EQ(1, card.nr_ports, "init 0 ports clamps to 1");
	CHECK_EQ(0, cfg_read32(&card, PCI_BASE_ADDRESS_1), "... no BAR1");
	card_init(3);
	CHECK_EQ(2, card.nr_ports, "init 3 ports clamps to 2");
	CHECK_EQ(PCI_BASE_ADDRESS_SPACE_IO,
		 cfg_read32(&card, PCI_BASE_ADDRESS_1), "... BAR1");
	card_init(UINT_MAX);
	CHECK_EQ(2, card.nr_ports, "init UINT_MAX ports clamps to 2");
}

static void t_bar_io(unsigned int nr, unsigned int bar)
{
	unsigned int off = PCI_BASE_ADDRESS_0 + 4 * bar;
	unsigned int other = PCI_BASE_ADDRESS_0 + 4 * (1 - bar);
	u32 other_before;

	card_init(nr);
	other_before = cfg_read32(&card, other);
	cfg_write32(&card, off, 0xffffffff);
	CHECK_EQ(0xfffffff9u, cfg_read32(&card, off),
		 "%u ports BAR%u: sizing reads 8-byte I/O", nr, bar);
	CHECK_EQ(other_before, cfg_read32(&card, other),
		 "%u ports BAR%u: sizing leaves the other BAR", nr, bar);
	cfg_write32(&card, off, 0xc150);
	CHECK_EQ(0xc151u, cfg_read32(&card, off),
		 "%u ports BAR%u: address 0xc150", nr, bar);
	mtty_card_config_write(&card, off, 0x07);
	CHECK_EQ(0xc101u, cfg_read32(&card, off),
		 "%u ports BAR%u: bits 2:0 not writable (0x07)", nr, bar);
	mtty_card_config_write(&card, off, 0x00);
	CHECK_EQ(0xc101u, cfg_read32(&card, off),
		 "%u ports BAR%u: I/O bit stays (0x00)", nr, bar);
	mtty_card_config_write(&card, off, 0xfe);
	CHECK_EQ(0xc1f9u, cfg_read32(&card, off),
		 "%u ports BAR%u: low byte 0xfe", nr, bar);
	cfg_write32(&card, off, 0);
	CHECK_EQ(PCI_BASE_ADDRESS_SPACE_IO, cfg_read32(&card, off),
		 "%u ports BAR%u: address 0", nr, bar);
}

static void t_bar_absent(unsigned int nr)
{
	static const u32 vals[] = { 0xffffffff, 0xc150, 0x12345679 };
	unsigned int first = nr == 1 ? PCI_BASE_ADDRESS_1 : PCI_BASE_ADDRESS_2;

	card_init(nr);
	for (unsigned int v = 0; v < 3; v++) {
		for (unsigned int off = first; off <= PCI_BASE_ADDRESS_5;
		     off += 4) {
			cfg_write32(&card, off, vals[v]);
			CHECK_EQ(0, cfg_read32(&card, off),
				 "%u ports: BAR at 0x%02x after 0x%08x", nr,
				 off, vals[v]);
		}
		cfg_write32(&card, PCI_ROM_ADDRESS, vals[v]);
		CHECK_EQ(0, cfg_read32(&card, PCI_ROM_ADDRESS),
			 "%u ports: ROM after 0x%08x", nr, vals[v]);
	}
}

static void t_read_only(unsigned int nr)
{
	static u8 pristine[MTTY_PCI_CONFIG_SIZE], now[MTTY_PCI_CONFIG_SIZE];
	static const u8 vals[] = { 0xff, 0x00, 0x5a };

	card_init(nr);
	snapshot(&card, pristine);
	for (unsigned int v = 0; v < sizeof(vals); v++) {
		unsigned int bad = UINT_MAX, off, o;

		for (off = 0; off < MTTY_PCI_CONFIG_SIZE && bad == UINT_MAX;
		     off++) {
			card_init(nr);
			mtty_card_config_write(&card, off, vals[v]);
			snapshot(&card, now);
			for (o = 0; o < MTTY_PCI_CONFIG_SIZE; o++)
				if (!may_change(o, nr) && now[o] != pristine[o]) {
					bad = o;
					break;
				}
		}
		if (bad == UINT_MAX)
			CHECK(true, "%u ports: read-only bytes keep power-on "
			      "values under writes of 0x%02x", nr, vals[v]);
		else
			CHECK_EQ(pristine[bad], now[bad],
				 "%u ports: byte 0x%02x after writing 0x%02x "
				 "at 0x%02x", nr, bad, vals[v], off - 1);
	}
}

static void t_wmask(unsigned int nr)
{
	static struct mtty_pci pci;
	unsigned int off;
	u8 diff = 0;

	for (off = 0; off < MTTY_PCI_CONFIG_SIZE; off++) {
		mtty_pci_init(&pci, nr);
		mtty_pci_write(&pci, off, 0xff);
		diff = pci.cfg[off];
		mtty_pci_write(&pci, off, 0x00);
		diff ^= pci.cfg[off];
		if (diff != mtty_pci_wmask(&pci, off))
			break;
	}
	if (off == MTTY_PCI_CONFIG_SIZE)
		CHECK(true, "%u BARs: mtty_pci_wmask matches the bits that "
		      "change", nr);
	else
		CHECK_EQ(mtty_pci_wmask(&pci, off), diff,
			 "%u BARs: changing bits at 0x%02x", nr, off);
}

static void t_command(void)
{
	card_init(2);
	cfg_write16(&card, PCI_COMMAND, 0xffff);
	CHECK_EQ(PCI_COMMAND_IO | PCI_COMMAND_INTX_DISABLE,
		 cfg_read16(&card, PCI_COMMAND), "only IO and INTX_DISABLE");
	CHECK_EQ(PCI_COMMAND_IO | PCI_COMMAND_INTX_DISABLE,
		 mtty_pci_command(&card.pci), "mtty_pci_command");
	cfg_write16(&card, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	CHECK_EQ(0, cfg_read16(&card, PCI_COMMAND), "memory/master ignored");
	mtty_card_config_write(&card, PCI_COMMAND, PCI_COMMAND_IO);
	CHECK_EQ(PCI_COMMAND_IO, cfg_read16(&card, PCI_COMMAND), "IO alone");
	mtty_card_config_write(&card, PCI_COMMAND + 1,
			       PCI_COMMAND_INTX_DISABLE >> 8);
	CHECK_EQ(PCI_COMMAND_IO | PCI_COMMAND_INTX_DISABLE,
		 cfg_read16(&card, PCI_COMMAND), "high byte alone");
	CHECK_EQ(0x0200, cfg_read16(&card, PCI_STATUS),
		 "status unchanged by command writes");
}

static void t_interrupt_line(void)
{
	static const u8 vals[] = { 0x0b, 0xff, 0x00, 0x05 };

	card_init(1);
	for (unsigned int i = 0; i < sizeof(vals); i++) {
		mtty_card_config_write(&card, PCI_INTERRUPT_LINE, vals[i]);
		CHECK_EQ(vals[i], cfg_read8(&card,
							PCI_INTERRUPT_LINE),
			 "interrupt line 0x%02x", vals[i]);
	}
	CHECK_EQ(0x01, cfg_read8(&card, PCI_INTERRUPT_PIN),
		 "pin unchanged");
}

static void t_status_interrupt(void)
{
	card_init(2);
	mtty_card_bar_write(&card, 0, UART_IER, UART_IER_THRI);
	CHECK_EQ(1, mtty_card_irq_ports(&card), "port 0 interrupts");
	CHECK_EQ(0x0200 | PCI_STATUS_INTERRUPT, cfg_read16(&card, PCI_STATUS),
		 "status shows the interrupt");
	CHECK(mtty_card_intx_level(&card), "INTx asserted");

	mtty_card_config_write(&card, PCI_COMMAND + 1,
			       PCI_COMMAND_INTX_DISABLE >> 8);
	CHECK(!mtty_card_intx_level(&card), "INTX_DISABLE: INTx low");
	CHECK_EQ(1, mtty_card_irq_ports(&card), "INTX_DISABLE: port reports");
	CHECK_EQ(0x0200 | PCI_STATUS_INTERRUPT, cfg_read16(&card, PCI_STATUS),
		 "INTX_DISABLE: status still shows it");

	mtty_card_config_write(&card, PCI_COMMAND + 1, 0);
	CHECK(mtty_card_intx_level(&card), "INTX enabled again: INTx high");

	mtty_card_bar_write(&card, 0, UART_IER, 0);
	CHECK_EQ(0x0200, cfg_read16(&card, PCI_STATUS), "status clears");
	CHECK(!mtty_card_intx_level(&card), "INTx low");

	mtty_card_bar_write(&card, 1, UART_IER, UART_IER_THRI);
	CHECK_EQ(2, mtty_card_irq_ports(&card), "port 1 interrupts");
	CHECK_EQ(0x0200 | PCI_STATUS_INTERRUPT, cfg_read16(&card, PCI_STATUS),
		 "status shows port 1");
	CHECK(mtty_card_intx_level(&card), "INTx from port 1");
	mtty_card_bar_read(&card, 1, UART_IIR);
	CHECK(!mtty_card_intx_level(&card), "IIR read deasserts INTx");
	CHECK_EQ(0x0200, cfg_read16(&card, PCI_STATUS), "status follows");

	/* Writes to status do not set the bit (it is read-only). */
	cfg_write16(&card, PCI_STATUS, 0xffff);
	CHECK_EQ(0x0200, cfg_read16(&card, PCI_STATUS), "status write ignored");
}

static void t_out_of_range(void)
{
	static const unsigned int offs[] = { 256, 257, 0x1000, 0x10000,
					     UINT_MAX };
	static u8 before[MTTY_PCI_CONFIG_SIZE], after[MTTY_PCI_CONFIG_SIZE];
	struct mtty_pci pci;

	card_init(2);
	snapshot(&card, before);
	mtty_pci_init(&pci, 2);
	for (unsigned int i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		CHECK_EQ(0xff, cfg_read8(&card, offs[i]),
			 "card read at 0x%x", offs[i]);
		mtty_card_config_write(&card, offs[i], 0x00);
		mtty_card_config_write(&card, offs[i], 0xff);
		mtty_pci_write(&pci, offs[i], 0x00);
		CHECK_EQ(0, mtty_pci_wmask(&pci, offs[i]),
			 "wmask at 0x%x", offs[i]);
		CHECK_EQ(0xff, cfg_read8(&card, offs[i]),
			 "card read at 0x%x after write", offs[i]);
	}
	snapshot(&card, after);
	CHECK(memcmp(before, after, sizeof(before)) == 0,
	      "writes past 255 leave the header alone");
}

static void t_reset(unsigned int nr)
{
	static u8 pristine[MTTY_PCI_CONFIG_SIZE], now[MTTY_PCI_CONFIG_SIZE];
	unsigned int off;

	card_init(nr);
	snapshot(&card, pristine);
	cfg_write16(&card, PCI_COMMAND, 0xffff);
	cfg_write32(&card, PCI_BASE_ADDRESS_0, 0xc150);
	cfg_write32(&card, PCI_BASE_ADDRESS_1, 0xc158);
	mtty_card_config_write(&card, PCI_INTERRUPT_LINE, 0x0a);
	mtty_card_config_write(&card, PCI_CACHE_LINE_SIZE, 0x10);
	mtty_card_config_write(&card, PCI_LATENCY_TIMER, 0x40);
	mtty_card_bar_write(&card, 0, UART_IER, UART_IER_THRI);
	mtty_card_reset(&card);
	snapshot(&card, now);
	for (off = 0; off < MTTY_PCI_CONFIG_SIZE; off++)
		if (now[off] != pristine[off])
			break;
	if (off == MTTY_PCI_CONFIG_SIZE)
		CHECK(true, "%u ports: reset restores all 256 bytes", nr);
	else
		CHECK_EQ(pristine[off], now[off],
			 "%u ports: byte 0x%02x after reset", nr, off);
	CHECK_EQ(nr, card.nr_ports, "%u ports: reset keeps nr_ports", nr);
}

int main(void)
{
	for (unsigned int nr = 1; nr <= 2; nr++) {
		t_power_on(nr);
		for (unsigned int bar = 0; bar < nr; bar++)
			t_bar_io(nr, bar);
		t_bar_absent(nr);
		t_read_only(nr);
		t_wmask(nr);
		t_reset(nr);
	}
	t_clamp();
	t_command();
	t_interrupt_line();
	t_status_interrupt();
	t_out_of_range();
	return th_done();
}
