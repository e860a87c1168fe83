// SPDX-License-Identifier: GPL-2.0-only
/*
 * "sysfs TYPE N...": the cost of creating and removing mdevs through sysfs
 * as the number of existing devices grows, and the kernel memory each one
 * takes.
 *
 * For each N (ascending): fill up to N-1 devices (each create timed), read
 * the kernel's slab usage, then time bench_opts.reps pairs of "create one
 * more, remove it" at N devices.  At the end every device is removed (each
 * remove timed).  Devices are created and removed the way a user does it,
 * with open/write/close of the sysfs files.
 */
#include "bench.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MDEV_DIR		"/sys/bus/mdev/devices"
#define SLAB_DIR		"/sys/kernel/slab"
/* Pauses before a memory reading: RCU callbacks queue more callbacks. */
#define SETTLE_NS		100000000L
#define SETTLE_ROUNDS		2
/* UUID tags: the sysfs devices, apart from those of device.c and irq.c. */
#define SYSFS_TAG		0x5f5f
#define WARMUP_DEVICES		2

void bench_uuid(char out[VFIO_MDEV_UUID_LEN + 1], unsigned int tag,
		unsigned int n)
{
	snprintf(out, VFIO_MDEV_UUID_LEN + 1,
		 "%08x-0000-4000-8000-%012x", tag, n);
}

static int write_file(const char *path, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, text, len);
	if (n >= 0 && (size_t)n != len)
		errno = EIO;
	if (close(fd) || n < 0 || (size_t)n != len)
		return -1;
	return 0;
}

int bench_mdev_create(const char *type, const char *uuid)
{
	char path[256];

	snprintf(path, sizeof(path), BENCH_TYPE_DIR "/%s/create", type);
	if (write_file(path, uuid))
		return bench_fail("create %s %s", type, uuid);
	return 0;
}

int bench_mdev_remove(const char *uuid)
{
	char path[256];

	snprintf(path, sizeof(path), MDEV_DIR "/%s/remove", uuid);
	if (write_file(path, "1"))
		return bench_fail("remove %s", uuid);
	return 0;
}

/* Kernel memory in bytes, as slab objects and as whole pages. */
struct mem_usage {
	double slab_objs;	/* sum of active_objs * objsize, /proc/slabinfo */
	double slab_pages;	/* Slab + Percpu of /proc/meminfo */
};

/*
 * Make the slab counters exact.  SLUB counts every object of a slab that a
 * CPU holds (its active slab and its per-CPU partial list) as in use, which
 * made the per-device figure at 24 devices swing by thousands of bytes
 * between rounds; "shrink" hands those slabs back to the node lists, where
 * free objects are counted as free, and releases empty slabs.
 */
static int shrink_slabs(void)
{
	char path[512];
	struct dirent *e;
	DIR *dir;

	dir = opendir(SLAB_DIR);
	if (!dir)
		return bench_fail("open " SLAB_DIR);
	while ((e = readdir(dir))) {
		/* Merged caches appear again as symlinks: once is enough. */
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), SLAB_DIR "/%s/shrink", e->d_name);
		if (write_file(path, "1")) {
			bench_fail("write %s", path);
			closedir(dir);
			return -1;
		}
	}
	closedir(dir);
	return 0;
}

/*
 * Let deferred frees happen: removed devices, and the dentries dropped
 * below, free much of their memory from RCU callbacks and work items,
 * which only run once this task sleeps.  Under icount with sleep=off an
 * idle guest skips ahead, so the pause costs no wall time.
 */
static void settle(void)
{
	struct timespec ts = { .tv_nsec = SETTLE_NS };

	nanosleep(&ts, NULL);
}

/*
 * Drop unused dentries and inodes first: the figures must not depend on
 * what happened to be looked up lately.
 */
static int read_mem(struct mem_usage *u)
{
	char line[512];
	FILE *f;
	int i;

	u->slab_objs = 0;
	u->slab_pages = 0;
	for (i = 0; i < SETTLE_ROUNDS; i++) {
		settle();
		if (write_file("/proc/sys/vm/drop_caches", "2"))
			return bench_fail("drop_caches");
	}
	settle();
	if (shrink_slabs())
		return -1;
	f = fopen("/proc/slabinfo", "re");
	if (!f)
		return bench_fail("open /proc/slabinfo");
	while (fgets(line, sizeof(line), f)) {
		unsigned long active, total, size;
		char name[128];

		if (sscanf(line, "%127s %lu %lu %lu", name, &active, &total,
			   &size) == 4)
			u->slab_objs += (double)active * (double)size;
	}
	fclose(f);
	f = fopen("/proc/meminfo", "re");
	if (!f)
		return bench_fail("open /proc/meminfo");
	while (fgets(line, sizeof(line), f)) {
		unsigned long kb;

		if (sscanf(line, "Slab: %lu kB", &kb) == 1 ||
		    sscanf(line, "Percpu: %lu kB", &kb) == 1)
			u->slab_pages += (double)kb * 1024;
	}
	fclose(f);
	return 0;
}

struct sysfs_run {
	const char *type;
	unsigned int count;	/* devices that exist now: tags 0..count-1 */
	struct bench_samples create;	/* every create of the fill */
};

static int fill_to(struct sysfs_run *r, unsigned int target)
{
	char uuid[VFIO_MDEV_UUID_LEN + 1];

	while (r->count < target) {
		uint64_t t0;

		bench_uuid(uuid, SYSFS_TAG, r->count);
		t0 = bench_now();
		if (bench_mdev_create(r->type, uuid))
			return -1;
		samples_add(&r->create, (double)(bench_now() - t0));
		r->count++;
	}
	return 0;
}

static int drain(struct sysfs_run *r, struct bench_samples *removes)
{
	char uuid[VFIO_MDEV_UUID_LEN + 1];

	while (r->count) {
		uint64_t t0;

		bench_uuid(uuid, SYSFS_TAG, r->count - 1);
		t0 = bench_now();
		if (bench_mdev_remove(uuid))
			return -1;
		if (removes)
			samples_add(removes, (double)(bench_now() - t0));
		r->count--;
	}
	return 0;
}

/* The figures of this command are named "NAME@N", N a device count. */
static void report_at(const char *name, unsigned int n, const char *unit,
		      struct bench_samples *s)
{
	char metric[64];

	snprintf(metric, sizeof(metric), "%s@%u", name, n);
	bench_report(metric, unit, s);
}

static void report_one_at(const char *name, unsigned int n,
			  const char *unit, double value)
{
	char metric[64];

	snprintf(metric, sizeof(metric), "%s@%u", name, n);
	bench_report_one(metric, unit, value);
}

static void report_mem(unsigned int n, const struct mem_usage *base,
		       const struct mem_usage *now, unsigned int devices)
{
	report_one_at("mem_slab_objs", n, "B/dev",
		      (now->slab_objs - base->slab_objs) / devices);
	report_one_at("mem_slab_pages", n, "B/dev",
		      (now->slab_pages - base->slab_pages) / devices);
}

/*
 * Memory per device at @n devices, repeated: fill, read, drain.  Slab
 * object counts carry some per-CPU caching noise that a median of a few
 * rounds removes.  Reported as a set like the timings.
 */
static int mem_rounds(struct sysfs_run *r, unsigned int n)
{
	/* Zeroed, so that samples_free() may be called on both at once. */
	struct bench_samples objs = { 0 }, pages = { 0 };
	struct mem_usage base, now;
	unsigned int i;
	int ret = -1;

	if (samples_init(&objs, bench_opts.mem_rounds) ||
	    samples_init(&pages, bench_opts.mem_rounds))
		goto out;
	for (i = 0; i < bench_opts.mem_rounds; i++) {
		if (read_mem(&base) || fill_to(r, n) || read_mem(&now) ||
		    drain(r, NULL))
			goto out;
		samples_add(&objs, (now.slab_objs - base.slab_objs) / n);
		samples_add(&pages, (now.slab_pages - base.slab_pages) / n);
	}
	report_at("mem_slab_objs", n, "B/dev", &objs);
	report_at("mem_slab_pages", n, "B/dev", &pages);
	ret = 0;
out:
	samples_free(&pages);
	samples_free(&objs);
	return ret;
}

/* With r->count devices existing, time bench_opts.reps create+remove. */
static int marginal(struct sysfs_run *r, unsigned int n)
{
	/* Zeroed, so that samples_free() may be called on all at once. */
	struct bench_samples both = { 0 }, create = { 0 }, removes = { 0 };
	char uuid[VFIO_MDEV_UUID_LEN + 1];
	unsigned int i;
	int ret = -1;

	if (samples_init(&both, bench_opts.reps) ||
	    samples_init(&create, bench_opts.reps) ||
	    samples_init(&removes, bench_opts.reps))
		goto out;
	/* A tag no fill uses, so the device is always the N-th. */
	bench_uuid(uuid, SYSFS_TAG + 1, n);
	for (i = 0; i < bench_opts.reps; i++) {
		uint64_t t0, t1, t2;

		t0 = bench_now();
		if (bench_mdev_create(r->type, uuid))
			goto out;
		t1 = bench_now();
		if (bench_mdev_remove(uuid))
			goto out;
		t2 = bench_now();
		samples_add(&create, (double)(t1 - t0));
		samples_add(&removes, (double)(t2 - t1));
		samples_add(&both, (double)(t2 - t0));
	}
	report_at("create_remove", n, "ns", &both);
	report_at("create", n, "ns", &create);
	report_at("remove", n, "ns", &removes);
	ret = 0;
out:
	samples_free(&removes);
	samples_free(&create);
	samples_free(&both);
	return ret;
}

static double mean(const struct bench_samples *s)
{
	double sum = 0;
	size_t k;

	for (k = 0; k < s->n; k++)
		sum += s->v[k];
	return s->n ? sum / (double)s->n : 0;
}

static int parse_sizes(int nsizes, char **sizes, unsigned int *out)
{
	unsigned int prev = 0;
	int i;

	for (i = 0; i < nsizes; i++) {
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(sizes[i], &end, 10);
		if (errno || *end || v < 2 || v > 65536 || v <= prev) {
			errno = EINVAL;
			return bench_fail("device counts must ascend, 2..65536: %s",
					  sizes[i]);
		}
		out[i] = (unsigned int)v;
		prev = out[i];
	}
	return 0;
}

int cmd_sysfs(const char *type, int nsizes, char **sizes)
{
	struct sysfs_run r = { .type = type };
	struct bench_samples removes;
	unsigned int *n;
	struct mem_usage base, now;
	int i, ret = -1;

	n = calloc((size_t)nsizes, sizeof(*n));
	if (!n)
		return bench_fail("allocating sizes");
	if (parse_sizes(nsizes, sizes, n))
		goto out_n;
	if (samples_init(&r.create, n[nsizes - 1]))
		goto out_n;
	if (samples_init(&removes, n[nsizes - 1]))
		goto out_create;

	/* First-device costs (kmem caches, sysfs directories) are not ours. */
	if (fill_to(&r, WARMUP_DEVICES) || drain(&r, NULL))
		goto out;
	if (bench_opts.mem_rounds && mem_rounds(&r, n[0]))
		goto out;
	r.create.n = 0;

	if (read_mem(&base))
		goto out;
	for (i = 0; i < nsizes; i++) {
		if (fill_to(&r, n[i] - 1) || read_mem(&now))
			goto out;
		/* The rounds above already gave the first count, with spread. */
		if (i || !bench_opts.mem_rounds)
			report_mem(n[i], &base, &now, r.count);
		if (marginal(&r, n[i]))
			goto out;
		/* Mean time per create of the fill from 0 to N-1 devices. */
		report_one_at("fill_avg", n[i], "ns/dev", mean(&r.create));
	}
	if (drain(&r, &removes))
		goto out;
	report_one_at("drain_avg", n[nsizes - 1], "ns/dev", mean(&removes));
	ret = 0;
out:
	/* Leave no device behind, even after a failure. */
	if (r.count)
		drain(&r, NULL);
	samples_free(&removes);
out_create:
	samples_free(&r.create);
out_n:
	free(n);
	return ret;
}
