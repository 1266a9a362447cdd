"""The pure logic behind ssm_patch_run: rate controls, documents, targets, validation and results."""

import itertools

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import allowed_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import command_targets
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import describe_targets
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import document_for
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import document_parameters
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import node_filters
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import node_ids_of_arns
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import patch_now_rate_controls
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import poll_delays
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import validate_run
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.results import failure_reasons
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.results import install_change_reasons
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.results import node_row
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.results import overall_status
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.results import predicted_changes
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.results import run_outcome
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.results import summarize
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.results import zero_target_commands

GUID = "8d1b5c6e-1f2a-4b3c-9d8e-7f6a5b4c3d2e"


@pytest.mark.parametrize(
    "operation, nodes, expected",
    [
        ("Install", 1, ("1", "1")),
        ("Install", 24, ("1", "1")),
        ("Install", 25, ("5%", "5")),
        ("Install", 100, ("5%", "5")),
        ("Install", 101, ("8%", "10")),
        ("Install", 1000, ("8%", "10")),
        ("Install", 1001, ("10%", "10")),
        ("Scan", 4, ("1000", "1000")),
        ("Scan", 50000, ("1000", "1000")),
    ],
)
def test_patch_now_rate_controls(operation, nodes, expected):
    assert patch_now_rate_controls(operation, nodes) == expected


def test_allowed_errors_as_count_or_percentage():
    assert allowed_errors("10", 4) == 10
    assert allowed_errors("5%", 100) == 5
    assert allowed_errors("5%", 19) == 0


def test_hooks_switch_the_document_and_drop_overrides():
    hooks = {"pre_install": "Drain", "post_install": None, "on_exit": "Restore"}
    assert document_for(hooks) == "AWS-RunPatchBaselineWithHooks"
    assert document_for(dict.fromkeys(hooks)) == "AWS-RunPatchBaseline"
    assert document_parameters("Install", GUID, "NoReboot", hooks=hooks) == {
        "Operation": ["Install"],
        "SnapshotId": [GUID],
        "RebootOption": ["NoReboot"],
        "PreInstallHookDocName": ["Drain"],
        "OnExitHookDocName": ["Restore"],
    }
    assert document_parameters("Install", GUID, "RebootIfNeeded", "s3://b/list.yaml", None, dict.fromkeys(hooks))[
        "InstallOverrideList"] == ["s3://b/list.yaml"]


def test_explicit_ids_go_50_to_a_command():
    ids = [f"i-{index:017x}" for index in range(120)]
    targets = command_targets({"instance_ids": ids}, [])
    assert [len(command[0]["Values"]) for command in targets] == [50, 50, 20]
    assert list(itertools.chain.from_iterable(command[0]["Values"] for command in targets)) == ids


def test_patch_groups_target_each_tag_spelling_in_use_by_a_command_of_its_own():
    assert command_targets({"patch_groups": ["App", "Web"]}, ["Patch Group", "PatchGroup"]) == [
        [{"Key": "tag:Patch Group", "Values": ["App", "Web"]}],
        [{"Key": "tag:PatchGroup", "Values": ["App", "Web"]}],
    ]


def test_tags_resource_group_and_all_instances():
    assert command_targets({"tags": {"Env": "prod", "Role": ["web", "api"]}}, []) == [
        [{"Key": "tag:Env", "Values": ["prod"]}, {"Key": "tag:Role", "Values": ["web", "api"]}]]
    assert command_targets({"resource_group": "web"}, []) == [[{"Key": "resource-groups:Name", "Values": ["web"]}]]
    # Every node: one association on InstanceIds=* (State Manager takes it), or the listed ids 50 to a
    # command (Run Command does not: the API reference's Target page).
    assert command_targets({"all_instances": True, "mechanism": "association"}, [], ["i-2", "i-1"]) == [
        [{"Key": "InstanceIds", "Values": ["*"]}]]
    ids = [f"i-{number:017x}" for number in range(120)]
    commands = command_targets({"all_instances": True, "mechanism": "command"}, [], reversed(ids))
    assert [targets[0]["Values"] for targets in commands] == [ids[:50], ids[50:100], ids[100:]]
    assert all(targets[0]["Key"] == "InstanceIds" and "*" not in targets[0]["Values"] for targets in commands)


@pytest.mark.parametrize(
    "params, error",
    [
        ({"snapshot_id": "abc"}, "snapshot_id must be a GUID"),
        ({"install_override_list": "http://insecure/list"}, "install_override_list must be an https://"),
        ({"baseline_override": "s3://bucket"}, "baseline_override must be an https://"),
        ({"operation": "scan", "on_exit_hook": "X"}, "on_exit_hook applies to operation=install only"),
        ({"operation": "install", "pre_install_hook": "X", "baseline_override": "s3://b/k"}, "pre_install_hook runs AWS-RunPatchBaselineWithHooks"),
        ({"max_concurrency": "0"}, "max_concurrency must be"),
        ({"max_errors": "-1"}, "max_errors must be"),
        ({"timeout_seconds": 29}, "timeout_seconds must be 30-2592000"),
        ({"comment": "c" * 101}, "comment must be at most 100"),
        ({"tags": {}}, "tags is empty"),
        ({"tags": dict((str(key), "v") for key in range(6))}, "tags may name at most 5"),
        ({"instance_ids": []}, "instance_ids is empty"),
        ({"instance_ids": [""]}, "instance_ids[0] is blank"),
        ({"instance_ids": ["i-0123456789abcdef0", "web1"]}, "instance_ids[1] must be a managed node id"),
        ({"instance_ids": ["i-0123456789abcdef0\n"]}, "instance_ids[0] must be a managed node id"),
        ({"instance_ids": ["mi-0123456789abcdef0", "mi-0123456789abcdef0"]}, "instance_ids names mi-0123456789abcdef0 more than once"),
        ({"patch_groups": []}, "patch_groups is empty"),
        ({"patch_groups": ["App", "  "]}, "patch_groups[1] is blank"),
        ({"patch_groups": ["x" * 257]}, "patch_groups[0] must be at most 256"),
        ({"tags": {"Env": []}}, "tags.Env has no value"),
        ({"tags": {"Env": ""}}, "tags.Env is blank"),
        ({"tags": {"Env": ["prod", " "]}}, "tags.Env[1] is blank"),
        ({"tags": {"Env": None}}, "tags.Env is blank"),
        ({"tags": {"Env": {"a": 1}}}, "tags.Env must be a value or a list"),
        ({"tags": {" ": "x"}}, "tags has a blank key"),
        ({"resource_group": ""}, "resource_group is blank"),
        ({"resource_group": "web servers"}, "resource_group must be a resource group name"),
        ({"all_instances": False}, "all_instances must be true when given"),
        ({"snapshot_id": GUID + "\n"}, "snapshot_id must be a GUID"),
        ({"snapshot_id": ""}, "snapshot_id is blank"),
        ({"install_override_list": "https://example.com/list.yaml\n"}, "install_override_list must be an https://"),
        ({"baseline_override": "s3://bucket/key with space"}, "baseline_override must be an https://"),
        ({"pre_install_hook": "x"}, "pre_install_hook must be an SSM document name"),
        ({"max_concurrency": "10%\n"}, "max_concurrency must be"),
        ({"max_concurrency": "12345678"}, "max_concurrency must be"),
        ({"max_errors": "101%"}, "max_errors must be"),
        ({"max_errors": "01"}, "max_errors must be"),
        ({"wait_timeout": 10000000000}, "wait_timeout must be 1-172800 seconds"),
        ({"wait_timeout": 0}, "wait_timeout must be 1-172800 seconds"),
        ({"execution_timeout": 0}, "execution_timeout must be 1-172800 seconds"),
        ({"execution_timeout": 60, "wait": False}, "execution_timeout needs wait=true"),
        ({"output_s3_bucket": "Reports_Bucket"}, "output_s3_bucket must be an S3 bucket name"),
        ({"output_s3_region": "us-nowhere-1"}, "output_s3_region must be an AWS region"),
        ({"output_s3_prefix": "p" * 501}, "output_s3_prefix must be at most 500"),
        ({"cloudwatch_log_group": "logs group"}, "cloudwatch_log_group must be a CloudWatch Logs group name"),
        ({"comment": "  "}, "comment is blank"),
        ({"notification": {"topic_arn": "patching", "role_arn": "arn:aws:iam::123456789012:role/Sns", "events": ["All"]}},
         "notification.topic_arn must be an SNS topic ARN"),
        ({"notification": {"topic_arn": "arn:aws:sns:us-east-1:123456789012:t", "role_arn": "arn:aws:iam::123456789012:user/u",
                           "events": ["All"]}}, "notification.role_arn must be an IAM role ARN"),
        ({"notification": {"topic_arn": "arn:aws:sns:us-east-1:123456789012:t", "role_arn": "arn:aws:iam::123456789012:role/r",
                           "events": []}}, "notification.events is empty"),
        ({"mechanism": "association", "comment": "c"}, "comment applies to mechanism=command only"),
        ({"mechanism": "association", "timeout_seconds": 600}, "timeout_seconds applies to mechanism=command only"),
        ({"mechanism": "association", "cloudwatch_log_group": "/aws/ssm"}, "cloudwatch_log_group applies to mechanism=command only"),
        ({"mechanism": "association", "notification": {"topic_arn": "arn:aws:sns:us-east-1:123456789012:t",
                                                       "role_arn": "arn:aws:iam::123456789012:role/r", "events": ["All"]}},
         "notification applies to mechanism=command only"),
    ],
)
def test_validation_names_the_parameter(params, error):
    assert any(message.startswith(error) for message in validate_run(params)), validate_run(params)


def test_valid_parameters_pass():
    assert validate_run({"operation": "install", "snapshot_id": GUID, "max_concurrency": "10%", "max_errors": "0",
                         "install_override_list": "https://example.com/list.yaml", "timeout_seconds": 600}) == []
    assert validate_run({
        "operation": "install", "instance_ids": ["i-0123456789abcdef0", "i-01234567", "mi-0123456789abcdef0"],
        "pre_install_hook": "arn:aws:ssm:us-east-1:123456789012:document/Drain", "max_concurrency": "1234567",
        "max_errors": "100%", "wait_timeout": 172800, "execution_timeout": 1, "wait": True,
        "output_s3_bucket": "reports-bucket", "output_s3_prefix": "patch/", "output_s3_region": "eu-west-1",
        "cloudwatch_log_group": "/aws/ssm/Patch#1", "comment": "c" * 100,
        "notification": {"topic_arn": "arn:aws:sns:us-east-1:123456789012:patching.fifo",
                         "role_arn": "arn:aws:iam::123456789012:role/service-role/SsmSns", "events": ["Failed"]},
    }) == []
    assert validate_run({"tags": {"Env": ["prod", "stage"], "Tier": 1}, "baseline_override": "s3://b/override.json"}) == []
    assert validate_run({"patch_groups": ["App"], "all_instances": None}) == []
    assert validate_run({"resource_group": "web.servers-1"}) == []
    # An association takes an S3 output and rate controls like a command.
    assert validate_run({"mechanism": "association", "all_instances": True, "output_s3_bucket": "reports-bucket",
                         "max_errors": "5%"}) == []
    assert validate_run({"mechanism": "command", "all_instances": True, "comment": "c", "timeout_seconds": 600}) == []


@pytest.mark.parametrize("reboot_option, state, reason", [
    ("RebootIfNeeded", None, "never scanned: no patch state"),
    ("NoReboot", None, "never scanned: no patch state"),
    ("RebootIfNeeded", {"MissingCount": 3}, "3 missing"),
    ("RebootIfNeeded", {"FailedCount": 1, "MissingCount": 2}, "2 missing, 1 failed"),
    ("RebootIfNeeded", {"InstalledPendingRebootCount": 4}, "4 installed pending a reboot (RebootIfNeeded reboots it)"),
    ("NoReboot", {"InstalledPendingRebootCount": 4}, None),
    ("NoReboot", {"InstalledPendingRebootCount": 4, "MissingCount": 1}, "1 missing"),
    ("RebootIfNeeded", {"InstalledCount": 300, "MissingCount": 0, "FailedCount": 0, "InstalledPendingRebootCount": 0}, None),
])
def test_install_change_reasons_from_patch_states(reboot_option, state, reason):
    states = {} if state is None else {"i-1": dict(state, InstanceId="i-1")}
    assert install_change_reasons(["i-1"], states, reboot_option) == ({} if reason is None else {"i-1": reason})


def test_install_change_reasons_over_many_nodes_names_only_those_that_change():
    states = {"i-1": {"MissingCount": 0}, "i-2": {"MissingCount": 5}}
    assert install_change_reasons(["i-3", "i-2", "i-1"], states, "RebootIfNeeded") == {
        "i-2": "5 missing", "i-3": "never scanned: no patch state"}
    assert install_change_reasons([], {}, "RebootIfNeeded") == {}


def test_zero_target_commands_only_once_past_pending():
    commands = {
        "c-pending": {"Status": "Pending", "TargetCount": 0},
        "c-empty": {"Status": "Success", "TargetCount": 0},
        "c-running": {"Status": "InProgress", "TargetCount": 2},
        "c-gone": None,
    }
    assert zero_target_commands(commands) == ["c-empty"]
    assert zero_target_commands({}) == []


def test_node_ids_of_arns_keep_instances_and_hybrid_nodes():
    arns = [
        "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0",
        "arn:aws:ssm:us-east-1:123456789012:managed-instance/mi-0123456789abcdef0",
        "arn:aws:s3:::bucket",
        "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0",
    ]
    assert node_ids_of_arns(arns) == ["i-0123456789abcdef0", "mi-0123456789abcdef0"]
    assert node_ids_of_arns([]) == []


def test_describe_targets_names_the_option():
    assert describe_targets({"tags": {"Team": "x"}}) == "tags {'Team': 'x'}"
    assert describe_targets({"resource_group": "web"}) == "resource_group web"
    assert describe_targets({"all_instances": True}) == "all_instances"


def invocation(node_id, status="Success", details="Success"):
    return {"InstanceId": node_id, "Status": status, "StatusDetails": details,
            "CommandPlugins": [{"Name": "PatchLinux", "ResponseCode": 0 if status == "Success" else 1,
                                "StandardOutputUrl": f"https://s3/b/{node_id}/stdout"}]}


def state(installed, pending=0, missing=0, operation="Install"):
    return {"InstalledCount": installed, "InstalledPendingRebootCount": pending, "MissingCount": missing, "Operation": operation}


def test_node_row_counts_what_the_install_did_and_whether_it_rebooted():
    row = node_row(invocation("i-1"), state(100, missing=7, operation="Scan"), state(107), "RebootIfNeeded", "Install")
    assert row["installed_by_run"] == 7 and row["rebooted"] and row["output_url"] == "https://s3/b/i-1/stdout"
    no_reboot = node_row(invocation("i-1"), state(100, missing=7), state(104, pending=3), "NoReboot", "Install")
    assert no_reboot["installed_by_run"] == 7 and not no_reboot["rebooted"]
    assert no_reboot["patch_counts"]["installed_pending_reboot"] == 3
    nothing = node_row(invocation("i-1"), state(107), state(107), "RebootIfNeeded", "Install")
    assert nothing["installed_by_run"] == 0 and not nothing["rebooted"]


def test_a_never_scanned_node_installs_an_unknown_number():
    assert node_row(invocation("i-1"), None, state(107), "RebootIfNeeded", "Install")["installed_by_run"] is None
    assert node_row(invocation("i-1"), None, state(107, operation="Scan"), "RebootIfNeeded", "Install")["installed_by_run"] == 0


def test_summary_counts_statuses_and_patches():
    rows = [
        node_row(invocation("i-1"), state(1, operation="Scan"), state(3), "RebootIfNeeded", "Install"),
        node_row(invocation("i-2", "Failed", "Failed"), state(1), state(1, missing=2), "RebootIfNeeded", "Install"),
        node_row(invocation("i-3", "TimedOut", "DeliveryTimedOut"), None, None, "RebootIfNeeded", "Install"),
    ]
    summary = summarize(rows, 3)
    assert summary == {
        "targeted": 3, "succeeded": 1, "failed": 1, "timed_out": 1, "cancelled": 0, "undeliverable": 1,
        "patches_installed": 2, "nodes_installed_unknown": 0, "patches_missing": 2, "patches_failed": 0,
        "patches_pending_reboot": 0, "rebooted_nodes": 1,
    }


def test_polls_back_off_to_a_ceiling():
    delays = list(itertools.islice(poll_delays(initial=2, factor=2, maximum=10), 5))
    assert delays == [2, 4, 8, 10, 10]


def test_node_filters_list_each_patch_group_under_both_tag_spellings():
    assert node_filters({"patch_groups": ["App", "Web"]}) == [
        [{"Key": "tag:Patch Group", "Values": ["App"]}], [{"Key": "tag:PatchGroup", "Values": ["App"]}],
        [{"Key": "tag:Patch Group", "Values": ["Web"]}], [{"Key": "tag:PatchGroup", "Values": ["Web"]}],
    ]
    assert node_filters({"tags": {"Env": ["a", "b"]}}) == [[{"Key": "tag:Env", "Values": ["a", "b"]}]]
    assert node_filters({"all_instances": True}) == [[]]
    assert [len(f[0]["Values"]) for f in node_filters({"instance_ids": [f"i-{n:017x}" for n in range(51)]})] == [50, 1]


@pytest.mark.parametrize("details, status", [
    (["Success", "Success"], "Success"),
    (["Success", "Incomplete"], "Incomplete"),
    (["Incomplete", "Failed"], "Failed"),
    (["Success", "Delivery Timed Out"], "Delivery Timed Out"),
    (["Cancelled"], "Cancelled"),
])
def test_overall_status_from_the_commands_status_details(details, status):
    commands = dict((f"c-{index}", {"Status": "Failed", "StatusDetails": detail}) for index, detail in enumerate(details))
    assert overall_status(commands) == status


def test_overall_status_falls_back_to_status_without_details():
    assert overall_status({"c-1": {"Status": "Success"}, "c-2": {"Status": "Success", "StatusDetails": ""}}) == "Success"
    assert overall_status({"c-1": {"Status": "TimedOut"}}) == "TimedOut"


def test_check_mode_predicts_no_change_for_a_scan_whatever_the_states():
    states = {"i-1": {"MissingCount": 4}}
    assert predicted_changes("Scan", ["i-1", "i-2"], states, "RebootIfNeeded") == (False, {})


def test_check_mode_predicts_an_install_from_each_node_s_last_state():
    states = {"i-1": {"MissingCount": 2}, "i-2": {}, "i-4": {"InstalledPendingRebootCount": 1}}
    changed, would_change = predicted_changes("Install", ["i-1", "i-2", "i-3", "i-4"], states, "NoReboot")
    assert changed is True
    assert would_change == {"i-1": "2 missing", "i-3": "never scanned: no patch state"}
    assert predicted_changes("Install", ["i-2"], states, "RebootIfNeeded") == (False, {})
    assert predicted_changes("Install", ["i-4"], states, "RebootIfNeeded")[1] == {
        "i-4": "1 installed pending a reboot (RebootIfNeeded reboots it)"}


def summary(**counts):
    return dict({"patches_installed": 0, "rebooted_nodes": 0, "nodes_installed_unknown": 0}, **counts)


@pytest.mark.parametrize("counts, changed", [
    ({}, False),
    ({"patches_installed": 3}, True),
    ({"rebooted_nodes": 1}, True),
    ({"nodes_installed_unknown": 1}, True),
])
def test_an_install_changed_what_it_installed_or_rebooted(counts, changed):
    assert run_outcome("Install", summary(**counts), {}, "Success", "1", 4) == (changed, None)
    # A scan never changes a node.
    assert run_outcome("Scan", summary(**counts), {}, "Success", "1000", 4) == (False, None)


def test_failures_up_to_max_errors_pass_beyond_them_fail():
    failures = {"i-1": "Failed (Failed), response code 1"}
    assert run_outcome("Install", summary(), failures, "Incomplete", "1", 4) == (False, None)
    assert run_outcome("Install", summary(), dict(failures, **{"i-2": "x"}), "Incomplete", "1", 4) == (
        False, "Patch Install failed: 2 of 4 nodes did not succeed (max_errors 1)")
    assert run_outcome("Scan", summary(), failures, "Incomplete", "25%", 4) == (False, None)
    assert run_outcome("Scan", summary(), failures, "Incomplete", "24%", 4)[1] == (
        "Patch Scan failed: 1 of 4 nodes did not succeed (max_errors 24%)")


def test_a_run_that_ended_otherwise_than_success_or_incomplete_fails():
    assert run_outcome("Install", summary(patches_installed=1), {}, "Cancelled", "10", 4) == (True, "Patch Install failed: the run ended Cancelled")


def test_failure_reasons_name_each_node_that_did_not_succeed():
    rows = [{"instance_id": "i-1", "status": "Success", "details": "Success", "response_code": 0},
            {"instance_id": "i-2", "status": "Failed", "details": "Failed", "response_code": 1},
            {"instance_id": "i-3", "status": "TimedOut", "details": "Delivery Timed Out", "response_code": None}]
    assert failure_reasons(rows) == {"i-2": "Failed (Failed), response code 1", "i-3": "TimedOut (Delivery Timed Out), response code None"}
    assert failure_reasons(rows[:1]) == {}
