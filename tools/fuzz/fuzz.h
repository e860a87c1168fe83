/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mtty-fuzz: seeded random operations on VFIO mdev devices, to be run under
 * a debug kernel (KASAN, UBSAN, lockdep, kmemleak) that turns any driver
 * defect they reach into a kernel report.  The fuzzer also checks the
 * answers it can predict (the "oracle") and reports a wrong one as an
 * anomaly.
 *
 * Files: mtty-fuzz.c (options, main loop, watchdog), dev.c (opening and
 * reopening devices, eventfds), ops_region.c (region reads and writes,
 * mmap), ops_ioctl.c (device ioctls), ops_mig.c (migration states and
 * data fds), stats.c (counts and summary).
 */
#ifndef MTTY_FUZZ_H
#define MTTY_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../vfio_mdev.h"
#include "rng.h"

/* Eventfds per device handed to SET_IRQS; shared across devices too. */
#define FUZZ_EFD_POOL		4
/* Read/write buffers live in this much memory between two guard pages. */
#define FUZZ_AREA_LEN		((size_t)1024 * 1024)
/* errno values counted one by one; larger ones share the last slot. */
#define FUZZ_ERRNO_SLOTS	160
/* Room for a migration stream (mtty's largest is 104 bytes). */
#define FUZZ_MIG_STREAM_MAX	256

/* Anomalies printed in full; later ones are only counted. */
#define FUZZ_ANOMALY_PRINT	20

enum op_kind {
	OP_READ,
	OP_WRITE,
	OP_FPOS_RW,
	OP_MMAP,
	OP_GET_INFO,
	OP_REGION_INFO,
	OP_IRQ_INFO,
	OP_SET_IRQS,
	OP_RESET,
	OP_BAD_IOCTL,
	OP_EVENTFD,
	OP_FD_CYCLE,
	OP_REOPEN,
	OP_MIG_STATE,
	OP_MIG_DATA,
	OP_KINDS
};

struct fuzz_dev {
	struct vfio_mdev m;
	const char *uuid;
	/* A second fd on the same open device, to mix users of one device. */
	int extra_fd;
	/* What the op sequence asked for, whatever the kernel answered. */
	bool extra_open;
	int efd[FUZZ_EFD_POOL];
	/* Region sizes reported at the first open: the oracle's reference. */
	uint64_t region_size[VFIO_PCI_NUM_REGIONS];
	bool gone;		/* removed under us (only with -g) */
	/* The data fd of the last migration session opened, or -1. */
	int mig_fd;
	bool mig_resuming;	/* it is a RESUMING session's */
	bool mig_clean;		/* nothing written to it yet */
	bool mig_good;		/* exactly one complete stream written */
	/* What a saving session has given so far. */
	unsigned char mig_buf[FUZZ_MIG_STREAM_MAX];
	size_t mig_len;
	uint64_t ops;
};

struct op_stats {
	uint64_t ops;
	uint64_t ok;
	uint64_t err[FUZZ_ERRNO_SLOTS];
};

struct fuzz {
	struct rng rng;
	struct fuzz_dev *devs;
	unsigned int ndevs;
	uint64_t op_index;	/* number of the op being run */
	uint64_t log_from;	/* describe ops from this index on (-l) */
	bool tolerate_gone;	/* -g: a device may be removed while in use */
	/* -x: no other user changes the devices' migration state. */
	bool exclusive;
	int null_fd;		/* an open fd that is not an eventfd */
	unsigned char *area;	/* FUZZ_AREA_LEN bytes, guard pages around */
	struct op_stats stats[OP_KINDS];
	uint64_t anomalies;
	bool fatal;		/* a device could not be reopened */
};

/* dev.c */
int dev_open(struct fuzz *f, struct fuzz_dev *d, const char *uuid);
void dev_close(struct fuzz_dev *d);
int dev_pick_fd(struct fuzz *f, struct fuzz_dev *d);
void op_eventfd(struct fuzz *f, struct fuzz_dev *d);
void op_fd_cycle(struct fuzz *f, struct fuzz_dev *d);
void op_reopen(struct fuzz *f, struct fuzz_dev *d);
int fuzz_pick_efd(struct fuzz *f, struct fuzz_dev *d);

/* ops_region.c */
void op_read(struct fuzz *f, struct fuzz_dev *d);
void op_write(struct fuzz *f, struct fuzz_dev *d);
void op_fpos_rw(struct fuzz *f, struct fuzz_dev *d);
void op_mmap(struct fuzz *f, struct fuzz_dev *d);

/* ops_ioctl.c */
void op_get_info(struct fuzz *f, struct fuzz_dev *d);
void op_region_info(struct fuzz *f, struct fuzz_dev *d);
void op_irq_info(struct fuzz *f, struct fuzz_dev *d);
void op_set_irqs(struct fuzz *f, struct fuzz_dev *d);
void op_reset(struct fuzz *f, struct fuzz_dev *d);
void op_bad_ioctl(struct fuzz *f, struct fuzz_dev *d);

/* ops_mig.c */
void op_mig_state(struct fuzz *f, struct fuzz_dev *d);
void op_mig_data(struct fuzz *f, struct fuzz_dev *d);
/* Close the device's migration data fd, if any. */
void mig_release(struct fuzz_dev *d);

/* stats.c */
const char *op_name(enum op_kind kind);
/* Count the result of one syscall (rc < 0: failed with @err). */
void fuzz_result(struct fuzz *f, enum op_kind kind, long rc, int err);
/* A wrong answer from the kernel: printed with the op number, counted. */
__attribute__((format(printf, 3, 4)))
void fuzz_anomaly(struct fuzz *f, const struct fuzz_dev *d,
		  const char *fmt, ...);
/* Describe the current op on stderr when -l asks for it. */
__attribute__((format(printf, 3, 4)))
void fuzz_log(const struct fuzz *f, const struct fuzz_dev *d,
	      const char *fmt, ...);
static inline bool fuzz_logging(const struct fuzz *f)
{
	return f->op_index >= f->log_from;
}
void fuzz_summary(const struct fuzz *f, double seconds);

/*
 * A buffer of @len bytes that ends exactly at the upper guard page, so a
 * kernel that touches one byte more faults (EFAULT) instead of silently
 * corrupting the fuzzer.  Lengths beyond the area start at its beginning
 * and run into the guard page.
 */
static inline unsigned char *fuzz_tail(const struct fuzz *f, uint64_t len)
{
	if (len > FUZZ_AREA_LEN)
		return f->area;
	return f->area + FUZZ_AREA_LEN - len;
}

#endif /* MTTY_FUZZ_H */
