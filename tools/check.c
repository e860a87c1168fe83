// SPDX-License-Identifier: GPL-2.0-only
/*
 * Check reporting for mtty-client and the VFIO conformance test: a TAP line
 * per check ("ok N - ..." or "not ok N - ..."), so that a test script can
 * grep for "^not ok" and a human can see which step broke.
 */
#include "card.h"

#include <stdarg.h>
#include <stdio.h>

static unsigned int checks_passed;
static unsigned int checks_failed;

void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		checks_passed++;
	else
		checks_failed++;
	printf("%sok %u - ", ok ? "" : "not ", checks_passed + checks_failed);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	/* Keep stdout in step with the library's stderr messages. */
	fflush(stdout);
}

int check_summary(void)
{
	/* A plan at the end is valid TAP: the count is known only now. */
	printf("1..%u\n", checks_passed + checks_failed);
	printf("# %u passed, %u failed\n", checks_passed, checks_failed);
	return checks_failed ? CLIENT_EXIT_FAIL : CLIENT_EXIT_OK;
}
