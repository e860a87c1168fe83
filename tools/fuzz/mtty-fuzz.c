// SPDX-License-Identifier: GPL-2.0-only
/*
 * mtty-fuzz: seeded, reproducible random VFIO operations on mdev devices.
 *
 *   mtty-fuzz [-s SEED] [-n OPS] [-t SECONDS] [-r REOPEN] [-j WORKERS]
 *             [-o KIND,...] [-l FIRST] [-g] [-x] UUID...
 *
 * Each op picks a device and a kind (region read/write, ioctl, SET_IRQS,
 * reset, mmap, eventfd games, extra fds, close and reopen) with random,
 * often malformed arguments.  The same seed on the same driver gives the
 * same op sequence; -l FIRST prints every op from FIRST on, to find the
 * one that made the kernel complain.  The run ends after OPS ops or
 * SECONDS seconds, prints a summary (ops per kind, errno histogram) and
 * exits 0 if no answer contradicted the oracle and no fd leaked, 1
 * otherwise, 2 on bad usage, 3 if a syscall hung.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

#define DEFAULT_OPS		1000000ULL
#define DEFAULT_SECONDS		3600
#define DEFAULT_REOPEN		5000
#define MAX_WORKERS		64
#define PROGRESS_EVERY		100000
/* A syscall that has not returned for this long is a hang. */
#define WATCHDOG_SECONDS	60
#define WATCHDOG_TICK		5
#define PAGE			((size_t)4096)

struct options {
	uint64_t seed;
	uint64_t ops;
	unsigned long seconds;
	uint64_t reopen;
	unsigned long workers;
	uint64_t log_from;
	unsigned int kinds;	/* bit per enum op_kind allowed (-o) */
	bool tolerate_gone;
	bool exclusive;
	char **uuids;
	unsigned int nuuids;
};

/* Relative weights of the op kinds: cheap ones dominate (see docs). */
static const unsigned int weights[OP_KINDS] = {
	[OP_READ] = 280,
	[OP_WRITE] = 240,
	[OP_FPOS_RW] = 20,
	[OP_MMAP] = 10,
	[OP_GET_INFO] = 30,
	[OP_REGION_INFO] = 50,
	[OP_IRQ_INFO] = 30,
	[OP_SET_IRQS] = 200,
	[OP_RESET] = 20,
	[OP_BAD_IOCTL] = 60,
	[OP_EVENTFD] = 50,
	[OP_FD_CYCLE] = 8,
	[OP_REOPEN] = 2,
	[OP_MIG_STATE] = 30,
	[OP_MIG_DATA] = 50,
};

/* The watchdog's view of the main loop; written there, read on SIGALRM. */
static volatile sig_atomic_t progress;
static volatile sig_atomic_t current_kind = -1;
static sig_atomic_t last_progress = -1;
static sig_atomic_t stalled_ticks;

static void usage(FILE *out)
{
	fprintf(out,
		"usage: mtty-fuzz [-s SEED] [-n OPS] [-t SECONDS] [-r REOPEN] [-j WORKERS]\n"
		"                 [-o KIND,...] [-l FIRST] [-g] UUID...\n"
		"  -s SEED     64-bit seed (default: from the clock; always printed)\n"
		"  -n OPS      number of operations (default %llu)\n"
		"  -t SECONDS  stop after this long (default %d)\n"
		"  -r REOPEN   close and reopen each device every REOPEN of its ops\n"
		"              (default %d, 0: only when the op sequence asks)\n"
		"  -j WORKERS  fork WORKERS processes sharing the open devices, each\n"
		"              with its own seed (stress; not reproducible; default 1)\n"
		"  -o KINDS    only these op kinds (comma-separated, as in the summary)\n"
		"  -l FIRST    describe every op from number FIRST on, on stderr\n"
		"  -g          a device may be removed meanwhile: stop using it\n"
		"  -x          the devices are this process's alone (no -j, no other\n"
		"              user): also check the migration state it set\n"
		"exit: 0 clean, 1 anomaly or fd leak, 2 usage, 3 hung syscall\n",
		(unsigned long long)DEFAULT_OPS, DEFAULT_SECONDS, DEFAULT_REOPEN);
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (s[0] == '-')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || end == s || *end ? -1 : 0;
}

/* "set-irqs,eventfd" -> a bit per kind; 0 if a name is unknown. */
static unsigned int parse_kinds(const char *list)
{
	unsigned int mask = 0, k;
	const char *p = list;

	while (*p) {
		size_t len = strcspn(p, ",");

		for (k = 0; k < OP_KINDS; k++)
			if (strlen(op_name((enum op_kind)k)) == len &&
			    !strncmp(op_name((enum op_kind)k), p, len))
				break;
		if (k == OP_KINDS)
			return 0;
		mask |= 1U << k;
		p += len;
		if (*p == ',')
			p++;
	}
	return mask;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	struct timespec ts;
	uint64_t v;
	int c;

	clock_gettime(CLOCK_REALTIME, &ts);
	*o = (struct options){
		.seed = ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)ts.tv_nsec ^
			(uint64_t)getpid(),
		.ops = DEFAULT_OPS,
		.seconds = DEFAULT_SECONDS,
		.reopen = DEFAULT_REOPEN,
		.workers = 1,
		.log_from = UINT64_MAX,
		.kinds = (1U << OP_KINDS) - 1,
	};
	while ((c = getopt(argc, argv, "s:n:t:r:j:o:l:gxh")) != -1) {
		if (c == 'g') {
			o->tolerate_gone = true;
			continue;
		}
		if (c == 'x') {
			o->exclusive = true;
			continue;
		}
		if (c == 'o') {
			o->kinds = parse_kinds(optarg);
			if (!o->kinds) {
				usage(stderr);
				return -1;
			}
			continue;
		}
		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		if (c == '?' || parse_u64(optarg, &v)) {
			usage(stderr);
			return -1;
		}
		switch (c) {
		case 's': o->seed = v; break;
		case 'n': o->ops = v; break;
		case 't': o->seconds = (unsigned long)v; break;
		case 'r': o->reopen = v; break;
		case 'j': o->workers = (unsigned long)v; break;
		case 'l': o->log_from = v; break;
		default: break;
		}
	}
	if (optind >= argc || o->workers < 1 || o->workers > MAX_WORKERS ||
	    o->seconds < 1) {
		usage(stderr);
		return -1;
	}
	o->uuids = argv + optind;
	o->nuuids = (unsigned int)(argc - optind);
	return 0;
}

/* Async-signal-safe: the watchdog reports with write(2) only. */
static void put_str(const char *s)
{
	ssize_t n = write(STDERR_FILENO, s, strlen(s));

	(void)n;
}

static void put_num(long v)
{
	char buf[24];
	size_t i = sizeof(buf);

	buf[--i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i);
	put_str(buf + i);
}

static void watchdog(int sig)
{
	(void)sig;
	if (progress != last_progress) {
		last_progress = progress;
		stalled_ticks = 0;
		return;
	}
	if (++stalled_ticks * WATCHDOG_TICK < WATCHDOG_SECONDS)
		return;
	put_str("mtty-fuzz: HANG: no progress for ");
	put_num(WATCHDOG_SECONDS);
	put_str(" s in an op of kind ");
	put_num(current_kind);
	put_str(" (see the op list of -l); last op number mod 2^31: ");
	put_num(progress);
	put_str("\n");
	_exit(3);
}

static int start_watchdog(void)
{
	struct itimerval it = {
		.it_interval = { .tv_sec = WATCHDOG_TICK },
		.it_value = { .tv_sec = WATCHDOG_TICK },
	};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = watchdog;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) || setitimer(ITIMER_REAL, &it, NULL)) {
		perror("mtty-fuzz: watchdog");
		return -1;
	}
	return 0;
}

/* Open fds of this process, to prove none leaked. */
static int count_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!dir)
		return -1;
	while ((e = readdir(dir)))
		if (e->d_name[0] != '.')
			n++;
	closedir(dir);
	return n - 1;	/* the directory's own fd */
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static enum op_kind pick_kind(struct rng *r, unsigned int kinds)
{
	unsigned int k, x, total = 0, last = 0;

	for (k = 0; k < OP_KINDS; k++)
		if (kinds & (1U << k))
			total += weights[k];
	x = (unsigned int)rng_below(r, total);
	for (k = 0; k < OP_KINDS; k++) {
		if (!(kinds & (1U << k)))
			continue;
		last = k;
		if (x < weights[k])
			break;
		x -= weights[k];
	}
	return (enum op_kind)(k < OP_KINDS ? k : last);
}

static void run_op(struct fuzz *f, struct fuzz_dev *d, enum op_kind kind)
{
	switch (kind) {
	case OP_READ: op_read(f, d); break;
	case OP_WRITE: op_write(f, d); break;
	case OP_FPOS_RW: op_fpos_rw(f, d); break;
	case OP_MMAP: op_mmap(f, d); break;
	case OP_GET_INFO: op_get_info(f, d); break;
	case OP_REGION_INFO: op_region_info(f, d); break;
	case OP_IRQ_INFO: op_irq_info(f, d); break;
	case OP_SET_IRQS: op_set_irqs(f, d); break;
	case OP_RESET: op_reset(f, d); break;
	case OP_BAD_IOCTL: op_bad_ioctl(f, d); break;
	case OP_EVENTFD: op_eventfd(f, d); break;
	case OP_FD_CYCLE: op_fd_cycle(f, d); break;
	case OP_REOPEN: op_reopen(f, d); break;
	case OP_MIG_STATE: op_mig_state(f, d); break;
	case OP_MIG_DATA: op_mig_data(f, d); break;
	case OP_KINDS: break;
	}
}

static bool all_gone(const struct fuzz *f)
{
	unsigned int k;

	for (k = 0; k < f->ndevs; k++)
		if (!f->devs[k].gone)
			return false;
	return true;
}

/*
 * The op loop.  @shared: other processes hold the same device fds, so a
 * full reopen (which needs the group to itself) becomes an fd cycle.
 */
static void fuzz_loop(struct fuzz *f, const struct options *o, bool shared,
		      const char *who)
{
	struct timespec t0;
	uint64_t i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < o->ops && !f->fatal; i++) {
		struct fuzz_dev *d = &f->devs[rng_below(&f->rng, f->ndevs)];
		enum op_kind kind = pick_kind(&f->rng, o->kinds);

		f->op_index = i;
		if (d->gone) {
			if (all_gone(f)) {
				printf("%sall devices are gone after %" PRIu64
				       " ops\n", who, i);
				break;
			}
			continue;
		}
		if (o->reopen && d->ops && d->ops % o->reopen == 0)
			kind = OP_REOPEN;
		if (shared && kind == OP_REOPEN)
			kind = OP_FD_CYCLE;
		d->ops++;
		current_kind = (sig_atomic_t)kind;
		run_op(f, d, kind);
		progress = (sig_atomic_t)(i & INT32_MAX);
		if ((i + 1) % PROGRESS_EVERY == 0) {
			printf("%s%" PRIu64 " ops, %.0f s\n", who, i + 1,
			       seconds_since(&t0));
			fflush(stdout);
		}
		if ((i & 1023) == 1023 && seconds_since(&t0) >= (double)o->seconds) {
			printf("%stime limit of %lu s reached after %" PRIu64
			       " ops\n", who, o->seconds, i + 1);
			break;
		}
	}
	fuzz_summary(f, seconds_since(&t0));
}

/* Memory for buffers, with an inaccessible page on either side. */
static unsigned char *map_area(void)
{
	unsigned char *p = mmap(NULL, FUZZ_AREA_LEN + 2 * PAGE, PROT_NONE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p + PAGE, FUZZ_AREA_LEN, PROT_READ | PROT_WRITE)) {
		munmap(p, FUZZ_AREA_LEN + 2 * PAGE);
		return NULL;
	}
	return p + PAGE;
}

/* Everything main() set up, whatever got that far. */
static void teardown(struct fuzz *f)
{
	unsigned int i;

	for (i = 0; i < f->ndevs; i++)
		dev_close(&f->devs[i]);
	f->ndevs = 0;
	if (f->null_fd >= 0)
		close(f->null_fd);
	f->null_fd = -1;
	if (f->area)
		munmap(f->area - PAGE, FUZZ_AREA_LEN + 2 * PAGE);
	f->area = NULL;
	free(f->devs);
	f->devs = NULL;
}

/* Fork workers 1..N-1 sharing the open devices; returns the worker number. */
static unsigned long fork_workers(const struct options *o, pid_t *pids)
{
	unsigned long w;

	fflush(stdout);
	for (w = 1; w < o->workers; w++) {
		pids[w] = fork();
		if (pids[w] == 0)
			return w;
		if (pids[w] < 0)
			perror("mtty-fuzz: fork");
	}
	return 0;
}

static int wait_workers(const struct options *o, const pid_t *pids)
{
	int bad = 0, status;
	unsigned long w;

	for (w = 1; w < o->workers; w++) {
		if (pids[w] <= 0) {
			bad = 1;
			continue;
		}
		if (waitpid(pids[w], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			printf("worker %lu: failed (status 0x%x)\n", w, status);
			bad = WIFEXITED(status) && WEXITSTATUS(status) == 3 ? 3 : 1;
		}
	}
	return bad;
}

int main(int argc, char **argv)
{
	pid_t pids[MAX_WORKERS] = { 0 };
	struct options o;
	struct fuzz f;
	char who[32] = "";
	int fds_before, fds_after, rc = 0;
	unsigned long worker;
	unsigned int i;

	if (parse_args(argc, argv, &o))
		return 2;
	memset(&f, 0, sizeof(f));
	f.rng.state = o.seed;
	f.log_from = o.log_from;
	f.tolerate_gone = o.tolerate_gone;
	/* Workers share the devices: nobody has them alone then. */
	f.exclusive = o.exclusive && o.workers == 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("mtty-fuzz: seed 0x%016" PRIx64 ", %" PRIu64 " ops, %u device(s),"
	       " time limit %lu s\n", o.seed, o.ops, o.nuuids, o.seconds);

	fds_before = count_fds();
	f.area = map_area();
	f.devs = calloc(o.nuuids, sizeof(*f.devs));
	f.null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (!f.area || !f.devs || f.null_fd < 0) {
		perror("mtty-fuzz: setup");
		teardown(&f);
		return 1;
	}
	for (i = 0; i < o.nuuids; i++) {
		if (dev_open(&f, &f.devs[i], o.uuids[i])) {
			fprintf(stderr, "mtty-fuzz: cannot open %s\n",
				o.uuids[i]);
			teardown(&f);
			return 1;
		}
		f.ndevs = i + 1;
	}
	/* Before the watchdog: interval timers are not inherited by fork. */
	worker = fork_workers(&o, pids);
	if (start_watchdog()) {
		teardown(&f);
		return 1;
	}
	if (o.workers > 1) {
		snprintf(who, sizeof(who), "worker %lu: ", worker);
		/* Distinct streams per worker, all derived from the seed. */
		f.rng.state = o.seed + worker * 0x632be59bd9b4e019ULL;
	}
	fuzz_loop(&f, &o, o.workers > 1, who);

	teardown(&f);
	if (worker)
		return f.anomalies || f.fatal ? 1 : 0;
	if (o.workers > 1)
		rc = wait_workers(&o, pids);
	fds_after = count_fds();
	printf("fds: %d before, %d after\n", fds_before, fds_after);
	if (fds_after != fds_before) {
		printf("mtty-fuzz: fd leak\n");
		rc = rc ? rc : 1;
	}
	if (f.anomalies || f.fatal)
		rc = rc ? rc : 1;
	printf("mtty-fuzz: %s (seed 0x%016" PRIx64 ")\n",
	       rc ? "FAILED" : "PASS", o.seed);
	return rc;
}
