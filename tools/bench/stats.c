// SPDX-License-Identifier: GPL-2.0-only
/*
 * Clock, sample sets and the report lines of mtty-bench.
 */
#include "bench.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NS_PER_SEC		1000000000ULL
/* Empty clock pairs timed to estimate the clock's own cost. */
#define CLOCK_PAIRS		1001

uint64_t bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

int samples_init(struct bench_samples *s, size_t cap)
{
	s->n = 0;
	s->cap = cap;
	s->v = calloc(cap ? cap : 1, sizeof(*s->v));
	if (!s->v)
		return bench_fail("allocating %zu samples", cap);
	return 0;
}

/* Samples past the capacity are dropped: callers size the set exactly. */
void samples_add(struct bench_samples *s, double value)
{
	if (s->n < s->cap)
		s->v[s->n++] = value;
}

void samples_free(struct bench_samples *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
	s->cap = 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted, non-empty set. */
static double percentile(const struct bench_samples *s, unsigned int pct)
{
	size_t rank = (s->n * pct + 99) / 100;

	if (rank < 1)
		rank = 1;
	return s->v[rank - 1];
}

/* The median of an even-sized set is the mean of its two middle values. */
static double median(const struct bench_samples *s)
{
	size_t mid = s->n / 2;

	if (s->n % 2)
		return s->v[mid];
	return (s->v[mid - 1] + s->v[mid]) / 2;
}

void bench_report(const char *metric, const char *unit,
		  struct bench_samples *s)
{
	if (!s->n) {
		printf("BENCH %s %s %s 0 - - - - - -\n", bench_opts.label,
		       metric, unit);
		return;
	}
	qsort(s->v, s->n, sizeof(*s->v), cmp_double);
	printf("BENCH %s %s %s %zu %.1f %.1f %.1f %.1f %.1f %.1f\n",
	       bench_opts.label, metric, unit, s->n, median(s),
	       percentile(s, 10), percentile(s, 90), percentile(s, 99),
	       s->v[0], s->v[s->n - 1]);
	fflush(stdout);
}

void bench_report_one(const char *metric, const char *unit, double value)
{
	printf("BENCH %s %s %s 1 %.1f %.1f %.1f %.1f %.1f %.1f\n",
	       bench_opts.label, metric, unit, value, value, value, value,
	       value, value);
	fflush(stdout);
}

void bench_info(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("INFO %s %s ", bench_opts.label, key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

int bench_fail(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	fprintf(stderr, "mtty-bench: %s: ", bench_opts.label);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (%s)\n", strerror(err));
	/* The runner turns this line into a failed figure in the report. */
	printf("ERROR %s\n", bench_opts.label);
	fflush(stdout);
	errno = err;
	return -1;
}

static int run_batch(bench_op op, void *ctx, unsigned int iters,
		     double *per_op)
{
	uint64_t t0, t1;
	unsigned int i;

	t0 = bench_now();
	for (i = 0; i < iters; i++)
		if (op(ctx, i))
			return -1;
	t1 = bench_now();
	*per_op = (double)(t1 - t0) / iters;
	return 0;
}

int bench_batches(const char *metric, bench_op op, void *ctx)
{
	struct bench_samples s;
	unsigned int r;
	double per_op;
	int ret = 0;

	if (samples_init(&s, bench_opts.runs))
		return -1;
	/* Warm caches and TLBs; the first batch is never reported. */
	if (run_batch(op, ctx, bench_opts.iters, &per_op)) {
		ret = -1;
		goto out;
	}
	for (r = 0; r < bench_opts.runs; r++) {
		if (run_batch(op, ctx, bench_opts.iters, &per_op)) {
			ret = -1;
			goto out;
		}
		samples_add(&s, per_op);
	}
	bench_report(metric, "ns/op", &s);
out:
	samples_free(&s);
	return ret;
}

double bench_clock_overhead(void)
{
	struct bench_samples s;
	double med = 0;
	unsigned int i;

	if (samples_init(&s, CLOCK_PAIRS))
		return 0;
	for (i = 0; i < CLOCK_PAIRS; i++) {
		uint64_t t0 = bench_now();
		uint64_t t1 = bench_now();

		samples_add(&s, (double)(t1 - t0));
	}
	qsort(s.v, s.n, sizeof(*s.v), cmp_double);
	med = median(&s);
	samples_free(&s);
	return med;
}
