// SPDX-License-Identifier: GPL-2.0-only
/*
 * The card around the UARTs: BAR routing, independence of the two ports,
 * invalid BARs and offsets, the shared interrupt and the card reset.
 */
#include <limits.h>
#include <string.h>

#include <linux/serial_reg.h>

#include "cfg.h"
#include "th.h"

#define LSR_IDLE	(UART_LSR_TEMT | UART_LSR_THRE)

static struct mtty_card card;

static void card_init(unsigned int nr_ports)
{
	memset(&card, 0xa5, sizeof(card));
	mtty_card_init(&card, nr_ports);
}

static u8 rd(unsigned int bar, unsigned int reg)
{
	return mtty_card_bar_read(&card, bar, reg);
}

static void wr(unsigned int bar, unsigned int reg, u8 val)
{
	mtty_card_bar_write(&card, bar, reg, val);
}

static void t_two_ports_independent(void)
{
	card_init(2);
	wr(0, UART_SCR, 0x11);
	wr(1, UART_SCR, 0x22);
	CHECK_EQ(0x11, rd(0, UART_SCR), "port 0 SCR");
	CHECK_EQ(0x22, rd(1, UART_SCR), "port 1 SCR");

	wr(0, UART_FCR, UART_FCR_ENABLE_FIFO);
	CHECK_EQ(UART_IIR_NO_INT, rd(1, UART_IIR), "FCR of port 0 only");
	wr(0, UART_TX, 0x41);
	CHECK_EQ(LSR_IDLE | UART_LSR_DR, rd(0, UART_LSR), "port 0 has data");
	CHECK_EQ(LSR_IDLE, rd(1, UART_LSR), "port 1 has none");
	wr(1, UART_TX, 0x42);
	CHECK_EQ(0x41, rd(0, UART_RX), "port 0 byte");
	CHECK_EQ(0x42, rd(1, UART_RX), "port 1 byte");

	wr(1, UART_LCR, UART_LCR_DLAB);
	wr(1, UART_DLL, 0x99);
	CHECK_EQ(0x00, rd(0, UART_LCR), "DLAB of port 1 only");
	wr(0, UART_TX, 0x43);
	CHECK_EQ(0x43, rd(0, UART_RX), "port 0 THR while port 1 has DLAB");
	wr(1, UART_LCR, 0);

	wr(1, UART_MCR, UART_MCR_LOOP | UART_MCR_DTR);
	CHECK_EQ(0x00, rd(0, UART_MSR), "port 0 MSR unaffected");
	CHECK_EQ(0x00, rd(0, UART_MCR), "port 0 MCR unaffected");

	wr(1, UART_IER, UART_IER_THRI);
	CHECK_EQ(2, mtty_card_irq_ports(&card), "only port 1 interrupts");
	CHECK_EQ(UART_IIR_NO_INT | 0xc0, rd(0, UART_IIR), "port 0 quiet");
	wr(0, UART_IER, UART_IER_THRI);
	CHECK_EQ(3, mtty_card_irq_ports(&card), "both ports interrupt");
	rd(1, UART_IIR);
	CHECK_EQ(1, mtty_card_irq_ports(&card), "port 1 acknowledged");
}

static void t_absent_bars(void)
{
	static const unsigned int bars[] = { 2, 3, 5, 6, 7, 100, UINT_MAX };

	card_init(1);
	for (unsigned int reg = 0; reg < 8; reg++) {
		wr(1, reg, 0x0f);
		CHECK_EQ(0xff, rd(1, reg), "1 port: BAR1 reg %u", reg);
	}
	CHECK_EQ(0, mtty_card_irq_ports(&card), "1 port: BAR1 IER ignored");
	CHECK_EQ(0x00, rd(0, UART_IER), "1 port: BAR0 IER untouched");
	CHECK_EQ(LSR_IDLE, rd(0, UART_LSR), "1 port: BAR0 FIFO untouched");

	for (unsigned int nr = 1; nr <= 2; nr++) {
		card_init(nr);
		for (unsigned int i = 0; i < sizeof(bars) / sizeof(bars[0]);
		     i++) {
			wr(bars[i], UART_IER, 0x0f);
			wr(bars[i], UART_TX, 0x55);
			CHECK_EQ(0xff, rd(bars[i], UART_LSR),
				 "%u ports: BAR %u reads 0xff", nr, bars[i]);
		}
		CHECK_EQ(0, mtty_card_irq_ports(&card),
			 "%u ports: writes to absent BARs ignored", nr);
		for (unsigned int bar = 0; bar < nr; bar++)
			CHECK_EQ(LSR_IDLE, rd(bar, UART_LSR),
				 "%u ports: BAR%u FIFO untouched", nr, bar);
	}
}

static void t_bar_offsets(void)
{
	static const unsigned int offs[] = { 8, 9, 16, 255, 0x10000, UINT_MAX };

	card_init(2);
	for (unsigned int bar = 0; bar < 2; bar++) {
		for (unsigned int i = 0; i < sizeof(offs) / sizeof(offs[0]);
		     i++) {
			wr(bar, offs[i], 0x0f);
			CHECK_EQ(0xff, rd(bar, offs[i]), "BAR%u offset 0x%x",
				 bar, offs[i]);
		}
		CHECK_EQ(0x00, rd(bar, UART_IER), "BAR%u IER untouched", bar);
		CHECK_EQ(0x00, rd(bar, UART_SCR), "BAR%u SCR untouched", bar);
	}
	CHECK_EQ(0, mtty_card_irq_ports(&card), "no interrupt");
}

static void t_shared_intx(void)
{
	card_init(2);
	CHECK(!mtty_card_intx_level(&card), "idle: INTx low");
	wr(0, UART_IER, UART_IER_RDI);
	wr(0, UART_TX, 0x01);
	wr(1, UART_IER, UART_IER_RDI);
	wr(1, UART_TX, 0x02);
	CHECK_EQ(3, mtty_card_irq_ports(&card), "both ports");
	CHECK(mtty_card_intx_level(&card), "INTx high");
	cfg_write16(&card, PCI_COMMAND, PCI_COMMAND_INTX_DISABLE);
	CHECK(!mtty_card_intx_level(&card), "INTX_DISABLE: low");
	CHECK_EQ(3, mtty_card_irq_ports(&card), "INTX_DISABLE: ports report");
	cfg_write16(&card, PCI_COMMAND, PCI_COMMAND_IO);
	rd(0, UART_RX);
	CHECK_EQ(2, mtty_card_irq_ports(&card), "port 0 served");
	CHECK(mtty_card_intx_level(&card), "port 1 keeps INTx high");
	rd(1, UART_RX);
	CHECK_EQ(0, mtty_card_irq_ports(&card), "both served");
	CHECK(!mtty_card_intx_level(&card), "INTx low again");
}

static void check_port_reset(unsigned int bar, const char *when)
{
	CHECK_EQ(0x00, rd(bar, UART_IER), "%s: port %u IER", when, bar);
	CHECK_EQ(UART_IIR_NO_INT, rd(bar, UART_IIR), "%s: port %u IIR",
		 when, bar);
	CHECK_EQ(0x00, rd(bar, UART_LCR), "%s: port %u LCR", when, bar);
	CHECK_EQ(0x00, rd(bar, UART_MCR), "%s: port %u MCR", when, bar);
	CHECK_EQ(LSR_IDLE, rd(bar, UART_LSR), "%s: port %u LSR", when, bar);
	CHECK_EQ(0x00, rd(bar, UART_MSR), "%s: port %u MSR", when, bar);
	CHECK_EQ(0x00, rd(bar, UART_SCR), "%s: port %u SCR", when, bar);
}

static void t_reset(void)
{
	card_init(2);
	for (unsigned int bar = 0; bar < 2; bar++) {
		wr(bar, UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_TRIGGER_14);
		for (int i = 0; i < 20; i++)
			wr(bar, UART_TX, (u8)i);
		wr(bar, UART_IER, 0x0f);
		wr(bar, UART_MCR, 0x1f);
		wr(bar, UART_SCR, 0x5a);
		wr(bar, UART_LCR, UART_LCR_DLAB | UART_LCR_WLEN8);
	}
	cfg_write16(&card, PCI_COMMAND, 0xffff);
	cfg_write32(&card, PCI_BASE_ADDRESS_0, 0xc150);
	CHECK_EQ(3, mtty_card_irq_ports(&card), "dirty card interrupts");

	mtty_card_reset(&card);
	CHECK_EQ(2, card.nr_ports, "nr_ports kept");
	CHECK_EQ(0, mtty_card_irq_ports(&card), "no port interrupts");
	CHECK(!mtty_card_intx_level(&card), "INTx low");
	CHECK_EQ(0, cfg_read16(&card, PCI_COMMAND), "command cleared");
	CHECK_EQ(PCI_BASE_ADDRESS_SPACE_IO,
		 cfg_read32(&card, PCI_BASE_ADDRESS_0), "BAR0 cleared");
	CHECK_EQ(0x0200, cfg_read16(&card, PCI_STATUS), "status");
	for (unsigned int bar = 0; bar < 2; bar++)
		check_port_reset(bar, "after reset");
	for (unsigned int bar = 0; bar < 2; bar++) {
		wr(bar, UART_IER, UART_IER_RDI);
		wr(bar, UART_TX, 0x77);
		/* The FIFO is off again, so one byte is data, not timeout. */
		CHECK_EQ(UART_IIR_RDI, rd(bar, UART_IIR),
			 "after reset: port %u in 16450 mode", bar);
		CHECK_EQ(0x77, rd(bar, UART_RX), "after reset: port %u data",
			 bar);
	}
}

static void t_init_fresh(void)
{
	/* Both ports of a one-port card are reset, the unused one too. */
	card_init(1);
	check_port_reset(0, "1-port init");
	card_init(2);
	check_port_reset(0, "2-port init");
	check_port_reset(1, "2-port init");
}

/*
 * A block read of config space (how the driver serves wide accesses) must
 * return exactly what byte reads return, the interrupt status bit included,
 * for every offset and length.
 */
static void t_config_block_matches_bytes(void)
{
	unsigned int off, len, i, bad = 0;
	u8 block[4];

	mtty_card_init(&card, 2);
	mtty_card_bar_write(&card, 0, UART_IER, UART_IER_THRI);
	CHECK(mtty_card_irq_ports(&card) != 0, "port 0 requests an interrupt");
	for (off = 0; off + 4 <= MTTY_PCI_CONFIG_SIZE; off++) {
		for (len = 1; len <= 4; len++) {
			mtty_card_config_read(&card, off, block, len);
			for (i = 0; i < len; i++)
				if (block[i] != cfg_read8(&card, off + i))
					bad++;
		}
	}
	CHECK_EQ(0, bad, "block reads equal byte reads at every offset");
	mtty_card_config_read(&card, PCI_STATUS - 2, block, 4);
	CHECK(block[2] & PCI_STATUS_INTERRUPT,
	      "a dword read spanning status shows the interrupt");
}

int main(void)
{
	t_init_fresh();
	t_config_block_matches_bytes();
	t_two_ports_independent();
	t_absent_bars();
	t_bar_offsets();
	t_shared_intx();
	t_reset();
	return th_done();
}
