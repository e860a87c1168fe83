// SPDX-License-Identifier: GPL-2.0-only
/*
 * mtty-bench: measure an mtty driver (the project's or the kernel's sample,
 * whichever is loaded) and the system-call floor, from inside the benchmark
 * VM.  See bench.h for the output format and tests/bench/run.sh for the
 * run that calls it.
 */
#include "bench.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct bench_opts bench_opts = {
	.label = "unnamed",
	.runs = 25,
	.iters = 1000,
	.irq_samples = 2000,
	.reps = 25,
	.mem_rounds = 5,
};

static void usage(FILE *out)
{
	fputs("usage: mtty-bench [options] COMMAND\n"
	      "commands:\n"
	      "  floor                 pread/pwrite of /dev/zero\n"
	      "  device                register, config, loopback, open/close\n"
	      "  irq intx|msi          interrupt latency\n"
	      "  migration             state size, save, resume, device downtime\n"
	      "  sysfs TYPE N [N...]   create/remove cost and memory at N devices\n"
	      "options:\n"
	      "  -l LABEL   label of the output lines (default unnamed)\n"
	      "  -r RUNS    timed batches per access figure (25)\n"
	      "  -i ITERS   accesses per batch (1000)\n"
	      "  -s N       interrupts timed one by one (2000)\n"
	      "  -n N       create+remove pairs per device count (25)\n"
	      "  -m N       memory rounds at the first device count (5, 0: none)\n",
	      out);
}

static int parse_uint(const char *text, unsigned int *out, unsigned int min)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || end == text || *end || v < min || v > 1000000)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

int main(int argc, char **argv)
{
	int opt, rc;

	while ((opt = getopt(argc, argv, "l:r:i:s:n:m:h")) != -1) {
		unsigned int *field = NULL, min = 1;

		switch (opt) {
		case 'l':
			bench_opts.label = optarg;
			continue;
		case 'r':
			field = &bench_opts.runs;
			break;
		case 'i':
			field = &bench_opts.iters;
			break;
		case 's':
			field = &bench_opts.irq_samples;
			break;
		case 'n':
			field = &bench_opts.reps;
			break;
		case 'm':
			field = &bench_opts.mem_rounds;
			min = 0;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
		if (parse_uint(optarg, field, min)) {
			fprintf(stderr, "mtty-bench: bad value for -%c: %s\n",
				opt, optarg);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return 2;
	}

	if (!strcmp(argv[0], "floor") && argc == 1)
		rc = cmd_floor();
	else if (!strcmp(argv[0], "migration") && argc == 1)
		rc = cmd_migration();
	else if (!strcmp(argv[0], "device") && argc == 1)
		rc = cmd_device();
	else if (!strcmp(argv[0], "irq") && argc == 2)
		rc = cmd_irq(argv[1]);
	else if (!strcmp(argv[0], "sysfs") && argc >= 3)
		rc = cmd_sysfs(argv[1], argc - 2, argv + 2);
	else {
		usage(stderr);
		return 2;
	}
	return rc ? 1 : 0;
}
