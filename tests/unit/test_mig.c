// SPDX-License-Identifier: GPL-2.0-only
/*
 * The migration stream (mtty_mig.c): a card saved and loaded into another
 * reads back the same through its registers and config space, FIFO bytes
 * in order and pending interrupts included; every malformed stream is
 * refused with its reason and leaves the destination untouched; a stopped
 * device signals nothing until it runs.
 */
#include <stdio.h>
#include <string.h>

#include <linux/serial_reg.h>

#include "cfg.h"
#include "mtty_mig.h"
#include "th.h"

static struct mtty_card src, dst;
static struct mtty_irqmodel src_im, dst_im;
static u8 stream[MTTY_MIG_MAX_SIZE + 16];
static unsigned int stream_len;

static void fresh(struct mtty_card *card, struct mtty_irqmodel *im,
		  unsigned int nr_ports)
{
	memset(card, 0xa5, sizeof(*card));
	mtty_card_init(card, nr_ports);
	memset(im, 0xa5, sizeof(*im));
	mtty_irqmodel_init(im);
}

static void out(struct mtty_card *card, unsigned int bar, unsigned int reg,
		u8 val)
{
	mtty_card_bar_write(card, bar, reg, val);
}

static u8 in(struct mtty_card *card, unsigned int bar, unsigned int reg)
{
	return mtty_card_bar_read(card, bar, reg);
}

/*
 * A source card in a state far from reset, as a guest's 8250 driver
 * leaves it mid-transfer: non-default divisor, LCR and SCR, FIFO at
 * trigger 8 with bytes unread and the ring wrapped, an overrun on port 1,
 * modem-status changes not yet read, I/O decoding on, BARs placed.
 */
static void busy_source(unsigned int nr_ports)
{
	unsigned int p, i;

	fresh(&src, &src_im, nr_ports);
	cfg_write16(&src, PCI_COMMAND, PCI_COMMAND_IO);
	cfg_write32(&src, PCI_BASE_ADDRESS_0, 0xc010);
	if (nr_ports > 1)
		cfg_write32(&src, PCI_BASE_ADDRESS_1, 0xc018);
	mtty_card_config_write(&src, PCI_INTERRUPT_LINE, 10);
	for (p = 0; p < nr_ports; p++) {
		out(&src, p, UART_LCR, UART_LCR_DLAB);
		out(&src, p, UART_DLL, 0x34 + p);
		out(&src, p, UART_DLM, 0x12);
		out(&src, p, UART_LCR, UART_LCR_WLEN7 | UART_LCR_PARITY);
		out(&src, p, UART_SCR, 0x5a + p);
		out(&src, p, UART_FCR, UART_FCR_ENABLE_FIFO |
		    UART_FCR_R_TRIG_10);
		out(&src, p, UART_MCR, UART_MCR_DTR | UART_MCR_RTS |
		    UART_MCR_OUT2);
		out(&src, p, UART_IER, UART_IER_RDI | UART_IER_RLSI);
		/* Wrap the ring: 10 in, 10 out, then the unread bytes. */
		for (i = 0; i < 10; i++)
			out(&src, p, UART_TX, 'x');
		for (i = 0; i < 10; i++)
			in(&src, p, UART_RX);
		for (i = 0; i < 5 + 11 * p; i++)
			out(&src, p, UART_TX, 'a' + i);
	}
	if (nr_ports > 1)	/* two bytes too many: overrun */
		for (i = 0; i < 2; i++)
			out(&src, 1, UART_TX, '!');
	mtty_irqmodel_wire(&src_im, &src, MTTY_IRQ_INTX, true);
}

static void save(void)
{
	memset(stream, 0, sizeof(stream));
	stream_len = mtty_mig_save(&src, &src_im, stream, sizeof(stream));
}

static u32 get32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

/* After editing stream[], make its checksum right again. */
static void reseal(unsigned int len)
{
	u32 crc = mtty_mig_crc32(stream, len - 4);

	for (int i = 0; i < 4; i++)
		stream[len - 4 + i] = crc >> (8 * i);
}

/* Offset of the section with @id and @instance in stream[], or 0. */
static unsigned int section(u8 id, u8 instance)
{
	unsigned int off = MTTY_MIG_HEADER_SIZE;

	while (off + 4 <= stream_len - 4) {
		if (stream[off] == id && stream[off + 1] == instance)
			return off;
		off += 4 + (stream[off + 2] | stream[off + 3] << 8);
	}
	return 0;
}

/* Every register a guest can read, from copies (reads have effects). */
static void compare_visible(const struct mtty_card *a,
			    const struct mtty_card *b,
			    const char *what)
{
	struct mtty_card x = *a, y = *b;
	unsigned int p, r, off, diffs = 0;

	for (off = 0; off < MTTY_PCI_CONFIG_SIZE; off++)
		diffs += cfg_read8(&x, off) != cfg_read8(&y, off);
	for (p = 0; p < x.nr_ports; p++) {
		for (r = 1; r < MTTY_UART_NR_REGS; r++)
			diffs += in(&x, p, r) != in(&y, p, r);
		/* Then every byte of the FIFO, in order, and what follows. */
		for (r = 0; r < MTTY_UART_FIFO_SIZE + 1; r++) {
			diffs += in(&x, p, UART_LSR) != in(&y, p, UART_LSR);
			diffs += in(&x, p, UART_RX) != in(&y, p, UART_RX);
			diffs += in(&x, p, UART_IIR) != in(&y, p, UART_IIR);
		}
		out(&x, p, UART_LCR, UART_LCR_DLAB);
		out(&y, p, UART_LCR, UART_LCR_DLAB);
		diffs += in(&x, p, UART_DLL) != in(&y, p, UART_DLL);
		diffs += in(&x, p, UART_DLM) != in(&y, p, UART_DLM);
	}
	CHECK_EQ(0, diffs, "%s: every register and FIFO byte reads the same",
		 what);
}

static void t_round_trip(unsigned int nr_ports)
{
	char what[64];
	unsigned int i;

	snprintf(what, sizeof(what), "mtty-%u round trip", nr_ports);
	busy_source(nr_ports);
	save();
	CHECK_EQ(mtty_mig_size(&src), stream_len, "%s: size as announced",
		 what);
	CHECK(stream_len <= MTTY_MIG_MAX_SIZE, "%s: within the maximum", what);
	CHECK(!memcmp(stream, "MTTY", 4), "%s: starts with the magic", what);
	CHECK_EQ(mtty_mig_crc32(stream, stream_len - 4),
		 get32(stream + stream_len - 4),
		 "%s: trailer is the CRC-32 of the rest", what);

	fresh(&dst, &dst_im, nr_ports);
	CHECK_EQ(MTTY_MIG_OK, mtty_mig_load(&dst, &dst_im, stream, stream_len,
					    &(struct mtty_mig_error){ 0 }),
		 "%s: loads", what);
	compare_visible(&src, &dst, what);

	/* What the guest reads next: its unread bytes, in order. */
	for (i = 0; i < 5; i++)
		CHECK_EQ('a' + i, in(&dst, 0, UART_RX),
			 "%s: port 0 unread byte %u", what, i);
	CHECK(!(in(&dst, 0, UART_LSR) & UART_LSR_DR), "%s: then empty", what);
	out(&dst, 0, UART_LCR, UART_LCR_DLAB);
	CHECK_EQ(0x1234, in(&dst, 0, UART_DLL) | in(&dst, 0, UART_DLM) << 8,
		 "%s: divisor kept", what);
	out(&dst, 0, UART_LCR, UART_LCR_WLEN7 | UART_LCR_PARITY);
	CHECK_EQ(0x5a, in(&dst, 0, UART_SCR), "%s: SCR kept", what);
	/* The loop still works after the move. */
	out(&dst, 0, UART_TX, 'z');
	CHECK_EQ('z', in(&dst, 0, UART_RX), "%s: echo after load", what);
	if (nr_ports > 1) {
		CHECK_EQ(UART_LSR_OE, in(&dst, 1, UART_LSR) & UART_LSR_OE,
			 "%s: port 1 overrun kept", what);
		CHECK_EQ(0xc018, cfg_read32(&dst, PCI_BASE_ADDRESS_1) & ~3u,
			 "%s: BAR1 kept", what);
	}
}

/* Sizes: what a card's stream costs, and the documented maximum. */
static void t_sizes(void)
{
	fresh(&src, &src_im, 2);
	save();
	CHECK_EQ(72, stream_len, "idle mtty-2: 72 bytes");
	fresh(&src, &src_im, 1);
	save();
	CHECK_EQ(52, stream_len, "idle mtty-1: 52 bytes");
	busy_source(2);
	for (unsigned int i = 0; i < 16; i++)
		out(&src, 0, UART_TX, 'f');
	save();
	CHECK_EQ(MTTY_MIG_MAX_SIZE, stream_len, "full FIFOs: the maximum, %u",
		 (unsigned int)MTTY_MIG_MAX_SIZE);
	CHECK_EQ(0, mtty_mig_save(&src, &src_im, stream, stream_len - 1),
		 "no room: nothing saved");
}

/*
 * Same state: the same stream (every register, FIFO byte and writable
 * config byte; read-only config bytes never change), the same FIFO ring
 * position and the same interrupt state.
 */
static bool same_state(const struct mtty_card *a,
		       const struct mtty_irqmodel *ia,
		       const struct mtty_card *b,
		       const struct mtty_irqmodel *ib)
{
	static u8 sa[MTTY_MIG_MAX_SIZE], sb[MTTY_MIG_MAX_SIZE];
	unsigned int la = mtty_mig_save(a, ia, sa, sizeof(sa));
	unsigned int lb = mtty_mig_save(b, ib, sb, sizeof(sb));
	bool same = la == lb && !memcmp(sa, sb, la) &&
		    ia->mode == ib->mode && ia->active == ib->active &&
		    ia->stopped == ib->stopped &&
		    ia->intx_masked == ib->intx_masked &&
		    ia->msi_ports == ib->msi_ports;

	for (unsigned int p = 0; p < a->nr_ports; p++)
		same &= a->port[p].rx_head == b->port[p].rx_head;
	return same;
}

/* The destination is untouched: same state as before the attempt. */
static void check_refused(enum mtty_mig_err want, const char *what)
{
	struct mtty_card before;
	struct mtty_irqmodel im_before;
	struct mtty_mig_error err = { 0 };
	enum mtty_mig_err got;

	fresh(&dst, &dst_im, 2);
	out(&dst, 0, UART_SCR, 0x77);
	out(&dst, 0, UART_TX, 'q');
	mtty_irqmodel_wire(&dst_im, &dst, MTTY_IRQ_MSI, true);
	before = dst;
	im_before = dst_im;
	got = mtty_mig_load(&dst, &dst_im, stream, stream_len, &err);
	CHECK_EQ(want, got, "%s: refused as \"%s\" (got \"%s\")", what,
		 mtty_mig_strerror(want), mtty_mig_strerror(got));
	CHECK_EQ(got, err.code, "%s: the error says the same", what);
	CHECK(same_state(&before, &im_before, &dst, &dst_im),
	      "%s: destination unchanged", what);
}

static void t_wrong_type(void)
{
	struct mtty_mig_error err = { 0 };

	busy_source(1);
	save();
	check_refused(MTTY_MIG_ERR_TYPE, "mtty-1 stream into an mtty-2");
	mtty_mig_load(&dst, &dst_im, stream, stream_len, &err);
	CHECK(err.got == 1 && err.want == 2,
	      "wrong type: names 1 port saved, 2 expected (%u, %u)", err.got,
	      err.want);
	CHECK_EQ(MTTY_MIG_ERR_TYPE,
		 mtty_mig_check_header(stream, MTTY_MIG_HEADER_SIZE, 2, &err),
		 "wrong type: seen from the header alone");
	CHECK_EQ(MTTY_MIG_OK,
		 mtty_mig_check_header(stream, MTTY_MIG_HEADER_SIZE, 1, &err),
		 "header of the right type passes the early check");
	CHECK_EQ(MTTY_MIG_ERR_MAGIC,
		 mtty_mig_check_header((const u8 *)"MTTX", 4, 1, &err),
		 "early check: 4 bytes are enough to refuse a bad magic");
}

static void t_truncated_and_long(void)
{
	unsigned int len, full, bad = 0;

	busy_source(2);
	save();
	full = stream_len;
	for (len = 0; len < full; len++) {
		struct mtty_mig_error err;
		struct mtty_card before;

		fresh(&dst, &dst_im, 2);
		before = dst;
		bad += mtty_mig_load(&dst, &dst_im, stream, len, &err) !=
		       MTTY_MIG_ERR_SHORT ||
		       !same_state(&before, &dst_im, &dst, &dst_im);
	}
	CHECK_EQ(0, bad, "each of the %u truncations: \"truncated\", no change",
		 full);
	stream_len = full + 1;
	check_refused(MTTY_MIG_ERR_LONG, "one byte after the trailer");
	stream_len = full;
}

/* Every single-bit flip anywhere is refused, whatever reason it gets. */
static void t_corrupted(void)
{
	unsigned int off, bit, accepted = 0, crc_errors = 0;
	struct mtty_mig_error err;

	busy_source(2);
	save();
	for (off = 0; off < stream_len; off++) {
		for (bit = 0; bit < 8; bit++) {
			stream[off] ^= 1u << bit;
			fresh(&dst, &dst_im, 2);
			switch (mtty_mig_load(&dst, &dst_im, stream, stream_len,
					      &err)) {
			case MTTY_MIG_OK:
				accepted++;
				break;
			case MTTY_MIG_ERR_CRC:
				crc_errors++;
				break;
			default:
				break;
			}
			stream[off] ^= 1u << bit;
		}
	}
	CHECK_EQ(0, accepted, "all %u single-bit flips refused",
		 stream_len * 8);
	CHECK(crc_errors >= (stream_len - MTTY_MIG_HEADER_SIZE) * 8 / 2,
	      "most flips past the header are found by the checksum (%u)",
	      crc_errors);
	stream[stream_len - 1] ^= 0x10;
	check_refused(MTTY_MIG_ERR_CRC, "flipped checksum bit");
}

/* Well-formed and sealed streams carrying what no card can hold. */
static void t_bad_values(void)
{
	unsigned int u0, pci, irq;

	busy_source(2);
	save();
	u0 = section(MTTY_MIG_SEC_UART, 0) + 4;
	pci = section(MTTY_MIG_SEC_PCI, 0) + 4;
	irq = section(MTTY_MIG_SEC_IRQ, 0) + 4;
	CHECK(u0 > 4 && pci > 4 && irq > 4, "sections found");

#define BAD(off, val, code, what) do {					\
		u8 keep = stream[off];					\
		stream[off] = (val);					\
		reseal(stream_len);					\
		check_refused(code, what);				\
		stream[off] = keep;					\
		reseal(stream_len);					\
	} while (0)

	BAD(4, 2, MTTY_MIG_ERR_VERSION, "format version 2");
	BAD(6, 16, MTTY_MIG_ERR_HEADER, "header size 16");
	BAD(9, 5, MTTY_MIG_ERR_HEADER, "5 sections announced");
	BAD(10, 1, MTTY_MIG_ERR_HEADER, "unknown header flag");
	BAD(u0 + 0, 0xf1, MTTY_MIG_ERR_VALUE, "IER with reserved bits");
	BAD(u0 + 1, UART_FCR_R_TRIG_10, MTTY_MIG_ERR_VALUE,
	    "FCR trigger without FIFO enable");
	BAD(u0 + 3, 0xff, MTTY_MIG_ERR_VALUE, "MCR bits 7:5");
	BAD(u0 + 4, UART_LSR_DR, MTTY_MIG_ERR_VALUE, "LSR error byte with DR");
	BAD(u0 + 5, UART_MSR_CTS, MTTY_MIG_ERR_VALUE, "MSR delta with CTS");
	BAD(u0 + 7, 0x02, MTTY_MIG_ERR_VALUE, "unknown UART flag");
	BAD(u0 + 10, 6, MTTY_MIG_ERR_VALUE, "FIFO count disagrees with length");
	BAD(u0 + 11, 1, MTTY_MIG_ERR_VALUE, "reserved UART byte");
	BAD(u0 - 3, 2, MTTY_MIG_ERR_SECTION, "UART instance 2 on mtty-2");
	BAD(u0 - 3, 1, MTTY_MIG_ERR_SECTION, "port 1 before port 0");
	BAD(u0 - 4, 9, MTTY_MIG_ERR_SECTION, "unknown section id");
	BAD(u0 - 4, 0x82, MTTY_MIG_ERR_SECTION, "section id 0x82");
	BAD(pci + 1, 0x80, MTTY_MIG_ERR_VALUE, "command bit 15 (read-only)");
	BAD(pci + 3, 1, MTTY_MIG_ERR_VALUE, "one BAR for a two-BAR card");
	BAD(pci + 4, 0xc010 & 0xfe, MTTY_MIG_ERR_VALUE,
	    "BAR0 without its I/O indicator bit");
	BAD(irq + 0, 3, MTTY_MIG_ERR_VALUE, "interrupt mode 3");
	BAD(irq + 2, 4, MTTY_MIG_ERR_VALUE, "MSI state of a third port");
	BAD(pci - 3, 1, MTTY_MIG_ERR_SECTION, "PCI section instance 1");
#undef BAD

	/* FIFOs off: the 16450-style holding register moves too. */
	fresh(&src, &src_im, 1);
	out(&src, 0, UART_TX, 'h');	/* FIFO off: a one-byte register */
	save();
	u0 = section(MTTY_MIG_SEC_UART, 0) + 4;
	CHECK_EQ(1, stream[u0 + 10], "16450 mode: one byte held");
	fresh(&dst, &dst_im, 1);
	CHECK_EQ(MTTY_MIG_OK, mtty_mig_load(&dst, &dst_im, stream, stream_len,
					    &(struct mtty_mig_error){ 0 }),
		 "16450 mode: loads");
	CHECK_EQ('h', in(&dst, 0, UART_RX), "16450 mode: byte kept");
}

/* A two-byte FIFO claimed while FIFOs are off (needs a longer section). */
static void t_fifo_over_depth(void)
{
	struct mtty_mig_error err;
	unsigned int u0, len, i;

	fresh(&src, &src_im, 1);
	out(&src, 0, UART_TX, 'h');
	save();
	u0 = section(MTTY_MIG_SEC_UART, 0);
	/* Insert one byte after the FIFO's and count it. */
	len = stream_len + 1;
	for (i = stream_len; i > u0 + 4 + 13; i--)
		stream[i] = stream[i - 1];
	stream[u0 + 4 + 13] = 'i';
	stream[u0 + 2] = 14;
	stream[u0 + 4 + 10] = 2;
	reseal(len);
	fresh(&dst, &dst_im, 1);
	CHECK_EQ(MTTY_MIG_ERR_VALUE,
		 mtty_mig_load(&dst, &dst_im, stream, len, &err),
		 "two bytes in a 16450-mode holding register: refused");
}

/*
 * Interrupts: a source that signalled INTx and automasked, or sent an MSI,
 * leaves the port pending; the destination signals it once it runs, and
 * nothing while it is stopped.
 */
static void t_irq_resume(enum mtty_irq_mode mode)
{
	enum mtty_irq_signal want = mode == MTTY_IRQ_INTX ? MTTY_SIGNAL_INTX :
				    MTTY_SIGNAL_MSI;
	const char *name = mode == MTTY_IRQ_INTX ? "INTx" : "MSI";

	fresh(&src, &src_im, 2);
	mtty_irqmodel_wire(&src_im, &src, mode, true);
	out(&src, 0, UART_IER, UART_IER_RDI);
	out(&src, 0, UART_TX, 'p');
	CHECK_EQ(want, mtty_irqmodel_update(&src_im, &src),
		 "%s: source signals the received byte", name);
	mtty_irqmodel_stop(&src_im);
	save();

	fresh(&dst, &dst_im, 2);
	mtty_irqmodel_wire(&dst_im, &dst, mode, true);
	mtty_irqmodel_stop(&dst_im);
	CHECK_EQ(MTTY_MIG_OK, mtty_mig_load(&dst, &dst_im, stream, stream_len,
					    &(struct mtty_mig_error){ 0 }),
		 "%s: loads", name);
	CHECK_EQ(MTTY_SIGNAL_NONE, mtty_irqmodel_update(&dst_im, &dst),
		 "%s: stopped destination signals nothing", name);
	CHECK_EQ(want, mtty_irqmodel_run(&dst_im, &dst),
		 "%s: pending interrupt delivered when it runs", name);
	CHECK_EQ('p', in(&dst, 0, UART_RX), "%s: the byte behind it", name);
}

static void t_stop_run(void)
{
	fresh(&src, &src_im, 1);
	mtty_irqmodel_wire(&src_im, &src, MTTY_IRQ_INTX, true);
	mtty_irqmodel_stop(&src_im);
	out(&src, 0, UART_IER, UART_IER_THRI);
	CHECK_EQ(MTTY_SIGNAL_NONE, mtty_irqmodel_update(&src_im, &src),
		 "stopped: a rising line signals nothing");
	CHECK_EQ(MTTY_SIGNAL_NONE, mtty_irqmodel_soft_trigger(&src_im),
		 "stopped: nor does a software trigger");
	CHECK_EQ(MTTY_SIGNAL_NONE, mtty_irqmodel_intx_unmask(&src_im, &src),
		 "stopped: nor an unmask");
	CHECK_EQ(MTTY_SIGNAL_INTX, mtty_irqmodel_run(&src_im, &src),
		 "running again: the line is signalled");
	CHECK_EQ(MTTY_SIGNAL_NONE, mtty_irqmodel_update(&src_im, &src),
		 "and automasked as usual");
	mtty_irqmodel_stop(&src_im);
	mtty_irqmodel_wire(&src_im, &src, MTTY_IRQ_INTX, false);
	mtty_irqmodel_wire(&src_im, &src, MTTY_IRQ_MSI, true);
	CHECK_EQ(MTTY_SIGNAL_MSI, mtty_irqmodel_run(&src_im, &src),
		 "wiring changed while stopped: the new one is used");
}

/* The checksum is the standard one: its check value, and zlib's of "". */
static void t_crc(void)
{
	CHECK_EQ(0xcbf43926, mtty_mig_crc32((const u8 *)"123456789", 9),
		 "CRC-32 of \"123456789\" is the IEEE check value");
	CHECK_EQ(0, mtty_mig_crc32((const u8 *)"", 0), "CRC-32 of nothing");
}

static void t_strerror(void)
{
	unsigned int code, distinct = 0;

	for (code = MTTY_MIG_OK; code <= MTTY_MIG_ERR_VALUE; code++)
		distinct += strcmp(mtty_mig_strerror(code), "unknown error") != 0 &&
			    (code == MTTY_MIG_OK ||
			     strcmp(mtty_mig_strerror(code),
				    mtty_mig_strerror(code - 1)) != 0);
	CHECK_EQ(MTTY_MIG_ERR_VALUE + 1, distinct, "every error has its text");
}

int main(void)
{
	t_round_trip(1);
	t_round_trip(2);
	t_sizes();
	t_wrong_type();
	t_truncated_and_long();
	t_corrupted();
	t_bad_values();
	t_fifo_over_depth();
	t_irq_resume(MTTY_IRQ_INTX);
	t_irq_resume(MTTY_IRQ_MSI);
	t_stop_run();
	t_crc();
	t_strerror();
	return th_done();
}
