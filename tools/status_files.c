// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading the small files mtty-status looks at (sysfs attributes, /proc
 * entries, mdevctl definitions): a path that does not fit and a file
 * larger than its reader allows are errors, never silently cut.
 */
#include "status.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int status_path(char buf[PATH_MAX], const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= PATH_MAX) {
		buf[0] = '\0';
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int status_read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t len;

	if (!f)
		return -1;
	if (!fgets(buf, (int)size, f)) {
		if (!ferror(f))
			errno = ENODATA;
		fclose(f);
		return -1;
	}
	fclose(f);
	len = strlen(buf);
	if (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	else if (len + 1 == size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

char *status_read_head(const char *path, size_t max, size_t *len,
		       bool *cut)
{
	FILE *f = fopen(path, "r");
	char *buf;

	if (!f)
		return NULL;
	buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	*len = fread(buf, 1, max, f);
	/* A byte past @max tells a file that is too large. */
	*cut = *len == max && fgetc(f) != EOF;
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[*len] = '\0';
	return buf;
}

char *status_read_file(const char *path, size_t max, size_t *len)
{
	bool cut;
	char *buf = status_read_head(path, max, len, &cut);

	if (buf && cut) {
		free(buf);
		errno = EFBIG;
		return NULL;
	}
	return buf;
}
