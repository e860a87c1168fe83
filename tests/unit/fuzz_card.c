// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz harness for the mtty card model: runs the operations encoded in the
 * input (see fuzz_card.h) and checks the model's invariants after each.
 *
 * Unlike the unit tests this reads one internal field, the receive count
 * of each UART, because "never more than 16 bytes" is an invariant of the
 * state itself; everything else is observed through the access functions,
 * on a copy of the card wherever a read has side effects.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/pci_regs.h>
#include <linux/serial_reg.h>

#include "fuzz_card.h"
#include "mtty_card.h"
#include "mtty_irqmodel.h"
#include "mtty_mig.h"

#define IIR_FIFO_BITS	0xc0
#define LSR_IDLE	(UART_LSR_TEMT | UART_LSR_THRE)

struct fz {
	const uint8_t *data;
	size_t size;
	size_t pos;

	struct mtty_card card;
	/* The interrupt decisions, updated after every op as the driver does. */
	struct mtty_irqmodel irq;
	/* Config space right after the last init, for the read-only bytes. */
	u8 pristine[MTTY_PCI_CONFIG_SIZE];
	/* FCR bit 0 as last written: FCR cannot be read back. */
	bool fifo_on[MTTY_MAX_PORTS];
	unsigned long op;
};

/* Everything software can observe, read from a scratch copy. */
struct fz_view {
	u8 cfg[MTTY_PCI_CONFIG_SIZE];
	unsigned int irq_ports;
	bool intx;
	struct {
		u8 ier, iir, lcr, mcr, lsr, msr, scr, dll, dlm;
		u8 rx[MTTY_UART_FIFO_SIZE + 1];
		unsigned int rx_len;
	} port[MTTY_MAX_PORTS];
};

__attribute__((noreturn, format(printf, 2, 3)))
static void fz_fail(const struct fz *f, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_card: invariant violated after op %lu: ", f->op);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

#define FZ_EXPECT(f, cond, ...) \
	do { \
		if (!(cond)) \
			fz_fail((f), __VA_ARGS__); \
	} while (0)

static u8 fz_byte(struct fz *f)
{
	return f->pos < f->size ? f->data[f->pos++] : 0;
}

/* Mostly inside the header, sometimes past it, rarely far past it. */
static unsigned int fz_cfg_off(struct fz *f)
{
	unsigned int v = fz_byte(f);

	v |= (unsigned int)fz_byte(f) << 8;
	if (v == 0xffff)
		return UINT_MAX;
	if (v & 0x8000)
		return v & 0x7fff;
	return v & 0xff;
}

static unsigned int fz_bar(struct fz *f)
{
	u8 b = fz_byte(f);

	if (b == 0xff)
		return UINT_MAX;
	return b & 0x80 ? b : b & 7;
}

static unsigned int fz_reg(struct fz *f)
{
	u8 r = fz_byte(f);

	if (r == 0xff)
		return UINT_MAX;
	return r & 0x80 ? r : r & 7;
}

/*
 * Bytes software may change.  Cache line size and latency timer are
 * optional in the PCI spec, so they may be either.
 */
static bool fz_may_change(unsigned int off, unsigned int nr_ports)
{
	return off == PCI_COMMAND || off == PCI_COMMAND + 1 ||
	       off == PCI_CACHE_LINE_SIZE || off == PCI_LATENCY_TIMER ||
	       (off >= PCI_BASE_ADDRESS_0 &&
		off < PCI_BASE_ADDRESS_0 + 4 * nr_ports) ||
	       off == PCI_INTERRUPT_LINE;
}

static void fz_view(const struct mtty_card *card, struct fz_view *v)
{
	static struct mtty_card c;

	memset(v, 0, sizeof(*v));
	mtty_card_config_read(card, 0, v->cfg, MTTY_PCI_CONFIG_SIZE);
	v->irq_ports = mtty_card_irq_ports(card);
	v->intx = mtty_card_intx_level(card);
	for (unsigned int n = 0; n < card->nr_ports; n++) {
		u8 lcr;

		c = *card;
		v->port[n].iir = mtty_card_bar_read(&c, n, UART_IIR);
		v->port[n].lsr = mtty_card_bar_read(&c, n, UART_LSR);
		v->port[n].msr = mtty_card_bar_read(&c, n, UART_MSR);
		v->port[n].mcr = mtty_card_bar_read(&c, n, UART_MCR);
		v->port[n].scr = mtty_card_bar_read(&c, n, UART_SCR);
		lcr = mtty_card_bar_read(&c, n, UART_LCR);
		v->port[n].lcr = lcr;
		mtty_card_bar_write(&c, n, UART_LCR, lcr | UART_LCR_DLAB);
		v->port[n].dll = mtty_card_bar_read(&c, n, UART_DLL);
		v->port[n].dlm = mtty_card_bar_read(&c, n, UART_DLM);
		mtty_card_bar_write(&c, n, UART_LCR, lcr & ~UART_LCR_DLAB);
		v->port[n].ier = mtty_card_bar_read(&c, n, UART_IER);
		while (v->port[n].rx_len <= MTTY_UART_FIFO_SIZE &&
		       (mtty_card_bar_read(&c, n, UART_LSR) & UART_LSR_DR))
			v->port[n].rx[v->port[n].rx_len++] =
				mtty_card_bar_read(&c, n, UART_RX);
	}
}

static void fz_check_port(struct fz *f, const struct fz_view *v,
			  unsigned int n)
{
	const struct mtty_uart *u = &f->card.port[n];
	u8 iir = mtty_uart_iir(u), id = iir & 0x0f, lsr = v->port[n].lsr;
	unsigned int count = u->rx_count, trig = mtty_uart_rx_trigger(u);

	FZ_EXPECT(f, count <= MTTY_UART_FIFO_SIZE, "port %u rx_count %u", n,
		  count);
	FZ_EXPECT(f, v->port[n].rx_len == count,
		  "port %u drains %u bytes, rx_count %u", n, v->port[n].rx_len,
		  count);
	FZ_EXPECT(f, f->fifo_on[n] || count <= 1,
		  "port %u holds %u bytes with FIFOs off", n, count);
	FZ_EXPECT(f, !!(lsr & UART_LSR_DR) == (count > 0),
		  "port %u LSR 0x%02x with %u bytes", n, lsr, count);
	FZ_EXPECT(f, (lsr & LSR_IDLE) == LSR_IDLE, "port %u LSR 0x%02x", n,
		  lsr);
	FZ_EXPECT(f, !(lsr & (UART_LSR_FIFOE | UART_LSR_BI | UART_LSR_FE |
			      UART_LSR_PE)),
		  "port %u LSR 0x%02x has errors loopback cannot make", n, lsr);

	FZ_EXPECT(f, v->port[n].iir == iir,
		  "port %u IIR read 0x%02x, mtty_uart_iir 0x%02x", n,
		  v->port[n].iir, iir);
	FZ_EXPECT(f, (iir & IIR_FIFO_BITS) ==
		  (f->fifo_on[n] ? IIR_FIFO_BITS : 0),
		  "port %u IIR 0x%02x, FIFOs %s", n, iir,
		  f->fifo_on[n] ? "on" : "off");
	FZ_EXPECT(f, !(iir & 0x30), "port %u IIR 0x%02x bits 5:4", n, iir);
	FZ_EXPECT(f, id == UART_IIR_NO_INT || id == UART_IIR_MSI ||
		  id == UART_IIR_THRI || id == UART_IIR_RDI ||
		  id == UART_IIR_RLSI ||
		  (id == UART_IIR_RX_TIMEOUT && f->fifo_on[n]),
		  "port %u IIR 0x%02x not a 16550A code", n, iir);
	FZ_EXPECT(f, !(iir & UART_IIR_NO_INT) == mtty_uart_irq_pending(u),
		  "port %u IIR 0x%02x vs irq_pending", n, iir);
	FZ_EXPECT(f, !(iir & UART_IIR_NO_INT) ==
		  !!(v->irq_ports & (1u << n)),
		  "port %u IIR 0x%02x vs irq_ports 0x%x", n, iir, v->irq_ports);
	FZ_EXPECT(f, trig == 1 || trig == 4 || trig == 8 || trig == 14,
		  "port %u trigger %u", n, trig);
	if ((v->port[n].ier & UART_IER_RDI) && count)
		FZ_EXPECT(f, id == UART_IIR_RLSI || id ==
			  (count < trig ? UART_IIR_RX_TIMEOUT : UART_IIR_RDI),
			  "port %u IIR 0x%02x with %u bytes, trigger %u", n,
			  iir, count, trig);

	FZ_EXPECT(f, !(v->port[n].ier & 0xf0), "port %u IER 0x%02x", n,
		  v->port[n].ier);
	FZ_EXPECT(f, !(v->port[n].mcr & 0xe0), "port %u MCR 0x%02x", n,
		  v->port[n].mcr);
}

static void fz_check(struct fz *f)
{
	static struct fz_view v;
	const struct mtty_card *card = &f->card;
	unsigned int nr = card->nr_ports;
	u16 cmd;

	FZ_EXPECT(f, nr == 1 || nr == 2, "nr_ports %u", nr);
	fz_view(card, &v);

	for (unsigned int n = 0; n < nr; n++)
		fz_check_port(f, &v, n);
	FZ_EXPECT(f, !(v.irq_ports >> nr), "irq_ports 0x%x, %u ports",
		  v.irq_ports, nr);

	for (unsigned int off = 0; off < MTTY_PCI_CONFIG_SIZE; off++) {
		u8 want = f->pristine[off], got = v.cfg[off];

		if (off == PCI_STATUS)
			want |= v.irq_ports ? PCI_STATUS_INTERRUPT : 0;
		if (!fz_may_change(off, nr))
			FZ_EXPECT(f, got == want,
				  "config 0x%02x is 0x%02x, expected 0x%02x",
				  off, got, want);
	}
	cmd = (u16)(v.cfg[PCI_COMMAND] | v.cfg[PCI_COMMAND + 1] << 8);
	FZ_EXPECT(f, !(cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_INTX_DISABLE)),
		  "command 0x%04x", cmd);
	FZ_EXPECT(f, cmd == mtty_pci_command(&card->pci),
		  "command 0x%04x, mtty_pci_command 0x%04x", cmd,
		  mtty_pci_command(&card->pci));
	for (unsigned int bar = 0; bar < nr; bar++)
		FZ_EXPECT(f, (v.cfg[PCI_BASE_ADDRESS_0 + 4 * bar] & 0x07) ==
			  PCI_BASE_ADDRESS_SPACE_IO, "BAR%u low byte 0x%02x",
			  bar, v.cfg[PCI_BASE_ADDRESS_0 + 4 * bar]);
	FZ_EXPECT(f, v.intx == (v.irq_ports &&
				!(cmd & PCI_COMMAND_INTX_DISABLE)),
		  "INTx %d, irq_ports 0x%x, command 0x%04x", v.intx,
		  v.irq_ports, cmd);
}

/* Accesses the card must ignore leave every observable value alone. */
static void fz_check_unchanged(struct fz *f, const struct fz_view *before,
			       const char *what)
{
	static struct fz_view after;

	fz_view(&f->card, &after);
	FZ_EXPECT(f, memcmp(before, &after, sizeof(after)) == 0,
		  "%s changed the card", what);
}

static bool fz_bar_valid(const struct fz *f, unsigned int bar,
			 unsigned int reg)
{
	return bar < f->card.nr_ports && reg < MTTY_UART_NR_REGS;
}

static void fz_init(struct fz *f, unsigned int nr_ports)
{
	memset(&f->card, 0xa5, sizeof(f->card));
	mtty_card_init(&f->card, nr_ports);
	memset(&f->irq, 0xa5, sizeof(f->irq));
	mtty_irqmodel_init(&f->irq);
	for (unsigned int off = 0; off < MTTY_PCI_CONFIG_SIZE; off++)
		mtty_card_config_read(&f->card, off, &f->pristine[off], 1);
	memset(f->fifo_on, 0, sizeof(f->fifo_on));
}

static void fz_reset(struct fz *f)
{
	mtty_card_reset(&f->card);
	mtty_irqmodel_reset(&f->irq);
	memset(f->fifo_on, 0, sizeof(f->fifo_on));
}

static void fz_bar_write(struct fz *f, unsigned int bar, unsigned int reg,
			 u8 val)
{
	static struct fz_view before;
	bool valid = fz_bar_valid(f, bar, reg);

	if (!valid)
		fz_view(&f->card, &before);
	mtty_card_bar_write(&f->card, bar, reg, val);
	if (!valid)
		fz_check_unchanged(f, &before, "write to absent BAR register");
	else if (reg == UART_FCR)
		f->fifo_on[bar] = val & UART_FCR_ENABLE_FIFO;
}

/* A block read equals byte reads; bytes past the header read 0xff. */
static void fz_cfg_read(struct fz *f, unsigned int off, unsigned int len)
{
	u8 block[4], byte;

	if (off > UINT_MAX - len)	/* no wrap to 0 */
		len = 1;
	mtty_card_config_read(&f->card, off, block, len);
	for (unsigned int i = 0; i < len; i++) {
		mtty_card_config_read(&f->card, off + i, &byte, 1);
		FZ_EXPECT(f, block[i] == byte,
			  "config block read 0x%x+%u: 0x%02x, byte 0x%02x",
			  off, i, block[i], byte);
		if (off + i >= MTTY_PCI_CONFIG_SIZE)
			FZ_EXPECT(f, byte == 0xff, "config read 0x%x: 0x%02x",
				  off + i, byte);
	}
}

static const char *const fz_signal_name[] = { "none", "INTx", "MSI" };

static void fz_expect_signal(struct fz *f, enum mtty_irq_signal want,
			     enum mtty_irq_signal got, const char *what)
{
	FZ_EXPECT(f, want == got, "%s signalled %s, expected %s", what,
		  fz_signal_name[got], fz_signal_name[want]);
}

/*
 * The driver's update after an access: INTx signals a line that is high
 * and not masked, and masks it; MSI signals ports that start requesting.
 */
static void fz_irq_update(struct fz *f)
{
	struct mtty_irqmodel prev = f->irq;
	enum mtty_irq_signal want = MTTY_SIGNAL_NONE, got;
	unsigned int ports = mtty_card_irq_ports(&f->card);

	got = mtty_irqmodel_update(&f->irq, &f->card);
	if (prev.mode == MTTY_IRQ_INTX && !prev.intx_masked &&
	    mtty_card_intx_level(&f->card))
		want = MTTY_SIGNAL_INTX;
	else if (prev.mode == MTTY_IRQ_MSI && (ports & ~prev.msi_ports))
		want = MTTY_SIGNAL_MSI;
	fz_expect_signal(f, want, got, "update");
	FZ_EXPECT(f, f->irq.mode == prev.mode, "update changed the mode");
}

/* Set (bit 1) or clear the trigger of INTx or MSI (bit 0). */
static void fz_irq_wire(struct fz *f, u8 arg)
{
	enum mtty_irq_mode mode = arg & 1 ? MTTY_IRQ_MSI : MTTY_IRQ_INTX;
	struct mtty_irqmodel prev = f->irq;
	bool on = arg & 2, may = mtty_irqmodel_may_wire(&f->irq, mode);
	enum mtty_irq_signal got, want = MTTY_SIGNAL_NONE;

	got = mtty_irqmodel_wire(&f->irq, &f->card, mode, on);
	if (on && !may) {
		FZ_EXPECT(f, !memcmp(&prev, &f->irq, sizeof(prev)),
			  "refused wiring changed the model");
	} else if (on) {
		FZ_EXPECT(f, f->irq.mode == mode, "wired mode %u is %u", mode,
			  f->irq.mode);
		if (mode == MTTY_IRQ_INTX && mtty_card_intx_level(&f->card))
			want = MTTY_SIGNAL_INTX;
		if (mode == MTTY_IRQ_MSI && mtty_card_irq_ports(&f->card))
			want = MTTY_SIGNAL_MSI;
	} else {
		FZ_EXPECT(f, f->irq.mode == (prev.mode == mode ?
					     MTTY_IRQ_NONE : prev.mode),
			  "clearing mode %u left %u (was %u)", mode,
			  f->irq.mode, prev.mode);
	}
	fz_expect_signal(f, want, got, "wire");
}

/* What user space does with a wired interrupt: mask, unmask, trigger. */
static void fz_irq_user(struct fz *f, u8 arg)
{
	struct mtty_irqmodel prev = f->irq;
	bool intx = prev.mode == MTTY_IRQ_INTX;
	bool level = mtty_card_intx_level(&f->card);
	enum mtty_irq_signal got, want = MTTY_SIGNAL_NONE;

	switch (arg % 3) {
	case 0:
		mtty_irqmodel_intx_mask(&f->irq);
		FZ_EXPECT(f, f->irq.intx_masked == intx, "mask in mode %u",
			  prev.mode);
		break;
	case 1:
		got = mtty_irqmodel_intx_unmask(&f->irq, &f->card);
		if (intx && level)
			want = MTTY_SIGNAL_INTX;
		fz_expect_signal(f, want, got, "unmask");
		FZ_EXPECT(f, f->irq.intx_masked == (intx && level),
			  "unmask left masked %d, line %d", f->irq.intx_masked,
			  level);
		break;
	default:
		got = mtty_irqmodel_soft_trigger(&f->irq);
		if (intx)
			want = MTTY_SIGNAL_INTX;
		else if (prev.mode == MTTY_IRQ_MSI)
			want = MTTY_SIGNAL_MSI;
		fz_expect_signal(f, want, got, "software trigger");
		FZ_EXPECT(f, f->irq.intx_masked == intx,
			  "software trigger: masked %d", f->irq.intx_masked);
		break;
	}
	FZ_EXPECT(f, f->irq.mode == prev.mode, "user action changed the mode");
}

/*
 * After the driver's update: state that only its mode may hold, and
 * nothing left to signal on a second look.
 */
static void fz_check_irq(struct fz *f)
{
	struct mtty_irqmodel again = f->irq;
	const struct mtty_irqmodel *im = &f->irq;

	FZ_EXPECT(f, im->mode == MTTY_IRQ_NONE || im->mode == MTTY_IRQ_INTX ||
		  im->mode == MTTY_IRQ_MSI, "mode %u", im->mode);
	FZ_EXPECT(f, im->mode == MTTY_IRQ_INTX || !im->intx_masked,
		  "INTx masked in mode %u", im->mode);
	if (im->mode == MTTY_IRQ_MSI)
		FZ_EXPECT(f, im->msi_ports == mtty_card_irq_ports(&f->card),
			  "MSI ports 0x%x, requesting 0x%x", im->msi_ports,
			  mtty_card_irq_ports(&f->card));
	else
		FZ_EXPECT(f, !im->msi_ports, "MSI ports 0x%x in mode %u",
			  im->msi_ports, im->mode);
	if (im->mode == MTTY_IRQ_INTX && mtty_card_intx_level(&f->card))
		FZ_EXPECT(f, im->intx_masked, "INTx high, not signalled");
	fz_expect_signal(f, MTTY_SIGNAL_NONE,
			 mtty_irqmodel_update(&again, &f->card),
			 "second update");
	FZ_EXPECT(f, !memcmp(&again, im, sizeof(again)),
		  "second update changed the model");
}

/* FCR cannot be read back: after a load, IIR's FIFO bits tell. */
static void fz_fifo_from_iir(struct fz *f)
{
	struct mtty_card copy = f->card;

	for (unsigned int p = 0; p < MTTY_MAX_PORTS; p++)
		f->fifo_on[p] = p < copy.nr_ports &&
				(mtty_card_bar_read(&copy, p, UART_IIR) &
				 IIR_FIFO_BITS) == IIR_FIFO_BITS;
}

/*
 * Migrate: save, load into a fresh card of the same type whose user wired
 * the same interrupt, and go on with the destination, which must read the
 * same as the source everywhere.
 */
static void fz_migrate(struct fz *f)
{
	static u8 buf[MTTY_MIG_MAX_SIZE];
	static struct fz_view src, dst;
	static struct mtty_card card;
	struct mtty_irqmodel im;
	struct mtty_mig_error err;
	unsigned int len;

	len = mtty_mig_save(&f->card, &f->irq, buf, sizeof(buf));
	FZ_EXPECT(f, len && len == mtty_mig_size(&f->card),
		  "saved %u bytes, size says %u", len,
		  mtty_mig_size(&f->card));
	mtty_card_init(&card, f->card.nr_ports);
	mtty_irqmodel_init(&im);
	mtty_irqmodel_wire(&im, &card, f->irq.mode, true);
	FZ_EXPECT(f, mtty_mig_load(&card, &im, buf, len, &err) == MTTY_MIG_OK,
		  "own stream refused: %s at byte %u",
		  mtty_mig_strerror(err.code), err.offset);
	fz_view(&f->card, &src);
	fz_view(&card, &dst);
	FZ_EXPECT(f, !memcmp(&src, &dst, sizeof(src)),
		  "destination reads differently");
	FZ_EXPECT(f, im.mode == f->irq.mode && !im.intx_masked &&
		  !im.msi_ports, "destination interrupt state not fresh");
	f->card = card;
	f->irq = im;
}

/*
 * Load a damaged stream of the card into it: @arg bit 0 makes the checksum
 * right again, bit 1 truncates; then (arg >> 2) & 7 bytes are replaced.
 * A refused stream changes nothing; an accepted one saves back the same.
 */
static void fz_load_damaged(struct fz *f, u8 arg)
{
	static u8 buf[MTTY_MIG_MAX_SIZE + 8], again[MTTY_MIG_MAX_SIZE];
	struct mtty_card before = f->card;
	struct mtty_irqmodel im_before = f->irq;
	struct mtty_mig_error err;
	unsigned int len, n;

	len = mtty_mig_save(&f->card, &f->irq, buf, sizeof(buf));
	if (arg & 2)
		len = fz_byte(f) % (len + 8);
	for (n = (arg >> 2) & 7; n; n--) {
		unsigned int pos = fz_byte(f) % (len ? len : 1);

		buf[pos] = fz_byte(f);
	}
	if ((arg & 1) && len >= MTTY_MIG_TRAILER_SIZE) {
		u32 crc = mtty_mig_crc32(buf, len - MTTY_MIG_TRAILER_SIZE);

		for (n = 0; n < 4; n++)
			buf[len - MTTY_MIG_TRAILER_SIZE + n] = crc >> (8 * n);
	}
	if (mtty_mig_load(&f->card, &f->irq, buf, len, &err) != MTTY_MIG_OK) {
		FZ_EXPECT(f, err.code != MTTY_MIG_OK, "refusal without reason");
		FZ_EXPECT(f, !memcmp(&before, &f->card, sizeof(before)) &&
			  !memcmp(&im_before, &f->irq, sizeof(im_before)),
			  "refused stream (%s) changed the card",
			  mtty_mig_strerror(err.code));
		return;
	}
	/* The card part (all but the interrupt section) is canonical. */
	n = mtty_mig_save(&f->card, &f->irq, again, sizeof(again));
	FZ_EXPECT(f, n == len && !memcmp(buf, again, len - 12),
		  "accepted stream does not save back the same");
	FZ_EXPECT(f, f->irq.mode == im_before.mode,
		  "a stream changed the interrupt wiring");
	fz_fifo_from_iir(f);
}

static void fz_op(struct fz *f)
{
	static struct fz_view before;
	unsigned int off, bar, reg, n;
	u8 val;

	switch (fz_byte(f) % 12) {
	case 0:
		fz_init(f, 1 + (fz_byte(f) & 1));
		break;
	case 1:
		off = fz_cfg_off(f);
		fz_cfg_read(f, off, 1 + (fz_byte(f) & 3));
		break;
	case 2:
		off = fz_cfg_off(f);
		val = fz_byte(f);
		if (off >= MTTY_PCI_CONFIG_SIZE)
			fz_view(&f->card, &before);
		mtty_card_config_write(&f->card, off, val);
		if (off >= MTTY_PCI_CONFIG_SIZE)
			fz_check_unchanged(f, &before, "config write past 255");
		break;
	case 3:
		bar = fz_bar(f);
		reg = fz_reg(f);
		if (!fz_bar_valid(f, bar, reg))
			fz_view(&f->card, &before);
		val = mtty_card_bar_read(&f->card, bar, reg);
		if (!fz_bar_valid(f, bar, reg)) {
			FZ_EXPECT(f, val == 0xff, "BAR %u reg 0x%x read 0x%02x",
				  bar, reg, val);
			fz_check_unchanged(f, &before, "read of absent BAR "
					   "register");
		} else if (reg == UART_LSR) {
			FZ_EXPECT(f, (val & LSR_IDLE) == LSR_IDLE,
				  "BAR %u LSR read 0x%02x", bar, val);
		}
		break;
	case 4:
		bar = fz_bar(f);
		reg = fz_reg(f);
		fz_bar_write(f, bar, reg, fz_byte(f));
		break;
	case 5:
		fz_reset(f);
		break;
	case 6:
		bar = fz_bar(f);
		n = fz_byte(f) & 31;
		val = fz_byte(f);
		for (unsigned int i = 0; i < n; i++)
			fz_bar_write(f, bar, UART_TX, (u8)(val + i));
		break;
	case 8:
		fz_irq_wire(f, fz_byte(f));
		break;
	case 9:
		fz_irq_user(f, fz_byte(f));
		break;
	case 10:
		fz_migrate(f);
		break;
	case 11:
		fz_load_damaged(f, fz_byte(f));
		break;
	case 7:
		off = fz_cfg_off(f);
		off = off == UINT_MAX ? off : off & ~3u;
		for (unsigned int i = 0; i < 4; i++) {
			val = fz_byte(f);
			if (off + i < off)	/* UINT_MAX: no wrap to 0 */
				break;
			if (off + i >= MTTY_PCI_CONFIG_SIZE)
				fz_view(&f->card, &before);
			mtty_card_config_write(&f->card, off + i, val);
			if (off + i >= MTTY_PCI_CONFIG_SIZE)
				fz_check_unchanged(f, &before,
						   "config write past 255");
		}
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz f;

	f.data = data;
	f.size = size;
	f.pos = 0;
	f.op = 0;
	fz_init(&f, 1 + (fz_byte(&f) & 1));
	fz_check(&f);
	fz_check_irq(&f);
	while (f.pos < f.size) {
		f.op++;
		fz_op(&f);
		fz_irq_update(&f);
		fz_check(&f);
		fz_check_irq(&f);
	}
	return 0;
}
