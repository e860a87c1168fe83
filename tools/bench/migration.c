// SPDX-License-Identifier: GPL-2.0-only
/*
 * "migration": the cost of moving one mtty-1's state, as QEMU moves it.
 * A source device holds 8 unread bytes in its FIFO (a guest mid-transfer);
 * each round saves it (RUNNING -> STOP_COPY, the data fd read to its end)
 * and loads the stream into a destination device (RUNNING -> RESUMING,
 * the stream written, RESUMING -> RUNNING), then runs the source again.
 *
 * Figures: the stream's size; the save (state change and read); the
 * resume (state change, write, state change back to RUNNING); and the
 * device part of a migration's downtime, from the source leaving RUNNING
 * to the destination running, which is what a guest cannot run through.
 * A module without VFIO migration prints INFO <label> migration none.
 */
#include "bench.h"

#include <errno.h>
#include <unistd.h>

#include <linux/serial_reg.h>

#define SRC_TAG		0xe10
#define DST_TAG		0xe20
#define UNREAD_BYTES	8
#define STREAM_ROOM	4096

struct mig_ctx {
	struct bench_dev src, dst;
	unsigned char buf[STREAM_ROOM];
	size_t len;
	struct bench_samples save, resume, downtime;
};

/* RUNNING -> STOP_COPY, read to the end, close; the device stays stopped. */
static int save(struct mig_ctx *c)
{
	int fd = -1;
	ssize_t n;

	if (vfio_mdev_mig_set_state(&c->src.m, VFIO_DEVICE_STATE_STOP_COPY, &fd))
		return bench_fail("source to STOP_COPY");
	c->len = 0;
	do {
		n = read(fd, c->buf + c->len, sizeof(c->buf) - c->len);
		if (n > 0)
			c->len += (size_t)n;
	} while (n > 0 && c->len < sizeof(c->buf));
	close(fd);
	if (n < 0)
		return bench_fail("read of the source's state: errno %d", errno);
	return 0;
}

/* RUNNING -> RESUMING, write, -> RUNNING. */
static int resume(struct mig_ctx *c)
{
	int fd = -1;
	ssize_t n;

	if (vfio_mdev_mig_set_state(&c->dst.m, VFIO_DEVICE_STATE_RESUMING, &fd))
		return bench_fail("destination to RESUMING");
	n = write(fd, c->buf, c->len);
	close(fd);
	if (n != (ssize_t)c->len)
		return bench_fail("write of the state: %zd of %zu", n, c->len);
	if (vfio_mdev_mig_set_state(&c->dst.m, VFIO_DEVICE_STATE_RUNNING, NULL))
		return bench_fail("destination back to RUNNING");
	return 0;
}

static int round_trip(struct mig_ctx *c, double overhead)
{
	uint64_t t0, t1, t2;

	t0 = bench_now();
	if (save(c))
		return -1;
	t1 = bench_now();
	if (resume(c))
		return -1;
	t2 = bench_now();
	if (vfio_mdev_mig_set_state(&c->src.m, VFIO_DEVICE_STATE_RUNNING, NULL))
		return bench_fail("source back to RUNNING");
	samples_add(&c->save, (double)(t1 - t0) - overhead);
	samples_add(&c->resume, (double)(t2 - t1) - overhead);
	samples_add(&c->downtime, (double)(t2 - t0) - overhead);
	return 0;
}

int cmd_migration(void)
{
	static struct mig_ctx c;
	unsigned int i, n = bench_opts.runs * 4;
	uint64_t flags = 0;
	double overhead;
	int rc = -1;

	if (bench_dev_setup(&c.src, SRC_TAG))
		return -1;
	if (bench_dev_setup(&c.dst, DST_TAG)) {
		bench_dev_teardown(&c.src);
		return -1;
	}
	c.src.m.quiet = true;
	if (vfio_mdev_mig_flags(&c.src.m, &flags) ||
	    !(flags & VFIO_MIGRATION_STOP_COPY)) {
		bench_info("migration", "none");
		rc = 0;
		goto out;
	}
	c.src.m.quiet = false;
	bench_info("migration", "flags 0x%llx", (unsigned long long)flags);
	for (i = 0; i < UNREAD_BYTES; i++)
		if (bench_bar_out(&c.src, UART_TX, (uint8_t)('a' + i)))
			goto out;
	if (samples_init(&c.save, n) || samples_init(&c.resume, n) ||
	    samples_init(&c.downtime, n))
		goto out_samples;
	overhead = bench_clock_overhead();
	/* One untimed round: the stream's size, and warm caches. */
	if (save(&c) || resume(&c) ||
	    vfio_mdev_mig_set_state(&c.src.m, VFIO_DEVICE_STATE_RUNNING, NULL))
		goto out_samples;
	bench_report_one("mig_state_size", "bytes", (double)c.len);
	for (i = 0; i < n; i++)
		if (round_trip(&c, overhead))
			goto out_samples;
	bench_report("mig_save", "ns", &c.save);
	bench_report("mig_resume", "ns", &c.resume);
	bench_report("mig_downtime", "ns", &c.downtime);
	rc = 0;
out_samples:
	samples_free(&c.save);
	samples_free(&c.resume);
	samples_free(&c.downtime);
out:
	bench_dev_teardown(&c.dst);
	bench_dev_teardown(&c.src);
	return rc;
}
