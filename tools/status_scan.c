// SPDX-License-Identifier: GPL-2.0-only
/*
 * The module and its active devices, as sysfs shows them.  Only the mtty
 * parent's own directories are read (its types list their devices), so the
 * devices of other mdev parents are never looked at.
 */
#include "status.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const type_names[] = { "mtty-1", "mtty-2" };

unsigned int status_type_ports(const char *name)
{
	if (!strcmp(name, "mtty-1"))
		return 1;
	if (!strcmp(name, "mtty-2"))
		return 2;
	return 0;
}

struct status_device *status_device_of(struct mtty_status *st,
				       const char *uuid)
{
	struct status_device *dev;
	size_t i;

	for (i = 0; i < st->nr_devices; i++)
		if (!strcmp(st->devices[i].uuid, uuid))
			return &st->devices[i];
	dev = realloc(st->devices, (st->nr_devices + 1) * sizeof(*dev));
	if (!dev)
		return NULL;
	st->devices = dev;
	dev = &st->devices[st->nr_devices++];
	*dev = (struct status_device){ .start = START_NONE };
	memcpy(dev->uuid, uuid, sizeof(dev->uuid));
	return dev;
}

/* A non-negative decimal number alone on the first line of @path. */
static int read_count(const char *path, long *value)
{
	char buf[32], *end;

	if (status_read_line(path, buf, sizeof(buf)))
		return -1;
	errno = 0;
	*value = strtol(buf, &end, 10);
	if (errno || end == buf || *end || *value < 0) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

static int scan_module(struct mtty_status *st, const char *root)
{
	char path[PATH_MAX];
	struct stat sb;

	/* Every sysfs has /sys/module: without it, this is no system's root. */
	status_path(path, "%s/sys/module", root);
	if (stat(path, &sb) != 0) {
		fprintf(stderr, "mtty-status: %s: %s\n", path, strerror(errno));
		return -1;
	}
	status_path(path, "%s" STATUS_MODULE_DIR, root);
	if (stat(path, &sb) != 0) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "mtty-status: %s: %s\n", path, strerror(errno));
		return -1;
	}
	st->loaded = true;
	/* A module built without a version has no such file: leave it "". */
	status_path(path, "%s" STATUS_MODULE_DIR "/version", root);
	if (status_read_line(path, st->version, sizeof(st->version)) &&
	    errno != ENOENT) {
		fprintf(stderr, "mtty-status: %s: %s\n", path, strerror(errno));
		return -1;
	}
	status_path(path, "%s" STATUS_MODULE_DIR
		 "/parameters/max_ports", root);
	if (read_count(path, &st->max_ports)) {
		fprintf(stderr, "mtty-status: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* One type's free instances and the UUIDs of its devices. */
static int scan_type(struct mtty_status *st, const char *root,
		     struct status_type *type)
{
	char dir[PATH_MAX], path[PATH_MAX];
	char uuid[VFIO_MDEV_UUID_LEN + 1];
	struct dirent *de;
	int rc = 0;
	DIR *d;

	status_path(dir, "%s" STATUS_PARENT_DIR
		 "/mdev_supported_types/%s", root, type->name);
	status_path(path, "%s/available_instances", dir);
	if (read_count(path, &type->available)) {
		fprintf(stderr, "mtty-status: %s: %s\n", path, strerror(errno));
		return -1;
	}
	status_path(path, "%s/devices", dir);
	d = opendir(path);
	if (!d) {
		fprintf(stderr, "mtty-status: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		struct status_device *dev;

		if (vfio_mdev_uuid_parse(de->d_name, uuid))
			continue;	/* ".", ".." */
		dev = status_device_of(st, uuid);
		if (!dev) {
			fprintf(stderr, "mtty-status: out of memory\n");
			rc = -1;
			break;
		}
		dev->active = true;
		snprintf(dev->active_type, sizeof(dev->active_type), "%s",
			 type->name);
	}
	closedir(d);
	return rc;
}

static int by_uuid(const void *a, const void *b)
{
	const struct status_device *x = a, *y = b;

	return strcmp(x->uuid, y->uuid);
}

/* What each device's definition and state say together. */
static void judge(struct mtty_status *st)
{
	size_t i;

	for (i = 0; i < st->nr_devices; i++) {
		struct status_device *dev = &st->devices[i];

		if (dev->defined && dev->start == START_AUTO && !dev->active &&
		    st->loaded)
			dev->problems |= STATUS_AUTOSTART_FAILED;
		if (dev->defined && dev->active && dev->def_type[0] &&
		    strcmp(dev->def_type, dev->active_type) != 0)
			dev->problems |= STATUS_TYPE_MISMATCH;
	}
}

int status_scan(struct mtty_status *st, const char *root)
{
	size_t i;

	*st = (struct mtty_status){ .max_ports = -1, .ports_free = -1,
				    .holders_visible = true };
	for (i = 0; i < 2; i++) {
		st->types[i].name = type_names[i];
		st->types[i].ports = (unsigned int)i + 1;
		st->types[i].available = -1;
	}
	if (scan_module(st, root))
		return -1;
	if (st->loaded) {
		for (i = 0; i < 2; i++)
			if (scan_type(st, root, &st->types[i]))
				return -1;
		/* mtty-1 takes one port: its free instances are the free ports. */
		st->ports_free = st->types[0].available;
	}
	if (status_read_definitions(st, root))
		return -1;
	if (status_find_holders(st, root))
		return -1;
	if (st->nr_devices)
		qsort(st->devices, st->nr_devices, sizeof(*st->devices),
		      by_uuid);
	judge(st);
	return 0;
}

void status_free(struct mtty_status *st)
{
	free(st->devices);
	st->devices = NULL;
	st->nr_devices = 0;
}

void status_summarize(const struct mtty_status *st, struct status_summary *s)
{
	size_t i;

	*s = (struct status_summary){ 0 };
	for (i = 0; i < st->nr_devices; i++) {
		const struct status_device *dev = &st->devices[i];

		s->defined += dev->defined;
		s->active += dev->active;
		s->held += dev->active && dev->holder.pid;
		s->stopped += dev->defined && !dev->active;
		s->start_auto += dev->start == START_AUTO;
		s->start_manual += dev->start == START_MANUAL;
		s->autostart_failed +=
			!!(dev->problems & STATUS_AUTOSTART_FAILED);
		s->problems += !!dev->problems;
	}
}

int status_exit_code(const struct mtty_status *st)
{
	struct status_summary s;

	if (!st->loaded)
		return STATUS_EXIT_UNLOADED;
	status_summarize(st, &s);
	return s.problems ? STATUS_EXIT_PROBLEM : STATUS_EXIT_OK;
}

const char *status_problem_name(unsigned int bit)
{
	switch (bit) {
	case STATUS_AUTOSTART_FAILED:
		return "autostart-failed";
	case STATUS_DEF_UNREADABLE:
		return "definition-unreadable";
	case STATUS_TYPE_MISMATCH:
		return "type-mismatch";
	default:
		return "unknown";
	}
}

const char *status_start_name(enum status_start start)
{
	switch (start) {
	case START_AUTO:
		return "auto";
	case START_MANUAL:
		return "manual";
	default:
		return NULL;
	}
}
