/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fuzzer's only source of randomness: splitmix64 from one 64-bit seed.
 * Every choice of an operation or argument is drawn from here and never
 * from a kernel result, so a seed names one exact operation sequence.
 */
#ifndef MTTY_FUZZ_RNG_H
#define MTTY_FUZZ_RNG_H

#include <stddef.h>
#include <stdint.h>

struct rng {
	uint64_t state;
};

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n); n == 0 yields 0.  The tiny modulo bias is harmless. */
static inline uint64_t rng_below(struct rng *r, uint64_t n)
{
	return n ? rng_next(r) % n : 0;
}

/* True with probability percent/100. */
static inline int rng_percent(struct rng *r, unsigned int percent)
{
	return rng_below(r, 100) < percent;
}

/* One element of a constant table. */
#define RNG_PICK(r, table) ((table)[rng_below((r), \
	sizeof(table) / sizeof((table)[0]))])

static inline void rng_fill(struct rng *r, void *buf, size_t len)
{
	unsigned char *p = buf;
	uint64_t v = 0;
	size_t i;

	/* Eight bytes per draw. */
	for (i = 0; i < len; i++) {
		if (!(i & 7))
			v = rng_next(r);
		p[i] = (unsigned char)v;
		v >>= 8;
	}
}

#endif /* MTTY_FUZZ_RNG_H */
