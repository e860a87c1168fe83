// SPDX-License-Identifier: GPL-2.0-only
/*
 * "migration": VFIO migration v2 driven as QEMU drives it, without a VM.
 * A source card is left mid-transfer (non-default divisor, LCR and SCR,
 * unread bytes in a receive FIFO, an overrun, an interrupt signalled and
 * automasked), its state is read out in STOP_COPY and written into a
 * second card of the same type in RESUMING; the destination then reads
 * the same as the source, delivers the pending interrupt and echoes.
 * Then every invalid transition and malformed stream: each is refused,
 * and the device it was aimed at stays as it was.
 */
#include "vfio_test.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/serial_reg.h>

/* Room for any stream and then some, to test the size limit. */
#define STREAM_ROOM	512
/* Version-1 header: magic, version, size, ports, sections, flags. */
#define HDR_VERSION	4
#define HDR_PORTS	8

#define SRC_SCR		0xa5
#define DST_SCR		0x66
#define SRC_DIVISOR	0x0123
#define SRC_LCR		(UART_LCR_WLEN8 | UART_LCR_PARITY | UART_LCR_EPAR)
#define SRC_BAR0	0xc010
#define SRC_IRQ_LINE	10

static const char unread[] = "hello";

struct stream {
	unsigned char buf[STREAM_ROOM];
	size_t len;
};

/* Whether this kernel has PRE_COPY (Linux 6.2 and later). */
static bool kernel_has_precopy(void)
{
	struct utsname u;
	unsigned int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return false;
	return major > 6 || (major == 6 && minor >= 2);
}

/* A call that must fail (return -1) with errno @want; @err is its errno. */
static void check_fails(long rc, int err, int want, const char *what)
{
	check(rc < 0 && err == want, "%s: %s (got %s)", what, strerror(want),
	      rc < 0 ? strerror(err) : "success");
}

static uint32_t get_state(struct mtty_card *card)
{
	uint32_t state = VFIO_DEVICE_STATE_ERROR;

	vfio_mdev_mig_get_state(&card->dev, &state);
	return state;
}

/* Read the data fd to its end; -1 with errno on a failed read. */
static int read_stream(int fd, struct stream *s)
{
	ssize_t n;

	s->len = 0;
	do {
		n = read(fd, s->buf + s->len, sizeof(s->buf) - s->len);
		if (n < 0)
			return -1;
		s->len += n;
	} while (n > 0 && s->len < sizeof(s->buf));
	return 0;
}

/* Save @card (RUNNING -> STOP_COPY) into @s and leave it in STOP. */
static int save(struct mtty_card *card, struct stream *s)
{
	int fd = -1, rc;

	if (vfio_mdev_mig_set_state(&card->dev, VFIO_DEVICE_STATE_STOP_COPY, &fd))
		return -1;
	rc = read_stream(fd, s);
	close(fd);
	if (vfio_mdev_mig_set_state(&card->dev, VFIO_DEVICE_STATE_STOP, NULL))
		return -1;
	return rc;
}

static uint8_t config_in8(struct mtty_card *card, unsigned int off)
{
	uint8_t v = 0;

	vfio_mdev_read8(&card->dev, &card->config, off, &v);
	return v;
}

static void config_out32(struct mtty_card *card, unsigned int off,
			 uint32_t v)
{
	vfio_mdev_region_write(&card->dev, &card->config, off, &v, sizeof(v));
}

/* The source's state: see the top of the file. */
static void busy_source(struct mtty_card *card)
{
	const struct mtty_port *p0 = &card->port[0];
	size_t i;

	config_out32(card, PCI_BASE_ADDRESS_0, SRC_BAR0);
	vfio_mdev_write8(&card->dev, &card->config, PCI_INTERRUPT_LINE,
			 SRC_IRQ_LINE);
	port_out(p0, UART_LCR, UART_LCR_DLAB);
	port_out(p0, UART_DLL, SRC_DIVISOR & 0xff);
	port_out(p0, UART_DLM, SRC_DIVISOR >> 8);
	port_out(p0, UART_LCR, SRC_LCR);
	port_out(p0, UART_SCR, SRC_SCR);
	port_out(p0, UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_R_TRIG_10);
	port_out(p0, UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	port_out(p0, UART_IER, UART_IER_RDI | UART_IER_RLSI);
	for (i = 0; i < strlen(unread); i++)
		port_out(p0, UART_TX, unread[i]);
	if (card->nr_ports > 1) {
		/* FIFOs off: the second byte overruns the first. */
		port_out(&card->port[1], UART_SCR, SRC_SCR ^ 0xff);
		port_out(&card->port[1], UART_TX, 'Q');
		port_out(&card->port[1], UART_TX, 'R');
	}
}

/*
 * Read everything a guest can of both cards the same way (reads have
 * side effects, so this consumes their FIFOs); count the differences.
 */
static unsigned int compare_cards(struct mtty_card *a, struct mtty_card *b)
{
	unsigned int i, r, off, diffs = 0;

	for (off = 0; off < PCI_STD_HEADER_SIZEOF; off++)
		diffs += config_in8(a, off) != config_in8(b, off);
	for (i = 0; i < a->nr_ports; i++) {
		const struct mtty_port *pa = &a->port[i], *pb = &b->port[i];

		for (r = UART_IER; r <= UART_SCR; r++)
			diffs += port_in(pa, r) != port_in(pb, r);
		for (r = 0; r <= MTTY_FIFO_DEPTH; r++) {
			diffs += port_in(pa, UART_LSR) != port_in(pb, UART_LSR);
			diffs += port_in(pa, UART_RX) != port_in(pb, UART_RX);
		}
		port_out(pa, UART_LCR, UART_LCR_DLAB);
		port_out(pb, UART_LCR, UART_LCR_DLAB);
		diffs += port_in(pa, UART_DLL) != port_in(pb, UART_DLL);
		diffs += port_in(pa, UART_DLM) != port_in(pb, UART_DLM);
		port_out(pa, UART_LCR, SRC_LCR);
		port_out(pb, UART_LCR, SRC_LCR);
	}
	return diffs;
}

static bool echoes(const struct mtty_port *port, uint8_t byte)
{
	port_out(port, UART_TX, byte);
	return port_in(port, UART_RX) == byte;
}

/* Move the source and check the destination, as a migration does. */
static void migrate(struct mtty_card *src, struct mtty_card *dst,
		    struct stream *s, bool precopy)
{
	int efd_src = vfio_mdev_eventfd_open();
	int efd_dst = vfio_mdev_eventfd_open();
	struct vfio_precopy_info info = { .argsz = sizeof(info) };
	uint64_t size = 0;
	int fd = -1, rc;

	check(!vfio_mdev_irq_set_eventfd(&src->dev, VFIO_PCI_INTX_IRQ_INDEX,
					 efd_src), "source: INTx wired");
	busy_source(src);
	check(vfio_mdev_eventfd_wait(efd_src, IRQ_TIMEOUT_MS) == 1,
	      "source: unread bytes signal INTx, which automasks");

	if (precopy) {
		ssize_t n;

		check(!vfio_mdev_mig_set_state(&src->dev, VFIO_DEVICE_STATE_PRE_COPY, &fd) &&
		      fd >= 0, "source: RUNNING -> PRE_COPY opens a data fd");
		rc = ioctl(fd, VFIO_MIG_GET_PRECOPY_INFO, &info);
		check(!rc && info.initial_bytes == 12 && !info.dirty_bytes,
		      "PRE_COPY: 12 initial bytes (the header), 0 dirty (%llu, %llu)",
		      (unsigned long long)info.initial_bytes,
		      (unsigned long long)info.dirty_bytes);
		n = read(fd, s->buf, 12);
		check(n == 12 && !memcmp(s->buf, "MTTY", 4),
		      "PRE_COPY: the header is read while the device runs");
		n = read(fd, s->buf, 1);
		check_fails(n, errno, ENOMSG,
			    "PRE_COPY: then a temporary end of stream");
		check(port_in(&src->port[0], UART_SCR) == SRC_SCR,
		      "PRE_COPY: the device still answers");
		check(!vfio_mdev_mig_set_state(&src->dev, VFIO_DEVICE_STATE_STOP_COPY, NULL),
		      "source: PRE_COPY -> STOP_COPY");
		rc = vfio_mdev_mig_data_size(&src->dev, &size);
		check(!rc && size > 12,
		      "STOP_COPY: data size %llu announced",
		      (unsigned long long)size);
		n = read(fd, s->buf + 12, sizeof(s->buf) - 12);
		s->len = n > 0 ? n + 12 : 0;
		check(n > 0 && read(fd, s->buf, 1) == 0,
		      "STOP_COPY: the rest of the stream on the same fd, then end");
		check(s->len == size, "STOP_COPY: %zu bytes, as announced",
		      s->len);
	} else {
		check(!vfio_mdev_mig_set_state(&src->dev, VFIO_DEVICE_STATE_STOP_COPY, &fd) &&
		      fd >= 0, "source: RUNNING -> STOP_COPY opens a data fd");
		rc = read_stream(fd, s);
		check(!rc && s->len > 12,
		      "STOP_COPY: stream of %zu bytes read to its end", s->len);
	}
	check(read(fd, s->buf + s->len, 1) == 0 &&
	      read(fd, s->buf + s->len, 1) == 0,
	      "reads past the end keep returning end of stream");
	check(get_state(src) == VFIO_DEVICE_STATE_STOP_COPY,
	      "source: in STOP_COPY");
	close(fd);

	/* Stopped: no interrupt, even when unmasked with the line high. */
	check(!vfio_mdev_mig_set_state(&src->dev, VFIO_DEVICE_STATE_STOP, NULL),
	      "source: STOP_COPY -> STOP");
	vfio_mdev_irq_unmask(&src->dev, VFIO_PCI_INTX_IRQ_INDEX);
	check(vfio_mdev_eventfd_wait(efd_src, IRQ_QUIET_MS) == 0,
	      "source: a stopped device does not interrupt");

	/* The destination: its own wiring, a register to be overwritten. */
	check(!vfio_mdev_irq_set_eventfd(&dst->dev, VFIO_PCI_INTX_IRQ_INDEX,
					 efd_dst), "destination: INTx wired");
	port_out(&dst->port[0], UART_SCR, DST_SCR);
	fd = -1;
	check(!vfio_mdev_mig_set_state(&dst->dev, VFIO_DEVICE_STATE_RESUMING, &fd) && fd >= 0,
	      "destination: RUNNING -> RESUMING opens a data fd");
	check(write(fd, s->buf, s->len) == (ssize_t)s->len,
	      "destination: the stream is written");
	close(fd);
	check(vfio_mdev_eventfd_wait(efd_dst, IRQ_QUIET_MS) == 0,
	      "destination: no interrupt before it runs");
	check(!vfio_mdev_mig_set_state(&dst->dev, VFIO_DEVICE_STATE_RUNNING, NULL) &&
	      get_state(dst) == VFIO_DEVICE_STATE_RUNNING,
	      "destination: RESUMING -> RUNNING");
	check(vfio_mdev_eventfd_wait(efd_dst, IRQ_TIMEOUT_MS) == 1,
	      "destination: the interrupt pending at the source is delivered");

	check(!vfio_mdev_mig_set_state(&src->dev, VFIO_DEVICE_STATE_RUNNING, NULL),
	      "source: back to RUNNING (migration cancelled)");
	check(vfio_mdev_eventfd_wait(efd_src, IRQ_TIMEOUT_MS) == 1,
	      "source: running again, the unmasked line is signalled");

	check(port_in(&dst->port[0], UART_SCR) == SRC_SCR,
	      "destination: SCR is the source's, 0x%02x",
	      port_in(&dst->port[0], UART_SCR));
	check(port_in(&dst->port[0], UART_LCR) == SRC_LCR,
	      "destination: LCR is the source's");
	check(compare_cards(src, dst) == 0,
	      "destination reads the same as the source: config, registers, divisor, every FIFO byte in order");

	/* Both consumed their FIFOs above; the loop works at both ends. */
	check(echoes(&dst->port[0], 'd') && echoes(&src->port[0], 's'),
	      "both cards echo after the migration");
	vfio_mdev_irq_disable(&src->dev, VFIO_PCI_INTX_IRQ_INDEX);
	vfio_mdev_irq_disable(&dst->dev, VFIO_PCI_INTX_IRQ_INDEX);
	close(efd_src);
	close(efd_dst);
}

/* The values the destination must have read back, spelled out. */
static void check_values(struct mtty_card *src, struct mtty_card *dst,
			 const struct stream *s)
{
	const struct mtty_port *p0 = &dst->port[0];
	struct stream again;
	unsigned int i;
	bool in_order = true;
	int fd = -1;

	/* Load the same stream again into the destination and read it. */
	check(!vfio_mdev_mig_set_state(&dst->dev, VFIO_DEVICE_STATE_RESUMING, &fd) &&
	      write(fd, s->buf, s->len) == (ssize_t)s->len &&
	      !vfio_mdev_mig_set_state(&dst->dev, VFIO_DEVICE_STATE_RUNNING, NULL),
	      "the stream loads a second time");
	if (fd >= 0)
		close(fd);
	for (i = 0; i < strlen(unread); i++)
		in_order &= port_in(p0, UART_RX) == (uint8_t)unread[i];
	check(in_order, "destination: the unread bytes \"%s\" come in order",
	      unread);
	check(!(port_in(p0, UART_LSR) & UART_LSR_DR),
	      "destination: then the FIFO is empty");
	port_out(p0, UART_LCR, UART_LCR_DLAB);
	check((port_in(p0, UART_DLL) | port_in(p0, UART_DLM) << 8) ==
	      SRC_DIVISOR, "destination: divisor 0x%04x kept", SRC_DIVISOR);
	port_out(p0, UART_LCR, SRC_LCR);
	check(config_in8(dst, PCI_INTERRUPT_LINE) == SRC_IRQ_LINE &&
	      config_in8(dst, PCI_BASE_ADDRESS_0 + 1) == SRC_BAR0 >> 8,
	      "destination: BAR0 and interrupt line kept");
	if (dst->nr_ports > 1) {
		const struct mtty_port *p1 = &dst->port[1];

		check((port_in(p1, UART_LSR) & (UART_LSR_OE | UART_LSR_DR)) ==
		      (UART_LSR_OE | UART_LSR_DR) &&
		      port_in(p1, UART_RX) == 'R',
		      "destination port 1: overrun kept, last byte 'R' held");
	}
	/* Saving the destination gives the stream back, byte for byte. */
	check(!vfio_mdev_mig_set_state(&dst->dev, VFIO_DEVICE_STATE_RESUMING, &fd) &&
	      write(fd, s->buf, s->len) == (ssize_t)s->len &&
	      !vfio_mdev_mig_set_state(&dst->dev, VFIO_DEVICE_STATE_STOP, NULL),
	      "loaded once more");
	if (fd >= 0)
		close(fd);
	check(!vfio_mdev_mig_set_state(&dst->dev, VFIO_DEVICE_STATE_RUNNING, NULL) &&
	      !save(dst, &again) && again.len == s->len &&
	      !memcmp(again.buf, s->buf, s->len - 12),
	      "the destination saves the source's stream back (all but the interrupt section)");
	vfio_mdev_mig_set_state(&dst->dev, VFIO_DEVICE_STATE_RUNNING, NULL);
	(void)src;
}

/* Arcs VFIO forbids, or that need PRE_COPY where there is none. */
static void invalid_transitions(struct mtty_card *card, bool precopy)
{
	struct vfio_precopy_info info = { .argsz = sizeof(info) };
	int fd = -1, rc;

	rc = vfio_mdev_mig_set_state(&card->dev, VFIO_DEVICE_STATE_ERROR, NULL);
	check_fails(rc, errno, EINVAL, "ERROR cannot be asked for");
	rc = vfio_mdev_mig_set_state(&card->dev, 8, NULL);
	check_fails(rc, errno, EINVAL, "state 8 does not exist");
	check(get_state(card) == VFIO_DEVICE_STATE_RUNNING,
	      "refused arcs leave the device RUNNING");
	if (!precopy) {
		rc = vfio_mdev_mig_set_state(&card->dev, VFIO_DEVICE_STATE_PRE_COPY, NULL);
		check_fails(rc, errno, EINVAL, "no PRE_COPY on this kernel");
		return;
	}
	check(!vfio_mdev_mig_set_state(&card->dev, VFIO_DEVICE_STATE_STOP_COPY, &fd),
	      "RUNNING -> STOP_COPY");
	rc = vfio_mdev_mig_set_state(&card->dev, VFIO_DEVICE_STATE_PRE_COPY, NULL);
	check_fails(rc, errno, EINVAL, "STOP_COPY -> PRE_COPY refused");
	check(get_state(card) == VFIO_DEVICE_STATE_STOP_COPY,
	      "still in STOP_COPY");
	rc = ioctl(fd, VFIO_MIG_GET_PRECOPY_INFO, &info);
	check_fails(rc, errno, EINVAL, "precopy info outside PRE_COPY");
	close(fd);
	check(!vfio_mdev_mig_set_state(&card->dev, VFIO_DEVICE_STATE_RUNNING, NULL),
	      "STOP_COPY -> RUNNING");
}

/*
 * Write @bytes into @dst in RESUMING and ask for STOP: refused, the device
 * stays in RESUMING with its registers untouched, and the same session
 * then takes the good stream @good.
 */
static void refused_stream(struct mtty_card *dst, const char *what,
			   const unsigned char *bytes, size_t len,
			   bool write_fails, const struct stream *good)
{
	const struct mtty_port *p0 = &dst->port[0];
	char msg[128];
	int fd = -1, rc;
	ssize_t n;

	port_out(p0, UART_SCR, DST_SCR);
	if (vfio_mdev_mig_set_state(&dst->dev, VFIO_DEVICE_STATE_RESUMING, &fd)) {
		check(false, "%s: RESUMING", what);
		return;
	}
	n = len ? write(fd, bytes, len) : 0;
	snprintf(msg, sizeof(msg), "%s: the write is refused at once", what);
	if (write_fails)
		check_fails(n, errno, EINVAL, msg);
	else
		check(n == (ssize_t)len, "%s: written", what);
	rc = vfio_mdev_mig_set_state(&dst->dev, VFIO_DEVICE_STATE_STOP, NULL);
	snprintf(msg, sizeof(msg), "%s: leaving RESUMING is refused", what);
	check_fails(rc, errno, EINVAL, msg);
	check(get_state(dst) == VFIO_DEVICE_STATE_RESUMING,
	      "%s: the device stays in RESUMING", what);
	check(port_in(p0, UART_SCR) == DST_SCR,
	      "%s: the device is unchanged", what);
	check(write(fd, good->buf, good->len) == (ssize_t)good->len &&
	      !vfio_mdev_mig_set_state(&dst->dev, VFIO_DEVICE_STATE_RUNNING, NULL) &&
	      port_in(p0, UART_SCR) == SRC_SCR,
	      "%s: then the good stream is taken on the same fd", what);
	close(fd);
}

static void malformed_streams(struct mtty_card *dst, const struct stream *s,
			      const struct stream *other)
{
	unsigned char bad[STREAM_ROOM];
	int fd = -1;
	ssize_t n;

	refused_stream(dst, "empty stream", NULL, 0, false, s);
	refused_stream(dst, "truncated stream", s->buf, s->len / 2, false, s);
	refused_stream(dst, "stream without its last byte", s->buf,
		       s->len - 1, false, s);
	memcpy(bad, s->buf, s->len);
	bad[s->len / 2] ^= 0x10;
	refused_stream(dst, "corrupted stream", bad, s->len, false, s);
	memcpy(bad, s->buf, s->len);
	bad[s->len] = 0;
	refused_stream(dst, "a byte after the end", bad, s->len + 1, false, s);
	memcpy(bad, s->buf, s->len);
	bad[HDR_VERSION] = 2;
	refused_stream(dst, "format version 2", bad, s->len, true, s);
	memcpy(bad, s->buf, s->len);
	bad[0] = 'X';
	refused_stream(dst, "not an mtty stream", bad, s->len, true, s);
	if (other->len)
		refused_stream(dst, "stream of another device type",
			       other->buf, other->len, true, s);

	/* Longer than any mtty state. */
	check(!vfio_mdev_mig_set_state(&dst->dev, VFIO_DEVICE_STATE_RESUMING, &fd), "RESUMING");
	check(write(fd, s->buf, s->len) == (ssize_t)s->len, "stream written");
	memset(bad, 0, sizeof(bad));
	n = write(fd, bad, 128);
	check_fails(n, errno, EFBIG, "oversized stream");
	check(!vfio_mdev_mig_set_state(&dst->dev, VFIO_DEVICE_STATE_RUNNING, NULL),
	      "oversized: what fitted is taken");
	close(fd);

	/* Early close of the destination's fd, then abort by reset. */
	check(!vfio_mdev_mig_set_state(&dst->dev, VFIO_DEVICE_STATE_RESUMING, &fd), "RESUMING");
	check(write(fd, s->buf, s->len / 2) == (ssize_t)(s->len / 2),
	      "half a stream written");
	close(fd);
	n = vfio_mdev_mig_set_state(&dst->dev, VFIO_DEVICE_STATE_STOP, NULL);
	check_fails(n, errno, EINVAL, "fd closed early: leaving RESUMING");
	check(!vfio_mdev_reset(&dst->dev) &&
	      get_state(dst) == VFIO_DEVICE_STATE_RUNNING,
	      "reset aborts the session: RUNNING");
	card_start(dst);
	check(echoes(&dst->port[0], 'r'), "after the reset the device echoes");
}

/* The source's side: reset, early close, the device closed under it. */
static void source_aborts(struct mtty_card *src, const char *uuid)
{
	unsigned char byte;
	struct mtty_card other;
	int fd = -1;
	ssize_t n;

	check(!vfio_mdev_mig_set_state(&src->dev, VFIO_DEVICE_STATE_STOP_COPY, &fd),
	      "STOP_COPY");
	check(!vfio_mdev_reset(&src->dev) &&
	      get_state(src) == VFIO_DEVICE_STATE_RUNNING,
	      "reset during STOP_COPY: RUNNING");
	n = read(fd, &byte, 1);
	check_fails(n, errno, ENODEV, "the data fd of the aborted session");
	close(fd);

	card_start(src);
	check(!vfio_mdev_mig_set_state(&src->dev, VFIO_DEVICE_STATE_STOP_COPY, &fd) &&
	      read(fd, &byte, 1) == 1, "STOP_COPY, one byte read");
	close(fd);
	check(!vfio_mdev_mig_set_state(&src->dev, VFIO_DEVICE_STATE_RUNNING, NULL) &&
	      echoes(&src->port[0], 'c'),
	      "fd closed early: the source runs on and echoes");

	/* A data fd kept past the device's close ends with it. */
	card_close(src);
	if (card_open(&other, uuid)) {
		check(false, "reopen %s", uuid);
		return;
	}
	check(!vfio_mdev_mig_set_state(&other.dev, VFIO_DEVICE_STATE_STOP_COPY, &fd),
	      "STOP_COPY on a fresh open");
	card_close(&other);
	n = read(fd, &byte, 1);
	check_fails(n, errno, ENODEV, "device closed: its data fd");
	close(fd);
	card_open(src, uuid);
}

int test_migration(struct mtty_card *src, const char *dst_uuid,
		   const char *other_uuid)
{
	static struct stream s, other_s;
	struct mtty_card dst, other;
	bool precopy = kernel_has_precopy();
	uint64_t flags = 0;
	char uuid[VFIO_MDEV_UUID_LEN + 1];

	if (!dst_uuid) {
		check(false, "migration needs a destination (--dest UUID)");
		return 0;
	}
	if (card_start(src) || card_open(&dst, dst_uuid))
		return -1;
	card_start(&dst);

	if (vfio_mdev_mig_flags(&src->dev, &flags))
		flags = 0;
	check((flags & (VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P)) ==
	      (VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P),
	      "device offers STOP_COPY and P2P (flags 0x%llx)",
	      (unsigned long long)flags);
	check(!!(flags & VFIO_MIGRATION_PRE_COPY) == precopy,
	      "PRE_COPY offered exactly where the kernel has it (%s)",
	      precopy ? "6.2 or later" : "6.1");
	check(!vfio_mdev_feature_probe(&src->dev,
				       VFIO_DEVICE_FEATURE_DMA_LOGGING_START),
	      "device offers DMA logging (no DMA: nothing is ever dirty)");
	check(get_state(src) == VFIO_DEVICE_STATE_RUNNING,
	      "an opened device is RUNNING");

	migrate(src, &dst, &s, precopy);
	check_values(src, &dst, &s);
	invalid_transitions(src, precopy);

	other_s.len = 0;
	if (other_uuid && !card_open(&other, other_uuid)) {
		card_start(&other);
		check(other.nr_ports != src->nr_ports && !save(&other, &other_s),
		      "a stream saved from a card of the other type");
		check(other_s.buf[HDR_PORTS] == other.nr_ports,
		      "its header names %u port(s)", other.nr_ports);
		card_close(&other);
	}
	malformed_streams(&dst, &s, &other_s);
	card_close(&dst);

	snprintf(uuid, sizeof(uuid), "%s", src->dev.uuid);
	source_aborts(src, uuid);
	return 0;
}
