// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO migration with random arguments: state changes to every state
 * number (valid, optional, out of range), with argsz and flags sometimes
 * wrong, and I/O on the data fds they return: reads of any length, writes
 * of random bytes, of a stream saved from a device of the same or the
 * other type (sometimes damaged), precopy-info ioctls, early closes.
 *
 * Oracle: GET reports a state mtty can be in (never ERROR).  With -x (no
 * other user could change the state in between) also: a state change
 * that succeeded is what GET reports next, and a complete stream saved
 * from a device, written unchanged into a fresh RESUMING session of a
 * device of the same type, is accepted.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fuzz.h"

/* States 0 (ERROR) to 7 (PRE_COPY_P2P), and two past the last. */
#define MIG_STATES	10

/* The last complete stream saved from a device with 1 and 2 ports. */
struct saved_stream {
	unsigned char buf[FUZZ_MIG_STREAM_MAX];
	size_t len;
	bool complete;
};

static struct saved_stream saved[2];

static unsigned int dev_ports(const struct fuzz_dev *d)
{
	return d->region_size[VFIO_PCI_BAR1_REGION_INDEX] ? 2 : 1;
}

/*
 * VFIO_DEVICE_FEATURE with the argsz and flags the fuzzer chose, right or
 * wrong: the library's call (tools/vfio_mdev.c) always sends correct ones.
 */
static int mig_feature(int fd, uint32_t flags, uint32_t argsz,
		       struct vfio_device_feature_mig_state *st)
{
	uint64_t buf[8] = { 0 };
	struct vfio_device_feature *feat = (struct vfio_device_feature *)buf;
	int rc;

	feat->argsz = argsz;
	feat->flags = flags;
	memcpy(feat->data, st, sizeof(*st));
	rc = ioctl(fd, VFIO_DEVICE_FEATURE, feat);
	memcpy(st, feat->data, sizeof(*st));
	return rc;
}

static void mig_close(struct fuzz_dev *d)
{
	if (d->mig_fd >= 0)
		close(d->mig_fd);
	d->mig_fd = -1;
}

void op_mig_state(struct fuzz *f, struct fuzz_dev *d)
{
	struct vfio_device_feature_mig_state st = { .data_fd = -1 };
	uint32_t argsz = sizeof(struct vfio_device_feature) + sizeof(st);
	uint32_t flags = VFIO_DEVICE_FEATURE_SET |
			 VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE;
	int fd = dev_pick_fd(f, d), rc, err;
	bool proper = true;
	uint32_t want;

	st.device_state = (uint32_t)rng_below(&f->rng, MIG_STATES);
	if (rng_percent(&f->rng, 5)) {
		argsz = (uint32_t)rng_below(&f->rng, argsz + 8);
		proper = false;
	}
	if (rng_percent(&f->rng, 3)) {
		flags ^= 1U << rng_below(&f->rng, 32);
		proper = false;
	}
	want = st.device_state;
	fuzz_log(f, d, "MIG SET state %u argsz %u flags 0x%x", want, argsz,
		 flags);
	rc = mig_feature(fd, flags, argsz, &st);
	err = errno;
	fuzz_result(f, OP_MIG_STATE, rc, err);
	if (rc)
		return;
	if (st.data_fd >= 0) {
		mig_close(d);
		d->mig_fd = st.data_fd;
		d->mig_resuming = want == VFIO_DEVICE_STATE_RESUMING;
		d->mig_clean = true;
		d->mig_good = false;
		d->mig_len = 0;
	}
	if (!proper)
		return;
	st.device_state = VFIO_DEVICE_STATE_ERROR;
	if (mig_feature(fd, VFIO_DEVICE_FEATURE_GET |
			VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, argsz, &st))
		return;
	if (st.device_state == VFIO_DEVICE_STATE_ERROR ||
	    st.device_state > VFIO_DEVICE_STATE_PRE_COPY_P2P)
		fuzz_anomaly(f, d, "GET state %u", st.device_state);
	else if (f->exclusive && st.device_state != want)
		fuzz_anomaly(f, d, "GET state %u after a successful SET of %u",
			     st.device_state, want);
}

/*
 * Read the data fd.  A saving session's bytes are collected; read to its
 * end, they are the stream later writes may replay.
 */
static void mig_read(struct fuzz *f, struct fuzz_dev *d)
{
	size_t len = (size_t)rng_below(&f->rng, 160);
	unsigned char *buf = fuzz_tail(f, len);
	ssize_t n;

	fuzz_log(f, d, "MIG read fd %d len %zu", d->mig_fd, len);
	n = read(d->mig_fd, buf, len);
	fuzz_result(f, OP_MIG_DATA, n, errno);
	if (n < 0 || d->mig_resuming)
		return;
	if (n > 0 && d->mig_len + (size_t)n <= sizeof(d->mig_buf)) {
		memcpy(d->mig_buf + d->mig_len, buf, (size_t)n);
		d->mig_len += (size_t)n;
	} else if (!n && len && d->mig_len) {
		struct saved_stream *s = &saved[dev_ports(d) - 1];

		memcpy(s->buf, d->mig_buf, d->mig_len);
		s->len = d->mig_len;
		s->complete = true;
	}
}

/* Write a saved stream (maybe damaged or of the other type) or noise. */
static void mig_write(struct fuzz *f, struct fuzz_dev *d)
{
	const struct saved_stream *s = &saved[rng_below(&f->rng, 2)];
	size_t len = s->len;
	unsigned char *buf;
	bool good = s == &saved[dev_ports(d) - 1] && s->complete;
	ssize_t n;

	if (!len || rng_percent(&f->rng, 20)) {
		len = (size_t)rng_below(&f->rng, 200);
		buf = fuzz_tail(f, len);
		rng_fill(&f->rng, buf, len);
		good = false;
	} else {
		buf = fuzz_tail(f, len);
		memcpy(buf, s->buf, len);
		if (rng_percent(&f->rng, 30)) {
			buf[rng_below(&f->rng, len)] ^=
				(unsigned char)(1U << rng_below(&f->rng, 8));
			good = false;
		}
	}
	fuzz_log(f, d, "MIG write fd %d len %zu%s", d->mig_fd, len,
		 good ? " (a complete stream)" : "");
	n = write(d->mig_fd, buf, len);
	fuzz_result(f, OP_MIG_DATA, n, errno);
	if (!d->mig_resuming)
		return;
	/* Only a single good stream on a fresh session must be taken. */
	d->mig_good = d->mig_clean && good && n == (ssize_t)len;
	d->mig_clean = false;
}

/* RESUMING -> STOP after exactly one good stream: must succeed. */
static void mig_finish(struct fuzz *f, struct fuzz_dev *d)
{
	struct vfio_device_feature_mig_state st = {
		.device_state = VFIO_DEVICE_STATE_STOP, .data_fd = -1,
	};
	int rc;

	fuzz_log(f, d, "MIG SET STOP after %s",
		 d->mig_good ? "a good stream" : "other writes");
	rc = mig_feature(d->m.device_fd, VFIO_DEVICE_FEATURE_SET |
			 VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
			 sizeof(struct vfio_device_feature) + sizeof(st), &st);
	fuzz_result(f, OP_MIG_STATE, rc, errno);
	if (rc && d->mig_good && f->exclusive)
		fuzz_anomaly(f, d, "a good stream was refused: errno %d",
			     errno);
	d->mig_good = false;
}

void op_mig_data(struct fuzz *f, struct fuzz_dev *d)
{
	struct vfio_precopy_info info;
	unsigned int what = (unsigned int)rng_below(&f->rng, 100);
	int rc;

	if (d->mig_fd < 0) {
		/* No session: a data op on the device fd must just fail. */
		fuzz_log(f, d, "MIG precopy-info on the device fd");
		rc = ioctl(d->m.device_fd, VFIO_MIG_GET_PRECOPY_INFO, &info);
		fuzz_result(f, OP_MIG_DATA, rc, errno);
		return;
	}
	/* Mostly the session's own direction, sometimes the other (EBADF). */
	if (what < 78) {
		if (d->mig_resuming == (what < 70))
			mig_write(f, d);
		else
			mig_read(f, d);
	} else if (what < 88) {
		if (d->mig_good)
			mig_finish(f, d);
		else if (d->mig_resuming)
			mig_write(f, d);
		else
			mig_read(f, d);
	} else if (what < 97) {
		memset(&info, 0, sizeof(info));
		info.argsz = rng_percent(&f->rng, 80) ? sizeof(info) :
			     (uint32_t)rng_below(&f->rng, sizeof(info));
		fuzz_log(f, d, "MIG precopy-info fd %d argsz %u", d->mig_fd,
			 info.argsz);
		rc = ioctl(d->mig_fd, VFIO_MIG_GET_PRECOPY_INFO, &info);
		fuzz_result(f, OP_MIG_DATA, rc, errno);
	} else {
		fuzz_log(f, d, "MIG close fd %d", d->mig_fd);
		mig_close(d);
		fuzz_result(f, OP_MIG_DATA, 0, 0);
	}
}

void mig_release(struct fuzz_dev *d)
{
	mig_close(d);
	d->mig_good = false;
}
