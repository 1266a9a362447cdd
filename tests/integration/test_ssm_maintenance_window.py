"""ssm_maintenance_window against the sandbox, in-process (tests/integration/in_process.py): the window, its
targets and its tasks through create, check mode, idempotency, update of each part, purge and absent,
with the sandbox's call log as the proof of what was (and was not) written."""

import datetime
import time

import pytest

# The suite's in-process runner (tests/integration/in_process.py): the module exactly as Ansible runs it, in this process.
from tests.integration.in_process import run_in_process

MODULE = "ssm_maintenance_window"
WINDOW = "patch-app-prod"
TARGET_CALLS = ("RegisterTargetWithMaintenanceWindow", "UpdateMaintenanceWindowTarget", "DeregisterTargetFromMaintenanceWindow")
TASK_CALLS = ("RegisterTaskWithMaintenanceWindow", "UpdateMaintenanceWindowTask", "DeregisterTaskFromMaintenanceWindow")


@pytest.fixture
def in_process(clean_sandbox, monkeypatch):
    for name, value in clean_sandbox.environment().items():
        monkeypatch.setenv(name, value)
    return clean_sandbox


@pytest.fixture
def app_nodes(in_process):
    """Two nodes in the App patch group, tagged the console's way (Patch Group)."""
    return in_process.seed_nodes(2, "AMAZON_LINUX_2", tags={"Patch Group": "App"})


def run(sandbox, check_mode=False, **args):
    sandbox.clear_calls()
    result = run_in_process(MODULE, args, check_mode)
    assert "uncaught" not in result, result
    return result


def mutating(sandbox):
    return [call["operation"] for call in sandbox.mutating_calls()]


def window_args(**extra):
    args = {
        "name": WINDOW,
        "schedule": "cron(0 2 ? * TUE#2 *)",
        "schedule_timezone": "America/Chicago",
        "schedule_offset": 3,
        "duration": 4,
        "cutoff": 1,
        "tags": {"Ring": "prod"},
        "targets": [{"name": "app-nodes", "patch_groups": ["App"]}],
        "tasks": [{
            "name": "install-app", "targets": ["app-nodes"], "operation": "install", "max_concurrency": "10%",
            "max_errors": "1", "output_s3_bucket": "ssm-command-logs", "cutoff_behavior": "CANCEL_TASK",
        }],
    }
    args.update(extra)
    return args


def registered(sandbox, window_id):
    ssm = sandbox.client("ssm")
    targets = ssm.describe_maintenance_window_targets(WindowId=window_id)["Targets"]
    tasks = [ssm.get_maintenance_window_task(WindowId=window_id, WindowTaskId=task["WindowTaskId"])
             for task in ssm.describe_maintenance_window_tasks(WindowId=window_id)["Tasks"]]
    return targets, tasks


def test_create_check_mode_idempotent_and_absent(in_process, app_nodes):
    sandbox = in_process
    predicted = run(sandbox, check_mode=True, **window_args())
    assert predicted["changed"] and not predicted.get("failed"), predicted
    assert mutating(sandbox) == []
    assert predicted["window"]["window_id"] is None
    assert [target["name"] for target in predicted["window"]["targets"]] == ["app-nodes"]
    assert predicted["window"]["tasks"][0]["operation"] == "install"
    assert predicted["changes"]["tasks"]["registered"] == ["install-app"]

    created = run(sandbox, **window_args())
    assert created["changed"] and not created.get("failed"), created
    assert mutating(sandbox) == ["CreateMaintenanceWindow", "RegisterTargetWithMaintenanceWindow", "RegisterTaskWithMaintenanceWindow"]
    window = created["window"]
    assert window["window_id"].startswith("mw-")
    assert window["schedule_offset"] == 3 and window["schedule_timezone"] == "America/Chicago"
    assert window["next_execution_time"]
    assert window["tags"] == {"Ring": "prod"}
    assert window["targets"][0]["patch_groups"] == ["App"]
    assert window["targets"][0]["targets"] == [{"key": "tag:Patch Group", "values": ["App"]}]
    task = window["tasks"][0]
    assert task["targets"] == ["app-nodes"] and task["window_target_ids"] == [window["targets"][0]["window_target_id"]]
    assert task["task_arn"] == "AWS-RunPatchBaseline" and task["cutoff_behavior"] == "CANCEL_TASK"
    run_command = task["task_invocation_parameters"]["RunCommand"]
    # No SnapshotId: the window's execution supplies one.
    assert run_command["Parameters"] == {"Operation": ["Install"], "RebootOption": ["RebootIfNeeded"]}
    assert run_command["OutputS3BucketName"] == "ssm-command-logs"

    for check_mode in (True, False):
        again = run(sandbox, check_mode=check_mode, **window_args())
        assert not again["changed"], again
        assert mutating(sandbox) == []
        assert again["diff"] == {"before": {}, "after": {}}
        assert again["window"]["window_id"] == window["window_id"]

    for check_mode in (True, False):
        gone = run(sandbox, check_mode=check_mode, name=WINDOW, state="absent")
        assert gone["changed"] and gone["window"] == {}
        assert gone["changes"]["tasks"]["deregistered"] == ["install-app"]
        assert mutating(sandbox) == ([] if check_mode else ["DeleteMaintenanceWindow"])
    assert sandbox.client("ssm").describe_maintenance_windows()["WindowIdentities"] == []
    assert not run(sandbox, name=WINDOW, state="absent")["changed"]
    assert mutating(sandbox) == []


def test_update_each_part_sends_only_what_differs(in_process, app_nodes):
    sandbox = in_process
    window_id = run(sandbox, **window_args())["window"]["window_id"]

    # The window: one option differs, one UpdateMaintenanceWindow naming it only.
    preview = run(sandbox, check_mode=True, name=WINDOW, duration=5)
    assert preview["changed"] and preview["window"]["duration"] == 5
    assert preview["diff"]["before"] == {"duration": 4} and preview["diff"]["after"] == {"duration": 5}
    assert mutating(sandbox) == []
    updated = run(sandbox, name=WINDOW, duration=5)
    assert updated["changed"] and updated["window"]["duration"] == 5 and updated["changes"]["window"] == ["Duration"]
    updates = sandbox.calls(service="ssm", operation="UpdateMaintenanceWindow")
    assert [set(call["parameters"]) - {"WindowId"} for call in updates] == [{"Duration"}]
    # The targets and tasks, left out, are left as they are.
    assert len(updated["window"]["targets"]) == 1 and len(updated["window"]["tasks"]) == 1

    # A task: another reboot option updates that task only, in place.
    args = window_args(duration=5)
    args["tasks"][0]["reboot_option"] = "NoReboot"
    result = run(sandbox, **args)
    assert result["changed"] and result["changes"]["tasks"]["updated"] == ["install-app"]
    assert mutating(sandbox) == ["UpdateMaintenanceWindowTask"]
    assert result["window"]["tasks"][0]["reboot_option"] == "NoReboot"
    assert not run(sandbox, **args)["changed"]

    # A target: another group updates the target only.
    sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"Patch Group": "Web"})
    args["targets"][0]["patch_groups"] = ["App", "Web"]
    result = run(sandbox, **args)
    assert result["changed"] and mutating(sandbox) == ["UpdateMaintenanceWindowTarget"]
    assert sorted(result["window"]["targets"][0]["patch_groups"]) == ["App", "Web"]
    # The order of a list AWS treats as a set does not matter.
    args["targets"][0]["patch_groups"] = ["Web", "App"]
    assert not run(sandbox, **args)["changed"]

    # Tags: purge_tags removes what is not named.
    args["tags"] = {"Ring": "prod", "Owner": "ops"}
    result = run(sandbox, **args)
    assert result["changed"] and mutating(sandbox) == ["AddTagsToResource"] and result["changes"]["window"] == ["Tags"]
    args["tags"] = {"Owner": "ops"}
    result = run(sandbox, **args)
    assert mutating(sandbox) == ["RemoveTagsFromResource"] and result["window"]["tags"] == {"Owner": "ops"}

    targets, tasks = registered(sandbox, window_id)
    assert len(targets) == 1 and len(tasks) == 1


def test_purge_targets_and_tasks(in_process, app_nodes):
    sandbox = in_process
    args = window_args()
    args["targets"].append({"name": "pinned", "instance_ids": [app_nodes[0]]})
    args["tasks"].append({"name": "scan-pinned", "targets": ["pinned"], "operation": "scan", "priority": 0,
                          "max_concurrency": "1", "max_errors": "0"})
    window_id = run(sandbox, **args)["window"]["window_id"]
    assert [len(part) for part in registered(sandbox, window_id)] == [2, 2]

    # Declared no more, without purge: kept.
    kept = run(sandbox, **window_args())
    assert not kept["changed"] and mutating(sandbox) == []
    assert len(kept["window"]["targets"]) == 2

    # With purge: the task first, then the target it ran on.
    purged = run(sandbox, **window_args(purge_targets=True, purge_tasks=True))
    assert purged["changed"]
    assert mutating(sandbox) == ["DeregisterTaskFromMaintenanceWindow", "DeregisterTargetFromMaintenanceWindow"]
    assert purged["changes"]["targets"]["deregistered"] == ["pinned"]
    assert purged["changes"]["tasks"]["deregistered"] == ["scan-pinned"]
    assert [target["name"] for target in purged["window"]["targets"]] == ["app-nodes"]
    assert [len(part) for part in registered(sandbox, window_id)] == [1, 1]


def test_a_task_may_name_a_registered_target_it_keeps(in_process, app_nodes):
    sandbox = in_process
    run(sandbox, **window_args())
    result = run(sandbox, name=WINDOW, tasks=[{"name": "scan", "targets": ["app-nodes"], "operation": "scan",
                                               "max_concurrency": "100%", "max_errors": "100%"}])
    assert result["changed"] and mutating(sandbox) == ["RegisterTaskWithMaintenanceWindow"]
    assert sorted(task["name"] for task in result["window"]["tasks"]) == ["install-app", "scan"]


def test_patch_groups_use_the_tag_key_the_nodes_carry(in_process):
    sandbox = in_process
    sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"PatchGroup": "Db"})
    args = window_args(targets=[{"name": "db-nodes", "patch_groups": ["Db"]}],
                       tasks=[{"name": "scan", "targets": ["db-nodes"], "operation": "scan", "max_concurrency": "1", "max_errors": "0"}])
    result = run(sandbox, **args)
    assert not result.get("failed"), result
    assert result["window"]["targets"][0]["targets"] == [{"key": "tag:PatchGroup", "values": ["Db"]}]
    sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"Patch Group": "Db"})
    both = run(sandbox, **args)
    assert both["failed"] and "targets[0].patch_groups" in both["msg"] and mutating(sandbox) == []


def test_a_task_type_change_replaces_the_task(in_process, app_nodes):
    sandbox = in_process
    run(sandbox, **window_args())
    args = window_args()
    args["tasks"] = [{"name": "install-app", "targets": ["app-nodes"], "task_arn": "AWS-RestartEC2Instance", "task_type": "AUTOMATION",
                      "task_invocation_parameters": {"Automation": {"DocumentVersion": "$LATEST", "Parameters": {"InstanceId": ["{{RESOURCE_ID}}"]}}},
                      "max_concurrency": "1", "max_errors": "1"}]
    result = run(sandbox, **args)
    assert result["changed"], result
    assert mutating(sandbox) == ["RegisterTaskWithMaintenanceWindow", "DeregisterTaskFromMaintenanceWindow"]
    assert [task["task_type"] for task in result["window"]["tasks"]] == ["AUTOMATION"]
    assert not run(sandbox, **args)["changed"]


def test_a_disabled_window_is_created_then_disabled(in_process, app_nodes):
    sandbox = in_process
    result = run(sandbox, **window_args(enabled=False))
    assert result["window"]["enabled"] is False
    assert mutating(sandbox)[:2] == ["CreateMaintenanceWindow", "UpdateMaintenanceWindow"]
    assert not run(sandbox, **window_args(enabled=False))["changed"]


def test_two_windows_sharing_a_name_need_window_id(in_process):
    sandbox = in_process
    ssm = sandbox.client("ssm")
    ids = [ssm.create_maintenance_window(Name="twin", Schedule="rate(1 day)", Duration=2, Cutoff=0, AllowUnassociatedTargets=False)["WindowId"]
           for _index in range(2)]
    shared = run(sandbox, name="twin", duration=3)
    assert shared["failed"] and all(window_id in shared["msg"] for window_id in ids) and "window_id" in shared["msg"]
    chosen = run(sandbox, name="twin", window_id=ids[1], duration=3)
    assert chosen["changed"] and chosen["window"]["window_id"] == ids[1]
    assert mutating(sandbox) == ["UpdateMaintenanceWindow"]


def info(sandbox, **args):
    sandbox.clear_calls()
    result = run_in_process("ssm_maintenance_window_info", args)
    assert "uncaught" not in result, result
    return result


def test_info_reads_windows_targets_tasks_and_next_runs(in_process, app_nodes):
    sandbox = in_process
    created = run(sandbox, **window_args())["window"]
    run(sandbox, name="web-daily", schedule="rate(1 day)", duration=2, cutoff=0)
    everything = info(sandbox, executions=0)
    assert not everything.get("failed"), everything
    assert [window["name"] for window in everything["windows"]] == [WINDOW, "web-daily"]
    assert mutating(sandbox) == []
    window = everything["windows"][0]
    assert window["window_id"] == created["window_id"]
    assert window["targets"] == created["targets"] and window["tasks"] == created["tasks"]
    assert len(window["next_runs"]) == 5 and window["next_runs"][0]["execution_time"]
    assert window["executions"] == []
    schedule_calls = sandbox.calls(service="ssm", operation="DescribeMaintenanceWindowSchedule")
    assert [call["parameters"]["MaxResults"] for call in schedule_calls] == [5, 5]

    one = info(sandbox, names=[WINDOW], next_runs=2, executions=0)
    assert [window["name"] for window in one["windows"]] == [WINDOW] and len(one["windows"][0]["next_runs"]) == 2
    by_id = info(sandbox, window_ids=[created["window_id"]], next_runs=0, executions=0)
    assert by_id["windows"][0]["next_runs"] == []
    assert "DescribeMaintenanceWindowSchedule" not in sandbox.operations(service="ssm")


def test_info_warns_of_what_it_did_not_find(in_process):
    sandbox = in_process
    run(sandbox, name="web-daily", schedule="rate(1 day)", duration=2, cutoff=0)
    result = info(sandbox, names=["nowhere", "web-daily"], window_ids=["mw-0123456789abcdef0"], executions=0)
    assert not result.get("failed") and [window["name"] for window in result["windows"]] == ["web-daily"]
    assert [warning["event"]["msg"] for warning in result["warnings"]] == ["names: no maintenance window is named nowhere in us-east-1",
                                                                           "window_ids: no maintenance window mw-0123456789abcdef0 in us-east-1"]


@pytest.fixture
def frozen(clean_sandbox, frozen_clock, monkeypatch):
    """The clean sandbox on a frozen clock (clean first: a reset follows the wall clock again)."""
    for name, value in frozen_clock.environment().items():
        monkeypatch.setenv(name, value)
    return frozen_clock


def test_a_window_the_module_made_scans_its_patch_group_when_its_time_comes(frozen):
    sandbox = frozen
    nodes = sandbox.seed_nodes(3, "AMAZON_LINUX_2", tags={"Patch Group": "App"})
    others = sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"Patch Group": "Web"})
    now = datetime.datetime.fromtimestamp(sandbox.clock()["now"], datetime.timezone.utc)
    at = (now + datetime.timedelta(hours=1)).replace(second=0, microsecond=0)
    created = run(sandbox, name="scan-app", schedule=f"cron({at.minute} {at.hour} ? * * *)", duration=2, cutoff=1,
                  targets=[{"name": "app-nodes", "patch_groups": ["App"], "owner_information": "app-team"}],
                  tasks=[{"name": "scan-app", "targets": ["app-nodes"], "operation": "scan", "max_concurrency": "2", "max_errors": "1"}])
    assert created["changed"] and not created.get("failed"), created
    window_id = created["window"]["window_id"]

    before = info(sandbox, names=["scan-app"], next_runs=1)
    assert before["windows"][0]["executions"] == []
    assert before["windows"][0]["next_runs"][0]["execution_time"].startswith(at.strftime("%Y-%m-%dT%H:%M"))

    sandbox.advance_clock(90 * 60)

    compliance = run_in_process("ssm_patch_compliance_info", {"patch_groups": ["App"], "instances": True})
    assert not compliance.get("failed"), compliance
    rows = dict((row["instance_id"], row) for row in compliance["instances"])
    assert sorted(rows) == sorted(nodes)
    assert all(row["last_operation"] == "Scan" for row in rows.values()), rows
    states = sandbox.client("ssm").describe_instance_patch_states(InstanceIds=nodes + others)["InstancePatchStates"]
    assert sorted(state["InstanceId"] for state in states) == sorted(nodes)

    after = info(sandbox, window_ids=[window_id], next_runs=0, executions=5, include_invocations=True)
    assert not after.get("failed"), after
    [execution] = after["windows"][0]["executions"]
    assert execution["status"] == "SUCCESS"
    [task] = execution["tasks"]
    assert (task["name"], task["task_arn"], task["status"]) == ("scan-app", "AWS-RunPatchBaseline", "SUCCESS")
    assert sorted(invocation["instance_id"] for invocation in task["invocations"]) == sorted(nodes)
    assert {(invocation["status"], invocation["target"], invocation["owner_information"]) for invocation in task["invocations"]} == {
        ("SUCCESS", "app-nodes", "app-team")}
    # The window's snapshot: every node evaluated the execution's (AWS-RunPatchBaseline in a window).
    assert {state["SnapshotId"] for state in states} == {execution["window_execution_id"]}
    # One listing of the executions, one of its tasks, one of the task's invocations.
    per_node = ("DescribeMaintenanceWindowExecutions", "DescribeMaintenanceWindowExecutionTasks", "DescribeMaintenanceWindowExecutionTaskInvocations")
    assert [len(sandbox.calls(service="ssm", operation=operation)) for operation in per_node] == [1, 1, 1]

    # By default the invocations are not read: the same execution and task, no invocation listing.
    summary = info(sandbox, window_ids=[window_id], next_runs=0, executions=5)
    [brief] = summary["windows"][0]["executions"]
    assert dict(brief, tasks=None) == dict(execution, tasks=None)
    assert brief["tasks"] == [dict((key, value) for key, value in task.items() if key != "invocations")]
    assert [len(sandbox.calls(service="ssm", operation=operation)) for operation in per_node] == [1, 1, 0]


def test_converges_with_30_percent_throttling(in_process, app_nodes, monkeypatch):
    sandbox = in_process
    # The back-off sleeps of the retries are recorded, not slept: the test counts, never waits.
    slept = []
    monkeypatch.setattr(time, "sleep", slept.append)
    sandbox.set_fault("ssm", "*", throttle_rate=0.3, seed=20261201)
    try:
        created = run(sandbox, **window_args())
        again = run(sandbox, **window_args())
        args = window_args(duration=5)
        args["tasks"][0]["reboot_option"] = "NoReboot"
        updated = run(sandbox, **args)
        gone = run(sandbox, name=WINDOW, state="absent")
        throttled = [call for call in sandbox.calls(service="ssm") if call.get("error_code") == "ThrottlingException"]
    finally:
        sandbox.clear_faults()
    assert created["changed"] and not created.get("failed"), created
    assert not again["changed"] and not again.get("failed"), again
    assert updated["changed"] and updated["window"]["tasks"][0]["reboot_option"] == "NoReboot", updated
    assert gone["changed"] and not gone.get("failed")
    assert throttled and slept
    assert sandbox.client("ssm").describe_maintenance_windows()["WindowIdentities"] == []


def test_checks_against_the_window_as_it_is_write_nothing(in_process, app_nodes):
    sandbox = in_process
    run(sandbox, **window_args())
    for args, error in (
        ({"cutoff": 4}, "cutoff (4 hours) must be less than duration (4 hours)"),
        ({"schedule": "rate(7 days)"}, "cannot keep the window's schedule_offset (3 days)"),
        ({"tasks": [{"name": "scan", "targets": ["web-nodes"], "operation": "scan", "max_concurrency": "1", "max_errors": "0"}]},
         "tasks[0].targets[0] 'web-nodes' is no target of the window (its targets: app-nodes)"),
        ({"purge_targets": True, "targets": [{"name": "web-nodes", "patch_groups": ["Web"]}],
          "tasks": [{"name": "scan", "targets": ["app-nodes"], "operation": "scan", "max_concurrency": "1", "max_errors": "0"}]},
         "tasks[0].targets[0] 'app-nodes' is no target of the window (its targets: web-nodes)"),
    ):
        result = run(sandbox, name=WINDOW, **args)
        assert result["failed"] and error in result["msg"], result
        assert mutating(sandbox) == []


def test_tag_resource_group_and_id_targets_are_idempotent(in_process, app_nodes):
    sandbox = in_process
    args = window_args(targets=[
        {"name": "web-role", "tags": {"Role": ["web", "api"], "Env": "prod"}, "owner_information": "web-team", "description": "Web and API"},
        {"name": "web-group", "resource_group": "web-servers", "resource_types": ["AWS::EC2::Instance"]},
        {"name": "pinned", "instance_ids": list(app_nodes)},
    ], tasks=[{"name": "scan-all", "targets": ["web-role", "web-group", "pinned"], "operation": "scan", "max_concurrency": "50%", "max_errors": "10%"}])
    created = run(sandbox, **args)
    assert created["changed"] and not created.get("failed"), created
    shapes = dict((target["name"], target) for target in created["window"]["targets"])
    assert shapes["web-role"]["tags"] == {"Role": ["web", "api"], "Env": "prod"} and shapes["web-role"]["owner_information"] == "web-team"
    assert shapes["web-group"]["resource_type"] == "RESOURCE_GROUP" and shapes["web-group"]["resource_types"] == ["AWS::EC2::Instance"]
    assert sorted(shapes["pinned"]["instance_ids"]) == sorted(app_nodes)
    assert sorted(created["window"]["tasks"][0]["targets"]) == ["pinned", "web-group", "web-role"]
    args["targets"][2]["instance_ids"] = list(reversed(app_nodes))
    args["tasks"][0]["targets"] = ["pinned", "web-role", "web-group"]
    again = run(sandbox, **args)
    assert not again["changed"] and mutating(sandbox) == []


def test_a_target_whose_kind_changes_is_replaced_after_its_tasks_move(in_process, app_nodes):
    sandbox = in_process
    old_id = run(sandbox, **window_args())["window"]["targets"][0]["window_target_id"]
    args = window_args(targets=[{"name": "app-nodes", "resource_group": "app-servers"}])
    result = run(sandbox, **args)
    assert result["changed"], result
    # The new target first, the task moved to it, and only then the old one deregistered.
    assert mutating(sandbox) == ["RegisterTargetWithMaintenanceWindow", "UpdateMaintenanceWindowTask", "DeregisterTargetFromMaintenanceWindow"]
    [target] = result["window"]["targets"]
    assert target["window_target_id"] != old_id and target["resource_type"] == "RESOURCE_GROUP"
    assert result["window"]["tasks"][0]["window_target_ids"] == [target["window_target_id"]]
    assert result["changes"]["targets"] == {"registered": ["app-nodes"], "updated": [], "deregistered": ["app-nodes"]}
    assert not run(sandbox, **args)["changed"]


def test_a_denied_write_after_the_create_names_the_window_and_the_change(in_process, app_nodes):
    sandbox = in_process
    sandbox.set_fault("ssm", "RegisterTaskWithMaintenanceWindow", access_denied_rate=1.0)
    try:
        failed = run(sandbox, **window_args())
    finally:
        sandbox.clear_faults()
    assert failed["failed"] and failed["changed"] and failed["window_id"].startswith("mw-"), failed
    assert f"maintenance window {failed['window_id']} in us-east-1 was changed in part" in failed["msg"]
    # The second run finds the window by name and finishes it.
    finished = run(sandbox, **window_args())
    assert finished["changed"] and mutating(sandbox) == ["RegisterTaskWithMaintenanceWindow"]
    assert finished["window"]["window_id"] == failed["window_id"]


def test_a_denied_first_write_fails_without_claiming_a_change(in_process, app_nodes):
    sandbox = in_process
    run(sandbox, **window_args())
    sandbox.set_fault("ssm", "UpdateMaintenanceWindowTask", access_denied_rate=1.0)
    try:
        args = window_args()
        args["tasks"][0]["reboot_option"] = "NoReboot"
        failed = run(sandbox, **args)
    finally:
        sandbox.clear_faults()
    assert failed["failed"] and not failed.get("changed") and "window_id" not in failed, failed


def test_a_cancel_task_window_task_is_cancelled_at_the_cutoff_and_the_info_says_which_node(frozen):
    sandbox = frozen
    nodes = sandbox.seed_nodes(2, "AMAZON_LINUX_2", tags={"Patch Group": "App"})
    # Each node takes 40 simulated minutes: one at a time, the second is still running at the one-hour cutoff.
    sandbox.set_agent(seconds_per_node=2400)
    try:
        now = datetime.datetime.fromtimestamp(sandbox.clock()["now"], datetime.timezone.utc)
        at = (now + datetime.timedelta(hours=1)).replace(second=0, microsecond=0)
        created = run(sandbox, name="install-app", schedule=f"cron({at.minute} {at.hour} ? * * *)", duration=2, cutoff=1,
                      targets=[{"name": "app-nodes", "patch_groups": ["App"]}],
                      tasks=[{"name": "install-app", "targets": ["app-nodes"], "operation": "install", "max_concurrency": "1",
                              "max_errors": "1", "cutoff_behavior": "CANCEL_TASK"}])
        assert not created.get("failed"), created
        sandbox.advance_clock(4 * 3600)
        result = info(sandbox, names=["install-app"], next_runs=0, executions=1, include_invocations=True)
    finally:
        sandbox.reset_agent()
    [execution] = result["windows"][0]["executions"]
    [task] = execution["tasks"]
    assert (execution["status"], task["status"]) == ("TIMED_OUT", "TIMED_OUT"), execution
    assert sorted(invocation["status"] for invocation in task["invocations"]) == ["CANCELLED", "SUCCESS"]
    assert sorted(invocation["instance_id"] for invocation in task["invocations"]) == sorted(nodes)
