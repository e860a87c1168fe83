// SPDX-License-Identifier: GPL-2.0-only
/*
 * Region accesses with any index, offset and size: mostly near the real
 * registers (where the driver does work), and often just past them, at the
 * top of a region's 2^40 window, at offsets that overflow, and at sizes far
 * beyond any region.  The oracle: an access succeeds, in full, exactly when
 * it lies inside a region the device reported.
 */
#include <errno.h>
#include <inttypes.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

#define REGION_SHIFT	40
#define REGION_SPAN	(1ULL << REGION_SHIFT)
/* Largest size used by the register-level accesses: a config space + 44. */
#define NEAR_SIZE	300

struct access {
	uint64_t pos;
	uint64_t len;
};

static uint64_t pick_index(struct rng *r)
{
	static const uint64_t odd[] = {
		VFIO_PCI_NUM_REGIONS, VFIO_PCI_NUM_REGIONS + 1, 255,
		(1ULL << (63 - REGION_SHIFT)) - 1, 1ULL << (63 - REGION_SHIFT),
		(1ULL << (64 - REGION_SHIFT)) - 1,
	};
	unsigned int what = (unsigned int)rng_below(r, 100);

	if (what < 45)
		return VFIO_PCI_CONFIG_REGION_INDEX;
	if (what < 70)
		return VFIO_PCI_BAR0_REGION_INDEX;
	if (what < 85)
		return VFIO_PCI_BAR1_REGION_INDEX;
	if (what < 95)
		return rng_below(r, VFIO_PCI_NUM_REGIONS);
	if (what < 98)
		return RNG_PICK(r, odd);
	return rng_next(r) >> REGION_SHIFT;
}

/* Offset inside the region's window; @span is the size it may have. */
static uint64_t pick_offset(struct rng *r, uint64_t span)
{
	unsigned int what = (unsigned int)rng_below(r, 100);

	if (what < 60)
		return rng_below(r, span + 8);
	if (what < 75)	/* the last bytes and just past them */
		return span - 4 + rng_below(r, 9);
	if (what < 85)	/* the top of the window, which overflows into the next */
		return REGION_SPAN - 1 - rng_below(r, 8);
	if (what < 95)
		return rng_below(r, REGION_SPAN);
	return rng_next(r);	/* anything, added to the index below */
}

static uint64_t pick_len(struct rng *r)
{
	static const uint64_t edges[] = { 0, 3, 7, 8, 9, 255, 256, 257 };
	static const uint64_t huge[] = {
		FUZZ_AREA_LEN + 1, 0x7ffff000, 0x80000000, UINT64_MAX >> 1,
		UINT64_MAX, 1ULL << 40,
	};
	unsigned int what = (unsigned int)rng_below(r, 100);

	if (what < 40)
		return 1;
	if (what < 55)
		return 2;
	if (what < 65)
		return 4;
	if (what < 80)
		return rng_below(r, NEAR_SIZE + 1);
	if (what < 90)
		return RNG_PICK(r, edges);
	if (what < 97)
		return 1 + rng_below(r, FUZZ_AREA_LEN);
	return RNG_PICK(r, huge);
}

static struct access pick_access(struct rng *r)
{
	uint64_t index = pick_index(r);
	uint64_t span = index == VFIO_PCI_CONFIG_REGION_INDEX ? 256 : 8;
	struct access a;

	/* Unsigned wrap-around is wanted: it makes the overflowing offsets. */
	a.pos = (index << REGION_SHIFT) + pick_offset(r, span);
	a.len = pick_len(r);
	return a;
}

/* Does the access lie inside one region the device reported? */
static bool access_valid(const struct fuzz_dev *d, const struct access *a)
{
	uint64_t index = a->pos >> REGION_SHIFT;
	uint64_t off = a->pos & (REGION_SPAN - 1);
	uint64_t size;

	if (a->pos > INT64_MAX || index >= VFIO_PCI_NUM_REGIONS || !a->len)
		return false;
	size = d->region_size[index];
	return off < size && a->len <= size - off;
}

/*
 * Compare with the oracle.  Only meaningful on a real device fd: the
 * extra fd may be closed (-1) on purpose.
 */
static void judge(struct fuzz *f, struct fuzz_dev *d, int fd, const char *op,
		  const struct access *a, ssize_t n, int err)
{
	bool valid = access_valid(d, a);

	if (fd < 0)
		return;
	if (valid && (n < 0 || (uint64_t)n != a->len))
		fuzz_anomaly(f, d, "%s of %" PRIu64 " at 0x%" PRIx64
			     " inside a region returned %zd (errno %d)",
			     op, a->len, a->pos, n, n < 0 ? err : 0);
	else if (!valid && n >= 0)
		fuzz_anomaly(f, d, "%s of %" PRIu64 " at 0x%" PRIx64
			     " outside every region returned %zd",
			     op, a->len, a->pos, n);
}

/* pread or pwrite (@kind OP_READ or OP_WRITE) of a picked access. */
static void region_rw(struct fuzz *f, struct fuzz_dev *d, enum op_kind kind)
{
	bool do_write = kind == OP_WRITE;
	const char *op = do_write ? "pwrite" : "pread";
	int fd = dev_pick_fd(f, d);
	struct access a = pick_access(&f->rng);
	unsigned char *buf = fuzz_tail(f, a.len);
	ssize_t n;
	int err;

	/* Fresh bytes where the registers are; big buffers keep old ones. */
	if (do_write && a.len <= NEAR_SIZE)
		rng_fill(&f->rng, buf, (size_t)a.len);
	fuzz_log(f, d, "%s fd %d len %" PRIu64 " pos 0x%" PRIx64, op, fd,
		 a.len, a.pos);
	/* Huge lengths run into the guard page: a fault, never an overflow. */
	if (do_write)
		n = pwrite(fd, buf, (size_t)a.len, (off_t)a.pos);
	else
		n = pread(fd, buf, (size_t)a.len, (off_t)a.pos);
	err = errno;
	fuzz_result(f, kind, n, err);
	judge(f, d, fd, op, &a, n, err);
}

void op_read(struct fuzz *f, struct fuzz_dev *d)
{
	region_rw(f, d, OP_READ);
}

void op_write(struct fuzz *f, struct fuzz_dev *d)
{
	region_rw(f, d, OP_WRITE);
}

/*
 * read()/write() at the file position.  Drivers may or may not advance it
 * (vfio-pci does), so the only oracle is that no more than asked is done.
 */
void op_fpos_rw(struct fuzz *f, struct fuzz_dev *d)
{
	int fd = dev_pick_fd(f, d);
	bool do_write = rng_percent(&f->rng, 50);
	struct access a = { .len = rng_below(&f->rng, 12) };
	unsigned char *buf = fuzz_tail(f, a.len);
	ssize_t n;
	int err;

	fuzz_log(f, d, "%s fd %d len %" PRIu64, do_write ? "write" : "read",
		 fd, a.len);
	if (do_write) {
		rng_fill(&f->rng, buf, (size_t)a.len);
		n = write(fd, buf, (size_t)a.len);
	} else {
		n = read(fd, buf, (size_t)a.len);
	}
	err = errno;
	fuzz_result(f, OP_FPOS_RW, n, err);
	if (n > (ssize_t)a.len)
		fuzz_anomaly(f, d, "%s of %" PRIu64 " returned %zd",
			     do_write ? "write" : "read", a.len, n);
}

/* The driver has no mmap: every mapping must be refused. */
void op_mmap(struct fuzz *f, struct fuzz_dev *d)
{
	static const int prots[] = {
		PROT_READ, PROT_WRITE, PROT_READ | PROT_WRITE, PROT_NONE,
	};
	int fd = dev_pick_fd(f, d);
	size_t len = (size_t)(1 + rng_below(&f->rng, 4)) * 4096;
	int prot = RNG_PICK(&f->rng, prots);
	int flags = rng_percent(&f->rng, 80) ? MAP_SHARED : MAP_PRIVATE;
	uint64_t index = rng_below(&f->rng, VFIO_PCI_NUM_REGIONS + 2);
	off_t off = (off_t)(index << REGION_SHIFT);
	void *p;

	fuzz_log(f, d, "mmap fd %d len %zu off 0x%llx", fd, len,
		 (unsigned long long)off);
	p = mmap(NULL, len, prot, flags, fd, off);
	fuzz_result(f, OP_MMAP, p == MAP_FAILED ? -1 : 0, errno);
	if (p != MAP_FAILED) {
		fuzz_anomaly(f, d, "mmap of region %" PRIu64 " succeeded",
			     index);
		munmap(p, len);
	}
}
