"""The single-node export's logs: a command Run Command no longer keeps (30 days) is "logs expired", not a failure."""

import csv
import io
import sys
import time
from pathlib import Path

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.fleet import node_details
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.report import LOGS_EXPIRED
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.report import CsvReport
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import AnsibleSSMError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from fake_aws import FakeClient  # noqa: E402 pylint: disable=import-error,wrong-import-position
from fake_aws import client_error  # noqa: E402 pylint: disable=import-error,wrong-import-position

ROW = {"instance_id": "i-0123456789abcdef0", "name": "App1", "platform_type": "Linux", "baseline_id": "pb-0123456789abcdef0",
       "ip_address": "10.0.0.1", "platform_name": "Amazon Linux", "platform_version": "2", "agent_version": "3.3.1"}
ITEM = {"Id": "KB1", "Title": "openssl", "Status": "NON_COMPLIANT", "Severity": "HIGH",
        "ExecutionSummary": {"ExecutionTime": "2026-10-01T02:31:00Z", "ExecutionId": "c-old", "ExecutionType": "Command"},
        "Details": {"PatchState": "Missing"}}


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr(time, "sleep", lambda seconds: None)


def ssm_client(command_answer):
    return FakeClient(list_compliance_items=[{"ComplianceItems": [ITEM]}], list_commands=[command_answer])


@pytest.mark.parametrize("code", ["InvalidCommandId", "DoesNotExistException"])
def test_a_command_no_longer_kept_is_logs_expired(code):
    client = ssm_client(client_error(code, "ListCommands"))
    details, expired = node_details(client, ROW)
    assert expired == "c-old"
    assert [(detail["patch_id"], detail["logs_url"], detail["logs_expired"]) for detail in details] == [("KB1", None, True)]
    assert client.called("list_commands") == [{"CommandId": "c-old"}]
    # The report's logs cell says so.
    stream = io.StringIO()
    report = CsvReport(stream, {"report_name": "r"})
    report.details(ROW, details)
    assert LOGS_EXPIRED in list(csv.reader(io.StringIO(stream.getvalue())))[-1]


def test_a_kept_command_names_its_logs():
    client = ssm_client({"Commands": [{"CommandId": "c-old", "OutputS3BucketName": "logs", "OutputS3KeyPrefix": "patch/"}]})
    details, expired = node_details(client, ROW)
    assert expired is None
    assert details[0]["logs_url"] == "s3://logs/patch/c-old/i-0123456789abcdef0/awsrunShellScript/PatchLinux/stdout"
    assert details[0]["logs_expired"] is False


def test_any_other_error_reading_the_command_still_fails():
    client = ssm_client(client_error("AccessDeniedException", "ListCommands"))
    with pytest.raises(AnsibleSSMError, match="Failed to get command"):
        node_details(client, ROW)
