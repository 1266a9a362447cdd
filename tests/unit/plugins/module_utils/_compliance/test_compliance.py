"""Pure compliance logic: node rows, the dashboard's counts, operations and tasks."""

import datetime

from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import DashboardCounts
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import association_operation
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import association_task
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import command_operation
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import compact_summary
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import is_node_id
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import is_patching_document
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import node_row
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import nothing_matched
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import recent_operations
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import reporting_age
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import selection_text
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import summary_of_items
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import tag_filter_values
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import targets_text
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import unmatched_ids
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import validate_selection
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.common import window_task
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.fleet import node_filter_sets

NOW = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.timezone.utc)
INFO = {"InstanceId": "i-0123456789abcdef0", "IPAddress": "10.0.0.12", "PlatformName": "Amazon Linux", "PlatformVersion": "2",
        "PlatformType": "Linux", "AgentVersion": "3.3.1142.0", "ResourceType": "EC2Instance", "PingStatus": "Online"}


def summary(status, severity, critical=0, high=0, medium=0, unspecified=0, when=NOW):
    return {"ResourceId": INFO["InstanceId"], "Status": status, "OverallSeverity": severity,
            "ExecutionSummary": {"ExecutionTime": when},
            "NonCompliantSummary": {"NonCompliantCount": critical + high + medium + unspecified, "SeveritySummary": {
                "CriticalCount": critical, "HighCount": high, "MediumCount": medium, "LowCount": 0, "InformationalCount": 0,
                "UnspecifiedCount": unspecified}}}


def state(missing=0, failed=0, pending=0, end=NOW, group="App"):
    return {"InstanceId": INFO["InstanceId"], "PatchGroup": group, "BaselineId": "pb-0123456789abcdef0", "InstalledCount": 10,
            "MissingCount": missing, "FailedCount": failed, "InstalledPendingRebootCount": pending, "Operation": "Scan",
            "OperationEndTime": end}


def test_a_never_reported_node():
    row = node_row(INFO, None, None, "App1", NOW)
    assert row["status"] == "NEVER_REPORTED" and row["reporting_age"] == "never"
    assert row["severity"] is None and row["non_compliant_counts"] is None and row["patch_counts"] is None
    assert row["patch_group"] is None and row["baseline_id"] is None and row["name"] == "App1"


def test_a_non_compliant_node():
    row = node_row(INFO, state(missing=3), compact_summary(summary("NON_COMPLIANT", "CRITICAL", critical=2, medium=1)), None, NOW)
    assert row["status"] == "NON_COMPLIANT" and row["severity"] == "CRITICAL"
    assert row["non_compliant_counts"] == {"critical": 2, "high": 0, "medium": 1, "low": 0, "informational": 0, "unspecified": 0}
    assert row["patch_counts"]["missing"] == 3 and row["patch_group"] == "App"
    assert row["last_report_time"] == "2026-11-30T12:00:00Z" and row["reporting_age"] == "within"


def test_a_compliant_node_has_no_severity():
    row = node_row(INFO, state(), compact_summary(summary("COMPLIANT", "UNSPECIFIED")), None, NOW)
    assert row["status"] == "COMPLIANT" and row["severity"] is None


def test_hybrid_nodes_are_named_by_ssm():
    assert node_row(dict(INFO, Name="onprem-1"), None, None, None, NOW)["name"] == "onprem-1"


def test_reporting_age_boundaries():
    seven_days = datetime.timedelta(days=7)
    assert reporting_age(NOW - seven_days, NOW, 7) == "within"
    assert reporting_age(NOW - seven_days - datetime.timedelta(seconds=1), NOW, 7) == "older"
    assert reporting_age(None, NOW, 7) == "never"


def test_dashboard_counts_like_the_console():
    counts = DashboardCounts()
    old = NOW - datetime.timedelta(days=30)
    counts.add(node_row(INFO, state(missing=2), compact_summary(summary("NON_COMPLIANT", "CRITICAL", critical=2)), None, NOW))
    counts.add(node_row(INFO, state(missing=1, pending=1), compact_summary(summary("NON_COMPLIANT", "HIGH", high=1)), None, NOW))
    counts.add(node_row(INFO, state(failed=1, end=old), compact_summary(summary("NON_COMPLIANT", "UNSPECIFIED", unspecified=1, when=old)), None, NOW))
    counts.add(node_row(INFO, state(), compact_summary(summary("COMPLIANT", "UNSPECIFIED")), None, NOW))
    counts.add(node_row(INFO, None, None, None, NOW))
    dashboard = counts.as_dict()
    assert dashboard["compliance_summary"] == {"compliant": 1, "critical_non_compliant": 1, "high_non_compliant": 1, "other_non_compliant": 1}
    assert dashboard["patch_states"] == {"managed_nodes": 5, "with_missing_patches": 2, "with_failed_patches": 1, "pending_reboot": 1}
    assert dashboard["reporting_age"] == {"days": 7, "within_days": 3, "older": 1, "never_reported": 1}


def test_operations_show_association_runs_once():
    command = {"CommandId": "c-1", "DocumentName": "AWS-RunPatchBaseline", "Parameters": {"Operation": ["Install"]},
               "RequestedDateTime": NOW, "Status": "Success", "Targets": [{"Key": "tag:Patch Group", "Values": ["App"]}]}
    started = dict(command, CommandId="c-2", Parameters={"Operation": ["Scan"]})
    association = {"AssociationId": "a-1", "Name": "AWS-RunPatchBaseline", "Targets": [{"Key": "InstanceIds", "Values": ["*"]}]}
    execution = {"ExecutionId": "e-1", "Status": "Success", "CreatedTime": NOW - datetime.timedelta(hours=1),
                 "LastExecutionDate": NOW - datetime.timedelta(minutes=50)}
    rows = recent_operations([command_operation(command), command_operation(started)], [association_operation(association, execution)], {"c-2"}, 10)
    assert [(row["mechanism"], row["id"]) for row in rows] == [("Run Command", "c-1"), ("Association", "e-1")]
    assert rows[0]["targets"] == "tag:Patch Group: App" and rows[1]["targets"] == "InstanceIds: *"
    assert recent_operations([command_operation(command)], [], set(), 0) == []


def test_targets_and_documents():
    assert targets_text(None, ["i-1", "i-2"]) == "InstanceIds: i-1, i-2"
    assert is_patching_document("arn:aws:ssm:us-east-1::document/AWS-RunPatchBaselineWithHooks")
    assert not is_patching_document("AWS-RunShellScript")


def test_node_filter_sets_union_groups_and_id_batches():
    sets = node_filter_sets(instance_ids=[f"i-{index:017x}" for index in range(60)], patch_groups=["App"], tags={"Env": "prod"})
    assert len(sets) == 4  # two batches of ids x two patch-group tag keys
    assert all(filters[0] == {"Key": "tag:Env", "Values": ["prod"]} for filters in sets)
    assert [len(filters[1]["Values"]) for filters in sets] == [50, 50, 10, 10]
    assert {filters[2]["Key"] for filters in sets} == {"tag:Patch Group", "tag:PatchGroup"}
    assert node_filter_sets() == [[]]


def test_selection_errors_name_the_parameter_path():
    errors = validate_selection(instance_ids=["i-0123456789abcdef0", "i-xyz", "mi-0123456789abcdef0"],
                                patch_groups=["App", ""], tags={"Env": None, "": "x", "Tier": ["a" * 257]})
    assert errors == [
        "instance_ids[1] must be an i- or mi- node id, got 'i-xyz'",
        "patch_groups[1] must be 1 to 256 characters, got 0",
        "tags.Env must be a value or a non-empty list of values",
        "tags key '' must be 1 to 128 characters, not blank",
        "tags.Tier[0] must be at most 256 characters",
    ]
    assert validate_selection(["i-01234567"], ["Web servers: prod/1"], {"Env": "prod", "Tier": [1, 2], "On": True}) == []


def test_a_selection_of_nothing_is_an_error_never_every_node():
    assert validate_selection(instance_ids=[], patch_groups=[], tags={}) == [
        "instance_ids is empty: name at least one value, or leave the option out",
        "patch_groups is empty: name at least one value, or leave the option out",
        "tags is empty: name at least one value, or leave the option out",
    ]
    assert validate_selection(patch_groups=["  "], tags={"Env": "", "Tier": ["web", ""]}) == [
        "patch_groups[0] is blank: name a patch group",
        "tags.Env is empty: a tag filter matches a value, give one",
        "tags.Tier[1] is empty: a tag filter matches a value, give one",
    ]
    assert validate_selection(instance_ids=["i-0123456789abcdef0\n"]) == [
        "instance_ids[0] must be an i- or mi- node id, got 'i-0123456789abcdef0\\n'"]


def test_nothing_matched_names_the_region_and_the_selection():
    assert nothing_matched("us-east-1") is None
    assert nothing_matched("eu-west-3", patch_groups=["Nobody"]) == "0 nodes in eu-west-3 matched patch groups Nobody"
    assert nothing_matched("us-east-1", instance_ids=["i-0123456789abcdef0"], tags={"Env": "prod"}) == (
        "0 nodes in us-east-1 matched instance ids i-0123456789abcdef0; tags Env=prod")
    assert unmatched_ids(["i-00000001", "i-00000002"], {"i-00000001"}, "us-east-1") == [
        "instance_ids[1] i-00000002 is not a managed node in us-east-1"]


def test_selection_text():
    assert selection_text() == "all nodes"
    assert selection_text(instance_ids=["i-1", "i-2"]) == "instance ids i-1, i-2"
    assert selection_text(instance_ids=[f"i-{n}" for n in range(6)], patch_groups=["App", "Web"], tags={"On": True}) == (
        "6 instance ids; patch groups App, Web; tags On=true")


def test_node_ids_are_matched_whole():
    assert is_node_id("i-0123456789abcdef0") and is_node_id("i-01234567") and is_node_id("mi-0123456789abcdef0")
    assert not is_node_id("i-0123456789abcdef0\n") and not is_node_id("web1") and not is_node_id("mi-01234567")


def test_tag_filter_values_are_strings_as_ansible_writes_them():
    assert tag_filter_values("prod") == ["prod"]
    assert tag_filter_values(["prod", 1, True]) == ["prod", "1", "true"]


def test_recurring_tasks_as_the_console_lists_them():
    association = {"AssociationId": "a-1", "Name": "AWS-RunPatchBaseline", "ScheduleExpression": "rate(1 day)",
                   "Targets": [{"Key": "tag:Patch Group", "Values": ["App"]}]}
    assert association_task(association) == {"name": "a-1", "type": "Association", "id": "a-1", "document": "AWS-RunPatchBaseline",
                                             "schedule": "rate(1 day)", "next_run": None, "targets": "tag:Patch Group: App"}
    assert association_task(dict(association, AssociationName="nightly"))["name"] == "nightly"
    window = {"WindowId": "mw-1", "Name": "sunday", "Schedule": "cron(0 2 ? * SUN *)"}
    task = {"WindowTaskId": "t-1", "TaskArn": "AWS-RunPatchBaseline", "Targets": [{"Key": "WindowTargetIds", "Values": ["wt-1"]}]}
    assert window_task(window, task) == {"name": "sunday / t-1", "type": "Maintenance window", "id": "t-1", "window_id": "mw-1",
                                         "window_name": "sunday", "document": "AWS-RunPatchBaseline", "schedule": "cron(0 2 ? * SUN *)",
                                         "next_run": None, "targets": "WindowTargetIds: wt-1"}
    # DescribeMaintenanceWindows' NextExecutionTime is the task's next run (a disabled window has none).
    assert window_task(dict(window, NextExecutionTime="2026-12-06T02:00:00.000Z"), task)["next_run"] == "2026-12-06T02:00:00.000Z"


def patch_item(status, severity, when=NOW):
    return {"ComplianceType": "Patch", "ResourceId": INFO["InstanceId"], "Status": status, "Severity": severity,
            "ExecutionSummary": {"ExecutionTime": when}}


def test_a_nodes_items_add_up_to_its_summary():
    earlier = NOW - datetime.timedelta(hours=3)
    items = [patch_item("NON_COMPLIANT", "HIGH", earlier), patch_item("NON_COMPLIANT", "HIGH"), patch_item("NON_COMPLIANT", "LOW"),
             patch_item("COMPLIANT", "CRITICAL"), patch_item("NON_COMPLIANT", "SOMETHING_NEW")]
    summary = summary_of_items(INFO["InstanceId"], items)
    # The highest level among the non-compliant items (a compliant CRITICAL one does not count), the latest time.
    assert compact_summary(summary) == ("NON_COMPLIANT", "HIGH", NOW, 0, 2, 0, 1, 0, 1)
    assert summary["ResourceId"] == INFO["InstanceId"] and summary["NonCompliantSummary"]["NonCompliantCount"] == 4


def test_compliant_items_make_a_compliant_summary_and_no_items_none():
    summary = summary_of_items(INFO["InstanceId"], [patch_item("COMPLIANT", "UNSPECIFIED")])
    assert compact_summary(summary) == ("COMPLIANT", None, NOW, 0, 0, 0, 0, 0, 0)
    assert summary_of_items(INFO["InstanceId"], []) is None
    row = node_row(INFO, None, compact_summary(summary), None, NOW)
    assert row["status"] == "COMPLIANT" and row["reporting_age"] == "within"
