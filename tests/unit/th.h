/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tiny assertion helper for the host unit tests: TAP-ish lines
 * ("ok N - name" / "not ok N - name"), file:line and expected/actual on a
 * failure, and a final "N passed, N failed" line.  No framework, so the
 * tests build anywhere a C11 compiler does.
 */
#ifndef TH_H
#define TH_H

#include <stdbool.h>

#define TH_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Text put before every check name, e.g. the port variant under test. */
void th_set_prefix(const char *prefix);

bool th_eq(const char *file, int line, unsigned long want, unsigned long got,
	   const char *fmt, ...) TH_PRINTF(5, 6);
bool th_true(const char *file, int line, bool cond, const char *expr,
	     const char *fmt, ...) TH_PRINTF(5, 6);
bool th_str_eq(const char *file, int line, const char *want, const char *got,
	       const char *fmt, ...) TH_PRINTF(5, 6);

/* Prints the plan and the summary; returns the process exit status. */
int th_done(void);

/* Numbers are printed in hex: registers are what these tests compare. */
#define CHECK_EQ(want, got, ...) \
	th_eq(__FILE__, __LINE__, (unsigned long)(want), \
	      (unsigned long)(got), __VA_ARGS__)
#define CHECK(cond, ...) \
	th_true(__FILE__, __LINE__, (cond), #cond, __VA_ARGS__)
#define CHECK_STR(want, got, ...) \
	th_str_eq(__FILE__, __LINE__, (want), (got), __VA_ARGS__)

#endif /* TH_H */
