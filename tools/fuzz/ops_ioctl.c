// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device ioctls with random and malformed arguments: argsz below, at and
 * above the minimum, indexes out of range, SET_IRQS with every flag
 * combination and eventfd lists holding real, closed, foreign and invalid
 * fds, unknown ioctl numbers, and bad pointers.  Argument structs end at
 * the guard page, so a kernel writing back more than the minimum size
 * faults (EFAULT) and shows up as an anomaly.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "fuzz.h"

#define OFFSETOFEND(type, member) \
	(offsetof(type, member) + sizeof(((type *)0)->member))

/* Largest size field of an _IOC number (14 bits). */
#define IOC_SIZE_MAX	((1U << _IOC_SIZEBITS) - 1)
/* Entries of SET_IRQS data actually laid out after the header. */
#define IRQ_DATA_MAX	16
/* Kernel-half address: copy_{from,to}_user must refuse it. */
#define KERNEL_PTR	0xffff888000000000ULL

/* Number of vectors per irq index, as the driver documents them. */
static uint32_t irq_count(uint32_t index)
{
	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
	case VFIO_PCI_MSI_IRQ_INDEX:
	case VFIO_PCI_REQ_IRQ_INDEX:
		return 1;
	default:
		return 0;
	}
}

/*
 * The argument pointer: usually @buf, sometimes an address the kernel must
 * refuse (NULL, unmapped, straddling the guard page, kernel space).
 */
static void *pick_ptr(struct fuzz *f, void *buf, bool *good)
{
	const uintptr_t bad[] = {
		0, 1, (uintptr_t)(f->area + FUZZ_AREA_LEN),
		(uintptr_t)(f->area + FUZZ_AREA_LEN - 4),
		(uintptr_t)KERNEL_PTR, UINTPTR_MAX - 7,
	};
	uintptr_t p;

	*good = !rng_percent(&f->rng, 4);
	if (*good)
		return buf;
	p = RNG_PICK(&f->rng, bad);
	return (void *)p;	// NOLINT(performance-no-int-to-ptr): on purpose
}

/*
 * The argument as the op log shows it: relative to the buffer area, whose
 * address changes from run to run, so that logs of one seed compare equal.
 * Returned by value: the text lives until the end of the caller's
 * expression (C11 temporary lifetime).
 */
struct arg_text {
	char s[32];
};

static struct arg_text arg_desc(const struct fuzz *f, const void *arg)
{
	uintptr_t a = (uintptr_t)arg, base = (uintptr_t)f->area;
	struct arg_text t;

	if (a >= base - 4096 && a <= base + FUZZ_AREA_LEN + 4096)
		snprintf(t.s, sizeof(t.s), "area%+lld", (long long)(a - base));
	else
		snprintf(t.s, sizeof(t.s), "%p", arg);
	return t;
}

static uint32_t pick_argsz(struct rng *r, uint32_t minsz, uint32_t full)
{
	const uint32_t sizes[] = {
		0, 1, minsz - 1, minsz, minsz + 1, full, full + 4, 4096,
		UINT32_MAX,
	};

	if (rng_percent(r, 70))
		return full;
	if (rng_percent(r, 80))
		return RNG_PICK(r, sizes);
	return (uint32_t)rng_next(r);
}

/* Common end of the info ioctls: count, and check the error cases. */
static bool info_result(struct fuzz *f, struct fuzz_dev *d, enum op_kind kind,
			int fd, int rc, bool good, uint32_t argsz,
			uint32_t minsz, bool index_ok)
{
	int err = errno;
	bool expect_ok = good && argsz >= minsz && index_ok;

	fuzz_result(f, kind, rc, err);
	if (fd < 0)
		return false;
	if (expect_ok && rc)
		fuzz_anomaly(f, d, "%s argsz %" PRIu32 " failed: errno %d",
			     op_name(kind), argsz, err);
	else if (!expect_ok && !rc)
		fuzz_anomaly(f, d, "%s argsz %" PRIu32 " %s succeeded",
			     op_name(kind), argsz,
			     good ? "(bad index or size)" : "(bad pointer)");
	return expect_ok && !rc;
}

void op_get_info(struct fuzz *f, struct fuzz_dev *d)
{
	const uint32_t minsz = OFFSETOFEND(struct vfio_device_info, num_irqs);
	int fd = dev_pick_fd(f, d);
	/* Half the time the struct ends right after num_irqs. */
	uint32_t len = rng_percent(&f->rng, 50) ? minsz :
		       (uint32_t)sizeof(struct vfio_device_info);
	uint32_t argsz = pick_argsz(&f->rng, minsz, len);
	unsigned char *buf = fuzz_tail(f, len);
	struct vfio_device_info info;
	bool good;
	void *arg = pick_ptr(f, buf, &good);
	int rc;

	rng_fill(&f->rng, buf, len);
	memcpy(buf, &argsz, sizeof(argsz));
	if (fuzz_logging(f))
		fuzz_log(f, d, "GET_INFO fd %d argsz %" PRIu32 " len %" PRIu32
			 " arg %s", fd, argsz, len,
			 arg_desc(f, arg).s);
	rc = ioctl(fd, VFIO_DEVICE_GET_INFO, arg);
	if (!info_result(f, d, OP_GET_INFO, fd, rc, good, argsz, minsz, true))
		return;
	memcpy(&info, buf, minsz);
	if (info.flags != (VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET) ||
	    info.num_regions != VFIO_PCI_NUM_REGIONS ||
	    info.num_irqs != VFIO_PCI_NUM_IRQS)
		fuzz_anomaly(f, d, "GET_INFO flags 0x%" PRIx32 " regions %"
			     PRIu32 " irqs %" PRIu32, info.flags,
			     info.num_regions, info.num_irqs);
}

static uint32_t pick_info_index(struct rng *r, uint32_t n)
{
	const uint32_t odd[] = { n, n + 1, 255, INT32_MAX, UINT32_MAX };

	if (rng_percent(r, 85))
		return (uint32_t)rng_below(r, n);
	if (rng_percent(r, 70))
		return RNG_PICK(r, odd);
	return (uint32_t)rng_next(r);
}

/* Both start with argsz, flags, index: one offset serves for the two. */
#define INFO_INDEX_OFF	offsetof(struct vfio_irq_info, index)
_Static_assert(offsetof(struct vfio_region_info, index) == INFO_INDEX_OFF,
	       "struct vfio_region_info and vfio_irq_info start alike");

/* One GET_REGION_INFO or GET_IRQ_INFO call: what was picked. */
struct index_info {
	int fd;
	uint32_t argsz;
	uint32_t index;
	unsigned char *buf;	/* the struct, as the kernel left it */
	bool good;		/* the argument pointer was @buf */
};

/*
 * The common start of GET_REGION_INFO and GET_IRQ_INFO (@name, @cmd): an
 * argsz and an index (below @nindex mostly) in @minsz random bytes ending
 * at the guard page, logged, then the ioctl.  Returns the ioctl's result,
 * with errno as it left it.
 */
static int index_info_ioctl(struct fuzz *f, struct fuzz_dev *d,
			    const char *name, unsigned long cmd,
			    uint32_t minsz, uint32_t nindex,
			    struct index_info *c)
{
	void *arg;

	c->fd = dev_pick_fd(f, d);
	c->argsz = pick_argsz(&f->rng, minsz, minsz);
	c->index = pick_info_index(&f->rng, nindex);
	c->buf = fuzz_tail(f, minsz);
	arg = pick_ptr(f, c->buf, &c->good);
	rng_fill(&f->rng, c->buf, minsz);
	memcpy(c->buf, &c->argsz, sizeof(c->argsz));
	memcpy(c->buf + INFO_INDEX_OFF, &c->index, sizeof(c->index));
	if (fuzz_logging(f))
		fuzz_log(f, d, "%s fd %d argsz %" PRIu32 " index %" PRIu32
			 " arg %s", name, c->fd, c->argsz, c->index,
			 arg_desc(f, arg).s);
	return ioctl(c->fd, cmd, arg);
}

void op_region_info(struct fuzz *f, struct fuzz_dev *d)
{
	const uint32_t minsz = OFFSETOFEND(struct vfio_region_info, offset);
	struct vfio_region_info info;
	struct index_info c;
	int rc;

	rc = index_info_ioctl(f, d, "GET_REGION_INFO",
			      VFIO_DEVICE_GET_REGION_INFO, minsz,
			      VFIO_PCI_NUM_REGIONS, &c);
	if (!info_result(f, d, OP_REGION_INFO, c.fd, rc, c.good, c.argsz,
			 minsz, c.index < VFIO_PCI_NUM_REGIONS))
		return;
	memcpy(&info, c.buf, minsz);
	if (info.size != d->region_size[c.index] ||
	    info.offset != (uint64_t)c.index << 40)
		fuzz_anomaly(f, d, "GET_REGION_INFO %" PRIu32 ": size 0x%llx"
			     " offset 0x%llx", c.index,
			     (unsigned long long)info.size,
			     (unsigned long long)info.offset);
}

void op_irq_info(struct fuzz *f, struct fuzz_dev *d)
{
	const uint32_t minsz = OFFSETOFEND(struct vfio_irq_info, count);
	struct vfio_irq_info info;
	struct index_info c;
	int rc;

	rc = index_info_ioctl(f, d, "GET_IRQ_INFO", VFIO_DEVICE_GET_IRQ_INFO,
			      minsz, VFIO_PCI_NUM_IRQS, &c);
	/*
	 * ERR may be refused (vfio-pci does for conventional PCI) or be
	 * reported empty: either is fine, as long as nothing breaks.
	 */
	if (c.index == VFIO_PCI_ERR_IRQ_INDEX && c.good) {
		fuzz_result(f, OP_IRQ_INFO, rc, errno);
		if (rc || c.fd < 0)
			return;
		memcpy(&info, c.buf, minsz);
		if (c.argsz < minsz)
			fuzz_anomaly(f, d, "GET_IRQ_INFO ERR argsz %" PRIu32
				     " succeeded", c.argsz);
		else if (info.count)
			fuzz_anomaly(f, d, "GET_IRQ_INFO ERR: count %" PRIu32,
				     info.count);
		return;
	}
	if (!info_result(f, d, OP_IRQ_INFO, c.fd, rc, c.good, c.argsz, minsz,
			 c.index < VFIO_PCI_NUM_IRQS))
		return;
	memcpy(&info, c.buf, minsz);
	if (info.count != irq_count(c.index))
		fuzz_anomaly(f, d, "GET_IRQ_INFO %" PRIu32 ": count %" PRIu32,
			     c.index, info.count);
}

struct irq_set_args {
	uint32_t argsz, flags, index, start, count;
	uint32_t elem;		/* bytes per data entry */
	uint32_t ndata;		/* entries laid out */
};

static void pick_irq_set(struct fuzz *f, struct irq_set_args *a)
{
	static const uint32_t actions[] = {
		VFIO_IRQ_SET_ACTION_MASK, VFIO_IRQ_SET_ACTION_UNMASK,
		VFIO_IRQ_SET_ACTION_TRIGGER,
	};
	static const uint32_t types[] = {
		VFIO_IRQ_SET_DATA_NONE, VFIO_IRQ_SET_DATA_BOOL,
		VFIO_IRQ_SET_DATA_EVENTFD,
	};
	static const uint32_t indexes[] = {
		VFIO_PCI_INTX_IRQ_INDEX, VFIO_PCI_INTX_IRQ_INDEX,
		VFIO_PCI_INTX_IRQ_INDEX, VFIO_PCI_MSI_IRQ_INDEX,
		VFIO_PCI_MSI_IRQ_INDEX, VFIO_PCI_MSI_IRQ_INDEX,
		VFIO_PCI_REQ_IRQ_INDEX, VFIO_PCI_REQ_IRQ_INDEX,
		VFIO_PCI_MSIX_IRQ_INDEX, VFIO_PCI_ERR_IRQ_INDEX,
	};
	static const uint32_t odd[] = {
		1, 2, 3, 5, 16, 255, 0x40000000, INT32_MAX, UINT32_MAX - 1,
		UINT32_MAX,
	};
	const uint32_t hdr = (uint32_t)sizeof(struct vfio_irq_set);
	struct rng *r = &f->rng;
	uint32_t type, action;

	/*
	 * Mostly well-formed, so that the driver's interrupt state machine
	 * (INTx/MSI modes, eventfd swaps, unmask eventfd) gets deep; each
	 * malformed field still comes up in a few percent of the calls.
	 */
	action = rng_percent(r, 93) ? RNG_PICK(r, actions) :
		 (uint32_t)rng_below(r, 8) << 3;
	type = rng_percent(r, 93) ? RNG_PICK(r, types) :
	       (uint32_t)rng_below(r, 8);
	a->flags = action | type;
	if (rng_percent(r, 2))
		a->flags |= (uint32_t)rng_next(r);
	a->index = rng_percent(r, 95) ? RNG_PICK(r, indexes) : RNG_PICK(r, odd);
	a->start = rng_percent(r, 95) ? 0 : RNG_PICK(r, odd);
	switch (rng_below(r, 20)) {
	case 0: case 1: case 2: case 3: case 4:
		a->count = 0;
		break;
	case 5:
		a->count = 2;
		break;
	case 6:
		a->count = RNG_PICK(r, odd);
		break;
	default:
		a->count = 1;
		break;
	}
	a->elem = type == VFIO_IRQ_SET_DATA_BOOL ? 1 :
		  type == VFIO_IRQ_SET_DATA_NONE ? 0 : 4;
	a->ndata = a->count < IRQ_DATA_MAX ? a->count : IRQ_DATA_MAX;
	a->argsz = rng_percent(r, 85) ? hdr + a->ndata * a->elem :
		   pick_argsz(r, hdr, hdr + a->ndata * a->elem);
}

/* What the kernel may accept; anything else succeeding is an anomaly. */
static bool irq_set_plausible(const struct irq_set_args *a)
{
	const uint32_t hdr = (uint32_t)sizeof(struct vfio_irq_set);
	uint32_t type = a->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
	uint32_t action = a->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	bool one_type = type && !(type & (type - 1));
	bool one_action = action && !(action & (action - 1));

	return !(a->flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK |
			      VFIO_IRQ_SET_ACTION_TYPE_MASK)) &&
	       one_type && one_action && a->index < VFIO_PCI_NUM_IRQS &&
	       irq_count(a->index) && a->start == 0 && a->count <= 1 &&
	       a->argsz >= hdr && a->argsz - hdr >= a->count * a->elem;
}

void op_set_irqs(struct fuzz *f, struct fuzz_dev *d)
{
	const uint32_t hdr = (uint32_t)sizeof(struct vfio_irq_set);
	unsigned char tmp[sizeof(struct vfio_irq_set) +
			  IRQ_DATA_MAX * sizeof(int32_t)];
	int fd = dev_pick_fd(f, d);
	struct irq_set_args a;
	struct vfio_irq_set set;
	unsigned char *buf;
	uint32_t i, len;
	bool good;
	void *arg;
	int rc;

	pick_irq_set(f, &a);
	set.argsz = a.argsz;
	set.flags = a.flags;
	set.index = a.index;
	set.start = a.start;
	set.count = a.count;
	memcpy(tmp, &set, hdr);
	for (i = 0; i < a.ndata; i++) {
		if (a.elem == 4) {
			int32_t efd = (a.flags & VFIO_IRQ_SET_DATA_TYPE_MASK) ==
				      VFIO_IRQ_SET_DATA_EVENTFD ?
				      fuzz_pick_efd(f, d) :
				      (int32_t)rng_next(&f->rng);

			memcpy(tmp + hdr + (size_t)i * sizeof(efd), &efd,
			       sizeof(efd));
		} else if (a.elem == 1) {
			tmp[hdr + i] = rng_percent(&f->rng, 70) ? 1 :
				       (unsigned char)rng_below(&f->rng, 3);
		}
	}
	len = hdr + a.ndata * a.elem;
	/* Packed against the guard page: reading past the data faults. */
	buf = fuzz_tail(f, len);
	memcpy(buf, tmp, len);
	arg = pick_ptr(f, buf, &good);
	if (fuzz_logging(f)) {
		int32_t e0 = -1;

		if (a.ndata && a.elem == 4)
			memcpy(&e0, tmp + hdr, sizeof(e0));
		fuzz_log(f, d, "SET_IRQS fd %d argsz %" PRIu32 " flags 0x%"
			 PRIx32 " index %" PRIu32 " start %" PRIu32 " count %"
			 PRIu32 " data[0] %" PRId32 " arg %s", fd, a.argsz,
			 a.flags, a.index, a.start, a.count, e0,
			 arg_desc(f, arg).s);
	}
	rc = ioctl(fd, VFIO_DEVICE_SET_IRQS, arg);
	fuzz_result(f, OP_SET_IRQS, rc, errno);
	if (!rc && fd >= 0 && (!good || !irq_set_plausible(&a)))
		fuzz_anomaly(f, d, "SET_IRQS argsz %" PRIu32 " flags 0x%" PRIx32
			     " index %" PRIu32 " start %" PRIu32 " count %"
			     PRIu32 " succeeded", a.argsz, a.flags, a.index,
			     a.start, a.count);
}

void op_reset(struct fuzz *f, struct fuzz_dev *d)
{
	int fd = dev_pick_fd(f, d);
	/* The argument is unused: any value must do. */
	unsigned long arg = rng_percent(&f->rng, 80) ? 0 :
			    (unsigned long)rng_next(&f->rng);
	int rc;

	fuzz_log(f, d, "RESET fd %d arg 0x%lx", fd, arg);
	rc = ioctl(fd, VFIO_DEVICE_RESET, arg);
	fuzz_result(f, OP_RESET, rc, errno);
	if (rc && fd >= 0)
		fuzz_anomaly(f, d, "RESET failed: errno %d", errno);
}

/* The device ioctls 6.1 implements for an mdev: all others must fail. */
static bool known_ioctl(unsigned long cmd)
{
	return cmd == VFIO_DEVICE_GET_INFO ||
	       cmd == VFIO_DEVICE_GET_REGION_INFO ||
	       cmd == VFIO_DEVICE_GET_IRQ_INFO ||
	       cmd == VFIO_DEVICE_SET_IRQS || cmd == VFIO_DEVICE_RESET ||
	       cmd == VFIO_DEVICE_FEATURE;
}

/*
 * The VFS answers some ioctl numbers itself on any file (FIONBIO, FIFREEZE,
 * FICLONE, FS_IOC_*...): those never reach the driver and some act on the
 * file or its file system, so their types are moved to VFIO's.
 */
static unsigned long avoid_vfs_ioctls(unsigned long cmd)
{
	switch (_IOC_TYPE(cmd)) {
	case 0x00: case 'T': case 'X': case 'f': case 0x94:
		return (cmd & ~((unsigned long)_IOC_TYPEMASK << _IOC_TYPESHIFT)) |
		       ((unsigned long)VFIO_TYPE << _IOC_TYPESHIFT);
	default:
		return cmd;
	}
}

static unsigned long pick_cmd(struct rng *r)
{
	unsigned int what = (unsigned int)rng_below(r, 10);
	unsigned long dir = (unsigned long)rng_below(r, 4);
	unsigned long nr = (unsigned long)rng_below(r, 256);
	unsigned long size = (unsigned long)rng_below(r, IOC_SIZE_MAX + 1);

	if (what < 4)	/* VFIO's own numbers, known and unknown */
		return _IO(VFIO_TYPE, VFIO_BASE + rng_below(r, 40));
	if (what < 7)
		return _IOC(dir, VFIO_TYPE, nr, size);
	if (what < 9)
		return avoid_vfs_ioctls(_IOC(dir, rng_below(r, 256), nr, size));
	return avoid_vfs_ioctls((uint32_t)rng_next(r));
}

void op_bad_ioctl(struct fuzz *f, struct fuzz_dev *d)
{
	int fd = dev_pick_fd(f, d);
	unsigned long cmd = pick_cmd(&f->rng);
	/* A random payload as large as any _IOC size, ending at the guard. */
	unsigned char *buf = fuzz_tail(f, IOC_SIZE_MAX + 1);
	unsigned int what = (unsigned int)rng_below(&f->rng, 10);
	bool good;
	void *arg = pick_ptr(f, buf, &good);
	int rc;

	if (what < 2)
		arg = (void *)(uintptr_t)rng_below(&f->rng, 256); // NOLINT(performance-no-int-to-ptr)
	rng_fill(&f->rng, buf, 64);
	if (fuzz_logging(f))
		fuzz_log(f, d, "ioctl fd %d cmd 0x%lx arg %s", fd, cmd,
			 arg_desc(f, arg).s);
	rc = ioctl(fd, cmd, arg);
	fuzz_result(f, OP_BAD_IOCTL, rc, errno);
	if (rc >= 0 && fd >= 0 && !known_ioctl(cmd))
		fuzz_anomaly(f, d, "unknown ioctl 0x%lx returned %d", cmd, rc);
}
