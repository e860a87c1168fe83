// SPDX-License-Identifier: GPL-2.0-only
/*
 * mdevctl's definitions of mtty devices: one JSON file per device in
 * /etc/mdevctl.d/mtty/, named by its UUID, such as
 * {"mdev_type":"mtty-2","start":"auto","attrs":[]}.  Only two string
 * members matter here, but the whole text must be JSON: a file mdevctl
 * itself could not read is reported, not half-believed.
 */
#include "status.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* mdevctl writes a few hundred bytes; anything far larger is not its. */
#define DEF_MAX_SIZE	65536
/* Deeper nesting than any definition has: refuse it, do not recurse on. */
#define JSON_MAX_DEPTH	32

struct json_reader {
	const char *p, *end;
};

static void skip_space(struct json_reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' ||
				 *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/*
 * A string; its text goes to @out (@size bytes, may be NULL) when it fits,
 * else @out gets "" so that a long value never matches a short one.
 */
static int read_string(struct json_reader *r, char *out, size_t size)
{
	size_t n = 0;
	bool fits = true;

	if (r->p >= r->end || *r->p != '"')
		return -1;
	r->p++;
	while (r->p < r->end && *r->p != '"') {
		char c = *r->p++;

		if ((unsigned char)c < 0x20)
			return -1;
		if (c == '\\') {
			if (r->p >= r->end)
				return -1;
			c = *r->p++;
			if (c == 'u') {
				int i;

				for (i = 0; i < 4; i++)
					if (r->p >= r->end || !is_hex(*r->p++))
						return -1;
				c = '?';	/* no value here needs it */
			} else if (!strchr("\"\\/bfnrt", c)) {
				return -1;
			}
		}
		if (out && n + 1 < size)
			out[n++] = c;
		else
			fits = false;
	}
	if (r->p >= r->end)
		return -1;
	r->p++;
	if (out && size)
		out[fits ? n : 0] = '\0';
	return 0;
}

static int read_literal(struct json_reader *r, const char *word)
{
	size_t len = strlen(word);

	if ((size_t)(r->end - r->p) < len || memcmp(r->p, word, len) != 0)
		return -1;
	r->p += len;
	return 0;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int read_number(struct json_reader *r)
{
	const char *start;

	if (r->p < r->end && *r->p == '-')
		r->p++;
	start = r->p;
	while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
		r->p++;
	if (r->p == start || (*start == '0' && r->p - start > 1))
		return -1;
	if (r->p < r->end && *r->p == '.') {
		start = ++r->p;
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
		if (r->p == start)
			return -1;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		start = r->p;
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
		if (r->p == start)
			return -1;
	}
	return 0;
}

/* "key": of an object member, up to its value. */
static int read_key(struct json_reader *r)
{
	skip_space(r);
	if (read_string(r, NULL, 0))
		return -1;
	skip_space(r);
	if (r->p >= r->end || *r->p != ':')
		return -1;
	r->p++;
	return 0;
}

static int read_scalar(struct json_reader *r)
{
	switch (*r->p) {
	case '"':
		return read_string(r, NULL, 0);
	case 't':
		return read_literal(r, "true");
	case 'f':
		return read_literal(r, "false");
	case 'n':
		return read_literal(r, "null");
	default:
		return read_number(r);
	}
}

/*
 * Any JSON value, checked and skipped.  Without recursion: @closers holds
 * the bracket each open array or object waits for.
 */
static int read_value(struct json_reader *r)
{
	char closers[JSON_MAX_DEPTH];
	int depth = 0;

	for (;;) {
		skip_space(r);
		if (r->p >= r->end)
			return -1;
		if (*r->p == '{' || *r->p == '[') {
			if (depth == JSON_MAX_DEPTH)
				return -1;
			closers[depth++] = *r->p++ == '{' ? '}' : ']';
			skip_space(r);
			if (r->p < r->end && *r->p == closers[depth - 1]) {
				r->p++;
				depth--;
			} else {
				if (closers[depth - 1] == '}' && read_key(r))
					return -1;
				continue;	/* to the first member's value */
			}
		} else if (read_scalar(r)) {
			return -1;
		}
		/* After a value: close what ends here, or go to the next one. */
		for (;;) {
			if (!depth)
				return 0;
			skip_space(r);
			if (r->p >= r->end)
				return -1;
			if (*r->p == closers[depth - 1]) {
				r->p++;
				depth--;
				continue;
			}
			if (*r->p++ != ',')
				return -1;
			if (closers[depth - 1] == '}' && read_key(r))
				return -1;
			break;
		}
	}
}

static int parse_definition(const char *text, size_t len,
			    char type[STATUS_WORD_SIZE],
			    enum status_start *start)
{
	struct json_reader r = { .p = text, .end = text + len };
	char key[STATUS_WORD_SIZE], start_word[STATUS_WORD_SIZE] = "";
	bool have_type = false, have_start = false;

	type[0] = '\0';
	*start = START_NONE;
	skip_space(&r);
	if (r.p >= r.end || *r.p++ != '{')
		return -1;
	skip_space(&r);
	if (r.p < r.end && *r.p == '}') {
		r.p++;
		goto end;
	}
	for (;;) {
		skip_space(&r);
		if (read_string(&r, key, sizeof(key)))
			return -1;
		skip_space(&r);
		if (r.p >= r.end || *r.p++ != ':')
			return -1;
		skip_space(&r);
		if (!strcmp(key, "mdev_type") || !strcmp(key, "start")) {
			bool is_type = key[0] == 'm';

			/* A repeated member makes the file ambiguous. */
			if (is_type ? have_type : have_start)
				return -1;
			if (read_string(&r, is_type ? type : start_word,
					STATUS_WORD_SIZE))
				return -1;
			*(is_type ? &have_type : &have_start) = true;
		} else if (read_value(&r)) {
			return -1;
		}
		skip_space(&r);
		if (r.p >= r.end)
			return -1;
		if (*r.p == '}') {
			r.p++;
			break;
		}
		if (*r.p++ != ',')
			return -1;
	}
end:
	skip_space(&r);
	if (r.p != r.end || !have_type || !type[0])
		return -1;
	if (!strcmp(start_word, "auto"))
		*start = START_AUTO;
	else if (!strcmp(start_word, "manual"))
		*start = START_MANUAL;
	else
		return -1;
	return 0;
}

int status_parse_definition(const char *text, size_t len,
			    char type[STATUS_WORD_SIZE],
			    enum status_start *start)
{
	if (!parse_definition(text, len, type, start))
		return 0;
	/* Nothing of a file that is not all JSON is believed. */
	type[0] = '\0';
	*start = START_NONE;
	return -1;
}

int status_read_definitions(struct mtty_status *st, const char *root)
{
	char dir[PATH_MAX], path[PATH_MAX];
	char uuid[VFIO_MDEV_UUID_LEN + 1];
	struct dirent *de;
	int rc = 0;
	DIR *d;

	status_path(dir, "%s" STATUS_DEFS_DIR, root);
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0;	/* nothing was ever defined */
		fprintf(stderr, "mtty-status: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		struct status_device *dev;
		char *text;
		size_t len;

		/* mdevctl names each file by its UUID; other files are not definitions. */
		if (vfio_mdev_uuid_parse(de->d_name, uuid))
			continue;
		dev = status_device_of(st, uuid);
		if (!dev) {
			fprintf(stderr, "mtty-status: out of memory\n");
			rc = -1;
			break;
		}
		dev->defined = true;
		status_path(path, "%s/%s", dir, de->d_name);
		text = status_read_file(path, DEF_MAX_SIZE, &len);
		if (!text ||
		    status_parse_definition(text, len, dev->def_type, &dev->start))
			dev->problems |= STATUS_DEF_UNREADABLE;
		free(text);
	}
	closedir(d);
	return rc;
}
