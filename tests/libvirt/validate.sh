#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Validate mtty's libvirt XML against the installed libvirt schemas:
#
#   validate.sh
#
# Every file in libvirt-xml/ (the hostdev snippet wrapped into a whole
# domain, since only whole documents validate), and the generator's output
# for each kind and type; the generator must also refuse bad input with a
# usage message and a non-zero exit. Needs virt-xml-validate (Debian
# package libvirt-clients) and xmllint (libxml2-utils). Prints "ok" / "not
# ok" lines and "N passed, N failed"; exits non-zero on any failure.

set -u

here=$(cd "$(dirname "$0")" && pwd)
xmldir=$(cd "$here/../../libvirt-xml" && pwd)
gen=$xmldir/mtty-libvirt-xml
uuid=6e1d5b0e-94f0-4c1a-8c55-2b0a1e1c0d01

# shellcheck source=tests/lib/tap.sh
. "$here/../lib/tap.sh"
report() {
	if [ "$1" = ok ]; then tap_ok "$2"; else tap_fail "$2"; fi
}
finish() {
	tap_done
}

for tool in virt-xml-validate xmllint; do
	if ! command -v "$tool" >/dev/null; then
		report fail "$tool is installed (apt-get install libvirt-clients libxml2-utils)"
		finish
	fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# validate DESCRIPTION FILE SCHEMA
validate() {
	if out=$(virt-xml-validate "$2" "$3" 2>&1); then
		report ok "$1 validates as $3"
	else
		report fail "$1 validates as $3"
		printf '%s\n' "$out" | head -n 10 | sed 's/^/#   /'
	fi
}

# A domain around a <hostdev> element (the snippet, or generator output).
wrap_hostdev() {
	cat <<XML
<domain type='qemu'>
  <name>wrap</name>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
$(cat "$1")
  </devices>
</domain>
XML
}

# --- the files ---------------------------------------------------------
for f in "$xmldir"/*.xml; do
	base=${f##*/}
	# Root element of the document, comments skipped.
	root=$(xmllint --xpath 'name(/*)' "$f" 2>/dev/null)
	case $root in
	domain) validate "libvirt-xml/$base" "$f" domain ;;
	device) validate "libvirt-xml/$base" "$f" nodedev ;;
	hostdev)
		wrap_hostdev "$f" >"$tmp/wrapped.xml"
		validate "libvirt-xml/$base (inside a domain)" "$tmp/wrapped.xml" domain
		;;
	*) report fail "libvirt-xml/$base: well-formed, with a known root element (got '$root')" ;;
	esac
done

# --- the generator's output -------------------------------------------
for type in mtty-1 mtty-2; do
	if "$gen" nodedev "$uuid" "$type" >"$tmp/n.xml" 2>"$tmp/err"; then
		validate "mtty-libvirt-xml nodedev UUID $type" "$tmp/n.xml" nodedev
		if grep -q "<type id='$type'/>" "$tmp/n.xml" && grep -q "<uuid>$uuid</uuid>" "$tmp/n.xml"; then
			report ok "mtty-libvirt-xml nodedev UUID $type: names the type and UUID"
		else
			report fail "mtty-libvirt-xml nodedev UUID $type: names the type and UUID"
		fi
	else
		report fail "mtty-libvirt-xml nodedev UUID $type exits 0"
	fi
	if "$gen" hostdev "$uuid" "$type" >"$tmp/h.xml" 2>"$tmp/err"; then
		wrap_hostdev "$tmp/h.xml" >"$tmp/wrapped.xml"
		validate "mtty-libvirt-xml hostdev UUID $type (inside a domain)" "$tmp/wrapped.xml" domain
	else
		report fail "mtty-libvirt-xml hostdev UUID $type exits 0"
	fi
	if "$gen" domain "$uuid" "$type" --name "t&<'x" --kernel /tmp/a\&b \
		--cmdline 'console=ttyS0 a="b c"' --serial-log /tmp/s.log \
		--memory 128 >"$tmp/d.xml" 2>"$tmp/err"; then
		validate "mtty-libvirt-xml domain UUID $type (options with XML specials)" "$tmp/d.xml" domain
		got=$(xmllint --xpath 'string(/domain/name)' "$tmp/d.xml" 2>/dev/null)
		if [ "$got" = "t&<'x" ]; then
			report ok "mtty-libvirt-xml domain: the name is escaped and reads back"
		else
			report fail "mtty-libvirt-xml domain: the name is escaped and reads back (got '$got')"
		fi
	else
		report fail "mtty-libvirt-xml domain UUID $type exits 0"
	fi
done
# Migration: --migration on adds QEMU's override for the hostdev's alias,
# valid to libvirt's schema; off leaves the qemu namespace out.
if "$gen" domain "$uuid" --migration on >"$tmp/m.xml" 2>"$tmp/err"; then
	validate "mtty-libvirt-xml domain --migration on" "$tmp/m.xml" domain
	if grep -q "<alias name='ua-mtty-$uuid'/>" "$tmp/m.xml" &&
		grep -q "<qemu:device alias='ua-mtty-$uuid'>" "$tmp/m.xml" &&
		grep -q "name='enable-migration' type='string' value='on'" "$tmp/m.xml" &&
		grep -q "name='x-device-dirty-page-tracking' type='string' value='off'" "$tmp/m.xml"; then
		report ok "mtty-libvirt-xml domain --migration on: the override names the hostdev's alias"
	else
		report fail "mtty-libvirt-xml domain --migration on: the override names the hostdev's alias"
	fi
else
	report fail "mtty-libvirt-xml domain --migration on exits 0"
fi
if "$gen" domain "$uuid" --migration off | grep -q 'qemu:'; then
	report fail "mtty-libvirt-xml domain --migration off: no qemu namespace"
else
	report ok "mtty-libvirt-xml domain --migration off: no qemu namespace"
fi
if "$gen" override "$uuid" | grep -q "<qemu:device alias='ua-mtty-$uuid'>"; then
	report ok "mtty-libvirt-xml override UUID: the override alone"
else
	report fail "mtty-libvirt-xml override UUID: the override alone"
fi

# Upper-case input is printed as sysfs and mdevctl spell UUIDs.
upper=$(printf '%s' "$uuid" | tr 'a-f' 'A-F')
if "$gen" hostdev "$upper" | grep -q "uuid='$uuid'"; then
	report ok "mtty-libvirt-xml prints the UUID in lower case"
else
	report fail "mtty-libvirt-xml prints the UUID in lower case"
fi

# --- bad input: usage on stderr, non-zero exit, nothing on stdout -------
# refuse DESCRIPTION PATTERN ARGS...
refuse() {
	desc=$1
	pat=$2
	shift 2
	"$gen" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne 0 ] && [ ! -s "$tmp/out" ] && grep -q '^usage:' "$tmp/err" &&
		grep -Eq -- "$pat" "$tmp/err"; then
		report ok "mtty-libvirt-xml refuses $desc (exit $rc, usage)"
	else
		report fail "mtty-libvirt-xml refuses $desc (exit $rc, wanted usage and /$pat/)"
		sed 's/^/#   /' "$tmp/err" | head -n 5
	fi
}
refuse "a malformed UUID" "malformed UUID" hostdev 6e1d5b0e-94f0-4c1a-8c55-2b0a1e1c0d0
refuse "a UUID with non-hex digits" "malformed UUID" nodedev 6e1d5b0e-94f0-4c1a-8c55-2b0a1e1c0d0g
refuse "a UUID without dashes" "malformed UUID" hostdev 6e1d5b0e94f04c1a8c552b0a1e1c0d01
refuse "an unknown mdev type" "unknown mtty type 'mtty-4'" nodedev "$uuid" mtty-4
refuse "an unknown XML kind" "unknown XML kind 'network'" network "$uuid"
refuse "an unknown option" "unknown option" hostdev "$uuid" --bogus
refuse "a missing UUID" "no UUID" nodedev
refuse "no arguments" "no XML kind" 
refuse "a bad memory size" "size in MiB" domain "$uuid" --memory 12x
refuse "an extra argument" "unexpected argument" hostdev "$uuid" mtty-2 extra
refuse "an unknown migration choice" "auto, on or off" domain "$uuid" --migration maybe

finish
