"""DescribeMaintenanceWindowTasks in AWS's shape (`Type`, no invocation parameters) and pages; when
windows run (NextExecutionTime, the schedule, the windows for a target) on the sandbox clock."""

import datetime
import itertools
import types

import pytest
from botocore.exceptions import ClientError

from sandbox.ssm import maintenance_window_schedule as window_schedule


def _window_with_tasks(ssm, count):
    window_id = ssm.create_maintenance_window(Name="Sunday-patching", Schedule="cron(0 2 ? * SUN *)", Duration=3,
                                              Cutoff=1, AllowUnassociatedTargets=True)["WindowId"]
    task_ids = [
        ssm.register_task_with_maintenance_window(
            WindowId=window_id, TaskType="RUN_COMMAND", TaskArn="AWS-RunPatchBaseline", Name=f"Install-{number}",
            Targets=[{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}], MaxConcurrency="10%", MaxErrors="1",
            TaskInvocationParameters={"RunCommand": {"Parameters": {"Operation": ["Install"]}}},
        )["WindowTaskId"]
        for number in range(count)
    ]
    return window_id, task_ids


def test_tasks_are_described_with_their_type(clean_sandbox):
    ssm = clean_sandbox.client("ssm")
    window_id, [task_id] = _window_with_tasks(ssm, 1)
    [task] = ssm.describe_maintenance_window_tasks(WindowId=window_id)["Tasks"]
    assert task["Type"] == "RUN_COMMAND" and "TaskType" not in task
    assert (task["WindowTaskId"], task["TaskArn"], task["Name"]) == (task_id, "AWS-RunPatchBaseline", "Install-0")
    assert "TaskInvocationParameters" not in task


def test_tasks_come_in_pages_of_at_most_max_results(clean_sandbox):
    ssm = clean_sandbox.client("ssm")
    window_id, task_ids = _window_with_tasks(ssm, 12)
    first = ssm.describe_maintenance_window_tasks(WindowId=window_id)
    second = ssm.describe_maintenance_window_tasks(WindowId=window_id, NextToken=first["NextToken"])
    assert (len(first["Tasks"]), len(second["Tasks"]), "NextToken" in second) == (10, 2, False)
    assert sorted(task["WindowTaskId"] for task in first["Tasks"] + second["Tasks"]) == sorted(task_ids)
    with pytest.raises(ClientError) as error:
        ssm.describe_maintenance_window_tasks(WindowId=window_id, MaxResults=101)
    assert error.value.response["Error"]["Code"] == "ValidationException"


def test_task_filters_are_the_documented_keys_anded(clean_sandbox):
    # API reference, DescribeMaintenanceWindowTasks Filters: WindowTaskId, TaskArn, Priority, TaskType.
    ssm = clean_sandbox.client("ssm")
    window_id, _ = _window_with_tasks(ssm, 0)
    target = [{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}]
    ids = {}
    for name, arn, kind, priority in [("task-a", "AWS-RunShellScript", "RUN_COMMAND", 1), ("task-b", "AWS-RunPowerShellScript", "RUN_COMMAND", 3),
                                      ("task-c", "AWS-RestartEC2Instance", "AUTOMATION", 3)]:
        ids[name] = ssm.register_task_with_maintenance_window(
            WindowId=window_id, TaskType=kind, TaskArn=arn, Name=name, Priority=priority, Targets=target,
            MaxConcurrency="1", MaxErrors="1")["WindowTaskId"]

    def names(*filters):
        tasks = ssm.describe_maintenance_window_tasks(WindowId=window_id, Filters=list(filters))["Tasks"]
        return sorted(task["Name"] for task in tasks)

    assert names({"Key": "Priority", "Values": ["3"]}) == ["task-b", "task-c"]
    assert names({"Key": "Priority", "Values": ["3"]}, {"Key": "TaskType", "Values": ["RUN_COMMAND"]}) == ["task-b"]
    assert names({"Key": "TaskArn", "Values": ["AWS-RunShellScript", "AWS-RestartEC2Instance"]}) == ["task-a", "task-c"]
    assert names({"Key": "WindowTaskId", "Values": [ids["task-c"]]}) == ["task-c"]
    assert all(task["TaskParameters"] == {} for task in ssm.describe_maintenance_window_tasks(WindowId=window_id)["Tasks"])


def test_targets_keep_owner_information_and_filter_on_it(clean_sandbox):
    # API reference, DescribeMaintenanceWindowTargets Filters: Type, WindowTargetId, OwnerInformation.
    ssm = clean_sandbox.client("ssm")
    window_id, _ = _window_with_tasks(ssm, 0)
    first = ssm.register_target_with_maintenance_window(
        WindowId=window_id, ResourceType="INSTANCE", OwnerInformation="CostCenter1",
        Targets=[{"Key": "tag:Environment", "Values": ["Prod"]}])["WindowTargetId"]
    second = ssm.register_target_with_maintenance_window(
        WindowId=window_id, ResourceType="RESOURCE_GROUP", Targets=[{"Key": "resource-groups:Name", "Values": ["Web"]}])["WindowTargetId"]

    def ids(*filters):
        return [target["WindowTargetId"] for target in
                ssm.describe_maintenance_window_targets(WindowId=window_id, Filters=list(filters))["Targets"]]

    assert ids({"Key": "OwnerInformation", "Values": ["CostCenter1"]}) == [first]
    assert ids({"Key": "Type", "Values": ["RESOURCE_GROUP"]}) == [second]
    assert ids({"Key": "WindowTargetId", "Values": [first, second]}) == [first, second]
    described = {target["WindowTargetId"]: target for target in ssm.describe_maintenance_window_targets(WindowId=window_id)["Targets"]}
    assert described[first]["OwnerInformation"] == "CostCenter1" and "OwnerInformation" not in described[second]


def test_delete_and_deregister_answer_the_ids(clean_sandbox):
    # Output shapes of DeleteMaintenanceWindow, DeregisterTargetFromMaintenanceWindow and
    # DeregisterTaskFromMaintenanceWindow (and their awscli examples).
    ssm = clean_sandbox.client("ssm")
    window_id, [task_id] = _window_with_tasks(ssm, 1)
    target_id = ssm.register_target_with_maintenance_window(
        WindowId=window_id, ResourceType="INSTANCE", Targets=[{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}])["WindowTargetId"]
    answered = ssm.deregister_target_from_maintenance_window(WindowId=window_id, WindowTargetId=target_id)
    assert (answered["WindowId"], answered["WindowTargetId"]) == (window_id, target_id)
    answered = ssm.deregister_task_from_maintenance_window(WindowId=window_id, WindowTaskId=task_id)
    assert (answered["WindowId"], answered["WindowTaskId"]) == (window_id, task_id)
    assert ssm.delete_maintenance_window(WindowId=window_id)["WindowId"] == window_id
    with pytest.raises(ClientError) as error:
        ssm.get_maintenance_window(WindowId=window_id)
    assert error.value.response["Error"]["Code"] == "DoesNotExistException"


def test_get_maintenance_window_task_answers_its_invocation_parameters(clean_sandbox):
    # GetMaintenanceWindowTask's output shape: TaskType (not Type) and TaskInvocationParameters.
    ssm = clean_sandbox.client("ssm")
    window_id, [task_id] = _window_with_tasks(ssm, 1)
    task = ssm.get_maintenance_window_task(WindowId=window_id, WindowTaskId=task_id)
    assert (task["WindowTaskId"], task["TaskType"], task["TaskArn"]) == (task_id, "RUN_COMMAND", "AWS-RunPatchBaseline")
    assert task["TaskInvocationParameters"] == {"RunCommand": {"Parameters": {"Operation": ["Install"]}}}
    assert "Type" not in task and task["TaskParameters"] == {}
    with pytest.raises(ClientError) as error:
        ssm.get_maintenance_window_task(WindowId=window_id, WindowTaskId="0e842a8d-2d44-4886-bb62-af8dc0000000")
    assert error.value.response["Error"]["Code"] == "DoesNotExistException"


def test_update_target_changes_what_is_given_or_replaces_it_all(clean_sandbox):
    ssm = clean_sandbox.client("ssm")
    window_id, _ = _window_with_tasks(ssm, 0)
    target_id = ssm.register_target_with_maintenance_window(
        WindowId=window_id, ResourceType="INSTANCE", OwnerInformation="CostCenter1", Name="Before",
        Targets=[{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}])["WindowTargetId"]
    renamed = ssm.update_maintenance_window_target(WindowId=window_id, WindowTargetId=target_id, Name="After")
    assert (renamed["Name"], renamed["OwnerInformation"], renamed["Description"]) == ("After", "CostCenter1", "")
    with pytest.raises(ClientError) as error:
        ssm.update_maintenance_window_target(WindowId=window_id, WindowTargetId=target_id, Name="Again", Replace=True)
    assert error.value.response["Error"]["Code"] == "ValidationException"
    replaced = ssm.update_maintenance_window_target(WindowId=window_id, WindowTargetId=target_id, Replace=True,
                                                    Targets=[{"Key": "tag:Role", "Values": ["Web"]}])
    assert (replaced["Targets"], replaced["OwnerInformation"], "Name" in replaced) == (
        [{"Key": "tag:Role", "Values": ["Web"]}], "", False)
    [described] = ssm.describe_maintenance_window_targets(WindowId=window_id)["Targets"]
    assert described["Targets"] == [{"Key": "tag:Role", "Values": ["Web"]}] and "OwnerInformation" not in described


def test_update_task_changes_what_is_given(clean_sandbox):
    ssm = clean_sandbox.client("ssm")
    window_id, [task_id] = _window_with_tasks(ssm, 1)
    role = "arn:aws:iam::123456789012:role/MaintenanceWindows"
    updated = ssm.update_maintenance_window_task(WindowId=window_id, WindowTaskId=task_id, ServiceRoleArn=role)
    assert (updated["ServiceRoleArn"], updated["TaskArn"], updated["Name"]) == (role, "AWS-RunPatchBaseline", "Install-0")
    assert ssm.get_maintenance_window_task(WindowId=window_id, WindowTaskId=task_id)["ServiceRoleArn"] == role
    with pytest.raises(ClientError) as error:
        ssm.update_maintenance_window_task(WindowId=window_id, WindowTaskId="0e842a8d-2d44-4886-bb62-af8dc0000000",
                                           Name="missing")
    assert error.value.response["Error"]["Code"] == "DoesNotExistException"


def test_windows_keep_what_moto_forgets_and_update_changes_it(frozen_clock):
    # GetMaintenanceWindow's output shape: AllowUnassociatedTargets, Enabled, CreatedDate, ModifiedDate;
    # DescribeMaintenanceWindows filters Name and Enabled (API reference).
    sandbox = frozen_clock
    sandbox.reset()
    sandbox.freeze_clock()
    ssm = sandbox.client("ssm")
    window_id = ssm.create_maintenance_window(Name="Weekly", Schedule="cron(0 2 ? * SUN *)", Duration=3, Cutoff=1,
                                              AllowUnassociatedTargets=True)["WindowId"]
    created = ssm.get_maintenance_window(WindowId=window_id)
    assert (created["AllowUnassociatedTargets"], created["Enabled"]) == (True, True)
    assert created["CreatedDate"] == created["ModifiedDate"]
    sandbox.advance_clock(60)
    updated = ssm.update_maintenance_window(WindowId=window_id, Enabled=False, Name="Weekly-Renamed")
    assert (updated["Name"], updated["Enabled"], updated["Duration"], updated["AllowUnassociatedTargets"]) == (
        "Weekly-Renamed", False, 3, True)
    after = ssm.get_maintenance_window(WindowId=window_id)
    assert (after["ModifiedDate"] - after["CreatedDate"]).total_seconds() == 60
    assert ssm.describe_maintenance_windows(Filters=[{"Key": "Enabled", "Values": ["true"]}])["WindowIdentities"] == []
    [identity] = ssm.describe_maintenance_windows(Filters=[{"Key": "Enabled", "Values": ["False"]}])["WindowIdentities"]
    assert (identity["WindowId"], identity["Enabled"]) == (window_id, False)
    with pytest.raises(ClientError) as error:
        ssm.update_maintenance_window(WindowId=window_id, Name="Replaced", Replace=True)
    assert error.value.response["Error"]["Code"] == "ValidationException"


def test_window_targets_refuse_every_node(clean_sandbox):
    """API reference, Target: InstanceIds=* is for State Manager, Automation and Change Manager only."""
    ssm = clean_sandbox.client("ssm")
    window_id, _ = _window_with_tasks(ssm, 0)
    for key in ("InstanceIds", "instanceids"):
        with pytest.raises(ClientError) as error:
            ssm.register_target_with_maintenance_window(WindowId=window_id, ResourceType="INSTANCE",
                                                        Targets=[{"Key": key, "Values": ["*"]}])
        assert error.value.response["Error"]["Code"] == "ValidationException"
        assert "InstanceIds=*" in error.value.response["Error"]["Message"]
    assert ssm.describe_maintenance_window_targets(WindowId=window_id)["Targets"] == []
    target_id = ssm.register_target_with_maintenance_window(
        WindowId=window_id, ResourceType="INSTANCE", Targets=[{"Key": "tag:Role", "Values": ["Web"]}])["WindowTargetId"]
    with pytest.raises(ClientError) as error:
        ssm.update_maintenance_window_target(WindowId=window_id, WindowTargetId=target_id,
                                             Targets=[{"Key": "InstanceIds", "Values": ["*"]}])
    assert error.value.response["Error"]["Code"] == "ValidationException"
    [described] = ssm.describe_maintenance_window_targets(WindowId=window_id)["Targets"]
    assert (described["WindowTargetId"], described["Targets"]) == (target_id, [{"Key": "tag:Role", "Values": ["Web"]}])


def test_window_tasks_refuse_every_node(clean_sandbox):
    ssm = clean_sandbox.client("ssm")
    window_id, [task_id] = _window_with_tasks(ssm, 1)
    every = [{"Key": "InstanceIds", "Values": ["*"]}]
    with pytest.raises(ClientError) as error:
        ssm.register_task_with_maintenance_window(WindowId=window_id, TaskType="RUN_COMMAND",
                                                  TaskArn="AWS-RunPatchBaseline", Targets=every)
    assert error.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as error:
        ssm.update_maintenance_window_task(WindowId=window_id, WindowTaskId=task_id, Targets=every)
    assert error.value.response["Error"]["Code"] == "ValidationException"
    [task] = ssm.describe_maintenance_window_tasks(WindowId=window_id)["Tasks"]
    assert (task["WindowTaskId"], task["Targets"]) == (task_id, [{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}])


# ---------------------------------------------------------------------------------------------------
# When windows run: NextExecutionTime, DescribeMaintenanceWindowSchedule, DescribeMaintenanceWindowsForTarget.

def _utc(text):
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.timezone.utc) \
        if "+" not in text[10:] and not text.endswith("Z") else window_schedule.parse_instant(text)


def _window(schedule, timezone=None, offset=None, start=None, end=None):
    return types.SimpleNamespace(schedule=schedule, schedule_timezone=timezone, schedule_offset=offset,
                                 start_date=start, end_date=end)


def _runs(window, after, count, settings=None):
    runs = window_schedule.window_runs(window, settings or {"Enabled": True}, _utc(after))
    return [moment.strftime("%Y-%m-%dT%H:%M") for moment in itertools.islice(runs, count)]


def test_start_date_and_time_zone_as_the_user_guide_example():
    # User Guide, "Reference: Maintenance window scheduling and active period options", Example 1
    # (the 2019 version of the page): StartDate 2019-01-01T00:00:00-05:00, ScheduleTimezone
    # America/Los_Angeles, cron(0 09 ? * FRI *): "The first execution in the enabled period will be on
    # Friday, January 4th, 2019, at 9 AM US Pacific Time" (17:00 UTC, PST being UTC-8).
    window = _window("cron(0 09 ? * FRI *)", "America/Los_Angeles", start="2019-01-01T00:00:00-05:00")
    assert _runs(window, "2018-12-01T00:00", 2) == ["2019-01-04T17:00", "2019-01-11T17:00"]


def test_schedule_offset_counts_days_after_the_cron_date():
    # API reference, CreateMaintenanceWindow ScheduleOffset: cron(30 23 ? * TUE#3 *) runs on the third
    # Tuesday at 11:30 PM; "If the schedule offset is 2, the maintenance window won't run until two
    # days later." The third Tuesday of March 2026 is the 17th.
    assert _runs(_window("cron(30 23 ? * TUE#3 *)"), "2026-03-01T00:00", 1) == ["2026-03-17T23:30"]
    assert _runs(_window("cron(30 23 ? * TUE#3 *)", offset=2), "2026-03-01T00:00", 2) == \
        ["2026-03-19T23:30", "2026-04-23T23:30"]


def test_time_zone_follows_daylight_saving():
    # ScheduleTimezone (IANA): 02:00 in Europe/Berlin is 01:00 UTC in winter, 00:00 UTC in summer
    # (CEST from 2026-03-29; that night's 02:00 does not exist, and what AWS does then is not documented,
    # so it is not asserted).
    window = _window("cron(0 2 ? * SUN *)", "Europe/Berlin")
    assert _runs(window, "2026-03-10T00:00", 2) == ["2026-03-15T01:00", "2026-03-22T01:00"]
    assert _runs(window, "2026-03-30T00:00", 2) == ["2026-04-05T00:00", "2026-04-12T00:00"]


def test_end_date_stops_the_schedule_and_month_field_is_read():
    # CreateMaintenanceWindow EndDate: "the maintenance window will no longer run" after it.
    window = _window("cron(0 4 1 JAN,JUL ? *)", end="2027-06-30T00:00:00Z")
    assert _runs(window, "2026-03-01T00:00", 5) == ["2026-07-01T04:00", "2027-01-01T04:00"]


def test_disabled_window_and_unknown_zone_never_run():
    assert _runs(_window("rate(1 day)"), "2026-03-01T00:00", 1, settings={"Enabled": False}) == []
    assert _runs(_window("cron(0 4 ? * * *)", "Mars/Olympus"), "2026-03-01T00:00", 1) == []


def test_rate_counts_from_the_last_change():
    # get-maintenance-window.rst: NextExecutionTime keeps ModifiedDate's milliseconds (.099Z).
    modified = _utc("2026-03-01T10:04:04.099")
    runs = window_schedule.window_runs(_window("rate(3 days)"), {"Enabled": True, "ModifiedDate": modified},
                                       _utc("2026-03-05T00:00"))
    assert window_schedule.next_execution_time_text(next(runs)) == "2026-03-07T10:04:04.099Z"


def _create(ssm, schedule, **extra):
    return ssm.create_maintenance_window(Name=extra.pop("Name", "Sunday-patching"), Schedule=schedule, Duration=3,
                                         Cutoff=1, AllowUnassociatedTargets=True, **extra)["WindowId"]


def _now(sandbox):
    return datetime.datetime.fromtimestamp(sandbox.clock()["now"], datetime.timezone.utc)


def test_next_execution_time_moves_with_the_sandbox_clock(frozen_clock):
    sandbox = frozen_clock
    ssm = sandbox.client("ssm")
    window_id = _create(ssm, "rate(2 hours)")
    created = _now(sandbox)
    first = ssm.get_maintenance_window(WindowId=window_id)["NextExecutionTime"]
    assert first == window_schedule.next_execution_time_text(created + datetime.timedelta(hours=2))
    sandbox.advance_clock(3 * 3600)
    [identity] = [identity for identity in ssm.describe_maintenance_windows()["WindowIdentities"]
                  if identity["WindowId"] == window_id]
    assert identity["NextExecutionTime"] == window_schedule.next_execution_time_text(created + datetime.timedelta(hours=4))
    ssm.update_maintenance_window(WindowId=window_id, Enabled=False)
    assert "NextExecutionTime" not in ssm.get_maintenance_window(WindowId=window_id)


def test_schedule_lists_upcoming_runs_in_pages_within_the_filters(frozen_clock):
    sandbox = frozen_clock
    ssm = sandbox.client("ssm")
    window_id = _create(ssm, "cron(0 16 ? * WED *)", ScheduleTimezone="Etc/UTC")
    now = _now(sandbox)
    first = ssm.describe_maintenance_window_schedule(WindowId=window_id, MaxResults=3)
    second = ssm.describe_maintenance_window_schedule(WindowId=window_id, MaxResults=3, NextToken=first["NextToken"])
    times = [run["ExecutionTime"] for run in first["ScheduledWindowExecutions"] + second["ScheduledWindowExecutions"]]
    moments = [datetime.datetime.strptime(text, "%Y-%m-%dT%H:%MZ").replace(tzinfo=datetime.timezone.utc) for text in times]
    assert len(moments) == 6 and all(moment.weekday() == 2 and moment.hour == 16 for moment in moments)
    assert moments[0] > now and moments[0] - now <= datetime.timedelta(days=7)
    assert all(later - earlier == datetime.timedelta(days=7) for earlier, later in zip(moments, moments[1:]))
    before = (moments[2] + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    after = (moments[0] + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    bounded = ssm.describe_maintenance_window_schedule(
        WindowId=window_id, Filters=[{"Key": "ScheduledBefore", "Values": [before]},
                                     {"Key": "ScheduledAfter", "Values": [after]}])
    assert [run["ExecutionTime"] for run in bounded["ScheduledWindowExecutions"]] == times[1:3]
    assert "NextToken" not in bounded
    with pytest.raises(ClientError) as error:
        ssm.describe_maintenance_window_schedule(WindowId=window_id, Filters=[{"Key": "StartTime", "Values": [before]}])
    assert error.value.response["Error"]["Code"] == "ValidationException"


def test_windows_for_target_and_their_schedule(frozen_clock):
    ssm = frozen_clock.client("ssm")
    node = "i-0aaaabbbbcccc1111"
    daily = _create(ssm, "cron(0 1 ? * * *)", Name="daily")
    weekly = _create(ssm, "cron(0 3 ? * SAT *)", Name="weekly")
    _create(ssm, "cron(0 5 ? * * *)", Name="unrelated")
    ssm.register_target_with_maintenance_window(WindowId=daily, ResourceType="INSTANCE",
                                                Targets=[{"Key": "InstanceIds", "Values": [node, "i-0ffff00001111aaaa"]}])
    ssm.register_task_with_maintenance_window(
        WindowId=weekly, TaskType="RUN_COMMAND", TaskArn="AWS-RunPatchBaseline", MaxConcurrency="1", MaxErrors="1",
        Targets=[{"Key": "InstanceIds", "Values": [node]}])
    wanted = {"Targets": [{"Key": "InstanceIds", "Values": [node]}], "ResourceType": "INSTANCE"}
    found = ssm.describe_maintenance_windows_for_target(**wanted)["WindowIdentities"]
    assert sorted(found, key=lambda item: item["Name"]) == [{"WindowId": daily, "Name": "daily"},
                                                            {"WindowId": weekly, "Name": "weekly"}]
    runs = ssm.describe_maintenance_window_schedule(MaxResults=8, **wanted)["ScheduledWindowExecutions"]
    assert [run["ExecutionTime"] for run in runs] == sorted(run["ExecutionTime"] for run in runs)
    assert {run["Name"] for run in runs} == {"daily", "weekly"}
    assert ssm.describe_maintenance_windows_for_target(
        Targets=[{"Key": "InstanceIds", "Values": ["i-0123401234aaaa999"]}], ResourceType="INSTANCE")["WindowIdentities"] == []


def test_start_date_end_date_and_offset_through_the_api(frozen_clock):
    sandbox = frozen_clock
    ssm = sandbox.client("ssm")
    now = _now(sandbox)
    start = (now + datetime.timedelta(days=30)).replace(hour=0, minute=0, second=0, microsecond=0)
    later = _create(ssm, "cron(0 6 ? * * *)", Name="later", StartDate=start.strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert ssm.get_maintenance_window(WindowId=later)["NextExecutionTime"] == \
        window_schedule.next_execution_time_text(start.replace(hour=6))
    ended = _create(ssm, "cron(0 6 ? * * *)", Name="ended", EndDate=(now - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert "NextExecutionTime" not in ssm.get_maintenance_window(WindowId=ended)
    assert ssm.describe_maintenance_window_schedule(WindowId=ended)["ScheduledWindowExecutions"] == []
    offset = _create(ssm, "cron(0 6 ? * * *)", Name="offset", ScheduleOffset=3)
    [run] = ssm.describe_maintenance_window_schedule(WindowId=offset, MaxResults=1)["ScheduledWindowExecutions"]
    assert run["ExecutionTime"].endswith("T06:00Z")


def test_schedule_needs_a_window_or_targets(frozen_clock):
    ssm = frozen_clock.client("ssm")
    with pytest.raises(ClientError) as error:
        ssm.describe_maintenance_window_schedule()
    assert error.value.response["Error"]["Code"] == "ValidationException"
