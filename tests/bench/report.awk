# SPDX-License-Identifier: GPL-2.0-only
#
# Markdown report of a benchmark run (see report.sh). Input: the VM's
# serial log; only its BENCH, INFO and ERROR lines are used:
#   BENCH label metric unit n median p10 p90 p99 min max
#   INFO label key value...

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
	print "# Benchmarks"
	print ""
	print "The project's `mtty.ko` against the kernel's own sample"
	print "(`samples/vfio-mdev/mtty.c`) and against the system-call floor"
	print "(the same access on `/dev/zero`), all measured in one VM run."
	print "Written by `tests/bench/run.sh` (`make bench`); do not edit by hand:"
	print "rerun it. Issue 6 defines the figures and the targets."
	print ""
	print "## Run"
	print ""
	printf "- Date: %s; VM run took %s s of wall-clock time.\n", date, wall
	printf "- Host: %s, %s cores shared with other work; %s.\n", host_cpu, host_cores, qemu
	printf "- Guest: Linux %s, %s, %s vCPU, %s, clocksource %s, TCG.\n",
		info["vm", "kernel"], info["vm", "cpu"], info["vm", "cpus"],
		info["vm", "memory"], info["vm", "clocksource"]
	if (clock == "icount") {
		print "- Clock: `-icount shift=0,sleep=off`: the guest clock advances 1 ns"
		print "  per executed guest instruction, so every time below is an"
		print "  **instruction count** of the guest's own path, unaffected by the"
		print "  host's load (repeat runs agree within 1%)."
	} else {
		print "- Clock: wall (`BENCH_CLOCK=wall`, no icount): times are real"
		print "  nanoseconds inside a TCG guest and move with the host's load;"
		print "  only ratios taken in the same run mean anything, and even they"
		print "  swing (0.57x to 1.75x seen between identical modules)."
	}
	printf "- Project: %s. Sample: %s, built at benchmark time against the\n", project, sample
	print "  same headers (never part of the repository)."
	printf "- Each module is loaded alone (both are named `mtty`), measured, and\n"
	printf "  unloaded; the project's with `max_ports=4096`.\n"
	if (errors != "") {
		print ""
		print "**Some measurements failed:**" errors
	}
	if (("vm" SUBSEP "kernel-problem") in info) {
		print ""
		printf "**The guest kernel logged problems:** %s\n", info["vm", "kernel-problem"]
	}

	print ""
	print "## Per-access figures"
	print ""
	printf "Times in %s per operation: median [p10-p90] of %s batches of\n",
		unitword, cnt["project", "bar_read_scr"]
	print "back-to-back operations (interrupts: of individually timed"
	print "interrupts). Ratios compare medians (p99 rows: the p99s)."
	print ""
	print "| Figure | Project | Sample | Floor | Project / sample | Project / floor |"
	print "|---|---|---|---|---|---|"
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
	print "Floor: `pread`/`pwrite` of the same size on `/dev/zero` through the"
	print "same code path of the benchmark (the loopback floor is 16 (15) 1-byte"
	print "`pwrite`s plus 16 (15) 1-byte `pread`s)."
	for (l = 1; l <= 2; l++) {
		lab = l == 1 ? "project" : "sample"
		if (have(lab, "loop16"))
			printf "%s: %s bytes of a 16-byte burst and %s of a 15-byte one came back intact; 16-byte bursts move %.0f bytes each way per 10^9 %s.\n",
				l == 1 ? "Project" : "Sample", info[lab, "loop16_ok"],
				info[lab, "loop15_ok"], 16 * 1e9 / med[lab, "loop16"],
				clock == "icount" ? "instructions" : "ns"
	}

	print ""
	print "## Creating and removing devices, memory"
	print ""
	print "Type mtty-1 (one port per device), through sysfs as a user does it"
	print "(open, write, close of `create` and of the device's `remove`)."
	print "*Create + remove at N*: with N-1 devices existing, one more is created"
	print "and removed, " cnt["project", "create_remove@24"] " times; median [p10-p90]."
	print "*Fill average*: mean cost of each create while going from 0 to N-1"
	print "devices. *Memory*: growth of slab objects (`/proc/slabinfo`, active"
	print "objects x object size, after dropping caches, letting RCU callbacks run"
	print "and shrinking every cache) divided by the number of devices."
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
	if (have("project", "drain_avg@" list[ns]))
		printf "\nRemoving all %d devices of the project afterwards: %s per device on average.\n",
			list[ns], num(med["project", "drain_avg@" list[ns]])
	if (have("project", "mem_slab_pages@24"))
		printf "Slab pages (`Slab` + `Percpu` of `/proc/meminfo`) per device at 24: project %s, sample %s.\n",
			memcell("project", "mem_slab_pages@24"), memcell("sample", "mem_slab_pages@24")

	print ""
	print "## Targets"
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
	print ""
	printf "%d met, %d missed%s.\n", met, missed, unknown ? ", " unknown " not measured" : ""

	print ""
	print "## How the figures are taken"
	print ""
	print "- Every time comes from `clock_gettime(CLOCK_MONOTONIC)` inside the"
	print "  guest (`tools/bench/mtty-bench`, a static binary linking"
	print "  `tools/vfio_mdev.c`)."
	print "- Register, loopback and open/close figures: the time of a batch of"
	print "  back-to-back calls divided by its length, after one untimed"
	print "  warm-up batch; each access is one `pread`/`pwrite` on the VFIO device"
	print "  fd at the region offset from `VFIO_DEVICE_GET_REGION_INFO`."
	print "- Before measuring, the benchmark programs BAR0 with an I/O address and"
	print "  sets `PCI_COMMAND_IO`, as a guest's firmware does. (The sample re-reads"
	print "  its BAR addresses on every BAR access until BAR0 is non-zero.)"
	print "- Interrupt latency: one device per mode; the eventfd is set first (the"
	print "  sample dereferences a NULL eventfd if an interrupt comes earlier), then"
	print "  FIFOs on with a 1-byte trigger and `IER=RDI`. Each sample is the time"
	print "  from just before the 1-byte THR `pwrite` to the eventfd's `read`"
	cc = info["project", "irq_intx"]
	sub(/.*clock_cost_ns /, "", cc)
	sc = info["project", "irq_intx"]
	sub(/ clock_cost_ns.*/, "", sc)
	sub(/.*stray_signals /, "", sc)
	print "  returning its count, minus the cost of an empty clock pair (" cc ")."
	print "  Signals nobody asked for (project, INTx): " sc "."
	print "  Between interrupts, untimed: the byte is read back and, for INTx, the"
	print "  line is unmasked (timed separately as *INTx unmask ioctl*)."
	print "- Open/close: the benchmark's own device fd is closed first, so every"
	print "  `VFIO_GROUP_GET_DEVICE_FD` is a first open and every `close` a last"
	print "  close (the container and group stay set up)."

	print ""
	print "## Notes on the sample"
	print ""
	print "- **INTx unmask does nothing** in the sample on 6.1 and it does not"
	print "  automask either: every interrupt is signalled whether or not the user"
	print "  has unmasked, which is not the vfio-pci INTx protocol. Its INTx"
	print "  latency therefore contains no masking work, and its *INTx unmask"
	print "  ioctl* figure is the cost of an ioctl that only validates its"
	print "  arguments. The project automasks in the interrupt path and its unmask"
	print "  re-evaluates the line."
	print "- **16-byte bursts are lost** by the sample: its receive FIFO cannot"
	print "  tell full from empty, so after 16 writes every read returns nothing"
	print "  (" info["sample", "loop16_ok"] " bytes came back) and its count stays at 16, so later writes"
	print "  overflow. Its 16-byte loopback time is that of a broken path; the"
	print "  15-byte row compares two working ones."
	print "- The sample does not reset the device on open, so its open/close"
	print "  does less work than the project's, which starts every user from a"
	print "  device fresh out of reset."
	print "- The sample's capacity is a fixed 24 ports, so it is only measured at"
	print "  24 devices."
}
