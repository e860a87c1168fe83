# SPDX-License-Identifier: GPL-2.0-only
#
# The role's play-wide inventory check, as a filter so that it runs on the
# controller only: a host that is down, or not yet set up, must neither
# stop the check nor be contacted by it.  The module (library/mtty_devices.py)
# checks one host's list again on the host, against its live state.

from __future__ import absolute_import, division, print_function

import re

__metaclass__ = type  # pylint: disable=invalid-name

UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
TYPE_PORTS = {"mtty-1": 1, "mtty-2": 2}
STARTS = ("auto", "manual")
STATES = ("present", "started", "stopped", "absent")
KEYS = ("uuid", "type", "start", "state")
DEFAULT_MAX_PORTS = 64


def _int_value(value):
    """An int from an int or a string of digits (INI inventories give
    strings); None for anything else, bool included."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _declared(hostvars, host):
    """What one host declares.  tasks/validate.yml sets _mtty_declared on
    every host first, so play vars and role defaults are included; a host
    that never got there (its argument spec failed) is read from its
    inventory variables."""
    hvars = hostvars[host]
    if "_mtty_declared" in hvars:
        decl = hvars["_mtty_declared"]
        return decl.get("devices"), decl.get("max_ports")
    devices = hvars["mtty_devices"] if "mtty_devices" in hvars else []
    max_ports = (
        hvars["mtty_max_ports"] if "mtty_max_ports" in hvars else DEFAULT_MAX_PORTS
    )
    return devices, max_ports


def will_be_active(dev):
    """Whether a declared device counts against max_ports: it is running
    after the run (started), or it is started at the next boot (present
    with start auto, which may also be running now)."""
    state = dev.get("state", "started")
    start = dev.get("start", "auto")
    return state == "started" or (state == "present" and start == "auto")


def mtty_play_errors(hostvars, hosts):
    """Every problem of the play's mtty inventory, one string each, naming
    the host, the device and the reason; an empty list when it is good."""
    errors = []
    seen = {}
    for host in hosts:
        devices, max_ports_raw = _declared(hostvars, host)
        max_ports = _int_value(max_ports_raw)
        if max_ports is None or max_ports < 1:
            errors.append(
                "host %s: mtty_max_ports must be a positive integer, not %r"
                % (host, max_ports_raw)
            )
        if devices is None:
            devices = []
        if not isinstance(devices, list):
            errors.append(
                "host %s: mtty_devices must be a list of devices, not %s"
                % (host, type(devices).__name__)
            )
            continue
        ports = 0
        for index, dev in enumerate(devices, start=1):
            where = "host %s, device %d" % (host, index)
            if not isinstance(dev, dict):
                errors.append(
                    "%s: a device must be a mapping with uuid and type, not %r"
                    % (where, dev)
                )
                continue
            uuid = dev.get("uuid")
            if isinstance(uuid, str):
                where = "host %s, device %d (%s)" % (host, index, uuid)
            unknown = sorted(str(k) for k in dev if k not in KEYS)
            if unknown:
                errors.append(
                    "%s: unknown attribute(s) %s (a device takes %s)"
                    % (where, ", ".join(unknown), ", ".join(KEYS))
                )
            if not isinstance(uuid, str) or not UUID_RE.match(uuid):
                errors.append(
                    "%s: uuid %r is not a UUID (8-4-4-4-12 hexadecimal digits)"
                    % (where, uuid)
                )
            else:
                key = uuid.lower()
                if key in seen:
                    errors.append(
                        "%s: uuid %s is declared twice (also %s)"
                        % (where, uuid, seen[key])
                    )
                else:
                    seen[key] = "host %s, device %d" % (host, index)
            mtype = dev.get("type")
            if mtype not in TYPE_PORTS:
                errors.append(
                    "%s: unknown type %r (mtty offers %s)"
                    % (where, mtype, ", ".join(sorted(TYPE_PORTS)))
                )
            start = dev.get("start", "auto")
            if start not in STARTS:
                errors.append(
                    "%s: start %r is not one of %s" % (where, start, ", ".join(STARTS))
                )
            state = dev.get("state", "started")
            if state not in STATES:
                errors.append(
                    "%s: state %r is not one of %s" % (where, state, ", ".join(STATES))
                )
            if mtype in TYPE_PORTS and will_be_active(dev):
                ports += TYPE_PORTS[mtype]
        if max_ports is not None and ports > max_ports:
            errors.append(
                "host %s: the devices to be active (state started, or present "
                "with start auto) need %d ports, more than mtty_max_ports %d"
                % (host, ports, max_ports)
            )
    return errors


class FilterModule:
    """mtty role filters."""

    def filters(self):
        return {"mtty_play_errors": mtty_play_errors}
