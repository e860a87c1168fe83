# SPDX-License-Identifier: GPL-2.0-only
#
# docs/benchmarks.md from the kernels' sections (see report.sh).  Input
# files: the current docs/benchmarks.md (or /dev/null), then the section
# report.awk just made; a section is what lies between <!-- bench:SUITE -->
# and <!-- /bench:SUITE -->, and a later one of the same suite replaces an
# earlier one, so a run of one suite keeps the others' sections as they
# were.  Variables: suites (the suites of tests/lib/suites.list in order,
# "suite:series:label" joined by "|").  Prints the document without the
# hand-written analysis, which report.sh appends.

function first(cell) {
	sub(/^ +/, "", cell)
	sub(/ +$/, "", cell)
	sub(/ \[.*/, "", cell)
	return cell == "" ? "-" : cell
}

function get(s, k) {
	return ((s SUBSEP k) in fig) ? fig[s, k] : "-"
}

BEGIN {
	ns = split(suites, sl, "|")
	for (i = 1; i <= ns; i++) {
		split(sl[i], f, ":")
		sname[i] = f[1]
		sseries[f[1]] = f[2]
		slabel[f[1]] = f[3]
	}
}

/^<!-- bench:[A-Za-z0-9._-]+ -->$/ {
	cur = $0
	sub(/^<!-- bench:/, "", cur)
	sub(/ -->$/, "", cur)
	body[cur] = ""
	# A replaced section's figures go with it (keys collected first:
	# deleting while iterating is not portable).
	nd = 0
	for (k in fig) {
		split(k, kk, SUBSEP)
		if (kk[1] == cur)
			dk[++nd] = k
	}
	for (i = 1; i <= nd; i++)
		delete fig[dk[i]]
	nbig[cur] = 0
	table = ""
}
cur != "" {
	body[cur] = body[cur] $0 "\n"
}
cur != "" && /^### / {
	table = $0
	sub(/^### /, "", table)
}
cur != "" && /^\| / && !/^\|---/ {
	n = split($0, c, "|")
	title = c[2]
	sub(/^ +/, "", title)
	sub(/ +$/, "", title)
	if (table == "Per-access figures") {
		fig[cur, title, "project"] = first(c[3])
		fig[cur, title, "sample"] = first(c[4])
		fig[cur, title, "floor"] = first(c[5])
	} else if (table ~ /^Creating/ && (title == "project" || title == "sample")) {
		nn = first(c[3])
		fig[cur, "create" nn, title] = first(c[4])
		fig[cur, "mem" nn, title] = first(c[9])
		if (title == "project" && nn + 0 > nbig[cur])
			nbig[cur] = nn + 0
	} else if (table == "Targets" && title != "Target") {
		if (!((cur SUBSEP title) in tseen)) {
			tseen[cur, title] = 1
			if (!(title in tall)) {
				tall[title] = 1
				torder[++nt] = title
			}
		}
		r = c[3]
		v = c[4]
		sub(/^ +/, "", r); sub(/ +$/, "", r)
		sub(/^ +/, "", v); sub(/ +$/, "", v)
		fig[cur, "target", title] = r ", " v
	}
}
cur != "" && /^[0-9]+ met, [0-9]+ missed/ {
	fig[cur, "met"] = $0
	sub(/\.$/, "", fig[cur, "met"])
}
/^<!-- \/bench:/ {
	cur = ""
}

END {
	# The suites with a section, in the order of suites.list.
	nh = 0
	missing = ""
	for (i = 1; i <= ns; i++)
		if (sname[i] in body)
			have[++nh] = sname[i]
		else
			missing = missing (missing == "" ? "" : ", ") sname[i] " (" sseries[sname[i]] ")"

	print "# Benchmarks"
	print ""
	print "The project's `mtty.ko` against the kernel's own sample"
	print "(`samples/vfio-mdev/mtty.c`) and against the system-call floor (the"
	print "same access on `/dev/zero`), on each kernel of the test matrix"
	print "(`tests/lib/suites.list`). Each kernel's section comes from one VM run"
	print "of Debian's kernel of that suite, which measures the project's module"
	print "built for it and the sample of the same kernel's `linux-source`"
	print "package: `tests/bench/run.sh --kernel SUITE` rewrites its own section"
	print "and keeps the others; `make bench` runs every kernel below. Generated:"
	print "do not edit by hand, rerun it. tests/bench/README.md defines the figures"
	print "and the targets; the same targets apply on every kernel."
	if (missing != "") {
		print ""
		printf "Not measured (no section yet): %s.\n", missing
	}

	print ""
	print "## Side by side"
	print ""
	print "Medians from the sections below, in guest instructions under icount"
	print "(per operation; create + remove and memory per device)."
	print ""
	hdr = "| Figure |"
	sep = "|---|"
	for (h = 1; h <= nh; h++) {
		v = sseries[have[h]]
		hdr = hdr " " v " project | " v " sample | " v " floor |"
		sep = sep "---|---|---|"
	}
	print hdr
	print sep
	nk = split("BAR0 register read, 1 byte (SCR)|BAR0 register read, 1 byte (LSR)|" \
		"BAR0 register write, 1 byte (SCR)|Config-space read, 1 dword|" \
		"Loopback: 15 THR writes + 15 RBR reads|Interrupt latency INTx, median|" \
		"Interrupt latency MSI, median|INTx unmask ioctl (between interrupts)|" \
		"Device open + close (GET_DEVICE_FD + close)", keys, "|")
	for (k = 1; k <= nk; k++) {
		line = "| " keys[k] " |"
		for (h = 1; h <= nh; h++)
			line = line " " get(have[h], keys[k] SUBSEP "project") " | " \
				get(have[h], keys[k] SUBSEP "sample") " | " \
				get(have[h], keys[k] SUBSEP "floor") " |"
		print line
	}
	line = "| Create + remove at 24 devices |"
	for (h = 1; h <= nh; h++)
		line = line " " get(have[h], "create24" SUBSEP "project") " | " \
			get(have[h], "create24" SUBSEP "sample") " | - |"
	print line
	line = "| Create + remove at the largest N (project) |"
	for (h = 1; h <= nh; h++)
		line = line " " get(have[h], "create" nbig[have[h]] SUBSEP "project") \
			(nbig[have[h]] ? " (N=" nbig[have[h]] ")" : "") " | - | - |"
	print line
	line = "| Memory per device at 24 |"
	for (h = 1; h <= nh; h++)
		line = line " " get(have[h], "mem24" SUBSEP "project") " | " \
			get(have[h], "mem24" SUBSEP "sample") " | - |"
	print line

	print ""
	hdr = "| Target |"
	sep = "|---|"
	for (h = 1; h <= nh; h++) {
		hdr = hdr " Linux " sseries[have[h]] " |"
		sep = sep "---|"
	}
	print hdr
	print sep
	for (t = 1; t <= nt; t++) {
		line = "| " torder[t] " |"
		for (h = 1; h <= nh; h++)
			line = line " " get(have[h], "target" SUBSEP torder[t]) " |"
		print line
	}
	line = "| **All targets** |"
	for (h = 1; h <= nh; h++)
		line = line " " get(have[h], "met") " |"
	print line

	for (h = 1; h <= nh; h++) {
		print ""
		printf "%s", body[have[h]]
	}

	print ""
	print "## How the figures are taken"
	print ""
	print "- One VM per kernel: `qemu-system-x86_64 -accel tcg -smp 1 -icount"
	print "  shift=0,sleep=off` (the guest clock advances 1 ns per executed guest"
	print "  instruction, so a time is an instruction count of the guest's own path,"
	print "  unaffected by the host's load; repeat runs agree within 1%), a"
	print "  busybox initramfs, the suite's own vfio/mdev modules. Figures of"
	print "  different kernels compare instruction counts of different kernels,"
	print "  not speed on one machine."
	print "- In each VM: the `/dev/zero` floor, then the project's module"
	print "  (`max_ports=4096`), then the sample; each module is loaded alone"
	print "  (both are named `mtty`), measured and unloaded."
	print "- Every time comes from `clock_gettime(CLOCK_MONOTONIC)` inside the"
	print "  guest (`tools/bench/mtty-bench`, a static binary linking"
	print "  `tools/vfio_mdev.c`)."
	print "- Register, loopback and open/close figures: the time of a batch of"
	print "  back-to-back calls divided by its length, after one untimed"
	print "  warm-up batch; each access is one `pread`/`pwrite` on the VFIO device"
	print "  fd at the region offset from `VFIO_DEVICE_GET_REGION_INFO`. The floor"
	print "  is a `pread`/`pwrite` of the same size on `/dev/zero` through the same"
	print "  code path of the benchmark (the loopback floor: 16 (15) 1-byte"
	print "  `pwrite`s plus 16 (15) 1-byte `pread`s)."
	print "- Before measuring, the benchmark programs BAR0 with an I/O address and"
	print "  sets `PCI_COMMAND_IO`, as a guest's firmware does. (The sample re-reads"
	print "  its BAR addresses on every BAR access until BAR0 is non-zero.)"
	print "- Interrupt latency: one device per mode; the eventfd is set first (the"
	print "  6.1 sample dereferences a NULL eventfd if an interrupt comes earlier),"
	print "  then FIFOs on with a 1-byte trigger and `IER=RDI`. Each sample is the"
	print "  time from just before the 1-byte THR `pwrite` to the eventfd's `read`"
	print "  returning its count, minus the cost of an empty clock pair. Between"
	print "  interrupts, untimed: the byte is read back and, for INTx, the line is"
	print "  unmasked (timed separately as *INTx unmask ioctl*)."
	print "- Open/close: the benchmark's own device fd is closed first, so every"
	print "  `VFIO_GROUP_GET_DEVICE_FD` is a first open and every `close` a last"
	print "  close (the container and group stay set up)."
	print "- Creating and removing devices: type mtty-1 (one port per device),"
	print "  through sysfs as a user does it (open, write, close of `create` and"
	print "  of the device's `remove`). *Create + remove at N*: with N-1 devices"
	print "  existing, one more is created and removed; median [p10-p90]."
	print "  *Fill average*: mean cost of each create while going from 0 to N-1"
	print "  devices. *Memory*: growth of slab objects (`/proc/slabinfo`, active"
	print "  objects x object size, after dropping caches, letting RCU callbacks"
	print "  run and shrinking every cache) divided by the number of devices."
}
