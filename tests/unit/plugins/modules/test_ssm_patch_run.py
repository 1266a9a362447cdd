"""ssm_patch_run's ensure_run against a fake SSM client: check mode sends nothing, and a run once sent keeps its ids."""

import sys
import time
from pathlib import Path

import pytest

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from ansible_collections.cloudpatch.ssm.plugins.module_utils.errors import ParameterError
from ansible_collections.cloudpatch.ssm.plugins.modules import ssm_patch_run

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "module_utils"))
from fake_aws import FakeClient  # noqa: E402 pylint: disable=import-error,wrong-import-position
from fake_aws import client_error  # noqa: E402 pylint: disable=import-error,wrong-import-position

NODES = {"i-00000000000000001": None, "i-00000000000000002": None}
GUID = "8d1b5c6e-1f2a-4b3c-9d8e-7f6a5b4c3d2e"


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr(time, "sleep", lambda seconds: None)


def params(**overrides):
    base = dict.fromkeys((
        "instance_ids", "patch_groups", "tags", "resource_group", "all_instances", "pre_install_hook", "post_install_hook",
        "on_exit_hook", "install_override_list", "baseline_override", "output_s3_bucket", "output_s3_prefix",
        "output_s3_region", "cloudwatch_log_group", "max_concurrency", "max_errors", "timeout_seconds", "execution_timeout",
        "comment", "notification",
    ))
    base.update(operation="install", reboot_option="RebootIfNeeded", all_instances=True, mechanism="command", snapshot_id=GUID,
                wait=True, wait_timeout=3600)
    base.update(overrides)
    return base


def command(status="Success", targets=2):
    return {"CommandId": "c-1", "Status": status, "StatusDetails": status, "TargetCount": targets}


def invocation(node_id, status="Success"):
    return {"InstanceId": node_id, "Status": status, "StatusDetails": status, "CommandPlugins": []}


def state(node_id, installed, missing=0):
    return {"InstanceId": node_id, "InstalledCount": installed, "MissingCount": missing, "Operation": "Install"}


def mutating(client):
    return [name for name, _kwargs in client.calls if name in ("send_command", "create_association", "cancel_command")]


def test_check_mode_predicts_from_the_states_and_sends_nothing():
    client = FakeClient()
    run = ssm_patch_run.PatchRun(client, params(), NODES, "us-east-1")
    states = {"i-00000000000000001": state("i-00000000000000001", 3, missing=2), "i-00000000000000002": state("i-00000000000000002", 5)}
    changed, result = ssm_patch_run.ensure_run(client, run, states, check_mode=True)
    assert changed is True and result["status"] == "NotSent"
    assert result["would_change"] == {"i-00000000000000001": "2 missing"}
    # Every node through Run Command: the listed ids (Run Command takes no InstanceIds=*).
    assert result["targets"] == [[{"Key": "InstanceIds", "Values": sorted(NODES)}]] and result["max_errors"] == "1"
    assert result["command_count"] == 1
    assert client.calls == []


def test_a_finished_install_counts_what_it_installed():
    before = {"i-00000000000000001": state("i-00000000000000001", 3, missing=2), "i-00000000000000002": state("i-00000000000000002", 5)}
    client = FakeClient(
        send_command=[{"Command": {"CommandId": "c-1"}}],
        list_commands=[{"Commands": [command()]}],
        list_command_invocations=[{"CommandInvocations": [invocation("i-00000000000000002"), invocation("i-00000000000000001")]}],
        describe_instance_patch_states=[{"InstancePatchStates": [state("i-00000000000000001", 5), state("i-00000000000000002", 5)]}],
    )
    run = ssm_patch_run.PatchRun(client, params(), NODES, "us-east-1")
    changed, result = ssm_patch_run.ensure_run(client, run, before, check_mode=False)
    assert changed is True and result["status"] == "Success" and result["command_ids"] == ["c-1"]
    assert result["summary"]["patches_installed"] == 2 and [row["instance_id"] for row in result["nodes"]] == sorted(NODES)
    assert mutating(client) == ["send_command"]


def test_without_wait_the_ids_come_back_at_once():
    client = FakeClient(send_command=[{"Command": {"CommandId": "c-1"}}])
    run = ssm_patch_run.PatchRun(client, params(operation="scan"), NODES, "us-east-1")
    assert ssm_patch_run.ensure_run(client, run, {}, check_mode=False, wait=False) == (
        False, run.result(status="InProgress", command_ids=["c-1"]))


def test_an_aws_error_after_the_send_keeps_the_ids_and_the_change():
    client = FakeClient(send_command=[{"Command": {"CommandId": "c-1"}}], list_commands=[client_error("AccessDeniedException")])
    run = ssm_patch_run.PatchRun(client, params(), NODES, "us-east-1")
    with pytest.raises(AnsibleAWSError) as raised:
        ssm_patch_run.ensure_run(client, run, {}, check_mode=False)
    assert raised.value.message == "Failed to get command after command(s) c-1 started in us-east-1; the run goes on in AWS"
    assert raised.value.exception.response["Error"]["Code"] == "AccessDeniedException"
    assert raised.value.kwargs["changed"] is True and raised.value.kwargs["command_ids"] == ["c-1"]
    assert raised.value.kwargs["status"] == "Unknown"


def test_an_aws_error_before_the_send_is_the_error_itself():
    client = FakeClient(send_command=[client_error("AccessDeniedException")])
    run = ssm_patch_run.PatchRun(client, params(), NODES, "us-east-1")
    with pytest.raises(AnsibleAWSError) as raised:
        ssm_patch_run.ensure_run(client, run, {}, check_mode=False)
    assert raised.value.message == "Failed to send command" and raised.value.kwargs == {}


def test_a_command_that_found_no_node_fails_with_its_id():
    client = FakeClient(send_command=[{"Command": {"CommandId": "c-1"}}], list_commands=[{"Commands": [command(targets=0)]}])
    run = ssm_patch_run.PatchRun(client, params(operation="scan"), NODES, "us-east-1")
    with pytest.raises(ParameterError, match=r"\Acommand\(s\) c-1 reported 0 targets: AWS found no managed node for all_instances in us-east-1"):
        ssm_patch_run.ensure_run(client, run, {}, check_mode=False)


def test_a_failed_run_is_a_failure_that_says_what_was_sent():
    client = FakeClient(
        send_command=[{"Command": {"CommandId": "c-1"}}],
        list_commands=[{"Commands": [command("Failed")]}],
        list_command_invocations=[{"CommandInvocations": [invocation("i-00000000000000001", "Failed"), invocation("i-00000000000000002")]}],
        describe_instance_patch_states=[{"InstancePatchStates": []}],
    )
    run = ssm_patch_run.PatchRun(client, params(operation="scan"), NODES, "us-east-1")
    with pytest.raises(ParameterError) as raised:
        ssm_patch_run.ensure_run(client, run, {}, check_mode=False)
    # A node failed: the message counts the failures (beyond max_errors or not, the run itself ended Failed).
    assert raised.value.message == "Patch Scan failed: 1 of 2 nodes did not succeed (max_errors 1000)"
    assert raised.value.data["changed"] is False and raised.value.data["command_ids"] == ["c-1"]
    assert list(raised.value.data["failures"]) == ["i-00000000000000001"]


def test_a_hook_document_that_is_not_there_fails_the_plan_before_any_node_is_read():
    client = FakeClient(describe_document=[client_error("InvalidDocument")])
    client.exceptions = type("Exceptions", (), {"InvalidDocument": type(client_error("x"))})
    with pytest.raises(ParameterError, match=r"\Apre_install_hook: no SSM document Drain in eu-west-1\Z"):
        ssm_patch_run.plan_run(client, None, params(pre_install_hook="Drain"), "eu-west-1")
    assert [name for name, _kwargs in client.calls] == ["describe_document"]


class CommandsFake:
    """Run Command for the scheduling tests: a command ends on its second poll with `errors[i]` failed nodes;
    every SendCommand is checked against the commands still running."""

    def __init__(self, errors=None, limit=None):
        self.errors = errors or {}
        self.limit = limit
        self.commands, self.polls, self.sends, self.peak = {}, {}, [], 0

    def running(self):
        return [command for command in self.commands.values() if command["Status"] == "InProgress"]

    def send_command(self, **kwargs):
        command_id = f"c-{len(self.commands) + 1}"
        ids = kwargs["Targets"][0]["Values"]
        assert kwargs["Targets"][0]["Key"] == "InstanceIds" and "*" not in ids and len(ids) <= 50
        self.sends.append(kwargs)
        self.commands[command_id] = {"CommandId": command_id, "Status": "InProgress", "StatusDetails": "InProgress",
                                     "TargetCount": len(ids), "ErrorCount": 0, "ids": ids, "MaxConcurrency": kwargs["MaxConcurrency"]}
        if self.limit:
            self.peak = max(self.peak, sum(int(command["MaxConcurrency"]) for command in self.running()))
        return {"Command": {"CommandId": command_id}}

    def list_commands(self, CommandId):
        command = self.commands[CommandId]
        self.polls[CommandId] = self.polls.get(CommandId, 0) + 1
        if self.polls[CommandId] >= 2 and command["Status"] == "InProgress":
            failed = self.errors.get(CommandId, 0)
            command.update(Status="Failed" if failed else "Success", StatusDetails="Failed" if failed else "Success", ErrorCount=failed)
        return {"Commands": [dict(command)]}

    def list_command_invocations(self, CommandId, **kwargs):
        command = self.commands[CommandId]
        failed = self.errors.get(CommandId, 0)
        return {"CommandInvocations": [invocation(node_id, "Failed" if index < failed else "Success")
                                       for index, node_id in enumerate(command["ids"])]}

    def describe_instance_patch_states(self, **kwargs):
        return {"InstancePatchStates": []}


FLEET = dict((f"i-{number:017x}", None) for number in range(120))


def test_an_absolute_max_concurrency_over_several_commands_is_never_exceeded_in_flight():
    client = CommandsFake(limit=50)
    run = ssm_patch_run.PatchRun(client, params(operation="scan", max_concurrency="50", max_errors="1000"), FLEET, "us-east-1")
    assert run.result()["command_count"] == 3
    changed, result = ssm_patch_run.ensure_run(client, run, {}, check_mode=False)
    assert not changed and result["summary"]["succeeded"] == 120 and result["command_ids"] == ["c-1", "c-2", "c-3"]
    assert [(len(send["Targets"][0]["Values"]), send["MaxConcurrency"]) for send in client.sends] == [(50, "50"), (50, "50"), (20, "20")]
    assert client.peak == 50
    # A finished command is not asked again: each command twice (running, then over).
    assert client.polls == {"c-1": 2, "c-2": 2, "c-3": 2}


def test_a_percentage_sends_every_command_at_once_with_its_own_share():
    client = CommandsFake()
    run = ssm_patch_run.PatchRun(client, params(operation="scan", max_concurrency="10%", max_errors="10%"), FLEET, "us-east-1")
    sent = run.send()
    assert sent["command_ids"] == ["c-1", "c-2", "c-3"]
    assert [(send["MaxConcurrency"], send["MaxErrors"]) for send in client.sends] == [("10%", "10%")] * 3


def test_an_absolute_max_errors_is_spent_over_the_run_and_then_nothing_more_is_sent():
    # 50 at a time; the first command fails on 3 nodes, the second on 3 more: budget 5 is spent.
    client = CommandsFake(errors={"c-1": 3, "c-2": 3})
    run = ssm_patch_run.PatchRun(client, params(max_concurrency="50", max_errors="5"), FLEET, "us-east-1")
    with pytest.raises(ParameterError) as raised:
        ssm_patch_run.ensure_run(client, run, {}, check_mode=False)
    assert [send["MaxErrors"] for send in client.sends] == ["5", "2"]
    result = raised.value.data
    assert result["command_ids"] == ["c-1", "c-2"] and result["summary"]["not_sent"] == 20
    assert "26 of 120 nodes did not succeed (max_errors 5)" in raised.value.message
    unsent = sorted(FLEET)[100:]
    assert all(result["failures"][node_id].startswith("not sent: 6 nodes had failed") for node_id in unsent)


def test_without_wait_the_module_waits_until_the_last_command_is_sent():
    client = CommandsFake()
    run = ssm_patch_run.PatchRun(client, params(operation="scan", max_concurrency="50", max_errors="0"), FLEET, "us-east-1")
    changed, result = ssm_patch_run.ensure_run(client, run, {}, check_mode=False, wait=False)
    assert result["status"] == "InProgress" and result["command_ids"] == ["c-1", "c-2", "c-3"]
    # The last command is sent and not waited for.
    assert client.commands["c-3"]["Status"] == "InProgress" and "c-3" not in client.polls
