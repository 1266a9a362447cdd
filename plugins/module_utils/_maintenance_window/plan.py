# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a task changes in a window's targets and tasks, matched by name: register, update (only what
differs), replace (what an update cannot change: a target's ResourceType, a task's TaskType) and
deregister (with purge_targets / purge_tasks only). Nothing here calls AWS."""

from ansible_collections.cloudpatch.ssm.plugins.module_utils._maintenance_window.targets import target_differs
from ansible_collections.cloudpatch.ssm.plugins.module_utils._maintenance_window.tasks import task_differs


def shared_names(entries, kind, id_member, region):
    """Errors for names several registered targets (or tasks) of the window share: matching by name
    would be a guess."""
    errors = []
    by_name = {}
    for entry in entries:
        by_name.setdefault(entry.get("Name"), []).append(entry[id_member])
    for name, ids in sorted(by_name.items(), key=lambda item: str(item[0])):
        if name is not None and len(ids) > 1:
            errors.append(f"{kind}: the window has {len(ids)} {kind} named {name} in {region} ({', '.join(sorted(ids))}); "
                          f"deregister all but one (or rename them) before managing {kind} by name")
    return errors


def plan(desired, current, purge, differs, kind_member):
    """{register: [desired], update: [(desired, current)], replace: [(desired, current)], deregister: [current],
    unchanged: [current]} for desired entries (API members, by Name) against the registered ones."""
    by_name = dict((entry.get("Name"), entry) for entry in current)
    result = {"register": [], "update": [], "replace": [], "deregister": [], "unchanged": []}
    for entry in desired:
        have = by_name.get(entry["Name"])
        if have is None:
            result["register"].append(entry)
        elif have.get(kind_member) != entry.get(kind_member):
            result["replace"].append((entry, have))
        elif differs(entry, have):
            result["update"].append((entry, have))
        else:
            result["unchanged"].append(have)
    wanted = set(entry["Name"] for entry in desired)
    if purge:
        result["deregister"] = [entry for entry in current if entry.get("Name") not in wanted]
    return result


def plan_targets(desired, current, purge):
    return plan(desired, current, purge, target_differs, "ResourceType")


def plan_tasks(desired, current, purge):
    return plan(desired, current, purge, task_differs, "TaskType")


def has_changes(planned):
    return any(planned[key] for key in ("register", "update", "replace", "deregister"))


def change_summary(planned):
    """{registered, updated, deregistered}: the names, as the result's `changes` reports them."""
    return {
        "registered": sorted(entry["Name"] for entry in planned["register"]) + sorted(entry["Name"] for entry, _have in planned["replace"]),
        "updated": sorted(entry["Name"] for entry, _have in planned["update"]),
        "deregistered": sorted(str(entry.get("Name")) for entry in planned["deregister"]) + sorted(have["Name"] for _entry, have in planned["replace"]),
    }


def list_diff(before, after):
    """(before, after) of the entries (by name) that differ between two lists of the module's shape."""
    old = dict((entry.get("name"), entry) for entry in before)
    new = dict((entry.get("name"), entry) for entry in after)
    names = sorted(set(old) | set(new), key=str)
    changed = [name for name in names if old.get(name) != new.get(name)]
    return [old[name] for name in changed if name in old], [new[name] for name in changed if name in new]


def window_diff(before, after):
    """The diff of a window (module shape, with targets and tasks): only the keys, targets and tasks that differ."""
    before, after = before or {}, after or {}
    diff_before, diff_after = {}, {}
    for key in sorted(set(before) | set(after)):
        if key in ("targets", "tasks"):
            old, new = list_diff(before.get(key) or [], after.get(key) or [])
            if old or new:
                diff_before[key], diff_after[key] = old, new
        elif before.get(key) != after.get(key):
            if key in before:
                diff_before[key] = before[key]
            if key in after:
                diff_after[key] = after[key]
    return {"before": diff_before, "after": diff_after}
