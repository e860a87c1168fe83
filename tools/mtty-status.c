// SPDX-License-Identifier: GPL-2.0-only
/*
 * mtty-status: the host's mtty module, definitions and devices, as a table,
 * as JSON or as node_exporter metrics, with an exit code a script can test.
 * Read-only: it never opens a device (opening an idle one resets it).
 */
#include "status.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum format { FORMAT_TABLE, FORMAT_JSON, FORMAT_PROMETHEUS, FORMAT_NONE };

static void usage(FILE *out)
{
	fputs("usage: mtty-status [--json | --prometheus[=FILE] | --quiet] [--root DIR]\n"
	      "       mtty-status --help | --version\n"
	      "\n"
	      "Show the mtty module (version, max_ports, ports used and free) and\n"
	      "every mtty device: its mdevctl definition (type, auto or manual\n"
	      "start), whether it is active and which process or libvirt domain\n"
	      "holds it.  Read-only: no device is opened.\n"
	      "\n"
	      "  --json            JSON, schema " STATUS_SCHEMA " (docs/fleet.md)\n"
	      "  --prometheus      node_exporter textfile metrics on stdout, or\n"
	      "                    written atomically to FILE\n"
	      "  --quiet           no output: the exit status only\n"
	      "  --root DIR        read DIR/sys, DIR/proc and DIR/etc/mdevctl.d\n"
	      "\n"
	      "Exit status: 0 all well, 1 some device needs attention (defined to\n"
	      "start automatically but not active, unreadable definition, active\n"
	      "with another type than defined), 2 usage or read error, 3 the mtty\n"
	      "module is not loaded.\n", out);
}

/* Write the metrics to @path through a temporary file and a rename, so
 * that node_exporter never reads half a file. */
static int write_metrics(const struct mtty_status *st, const char *path)
{
	char tmp[PATH_MAX];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid()) >=
	    (int)sizeof(tmp)) {
		fprintf(stderr, "mtty-status: %s: name too long\n", path);
		return -1;
	}
	f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "mtty-status: %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	status_print_prometheus(st, f);
	if (fflush(f) || ferror(f) || fsync(fileno(f))) {
		fprintf(stderr, "mtty-status: %s: %s\n", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		return -1;
	}
	if (fclose(f) || rename(tmp, path)) {
		fprintf(stderr, "mtty-status: %s: %s\n", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int usage_error(const char *what)
{
	fprintf(stderr, "mtty-status: %s\n\n", what);
	usage(stderr);
	return STATUS_EXIT_ERROR;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "prometheus", optional_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	enum format format = FORMAT_TABLE;
	const char *metrics_file = NULL, *root = "";
	struct mtty_status st;
	int nr_formats = 0, opt, rc;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "hq", options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			format = FORMAT_JSON;
			nr_formats++;
			break;
		case 'p':
			format = FORMAT_PROMETHEUS;
			metrics_file = optarg;
			nr_formats++;
			if (metrics_file && !*metrics_file)
				return usage_error("--prometheus=: empty file name");
			break;
		case 'q':
			format = FORMAT_NONE;
			nr_formats++;
			break;
		case 'r':
			/* getopt never leaves it NULL here; "/" is the default "". */
			root = optarg && strcmp(optarg, "/") != 0 ? optarg : "";
			break;
		case 'h':
			usage(stdout);
			return STATUS_EXIT_OK;
		case 'V':
			printf("mtty-status %s\n", MTTY_VERSION);
			return STATUS_EXIT_OK;
		default:
			fprintf(stderr, "mtty-status: unknown or incomplete option '%s'\n\n",
				argv[optind - 1]);
			usage(stderr);
			return STATUS_EXIT_ERROR;
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument");
	if (nr_formats > 1)
		return usage_error("--json, --prometheus and --quiet exclude each other");

	if (status_scan(&st, root)) {
		status_free(&st);
		return STATUS_EXIT_ERROR;
	}
	rc = status_exit_code(&st);
	switch (format) {
	case FORMAT_TABLE:
		status_print_table(&st, stdout);
		break;
	case FORMAT_JSON:
		status_print_json(&st, stdout);
		break;
	case FORMAT_PROMETHEUS:
		if (!metrics_file)
			status_print_prometheus(&st, stdout);
		else if (write_metrics(&st, metrics_file))
			rc = STATUS_EXIT_ERROR;
		break;
	case FORMAT_NONE:
		break;
	}
	status_free(&st);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "mtty-status: writing output: %s\n", strerror(errno));
		return STATUS_EXIT_ERROR;
	}
	return rc;
}
