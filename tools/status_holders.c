// SPDX-License-Identifier: GPL-2.0-only
/*
 * Who holds an active mtty device: the process with its VFIO group
 * (/dev/vfio/N) or, on kernels with the VFIO device cdev, its device file
 * (/dev/vfio/devices/vfioX) open, found by reading the /proc/PID/fd links
 * of every process.  QEMU started by libvirt names its domain with
 * "-name guest=NAME,..." on its command line.  Without root, other users'
 * fd directories cannot be read; holders_visible then says the answer may
 * be incomplete.
 */
#include "status.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CMDLINE_MAX	(1 << 20)

/* The device files of one active device, as /proc/PID/fd links show them. */
struct vfio_files {
	char group[sizeof("/dev/vfio/") + 16];
	char cdev[sizeof("/dev/vfio/devices/") + VFIO_MDEV_NAME_SIZE];
};

static void find_files(const char *root, const char *uuid,
		       struct vfio_files *files)
{
	char path[PATH_MAX], name[VFIO_MDEV_NAME_SIZE];
	struct dirent *de;
	DIR *d;

	files->group[0] = files->cdev[0] = '\0';
	status_path(path, "%s" VFIO_MDEV_SYSFS_DIR "/%s", root, uuid);
	if (!vfio_mdev_link_base(path, "iommu_group", name, sizeof(name)))
		snprintf(files->group, sizeof(files->group), "/dev/vfio/%.16s",
			 name);
	status_path(path, "%s" VFIO_MDEV_SYSFS_DIR "/%s/vfio-dev",
		 root, uuid);
	d = opendir(path);
	if (!d)
		return;		/* no cdev on this kernel */
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "vfio", 4))
			snprintf(files->cdev, sizeof(files->cdev),
				 "/dev/vfio/devices/%s", de->d_name);
	closedir(d);
}

/*
 * The value of QEMU's "-name" option: "guest=NAME,opt=..." or the older
 * "NAME"; QEMU doubles a comma that belongs to the name.
 */
static void name_option(const char *value, char *out, size_t size)
{
	size_t n = 0;

	if (!strncmp(value, "guest=", 6))
		value += 6;
	while (*value && n + 1 < size) {
		if (*value == ',') {
			if (value[1] != ',')
				break;
			value++;
		}
		out[n++] = *value++;
	}
	out[n] = '\0';
}

/*
 * libvirt puts "-name" near the start of QEMU's command line, which can be
 * longer than any bound (a guest with many disks): read only its head.
 */
static void read_domain(const char *pid_dir, char *out, size_t size)
{
	char path[PATH_MAX];
	char *buf, *arg, *end;
	size_t len;
	bool cut;

	out[0] = '\0';
	status_path(path, "%s/cmdline", pid_dir);
	buf = status_read_head(path, CMDLINE_MAX, &len, &cut);
	if (!buf)
		return;
	end = buf + len;
	for (arg = buf; arg < end; arg += strlen(arg) + 1) {
		if (strcmp(arg, "-name") != 0)
			continue;
		arg += strlen(arg) + 1;
		/* A value that runs into the cut may be missing its end. */
		if (arg < end && (!cut || arg + strlen(arg) < end))
			name_option(arg, out, size);
		break;
	}
	free(buf);
}

static void read_comm(const char *pid_dir, char *out, size_t size)
{
	char path[PATH_MAX];

	status_path(path, "%s/comm", pid_dir);
	if (status_read_line(path, out, size))
		out[0] = '\0';
}

/* Record process @pid as the holder of the device whose file @target is. */
static void claim(struct mtty_status *st, const struct vfio_files *files,
		  const char *target, const char *pid_dir, const char *pid)
{
	size_t i;

	for (i = 0; i < st->nr_devices; i++) {
		struct status_holder *h = &st->devices[i].holder;

		if (!st->devices[i].active || h->pid ||
		    (strcmp(target, files[i].group) != 0 &&
		     strcmp(target, files[i].cdev) != 0))
			continue;
		h->pid = strtol(pid, NULL, 10);
		read_comm(pid_dir, h->command, sizeof(h->command));
		read_domain(pid_dir, h->domain, sizeof(h->domain));
	}
}

/*
 * Match the VFIO files process @pid has open against the devices'.
 * Returns -1 when its fds cannot be read (another user's, without root).
 */
static int scan_process(struct mtty_status *st, const struct vfio_files *files,
			const char *pid_dir, const char *pid)
{
	char path[PATH_MAX], fd_path[PATH_MAX];
	char target[PATH_MAX];
	struct dirent *de;
	DIR *d;

	status_path(path, "%s/fd", pid_dir);
	d = opendir(path);
	if (!d)
		return errno == EACCES || errno == EPERM ? -1 : 0;
	while ((de = readdir(d))) {
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		status_path(fd_path, "%s/%s", path, de->d_name);
		n = readlink(fd_path, target, sizeof(target) - 1);
		if (n < 0)
			continue;	/* closed meanwhile */
		target[n] = '\0';
		if (!strncmp(target, "/dev/vfio/", 10))
			claim(st, files, target, pid_dir, pid);
	}
	closedir(d);
	return 0;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

int status_find_holders(struct mtty_status *st, const char *root)
{
	char proc[PATH_MAX], pid_dir[PATH_MAX];
	struct vfio_files *files;
	size_t i, nr_active = 0;
	struct dirent *de;
	DIR *d;

	for (i = 0; i < st->nr_devices; i++)
		nr_active += st->devices[i].active;
	if (!nr_active)
		return 0;
	files = calloc(st->nr_devices, sizeof(*files));
	if (!files) {
		fprintf(stderr, "mtty-status: out of memory\n");
		return -1;
	}
	for (i = 0; i < st->nr_devices; i++)
		if (st->devices[i].active)
			find_files(root, st->devices[i].uuid, &files[i]);
	status_path(proc, "%s/proc", root);
	d = opendir(proc);
	if (!d) {
		fprintf(stderr, "mtty-status: %s: %s\n", proc, strerror(errno));
		free(files);
		return -1;
	}
	while ((de = readdir(d))) {
		if (!all_digits(de->d_name))
			continue;
		status_path(pid_dir, "%s/%s", proc, de->d_name);
		if (scan_process(st, files, pid_dir, de->d_name))
			st->holders_visible = false;
	}
	closedir(d);
	free(files);
	return 0;
}
