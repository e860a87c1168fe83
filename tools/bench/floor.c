// SPDX-License-Identifier: GPL-2.0-only
/*
 * "floor": the same-sized system calls on /dev/zero, the cheapest character
 * device there is.  No driver can answer a pread faster than this, so it is
 * the yardstick for the register figures.  The calls have the same shape as
 * in device.c (pread/pwrite at a file position, through the same bench_op
 * indirection), so only the driver's own work differs.
 */
#include "bench.h"

#include <fcntl.h>
#include <unistd.h>

/* Same loop lengths as the device's loopback figures. */
#define FLOOR_LOOP_BYTES	16

struct floor_ctx {
	int fd;
	unsigned int loop_bytes;
	uint8_t buf[4];
};

static int floor_pread1(void *ctx, unsigned int i)
{
	struct floor_ctx *f = ctx;

	(void)i;
	return pread(f->fd, f->buf, 1, 7) == 1 ? 0 :
	       bench_fail("pread of /dev/zero");
}

static int floor_pread4(void *ctx, unsigned int i)
{
	struct floor_ctx *f = ctx;

	(void)i;
	return pread(f->fd, f->buf, 4, 0) == 4 ? 0 :
	       bench_fail("pread of /dev/zero");
}

static int floor_pwrite1(void *ctx, unsigned int i)
{
	struct floor_ctx *f = ctx;

	f->buf[0] = (uint8_t)i;
	return pwrite(f->fd, f->buf, 1, 7) == 1 ? 0 :
	       bench_fail("pwrite of /dev/zero");
}

/* N one-byte writes then N one-byte reads, as the loopback figures. */
static int floor_loop(void *ctx, unsigned int i)
{
	struct floor_ctx *f = ctx;
	unsigned int b;

	for (b = 0; b < f->loop_bytes; b++) {
		f->buf[0] = (uint8_t)(i + b);
		if (pwrite(f->fd, f->buf, 1, 0) != 1)
			return bench_fail("pwrite of /dev/zero");
	}
	for (b = 0; b < f->loop_bytes; b++)
		if (pread(f->fd, f->buf, 1, 0) != 1)
			return bench_fail("pread of /dev/zero");
	return 0;
}

int cmd_floor(void)
{
	struct floor_ctx f = { .fd = open("/dev/zero", O_RDWR | O_CLOEXEC) };
	int ret = 0;

	if (f.fd < 0)
		return bench_fail("open /dev/zero");
	bench_report_one("clock", "ns", bench_clock_overhead());
	if (bench_batches("pread1", floor_pread1, &f) ||
	    bench_batches("pwrite1", floor_pwrite1, &f) ||
	    bench_batches("pread4", floor_pread4, &f))
		ret = -1;
	f.loop_bytes = FLOOR_LOOP_BYTES;
	if (!ret && bench_batches("loop16", floor_loop, &f))
		ret = -1;
	f.loop_bytes = FLOOR_LOOP_BYTES - 1;
	if (!ret && bench_batches("loop15", floor_loop, &f))
		ret = -1;
	close(f.fd);
	return ret;
}
