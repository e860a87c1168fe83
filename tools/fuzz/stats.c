// SPDX-License-Identifier: GPL-2.0-only
/*
 * Counting what the fuzzer did: ops and successes per kind, an errno
 * histogram, anomalies, and the summary printed at the end.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"

static const char *const names[OP_KINDS] = {
	[OP_READ] = "read",
	[OP_WRITE] = "write",
	[OP_FPOS_RW] = "fpos-rw",
	[OP_MMAP] = "mmap",
	[OP_GET_INFO] = "get-info",
	[OP_REGION_INFO] = "region-info",
	[OP_IRQ_INFO] = "irq-info",
	[OP_SET_IRQS] = "set-irqs",
	[OP_RESET] = "reset",
	[OP_BAD_IOCTL] = "bad-ioctl",
	[OP_EVENTFD] = "eventfd",
	[OP_FD_CYCLE] = "fd-cycle",
	[OP_REOPEN] = "reopen",
	[OP_MIG_STATE] = "mig-state",
	[OP_MIG_DATA] = "mig-data",
};

const char *op_name(enum op_kind kind)
{
	return kind < OP_KINDS ? names[kind] : "?";
}

static unsigned int errno_slot(int err)
{
	if (err <= 0 || err >= FUZZ_ERRNO_SLOTS)
		return FUZZ_ERRNO_SLOTS - 1;
	return (unsigned int)err;
}

/* "EINVAL", or "errno N" for the shared last slot and unnamed values. */
static const char *errno_label(unsigned int slot, char *buf, size_t len)
{
	const char *name = NULL;

	if (slot < FUZZ_ERRNO_SLOTS - 1)
		name = strerrorname_np((int)slot);
	if (name)
		return name;
	if (slot == FUZZ_ERRNO_SLOTS - 1)
		snprintf(buf, len, "other");
	else
		snprintf(buf, len, "errno%u", slot);
	return buf;
}

void fuzz_result(struct fuzz *f, enum op_kind kind, long rc, int err)
{
	struct op_stats *s = &f->stats[kind];

	s->ops++;
	if (rc >= 0)
		s->ok++;
	else
		s->err[errno_slot(err)]++;
	if (f->op_index >= f->log_from) {
		if (rc >= 0)
			fprintf(stderr, "  -> %ld\n", rc);
		else
			fprintf(stderr, "  -> -1 %s\n",
				strerrorname_np(err) ? strerrorname_np(err) :
				"?");
	}
}

static void vprint_op(const struct fuzz *f, const struct fuzz_dev *d,
		      const char *what, const char *fmt, va_list ap)
{
	fprintf(stderr, "mtty-fuzz: %sop %" PRIu64 " dev %s: ", what,
		f->op_index, d ? d->uuid : "-");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void fuzz_anomaly(struct fuzz *f, const struct fuzz_dev *d,
		  const char *fmt, ...)
{
	va_list ap;

	f->anomalies++;
	if (f->anomalies > FUZZ_ANOMALY_PRINT)
		return;
	va_start(ap, fmt);
	vprint_op(f, d, "ANOMALY at ", fmt, ap);
	va_end(ap);
	if (f->anomalies == FUZZ_ANOMALY_PRINT)
		fprintf(stderr, "mtty-fuzz: further anomalies are only counted\n");
}

void fuzz_log(const struct fuzz *f, const struct fuzz_dev *d,
	      const char *fmt, ...)
{
	va_list ap;

	if (f->op_index < f->log_from)
		return;
	va_start(ap, fmt);
	vprint_op(f, d, "", fmt, ap);
	va_end(ap);
}

static void print_errnos(const uint64_t *err)
{
	char buf[32];
	const char *sep = "";
	unsigned int i;

	for (i = 0; i < FUZZ_ERRNO_SLOTS; i++) {
		if (!err[i])
			continue;
		printf("%s%s %" PRIu64, sep, errno_label(i, buf, sizeof(buf)),
		       err[i]);
		sep = ", ";
	}
	putchar('\n');
}

void fuzz_summary(const struct fuzz *f, double seconds)
{
	uint64_t total_err[FUZZ_ERRNO_SLOTS] = { 0 };
	uint64_t total = 0, ok = 0;
	unsigned int k, i;

	printf("%-12s %10s %10s  %s\n", "kind", "ops", "ok", "errors");
	for (k = 0; k < OP_KINDS; k++) {
		const struct op_stats *s = &f->stats[k];

		printf("%-12s %10" PRIu64 " %10" PRIu64 "  ", names[k], s->ops,
		       s->ok);
		print_errnos(s->err);
		total += s->ops;
		ok += s->ok;
		for (i = 0; i < FUZZ_ERRNO_SLOTS; i++)
			total_err[i] += s->err[i];
	}
	printf("%-12s %10" PRIu64 " %10" PRIu64 "\n", "total", total, ok);
	printf("errno histogram: ");
	print_errnos(total_err);
	for (i = 0; i < f->ndevs; i++)
		printf("device %s: %" PRIu64 " ops%s\n", f->devs[i].uuid,
		       f->devs[i].ops, f->devs[i].gone ? " (removed)" : "");
	printf("ops done %" PRIu64 " in %.1f s (%.0f ops/s), %" PRIu64
	       " anomalies\n", total, seconds,
	       seconds > 0 ? (double)total / seconds : 0.0, f->anomalies);
}
