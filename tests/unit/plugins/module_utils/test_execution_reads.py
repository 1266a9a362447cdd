"""The per-node part of the executions the two info modules read is opt-in: the calls made with and without it.

ssm_maintenance_window_info's include_invocations and ssm_patch_association_info's
include_execution_targets, against a fake client (no network) that records every call.
"""

import datetime
import json

from ansible_collections.cloudpatch.ssm.plugins.modules import ssm_maintenance_window_info
from ansible_collections.cloudpatch.ssm.plugins.modules import ssm_patch_association_info

from fake_aws import FakeClient  # pylint: disable=import-error  # beside this file

WINDOW_ID = "mw-0123456789abcdef0"
ASSOCIATION_ID = "8d1b5c6e-1f2a-4b3c-9d8e-7f6a5b4c3d2e"
DAY = datetime.datetime(2026, 12, 1, 2, tzinfo=datetime.timezone.utc)


def invocation_page(task_id, nodes, next_token=None):
    page = {"WindowExecutionTaskInvocationIdentities": [
        {"TaskExecutionId": task_id, "InvocationId": f"inv-{node}", "Status": "SUCCESS", "WindowTargetId": "wt-1",
         "Parameters": json.dumps({"instanceIds": [node]})} for node in nodes]}
    if next_token:
        page["NextToken"] = next_token
    return page


def window_client(with_invocations):
    """Two executions of two tasks each; each task's invocations in two pages (as 101 to 200 nodes would be)."""
    scripts = {
        "describe_maintenance_window_executions": [{"WindowExecutions": [
            {"WindowExecutionId": f"e-{index}", "Status": "SUCCESS", "StartTime": DAY + datetime.timedelta(days=index)} for index in range(3)]}],
        "describe_maintenance_window_execution_tasks": [
            {"WindowExecutionTaskIdentities": [{"TaskExecutionId": f"{execution}-t{index}", "TaskArn": "AWS-RunPatchBaseline", "Status": "SUCCESS"}
                                               for index in range(2)]} for execution in ("e-2", "e-1")],
    }
    if with_invocations:
        scripts["describe_maintenance_window_execution_task_invocations"] = [
            page for task in ("e-2-t0", "e-2-t1", "e-1-t0", "e-1-t1")
            for page in (invocation_page(task, ["i-b"], next_token="n"), invocation_page(task, ["i-a"]))]
    return FakeClient(**scripts)


def test_window_executions_without_invocations_make_no_invocation_call():
    client = window_client(with_invocations=False)
    rows = ssm_maintenance_window_info.last_executions(client, WINDOW_ID, 2, [{"WindowTargetId": "wt-1", "Name": "app-nodes"}], [])
    assert [row["window_execution_id"] for row in rows] == ["e-2", "e-1"]
    assert all("invocations" not in task for row in rows for task in row["tasks"])
    assert [call[0] for call in client.calls] == ["describe_maintenance_window_executions"] + ["describe_maintenance_window_execution_tasks"] * 2


def test_window_executions_with_invocations_read_every_page_of_each_task():
    client = window_client(with_invocations=True)
    rows = ssm_maintenance_window_info.last_executions(client, WINDOW_ID, 2, [{"WindowTargetId": "wt-1", "Name": "app-nodes"}], [],
                                                       include_invocations=True)
    for row in rows:
        for task in row["tasks"]:
            assert [(item["instance_id"], item["target"]) for item in task["invocations"]] == [("i-a", "app-nodes"), ("i-b", "app-nodes")]
    # 1 + E + 2 pages x T x E: the per-node listing is what grows with the fleet.
    calls = client.called("describe_maintenance_window_execution_task_invocations")
    assert len(client.calls) == 1 + 2 + 8 and len(calls) == 8
    assert calls[0] == {"WindowExecutionId": "e-2", "TaskId": "e-2-t0", "MaxResults": 100}
    assert calls[1] == dict(calls[0], NextToken="n")


def test_no_execution_reads_no_execution():
    client = FakeClient()
    assert ssm_maintenance_window_info.last_executions(client, WINDOW_ID, 0, [], [], include_invocations=True) == []
    assert client.calls == []


def association_client(with_targets):
    scripts = {
        "describe_association": [{"AssociationDescription": {"AssociationId": ASSOCIATION_ID, "AssociationName": "daily-scan",
                                                             "Name": "AWS-RunPatchBaseline"}}],
        "list_tags_for_resource": [{"TagList": [{"Key": "Owner", "Value": "ops"}]}],
        "describe_association_executions": [{"AssociationExecutions": [
            {"ExecutionId": f"x-{index}", "Status": "Success", "ResourceCountByStatus": "{Success=2}"} for index in range(2)]}],
    }
    if with_targets:
        scripts["describe_association_execution_targets"] = [
            page for execution in ("x-0", "x-1") for page in (
                {"AssociationExecutionTargets": [{"ExecutionId": execution, "ResourceId": "i-a", "Status": "Success"}], "NextToken": "n"},
                {"AssociationExecutionTargets": [{"ExecutionId": execution, "ResourceId": "i-b", "Status": "Success"}]})]
    return FakeClient(**scripts)


def test_association_executions_without_targets_are_three_calls_whatever_the_fleet():
    client = association_client(with_targets=False)
    association = ssm_patch_association_info.read_association(client, ASSOCIATION_ID, 2)
    assert [execution["resource_count_by_status"] for execution in association["executions"]] == ["{Success=2}"] * 2
    assert all("targets" not in execution for execution in association["executions"])
    assert [call[0] for call in client.calls] == ["describe_association", "list_tags_for_resource", "describe_association_executions"]


def test_association_executions_with_targets_read_every_page_of_each_execution():
    client = association_client(with_targets=True)
    association = ssm_patch_association_info.read_association(client, ASSOCIATION_ID, 2, include_execution_targets=True)
    assert [[target["resource_id"] for target in execution["targets"]] for execution in association["executions"]] == [["i-a", "i-b"]] * 2
    calls = client.called("describe_association_execution_targets")
    assert len(client.calls) == 3 + 4 and len(calls) == 4
    assert calls[:2] == [{"AssociationId": ASSOCIATION_ID, "ExecutionId": "x-0", "MaxResults": 50},
                         {"AssociationId": ASSOCIATION_ID, "ExecutionId": "x-0", "MaxResults": 50, "NextToken": "n"}]


def test_targets_need_executions_to_read_them_from():
    params = {"names": None, "association_ids": None, "executions": 0, "include_execution_targets": True}
    assert ssm_patch_association_info.validate_info(params) == [
        "include_execution_targets reads the targets of the executions returned, and executions is 0: "
        "set executions to 1 or more, or leave include_execution_targets out"]
    assert ssm_patch_association_info.validate_info(dict(params, executions=1)) == []
