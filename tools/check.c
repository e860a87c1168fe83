// SPDX-License-Identifier: GPL-2.0-only
/*
 * Check reporting for mtty-client: a line per check so that a test script
 * can grep for "^FAIL" and a human can see which step broke.
 */
#include "client.h"

#include <stdarg.h>
#include <stdio.h>

static unsigned int checks_passed;
static unsigned int checks_failed;

void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	fputs(ok ? "ok - " : "FAIL - ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	/* Keep stdout in step with the library's stderr messages. */
	fflush(stdout);
	if (ok)
		checks_passed++;
	else
		checks_failed++;
}

int check_summary(void)
{
	printf("# %u passed, %u failed\n", checks_passed, checks_failed);
	return checks_failed ? CLIENT_EXIT_FAIL : CLIENT_EXIT_OK;
}
