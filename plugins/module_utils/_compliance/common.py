# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pure logic of patch compliance: one row per node, the console's dashboard counts, operations and tasks.

Nothing here calls AWS. A node's row joins three reads: DescribeInstanceInformation (the node),
DescribeInstancePatchStates (its last scan or install) and its Patch compliance summary (its
non-compliant patch counts by compliance level: ListResourceComplianceSummaries fleet-wide, or
summary_of_items() over one node's ListComplianceItems). Nodes with neither patch state nor summary have
never reported.
"""

import datetime

from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_group.groups import EC2_INSTANCE_ID
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_group.groups import HYBRID_NODE_ID
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_group.groups import validate_group_name
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import full_match

PATCHING_DOCUMENTS = ("AWS-RunPatchBaseline", "AWS-RunPatchBaselineWithHooks")
SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNSPECIFIED")
COMPLIANT, NON_COMPLIANT, NEVER_REPORTED = "COMPLIANT", "NON_COMPLIANT", "NEVER_REPORTED"
DEFAULT_REPORTING_DAYS = 7
# The reporting age threshold: at least a day, at most ten years (a larger one overflows a timedelta).
REPORTING_DAYS_MAX = 3650

# InstancePatchState counts -> our names.
PATCH_COUNTS = (
    ("InstalledCount", "installed"),
    ("InstalledOtherCount", "installed_other"),
    ("InstalledPendingRebootCount", "installed_pending_reboot"),
    ("InstalledRejectedCount", "installed_rejected"),
    ("MissingCount", "missing"),
    ("FailedCount", "failed"),
    ("NotApplicableCount", "not_applicable"),
)


# EC2 tags: keys of 1-128 characters, values of at most 256.
MAX_TAG_KEY_LENGTH, MAX_TAG_VALUE_LENGTH = 128, 256
# DescribeInstanceInformation: at most 100 values a filter.
MAX_FILTER_VALUES = 100


def is_node_id(value):
    """An EC2 instance id (i- and 8 or 17 hex digits) or a hybrid node id (mi- and 17)."""
    # Whole-string: the patterns end in `$`, which a trailing newline would pass with match().
    return full_match(EC2_INSTANCE_ID, value) or full_match(HYBRID_NODE_ID, value)


def tag_filter_values(value):
    """A tag filter's accepted values as a list of strings (one value, or a list of them)."""
    values = value if isinstance(value, (list, tuple)) else [value]
    return [str(item).lower() if isinstance(item, bool) else str(item) for item in values]


def validate_selection(instance_ids=None, patch_groups=None, tags=None):
    """Errors in a node selection (instance_ids, patch_groups, tags), each naming its parameter path.

    An empty list or dict is an error here too: a selection of nothing never means every node.
    """
    errors = []
    for option, value in (("instance_ids", instance_ids), ("patch_groups", patch_groups), ("tags", tags)):
        if value is not None and len(value) == 0:
            errors.append(f"{option} is empty: name at least one value, or leave the option out")
    for index, node_id in enumerate(instance_ids or []):
        if not is_node_id(node_id):
            errors.append(f"instance_ids[{index}] must be an i- or mi- node id, got {node_id!r}")
    for index, group in enumerate(patch_groups or []):
        if isinstance(group, str) and group and not group.strip():
            errors.append(f"patch_groups[{index}] is blank: name a patch group")
            continue
        errors.extend(error.replace("name ", f"patch_groups[{index}] ", 1) for error in validate_group_name(group))
    for key, value in (tags or {}).items():
        if not 1 <= len(key) <= MAX_TAG_KEY_LENGTH or not key.strip():
            errors.append(f"tags key {key!r} must be 1 to {MAX_TAG_KEY_LENGTH} characters, not blank")
        if isinstance(value, dict) or value is None or (isinstance(value, (list, tuple)) and not value):
            errors.append(f"tags.{key} must be a value or a non-empty list of values")
            continue
        values = tag_filter_values(value)
        if len(values) > MAX_FILTER_VALUES:
            errors.append(f"tags.{key} takes at most {MAX_FILTER_VALUES} values, got {len(values)}")
        for index, item in enumerate(values):
            where = f"tags.{key}" if not isinstance(value, (list, tuple)) else f"tags.{key}[{index}]"
            # DescribeInstanceInformation's filter values are at least 1 character.
            if not item:
                errors.append(f"{where} is empty: a tag filter matches a value, give one")
                break
            if len(item) > MAX_TAG_VALUE_LENGTH:
                errors.append(f"{where} must be at most {MAX_TAG_VALUE_LENGTH} characters")
                break
    return errors


def nothing_matched(region, instance_ids=None, patch_groups=None, tags=None):
    """The message for a selection that matched no managed node, or None for no selection (the whole region)."""
    if not (instance_ids or patch_groups or tags):
        return None
    return f"0 nodes in {region} matched {selection_text(instance_ids, patch_groups, tags)}"


def unmatched_ids(instance_ids, seen, region):
    """One message per listed id that is not a managed node (the others were found)."""
    return [
        f"instance_ids[{index}] {node_id} is not a managed node in {region}"
        for index, node_id in enumerate(instance_ids)
        if node_id not in seen
    ]


def selection_text(instance_ids=None, patch_groups=None, tags=None):
    """The scope of a report of selected nodes, as a line of text ("all nodes" without a filter)."""
    parts = []
    if instance_ids:
        parts.append(f"instance ids {', '.join(instance_ids)}" if len(instance_ids) <= 5 else f"{len(instance_ids)} instance ids")
    if patch_groups:
        parts.append(f"patch groups {', '.join(patch_groups)}")
    if tags:
        parts.append("tags " + ", ".join(f"{key}={'|'.join(tag_filter_values(value))}" for key, value in sorted(tags.items())))
    return "; ".join(parts) if parts else "all nodes"


def compact_summary(item):
    """A ResourceComplianceSummaryItem reduced to what a row needs: (status, severity, six counts).

    A tuple of a few small values: the export keeps one per node while it streams the fleet.
    """
    counts = item.get("NonCompliantSummary", {}).get("SeveritySummary", {})
    status = item.get("Status")
    severity = item.get("OverallSeverity") if status == NON_COMPLIANT else None
    execution_time = item.get("ExecutionSummary", {}).get("ExecutionTime")
    return (status, severity, execution_time) + tuple(int(counts.get(f"{level.title()}Count", 0)) for level in SEVERITIES)


def summary_of_items(resource_id, items):
    """One node's Patch compliance items (ListComplianceItems) as the ResourceComplianceSummaryItem
    they add up to (the members compact_summary() reads), or None for a node without any.

    NON_COMPLIANT when any item is, its overall severity the highest of those items; the execution
    time is the latest of the items'.
    """
    if not items:
        return None
    bad = [item for item in items if item.get("Status") == NON_COMPLIANT]
    counts = dict((f"{level.title()}Count", 0) for level in SEVERITIES)
    for item in bad:
        level = item.get("Severity") if item.get("Severity") in SEVERITIES else "UNSPECIFIED"
        counts[f"{level.title()}Count"] += 1
    times = [as_utc((item.get("ExecutionSummary") or {}).get("ExecutionTime")) for item in items]
    times = [time for time in times if time is not None]
    severity = next((level for level in SEVERITIES if counts[f"{level.title()}Count"]), "UNSPECIFIED")
    summary = {
        "ResourceId": resource_id,
        "ResourceType": "ManagedInstance",
        "ComplianceType": "Patch",
        "Status": NON_COMPLIANT if bad else COMPLIANT,
        "OverallSeverity": severity,
        "NonCompliantSummary": {"NonCompliantCount": len(bad), "SeveritySummary": counts},
    }
    if times:
        summary["ExecutionSummary"] = {"ExecutionTime": max(times)}
    return summary


def as_utc(value):
    """botocore datetimes (or ISO strings) as aware UTC datetimes; None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value[:-1] + "+00:00" if value.endswith("Z") else value
        value = datetime.datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value.astimezone(datetime.timezone.utc)


def iso(value):
    value = as_utc(value)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def reporting_age(last_report, now, days):
    """'within' (reported in the last `days` days), 'older', or 'never'."""
    if last_report is None:
        return "never"
    return "within" if now - last_report <= datetime.timedelta(days=days) else "older"


def node_row(info, state, summary, name, now, days=DEFAULT_REPORTING_DAYS):
    """One node's row: info from DescribeInstanceInformation, state an InstancePatchState or None,
    summary a compact_summary() or None, name the EC2 Name tag (or None), now an aware datetime."""
    reported = state is not None or summary is not None
    last_report = as_utc((state or {}).get("OperationEndTime")) or (as_utc(summary[2]) if summary else None)
    if summary is not None:
        status, severity = summary[0], summary[1]
        non_compliant = dict(zip((level.lower() for level in SEVERITIES), summary[3:]))
    elif state is not None:
        # Patch data without a summary (reported, but the summary is not there yet): from the state.
        missing = sum(int(state.get(key, 0)) for key in ("MissingCount", "FailedCount", "InstalledPendingRebootCount", "InstalledRejectedCount"))
        status, severity = (NON_COMPLIANT, None) if missing else (COMPLIANT, None)
        non_compliant = None
    else:
        status, severity, non_compliant = NEVER_REPORTED, None, None
    return {
        "instance_id": info["InstanceId"],
        "name": name or info.get("Name") or None,
        "ip_address": info.get("IPAddress"),
        "computer_name": info.get("ComputerName"),
        "resource_type": info.get("ResourceType"),
        "ping_status": info.get("PingStatus"),
        "platform_type": info.get("PlatformType"),
        "platform_name": info.get("PlatformName"),
        "platform_version": info.get("PlatformVersion"),
        "agent_version": info.get("AgentVersion"),
        "patch_group": (state or {}).get("PatchGroup") or None,
        "baseline_id": (state or {}).get("BaselineId"),
        "status": status,
        "severity": severity,
        "non_compliant_counts": non_compliant,
        "patch_counts": dict((ours, int(state.get(key, 0))) for key, ours in PATCH_COUNTS) if state else None,
        "last_operation": (state or {}).get("Operation"),
        "last_report_time": iso(last_report),
        "reporting_age": reporting_age(last_report, now, days) if reported else "never",
    }


class DashboardCounts:
    """The three counting widgets of the console's dashboard, fed one row at a time."""

    def __init__(self, days=DEFAULT_REPORTING_DAYS):
        self.days = days
        self.compliance = {"compliant": 0, "critical_non_compliant": 0, "high_non_compliant": 0, "other_non_compliant": 0}
        self.states = {"managed_nodes": 0, "with_missing_patches": 0, "with_failed_patches": 0, "pending_reboot": 0}
        self.age = {"within_days": 0, "older": 0, "never_reported": 0}

    def add(self, row):
        self.states["managed_nodes"] += 1
        counts = row["patch_counts"] or {}
        if counts.get("missing"):
            self.states["with_missing_patches"] += 1
        if counts.get("failed"):
            self.states["with_failed_patches"] += 1
        if counts.get("installed_pending_reboot"):
            self.states["pending_reboot"] += 1
        self.age[{"within": "within_days", "older": "older", "never": "never_reported"}[row["reporting_age"]]] += 1
        if row["status"] == COMPLIANT:
            self.compliance["compliant"] += 1
        elif row["status"] == NON_COMPLIANT:
            key = {"CRITICAL": "critical_non_compliant", "HIGH": "high_non_compliant"}.get(row["severity"], "other_non_compliant")
            self.compliance[key] += 1

    def as_dict(self, recent_operations=None, recurring_tasks=None):
        return {
            "compliance_summary": dict(self.compliance),
            "patch_states": dict(self.states),
            "reporting_age": dict(self.age, days=self.days),
            "recent_operations": list(recent_operations or []),
            "recurring_tasks": list(recurring_tasks or []),
        }


def targets_text(targets, instance_ids=None):
    """The console's Targets column: `InstanceIds: *`, `tag:Patch Group: App`..."""
    if targets:
        return "; ".join(f"{target['Key']}: {', '.join(target.get('Values', []))}" for target in targets)
    if instance_ids:
        return f"InstanceIds: {', '.join(instance_ids)}"
    return ""


def _operation_of(parameters):
    values = (parameters or {}).get("Operation") or []
    return values[0] if values else None


def command_operation(command):
    """A Run Command command running a patching document, as a Recent Patch Operations row."""
    return {
        "operation": _operation_of(command.get("Parameters")),
        "mechanism": "Run Command",
        "document": command.get("DocumentName"),
        "id": command.get("CommandId"),
        "start_time": iso(command.get("RequestedDateTime")),
        "end_time": None,  # ListCommands has no end time; the console shows the request
        "status": command.get("Status"),
        "targets": targets_text(command.get("Targets"), command.get("InstanceIds")),
    }


def association_operation(association, execution):
    """An execution of an association running a patching document (association: DescribeAssociation)."""
    return {
        "operation": _operation_of(association.get("Parameters")),
        "mechanism": "Association",
        "document": association.get("Name"),
        "id": execution.get("ExecutionId"),
        "association_id": association.get("AssociationId"),
        "start_time": iso(execution.get("CreatedTime")),
        "end_time": iso(execution.get("LastExecutionDate")) if execution.get("Status") not in ("Pending", "InProgress") else None,
        "status": execution.get("Status"),
        "targets": targets_text(association.get("Targets"), [association["InstanceId"]] if association.get("InstanceId") else None),
    }


def recent_operations(command_rows, association_rows, association_command_ids, limit):
    """Newest first, at most `limit`; commands an association execution started are shown once, as the association's."""
    rows = [row for row in command_rows if row["id"] not in association_command_ids] + list(association_rows)
    rows.sort(key=lambda row: row.get("end_time") or row.get("start_time") or "", reverse=True)
    return rows[:limit]


def association_task(association):
    return {
        "name": association.get("AssociationName") or association.get("AssociationId"),
        "type": "Association",
        "id": association.get("AssociationId"),
        "document": association.get("Name"),
        "schedule": association.get("ScheduleExpression"),
        "next_run": None,
        "targets": targets_text(association.get("Targets")),
    }


def window_task(window, task):
    return {
        "name": task.get("Name") or f"{window.get('Name')} / {task.get('WindowTaskId')}",
        "type": "Maintenance window",
        "id": task.get("WindowTaskId"),
        "window_id": window.get("WindowId"),
        "window_name": window.get("Name"),
        "document": task.get("TaskArn"),
        "schedule": window.get("Schedule"),
        # DescribeMaintenanceWindows gives each window's next run (absent for a disabled window): no extra call.
        "next_run": window.get("NextExecutionTime"),
        "targets": targets_text(task.get("Targets")),
    }


def is_patching_document(name):
    # Documents are named or given by ARN (arn:aws:ssm:REGION::document/AWS-RunPatchBaseline).
    return (name or "").rsplit("/", 1)[-1] in PATCHING_DOCUMENTS
