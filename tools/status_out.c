// SPDX-License-Identifier: GPL-2.0-only
/*
 * The three faces of a struct mtty_status: a table for people, JSON for
 * scripts (schema STATUS_SCHEMA, documented in docs/fleet.md) and
 * node_exporter textfile metrics.
 */
#include "status.h"

#include <stdio.h>
#include <string.h>

static const char *yes_no(bool b)
{
	return b ? "true" : "false";
}

/* A JSON string, escaped; NULL or "" prints null when @empty_null. */
static void json_str(FILE *out, const char *s, bool empty_null)
{
	if (!s || (empty_null && !*s)) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void json_long(FILE *out, long v)
{
	if (v < 0)
		fputs("null", out);
	else
		fprintf(out, "%ld", v);
}

/* The type a device is, by its definition or else by what is active. */
static const char *device_type(const struct status_device *dev)
{
	return dev->def_type[0] ? dev->def_type : dev->active_type;
}

static void json_device(FILE *out, const struct status_device *dev)
{
	const char *type = device_type(dev);
	unsigned int bit;
	bool first = true;

	fputs("    {\"uuid\": ", out);
	json_str(out, dev->uuid, false);
	fputs(", \"type\": ", out);
	json_str(out, type, true);
	fputs(", \"ports\": ", out);
	if (status_type_ports(type))
		fprintf(out, "%u", status_type_ports(type));
	else
		fputs("null", out);
	fprintf(out, ",\n     \"defined\": %s, \"start\": ", yes_no(dev->defined));
	json_str(out, status_start_name(dev->start), false);
	fprintf(out, ", \"active\": %s,\n     \"holder\": ", yes_no(dev->active));
	if (dev->holder.pid) {
		fprintf(out, "{\"pid\": %ld, \"command\": ", dev->holder.pid);
		json_str(out, dev->holder.command, false);
		fputs(", \"domain\": ", out);
		json_str(out, dev->holder.domain, true);
		fputc('}', out);
	} else {
		fputs("null", out);
	}
	fputs(",\n     \"problems\": [", out);
	for (bit = 1; bit < 1u << STATUS_NR_PROBLEMS; bit <<= 1) {
		if (!(dev->problems & bit))
			continue;
		fprintf(out, "%s\"%s\"", first ? "" : ", ",
			status_problem_name(bit));
		first = false;
	}
	fputs("]}", out);
}

void status_print_json(const struct mtty_status *st, FILE *out)
{
	struct status_summary s;
	size_t i;

	status_summarize(st, &s);
	fprintf(out, "{\n  \"schema\": \"%s\",\n", STATUS_SCHEMA);
	fprintf(out, "  \"module\": {\"loaded\": %s, \"version\": ",
		yes_no(st->loaded));
	json_str(out, st->loaded ? st->version : NULL, true);
	fputs(", \"max_ports\": ", out);
	json_long(out, st->max_ports);
	fputs(",\n             \"ports_used\": ", out);
	json_long(out, st->max_ports >= 0 && st->ports_free >= 0 ?
		  st->max_ports - st->ports_free : -1);
	fputs(", \"ports_free\": ", out);
	json_long(out, st->ports_free);
	fputs("},\n  \"types\": [", out);
	for (i = 0; st->loaded && i < 2; i++) {
		fprintf(out, "%s\n    {\"name\": \"%s\", \"ports\": %u, "
			"\"available_instances\": ", i ? "," : "",
			st->types[i].name, st->types[i].ports);
		json_long(out, st->types[i].available);
		fputc('}', out);
	}
	fputs(st->loaded ? "\n  ],\n" : "],\n", out);
	fputs("  \"devices\": [", out);
	for (i = 0; i < st->nr_devices; i++) {
		fputs(i ? ",\n" : "\n", out);
		json_device(out, &st->devices[i]);
	}
	fputs(st->nr_devices ? "\n  ],\n" : "],\n", out);
	fprintf(out, "  \"holders_visible\": %s,\n", yes_no(st->holders_visible));
	fprintf(out, "  \"summary\": {\"defined\": %zu, \"active\": %zu, "
		"\"held\": %zu, \"autostart_failed\": %zu, \"problems\": %zu}\n}\n",
		s.defined, s.active, s.held, s.autostart_failed, s.problems);
}

static const char *state_name(const struct status_device *dev)
{
	if (!dev->active)
		return "stopped";
	return dev->holder.pid ? "held" : "started";
}

void status_print_table(const struct mtty_status *st, FILE *out)
{
	size_t i;

	if (!st->loaded)
		fputs("mtty: module not loaded\n", out);
	else
		fprintf(out, "mtty %s: %ld ports, %ld used, %ld free\n",
			st->version[0] ? st->version : "(no version)",
			st->max_ports, st->max_ports - st->ports_free,
			st->ports_free);
	if (!st->nr_devices) {
		fputs("no mtty devices\n", out);
		return;
	}
	fprintf(out, "%-36s  %-6s  %-6s  %-7s  %s\n", "UUID", "TYPE", "START",
		"STATE", "HOLDER");
	for (i = 0; i < st->nr_devices; i++) {
		const struct status_device *dev = &st->devices[i];
		const char *start = status_start_name(dev->start);
		const char *type = device_type(dev);

		fprintf(out, "%-36s  %-6s  %-6s  %-7s  ", dev->uuid,
			type[0] ? type : "?",
			start ? start : dev->defined ? "?" : "-",
			state_name(dev));
		if (dev->holder.pid && dev->holder.domain[0])
			fprintf(out, "domain %s (%s, pid %ld)\n",
				dev->holder.domain, dev->holder.command,
				dev->holder.pid);
		else if (dev->holder.pid)
			fprintf(out, "%s (pid %ld)\n", dev->holder.command,
				dev->holder.pid);
		else
			fputs("-\n", out);
	}
	for (i = 0; i < st->nr_devices; i++) {
		const struct status_device *dev = &st->devices[i];

		if (dev->problems & STATUS_AUTOSTART_FAILED)
			fprintf(out, "problem: %s is defined to start "
				"automatically but is not active\n", dev->uuid);
		if (dev->problems & STATUS_DEF_UNREADABLE)
			fprintf(out, "problem: %s: the definition in "
				STATUS_DEFS_DIR " is not mdevctl JSON\n",
				dev->uuid);
		if (dev->problems & STATUS_TYPE_MISMATCH)
			fprintf(out, "problem: %s is defined as %s but "
				"active as %s\n", dev->uuid, dev->def_type,
				dev->active_type);
	}
	if (!st->holders_visible)
		fputs("note: some processes could not be inspected; "
		      "run as root to see every holder\n", out);
}

/* "# HELP" and "# TYPE" of one gauge. */
static void gauge(FILE *out, const char *name, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* A label value: backslash, quote and newline escaped. */
static void label_value(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(out, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
}

void status_print_prometheus(const struct mtty_status *st, FILE *out)
{
	struct status_summary s;

	status_summarize(st, &s);
	gauge(out, "mtty_up", "Whether the mtty module is loaded.");
	fprintf(out, "mtty_up %d\n", st->loaded);
	if (st->loaded) {
		gauge(out, "mtty_info", "The loaded mtty module's version.");
		fputs("mtty_info{version=\"", out);
		label_value(out, st->version);
		fputs("\"} 1\n", out);
		gauge(out, "mtty_ports_max", "Ports all mtty devices may use (max_ports).");
		fprintf(out, "mtty_ports_max %ld\n", st->max_ports);
		gauge(out, "mtty_ports_used", "Ports taken by active mtty devices.");
		fprintf(out, "mtty_ports_used %ld\n", st->max_ports - st->ports_free);
		gauge(out, "mtty_ports_free", "Ports left for new mtty devices.");
		fprintf(out, "mtty_ports_free %ld\n", st->ports_free);
	}
	gauge(out, "mtty_devices",
	      "mtty devices by state: held (active and open), started (active), stopped (defined, not active).");
	fprintf(out, "mtty_devices{state=\"held\"} %zu\n", s.held);
	fprintf(out, "mtty_devices{state=\"started\"} %zu\n", s.active - s.held);
	fprintf(out, "mtty_devices{state=\"stopped\"} %zu\n", s.stopped);
	gauge(out, "mtty_definitions", "mdevctl definitions of mtty devices by start mode.");
	fprintf(out, "mtty_definitions{start=\"auto\"} %zu\n", s.start_auto);
	fprintf(out, "mtty_definitions{start=\"manual\"} %zu\n", s.start_manual);
	gauge(out, "mtty_autostart_failed",
	      "Devices defined to start automatically that are not active.");
	fprintf(out, "mtty_autostart_failed %zu\n", s.autostart_failed);
	gauge(out, "mtty_device_problems", "Devices with any problem mtty-status reports.");
	fprintf(out, "mtty_device_problems %zu\n", s.problems);
}
