"""DescribeMaintenanceWindowTasks in AWS's shape (`Type`, no invocation parameters) and pages."""

import pytest
from botocore.exceptions import ClientError


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
