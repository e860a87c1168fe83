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
 * CRC-32 of IEEE 802.3 (that of zlib and Ethernet), reflected polynomial
 * 0xedb88320, a byte at a time.  The table is the usual one, entry i being
 * the CRC of the byte i; the unit tests check the result against the
 * standard check value.  Written out rather than generated at run time:
 * the model has no init hook, and computing it per call would cost more
 * than the stream it checks.
 */
static const u32 mtty_mig_crc_table[256] = {
	0x00000000, 0x77073096, 0xee0e612c, 0x990951ba,
	0x076dc419, 0x706af48f, 0xe963a535, 0x9e6495a3,
	0x0edb8832, 0x79dcb8a4, 0xe0d5e91e, 0x97d2d988,
	0x09b64c2b, 0x7eb17cbd, 0xe7b82d07, 0x90bf1d91,
	0x1db71064, 0x6ab020f2, 0xf3b97148, 0x84be41de,
	0x1adad47d, 0x6ddde4eb, 0xf4d4b551, 0x83d385c7,
	0x136c9856, 0x646ba8c0, 0xfd62f97a, 0x8a65c9ec,
	0x14015c4f, 0x63066cd9, 0xfa0f3d63, 0x8d080df5,
	0x3b6e20c8, 0x4c69105e, 0xd56041e4, 0xa2677172,
	0x3c03e4d1, 0x4b04d447, 0xd20d85fd, 0xa50ab56b,
	0x35b5a8fa, 0x42b2986c, 0xdbbbc9d6, 0xacbcf940,
	0x32d86ce3, 0x45df5c75, 0xdcd60dcf, 0xabd13d59,
	0x26d930ac, 0x51de003a, 0xc8d75180, 0xbfd06116,
	0x21b4f4b5, 0x56b3c423, 0xcfba9599, 0xb8bda50f,
	0x2802b89e, 0x5f058808, 0xc60cd9b2, 0xb10be924,
	0x2f6f7c87, 0x58684c11, 0xc1611dab, 0xb6662d3d,
	0x76dc4190, 0x01db7106, 0x98d220bc, 0xefd5102a,
	0x71b18589, 0x06b6b51f, 0x9fbfe4a5, 0xe8b8d433,
	0x7807c9a2, 0x0f00f934, 0x9609a88e, 0xe10e9818,
	0x7f6a0dbb, 0x086d3d2d, 0x91646c97, 0xe6635c01,
	0x6b6b51f4, 0x1c6c6162, 0x856530d8, 0xf262004e,
	0x6c0695ed, 0x1b01a57b, 0x8208f4c1, 0xf50fc457,
	0x65b0d9c6, 0x12b7e950, 0x8bbeb8ea, 0xfcb9887c,
	0x62dd1ddf, 0x15da2d49, 0x8cd37cf3, 0xfbd44c65,
	0x4db26158, 0x3ab551ce, 0xa3bc0074, 0xd4bb30e2,
	0x4adfa541, 0x3dd895d7, 0xa4d1c46d, 0xd3d6f4fb,
	0x4369e96a, 0x346ed9fc, 0xad678846, 0xda60b8d0,
	0x44042d73, 0x33031de5, 0xaa0a4c5f, 0xdd0d7cc9,
	0x5005713c, 0x270241aa, 0xbe0b1010, 0xc90c2086,
	0x5768b525, 0x206f85b3, 0xb966d409, 0xce61e49f,
	0x5edef90e, 0x29d9c998, 0xb0d09822, 0xc7d7a8b4,
	0x59b33d17, 0x2eb40d81, 0xb7bd5c3b, 0xc0ba6cad,
	0xedb88320, 0x9abfb3b6, 0x03b6e20c, 0x74b1d29a,
	0xead54739, 0x9dd277af, 0x04db2615, 0x73dc1683,
	0xe3630b12, 0x94643b84, 0x0d6d6a3e, 0x7a6a5aa8,
	0xe40ecf0b, 0x9309ff9d, 0x0a00ae27, 0x7d079eb1,
	0xf00f9344, 0x8708a3d2, 0x1e01f268, 0x6906c2fe,
	0xf762575d, 0x806567cb, 0x196c3671, 0x6e6b06e7,
	0xfed41b76, 0x89d32be0, 0x10da7a5a, 0x67dd4acc,
	0xf9b9df6f, 0x8ebeeff9, 0x17b7be43, 0x60b08ed5,
	0xd6d6a3e8, 0xa1d1937e, 0x38d8c2c4, 0x4fdff252,
	0xd1bb67f1, 0xa6bc5767, 0x3fb506dd, 0x48b2364b,
	0xd80d2bda, 0xaf0a1b4c, 0x36034af6, 0x41047a60,
	0xdf60efc3, 0xa867df55, 0x316e8eef, 0x4669be79,
	0xcb61b38c, 0xbc66831a, 0x256fd2a0, 0x5268e236,
	0xcc0c7795, 0xbb0b4703, 0x220216b9, 0x5505262f,
	0xc5ba3bbe, 0xb2bd0b28, 0x2bb45a92, 0x5cb36a04,
	0xc2d7ffa7, 0xb5d0cf31, 0x2cd99e8b, 0x5bdeae1d,
	0x9b64c2b0, 0xec63f226, 0x756aa39c, 0x026d930a,
	0x9c0906a9, 0xeb0e363f, 0x72076785, 0x05005713,
	0x95bf4a82, 0xe2b87a14, 0x7bb12bae, 0x0cb61b38,
	0x92d28e9b, 0xe5d5be0d, 0x7cdcefb7, 0x0bdbdf21,
	0x86d3d2d4, 0xf1d4e242, 0x68ddb3f8, 0x1fda836e,
	0x81be16cd, 0xf6b9265b, 0x6fb077e1, 0x18b74777,
	0x88085ae6, 0xff0f6a70, 0x66063bca, 0x11010b5c,
	0x8f659eff, 0xf862ae69, 0x616bffd3, 0x166ccf45,
	0xa00ae278, 0xd70dd2ee, 0x4e048354, 0x3903b3c2,
	0xa7672661, 0xd06016f7, 0x4969474d, 0x3e6e77db,
	0xaed16a4a, 0xd9d65adc, 0x40df0b66, 0x37d83bf0,
	0xa9bcae53, 0xdebb9ec5, 0x47b2cf7f, 0x30b5ffe9,
	0xbdbdf21c, 0xcabac28a, 0x53b39330, 0x24b4a3a6,
	0xbad03605, 0xcdd70693, 0x54de5729, 0x23d967bf,
	0xb3667a2e, 0xc4614ab8, 0x5d681b02, 0x2a6f2b94,
	0xb40bbe37, 0xc30c8ea1, 0x5a05df1b, 0x2d02ef8d,
};

u32 mtty_mig_crc32(const u8 *p, unsigned int len)
{
	u32 crc = 0xffffffff;
	unsigned int i;

	for (i = 0; i < len; i++)
		crc = (crc >> 8) ^ mtty_mig_crc_table[(crc ^ p[i]) & 0xff];
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
