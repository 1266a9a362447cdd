"""Targets, tasks, the window's fields, the plan and the diff: the module's shape to the API's and back,
their checks, and the comparison that decides what is written."""

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils._maintenance_window import executions
from ansible_collections.cloudpatch.ssm.plugins.module_utils._maintenance_window import plan
from ansible_collections.cloudpatch.ssm.plugins.module_utils._maintenance_window import targets
from ansible_collections.cloudpatch.ssm.plugins.module_utils._maintenance_window import tasks
from ansible_collections.cloudpatch.ssm.plugins.module_utils._maintenance_window import window

TARGET_IDS = {"app-nodes": "e32eecb2-646c-4f4b-8ed1-205fb0000001", "web-nodes": "e32eecb2-646c-4f4b-8ed1-205fb0000002"}


def patch_task(**extra):
    task = {"name": "install-app", "targets": ["app-nodes"], "operation": "install", "max_concurrency": "10%", "max_errors": "1"}
    task.update(extra)
    return task


# Targets

@pytest.mark.parametrize("target, resource_type, keys", [
    ({"name": "t1", "patch_groups": ["App", "Web"]}, "INSTANCE", [{"Key": "tag:Patch Group", "Values": ["App", "Web"]}]),
    ({"name": "t1", "tags": {"Role": ["web", "api"], "Env": "prod"}}, "INSTANCE",
     [{"Key": "tag:Role", "Values": ["web", "api"]}, {"Key": "tag:Env", "Values": ["prod"]}]),
    ({"name": "t1", "resource_group": "web-servers", "resource_types": ["AWS::EC2::Instance"]}, "RESOURCE_GROUP",
     [{"Key": "resource-groups:Name", "Values": ["web-servers"]}, {"Key": "resource-groups:ResourceTypeFilters", "Values": ["AWS::EC2::Instance"]}]),
    ({"name": "t1", "instance_ids": ["i-0123456789abcdef0"]}, "INSTANCE", [{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}]),
])
def test_each_target_kind_is_the_documented_key(target, resource_type, keys):
    assert targets.target_request(target) == (resource_type, keys)
    registered = dict(targets.desired_target(target), WindowTargetId="id-1")
    shape = targets.target_to_ansible(registered)
    kind = next(option for option in targets.KIND_OPTIONS if target.get(option))
    assert shape[kind] == target[kind] if kind != "tags" else shape["tags"] == {"Role": ["web", "api"], "Env": "prod"}


def test_a_patch_group_target_uses_the_key_it_is_given():
    assert targets.target_request({"name": "t1", "patch_groups": ["Db"]}, "PatchGroup")[1] == [{"Key": "tag:PatchGroup", "Values": ["Db"]}]
    assert targets.patch_group_key_of({"Targets": [{"Key": "tag:PatchGroup", "Values": ["Db"]}]}) == "PatchGroup"
    assert targets.patch_group_key_of({"Targets": [{"Key": "tag:Role", "Values": ["Db"]}]}) is None


def test_the_patch_group_key_is_the_one_the_nodes_carry():
    assert targets.choose_patch_group_key({"PatchGroup"}, None, "targets[0].patch_groups") == ("PatchGroup", None)
    assert targets.choose_patch_group_key(set(), "PatchGroup", "targets[0].patch_groups") == ("PatchGroup", None)
    assert targets.choose_patch_group_key(set(), None, "targets[0].patch_groups") == ("Patch Group", None)
    key, error = targets.choose_patch_group_key({"PatchGroup", "Patch Group"}, None, "targets[2].patch_groups")
    assert key is None and error.startswith("targets[2].patch_groups: the nodes of these groups are tagged both")


def test_targets_compare_as_aws_keeps_them():
    desired = targets.desired_target({"name": "t1", "patch_groups": ["Web", "App"]})
    current = {"Name": "t1", "ResourceType": "INSTANCE", "Targets": [{"Key": "tag:Patch Group", "Values": ["App", "Web"]}],
               "OwnerInformation": "", "Description": "", "WindowTargetId": "x", "WindowId": "mw-0123456789abcdef0"}
    assert not targets.target_differs(desired, current)
    assert targets.target_differs(dict(desired, Description="new"), current)


def test_target_errors_name_the_path():
    errors = targets.target_errors([
        {"name": "app-nodes", "patch_groups": ["g" * 257]},
        {"name": "app-nodes", "instance_ids": ["i-0123456789abcdef0"], "description": "d" * 129},
        {"name": "web-nodes", "resource_group": "web", "resource_types": ["AWS::EC2::Instance", "ec2"]},
    ])
    assert errors == [
        "targets[0].patch_groups[0] must be at most 256 characters",
        "targets[1].name app-nodes is used by another target of the list: names must be unique",
        "targets[1].description must be at most 128 characters, got 129",
        "targets[2].resource_types[1] must be a resource type such as AWS::EC2::Instance, got 'ec2'",
    ]


# Tasks

def test_a_patching_task_runs_run_patch_baseline_without_a_snapshot_id():
    desired = tasks.desired_task(patch_task(output_s3_bucket="logs", output_s3_prefix="patching", timeout_seconds=600, comment="ring"), TARGET_IDS)
    assert desired["TaskArn"] == "AWS-RunPatchBaseline" and desired["TaskType"] == "RUN_COMMAND"
    assert desired["Targets"] == [{"Key": "WindowTargetIds", "Values": [TARGET_IDS["app-nodes"]]}]
    assert desired["Priority"] == 1 and desired["CutoffBehavior"] == "CONTINUE_TASK"
    assert desired["TaskInvocationParameters"] == {"RunCommand": {
        "Parameters": {"Operation": ["Install"], "RebootOption": ["RebootIfNeeded"]},
        "OutputS3BucketName": "logs", "OutputS3KeyPrefix": "patching", "TimeoutSeconds": 600, "Comment": "ring",
    }}


def test_a_hook_switches_to_the_hooks_document():
    desired = tasks.desired_task(patch_task(pre_install_hook="Drain", on_exit_hook="Return", reboot_option="NoReboot"), TARGET_IDS)
    assert desired["TaskArn"] == "AWS-RunPatchBaselineWithHooks"
    assert desired["TaskInvocationParameters"]["RunCommand"]["Parameters"] == {
        "Operation": ["Install"], "RebootOption": ["NoReboot"], "PreInstallHookDocName": ["Drain"], "OnExitHookDocName": ["Return"]}


def test_a_notification_publishes_as_its_role_or_the_tasks():
    topic = "arn:aws:sns:us-east-1:123456789012:patching"
    role = "arn:aws:iam::123456789012:role/MaintenanceWindows"
    desired = tasks.desired_task(patch_task(service_role_arn=role, notification={"topic_arn": topic, "events": ["Failed"], "type": "Invocation"}),
                                 TARGET_IDS)
    run_command = desired["TaskInvocationParameters"]["RunCommand"]
    assert run_command["ServiceRoleArn"] == role and desired["ServiceRoleArn"] == role
    assert run_command["NotificationConfig"] == {"NotificationArn": topic, "NotificationEvents": ["Failed"], "NotificationType": "Invocation"}


def test_a_task_compares_equal_to_what_aws_answers_for_it():
    desired = tasks.desired_task(patch_task(targets=["web-nodes", "app-nodes"],
                                            notification={"topic_arn": "arn:aws:sns:us-east-1:123456789012:t", "events": ["Success", "Failed"],
                                                          "role_arn": "arn:aws:iam::123456789012:role/Sns"}), TARGET_IDS)
    answered = dict(desired, WindowId="mw-0123456789abcdef0", WindowTaskId="t-1", TaskParameters={}, Description=None,
                    Targets=[{"Key": "WindowTargetIds", "Values": sorted(TARGET_IDS.values(), reverse=True)}])
    answered["TaskInvocationParameters"] = {"RunCommand": dict(desired["TaskInvocationParameters"]["RunCommand"], Comment="")}
    answered["TaskInvocationParameters"]["RunCommand"]["NotificationConfig"] = dict(
        answered["TaskInvocationParameters"]["RunCommand"]["NotificationConfig"], NotificationEvents=["Failed", "Success"])
    assert not tasks.task_differs(desired, answered)
    assert tasks.task_differs(desired, dict(answered, MaxErrors="2"))
    assert tasks.task_differs(desired, dict(answered, Priority=0))
    assert not tasks.task_differs(dict(desired, Priority=0), dict(answered, Priority=0))
    assert tasks.normalized_task(dict(desired, Priority=0))["Priority"] == 0
    # Registered without a role, AWS answers with its service-linked role: no difference.
    linked = "arn:aws:iam::111222333444:role/aws-service-role/ssm.amazonaws.com/AWSServiceRoleForAmazonSSM"
    assert not tasks.task_differs(desired, dict(answered, ServiceRoleArn=linked))
    assert tasks.task_differs(dict(desired, ServiceRoleArn="arn:aws:iam::111222333444:role/Mine"), dict(answered, ServiceRoleArn=linked))


def test_a_registered_patching_task_reads_back_as_the_options():
    desired = tasks.desired_task(patch_task(pre_install_hook="Drain", output_s3_bucket="logs"), TARGET_IDS)
    shape = tasks.task_to_ansible(dict(desired, WindowTaskId="t-1"), dict((value, key) for key, value in TARGET_IDS.items()))
    assert shape["operation"] == "install" and shape["pre_install_hook"] == "Drain" and shape["output_s3_bucket"] == "logs"
    assert shape["targets"] == ["app-nodes"] and shape["document"] == "AWS-RunPatchBaselineWithHooks"
    other = tasks.task_to_ansible({"Name": "restart", "TaskArn": "AWS-RestartEC2Instance", "TaskType": "AUTOMATION", "Targets": []}, {})
    assert "operation" not in other and other["task_type"] == "AUTOMATION"


def test_task_errors_name_the_path():
    errors = tasks.task_errors([
        patch_task(targets=["app-nodes", "nowhere"]),
        patch_task(name="restart-web", operation=None, task_arn="a" * 1601, task_type="AUTOMATION", targets=["app-nodes"]),
        patch_task(name="logs-task", output_s3_bucket="logs", output_s3_prefix="p" * 501),
    ], {"app-nodes"})
    assert errors == [
        "tasks[0].targets[1] 'nowhere' is no target of the window (its targets: app-nodes)",
        "tasks[1].task_arn must be at most 1600 characters",
        "tasks[2].output_s3_prefix must be at most 500 characters",
    ]


def test_hook_documents_are_listed_with_their_option_path():
    assert tasks.hook_documents([patch_task(), patch_task(post_install_hook="Check")]) == [("tasks[1].post_install_hook", "Check")]


# The window

def test_only_the_options_given_and_different_change():
    current = window.window_to_ansible({"WindowId": "mw-0123456789abcdef0", "Name": "w", "Schedule": "rate(1 day)", "Duration": 2, "Cutoff": 0,
                                        "StartDate": "2026-12-01T10:00:00-08:00", "Enabled": True, "AllowUnassociatedTargets": False})
    params = {"schedule": "rate(1 day)", "duration": 3, "start_date": "2026-12-01T18:00:00Z", "enabled": True, "allow_unassociated_targets": False}
    assert window.changed_window_fields(current, params) == {"duration": 3}
    assert window.window_request({"duration": 3, "schedule_offset": 2}) == {"Duration": 3, "ScheduleOffset": 2}


def test_a_create_sends_what_the_api_requires():
    request = window.create_request({"name": "w", "schedule": "rate(1 day)", "duration": 2, "cutoff": 0, "enabled": False,
                                     "allow_unassociated_targets": False})
    assert request == {"Name": "w", "Schedule": "rate(1 day)", "Duration": 2, "Cutoff": 0, "AllowUnassociatedTargets": False}
    assert window.create_missing({"schedule": "rate(1 day)"}) == ["duration", "cutoff"]


# The plan and the diff

def test_the_plan_registers_updates_replaces_and_deregisters_by_name():
    current = [{"Name": "same", "ResourceType": "INSTANCE", "Targets": [{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}], "WindowTargetId": "1"},
               {"Name": "edit", "ResourceType": "INSTANCE", "Targets": [{"Key": "tag:Role", "Values": ["a"]}], "WindowTargetId": "2"},
               {"Name": "kind", "ResourceType": "INSTANCE", "Targets": [{"Key": "tag:Role", "Values": ["a"]}], "WindowTargetId": "3"},
               {"Name": "old", "ResourceType": "INSTANCE", "Targets": [{"Key": "tag:Role", "Values": ["a"]}], "WindowTargetId": "4"}]
    desired = [targets.desired_target({"name": "same", "instance_ids": ["i-0123456789abcdef0"]}),
               targets.desired_target({"name": "edit", "tags": {"Role": "b"}}),
               targets.desired_target({"name": "kind", "resource_group": "web"}),
               targets.desired_target({"name": "new", "tags": {"Role": "c"}})]
    kept = plan.plan_targets(desired, current, purge=False)
    assert [entry["Name"] for entry in kept["unchanged"]] == ["same"]
    assert [entry["Name"] for entry, _have in kept["update"]] == ["edit"]
    assert [entry["Name"] for entry, _have in kept["replace"]] == ["kind"]
    assert [entry["Name"] for entry in kept["register"]] == ["new"] and kept["deregister"] == []
    purged = plan.plan_targets(desired, current, purge=True)
    assert [entry["Name"] for entry in purged["deregister"]] == ["old"]
    assert plan.change_summary(purged) == {"registered": ["new", "kind"], "updated": ["edit"], "deregistered": ["old", "kind"]}
    assert not plan.has_changes(plan.plan_targets(desired[:1], current, purge=False))


def test_names_the_window_has_twice_are_an_error():
    errors = plan.shared_names([{"Name": "a", "WindowTaskId": "2"}, {"Name": "a", "WindowTaskId": "1"}, {"Name": "b", "WindowTaskId": "3"}],
                               "tasks", "WindowTaskId", "eu-west-1")
    assert errors == ["tasks: the window has 2 tasks named a in eu-west-1 (1, 2); deregister all but one (or rename them) before managing tasks by name"]


def test_the_diff_holds_only_what_differs():
    before = {"name": "w", "duration": 2, "targets": [{"name": "a", "x": 1}, {"name": "b", "x": 1}], "tasks": [{"name": "t", "y": 1}]}
    after = {"name": "w", "duration": 3, "targets": [{"name": "a", "x": 1}, {"name": "b", "x": 2}], "tasks": [{"name": "t", "y": 1}]}
    assert plan.window_diff(before, after) == {
        "before": {"duration": 2, "targets": [{"name": "b", "x": 1}]},
        "after": {"duration": 3, "targets": [{"name": "b", "x": 2}]},
    }
    assert plan.window_diff(before, before) == {"before": {}, "after": {}}


# Executions

def test_an_invocation_names_its_node_from_its_parameters():
    invocation = {"InvocationId": "e274b6e1", "Status": "SUCCESS", "WindowTargetId": "t-1",
                  "Parameters": "{\"documentName\":\"AWS-RunShellScript\",\"instanceIds\":[\"i-0000293ffd8c57862\"],\"maxConcurrency\":\"1\"}"}
    row = executions.invocation_to_ansible(invocation, {"t-1": "app-nodes"})
    assert row["instance_id"] == "i-0000293ffd8c57862" and row["target"] == "app-nodes" and row["status"] == "SUCCESS"
    assert executions.invocation_to_ansible({"Parameters": "not json"}, {})["instance_ids"] == []


def test_the_newest_executions_first():
    import datetime  # pylint: disable=import-outside-toplevel
    day = datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc)
    listed = [{"WindowExecutionId": str(index), "StartTime": day + datetime.timedelta(days=index)} for index in (2, 0, 3, 1)]
    assert [item["WindowExecutionId"] for item in executions.newest_executions(listed, 2)] == ["3", "2"]


def test_info_parameters_are_checked():
    assert executions.validate_info_parameters({"names": ["ring-prod"], "window_ids": ["mw-0123456789abcdef0"], "next_runs": 0, "executions": 100}) == []
    assert executions.validate_info_parameters({"names": [], "window_ids": ["mw-1"], "next_runs": 101}) == [
        "names is empty: name at least one, or leave the option out for every window",
        "window_ids[0] must be a maintenance window id (mw- and 17 hexadecimal digits), got 'mw-1'",
        "next_runs must be 0-100 (0 reads none), got 101",
    ]


def test_invocations_need_executions_to_read_them_from():
    assert executions.validate_info_parameters({"executions": 1, "include_invocations": True}) == []
    assert executions.validate_info_parameters({"executions": 0, "include_invocations": False}) == []
    assert executions.validate_info_parameters({"executions": 0, "include_invocations": True}) == [
        "include_invocations reads the invocations of the executions returned, and executions is 0: "
        "set executions to 1 or more, or leave include_invocations out"]


def test_a_task_whose_invocations_were_not_read_has_no_invocations_key():
    task = {"TaskExecutionId": "t-1", "TaskArn": "AWS-RunPatchBaseline", "TaskType": "RUN_COMMAND", "Status": "SUCCESS"}
    unread = executions.task_execution_to_ansible(task, None, {"AWS-RunPatchBaseline": "scan-app"})
    assert "invocations" not in unread and (unread["name"], unread["status"]) == ("scan-app", "SUCCESS")
    # Read and empty is not the same as not read.
    assert executions.task_execution_to_ansible(task, [], {})["invocations"] == []
