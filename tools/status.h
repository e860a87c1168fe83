/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mtty-status: what the host's mtty module, its mdevctl definitions and its
 * active devices are, read from sysfs, /etc/mdevctl.d and /proc without
 * opening any device (opening one resets it).  The scan fills a struct
 * mtty_status; the printers turn it into a table, JSON or metrics.
 */
#ifndef MTTY_STATUS_H
#define MTTY_STATUS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "vfio_mdev.h"

/* The JSON document's schema name; bumped on any incompatible change. */
#define STATUS_SCHEMA		"mtty-status/1"

/* Exit codes scripts can test. */
#define STATUS_EXIT_OK		0
#define STATUS_EXIT_PROBLEM	1	/* some device needs attention */
#define STATUS_EXIT_ERROR	2	/* usage or read error */
#define STATUS_EXIT_UNLOADED	3	/* the mtty module is not loaded */

/* Where mdevctl keeps the definitions of the devices of parent "mtty". */
#define STATUS_DEFS_DIR		"/etc/mdevctl.d/mtty"
#define STATUS_PARENT_DIR	"/sys/class/mdev_bus/mtty"
#define STATUS_MODULE_DIR	"/sys/module/mtty"

/* Room for a type name ("mtty-2") or a definition's start value. */
#define STATUS_WORD_SIZE	32
/* /proc/PID/comm: at most 15 characters, a newline (read) and the NUL. */
#define STATUS_COMM_SIZE	17
/* A libvirt domain name is at most a file name. */
#define STATUS_DOMAIN_SIZE	256

/* A device's problems, as bits; status_problem_name() names them. */
enum status_problem {
	STATUS_AUTOSTART_FAILED = 1 << 0,
	STATUS_DEF_UNREADABLE = 1 << 1,
	STATUS_TYPE_MISMATCH = 1 << 2,
};
#define STATUS_NR_PROBLEMS	3

enum status_start { START_NONE, START_AUTO, START_MANUAL };

struct status_holder {
	long pid;		/* 0: nobody holds the device (or unseen) */
	char command[STATUS_COMM_SIZE];
	char domain[STATUS_DOMAIN_SIZE];	/* "" when not a named VM */
};

struct status_device {
	char uuid[VFIO_MDEV_UUID_LEN + 1];
	bool defined;
	bool active;
	enum status_start start;
	char def_type[STATUS_WORD_SIZE];	/* "" when not defined/readable */
	char active_type[STATUS_WORD_SIZE];	/* "" when not active */
	struct status_holder holder;
	unsigned int problems;
};

struct status_type {
	const char *name;
	unsigned int ports;
	long available;		/* -1 when unreadable */
};

struct mtty_status {
	bool loaded;
	char version[64];	/* "" when the module has none */
	long max_ports;		/* -1 when unknown */
	long ports_free;	/* -1 when unknown */
	struct status_type types[2];
	struct status_device *devices;
	size_t nr_devices;
	bool holders_visible;
};

/*
 * Fill @st from the tree under @root ("" for the running system).  Returns
 * 0, or -1 after a message on stderr when something that exists could not
 * be read (an absent module or definition directory is not an error).
 */
int status_scan(struct mtty_status *st, const char *root);
void status_free(struct mtty_status *st);

/* The device of @st named @uuid, added if new; NULL when out of memory. */
struct status_device *status_device_of(struct mtty_status *st,
				       const char *uuid);

/* Definitions: add or update the devices of @st from @root's mdevctl.d. */
int status_read_definitions(struct mtty_status *st, const char *root);

/*
 * Parse one mdevctl definition (JSON text of @len bytes): its "mdev_type"
 * and "start" strings.  Returns 0, or -1 if it is not a JSON object with
 * both, or "start" is neither "auto" nor "manual".
 */
int status_parse_definition(const char *text, size_t len,
			    char type[STATUS_WORD_SIZE],
			    enum status_start *start);

/* Holders: which process has each active device's VFIO file open. */
int status_find_holders(struct mtty_status *st, const char *root);

/*
 * printf into a PATH_MAX buffer; -1 with errno ENAMETOOLONG, and "" in
 * @buf, when the path does not fit (a cut path could name another file).
 */
__attribute__((format(printf, 2, 3)))
int status_path(char buf[PATH_MAX], const char *fmt, ...);

/*
 * The first line of a small file without its newline, in @buf of @size
 * bytes (room for the newline too).  Returns -1 (errno set) when it cannot
 * be read or its line does not fit.
 */
int status_read_line(const char *path, char *buf, size_t size);

/*
 * All of @path, NUL-terminated, in a new buffer (@len bytes before the
 * NUL).  NULL (errno set; EFBIG) when it cannot be read or holds more
 * than @max bytes.
 */
char *status_read_file(const char *path, size_t max, size_t *len);

/*
 * The first @max bytes at most of @path, as status_read_file() gives
 * them; *@cut says the file went on past them.  For files only the start
 * of which matters, such as a long command line.
 */
char *status_read_head(const char *path, size_t max, size_t *len,
		       bool *cut);

/* Ports of type @name ("mtty-2": 2), 0 for a type mtty does not have. */
unsigned int status_type_ports(const char *name);
const char *status_problem_name(unsigned int bit);
const char *status_start_name(enum status_start start);

/* Counts the printers share. */
struct status_summary {
	size_t defined, active, held, stopped, autostart_failed, problems;
	size_t start_auto, start_manual;
};
void status_summarize(const struct mtty_status *st, struct status_summary *s);

/* The exit code @st calls for. */
int status_exit_code(const struct mtty_status *st);

void status_print_table(const struct mtty_status *st, FILE *out);
void status_print_json(const struct mtty_status *st, FILE *out);
void status_print_prometheus(const struct mtty_status *st, FILE *out);

#endif /* MTTY_STATUS_H */
