// SPDX-License-Identifier: GPL-2.0-only
/*
 * mtty-client: the admin's look at an mtty mediated device from user space,
 * without a VM, through VFIO.  This file parses the command line and
 * dispatches; each command lives in a cmd_*.c file.  The VFIO conformance
 * checks (interrupts, reset, bad arguments) are a test program of their
 * own, tests/vfio/mtty-vfio-test.
 *
 * Everything is validated before the device is opened, so that a typo never
 * touches (or resets, as opening does) a device; card_open() refuses any
 * mdev that is not an mtty and says that it resets the one it opens.
 */
#include "client.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef int (*cmd_fn)(struct mtty_card *card, const struct client_opts *opts);
typedef int (*parse_fn)(const char *arg, struct client_opts *opts);

struct command {
	const char *name;
	parse_fn parse;		/* NULL for commands without an argument */
	cmd_fn run;
};

/* Plain decimal digits only: no sign, no spaces, no "1e3". */
static int parse_seconds(const char *arg, struct client_opts *opts)
{
	unsigned long value = 0;
	const char *p;

	if (!*arg)
		return -1;
	for (p = arg; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		value = value * 10 + (unsigned long)(*p - '0');
		if (value > HOLD_MAX_SECONDS)
			return -1;
	}
	opts->seconds = (unsigned int)value;
	return 0;
}

static const struct command commands[] = {
	{ "info", NULL, cmd_info },
	{ "config", NULL, cmd_config },
	{ "loopback", NULL, cmd_loopback },
	{ "hold", parse_seconds, cmd_hold },
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: mtty-client UUID COMMAND [ARGS]\n"
		"       mtty-client --help | --version\n"
		"\n"
		"Open the mtty mediated device UUID through VFIO and run COMMAND:\n"
		"  info          [resets] device flags, regions and irqs, one per line\n"
		"  config        [resets] config space dump in lspci -xxx format\n"
		"  loopback      [resets] UART data path, overrun, scratch, divisor\n"
		"                latch: \"ok N - ...\" or \"not ok N - ...\" per check\n"
		"  hold SECONDS  [resets] keep the device open until a removal\n"
		"                request (prints \"request received\") or the timeout\n"
		"\n"
		"[resets]: opening an idle mtty device resets it, so every command\n"
		"does; it says so on stderr first (\"resetting UUID\").  A device a\n"
		"VM holds is not reset: mtty resets on the first open only, and the\n"
		"busy VFIO group makes the open fail.  Any mdev that is not an mtty\n"
		"is refused before it is opened.\n"
		"Exit status: 0 success, 1 failure or refusal, 2 usage error,\n"
		"3 hold timeout.  SECONDS is a decimal number up to %d.\n"
		"The VFIO conformance checks (interrupts, reset, bad arguments) are\n"
		"the test program tests/vfio/mtty-vfio-test of the source tree.\n",
		HOLD_MAX_SECONDS);
}

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("mtty-client: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n\n", stderr);
	usage(stderr);
	return CLIENT_EXIT_USAGE;
}

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	char uuid[VFIO_MDEV_UUID_LEN + 1];
	struct client_opts opts = { .seconds = 0 };
	const struct command *cmd;
	struct mtty_card card;
	int nr_args, status;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return CLIENT_EXIT_OK;
	}
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("mtty-client %s\n", MTTY_VERSION);
		return CLIENT_EXIT_OK;
	}
	if (argc < 3)
		return usage_error("missing UUID or COMMAND");
	if (vfio_mdev_uuid_parse(argv[1], uuid))
		return usage_error("malformed UUID '%s'", argv[1]);
	cmd = find_command(argv[2]);
	if (!cmd)
		return usage_error("unknown command '%s'", argv[2]);
	nr_args = cmd->parse ? 1 : 0;
	if (argc - 3 < nr_args)
		return usage_error("%s: missing argument", cmd->name);
	if (argc - 3 > nr_args)
		return usage_error("%s: too many arguments", cmd->name);
	if (cmd->parse && cmd->parse(argv[3], &opts))
		return usage_error("%s: bad argument '%s'", cmd->name,
				   argv[3]);

	if (card_open(&card, uuid)) {
		fprintf(stderr, "mtty-client: cannot open mdev %s\n", uuid);
		return CLIENT_EXIT_FAIL;
	}
	status = cmd->run(&card, &opts);
	card_close(&card);
	/* A failed flush (full disk, closed pipe) must not pass silently. */
	if (fflush(stdout) == EOF) {
		perror("mtty-client: stdout");
		status = CLIENT_EXIT_FAIL;
	}
	return status;
}
