// SPDX-License-Identifier: GPL-2.0-only
/*
 * "irq intx|msi": interrupt latency, from the start of the THR write that
 * raises the receive-data interrupt to the moment the trigger eventfd has
 * been read, each interrupt timed on its own (median and 99th percentile).
 *
 * Between two interrupts, untimed: the byte is read back (the line drops)
 * and, for INTx, the line is unmasked, which the INTx protocol requires
 * after each automasked interrupt.  The unmask ioctl is timed as a figure
 * of its own.
 *
 * Order matters for the kernel's sample: it dereferences a NULL eventfd if
 * an interrupt is raised before one is set, so the eventfd is set before
 * interrupts are enabled in IER.  Each mode uses its own fresh device,
 * because the sample keeps eventfds across closes.
 */
#include "bench.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/serial_reg.h>

#define IRQ_TAG_INTX		0x1e0
#define IRQ_TAG_MSI		0x1e1
#define IRQ_BYTE		0x55
#define IRQ_TIMEOUT_MS		2000
#define IRQ_WARMUP		16

struct irq_run {
	struct bench_dev d;
	uint32_t index;
	int efd;
	unsigned int stray;	/* signals nobody asked for */
};

/* Consume a signal that is not the one being timed, if there is one. */
static void drain_stray(struct irq_run *r)
{
	uint64_t cnt;

	if (read(r->efd, &cnt, sizeof(cnt)) == (ssize_t)sizeof(cnt))
		r->stray++;
}

/* One interrupt: returns its latency in ns, or -1. */
static double one_irq(struct irq_run *r, double clock_cost,
		      struct bench_samples *unmask)
{
	uint8_t out = IRQ_BYTE, in;
	uint64_t t0, t1, cnt;
	ssize_t n;

	drain_stray(r);
	t0 = bench_now();
	if (pwrite(r->d.m.device_fd, &out, 1,
		   (off_t)(r->d.bar0.offset + UART_TX)) != 1)
		return bench_fail("THR write");
	n = read(r->efd, &cnt, sizeof(cnt));
	if (n != (ssize_t)sizeof(cnt)) {
		/* Not signalled by the write itself: wait (and say so). */
		if (n >= 0 || errno != EAGAIN)
			return bench_fail("read of the eventfd");
		if (vfio_mdev_eventfd_wait(r->efd, IRQ_TIMEOUT_MS) != 1) {
			errno = ETIMEDOUT;
			return bench_fail("no interrupt after a THR write");
		}
		bench_info("late_signal", "1");
	}
	t1 = bench_now();

	if (bench_bar_in(&r->d, UART_RX, &in))
		return -1;
	if (r->index == VFIO_PCI_INTX_IRQ_INDEX) {
		uint64_t u0 = bench_now();

		if (vfio_mdev_irq_unmask(&r->d.m, r->index))
			return bench_fail("INTx unmask");
		if (unmask)
			samples_add(unmask, (double)(bench_now() - u0) -
				    clock_cost);
	}
	return (double)(t1 - t0) - clock_cost;
}

static int irq_setup(struct irq_run *r, unsigned int tag)
{
	if (bench_dev_setup(&r->d, tag))
		return -1;
	r->efd = vfio_mdev_eventfd_open();
	if (r->efd < 0)
		goto err;
	if (vfio_mdev_irq_set_eventfd(&r->d.m, r->index, r->efd))
		goto err_efd;
	/* FIFOs on with a 1-byte trigger: every byte raises the interrupt. */
	if (bench_bar_out(&r->d, UART_LCR, UART_LCR_WLEN8) ||
	    bench_bar_out(&r->d, UART_FCR, UART_FCR_ENABLE_FIFO |
			  UART_FCR_CLEAR_RCVR | UART_FCR_CLEAR_XMIT |
			  UART_FCR_TRIGGER_1) ||
	    bench_bar_out(&r->d, UART_IER, UART_IER_RDI))
		goto err_efd;
	return 0;

err_efd:
	close(r->efd);
err:
	bench_dev_teardown(&r->d);
	return -1;
}

int cmd_irq(const char *mode)
{
	struct irq_run r = { .efd = -1 };
	struct bench_samples lat, unmask;
	double clock_cost, ns;
	unsigned int i, tag;
	char metric[32];
	int ret = -1;

	if (!strcmp(mode, "intx")) {
		r.index = VFIO_PCI_INTX_IRQ_INDEX;
		tag = IRQ_TAG_INTX;
	} else if (!strcmp(mode, "msi")) {
		r.index = VFIO_PCI_MSI_IRQ_INDEX;
		tag = IRQ_TAG_MSI;
	} else {
		errno = EINVAL;
		return bench_fail("irq mode must be intx or msi, not %s", mode);
	}
	if (samples_init(&lat, bench_opts.irq_samples))
		return -1;
	if (samples_init(&unmask, bench_opts.irq_samples))
		goto out_lat;
	if (irq_setup(&r, tag))
		goto out_unmask;

	clock_cost = bench_clock_overhead();
	for (i = 0; i < IRQ_WARMUP; i++)
		if (one_irq(&r, clock_cost, NULL) < 0)
			goto out;
	for (i = 0; i < bench_opts.irq_samples; i++) {
		ns = one_irq(&r, clock_cost, &unmask);
		if (ns < 0)
			goto out;
		samples_add(&lat, ns);
	}
	snprintf(metric, sizeof(metric), "irq_%s", mode);
	bench_report(metric, "ns", &lat);
	if (r.index == VFIO_PCI_INTX_IRQ_INDEX)
		bench_report("intx_unmask", "ns", &unmask);
	bench_info(metric, "stray_signals %u clock_cost_ns %.0f", r.stray,
		   clock_cost);
	ret = 0;
out:
	/* Interrupts off before the device goes (the sample never turns them off). */
	bench_bar_out(&r.d, UART_IER, 0);
	close(r.efd);
	bench_dev_teardown(&r.d);
out_unmask:
	samples_free(&unmask);
out_lat:
	samples_free(&lat);
	return ret;
}
