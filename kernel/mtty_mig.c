// SPDX-License-Identifier: GPL-2.0-only
/*
 * The migration stream of an mtty card: framing (header, sections, CRC)
 * around the states the PCI header, the UARTs and the interrupt model save
 * of themselves.  See mtty_mig.h and docs/migration.md.
 */
#include "mtty_mig.h"

static const u8 mtty_mig_magic[4] = { 'M', 'T', 'T', 'Y' };

/* Header fields, by offset. */
enum {
	MTTY_MH_MAGIC = 0,
	MTTY_MH_VERSION = 4,
	MTTY_MH_SIZE = 6,
	MTTY_MH_PORTS = 8,
	MTTY_MH_SECTIONS = 9,
	MTTY_MH_FLAGS = 10,
};

const char *mtty_mig_strerror(enum mtty_mig_err code)
{
	switch (code) {
	case MTTY_MIG_OK:
		return "no error";
	case MTTY_MIG_ERR_SHORT:
		return "truncated stream";
	case MTTY_MIG_ERR_LONG:
		return "bytes after the end of the stream";
	case MTTY_MIG_ERR_MAGIC:
		return "not an mtty migration stream";
	case MTTY_MIG_ERR_VERSION:
		return "unsupported format version";
	case MTTY_MIG_ERR_HEADER:
		return "malformed header";
	case MTTY_MIG_ERR_TYPE:
		return "stream of another device type";
	case MTTY_MIG_ERR_CRC:
		return "checksum mismatch (corrupted stream)";
	case MTTY_MIG_ERR_SECTION:
		return "malformed section";
	case MTTY_MIG_ERR_VALUE:
		return "state the device cannot hold";
	}
	return "unknown error";
}

static u16 mtty_get16(const u8 *p)
{
	return p[0] | (p[1] << 8);
}

static void mtty_put16(u8 *p, u16 v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static u32 mtty_get32(const u8 *p)
{
	return mtty_get16(p) | ((u32)mtty_get16(p + 2) << 16);
}

static void mtty_put32(u8 *p, u32 v)
{
	mtty_put16(p, v & 0xffff);
	mtty_put16(p + 2, v >> 16);
}

/*
 * CRC-32 of IEEE 802.3 (that of zlib and Ethernet), bit by bit: streams
 * are about a hundred bytes and saved once per migration.
 */
u32 mtty_mig_crc32(const u8 *p, unsigned int len)
{
	u32 crc = 0xffffffff;
	unsigned int i, bit;

	for (i = 0; i < len; i++) {
		crc ^= p[i];
		for (bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
	}
	return ~crc;
}

/* Sections of a card: the header, each port, the interrupt state. */
static unsigned int mtty_mig_nr_sections(unsigned int nr_ports)
{
	return 2 + nr_ports;
}

unsigned int mtty_mig_size(const struct mtty_card *card)
{
	unsigned int i, size;

	size = MTTY_MIG_HEADER_SIZE + MTTY_MIG_TRAILER_SIZE +
	       mtty_mig_nr_sections(card->nr_ports) * MTTY_MIG_SECTION_HEAD +
	       MTTY_MIG_PCI_SIZE(card->pci.nr_bars) + MTTY_MIG_IRQ_SIZE;
	for (i = 0; i < card->nr_ports; i++)
		size += mtty_uart_state_size(&card->port[i]);
	return size;
}

void mtty_mig_header(unsigned int nr_ports, u8 *buf)
{
	unsigned int i;

	for (i = 0; i < sizeof(mtty_mig_magic); i++)
		buf[MTTY_MH_MAGIC + i] = mtty_mig_magic[i];
	mtty_put16(buf + MTTY_MH_VERSION, MTTY_MIG_VERSION);
	mtty_put16(buf + MTTY_MH_SIZE, MTTY_MIG_HEADER_SIZE);
	buf[MTTY_MH_PORTS] = nr_ports;
	buf[MTTY_MH_SECTIONS] = mtty_mig_nr_sections(nr_ports);
	mtty_put16(buf + MTTY_MH_FLAGS, 0);
}

/* Start a section at @p: its head; returns where its payload goes. */
static u8 *mtty_mig_section(u8 *p, u8 id, u8 instance, unsigned int len)
{
	p[0] = id;
	p[1] = instance;
	mtty_put16(p + 2, len);
	return p + MTTY_MIG_SECTION_HEAD;
}

unsigned int mtty_mig_save(const struct mtty_card *card,
			   const struct mtty_irqmodel *im, u8 *buf,
			   unsigned int room)
{
	unsigned int i, len, size = mtty_mig_size(card);
	u8 *p = buf;

	if (room < size)
		return 0;
	mtty_mig_header(card->nr_ports, p);
	p += MTTY_MIG_HEADER_SIZE;

	len = MTTY_MIG_PCI_SIZE(card->pci.nr_bars);
	p = mtty_mig_section(p, MTTY_MIG_SEC_PCI, 0, len);
	mtty_pci_save(&card->pci, p);
	p += len;

	for (i = 0; i < card->nr_ports; i++) {
		len = mtty_uart_state_size(&card->port[i]);
		p = mtty_mig_section(p, MTTY_MIG_SEC_UART, i, len);
		mtty_uart_save(&card->port[i], p);
		p += len;
	}

	p = mtty_mig_section(p, MTTY_MIG_SEC_IRQ, 0, MTTY_MIG_IRQ_SIZE);
	mtty_irqmodel_save(im, p);
	p += MTTY_MIG_IRQ_SIZE;

	mtty_put32(p, mtty_mig_crc32(buf, p - buf));
	return size;
}

static enum mtty_mig_err mtty_mig_fail(struct mtty_mig_error *err,
				       enum mtty_mig_err code, u32 offset,
				       u32 got, u32 want)
{
	*err = (struct mtty_mig_error){ .code = code, .offset = offset,
					.got = got, .want = want };
	return code;
}

enum mtty_mig_err mtty_mig_check_header(const u8 *buf, unsigned int len,
					unsigned int nr_ports,
					struct mtty_mig_error *err)
{
	u8 want[MTTY_MIG_HEADER_SIZE];
	unsigned int i;

	mtty_mig_header(nr_ports, want);
	for (i = 0; i < sizeof(mtty_mig_magic) && i < len; i++)
		if (buf[i] != want[i])
			return mtty_mig_fail(err, MTTY_MIG_ERR_MAGIC, i,
					     buf[i], want[i]);
	/* A newer format is refused by its number, whatever follows it. */
	if (len >= MTTY_MH_VERSION + 2 &&
	    mtty_get16(buf + MTTY_MH_VERSION) != MTTY_MIG_VERSION)
		return mtty_mig_fail(err, MTTY_MIG_ERR_VERSION, MTTY_MH_VERSION,
				     mtty_get16(buf + MTTY_MH_VERSION),
				     MTTY_MIG_VERSION);
	if (len >= MTTY_MH_SIZE + 2 &&
	    mtty_get16(buf + MTTY_MH_SIZE) != MTTY_MIG_HEADER_SIZE)
		return mtty_mig_fail(err, MTTY_MIG_ERR_HEADER, MTTY_MH_SIZE,
				     mtty_get16(buf + MTTY_MH_SIZE),
				     MTTY_MIG_HEADER_SIZE);
	if (len > MTTY_MH_PORTS && buf[MTTY_MH_PORTS] != nr_ports)
		return mtty_mig_fail(err, MTTY_MIG_ERR_TYPE, MTTY_MH_PORTS,
				     buf[MTTY_MH_PORTS], nr_ports);
	if (len > MTTY_MH_SECTIONS &&
	    buf[MTTY_MH_SECTIONS] != want[MTTY_MH_SECTIONS])
		return mtty_mig_fail(err, MTTY_MIG_ERR_HEADER, MTTY_MH_SECTIONS,
				     buf[MTTY_MH_SECTIONS],
				     want[MTTY_MH_SECTIONS]);
	if (len >= MTTY_MH_FLAGS + 2 && mtty_get16(buf + MTTY_MH_FLAGS))
		return mtty_mig_fail(err, MTTY_MIG_ERR_HEADER, MTTY_MH_FLAGS,
				     mtty_get16(buf + MTTY_MH_FLAGS), 0);
	return MTTY_MIG_OK;
}

/*
 * Load the @i-th section, at @offset of the stream, into @card and @im
 * (scratch copies).  Version 1 has no optional section and a fixed order:
 * the PCI header, each port in turn, the interrupt state.
 */
static enum mtty_mig_err mtty_mig_load_section(struct mtty_card *card,
					       struct mtty_irqmodel *im,
					       const u8 *head, u32 offset,
					       unsigned int i,
					       struct mtty_mig_error *err)
{
	unsigned int len = mtty_get16(head + 2), want;
	const u8 *payload = head + MTTY_MIG_SECTION_HEAD;
	u8 id, instance = 0;

	if (!i) {
		id = MTTY_MIG_SEC_PCI;
		want = MTTY_MIG_PCI_SIZE(card->pci.nr_bars);
	} else if (i <= card->nr_ports) {
		id = MTTY_MIG_SEC_UART;
		instance = i - 1;
		/* Its FIFO's bytes follow; mtty_uart_load() counts them. */
		want = len < MTTY_MIG_UART_SIZE(0) ? MTTY_MIG_UART_SIZE(0) : len;
	} else {
		id = MTTY_MIG_SEC_IRQ;
		want = MTTY_MIG_IRQ_SIZE;
	}
	if (head[0] != id)
		return mtty_mig_fail(err, MTTY_MIG_ERR_SECTION, offset, head[0],
				     id);
	if (head[1] != instance)
		return mtty_mig_fail(err, MTTY_MIG_ERR_SECTION, offset + 1,
				     head[1], instance);
	if (len != want)
		return mtty_mig_fail(err, MTTY_MIG_ERR_SECTION, offset + 2, len,
				     want);

	offset += MTTY_MIG_SECTION_HEAD;
	switch (id) {
	case MTTY_MIG_SEC_PCI:
		if (!mtty_pci_load(&card->pci, payload))
			return mtty_mig_fail(err, MTTY_MIG_ERR_VALUE, offset,
					     id, 0);
		break;
	case MTTY_MIG_SEC_UART:
		if (!mtty_uart_load(&card->port[instance], payload, len))
			return mtty_mig_fail(err, MTTY_MIG_ERR_VALUE, offset,
					     id, instance);
		break;
	default:
		if (!mtty_irqmodel_state_valid(payload, card->nr_ports))
			return mtty_mig_fail(err, MTTY_MIG_ERR_VALUE, offset,
					     id, 0);
		mtty_irqmodel_resume(im);
		break;
	}
	return MTTY_MIG_OK;
}

enum mtty_mig_err mtty_mig_load(struct mtty_card *card,
				struct mtty_irqmodel *im, const u8 *buf,
				unsigned int len, struct mtty_mig_error *err)
{
	struct mtty_card c = *card;
	struct mtty_irqmodel m = *im;
	unsigned int i, off = MTTY_MIG_HEADER_SIZE;

	if (len < MTTY_MIG_HEADER_SIZE)
		return mtty_mig_fail(err, MTTY_MIG_ERR_SHORT, len, len,
				     MTTY_MIG_HEADER_SIZE);
	if (mtty_mig_check_header(buf, len, card->nr_ports, err))
		return err->code;

	for (i = 0; i < buf[MTTY_MH_SECTIONS]; i++) {
		if (len - off < MTTY_MIG_SECTION_HEAD ||
		    len - off - MTTY_MIG_SECTION_HEAD <
		    mtty_get16(buf + off + 2))
			return mtty_mig_fail(err, MTTY_MIG_ERR_SHORT, len, len,
					     off + MTTY_MIG_SECTION_HEAD);
		off += MTTY_MIG_SECTION_HEAD + mtty_get16(buf + off + 2);
	}
	if (len - off < MTTY_MIG_TRAILER_SIZE)
		return mtty_mig_fail(err, MTTY_MIG_ERR_SHORT, len, len,
				     off + MTTY_MIG_TRAILER_SIZE);
	if (len - off > MTTY_MIG_TRAILER_SIZE)
		return mtty_mig_fail(err, MTTY_MIG_ERR_LONG,
				     off + MTTY_MIG_TRAILER_SIZE, len,
				     off + MTTY_MIG_TRAILER_SIZE);
	/*
	 * The checksum is verified before any section's values are looked
	 * at, so that a corrupted byte is reported as corruption.
	 */
	if (mtty_get32(buf + off) != mtty_mig_crc32(buf, off))
		return mtty_mig_fail(err, MTTY_MIG_ERR_CRC, off,
				     mtty_get32(buf + off),
				     mtty_mig_crc32(buf, off));

	for (off = MTTY_MIG_HEADER_SIZE, i = 0; i < buf[MTTY_MH_SECTIONS];
	     i++) {
		if (mtty_mig_load_section(&c, &m, buf + off, off, i, err))
			return err->code;
		off += MTTY_MIG_SECTION_HEAD + mtty_get16(buf + off + 2);
	}

	*card = c;
	*im = m;
	*err = (struct mtty_mig_error){ .code = MTTY_MIG_OK };
	return MTTY_MIG_OK;
}
