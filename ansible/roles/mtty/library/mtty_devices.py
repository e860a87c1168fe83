#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
#
# Converges one host's mtty mdev definitions and running devices to a
# declared list, through mdevctl, reading the host's state from
# `mtty-status --json` (schema mtty-status/1).

from __future__ import absolute_import, division, print_function

import json
import re

from ansible.module_utils.basic import AnsibleModule

__metaclass__ = type  # pylint: disable=invalid-name

DOCUMENTATION = r"""
---
module: mtty_devices
short_description: Converge mtty mediated devices with mdevctl
description:
  - Reads the host's mtty devices from C(mtty-status --json) and runs
    C(mdevctl) so that the declared devices are defined and running as
    asked. Stops and undefines come first (they free ports), then defines
    and modifies, then starts.
  - A declared device whose type differs from its definition is stopped if
    it runs, undefined and defined again with the new type, and started
    again if it ran (or is declared started).
  - A declared device that runs with another type than its definition
    (C(mtty-status) problem C(type-mismatch)) is stopped and started
    again, so that it runs with the declared type.
  - Before any change the ports of the devices that will be active are
    checked against the module's C(max_ports).
  - Only mtty devices are ever touched, never mdevs of other parents.
  - Supports check mode and diff mode.
options:
  devices:
    description: The declared devices.
    type: list
    elements: dict
    default: []
    suboptions:
      uuid:
        description: The device's UUID.
        type: str
        required: true
      type:
        description: The mdev type.
        type: str
        required: true
        choices: [mtty-1, mtty-2]
      start:
        description: Whether the definition starts at boot.
        type: str
        default: auto
        choices: [auto, manual]
      state:
        description:
          - C(present) defined, running state untouched; C(started) defined
            and active; C(stopped) defined and not active; C(absent) neither.
        type: str
        default: started
        choices: [present, started, stopped, absent]
  prune:
    description:
      - Stop and undefine mtty definitions that are not declared. Active
        mtty devices without a definition are left alone.
    type: bool
    default: false
  max_ports:
    description:
      - The ports the host will have when the mtty module is not loaded
        (C(mtty-status) reports no C(max_ports) then); used for the
        capacity check only.
    type: int
  max_ports_pending:
    description:
      - The loaded module is about to be reloaded with I(max_ports) (in
        check mode the reload is only reported): check capacity against
        I(max_ports), not the loaded module's value.
    type: bool
    default: false
  mdevctl:
    description: The mdevctl command, looked up on PATH.
    type: str
    default: mdevctl
  mtty_status:
    description: The mtty-status command, looked up on PATH.
    type: str
    default: mtty-status
author:
  - mtty developers
"""

EXAMPLES = r"""
- name: Two devices, one started at boot
  mtty_devices:
    devices:
      - uuid: 83b8f4f2-509f-382f-3c1e-e6bfe0fa1001
        type: mtty-2
      - uuid: 83b8f4f2-509f-382f-3c1e-e6bfe0fa1002
        type: mtty-1
        start: manual
        state: stopped
    prune: true
"""

RETURN = r"""
commands:
  description: The mdevctl commands run (or, in check mode, to be run).
  returned: always
  type: list
  elements: str
devices:
  description: The host's mtty devices after the run (predicted in check mode).
  returned: always
  type: list
  elements: dict
"""

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TYPE_PORTS = {"mtty-1": 1, "mtty-2": 2}
# mtty-status exits 1 when some device needs attention and 3 when the
# module is not loaded; both still print the document.
STATUS_OK_RC = (0, 1, 3)


def read_status(module, status_bin):
    cmd = [status_bin, "--json"]
    rc, out, err = module.run_command(cmd)
    if rc not in STATUS_OK_RC:
        module.fail_json(
            msg="%s failed (exit %d): %s" % (" ".join(cmd), rc, err.strip()),
            rc=rc,
            stderr=err,
        )
    try:
        doc = json.loads(out)
    except ValueError as exc:
        module.fail_json(msg="%s printed no JSON: %s" % (" ".join(cmd), exc))
    if not isinstance(doc, dict) or doc.get("schema") != "mtty-status/1":
        module.fail_json(
            msg="%s: unknown schema %r (expected mtty-status/1)"
            % (" ".join(cmd), doc.get("schema") if isinstance(doc, dict) else None)
        )
    return doc


def current_devices(doc):
    """uuid -> {type, defined, start, active} of every mtty device."""
    cur = {}
    for dev in doc.get("devices") or []:
        uuid = str(dev.get("uuid", "")).lower()
        if not uuid:
            continue
        cur[uuid] = {
            "type": dev.get("type"),
            "defined": bool(dev.get("defined")),
            "start": dev.get("start") if dev.get("defined") else None,
            "active": bool(dev.get("active")),
            # Running with another type than its definition's ("type").
            "mismatch": "type-mismatch" in (dev.get("problems") or []),
        }
    return cur


def render(devs):
    """The device list as diff text, one device a line."""
    lines = []
    for uuid in sorted(devs):
        dev = devs[uuid]
        if not dev["defined"] and not dev["active"]:
            continue
        lines.append(
            "%s %s %s %s"
            % (
                uuid,
                dev["type"],
                dev["start"] if dev["defined"] else "undefined",
                "active" if dev["active"] else "inactive",
            )
        )
    return "\n".join(lines) + ("\n" if lines else "")


class Plan:
    """The mdevctl commands, grouped by phase, and the state they lead to."""

    def __init__(self, cur):
        self.after = {u: dict(d) for u, d in cur.items()}
        self.stops = []
        self.undefines = []
        self.defines = []
        self.modifies = []
        self.starts = []

    def _dev(self, uuid):
        return self.after.setdefault(
            uuid, {"type": None, "defined": False, "start": None, "active": False}
        )

    def stop(self, uuid):
        self.stops.append(["stop", "-u", uuid])
        self._dev(uuid)["active"] = False

    def undefine(self, uuid):
        self.undefines.append(["undefine", "-u", uuid])
        dev = self._dev(uuid)
        dev["defined"] = False
        dev["start"] = None

    def define(self, uuid, mtype, start):
        cmd = ["define", "--uuid", uuid, "--parent", "mtty", "--type", mtype]
        if start == "auto":
            cmd.append("--auto")
        self.defines.append(cmd)
        dev = self._dev(uuid)
        dev.update(defined=True, type=mtype, start=start)

    def modify(self, uuid, start):
        self.modifies.append(["modify", "-u", uuid, "--" + start])
        self._dev(uuid)["start"] = start

    def start(self, uuid):
        self.starts.append(["start", "-u", uuid])
        self._dev(uuid)["active"] = True

    def commands(self):
        return self.stops + self.undefines + self.defines + self.modifies + self.starts


def plan_device(plan, cur, want):
    uuid = want["uuid"]
    state = want["state"]
    have = cur.get(uuid, {"type": None, "defined": False, "start": None, "active": False})
    if state == "absent":
        if have["active"]:
            plan.stop(uuid)
        if have["defined"]:
            plan.undefine(uuid)
        return
    was_active = have["active"]
    if have["active"] and have.get("mismatch"):
        # It runs with another type than its definition: only a restart
        # gives it the defined type (an autostart of an older definition
        # can leave it so).
        plan.stop(uuid)
    if have["type"] is not None and have["type"] != want["type"]:
        # mdevctl cannot change the type of a running device, and a
        # definition's type change is done as a fresh definition so that
        # the callout checks it like any new one.
        if plan.after[uuid]["active"]:
            plan.stop(uuid)
        if have["defined"]:
            plan.undefine(uuid)
        plan.define(uuid, want["type"], want["start"])
    elif not have["defined"]:
        plan.define(uuid, want["type"], want["start"])
    elif have["start"] != want["start"]:
        plan.modify(uuid, want["start"])
    active_now = plan.after[uuid]["active"] if uuid in plan.after else False
    if state == "started" or (state == "present" and was_active):
        if not active_now:
            plan.start(uuid)
    elif state == "stopped" and active_now:
        plan.stop(uuid)


def main():
    module = AnsibleModule(
        argument_spec={
            "devices": {
                "type": "list",
                "elements": "dict",
                "default": [],
                "options": {
                    "uuid": {"type": "str", "required": True},
                    "type": {"type": "str", "required": True, "choices": list(TYPE_PORTS)},
                    "start": {"type": "str", "default": "auto", "choices": ["auto", "manual"]},
                    "state": {
                        "type": "str",
                        "default": "started",
                        "choices": ["present", "started", "stopped", "absent"],
                    },
                },
            },
            "prune": {"type": "bool", "default": False},
            "max_ports": {"type": "int"},
            "max_ports_pending": {"type": "bool", "default": False},
            "mdevctl": {"type": "str", "default": "mdevctl"},
            "mtty_status": {"type": "str", "default": "mtty-status"},
        },
        supports_check_mode=True,
    )
    declared = []
    seen = set()
    for want in module.params["devices"]:
        uuid = want["uuid"].lower()
        if not UUID_RE.match(uuid):
            module.fail_json(msg="device %s: not a UUID (8-4-4-4-12 hexadecimal digits)" % want["uuid"])
        if uuid in seen:
            module.fail_json(msg="device %s is declared twice" % uuid)
        seen.add(uuid)
        declared.append(dict(want, uuid=uuid))

    status_bin = module.get_bin_path(module.params["mtty_status"], required=True)
    mdevctl_bin = module.get_bin_path(module.params["mdevctl"], required=True)
    doc = read_status(module, status_bin)
    cur = current_devices(doc)

    plan = Plan(cur)
    for want in declared:
        plan_device(plan, cur, want)
    if module.params["prune"]:
        for uuid in sorted(cur):
            if uuid in seen or not cur[uuid]["defined"]:
                continue
            if cur[uuid]["active"]:
                plan.stop(uuid)
            plan.undefine(uuid)

    # The capacity the host will need once the plan has run, checked
    # before the first change: a plan that cannot finish is not begun.
    mod = doc.get("module") or {}
    if mod.get("loaded") and not module.params["max_ports_pending"]:
        max_ports = mod.get("max_ports")
    else:
        max_ports = module.params["max_ports"]
    needed = sum(TYPE_PORTS.get(d["type"], 0) for d in plan.after.values() if d["active"])
    if max_ports is not None and needed > max_ports:
        users = ", ".join(
            "%s (%s)" % (u, d["type"]) for u, d in sorted(plan.after.items()) if d["active"]
        )
        module.fail_json(
            msg="the mtty devices to be active need %d ports but the mtty module "
            "has max_ports %d: %s; stop devices, or raise mtty_max_ports"
            % (needed, max_ports, users),
            changed=False,
        )

    commands = plan.commands()
    printable = ["mdevctl " + " ".join(c) for c in commands]
    result = {
        "changed": bool(commands),
        "commands": printable,
        "devices": [dict(uuid=u, **d) for u, d in sorted(plan.after.items())
                    if d["defined"] or d["active"]],
    }
    if module._diff:  # pylint: disable=protected-access
        result["diff"] = {
            "before_header": "mtty devices (uuid type start active)",
            "after_header": "mtty devices (uuid type start active)",
            "before": render(cur),
            "after": render(plan.after),
        }
    if module.check_mode or not commands:
        module.exit_json(**result)

    done = []
    for cmd, text in zip(commands, printable):
        rc, out, err = module.run_command([mdevctl_bin] + cmd)
        if rc != 0:
            module.fail_json(
                msg="%s failed (exit %d): %s" % (text, rc, (err or out).strip()),
                rc=rc,
                stdout=out,
                stderr=err,
                commands=done,
                changed=bool(done),
            )
        done.append(text)
    final = current_devices(read_status(module, status_bin))
    result["devices"] = [dict(uuid=u, **d) for u, d in sorted(final.items())]
    module.exit_json(**result)


if __name__ == "__main__":
    main()
