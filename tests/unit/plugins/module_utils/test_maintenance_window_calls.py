"""ssm.py's maintenance window calls against a fake client: "missing" answers, page sizes and paging."""

import time

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils import ssm

from fake_aws import FakeClient  # pylint: disable=import-error  # beside this file
from fake_aws import client_error  # pylint: disable=import-error


@pytest.fixture(autouse=True)
def slept(monkeypatch):
    sleeps = []
    monkeypatch.setattr(time, "sleep", sleeps.append)
    return sleeps


def test_a_window_or_task_that_does_not_exist_is_none():
    client = FakeClient(get_maintenance_window=[client_error("DoesNotExistException")],
                        get_maintenance_window_task=[client_error("DoesNotExistException")])
    assert ssm.get_maintenance_window(client, "mw-0123456789abcdef0") is None
    assert ssm.get_maintenance_window_task(client, "mw-0123456789abcdef0", "0e842a8d-2d44-4886-bb62-af8dc0000000") is None


def test_deleting_a_window_that_is_gone_is_no_change():
    client = FakeClient(delete_maintenance_window=[client_error("DoesNotExistException")])
    assert ssm.delete_maintenance_window(client, "mw-0123456789abcdef0") is False


def test_targets_are_read_in_pages_of_100_each_page_retried(slept):
    client = FakeClient(describe_maintenance_window_targets=[
        {"Targets": [{"WindowTargetId": "1"}], "NextToken": "t"},
        client_error("ThrottlingException"),
        {"Targets": [{"WindowTargetId": "2"}]},
    ])
    assert [target["WindowTargetId"] for target in ssm.describe_maintenance_window_targets(client, "mw-0123456789abcdef0")] == ["1", "2"]
    calls = client.called("describe_maintenance_window_targets")
    assert [call.get("NextToken") for call in calls] == [None, "t", "t"]
    assert all(call["MaxResults"] == 100 and call["WindowId"] == "mw-0123456789abcdef0" for call in calls)
    assert len(slept) == 1


def test_windows_by_name_send_the_name_filter_and_no_filter_otherwise():
    client = FakeClient(describe_maintenance_windows=[{"WindowIdentities": []}, {"WindowIdentities": []}])
    ssm.describe_maintenance_windows(client, [{"Key": "Name", "Values": ["ring-prod"]}])
    ssm.describe_maintenance_windows(client)
    first, second = client.called("describe_maintenance_windows")
    assert first["Filters"] == [{"Key": "Name", "Values": ["ring-prod"]}] and "Filters" not in second


def test_the_schedule_is_one_page_of_the_runs_asked_for():
    client = FakeClient(describe_maintenance_window_schedule=[{"ScheduledWindowExecutions": [{"ExecutionTime": "2026-12-08T02:00Z"}], "NextToken": "n"}])
    assert ssm.describe_maintenance_window_schedule(client, "mw-0123456789abcdef0", 1) == [{"ExecutionTime": "2026-12-08T02:00Z"}]
    assert client.called("describe_maintenance_window_schedule") == [{"WindowId": "mw-0123456789abcdef0", "MaxResults": 1}]
