"""Maintenance windows that open on the sandbox clock and run their tasks (sandbox/ssm/maintenance_window_executions/):
every test freezes the clock, advances it past the window's time and reads what ran (never a sleep)."""

import datetime
import json
import zoneinfo

import pytest
from botocore.exceptions import ClientError

from sandbox.ssm.maintenance_window_executions import engine
from sandbox.tests.patch_isolation import account_client, new_account_id

UTC = datetime.timezone.utc
HOUR = 3600


@pytest.fixture
def world(frozen_clock):
    account = new_account_id()
    yield frozen_clock, account, account_client(frozen_clock, account)


@pytest.fixture
def slow_agent(sandbox):
    """Each node takes 40 simulated minutes, so a task of two nodes one at a time outlasts a one-hour cutoff."""
    sandbox.set_agent(seconds_per_node=2400)
    try:
        yield
    finally:
        sandbox.reset_agent()


def now_of(sandbox):
    return datetime.datetime.fromtimestamp(sandbox.clock()["now"], UTC)


def next_minute(sandbox, hours=1):
    """A whole minute about `hours` after the sandbox's now (a window's cron has minutes, no seconds)."""
    return (now_of(sandbox) + datetime.timedelta(hours=hours)).replace(second=0, microsecond=0)


def daily_window(ssm, at, name="Patch-Window", duration=2, cutoff=1, **extra):
    return ssm.create_maintenance_window(Name=name, Schedule=f"cron({at.minute} {at.hour} ? * * *)", Duration=duration,
                                         Cutoff=cutoff, AllowUnassociatedTargets=True, **extra)["WindowId"]


def window_target(ssm, window_id, targets, owner=None):
    extra = {"OwnerInformation": owner} if owner else {}
    return ssm.register_target_with_maintenance_window(WindowId=window_id, ResourceType="INSTANCE", Targets=targets,
                                                       **extra)["WindowTargetId"]


def shell_task(ssm, window_id, targets, commands=("echo done",), priority=1, concurrency="1", errors="1", **extra):
    return ssm.register_task_with_maintenance_window(
        WindowId=window_id, TaskType="RUN_COMMAND", TaskArn="AWS-RunShellScript", Priority=priority,
        MaxConcurrency=concurrency, MaxErrors=errors, Targets=targets,
        TaskInvocationParameters={"RunCommand": {"Parameters": {"commands": list(commands)}}}, **extra)["WindowTaskId"]


def executions(ssm, window_id, **extra):
    return ssm.describe_maintenance_window_executions(WindowId=window_id, **extra)["WindowExecutions"]


def tasks_of(ssm, execution_id, **extra):
    return ssm.describe_maintenance_window_execution_tasks(WindowExecutionId=execution_id, **extra)["WindowExecutionTaskIdentities"]


def invocations_of(ssm, execution_id, task_execution_id, **extra):
    return ssm.describe_maintenance_window_execution_task_invocations(
        WindowExecutionId=execution_id, TaskId=task_execution_id, **extra)["WindowExecutionTaskInvocationIdentities"]


def by_id(ssm, execution_id, task_ids):
    """Each task execution of the window execution, as GetMaintenanceWindowExecutionTask answers it, by its id."""
    found = {}
    for identity in tasks_of(ssm, execution_id):
        task = ssm.get_maintenance_window_execution_task(WindowExecutionId=execution_id, TaskId=identity["TaskExecutionId"])
        found[task["TaskExecutionId"]] = task
    assert len(found) == len(task_ids)
    return found


def test_a_window_whose_time_comes_scans_its_patch_group_and_compliance_shows_it(world):
    sandbox, account, ssm = world
    nodes = sandbox.seed_nodes(3, "AMAZON_LINUX_2", tags={"Patch Group": "web"}, account_id=account)
    others = sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"Patch Group": "db"}, account_id=account)
    at = next_minute(sandbox)
    window_id = daily_window(ssm, at)
    target_id = window_target(ssm, window_id, [{"Key": "tag:Patch Group", "Values": ["web"]}], owner="web-team")
    ssm.register_task_with_maintenance_window(
        WindowId=window_id, TaskType="RUN_COMMAND", TaskArn="AWS-RunPatchBaseline", Priority=1, MaxConcurrency="2",
        MaxErrors="1", Targets=[{"Key": "WindowTargetIds", "Values": [target_id]}],
        TaskInvocationParameters={"RunCommand": {"Parameters": {"Operation": ["Scan"]}}})
    sandbox.advance_clock(30 * 60)
    assert executions(ssm, window_id) == []                      # not yet its time
    sandbox.advance_clock(HOUR)

    [execution] = executions(ssm, window_id)
    execution_id = execution["WindowExecutionId"]
    assert execution["Status"] == "SUCCESS" and "StatusDetails" not in execution
    assert execution["StartTime"] == at
    [task] = tasks_of(ssm, execution_id)
    assert (task["Status"], task["TaskArn"], task["TaskType"]) == ("SUCCESS", "AWS-RunPatchBaseline", "RUN_COMMAND")
    invocations = invocations_of(ssm, execution_id, task["TaskExecutionId"])
    assert sorted(json.loads(invocation["Parameters"])["instanceIds"][0] for invocation in invocations) == sorted(nodes)
    assert {(invocation["Status"], invocation["WindowTargetId"], invocation["OwnerInformation"])
            for invocation in invocations} == {("SUCCESS", target_id, "web-team")}
    # MaxConcurrency 2: two nodes at the opening, the third when the first is done (one simulated second each).
    starts = sorted(invocation["StartTime"] for invocation in invocations)
    assert starts == [at, at, at + datetime.timedelta(seconds=1)]

    # AWS-RunPatchBaseline's Snapshot ID inside a window: "a GUID value based on the maintenance window execution ID".
    states = {state["InstanceId"]: state for state in ssm.describe_instance_patch_states(InstanceIds=nodes + others)["InstancePatchStates"]}
    assert sorted(states) == sorted(nodes)
    assert {state["SnapshotId"] for state in states.values()} == {execution_id}
    assert {state["Operation"] for state in states.values()} == {"Scan"}
    commands = {invocation["ExecutionId"]: json.loads(invocation["Parameters"])["instanceIds"][0] for invocation in invocations}
    for command_id, node_id in commands.items():
        [item, *_others] = ssm.list_compliance_items(ResourceIds=[node_id], ResourceTypes=["ManagedInstance"],
                                               Filters=[{"Key": "ComplianceType", "Values": ["Patch"]}])["ComplianceItems"]
        assert item["ExecutionSummary"]["ExecutionId"] == command_id
        listed = ssm.list_commands(CommandId=command_id)["Commands"][0]
        assert (listed["DocumentName"], listed["Parameters"]["SnapshotId"]) == ("AWS-RunPatchBaseline", [execution_id])


def test_tasks_run_by_priority_the_same_priority_in_parallel(world):
    sandbox, account, ssm = world
    nodes = sandbox.seed_nodes(2, "AMAZON_LINUX_2", account_id=account)
    at = next_minute(sandbox)
    window_id = daily_window(ssm, at)
    targets = [{"Key": "InstanceIds", "Values": nodes}]
    late = shell_task(ssm, window_id, targets, priority=5, Name="late")
    first = shell_task(ssm, window_id, targets, priority=1, Name="first-a")
    second = shell_task(ssm, window_id, targets, priority=1, Name="first-b")
    sandbox.advance_clock(2 * HOUR)
    [execution] = executions(ssm, window_id)
    tasks = by_id(ssm, execution["WindowExecutionId"], [late, first, second])
    by_priority = sorted(tasks.values(), key=lambda task: task["Priority"])
    assert [task["Priority"] for task in by_priority] == [1, 1, 5]
    assert {task["Status"] for task in by_priority} == {"SUCCESS"}
    # Priority 1's two tasks start together at the opening; each runs its two nodes one at a time (2 s);
    # priority 5 starts when both have ended.
    assert by_priority[0]["StartTime"] == by_priority[1]["StartTime"] == at
    assert by_priority[0]["EndTime"] == by_priority[1]["EndTime"] == at + datetime.timedelta(seconds=2)
    assert by_priority[2]["StartTime"] == at + datetime.timedelta(seconds=2)
    assert execution["EndTime"] == at + datetime.timedelta(seconds=4)
    ordered = [identity["TaskExecutionId"] for identity in tasks_of(ssm, execution["WindowExecutionId"])]
    assert ordered[-1] == by_priority[2]["TaskExecutionId"]


def test_max_errors_stops_a_task_and_fails_the_execution(world):
    sandbox, account, ssm = world
    nodes = sandbox.seed_nodes(3, "AMAZON_LINUX_2", account_id=account)
    at = next_minute(sandbox)
    window_id = daily_window(ssm, at)
    shell_task(ssm, window_id, [{"Key": "InstanceIds", "Values": nodes}], commands=["exit 1"], errors="0")
    sandbox.advance_clock(2 * HOUR)
    [execution] = executions(ssm, window_id)
    # describe-maintenance-window-executions.rst, Example 1: a FAILED execution's StatusDetails.
    assert (execution["Status"], execution["StatusDetails"]) == ("FAILED", "One or more tasks in the orchestration failed.")
    [task] = tasks_of(ssm, execution["WindowExecutionId"])
    assert task["Status"] == "FAILED"
    # MaxErrors 0: the first failure stops the task from being scheduled on more nodes.
    [invocation] = invocations_of(ssm, execution["WindowExecutionId"], task["TaskExecutionId"])
    assert (invocation["Status"], invocation["StatusDetails"]) == ("FAILED", "Failed")
    assert len(ssm.list_commands()["Commands"]) == 1


def test_cutoff_stops_what_has_not_started(world, slow_agent):
    sandbox, account, ssm = world
    nodes = sandbox.seed_nodes(2, "AMAZON_LINUX_2", account_id=account)
    at = next_minute(sandbox)
    window_id = daily_window(ssm, at, duration=2, cutoff=1)        # no task starts after at + 1 hour
    targets = [{"Key": "InstanceIds", "Values": nodes}]
    long_task = shell_task(ssm, window_id, targets, priority=1)      # 2 nodes x 40 minutes: ends at + 80 minutes
    never = shell_task(ssm, window_id, targets, priority=2)
    sandbox.advance_clock(HOUR + 30 * 60)
    [execution] = executions(ssm, window_id)
    assert execution["Status"] == "IN_PROGRESS"
    sandbox.advance_clock(HOUR)
    [execution] = executions(ssm, window_id)
    tasks = sorted(by_id(ssm, execution["WindowExecutionId"], [long_task, never]).values(), key=lambda task: task["Priority"])
    assert tasks[0]["Status"] == "SUCCESS"                             # CONTINUE_TASK (the default) finished
    assert tasks[0]["EndTime"] == at + datetime.timedelta(minutes=80)
    assert tasks[1]["Status"] == "CANCELLED" and "cutoff" in tasks[1]["StatusDetails"]
    assert invocations_of(ssm, execution["WindowExecutionId"], tasks[1]["TaskExecutionId"]) == []
    assert execution["Status"] == "TIMED_OUT"
    assert len(ssm.list_commands()["Commands"]) == 2                   # the priority-2 task sent nothing


def test_cancel_task_is_cancelled_at_the_cutoff_continue_task_finishes(world, slow_agent):
    sandbox, account, ssm = world
    nodes = sandbox.seed_nodes(2, "AMAZON_LINUX_2", account_id=account)
    at = next_minute(sandbox)
    window_id = daily_window(ssm, at, duration=2, cutoff=1)
    targets = [{"Key": "InstanceIds", "Values": nodes}]
    cancel = shell_task(ssm, window_id, targets, CutoffBehavior="CANCEL_TASK", Name="cancel-at-cutoff")
    carry_on = shell_task(ssm, window_id, targets, CutoffBehavior="CONTINUE_TASK", Name="continue-past-cutoff")
    sandbox.advance_clock(4 * HOUR)
    [execution] = executions(ssm, window_id)
    execution_id = execution["WindowExecutionId"]
    tasks = {task["TaskExecutionId"]: task for task in by_id(ssm, execution_id, [cancel, carry_on]).values()}
    statuses = {}
    for task_execution_id in tasks:
        invocations = sorted(invocations_of(ssm, execution_id, task_execution_id), key=lambda item: item["StartTime"])
        statuses[task_execution_id] = [invocation["Status"] for invocation in invocations]
        if tasks[task_execution_id]["Status"] == "TIMED_OUT":
            # CutoffBehavior CANCEL_TASK: "the system sends a CancelCommand operation" at the cutoff time.
            assert invocations[1]["EndTime"] == at + datetime.timedelta(hours=1)
            command = ssm.list_command_invocations(CommandId=invocations[1]["ExecutionId"])["CommandInvocations"][0]
            assert command["Status"] == "Cancelled"
    assert sorted((task["Status"], tuple(statuses[key])) for key, task in tasks.items()) == [
        ("SUCCESS", ("SUCCESS", "SUCCESS")), ("TIMED_OUT", ("SUCCESS", "CANCELLED"))]
    assert execution["Status"] == "TIMED_OUT"
    assert execution["EndTime"] == at + datetime.timedelta(minutes=80)


def test_disabled_window_never_opens(world):
    sandbox, _account, ssm = world
    at = next_minute(sandbox)
    window_id = daily_window(ssm, at)
    shell_task(ssm, window_id, [{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}])
    ssm.update_maintenance_window(WindowId=window_id, Enabled=False)
    sandbox.advance_clock(3 * 24 * HOUR)
    assert executions(ssm, window_id) == []
    ssm.update_maintenance_window(WindowId=window_id, Enabled=True)
    sandbox.advance_clock(24 * HOUR)
    assert [execution["StartTime"] for execution in executions(ssm, window_id)] == [at + datetime.timedelta(days=3)]


def test_a_task_whose_targets_name_no_node_fails_saying_so(world):
    sandbox, _account, ssm = world
    at = next_minute(sandbox)
    window_id = daily_window(ssm, at)
    target_id = window_target(ssm, window_id, [{"Key": "tag:Patch Group", "Values": ["nobody"]}])
    shell_task(ssm, window_id, [{"Key": "WindowTargetIds", "Values": [target_id]}])
    sandbox.advance_clock(2 * HOUR)
    [execution] = executions(ssm, window_id)
    [task] = tasks_of(ssm, execution["WindowExecutionId"])
    assert task["Status"] == "FAILED" and "no managed node" in task["StatusDetails"]
    assert execution["Status"] == "FAILED"


def test_each_opening_a_jump_passes_runs_and_an_overlapping_one_is_skipped(world, slow_agent):
    sandbox, account, ssm = world
    nodes = sandbox.seed_nodes(2, "AMAZON_LINUX_2", account_id=account)
    at = next_minute(sandbox)
    window_id = ssm.create_maintenance_window(Name="Hourly", Schedule=f"cron({at.minute} * ? * * *)", Duration=3,
                                              Cutoff=0, AllowUnassociatedTargets=True)["WindowId"]
    shell_task(ssm, window_id, [{"Key": "InstanceIds", "Values": nodes}])   # 80 minutes a run
    sandbox.advance_clock(3 * HOUR + 30 * 60)
    found = list(reversed(executions(ssm, window_id)))                      # newest first: oldest first here
    assert [execution["StartTime"] for execution in found] == [at + datetime.timedelta(hours=hours) for hours in range(3)]
    # The 80-minute run of the first opening was still going at the second: SKIPPED_OVERLAPPING; the
    # third opening found the window free again and runs.
    assert [execution["Status"] for execution in found] == ["SUCCESS", "SKIPPED_OVERLAPPING", "IN_PROGRESS"]
    assert found[1]["EndTime"] == found[1]["StartTime"]
    assert ssm.get_maintenance_window_execution(WindowExecutionId=found[1]["WindowExecutionId"])["TaskIds"] == []


def test_pseudo_parameters_are_replaced_in_a_run_command_task(world):
    sandbox, account, ssm = world
    [node] = sandbox.seed_nodes(1, "AMAZON_LINUX_2", account_id=account)
    at = next_minute(sandbox)
    window_id = daily_window(ssm, at)
    target_id = window_target(ssm, window_id, [{"Key": "InstanceIds", "Values": [node]}])
    task_id = shell_task(ssm, window_id, [{"Key": "WindowTargetIds", "Values": [target_id]}], commands=[
        "echo {{WINDOW_ID}} {{WINDOW_TASK_ID}} {{WINDOW_TARGET_ID}} {{WINDOW_EXECUTION_ID}}",
        "echo {{ TASK_EXECUTION_ID }} {{INVOCATION_ID}} {{TARGET_TYPE}} {{TARGET_ID}}"])
    sandbox.advance_clock(2 * HOUR)
    [execution] = executions(ssm, window_id)
    [task] = tasks_of(ssm, execution["WindowExecutionId"])
    [invocation] = invocations_of(ssm, execution["WindowExecutionId"], task["TaskExecutionId"])
    sent = json.loads(invocation["Parameters"])["parameters"]["commands"]
    # User Guide, "About pseudo parameters": TARGET_ID "isn't supported for Run Command tasks" (kept as written).
    assert sent == [f"echo {window_id} {task_id} {target_id} {execution['WindowExecutionId']}",
                    f"echo {task['TaskExecutionId']} {invocation['InvocationId']} INSTANCE {{{{TARGET_ID}}}}"]
    output = ssm.get_command_invocation(CommandId=invocation["ExecutionId"], InstanceId=node)["StandardOutputContent"]
    assert execution["WindowExecutionId"] in output


def test_other_task_types_are_recorded_failed_with_no_effect(world):
    sandbox, _account, ssm = world
    at = next_minute(sandbox)
    window_id = daily_window(ssm, at)
    ssm.register_task_with_maintenance_window(WindowId=window_id, TaskType="AUTOMATION", TaskArn="AWS-RestartEC2Instance",
                                              Priority=1, MaxConcurrency="1", MaxErrors="1",
                                              Targets=[{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}])
    sandbox.advance_clock(2 * HOUR)
    [execution] = executions(ssm, window_id)
    [task] = tasks_of(ssm, execution["WindowExecutionId"])
    assert (task["Status"], task["TaskType"]) == ("FAILED", "AUTOMATION")
    assert "RUN_COMMAND tasks only" in task["StatusDetails"]


def test_cancel_stops_tasks_not_started_and_lets_running_ones_finish(world, slow_agent):
    sandbox, account, ssm = world
    nodes = sandbox.seed_nodes(2, "AMAZON_LINUX_2", account_id=account)
    at = next_minute(sandbox)
    window_id = daily_window(ssm, at, duration=4, cutoff=1)
    targets = [{"Key": "InstanceIds", "Values": nodes}]
    running = shell_task(ssm, window_id, targets, priority=1)
    waiting = shell_task(ssm, window_id, targets, priority=2)
    sandbox.advance_clock(HOUR + 10 * 60)                       # the priority-1 task is on its first node
    [execution] = executions(ssm, window_id)
    execution_id = execution["WindowExecutionId"]
    answer = ssm.cancel_maintenance_window_execution(WindowExecutionId=execution_id)
    assert answer["WindowExecutionId"] == execution_id
    assert ssm.get_maintenance_window_execution(WindowExecutionId=execution_id)["Status"] == "CANCELLING"
    sandbox.advance_clock(2 * HOUR)
    done = ssm.get_maintenance_window_execution(WindowExecutionId=execution_id)
    assert done["Status"] == "CANCELLED"
    tasks = sorted(by_id(ssm, execution_id, [running, waiting]).values(), key=lambda task: task["Priority"])
    # "Tasks already in progress will continue to completion": both its nodes ran.
    assert tasks[0]["Status"] == "SUCCESS"
    assert [item["Status"] for item in invocations_of(ssm, execution_id, tasks[0]["TaskExecutionId"])] == ["SUCCESS"] * 2
    assert tasks[1]["Status"] == "CANCELLED"
    with pytest.raises(ClientError) as error:
        ssm.cancel_maintenance_window_execution(WindowExecutionId="8a8d1e2f-0000-4000-8000-000000000000")
    assert error.value.response["Error"]["Code"] == "DoesNotExistException"


def test_unknown_ids_answer_does_not_exist(world):
    sandbox, account, ssm = world
    [node] = sandbox.seed_nodes(1, "AMAZON_LINUX_2", account_id=account)
    at = next_minute(sandbox)
    window_id = daily_window(ssm, at)
    shell_task(ssm, window_id, [{"Key": "InstanceIds", "Values": [node]}])
    sandbox.advance_clock(2 * HOUR)
    [execution] = executions(ssm, window_id)
    [task] = tasks_of(ssm, execution["WindowExecutionId"])
    missing = "8a8d1e2f-0000-4000-8000-000000000000"
    calls = [
        lambda: ssm.get_maintenance_window_execution(WindowExecutionId=missing),
        lambda: ssm.describe_maintenance_window_execution_tasks(WindowExecutionId=missing),
        lambda: ssm.get_maintenance_window_execution_task(WindowExecutionId=execution["WindowExecutionId"], TaskId=missing),
        lambda: ssm.describe_maintenance_window_execution_task_invocations(WindowExecutionId=missing, TaskId=task["TaskExecutionId"]),
        lambda: ssm.get_maintenance_window_execution_task_invocation(
            WindowExecutionId=execution["WindowExecutionId"], TaskId=task["TaskExecutionId"], InvocationId=missing),
    ]
    for call in calls:
        with pytest.raises(ClientError) as error:
            call()
        assert error.value.response["Error"]["Code"] == "DoesNotExistException"
    # DescribeMaintenanceWindowExecutions names no DoesNotExistException in the API reference.
    assert executions(ssm, "mw-0123456789abcdef0") == []


def test_executions_page_and_filter(world):
    sandbox, account, ssm = world
    [node] = sandbox.seed_nodes(1, "AMAZON_LINUX_2", account_id=account)
    at = next_minute(sandbox)
    window_id = daily_window(ssm, at)
    shell_task(ssm, window_id, [{"Key": "InstanceIds", "Values": [node]}])
    sandbox.advance_clock(12 * 24 * HOUR)
    first = ssm.describe_maintenance_window_executions(WindowId=window_id)
    second = ssm.describe_maintenance_window_executions(WindowId=window_id, NextToken=first["NextToken"])
    assert (len(first["WindowExecutions"]), len(second["WindowExecutions"]), "NextToken" in second) == (10, 2, False)
    starts = [execution["StartTime"] for execution in first["WindowExecutions"] + second["WindowExecutions"]]
    assert starts == sorted(starts, reverse=True) == [at + datetime.timedelta(days=day) for day in range(11, -1, -1)]
    # Filters ExecutedBefore / ExecutedAfter (API reference; describe-maintenance-window-executions.rst Examples 2, 3).
    middle = (at + datetime.timedelta(days=5, hours=12)).strftime("%Y-%m-%dT%H:%M:%SZ")
    before = executions(ssm, window_id, Filters=[{"Key": "ExecutedBefore", "Values": [middle]}])
    after = executions(ssm, window_id, Filters=[{"Key": "ExecutedAfter", "Values": [middle]}], MaxResults=100)
    assert (len(before), len(after)) == (6, 6)
    assert max(item["StartTime"] for item in before) < min(item["StartTime"] for item in after)
    for bad in ([{"Key": "ExecutionStatus", "Values": ["SUCCESS"]}], [{"Key": "ExecutedAfter", "Values": ["yesterday"]}]):
        with pytest.raises(ClientError) as error:
            executions(ssm, window_id, Filters=bad)
        assert error.value.response["Error"]["Code"] == "ValidationException"
    execution_id = first["WindowExecutions"][0]["WindowExecutionId"]
    [task] = tasks_of(ssm, execution_id, Filters=[{"Key": "STATUS", "Values": ["SUCCESS", "FAILED"]}])
    assert tasks_of(ssm, execution_id, Filters=[{"Key": "STATUS", "Values": ["FAILED"]}]) == []
    assert len(invocations_of(ssm, execution_id, task["TaskExecutionId"], Filters=[{"Key": "STATUS", "Values": ["SUCCESS"]}])) == 1
    with pytest.raises(ClientError) as error:
        tasks_of(ssm, execution_id, Filters=[{"Key": "TaskArn", "Values": ["AWS-RunShellScript"]}])
    assert error.value.response["Error"]["Code"] == "ValidationException"


def test_a_window_without_tasks_has_nothing_to_execute(world):
    sandbox, _account, ssm = world
    at = next_minute(sandbox)
    window_id = daily_window(ssm, at)
    sandbox.advance_clock(2 * HOUR)
    [execution] = executions(ssm, window_id)
    # User Guide tutorial (mw-cli-tutorial-task-info.md): such an execution is SUCCESS, "No tasks to execute.".
    assert (execution["Status"], execution["StatusDetails"]) == ("SUCCESS", "No tasks to execute.")
    assert execution["StartTime"] == execution["EndTime"] == at
    assert ssm.get_maintenance_window_execution(WindowExecutionId=execution["WindowExecutionId"])["TaskIds"] == []


def test_a_command_the_service_refuses_fails_the_execution_with_its_error(world):
    sandbox, account, ssm = world
    [node] = sandbox.seed_nodes(1, "AMAZON_LINUX_2", account_id=account)
    at = next_minute(sandbox)
    window_id = daily_window(ssm, at)
    ssm.register_task_with_maintenance_window(
        WindowId=window_id, TaskType="RUN_COMMAND", TaskArn="AWS-RunShellScript", Priority=1, MaxConcurrency="1",
        MaxErrors="1", Targets=[{"Key": "InstanceIds", "Values": [node]}],
        TaskInvocationParameters={"RunCommand": {"Parameters": {"commands": ["df"], "LevelUp": ["true"]}}})
    sandbox.advance_clock(2 * HOUR)
    [execution] = executions(ssm, window_id)
    # maintenance-windows-cli-tutorials-describe.md: FAILED, "The following SSM parameters are invalid: LevelUp".
    assert execution["Status"] == "FAILED" and "LevelUp" in execution["StatusDetails"]
    [task] = tasks_of(ssm, execution["WindowExecutionId"])
    [invocation] = invocations_of(ssm, execution["WindowExecutionId"], task["TaskExecutionId"])
    assert invocation["Status"] == "FAILED" and "ExecutionId" not in invocation      # no command was sent
    assert ssm.list_commands()["Commands"] == []


def _third_tuesday_after(moment):
    day = moment.date()
    while True:
        first = day.replace(day=1)
        tuesdays = [first + datetime.timedelta(days=offset) for offset in range(31)
                    if (first + datetime.timedelta(days=offset)).month == first.month
                    and (first + datetime.timedelta(days=offset)).weekday() == 1]
        candidate = datetime.datetime.combine(tuesdays[2], datetime.time(23, 30), UTC)
        if candidate > moment:
            return candidate
        day = (first + datetime.timedelta(days=32)).replace(day=1)


def test_schedule_offset_opens_days_after_the_cron_date(clean_sandbox, frozen_clock):
    # API reference, CreateMaintenanceWindow ScheduleOffset: with cron(30 23 ? * TUE#3 *) and offset 2 the
    # window runs two days after the third Tuesday of the month, at 23:30.
    sandbox = frozen_clock
    ssm = sandbox.client("ssm")
    start = now_of(sandbox)
    third_tuesday = _third_tuesday_after(start - datetime.timedelta(days=3))
    while third_tuesday + datetime.timedelta(days=2) <= start + datetime.timedelta(hours=1):
        third_tuesday = _third_tuesday_after(third_tuesday)
    expected = third_tuesday + datetime.timedelta(days=2)              # the first opening after now
    window_id = ssm.create_maintenance_window(Name="Patch-Tuesday-plus-2", Schedule="cron(30 23 ? * TUE#3 *)",
                                              ScheduleOffset=2, Duration=3, Cutoff=1,
                                              AllowUnassociatedTargets=True)["WindowId"]
    if third_tuesday > start:
        sandbox.advance_clock((third_tuesday - now_of(sandbox)).total_seconds() + HOUR)
        assert executions(ssm, window_id) == []                       # not on the Tuesday itself
    sandbox.advance_clock((expected - now_of(sandbox)).total_seconds() + HOUR)
    assert [execution["StartTime"] for execution in executions(ssm, window_id)] == [expected]
    assert expected.weekday() == 3                                      # a Thursday


def test_time_zone_and_start_date_open_at_local_time(clean_sandbox, frozen_clock):
    # User Guide, "Maintenance window scheduling and active period options", Example 1: StartDate,
    # ScheduleTimezone America/Los_Angeles and cron(0 09 ? * WED *): the window first runs at 9 AM
    # Pacific time on the first Wednesday after the start date (the example's dates moved after the clock's now).
    sandbox = frozen_clock
    ssm = sandbox.client("ssm")
    pacific = zoneinfo.ZoneInfo("America/Los_Angeles")
    start = datetime.datetime.combine(now_of(sandbox).astimezone(pacific).date() + datetime.timedelta(days=2),
                                      datetime.time(0, 0), pacific)
    first = start + datetime.timedelta(days=(2 - start.weekday()) % 7)
    first = datetime.datetime.combine(first.date(), datetime.time(9, 0), pacific)
    window_id = ssm.create_maintenance_window(Name="My-LAX-Maintenance-Window", Schedule="cron(0 09 ? * WED *)",
                                              ScheduleTimezone="America/Los_Angeles", StartDate=start.isoformat(),
                                              Duration=3, Cutoff=1, AllowUnassociatedTargets=True)["WindowId"]
    sandbox.advance_clock((first - now_of(sandbox)).total_seconds() - 60)
    assert executions(ssm, window_id) == []
    sandbox.advance_clock(120)
    [execution] = executions(ssm, window_id)
    assert execution["StartTime"] == first.astimezone(UTC)
    assert execution["StartTime"].astimezone(pacific).strftime("%A %H:%M") == "Wednesday 09:00"


def other_client(sandbox, account, service):
    client = sandbox.client(service)
    client.meta.events.register(f"before-send.{service}",
                                lambda request, **_kwargs: request.headers.__setitem__("x-moto-account-id", account))
    return client


def test_window_targets_of_every_documented_kind_resolve_to_their_nodes(world):
    # API reference, RegisterTargetWithMaintenanceWindow Targets: instance ids, tag:, tag-key, resource-groups:Name.
    sandbox, account, ssm = world
    [by_id_node] = sandbox.seed_nodes(1, "AMAZON_LINUX_2", account_id=account)
    [tagged] = sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"Env": "prod"}, account_id=account)
    [keyed] = sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"Backup": "x"}, account_id=account)
    [grouped] = sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"Team": "web"}, account_id=account)
    sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"Env": "dev"}, account_id=account)      # in no target
    other_client(sandbox, account, "resource-groups").create_group(Name="WebServers", ResourceQuery={
        "Type": "TAG_FILTERS_1_0",
        "Query": json.dumps({"ResourceTypeFilters": ["AWS::EC2::Instance"], "TagFilters": [{"Key": "Team", "Values": ["web"]}]})})
    at = next_minute(sandbox)
    window_id = daily_window(ssm, at)
    target_ids = {
        window_target(ssm, window_id, [{"Key": "InstanceIds", "Values": [by_id_node]}]): by_id_node,
        window_target(ssm, window_id, [{"Key": "tag:Env", "Values": ["prod"]}]): tagged,
        window_target(ssm, window_id, [{"Key": "tag-key", "Values": ["Backup"]}]): keyed,
        ssm.register_target_with_maintenance_window(
            WindowId=window_id, ResourceType="RESOURCE_GROUP",
            Targets=[{"Key": "resource-groups:Name", "Values": ["WebServers"]},
                     {"Key": "resource-groups:ResourceTypeFilters", "Values": ["AWS::EC2::Instance"]}])["WindowTargetId"]: grouped,
    }
    shell_task(ssm, window_id, [{"Key": "WindowTargetIds", "Values": list(target_ids)}], concurrency="10",
               commands=["echo {{TARGET_TYPE}}"])
    sandbox.advance_clock(2 * HOUR)
    [execution] = executions(ssm, window_id)
    [task] = tasks_of(ssm, execution["WindowExecutionId"])
    invocations = invocations_of(ssm, execution["WindowExecutionId"], task["TaskExecutionId"])
    ran = {invocation["WindowTargetId"]: json.loads(invocation["Parameters"]) for invocation in invocations}
    assert {target_id: sent["instanceIds"][0] for target_id, sent in ran.items()} == target_ids
    types = {target_ids[target_id]: sent["parameters"]["commands"][0] for target_id, sent in ran.items()}
    assert types[grouped] == "echo RESOURCE_GROUP" and types[tagged] == "echo INSTANCE"
    assert {invocation["Status"] for invocation in invocations} == {"SUCCESS"}


def test_run_command_parameters_are_the_commands(world):
    sandbox, account, ssm = world
    [node] = sandbox.seed_nodes(1, "AMAZON_LINUX_2", account_id=account)
    bucket = f"window-logs-{account}"
    other_client(sandbox, account, "s3").create_bucket(Bucket=bucket)
    at = next_minute(sandbox)
    window_id = daily_window(ssm, at)
    role = f"arn:aws:iam::{account}:role/MaintenanceWindowRole"
    topic = f"arn:aws:sns:us-east-1:{account}:patching"
    ssm.register_task_with_maintenance_window(
        WindowId=window_id, TaskType="RUN_COMMAND", TaskArn="AWS-RunShellScript", Priority=1, MaxConcurrency="5",
        MaxErrors="2", Targets=[{"Key": "InstanceIds", "Values": [node]}],
        TaskInvocationParameters={"RunCommand": {
            "Parameters": {"commands": ["echo logged"]}, "Comment": "window {{WINDOW_ID}}", "DocumentVersion": "1",
            "OutputS3BucketName": bucket, "OutputS3KeyPrefix": "runs/{{WINDOW_EXECUTION_ID}}", "TimeoutSeconds": 900,
            "ServiceRoleArn": role, "NotificationConfig": {"NotificationArn": topic, "NotificationEvents": ["Failed"],
                                                           "NotificationType": "Command"},
            "CloudWatchOutputConfig": {"CloudWatchLogGroupName": "window-logs", "CloudWatchOutputEnabled": True}}})
    sandbox.advance_clock(2 * HOUR)
    [execution] = executions(ssm, window_id)
    execution_id = execution["WindowExecutionId"]
    [task] = tasks_of(ssm, execution_id)
    [invocation] = invocations_of(ssm, execution_id, task["TaskExecutionId"])
    [command] = ssm.list_commands(CommandId=invocation["ExecutionId"])["Commands"]
    assert (command["Comment"], command["DocumentVersion"], command["TimeoutSeconds"]) == (f"window {window_id}", "1", 900)
    assert (command["MaxConcurrency"], command["MaxErrors"], command["InstanceIds"]) == ("5", "2", [node])
    assert (command["OutputS3BucketName"], command["OutputS3KeyPrefix"]) == (bucket, f"runs/{execution_id}")
    assert command["ServiceRole"] == role and command["NotificationConfig"]["NotificationArn"] == topic
    assert command["CloudWatchOutputConfig"] == {"CloudWatchLogGroupName": "window-logs", "CloudWatchOutputEnabled": True}
    keys = [item["Key"] for item in other_client(sandbox, account, "s3").list_objects_v2(Bucket=bucket)["Contents"]]
    assert f"runs/{execution_id}/{command['CommandId']}/{node}/awsrunShellScript/0.awsrunShellScript/stdout" in keys


def test_the_snapshot_id_rule_applies_to_the_patching_documents_only():

    execution_id = "0f3c5a9e-1b2d-4e6f-8a7b-9c0d1e2f3a4b"
    mine = "11111111-2222-3333-4444-555555555555"
    assert engine.window_snapshot_id("AWS-RunPatchBaseline", {"Operation": ["Scan"]}, execution_id)["SnapshotId"] == [execution_id]
    assert engine.window_snapshot_id("AWS-RunPatchBaselineWithHooks", {"SnapshotId": [""]}, execution_id)["SnapshotId"] == [execution_id]
    assert engine.window_snapshot_id("AWS-RunPatchBaseline", {"SnapshotId": ["{{ aws:ORCHESTRATION_ID }}"]},
                               execution_id)["SnapshotId"] == [execution_id]
    # A caller's own GUID is kept (the User Guide advises against it, but it is the caller's).
    assert engine.window_snapshot_id("AWS-RunPatchBaseline", {"SnapshotId": [mine]}, execution_id)["SnapshotId"] == [mine]
    assert engine.window_snapshot_id("AWS-RunShellScript", {"commands": ["df"]}, execution_id) == {"commands": ["df"]}


def test_pseudo_parameter_substitution_is_whole_placeholder_only():

    values = {"WINDOW_ID": "mw-0123456789abcdef0", "WINDOW_TASK_ID": "t", "WINDOW_TARGET_ID": "", "WINDOW_EXECUTION_ID": "e",
              "TASK_EXECUTION_ID": "x", "INVOCATION_ID": "i", "TARGET_TYPE": "INSTANCE"}
    given = {"a": ["{{WINDOW_ID}}/{{ WINDOW_EXECUTION_ID }}", "{{RESOURCE_ID}} {{TARGET_ID}} {WINDOW_ID} {{window_id}}"],
             "Comment": "{{TARGET_TYPE}}", "TimeoutSeconds": 600}
    assert engine.substitute_pseudo_parameters(given, values) == {
        "a": ["mw-0123456789abcdef0/e", "{{RESOURCE_ID}} {{TARGET_ID}} {WINDOW_ID} {{window_id}}"],
        "Comment": "INSTANCE", "TimeoutSeconds": 600}
