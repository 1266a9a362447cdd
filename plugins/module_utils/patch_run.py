# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pure logic for patch runs: targets, documents and parameters, rate controls, and results.

Nothing here calls AWS; ssm_patch_run puts these pieces together with the calls in ssm.py.
"""

import math
import re

RUN_PATCH_BASELINE = "AWS-RunPatchBaseline"
RUN_PATCH_BASELINE_WITH_HOOKS = "AWS-RunPatchBaselineWithHooks"
# SendCommand takes at most 50 ids (in InstanceIds or one InstanceIds target).
IDS_PER_COMMAND = 50
GUID = re.compile(r"^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$")
OVERRIDE_URL = re.compile(r"^(https://.+|s3://[^/]+/.+)$")
MAX_CONCURRENCY = re.compile(r"^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$")
MAX_ERRORS = re.compile(r"^([1-9]*[0-9]+|[1-9]*[0-9]%|[0-9]%|100%)$")
MIN_DELIVERY_TIMEOUT, MAX_DELIVERY_TIMEOUT = 30, 2592000
PENDING_STATUSES = ("Pending", "InProgress", "Delayed", "Cancelling")


def patch_now_rate_controls(operation, node_count):
    """The console's Patch now defaults: (max_concurrency, max_errors) for the operation and fleet size."""
    if operation == "Scan":
        return "1000", "1000"
    if node_count < 25:
        return "1", "1"
    if node_count <= 100:
        return "5%", "5"
    if node_count <= 1000:
        return "8%", "10"
    return "10%", "10"


def allowed_errors(max_errors, node_count):
    """How many nodes may fail before the run fails, for MaxErrors as a count or a percentage."""
    if max_errors.endswith("%"):
        return math.floor(node_count * int(max_errors[:-1]) / 100)
    return int(max_errors)


def document_for(hooks):
    return RUN_PATCH_BASELINE_WITH_HOOKS if any(hooks.values()) else RUN_PATCH_BASELINE


def document_parameters(operation, snapshot_id, reboot_option, install_override_list=None, baseline_override=None, hooks=None):
    """The document parameters of a run, as SendCommand and CreateAssociation take them."""
    parameters = {"Operation": [operation], "SnapshotId": [snapshot_id], "RebootOption": [reboot_option]}
    if hooks and any(hooks.values()):
        names = {"pre_install": "PreInstallHookDocName", "post_install": "PostInstallHookDocName", "on_exit": "OnExitHookDocName"}
        for hook, parameter in names.items():
            if hooks.get(hook):
                parameters[parameter] = [hooks[hook]]
        return parameters
    if install_override_list:
        parameters["InstallOverrideList"] = [install_override_list]
    if baseline_override:
        parameters["BaselineOverride"] = [baseline_override]
    return parameters


def validate_run(params):
    """Errors in a run's parameters that the argument spec cannot express, naming the parameter."""
    errors = []
    snapshot_id = params.get("snapshot_id")
    if snapshot_id is not None and not GUID.match(snapshot_id):
        errors.append(f"snapshot_id must be a GUID such as 8d1b5c6e-1f2a-4b3c-9d8e-7f6a5b4c3d2e, got {snapshot_id!r}")
    for option in ("install_override_list", "baseline_override"):
        value = params.get(option)
        if value is not None and not OVERRIDE_URL.match(value):
            errors.append(f"{option} must be an https:// or s3://bucket/key URL, got {value!r}")
    hooks = [option for option in ("pre_install_hook", "post_install_hook", "on_exit_hook") if params.get(option)]
    if hooks and (params.get("install_override_list") or params.get("baseline_override")):
        errors.append(f"{hooks[0]} runs AWS-RunPatchBaselineWithHooks, which takes no install_override_list or baseline_override")
    if hooks and params.get("operation") == "scan":
        errors.append(f"{hooks[0]} applies to operation=install only")
    if params.get("max_concurrency") is not None and not MAX_CONCURRENCY.match(params["max_concurrency"]):
        errors.append(f"max_concurrency must be a number of nodes or a percentage such as 10%, got {params['max_concurrency']!r}")
    if params.get("max_errors") is not None and not MAX_ERRORS.match(params["max_errors"]):
        errors.append(f"max_errors must be a number of nodes or a percentage such as 5%, got {params['max_errors']!r}")
    timeout = params.get("timeout_seconds")
    if timeout is not None and not MIN_DELIVERY_TIMEOUT <= timeout <= MAX_DELIVERY_TIMEOUT:
        errors.append(f"timeout_seconds must be {MIN_DELIVERY_TIMEOUT}-{MAX_DELIVERY_TIMEOUT}, got {timeout}")
    if params.get("comment") is not None and len(params["comment"]) > 100:
        errors.append("comment must be at most 100 characters")
    if params.get("tags") is not None:
        if not params["tags"]:
            errors.append("tags must name at least one tag")
        if len(params["tags"]) > 5:
            errors.append("tags may name at most 5 tag keys (SendCommand takes 5 targets)")
    if params.get("all_instances") is False:
        errors.append("all_instances must be true when given; choose targets with instance_ids, patch_groups, tags or resource_group")
    return errors


def command_targets(params, patch_group_keys_in_use):
    """The Targets of each command a run sends (one list per command).

    Explicit ids go 50 to a command. Patch groups are targeted by tag, once per tag key spelling in
    use, because targets with different keys must all match (AND), not either.
    """
    if params.get("instance_ids"):
        return [[{"Key": "InstanceIds", "Values": batch}] for batch in _batches(params["instance_ids"], IDS_PER_COMMAND)]
    if params.get("patch_groups"):
        return [[{"Key": f"tag:{key}", "Values": list(params["patch_groups"])}] for key in patch_group_keys_in_use]
    if params.get("tags"):
        return [[{"Key": f"tag:{key}", "Values": _as_list(values)} for key, values in params["tags"].items()]]
    if params.get("resource_group"):
        return [[{"Key": "resource-groups:Name", "Values": [params["resource_group"]]}]]
    return [[{"Key": "InstanceIds", "Values": ["*"]}]]


def node_filters(params):
    """DescribeInstanceInformation filter lists that find the nodes a run targets (one listing each)."""
    if params.get("instance_ids"):
        return [[{"Key": "InstanceIds", "Values": batch}] for batch in _batches(params["instance_ids"], IDS_PER_COMMAND)]
    if params.get("patch_groups"):
        return [[{"Key": f"tag:{key}", "Values": list(params["patch_groups"])}] for key in ("Patch Group", "PatchGroup")]
    if params.get("tags"):
        return [[{"Key": f"tag:{key}", "Values": _as_list(values)} for key, values in params["tags"].items()]]
    return [[]]


def _as_list(value):
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def _batches(items, size):
    items = list(items)
    return [items[start:start + size] for start in range(0, len(items), size)]


def poll_delays(initial=2.0, factor=1.5, maximum=30.0):
    """Seconds between polls: short at first, when small runs finish, then backing off."""
    delay = initial
    while True:
        yield delay
        delay = min(delay * factor, maximum)


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
