# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pure logic of a patch run's results: each node's row and counts, the run's summary, status and outcome.

Nothing here calls AWS; ssm_patch_run reads the commands and patch states with ssm.py's calls.
"""

from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import allowed_errors


STATE_COUNT_FIELDS = (
    ("installed", "InstalledCount"),
    ("installed_other", "InstalledOtherCount"),
    ("installed_pending_reboot", "InstalledPendingRebootCount"),
    ("installed_rejected", "InstalledRejectedCount"),
    ("missing", "MissingCount"),
    ("failed", "FailedCount"),
    ("not_applicable", "NotApplicableCount"),
)


def patch_counts(state):
    return dict((name, (state or {}).get(field, 0)) for name, field in STATE_COUNT_FIELDS)


def installed_by_run(before, after):
    """Patches a run installed on a node: growth of Installed plus InstalledPendingReboot."""
    def total(state):
        return (state or {}).get("InstalledCount", 0) + (state or {}).get("InstalledPendingRebootCount", 0)

    return max(0, total(after) - total(before)) if after else 0


def node_row(invocation, before, after, reboot_option, operation):
    """One node's result: its invocation and its patch counts after the run."""
    plugins = invocation.get("CommandPlugins") or []
    output_url = next((plugin.get("StandardOutputUrl") for plugin in plugins if plugin.get("StandardOutputUrl")), None)
    response_codes = [plugin.get("ResponseCode") for plugin in plugins if plugin.get("ResponseCode") not in (None, -1)]
    if operation != "Install" or (before is None and (after or {}).get("Operation") != "Install"):
        installed = 0
    elif before is None:
        # Never scanned before the run: its own installs cannot be told from what was there.
        installed = None
    else:
        installed = installed_by_run(before, after)
    # With RebootIfNeeded, Patch Manager reboots a node that installed anything or had patches pending a reboot.
    rebooted = (
        operation == "Install"
        and reboot_option == "RebootIfNeeded"
        and invocation.get("Status") == "Success"
        and (installed is None or installed > 0 or (before or {}).get("InstalledPendingRebootCount", 0) > 0)
    )
    return {
        "instance_id": invocation["InstanceId"],
        "name": invocation.get("InstanceName") or None,
        "status": invocation.get("Status"),
        "details": invocation.get("StatusDetails"),
        "response_code": max(response_codes, key=abs) if response_codes else None,
        "output_url": output_url,
        "installed_by_run": installed,
        "rebooted": rebooted,
        "patch_counts": patch_counts(after),
    }


def summarize(rows, targeted):
    """The run's counts from its node rows."""
    def count(status=None, details=None):
        return sum(1 for row in rows if (status is None or row["status"] == status) and (details is None or row["details"] == details))

    return {
        "targeted": targeted,
        "succeeded": count("Success"),
        "failed": count("Failed"),
        "timed_out": count("TimedOut"),
        "cancelled": count("Cancelled"),
        "undeliverable": sum(count(details=details) for details in ("Undeliverable", "Delivery Timed Out", "DeliveryTimedOut")),
        "patches_installed": sum(row["installed_by_run"] or 0 for row in rows),
        "nodes_installed_unknown": sum(1 for row in rows if row["installed_by_run"] is None),
        "patches_missing": sum(row["patch_counts"]["missing"] for row in rows),
        "patches_failed": sum(row["patch_counts"]["failed"] for row in rows),
        "patches_pending_reboot": sum(row["patch_counts"]["installed_pending_reboot"] for row in rows),
        "rebooted_nodes": sum(1 for row in rows if row["rebooted"]),
    }


def failure_reasons(rows):
    """{node id: why} for the nodes whose invocation did not succeed."""
    return dict(
        (row["instance_id"], f"{row['status']} ({row['details']}), response code {row['response_code']}")
        for row in rows
        if row["status"] != "Success"
    )


def install_change_reasons(node_ids, states, reboot_option):
    """{node id: why an install would change it}, from each node's patch state (its last scan or install).

    A node changes when it has patches missing or failed (the install tries them again), when it has
    never reported a patch state (nothing tells what it lacks), or when patches wait for a reboot and
    RebootIfNeeded would reboot it. With NoReboot, a node whose patches only wait for a reboot stays
    as it is. A node absent from the result would not change, as of its last report.
    """
    reasons = {}
    for node_id in sorted(node_ids):
        state = states.get(node_id)
        if state is None:
            reasons[node_id] = "never scanned: no patch state"
            continue
        why = []
        for field, label in (("MissingCount", "missing"), ("FailedCount", "failed")):
            if state.get(field, 0) > 0:
                why.append(f"{state[field]} {label}")
        pending = state.get("InstalledPendingRebootCount", 0)
        if pending > 0 and reboot_option == "RebootIfNeeded":
            why.append(f"{pending} installed pending a reboot (RebootIfNeeded reboots it)")
        if why:
            reasons[node_id] = ", ".join(why)
    return reasons


def zero_target_commands(commands):
    """Ids of the commands that ended without a single target: AWS found no node for them.

    TargetCount is only final once a command is no longer Pending (AWS resolves targets after the send).
    """
    return sorted(
        command_id
        for command_id, command in commands.items()
        if command and command.get("Status") != "Pending" and command.get("TargetCount", 0) == 0
    )


def overall_status(commands):
    """The run's status from its commands' StatusDetails, which tell a run that failed (MaxErrors
    reached, delivery timed out, cancelled) from one that is Incomplete (some nodes failed, fewer
    than MaxErrors), whatever Status each of those shows."""
    details = [command.get("StatusDetails") or command["Status"] for command in commands.values()]
    for detail in details:
        if detail not in ("Success", "Incomplete"):
            return detail
    return "Incomplete" if "Incomplete" in details else "Success"


def predicted_changes(operation, node_ids, states, reboot_option):
    """Check mode's (changed, would_change) for a run: a scan changes no node; an install those install_change_reasons names."""
    would_change = install_change_reasons(node_ids, states, reboot_option) if operation == "Install" else {}
    return bool(would_change), would_change


def run_outcome(operation, summary, failures, status, max_errors, node_count):
    """(changed, why the run failed or None) once every command is over.

    An install changed nodes when it installed patches, rebooted nodes, or cannot tell (nodes never
    scanned before). The run failed when more nodes failed than max_errors allows, or when a command
    ended otherwise than Success or Incomplete.
    """
    changed = operation == "Install" and (
        summary["patches_installed"] > 0 or summary["rebooted_nodes"] > 0 or summary["nodes_installed_unknown"] > 0
    )
    too_many_failures = len(failures) > allowed_errors(max_errors, node_count)
    if too_many_failures or status not in ("Success", "Incomplete"):
        reason = f"{len(failures)} of {node_count} nodes did not succeed (max_errors {max_errors})" if failures else f"the run ended {status}"
        return changed, f"Patch {operation} failed: {reason}"
    return changed, None
