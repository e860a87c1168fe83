// SPDX-License-Identifier: GPL-2.0-only
/* Output and counting for th.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "th.h"

static unsigned int th_passed;
static unsigned int th_failed;
static const char *th_prefix = "";

void th_set_prefix(const char *prefix)
{
	th_prefix = prefix ? prefix : "";
}

/* Prints the "ok"/"not ok" line; the caller adds the diagnostics. */
static bool th_report(bool ok, const char *fmt, va_list ap)
{
	unsigned int n = th_passed + th_failed + 1;

	if (ok)
		th_passed++;
	else
		th_failed++;
	printf("%s %u - %s%s", ok ? "ok" : "not ok", n, th_prefix,
	       *th_prefix ? ": " : "");
	vprintf(fmt, ap);
	putchar('\n');
	return ok;
}

bool th_eq(const char *file, int line, unsigned long want, unsigned long got,
	   const char *fmt, ...)
{
	va_list ap;
	bool ok = want == got;

	va_start(ap, fmt);
	th_report(ok, fmt, ap);
	va_end(ap);
	if (!ok)
		printf("#   at %s:%d\n#   expected: 0x%lx\n#     actual: 0x%lx\n",
		       file, line, want, got);
	return ok;
}

bool th_true(const char *file, int line, bool cond, const char *expr,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	th_report(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		printf("#   at %s:%d\n#   expected true: %s\n", file, line, expr);
	return cond;
}

bool th_str_eq(const char *file, int line, const char *want, const char *got,
	       const char *fmt, ...)
{
	va_list ap;
	bool ok = strcmp(want, got) == 0;

	va_start(ap, fmt);
	th_report(ok, fmt, ap);
	va_end(ap);
	if (!ok)
		printf("#   at %s:%d\n#   expected: \"%s\"\n#     actual: \"%s\"\n",
		       file, line, want, got);
	return ok;
}

int th_done(void)
{
	printf("1..%u\n%u passed, %u failed\n", th_passed + th_failed,
	       th_passed, th_failed);
	fflush(stdout);
	return th_failed ? 1 : 0;
}
