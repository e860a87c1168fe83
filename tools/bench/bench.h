/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mtty-bench: shared declarations.
 *
 * Every figure is printed as one line that tests/bench/run.sh parses:
 *
 *   BENCH <label> <metric> <unit> <n> <median> <p10> <p90> <p99> <min> <max>
 *
 * and facts that are not timings (bytes looped back, stray signals) as
 *
 *   INFO <label> <key> <value...>
 *
 * Times come from clock_gettime(CLOCK_MONOTONIC).  Under QEMU's
 * "-icount shift=0,sleep=off" that clock advances one nanosecond per guest
 * instruction, so a "ns" figure is then an instruction count.
 */
#ifndef MTTY_BENCH_H
#define MTTY_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "vfio_mdev.h"

/* Knobs shared by all commands, set from the command line. */
struct bench_opts {
	const char *label;	/* "project", "sample", "floor" */
	unsigned int runs;	/* timed batches per per-access figure */
	unsigned int iters;	/* operations per batch */
	unsigned int irq_samples;	/* individually timed interrupts */
	unsigned int reps;	/* create+remove pairs per device count */
	unsigned int mem_rounds;	/* memory rounds at the first count */
};

extern struct bench_opts bench_opts;

/* A fixed-capacity set of measurements, in nanoseconds. */
struct bench_samples {
	double *v;
	size_t n;
	size_t cap;
};

uint64_t bench_now(void);
int samples_init(struct bench_samples *s, size_t cap);
void samples_add(struct bench_samples *s, double value);
void samples_free(struct bench_samples *s);

/* Sort @s and print its BENCH line. */
void bench_report(const char *metric, const char *unit,
		  struct bench_samples *s);
/* Print one value that has no spread (a single measurement). */
void bench_report_one(const char *metric, const char *unit, double value);

__attribute__((format(printf, 2, 3)))
void bench_info(const char *key, const char *fmt, ...);

/* Report a failed step on stderr and return -1. */
__attribute__((format(printf, 1, 2)))
int bench_fail(const char *fmt, ...);

/* One operation to time; returns 0, or -1 on failure (already reported). */
typedef int (*bench_op)(void *ctx, unsigned int i);

/*
 * Time bench_opts.runs batches of bench_opts.iters calls of @op (after one
 * untimed warm-up batch) and report the time per call of each batch.
 */
int bench_batches(const char *metric, bench_op op, void *ctx);

/* Median cost of an empty clock_gettime() pair, to subtract from samples. */
double bench_clock_overhead(void);

/* sysfs.c: create and remove mdevs, as a user would with echo. */
#define BENCH_TYPE_DIR "/sys/class/mdev_bus/mtty/mdev_supported_types"
void bench_uuid(char out[VFIO_MDEV_UUID_LEN + 1], unsigned int tag,
		unsigned int n);
int bench_mdev_create(const char *type, const char *uuid);
int bench_mdev_remove(const char *uuid);

/* device.c: an opened mtty device, BAR0 decoded as a guest would. */
struct bench_dev {
	struct vfio_mdev m;
	struct vfio_region_info cfg;
	struct vfio_region_info bar0;
	char uuid[VFIO_MDEV_UUID_LEN + 1];
};

int bench_dev_setup(struct bench_dev *d, unsigned int tag);
void bench_dev_teardown(struct bench_dev *d);
int bench_bar_out(const struct bench_dev *d, unsigned int reg, uint8_t val);
int bench_bar_in(const struct bench_dev *d, unsigned int reg, uint8_t *val);

/* The commands. */
int cmd_floor(void);
int cmd_device(void);
int cmd_irq(const char *mode);
int cmd_sysfs(const char *type, int nsizes, char **sizes);
int cmd_migration(void);

#endif /* MTTY_BENCH_H */
