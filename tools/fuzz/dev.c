// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fuzzed devices' lives: opening, extra fds on the same device, full
 * close and reopen (each first open resets the device and each last close
 * drops its eventfds in the driver), and the eventfds given to SET_IRQS.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fuzz.h"

static void efd_pool_open(struct fuzz_dev *d)
{
	unsigned int i;

	for (i = 0; i < FUZZ_EFD_POOL; i++)
		d->efd[i] = vfio_mdev_eventfd_open();
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/*
 * The oracle takes region sizes from the driver's first answer; anything
 * off the documented layout (index << 40) is an anomaly of its own.
 */
static void learn_regions(struct fuzz *f, struct fuzz_dev *d)
{
	struct vfio_region_info info;
	uint32_t i;

	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++) {
		d->region_size[i] = 0;
		if (vfio_mdev_region_info(&d->m, i, &info)) {
			fuzz_anomaly(f, d, "GET_REGION_INFO %" PRIu32
				     " failed at open: errno %d", i, errno);
			continue;
		}
		if (info.offset != (uint64_t)i << 40)
			fuzz_anomaly(f, d, "region %" PRIu32 " at offset 0x%llx",
				     i, (unsigned long long)info.offset);
		d->region_size[i] = info.size;
	}
}

int dev_open(struct fuzz *f, struct fuzz_dev *d, const char *uuid)
{
	unsigned int i;

	d->uuid = uuid;
	d->extra_fd = -1;
	d->mig_fd = -1;
	d->extra_open = false;
	d->gone = false;
	d->ops = 0;
	for (i = 0; i < FUZZ_EFD_POOL; i++)
		d->efd[i] = -1;
	if (vfio_mdev_open(&d->m, uuid))
		return -1;
	/* From here on most calls fail on purpose: no error messages. */
	d->m.quiet = true;
	learn_regions(f, d);
	efd_pool_open(d);
	return 0;
}

void dev_close(struct fuzz_dev *d)
{
	unsigned int i;

	close_fd(&d->extra_fd);
	mig_release(d);
	vfio_mdev_close(&d->m);
	for (i = 0; i < FUZZ_EFD_POOL; i++)
		close_fd(&d->efd[i]);
}

int dev_pick_fd(struct fuzz *f, struct fuzz_dev *d)
{
	bool extra = rng_percent(&f->rng, 25);

	return extra && d->extra_open ? d->extra_fd : d->m.device_fd;
}

int fuzz_pick_efd(struct fuzz *f, struct fuzz_dev *d)
{
	const struct fuzz_dev *other = &f->devs[rng_below(&f->rng, f->ndevs)];
	unsigned int slot = (unsigned int)rng_below(&f->rng, FUZZ_EFD_POOL);
	/* Not eventfds, out of range, or closed: each must be refused. */
	const int bad[] = {
		-2, INT32_MIN, 1000000, f->null_fd, d->m.device_fd,
		d->m.group_fd, d->m.container_fd, 0,
	};
	unsigned int what = (unsigned int)rng_below(&f->rng, 100);

	if (what < 50)
		return d->efd[slot];
	if (what < 60)
		return other->efd[slot];
	if (what < 75)
		return -1;
	return RNG_PICK(&f->rng, bad);
}

/*
 * Signal an eventfd (an unmask eventfd then runs the driver's unmask from
 * a worker), drain one, or replace one while the driver may hold it.
 */
void op_eventfd(struct fuzz *f, struct fuzz_dev *d)
{
	unsigned int slot = (unsigned int)rng_below(&f->rng, FUZZ_EFD_POOL);
	unsigned int what = (unsigned int)rng_below(&f->rng, 8);
	uint64_t val = rng_percent(&f->rng, 90) ? 1 : rng_next(&f->rng);
	int *fd = &d->efd[slot];
	ssize_t n;
	long rc;

	if (what < 4) {
		fuzz_log(f, d, "eventfd %d write %" PRIu64, *fd, val);
		n = write(*fd, &val, sizeof(val));
		rc = n;
	} else if (what < 7) {
		fuzz_log(f, d, "eventfd %d read", *fd);
		n = read(*fd, &val, sizeof(val));
		rc = n;
	} else {
		fuzz_log(f, d, "eventfd %d replace", *fd);
		close_fd(fd);
		*fd = vfio_mdev_eventfd_open();
		rc = *fd;
	}
	fuzz_result(f, OP_EVENTFD, rc, errno);
}

/*
 * Open a second fd on the open device, or close it again.  The second open
 * and the non-last close must not reach the driver's open/close hooks.
 */
void op_fd_cycle(struct fuzz *f, struct fuzz_dev *d)
{
	bool bad_name = rng_percent(&f->rng, 10);
	long rc = 0;

	if (bad_name) {
		/* Same group, wrong device names: the core must refuse. */
		static const char *const names[] = {
			"", "mtty", "00000000-0000-0000-0000-000000000000",
			"../../", "83b8f4f2-509f-382f-3c1e-e6bfe0fa10011",
		};
		const char *name = RNG_PICK(&f->rng, names);
		int fd;

		fuzz_log(f, d, "GET_DEVICE_FD '%s'", name);
		fd = ioctl(d->m.group_fd, VFIO_GROUP_GET_DEVICE_FD, name);
		rc = fd;
		fuzz_result(f, OP_FD_CYCLE, rc, errno);
		if (fd >= 0) {
			fuzz_anomaly(f, d, "GET_DEVICE_FD '%s' succeeded", name);
			close(fd);
		}
		return;
	}
	d->extra_open = !d->extra_open;
	if (d->extra_open) {
		fuzz_log(f, d, "open extra fd");
		d->extra_fd = ioctl(d->m.group_fd, VFIO_GROUP_GET_DEVICE_FD,
				    d->m.uuid);
		rc = d->extra_fd;
	} else {
		fuzz_log(f, d, "close extra fd %d", d->extra_fd);
		rc = d->extra_fd >= 0 ? close(d->extra_fd) : -1;
		if (d->extra_fd < 0)
			errno = EBADF;
		d->extra_fd = -1;
	}
	fuzz_result(f, OP_FD_CYCLE, rc, errno);
}

/* Last close and a fresh first open: the driver's close and open hooks. */
void op_reopen(struct fuzz *f, struct fuzz_dev *d)
{
	int err;

	fuzz_log(f, d, "close and reopen");
	close_fd(&d->extra_fd);
	d->extra_open = false;
	vfio_mdev_close(&d->m);
	if (vfio_mdev_open(&d->m, d->uuid) == 0) {
		d->m.quiet = true;
		fuzz_result(f, OP_REOPEN, 0, 0);
		return;
	}
	err = errno;
	fuzz_result(f, OP_REOPEN, -1, err);
	if (f->tolerate_gone) {
		fprintf(stderr, "mtty-fuzz: op %" PRIu64 ": %s is gone (%s)\n",
			f->op_index, d->uuid, strerrorname_np(err) ?
			strerrorname_np(err) : "?");
		d->gone = true;
		return;
	}
	fuzz_anomaly(f, d, "reopen failed: errno %d", err);
	f->fatal = true;
}
