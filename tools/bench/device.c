// SPDX-License-Identifier: GPL-2.0-only
/*
 * "device": per-access costs through the VFIO device fd of one mtty-1
 * device: 1-byte BAR register reads and writes, config-space dword reads,
 * loopback of a FIFO's worth of bytes, and device open/close.
 *
 * Every access is one pread/pwrite at a precomputed file position, the same
 * shape as the floor's accesses to /dev/zero.
 */
#include "bench.h"

#include <errno.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/serial_reg.h>

#define DEVICE_TAG		0xde0
/* Where a guest's BIOS might put the I/O BAR; any aligned value will do. */
#define BAR0_IO_ADDR		0xc000u
#define FIFO_BYTES		16
#define OPEN_CLOSE_DIVISOR	4	/* open/close is slow: fewer per batch */

int bench_bar_out(const struct bench_dev *d, unsigned int reg, uint8_t val)
{
	if (pwrite(d->m.device_fd, &val, 1, (off_t)(d->bar0.offset + reg)) != 1)
		return bench_fail("BAR0 write of register %u", reg);
	return 0;
}

int bench_bar_in(const struct bench_dev *d, unsigned int reg, uint8_t *val)
{
	if (pread(d->m.device_fd, val, 1, (off_t)(d->bar0.offset + reg)) != 1)
		return bench_fail("BAR0 read of register %u", reg);
	return 0;
}

static int cfg_out(const struct bench_dev *d, unsigned int off,
		   const void *val, size_t len)
{
	if (pwrite(d->m.device_fd, val, len, (off_t)(d->cfg.offset + off)) !=
	    (ssize_t)len)
		return bench_fail("config write at 0x%x", off);
	return 0;
}

/*
 * Create and open a fresh mtty-1 and program it as a guest's firmware
 * would: BAR0 gets an I/O address and I/O decoding is turned on.  The
 * kernel's sample re-reads its BAR addresses on every BAR access until BAR0
 * holds a non-zero address, which no real guest leaves it at.
 */
int bench_dev_setup(struct bench_dev *d, unsigned int tag)
{
	struct vfio_device_info info;
	uint32_t bar = BAR0_IO_ADDR | PCI_BASE_ADDRESS_SPACE_IO;
	uint16_t cmd = PCI_COMMAND_IO;

	bench_uuid(d->uuid, tag, 0);
	if (bench_mdev_create("mtty-1", d->uuid))
		return -1;
	if (vfio_mdev_open(&d->m, d->uuid)) {
		bench_fail("open %s", d->uuid);
		goto err_remove;
	}
	/* The sample refuses irq ioctls until GET_INFO has been called. */
	if (vfio_mdev_device_info(&d->m, &info) ||
	    vfio_mdev_region_info(&d->m, VFIO_PCI_CONFIG_REGION_INDEX,
				  &d->cfg) ||
	    vfio_mdev_region_info(&d->m, VFIO_PCI_BAR0_REGION_INDEX,
				  &d->bar0)) {
		bench_fail("device info of %s", d->uuid);
		goto err_close;
	}
	if (cfg_out(d, PCI_BASE_ADDRESS_0, &bar, sizeof(bar)) ||
	    cfg_out(d, PCI_COMMAND, &cmd, sizeof(cmd)))
		goto err_close;
	return 0;

err_close:
	vfio_mdev_close(&d->m);
err_remove:
	bench_mdev_remove(d->uuid);
	return -1;
}

void bench_dev_teardown(struct bench_dev *d)
{
	vfio_mdev_close(&d->m);
	bench_mdev_remove(d->uuid);
}

static int op_read_scr(void *ctx, unsigned int i)
{
	uint8_t v;

	(void)i;
	return bench_bar_in(ctx, UART_SCR, &v);
}

static int op_read_lsr(void *ctx, unsigned int i)
{
	uint8_t v;

	(void)i;
	return bench_bar_in(ctx, UART_LSR, &v);
}

static int op_write_scr(void *ctx, unsigned int i)
{
	return bench_bar_out(ctx, UART_SCR, (uint8_t)i);
}

static int op_read_cfg(void *ctx, unsigned int i)
{
	const struct bench_dev *d = ctx;
	uint32_t v;

	(void)i;
	if (pread(d->m.device_fd, &v, sizeof(v),
		  (off_t)(d->cfg.offset + PCI_VENDOR_ID)) != sizeof(v))
		return bench_fail("config dword read");
	return 0;
}

struct loop_ctx {
	const struct bench_dev *d;
	unsigned int bytes;
};

static int op_loop(void *ctx, unsigned int i)
{
	const struct loop_ctx *l = ctx;
	unsigned int b;
	uint8_t v;

	for (b = 0; b < l->bytes; b++)
		if (bench_bar_out(l->d, UART_TX, (uint8_t)(i + b)))
			return -1;
	for (b = 0; b < l->bytes; b++)
		if (bench_bar_in(l->d, UART_RX, &v))
			return -1;
	return 0;
}

/* Empty both FIFOs, keep them enabled with a trigger level of 1 byte. */
static int fifo_reset(const struct bench_dev *d)
{
	return bench_bar_out(d, UART_FCR, UART_FCR_ENABLE_FIFO |
			     UART_FCR_CLEAR_RCVR | UART_FCR_CLEAR_XMIT);
}

/*
 * Loop @bytes through the port once and count how many came back intact:
 * a throughput figure means little for bytes that are lost.
 */
static int loop_check(const struct bench_dev *d, unsigned int bytes,
		      const char *key)
{
	unsigned int b, good = 0;
	uint8_t v;

	if (fifo_reset(d))
		return -1;
	for (b = 0; b < bytes; b++)
		if (bench_bar_out(d, UART_TX, (uint8_t)(0x41 + b)))
			return -1;
	for (b = 0; b < bytes; b++) {
		if (bench_bar_in(d, UART_RX, &v))
			return -1;
		good += v == (uint8_t)(0x41 + b);
	}
	bench_info(key, "%u/%u", good, bytes);
	return fifo_reset(d);
}

static int loop_figure(const struct bench_dev *d, unsigned int bytes)
{
	struct loop_ctx l = { .d = d, .bytes = bytes };
	char key[32];

	snprintf(key, sizeof(key), "loop%u_ok", bytes);
	if (loop_check(d, bytes, key))
		return -1;
	snprintf(key, sizeof(key), "loop%u", bytes);
	return bench_batches(key, op_loop, &l);
}

struct open_ctx {
	int group_fd;
	const char *uuid;
};

static int op_open_close(void *ctx, unsigned int i)
{
	const struct open_ctx *o = ctx;
	int fd;

	(void)i;
	fd = ioctl(o->group_fd, VFIO_GROUP_GET_DEVICE_FD, o->uuid);
	if (fd < 0)
		return bench_fail("VFIO_GROUP_GET_DEVICE_FD");
	/* close() of the last reference releases the device before returning. */
	if (close(fd))
		return bench_fail("close of the device fd");
	return 0;
}

/*
 * The device's first open and last close are what a VM start and stop pay,
 * so the fd held by setup is closed first: every timed open is a first one.
 */
static int open_close_figure(struct bench_dev *d)
{
	struct open_ctx o = { .group_fd = d->m.group_fd, .uuid = d->uuid };
	unsigned int iters = bench_opts.iters;
	int ret;

	close(d->m.device_fd);
	d->m.device_fd = -1;
	bench_opts.iters = iters / OPEN_CLOSE_DIVISOR ? iters /
			   OPEN_CLOSE_DIVISOR : 1;
	ret = bench_batches("open_close", op_open_close, &o);
	bench_opts.iters = iters;
	return ret;
}

int cmd_device(void)
{
	struct bench_dev d;
	int ret = -1;

	if (bench_dev_setup(&d, DEVICE_TAG))
		return -1;
	/* 8N1 and FIFOs on, as a serial driver leaves the port. */
	if (bench_bar_out(&d, UART_LCR, UART_LCR_WLEN8) || fifo_reset(&d))
		goto out;
	if (bench_batches("bar_read_scr", op_read_scr, &d) ||
	    bench_batches("bar_read_lsr", op_read_lsr, &d) ||
	    bench_batches("bar_write_scr", op_write_scr, &d) ||
	    bench_batches("cfg_read_dword", op_read_cfg, &d) ||
	    loop_figure(&d, FIFO_BYTES) ||
	    loop_figure(&d, FIFO_BYTES - 1) ||
	    open_close_figure(&d))
		goto out;
	ret = 0;
out:
	bench_dev_teardown(&d);
	return ret;
}
