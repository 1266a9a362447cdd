"""The pure logic behind ssm_patch_association: option checks, targets, the definition, comparison, results."""

import datetime

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import association_result
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import association_targets
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import desired_definition
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import diff_view
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import differences
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import execution_result
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import kept_schedule_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import patch_group_key
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import predicted
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import update_request
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import validate_association

GUID = "8d1b5c6e-1f2a-4b3c-9d8e-7f6a5b4c3d2e"
NODE = "i-0123456789abcdef0"


def params(**overrides):
    """ssm_patch_association's options as AnsibleModule gives them (every option, defaults applied)."""
    base = dict.fromkeys((
        "association_id", "instance_ids", "patch_groups", "target_tags", "resource_group", "all_instances", "schedule",
        "schedule_offset", "max_concurrency", "max_errors", "compliance_severity", "sync_compliance", "pre_install_hook",
        "post_install_hook", "on_exit_hook", "install_override_list", "baseline_override", "output_s3_bucket",
        "output_s3_prefix", "output_s3_region", "tags",
    ))
    base.update(state="present", name="daily-scan", operation="scan", reboot_option="RebootIfNeeded",
                patch_groups=["App"], schedule="rate(1 day)", apply_only_at_cron_interval=False, purge_tags=True)
    base.update(overrides)
    return base


def test_a_good_task_has_no_error():
    assert validate_association(params()) == []
    assert validate_association(params(patch_groups=None, target_tags={"Env": ["dev", "test"]}, operation="install",
                                       schedule="cron(0 3 ? * TUE#2 *)", schedule_offset=2, apply_only_at_cron_interval=True,
                                       pre_install_hook="GoodHook", max_concurrency="10%", max_errors="1",
                                       output_s3_bucket="logs-bucket", output_s3_region="eu-west-1", tags={"Owner": "ops"})) == []


@pytest.mark.parametrize("overrides, error", [
    ({"name": "ab"}, "name must be 3-128 of letters, digits"),
    ({"name": "daily scan"}, "name must be 3-128"),
    ({"name": "daily-scan\n"}, "name must be 3-128"),
    ({"association_id": "abc"}, "association_id must be an association id"),
    ({"patch_groups": None}, "state=present needs one target"),
    ({"patch_groups": []}, "patch_groups is empty"),
    ({"patch_groups": ["App", " "]}, "patch_groups[1] is blank"),
    ({"patch_groups": None, "target_tags": {}}, "target_tags is empty"),
    ({"patch_groups": None, "target_tags": {"Env": []}}, "target_tags.Env has no value"),
    ({"patch_groups": None, "target_tags": {"Env": ["dev", ""]}}, "target_tags.Env[1] is blank"),
    ({"patch_groups": None, "target_tags": {str(n): "x" for n in range(6)}}, "target_tags may name at most 5 tag keys"),
    ({"patch_groups": None, "instance_ids": ["i-1"]}, "instance_ids[0] must be a managed node id"),
    ({"patch_groups": None, "instance_ids": [f"i-{n:017x}" for n in range(51)]}, "instance_ids names 51 nodes"),
    ({"patch_groups": None, "all_instances": False}, "all_instances must be true when given; choose targets with instance_ids, "
                                                     "patch_groups, target_tags or resource_group"),
    ({"patch_groups": None, "resource_group": "bad name"}, "resource_group must be a resource group name"),
    ({"schedule": " "}, "schedule is blank"),
    ({"schedule": "daily"}, "schedule must be a cron(...) or rate(...) expression"),
    ({"schedule": "rate(10 minutes)"}, "schedule 'rate(10 minutes)' is not an association schedule"),
    ({"schedule": "cron(0 2 ? * * *)", "schedule_offset": 7, "apply_only_at_cron_interval": True}, "schedule_offset must be 1-6 days, got 7"),
    ({"schedule": "cron(0 2 ? * * *)", "schedule_offset": 2}, "schedule_offset needs apply_only_at_cron_interval=true"),
    ({"schedule_offset": 2, "apply_only_at_cron_interval": True}, "schedule_offset applies to a cron schedule only"),
    ({"apply_only_at_cron_interval": True}, "apply_only_at_cron_interval applies to a cron schedule only"),
    ({"pre_install_hook": "GoodHook"}, "pre_install_hook applies to operation=install only"),
    ({"operation": "install", "on_exit_hook": "x"}, "on_exit_hook must be an SSM document name or ARN"),
    ({"operation": "install", "post_install_hook": ""}, "post_install_hook is blank"),
    ({"operation": "install", "pre_install_hook": "GoodHook", "baseline_override": "s3://b/k.json"},
     "pre_install_hook runs AWS-RunPatchBaselineWithHooks, which takes no install_override_list or baseline_override"),
    ({"install_override_list": "http://example.com/list.yaml"}, "install_override_list must be an https:// or s3://bucket/key URL"),
    ({"max_concurrency": "10 %"}, "max_concurrency must be a number of nodes"),
    ({"max_errors": "12345678"}, "max_errors must be a number of nodes"),
    ({"output_s3_bucket": "Bad_Bucket"}, "output_s3_bucket must be an S3 bucket name"),
    ({"output_s3_bucket": "logs-bucket", "output_s3_region": "eu-west-9"}, "output_s3_region must be an AWS region"),
    ({"output_s3_bucket": "logs-bucket", "output_s3_prefix": "p" * 501}, "output_s3_prefix must be at most 500 characters"),
    # The rules of SSM's tags on every resource, shared with the baselines and the windows.
    ({"tags": {"aws:owner": "x"}}, "tags.aws:owner: keys starting with aws: are reserved for AWS"),
    ({"tags": {" ": "x"}}, "tags keys must be 1 to 128 characters, got ' '"),
    ({"tags": {"k" * 129: "x"}}, "tags keys must be 1 to 128 characters"),
    ({"tags": {"Owner": "v" * 257}}, "tags.Owner must be at most 256 characters"),
    ({"tags": {"Owner": "a;b"}}, "tags.Owner may hold letters, numbers, spaces and _.:/=+-@; not ';'"),
    ({"tags": {f"k{index}": "v" for index in range(51)}}, "tags has 51 entries; at most 50 are allowed"),
])
def test_each_bad_option_is_named(overrides, error):
    errors = validate_association(params(**overrides))
    assert any(error in message for message in errors), errors


def test_absent_needs_only_the_name():
    assert validate_association(params(state="absent", operation=None, patch_groups=None, schedule=None)) == []
    assert validate_association(params(state="absent", name="x")) == ["name must be 3-128 of letters, digits, '_', '-' and '.', got 'x'"]


def test_patch_groups_are_targeted_by_the_spelling_their_nodes_carry():
    assert patch_group_key({"PatchGroup"}, None, ["App"]) == ("PatchGroup", None)
    assert patch_group_key(set(), None, ["App"]) == ("Patch Group", None)
    # With no node yet, the current association's spelling is kept.
    assert patch_group_key(set(), [{"Key": "tag:PatchGroup", "Values": ["App"]}], ["App"]) == ("PatchGroup", None)
    # Its nodes now carry the other spelling: the association follows them.
    assert patch_group_key({"Patch Group"}, [{"Key": "tag:PatchGroup", "Values": ["App"]}], ["App"]) == ("Patch Group", None)
    key, error = patch_group_key({"Patch Group", "PatchGroup"}, [{"Key": "tag:Patch Group", "Values": ["App"]}], ["App"])
    assert key is None and "carry both the Patch Group and the PatchGroup tag key" in error


def test_targets_of_each_kind():
    assert association_targets(params(), "Patch Group") == [{"Key": "tag:Patch Group", "Values": ["App"]}]
    assert association_targets(params(patch_groups=None, target_tags={"Env": "dev", "Role": ["db", "web"]})) == [
        {"Key": "tag:Env", "Values": ["dev"]}, {"Key": "tag:Role", "Values": ["db", "web"]}]
    assert association_targets(params(patch_groups=None, instance_ids=[NODE])) == [{"Key": "InstanceIds", "Values": [NODE]}]
    assert association_targets(params(patch_groups=None, resource_group="web-servers")) == [
        {"Key": "resource-groups:Name", "Values": ["web-servers"]}]
    assert association_targets(params(patch_groups=None, all_instances=True)) == [{"Key": "InstanceIds", "Values": ["*"]}]


TARGETS = [{"Key": "tag:Patch Group", "Values": ["App"]}]


def test_the_definition_of_a_scan_has_no_snapshot_and_the_task_s_document():
    definition = desired_definition(params(compliance_severity="HIGH"), TARGETS)
    assert definition == {
        "Name": "AWS-RunPatchBaseline", "AssociationName": "daily-scan", "Targets": TARGETS,
        "Parameters": {"Operation": ["Scan"], "RebootOption": ["RebootIfNeeded"]}, "ApplyOnlyAtCronInterval": False,
        "ScheduleExpression": "rate(1 day)", "ComplianceSeverity": "HIGH",
    }
    hooked = desired_definition(params(operation="install", on_exit_hook="Notify", output_s3_bucket="logs", output_s3_prefix="p"), TARGETS)
    assert hooked["Name"] == "AWS-RunPatchBaselineWithHooks"
    assert hooked["Parameters"] == {"Operation": ["Install"], "RebootOption": ["RebootIfNeeded"], "OnExitHookDocName": ["Notify"]}
    assert hooked["OutputLocation"] == {"S3Location": {"OutputS3BucketName": "logs", "OutputS3KeyPrefix": "p"}}


CURRENT = {
    "AssociationId": GUID, "Name": "AWS-RunPatchBaseline", "AssociationName": "daily-scan", "AssociationVersion": "3",
    "Targets": [{"Key": "tag:Patch Group", "Values": ["Web", "App"]}],
    "Parameters": {"Operation": ["Scan"], "RebootOption": ["RebootIfNeeded"]},
    "ScheduleExpression": "rate(1 day)", "MaxConcurrency": "10%", "MaxErrors": "2",
    "ComplianceSeverity": "LOW", "SyncCompliance": "AUTO", "ApplyOnlyAtCronInterval": False, "DocumentVersion": "$DEFAULT",
    "OutputLocation": {"S3Location": {"OutputS3BucketName": "logs"}},
    "Overview": {"Status": "Success"}, "Date": datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc),
}


def test_options_left_out_keep_the_current_values_and_nothing_differs():
    desired = desired_definition(params(patch_groups=["App", "Web"]), [{"Key": "tag:Patch Group", "Values": ["App", "Web"]}], CURRENT)
    assert desired["MaxConcurrency"] == "10%" and desired["ComplianceSeverity"] == "LOW" and desired["OutputLocation"] == CURRENT["OutputLocation"]
    # Target values are alternatives: their order is no difference.
    assert differences(desired, CURRENT) == []


def test_what_differs_is_named_by_field_and_the_update_sends_the_whole_definition():
    desired = desired_definition(params(operation="install", schedule="cron(0 2 ? * * *)", max_errors="5%", sync_compliance="MANUAL"),
                                 TARGETS, CURRENT)
    assert differences(desired, CURRENT) == ["MaxErrors", "Parameters", "ScheduleExpression", "SyncCompliance", "Targets"]
    request = update_request(GUID, desired)
    assert request == {
        "AssociationId": GUID, "Name": "AWS-RunPatchBaseline", "AssociationName": "daily-scan", "Targets": TARGETS,
        "Parameters": {"Operation": ["Install"], "RebootOption": ["RebootIfNeeded"]}, "ScheduleExpression": "cron(0 2 ? * * *)",
        "ApplyOnlyAtCronInterval": False, "MaxConcurrency": "10%", "MaxErrors": "5%", "ComplianceSeverity": "LOW",
        "SyncCompliance": "MANUAL", "OutputLocation": {"S3Location": {"OutputS3BucketName": "logs"}},
    }


def test_a_removed_override_and_defaults_aws_fills_in():
    current = dict(CURRENT, Parameters={"Operation": ["Scan"], "RebootOption": ["RebootIfNeeded"], "BaselineOverride": ["s3://b/k.json"]})
    desired = desired_definition(params(), TARGETS, current)
    assert differences(desired, current) == ["Parameters", "Targets"]
    without_defaults = dict((key, value) for key, value in CURRENT.items() if key not in ("SyncCompliance", "ApplyOnlyAtCronInterval"))
    assert differences(desired_definition(params(patch_groups=["App", "Web"]), CURRENT["Targets"], without_defaults), without_defaults) == []


def test_an_output_region_aws_filled_in_is_no_difference_unless_the_task_names_another():
    current = dict(CURRENT, OutputLocation={"S3Location": {"OutputS3BucketName": "logs", "OutputS3Region": "us-east-1"}})
    same = desired_definition(params(patch_groups=["App", "Web"], output_s3_bucket="logs"), CURRENT["Targets"], current)
    assert differences(same, current) == []
    other = desired_definition(params(patch_groups=["App", "Web"], output_s3_bucket="logs", output_s3_region="eu-west-1"),
                               CURRENT["Targets"], current)
    assert differences(other, current) == ["OutputLocation"]
    assert differences(desired_definition(params(patch_groups=["App", "Web"], output_s3_bucket="other"), CURRENT["Targets"], current),
                       current) == ["OutputLocation"]


def test_a_kept_rate_schedule_refuses_cron_only_options():
    assert kept_schedule_errors({"ScheduleExpression": "cron(0 2 ? * * *)", "ScheduleOffset": 2, "ApplyOnlyAtCronInterval": True}) == []
    errors = kept_schedule_errors({"ScheduleExpression": "rate(1 day)", "ScheduleOffset": 2, "ApplyOnlyAtCronInterval": True})
    assert errors == ["schedule_offset applies to a cron schedule only, and the association's schedule is rate(1 day)",
                      "apply_only_at_cron_interval applies to a cron schedule only, and the association's schedule is rate(1 day)"]


def test_results_are_snake_case_with_parameters_and_tags_as_they_are():
    result = association_result(dict(CURRENT, ResponseMetadata={}), {"Owner": "ops"})
    assert result["association_id"] == GUID and result["association_name"] == "daily-scan"
    assert result["parameters"] == {"Operation": ["Scan"], "RebootOption": ["RebootIfNeeded"]}
    assert result["targets"] == [{"key": "tag:Patch Group", "values": ["Web", "App"]}]
    assert result["output_location"] == {"s3_location": {"output_s3_bucket_name": "logs"}}
    assert result["date"] == "2026-12-01T00:00:00+00:00" and result["tags"] == {"Owner": "ops"}
    assert "response_metadata" not in result
    assert set(diff_view(result)) == {"name", "association_name", "targets", "parameters", "schedule_expression", "max_concurrency",
                                      "max_errors", "compliance_severity", "sync_compliance", "apply_only_at_cron_interval",
                                      "output_location", "tags"}


def test_check_mode_predicts_the_definition_on_the_current_association():
    desired = desired_definition(params(schedule="rate(2 days)"), TARGETS, CURRENT)
    prediction = predicted(CURRENT, desired)
    assert prediction["AssociationId"] == GUID and prediction["ScheduleExpression"] == "rate(2 days)"
    assert prediction["Overview"] == {"Status": "Success"}
    created = predicted(None, desired_definition(params(), TARGETS))
    assert "AssociationId" not in created and created["AssociationName"] == "daily-scan"


def test_an_execution_with_its_targets():
    execution = {"ExecutionId": GUID, "Status": "Success", "ResourceCountByStatus": "{Success=1}",
                 "CreatedTime": datetime.datetime(2026, 12, 1, 2, tzinfo=datetime.timezone.utc)}
    target = {"ResourceId": NODE, "Status": "Success", "OutputSource": {"OutputSourceId": GUID, "OutputSourceType": "RunCommand"}}
    row = execution_result(execution, [target])
    assert row["execution_id"] == GUID and row["created_time"] == "2026-12-01T02:00:00+00:00"
    assert row["targets"] == [{"resource_id": NODE, "status": "Success",
                               "output_source": {"output_source_id": GUID, "output_source_type": "RunCommand"}}]


def test_an_execution_whose_targets_were_not_read_has_no_targets_key():
    execution = {"ExecutionId": GUID, "Status": "Failed", "ResourceCountByStatus": "{Failed=1,Success=9}"}
    row = execution_result(execution)
    assert "targets" not in row and row["resource_count_by_status"] == "{Failed=1,Success=9}"
    assert execution_result(execution, [])["targets"] == []
