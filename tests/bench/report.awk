# SPDX-License-Identifier: GPL-2.0-only
#
# One kernel's section of docs/benchmarks.md, from the serial log of its
# benchmark VM run (see report.sh; assemble.awk puts the sections
# together).  Only the log's BENCH, INFO and ERROR lines are used:
#   BENCH label metric unit n median p10 p90 p99 min max
#   INFO label key value...
# The section starts and ends with the markers <!-- bench:SUITE --> and
# <!-- /bench:SUITE -->; assemble.awk finds the sections by them and reads
# the key rows of their tables by their first cells, so row titles here
# and in assemble.awk go together.

function have(l, m) { return ((l SUBSEP m) in med) }
function num(v) { return sprintf("%.0f", v) }
function kib(v) { return sprintf("%.1f KiB", v / 1024) }

# "median [p10-p90]" (or the single value when there is no spread).
function cell(l, m, p99,   v) {
	if (!have(l, m))
		return "-"
	if (p99)
		return num(q99[l, m])
	v = num(med[l, m])
	if (cnt[l, m] > 1)
		v = v " [" num(q10[l, m]) "-" num(q90[l, m]) "]"
	return v
}

function memcell(l, m) {
	if (!have(l, m))
		return "-"
	if (cnt[l, m] > 1)
		return kib(med[l, m]) " [" kib(q10[l, m]) "-" kib(q90[l, m]) "]"
	return kib(med[l, m])
}

function val(l, m, p99) { return p99 ? q99[l, m] : med[l, m] }

function ratio(a, b) {
	if (a == "" || b == "" || b + 0 == 0)
		return "-"
	return sprintf("%.2f", a / b)
}

# The head of a table of row()s.
function row_head() {
	print "| Figure | Project | Sample | Floor | Project / sample | Project / floor |"
	print "|---|---|---|---|---|---|"
}

function row(title, m, fm, p99,   pr, sr, fr) {
	pr = have("project", m) ? val("project", m, p99) : ""
	sr = have("sample", m) ? val("sample", m, p99) : ""
	fr = (fm != "" && have("floor", fm)) ? val("floor", fm, 0) : ""
	printf "| %s | %s | %s | %s | %s | %s |\n", title,
		cell("project", m, p99), cell("sample", m, p99),
		fm == "" ? "-" : cell("floor", fm, 0),
		ratio(pr, sr), ratio(pr, fr)
}

# One target check: met when project <= limit * reference.
function verdict(what, p, ref, limit, refname,   r) {
	if (p == "" || ref == "" || ref + 0 == 0) {
		printf "| %s | not measured | **unknown** |\n", what
		unknown++
		return
	}
	r = p / ref
	if (r <= limit) {
		printf "| %s | %.2fx %s | met |\n", what, r, refname
		met++
	} else {
		printf "| %s | %.2fx %s | **missed** by %.0f%% |\n", what, r,
			refname, (r / limit - 1) * 100
		missed++
	}
}

function pv(l, m, p99) { return have(l, m) ? val(l, m, p99) : "" }

$1 == "BENCH" && NF == 11 {
	k = $2 SUBSEP $3
	unit[k] = $4; cnt[k] = $5; med[k] = $6; q10[k] = $7; q90[k] = $8
	q99[k] = $9; mn[k] = $10; mx[k] = $11
	if ($2 == "project" && $3 ~ /^create_remove@/) {
		n = substr($3, 15) + 0
		sizes[n] = 1
	}
	next
}
$1 == "INFO" {
	k = $2 SUBSEP $3
	v = $0
	sub(/^INFO [^ ]+ [^ ]+ ?/, "", v)
	# mawk creates info[k] before it evaluates the right-hand side.
	if (k in info)
		v = info[k] "; " v
	info[k] = v
	next
}
$1 == "ERROR" { errors = errors "\n- `" $0 "`"; next }

END {
	unitword = clock == "icount" ? "guest instructions" : "ns of guest wall-clock time"
	printf "<!-- bench:%s -->\n", suite
	printf "## Linux %s: %s (%s)\n", series, label, suite
	print ""
	print "### Run"
	print ""
	printf "- Date: %s; VM run took %s s of wall-clock time.\n", date, wall
	printf "- Host: %s, %s cores shared with other work; %s.\n", host_cpu, host_cores, qemu
	printf "- Guest: Linux %s (the %s package, booted as is), %s, %s vCPU, %s,\n",
		info["vm", "kernel"], suite, info["vm", "cpu"], info["vm", "cpus"],
		info["vm", "memory"]
	printf "  clocksource %s, TCG; measuring began once a second of sleep was a\n", info["vm", "clocksource"]
	printf "  second of idle time (after %s s of waiting).\n", info["vm", "settled"] == "" ? "?" : info["vm", "settled"]
	if (clock == "icount")
		print "- Clock: `-icount shift=0,sleep=off`: every time is a guest **instruction count**."
	else
		print "- Clock: wall (`BENCH_CLOCK=wall`, no icount): real nanoseconds, noisy."
	printf "- Project: %s.\n", project
	printf "- Sample: %s, built with %s against\n", sample, cc
	printf "  `linux-headers-%s` in a %s chroot at benchmark time.\n", info["vm", "kernel"], suite
	if (errors != "") {
		print ""
		print "**Some measurements failed:**" errors
	}
	if (("vm" SUBSEP "kernel-problem") in info) {
		print ""
		printf "**The guest kernel logged problems:** %s\n", info["vm", "kernel-problem"]
	}

	print ""
	print "### Per-access figures"
	print ""
	printf "Times in %s per operation: median [p10-p90] of %s batches of\n",
		unitword, cnt["project", "bar_read_scr"]
	print "back-to-back operations (interrupts: of individually timed"
	print "interrupts). Ratios compare medians (p99 rows: the p99s)."
	print ""
	row_head()
	row("BAR0 register read, 1 byte (SCR)", "bar_read_scr", "pread1", 0)
	row("BAR0 register read, 1 byte (LSR)", "bar_read_lsr", "pread1", 0)
	row("BAR0 register write, 1 byte (SCR)", "bar_write_scr", "pwrite1", 0)
	row("Config-space read, 1 dword", "cfg_read_dword", "pread4", 0)
	row("Loopback: 16 THR writes + 16 RBR reads", "loop16", "loop16", 0)
	row("Loopback: 15 THR writes + 15 RBR reads", "loop15", "loop15", 0)
	row("Interrupt latency INTx, median", "irq_intx", "", 0)
	row("Interrupt latency INTx, p99", "irq_intx", "", 1)
	row("Interrupt latency MSI, median", "irq_msi", "", 0)
	row("Interrupt latency MSI, p99", "irq_msi", "", 1)
	row("INTx unmask ioctl (between interrupts)", "intx_unmask", "", 0)
	row("Device open + close (GET_DEVICE_FD + close)", "open_close", "", 0)
	print ""
	cc = info["project", "irq_intx"]
	sub(/.*clock_cost_ns /, "", cc)
	sc = info["project", "irq_intx"]
	sub(/ clock_cost_ns.*/, "", sc)
	sub(/.*stray_signals /, "", sc)
	printf "Interrupt figures are net of an empty clock pair (%s). Signals nobody\n", cc
	printf "asked for (project, INTx): %s.\n", sc
	for (l = 1; l <= 2; l++) {
		lab = l == 1 ? "project" : "sample"
		if (have(lab, "loop16"))
			printf "%s: %s bytes of a 16-byte burst and %s of a 15-byte one came back intact; 16-byte bursts move %.0f bytes each way per 10^9 %s.\n",
				l == 1 ? "Project" : "Sample", info[lab, "loop16_ok"],
				info[lab, "loop15_ok"], 16 * 1e9 / med[lab, "loop16"],
				clock == "icount" ? "instructions" : "ns"
	}

	print ""
	print "### Creating and removing devices, memory"
	print ""
	printf "Type mtty-1; *Create + remove at N*: %s pairs with N-1 devices existing.\n",
		cnt["project", "create_remove@24"]
	print ""
	print "| Module | N | Create + remove | vs. N=24 | Create | Remove | Fill average | Memory / device |"
	print "|---|---|---|---|---|---|---|---|"
	if (have("sample", "create_remove@24"))
		printf "| sample | 24 | %s | 1.00 | %s | %s | %s | %s |\n",
			cell("sample", "create_remove@24", 0), cell("sample", "create@24", 0),
			cell("sample", "remove@24", 0), cell("sample", "fill_avg@24", 0),
			memcell("sample", "mem_slab_objs@24")
	ns = 0
	for (n in sizes)
		list[++ns] = n + 0
	for (i = 2; i <= ns; i++)	# insertion sort: awk has no sort
		for (j = i; j > 1 && list[j - 1] > list[j]; j--) {
			t = list[j]; list[j] = list[j - 1]; list[j - 1] = t
		}
	for (i = 1; i <= ns; i++) {
		n = list[i]
		printf "| project | %d | %s | %s | %s | %s | %s | %s |\n", n,
			cell("project", "create_remove@" n, 0),
			ratio(pv("project", "create_remove@" n, 0), pv("project", "create_remove@24", 0)),
			cell("project", "create@" n, 0), cell("project", "remove@" n, 0),
			cell("project", "fill_avg@" n, 0), memcell("project", "mem_slab_objs@" n)
	}
	print ""
	if (have("project", "drain_avg@" list[ns]))
		printf "Removing all %d devices of the project afterwards: %s per device on average.\n",
			list[ns], num(med["project", "drain_avg@" list[ns]])
	if (have("project", "mem_slab_pages@24"))
		printf "Slab pages (`Slab` + `Percpu` of `/proc/meminfo`) per device at 24: project %s, sample %s.\n",
			memcell("project", "mem_slab_pages@24"), memcell("sample", "mem_slab_pages@24")

	print ""
	print "### Migration"
	print ""
	print "One mtty-1 with 8 unread bytes in its FIFO moved into another, as QEMU"
	print "moves a device: *save* is RUNNING -> STOP_COPY and the data fd read to"
	print "its end, *resume* is RUNNING -> RESUMING, the stream written and back to"
	print "RUNNING, *downtime* the device's part of a migration's downtime (from"
	printf "the source leaving RUNNING to the destination running); %s rounds.\n", cnt["project", "mig_downtime"]
	print ""
	for (l = 1; l <= 2; l++) {
		lab = l == 1 ? "project" : "sample"
		if (info[lab, "migration"] == "none")
			printf "The %s offers no VFIO migration on this kernel.\n\n", lab
	}
	row_head()
	row("State size, bytes", "mig_state_size", "", 0)
	row("Save (STOP_COPY + read)", "mig_save", "", 0)
	row("Resume (RESUMING + write + RUNNING)", "mig_resume", "", 0)
	row("Device downtime", "mig_downtime", "", 0)

	print ""
	print "### Targets"
	print ""
	print "| Target | Result | Verdict |"
	print "|---|---|---|"
	verdict("BAR read (SCR) no slower than the sample", pv("project", "bar_read_scr"), pv("sample", "bar_read_scr"), 1, "sample")
	verdict("BAR read (LSR) no slower than the sample", pv("project", "bar_read_lsr"), pv("sample", "bar_read_lsr"), 1, "sample")
	verdict("BAR write (SCR) no slower than the sample", pv("project", "bar_write_scr"), pv("sample", "bar_write_scr"), 1, "sample")
	verdict("Config dword read no slower than the sample", pv("project", "cfg_read_dword"), pv("sample", "cfg_read_dword"), 1, "sample")
	verdict("BAR read (SCR) within 1.2x of the floor", pv("project", "bar_read_scr"), pv("floor", "pread1"), 1.2, "floor")
	verdict("BAR read (LSR) within 1.2x of the floor", pv("project", "bar_read_lsr"), pv("floor", "pread1"), 1.2, "floor")
	verdict("BAR write (SCR) within 1.2x of the floor", pv("project", "bar_write_scr"), pv("floor", "pwrite1"), 1.2, "floor")
	verdict("Config dword read within 1.2x of the floor", pv("project", "cfg_read_dword"), pv("floor", "pread4"), 1.2, "floor")
	verdict("INTx latency (median) no worse than the sample", pv("project", "irq_intx"), pv("sample", "irq_intx"), 1, "sample")
	verdict("INTx latency (p99) no worse than the sample", pv("project", "irq_intx", 1), pv("sample", "irq_intx", 1), 1, "sample")
	verdict("MSI latency (median) no worse than the sample", pv("project", "irq_msi"), pv("sample", "irq_msi"), 1, "sample")
	verdict("MSI latency (p99) no worse than the sample", pv("project", "irq_msi", 1), pv("sample", "irq_msi", 1), 1, "sample")
	verdict("Create + remove at 24 devices at least as fast as the sample", pv("project", "create_remove@24"), pv("sample", "create_remove@24"), 1, "sample")
	big = list[ns]
	verdict("Create + remove at " big " devices at most +50% over 24", pv("project", "create_remove@" big), pv("project", "create_remove@24"), 1.5, "N=24")
	verdict("Memory per port within 2x of the sample's", pv("project", "mem_slab_objs@24"), pv("sample", "mem_slab_objs@24"), 2, "sample")
	# The sample migrates from 6.7 on; before, there is nothing to compare.
	if (info["sample", "migration"] != "none") {
		verdict("Migration save no slower than the sample", pv("project", "mig_save"), pv("sample", "mig_save"), 1, "sample")
		verdict("Migration resume no slower than the sample", pv("project", "mig_resume"), pv("sample", "mig_resume"), 1, "sample")
		verdict("Migration device downtime no longer than the sample's", pv("project", "mig_downtime"), pv("sample", "mig_downtime"), 1, "sample")
	}
	print ""
	printf "%d met, %d missed%s.\n", met, missed, unknown ? ", " unknown " not measured" : ""

	print ""
	print "### Notes on this kernel's sample"
	print ""
	if (sample_automask) {
		print "- Its INTx is masked when signalled and `VFIO_IRQ_SET_ACTION_UNMASK`"
		print "  clears the mask (vfio-pci's protocol), as the project's does; its"
		print "  *INTx unmask ioctl* only clears a flag, the project's re-evaluates"
		print "  the line and signals again if the UART still requests service."
	} else {
		print "- **INTx unmask does nothing** and it does not automask either: every"
		print "  interrupt is signalled whether or not the user has unmasked, which is"
		print "  not the vfio-pci INTx protocol. Its INTx latency therefore contains no"
		print "  masking work, and its *INTx unmask ioctl* figure is the cost of an"
		print "  ioctl that only validates its arguments. The project automasks in the"
		print "  interrupt path and its unmask re-evaluates the line."
	}
	if (have("sample", "loop16"))
		printf "- **16-byte bursts are lost**: %s bytes came back. Its receive FIFO cannot tell full from empty, so its 16-byte loopback time is that of a broken path; the 15-byte row compares two working ones.\n",
			info["sample", "loop16_ok"]
	print "- It does not reset the device on open, so its open/close does less"
	print "  work than the project's, which starts every user from a device fresh"
	printf "  out of reset%s.\n", sample_close ? "" : " (nor does it release its eventfds on close: it has no `close_device`)"
	if (sample_migration)
		print "- It offers live migration (`mig_ops`, `log_ops`); no measured path touches it."
	print "- Its capacity is a fixed 24 ports, so it is only measured at 24 devices."
	printf "<!-- /bench:%s -->\n", suite
}
