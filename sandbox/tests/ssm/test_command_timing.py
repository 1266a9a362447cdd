"""The command engine in-process, on simulated time given explicitly (`now=`), with a fake patch agent.

Pure logic (rate limits, status roll-up, output truncation, script simulation) is tested directly;
the engine (waves, MaxErrors, delivery, reboots, hooks, cancel) through start_command/get_command.
"""

import uuid
from types import SimpleNamespace

import pytest
from moto.ssm.models import ssm_backends

from sandbox.ssm import documents
from sandbox.ssm import run_command as commands
from sandbox.agent import managed_nodes
from sandbox.ssm.run_command import agent as command_agent
from sandbox.ssm.run_command.engine import command_status, rate_limit
from sandbox.ssm.run_command.output import truncate_output
from sandbox.ssm.run_command.scripts import simulate_script
from sandbox.ssm.run_command.shapes import command_to_api

T0 = 1_700_000_000.0


class FakeAgent:
    """Stands in for sandbox.agent.patch_agent: Success unless the node is told to fail; reports missing
    patches and a needed reboot as configured."""

    def __init__(self, missing=2, reboot_on_install=False):
        self.calls = []
        self.reboots = []
        self.failing = set()
        self.missing = missing
        self.reboot_on_install = reboot_on_install

    def run_patch_baseline(self, backend, node, *, operation, snapshot_id, reboot_option="RebootIfNeeded",
                           install_override_list=None, baseline_override=None, now=None, until=None, execution_id=None,
                           execution_type="Command"):
        self.calls.append((node.instance_id, operation, reboot_option, now))
        failed = node.instance_id in self.failing and operation == "Install"
        reboot = operation == "Install" and self.reboot_on_install and not failed
        return SimpleNamespace(
            status="Failed" if failed else "Success", response_code=1 if failed else 0,
            output=f"{operation} on {node.instance_id}\n", error_output="patch failed\n" if failed else "",
            baseline_id="pb-0", patch_group="", installed=0, failed=int(failed),
            missing=self.missing if operation == "Scan" else 0,
            pending_reboot=0, reboot_required=reboot,
        )

    def finish_reboot(self, backend, node, now=None):
        self.reboots.append((node.instance_id, now))
        return 0


@pytest.fixture
def agent(monkeypatch):
    fake = FakeAgent()
    monkeypatch.setattr(command_agent, "patch_agent_override", fake)
    commands.configure_agent(seconds_per_node=1.0, reboot_seconds=2.0, delivery_timeout_scale=1.0)
    yield fake
    commands.reset_agent()


@pytest.fixture
def backend():
    account = str(100000000000 + uuid.uuid4().int % 899999999999)
    return ssm_backends[account]["us-east-1"]


def nodes(backend, count, operating_system="AMAZON_LINUX_2"):
    return managed_nodes.seed_nodes(backend, count, operating_system, kind="hybrid")


def shell(backend, ids, script, now=T0, **options):
    return commands.start_command(backend, document_name="AWS-RunShellScript", parameters={"commands": script},
                                  instance_ids=ids, now=now, **options)


def statuses(backend, command_id, at):
    command = commands.get_command(backend, command_id, now=T0 + at)
    return command.status_pair, [(inv.status, inv.status_details) for inv in command.invocations]


# ---------------------------------------------------------------------------------------------
# pure logic


@pytest.mark.parametrize("value,count,minimum,expected", [
    ("50", 10, 1, 50), ("10%", 50, 0, 5), ("10%", 5, 1, 1), ("10%", 5, 0, 0), ("0", 9, 0, 0), ("100%", 7, 1, 7),
])
def test_rate_limit(value, count, minimum, expected):
    assert rate_limit(value, count, minimum=minimum) == expected


def _status(**overrides):
    counts = dict(total=4, not_started=0, in_flight=0, successes=4, errors=0, delivery_timed_out=0,
                  undeliverable=0, max_errors=0, cancelled=False)
    counts.update(overrides)
    return command_status(**counts)


def test_command_status_roll_up():
    assert _status(not_started=4, successes=0) == ("Pending", "Pending")
    assert _status(not_started=2, in_flight=1, successes=1) == ("InProgress", "InProgress")
    assert _status() == ("Success", "Success")
    assert _status(successes=3, errors=1) == ("Failed", "Failed")
    assert _status(successes=3, errors=1, max_errors=1) == ("Failed", "Incomplete")
    assert _status(successes=3, delivery_timed_out=1) == ("TimedOut", "DeliveryTimedOut")
    # Undeliverable nodes do not stop the others from making a Success.
    assert _status(successes=3, undeliverable=1) == ("Success", "Success")
    assert _status(cancelled=True, successes=1) == ("Cancelled", "Cancelled")
    assert _status(total=0, successes=0) == ("Success", "Success")


# The SSM agent's own truncation cases (capacity 100).
LONG = ("This is a sample text. " * 5).strip() + "\n" + ("This is a sample text. " * 5).strip()


def test_truncate_output_like_the_agent():
    assert truncate_output("", "", 100) == ""
    assert truncate_output("out", "", 100) == "out"
    assert truncate_output("", "err", 100) == "\n----------ERROR-------\nerr"
    assert truncate_output("out", "err", 100) == "out\n----------ERROR-------\nerr"
    only_out = truncate_output(LONG, "", 100)
    assert only_out == LONG[:77] + "\n---Output truncated---" and len(only_out) == 100
    only_err = truncate_output("", LONG, 100)
    assert only_err == "\n----------ERROR-------\n" + LONG[:53] + "\n---Error truncated----"
    both = truncate_output(LONG, LONG, 100)
    assert both == LONG[:15] + "\n---Output truncated---\n----------ERROR-------\n" + LONG[:15] + "\n---Error truncated----"
    # A short stderr leaves its room to stdout.
    mixed = truncate_output("x" * 3000, "boom", 2500)
    assert len(mixed) == 2500 and mixed.endswith("\n---Output truncated---\n----------ERROR-------\nboom")
    mixed = truncate_output("ok", "e" * 3000, 2500)
    assert len(mixed) == 2500 and mixed.startswith("ok\n----------ERROR-------\neee")


def test_simulate_script():
    assert simulate_script(["echo hello", "echo 'a b'", "# comment", "ls -l"]) == (0, "hello\na b\n", "")
    code, out, err = simulate_script(["echo before", "exit 3", "echo after"])
    assert (code, out) == (3, "before\n") and "exit status 3" in err
    assert simulate_script(["Write-Output ok", "Write-Error bad", "exit 0"]) == (0, "ok\n", "bad\n")
    assert simulate_script(["echo oops >&2"])[2] == "oops\n"


def test_parameters_validated_against_the_document(backend):
    document = documents.resolve_document(backend, "AWS-RunPatchBaseline")
    resolved = documents.validate_parameters(document, {"Operation": ["Scan"]})
    assert resolved == {"Operation": "Scan", "SnapshotId": "", "InstallOverrideList": "", "BaselineOverride": "",
                        "RebootOption": "RebootIfNeeded", "AssociationId": ""}
    bad = [{}, {"Operation": ["Patch"]}, {"Operation": ["Scan", "Install"]}, {"Operation": ["Scan"], "Foo": ["x"]},
           {"Operation": ["Scan"], "SnapshotId": ["not-a-guid"]},
           {"Operation": ["Install"], "InstallOverrideList": ["http://insecure/list.yaml"]},
           {"Operation": ["Install"], "RebootOption": ["Always"]}]
    for parameters in bad:
        with pytest.raises(documents.InvalidParameters):
            documents.validate_parameters(document, parameters)


# ---------------------------------------------------------------------------------------------
# the engine


def test_max_concurrency_runs_in_waves(backend, agent):
    ids = nodes(backend, 5)
    command = shell(backend, ids, ["echo hi"], max_concurrency="2")
    assert statuses(backend, command.command_id, 0.5) == (
        ("InProgress", "InProgress"), [("InProgress", "InProgress")] * 2 + [("Pending", "Pending")] * 3)
    assert statuses(backend, command.command_id, 1.5)[1] == [("Success", "Success")] * 2 + [("InProgress", "InProgress")] * 2 + [("Pending", "Pending")]
    assert statuses(backend, command.command_id, 2.5)[1][4] == ("InProgress", "InProgress")
    final = commands.get_command(backend, command.command_id, now=T0 + 3)
    assert final.status_pair == ("Success", "Success")
    # Each wave starts exactly when the previous one ended, whatever the read times were.
    assert [inv.start - T0 for inv in final.invocations] == [0, 0, 1, 1, 2]
    assert command_to_api(final)["CompletedCount"] == 5


def test_percentage_concurrency(backend, agent):
    ids = nodes(backend, 10)
    command = shell(backend, ids, ["echo hi"], max_concurrency="20%")
    assert [inv.status for inv in commands.get_command(backend, command.command_id, now=T0 + 0.1).invocations].count(
        "InProgress") == 2


def test_max_errors_under_the_limit_runs_everything(backend, agent):
    ids = nodes(backend, 4)
    agent.failing.add(ids[1])
    command = commands.start_command(backend, document_name="AWS-RunPatchBaseline",
                                     parameters={"Operation": ["Install"], "RebootOption": ["NoReboot"]},
                                     instance_ids=ids, max_errors="1", now=T0)
    final = commands.get_command(backend, command.command_id, now=T0 + 5)
    assert [inv.status for inv in final.invocations] == ["Success", "Failed", "Success", "Success"]
    assert final.status_pair == ("Failed", "Incomplete")
    api = command_to_api(final)
    assert (api["ErrorCount"], api["CompletedCount"]) == (1, 4)


def test_max_errors_exceeded_terminates_the_rest(backend, agent):
    ids = nodes(backend, 6)
    agent.failing.update(ids[:2])
    command = commands.start_command(backend, document_name="AWS-RunPatchBaseline",
                                     parameters={"Operation": ["Install"]}, instance_ids=ids,
                                     max_concurrency="1", max_errors="1", now=T0)
    final = commands.get_command(backend, command.command_id, now=T0 + 10)
    assert [inv.state for inv in final.invocations] == [("Failed", "Failed")] * 2 + [("Cancelled", "Terminated")] * 4
    assert final.status_pair == ("Failed", "Failed")
    assert [call[0] for call in agent.calls] == ids[:2]     # the others never ran
    assert final.invocations[2].end == T0 + 2


def test_offline_node_is_delayed_then_runs_when_back(backend, agent):
    ids = nodes(backend, 2)
    managed_nodes.update_managed_node(backend, ids[0], ping_status="ConnectionLost")
    command = shell(backend, ids, ["echo hi"], timeout_seconds=60)
    assert statuses(backend, command.command_id, 0.5)[1] == [("Delayed", "Delayed"), ("InProgress", "InProgress")]
    managed_nodes.update_managed_node(backend, ids[0], ping_status="Online")
    assert statuses(backend, command.command_id, 10)[1][0] == ("InProgress", "InProgress")
    final = commands.get_command(backend, command.command_id, now=T0 + 11)
    assert final.status_pair == ("Success", "Success")
    assert final.invocations[0].start == T0 + 10


def test_offline_node_times_out_and_inactive_is_undeliverable(backend, agent):
    ids = nodes(backend, 3)
    managed_nodes.update_managed_node(backend, ids[0], ping_status="ConnectionLost")
    managed_nodes.update_managed_node(backend, ids[1], ping_status="Inactive")
    command = shell(backend, ids, ["echo hi"], timeout_seconds=30)
    final = commands.get_command(backend, command.command_id, now=T0 + 31)
    assert [inv.state for inv in final.invocations] == [
        ("TimedOut", "DeliveryTimedOut"), ("Failed", "Undeliverable"), ("Success", "Success")]
    assert final.invocations[0].end == T0 + 30
    api = command_to_api(final)
    assert (api["DeliveryTimedOutCount"], api["ErrorCount"], api["Status"]) == (1, 0, "TimedOut")


def test_queue_waiting_past_the_delivery_timeout_times_out(backend, agent):
    commands.configure_agent(seconds_per_node=20.0)
    ids = nodes(backend, 3)
    command = shell(backend, ids, ["echo hi"], max_concurrency="1", timeout_seconds=30)
    final = commands.get_command(backend, command.command_id, now=T0 + 100)
    assert [inv.status for inv in final.invocations] == ["Success", "Success", "TimedOut"]


def test_reboot_shows_connection_lost_then_online(backend, agent):
    agent.reboot_on_install = True
    ids = nodes(backend, 1)
    command = commands.start_command(backend, document_name="AWS-RunPatchBaseline",
                                     parameters={"Operation": ["Install"]}, instance_ids=ids, now=T0)
    commands.get_command(backend, command.command_id, now=T0 + 1.5)
    assert managed_nodes.get_managed_node(backend, ids[0]).ping_status == "ConnectionLost"
    assert commands.get_command(backend, command.command_id, now=T0 + 1.5).invocations[0].status == "InProgress"
    final = commands.get_command(backend, command.command_id, now=T0 + 3.5)
    assert managed_nodes.get_managed_node(backend, ids[0]).ping_status == "Online"
    assert agent.reboots and agent.reboots[0][0] == ids[0]
    assert final.invocations[0].state == ("Success", "Success") and final.invocations[0].end == T0 + 3


def test_no_reboot_option_never_reboots(backend, agent):
    agent.reboot_on_install = True
    ids = nodes(backend, 1)
    command = commands.start_command(backend, document_name="AWS-RunPatchBaseline",
                                     parameters={"Operation": ["Install"], "RebootOption": ["NoReboot"]},
                                     instance_ids=ids, now=T0)
    final = commands.get_command(backend, command.command_id, now=T0 + 1)
    assert final.finished and not agent.reboots


def test_patch_step_for_the_platform_only(backend, agent):
    linux, windows = nodes(backend, 1)[0], nodes(backend, 1, "WINDOWS")[0]
    command = commands.start_command(backend, document_name="AWS-RunPatchBaseline",
                                     parameters={"Operation": ["Scan"]}, instance_ids=[linux, windows], now=T0)
    final = commands.get_command(backend, command.command_id, now=T0 + 1)
    by_node = {inv.instance_id: {p.name: p for p in inv.plugins} for inv in final.invocations}
    assert not by_node[linux]["PatchLinux"].skipped and by_node[linux]["PatchWindows"].skipped
    assert "incompatible platform" in by_node[linux]["PatchWindows"].stdout
    assert not by_node[windows]["PatchWindows"].skipped and by_node[windows]["PatchLinux"].skipped


def _hook(backend, name, script):
    content = {"schemaVersion": "2.2", "description": "hook", "mainSteps": [
        {"action": "aws:runShellScript", "name": "hook", "inputs": {"runCommand": script}}]}
    import json  # pylint: disable=import-outside-toplevel
    backend.create_document(content=json.dumps(content), requires=None, attachments=None, name=name,
                            version_name=None, document_type="Command", document_format="JSON",
                            target_type=None, tags=None)


def _with_hooks(backend, ids, **parameters):
    return commands.start_command(backend, document_name="AWS-RunPatchBaselineWithHooks",
                                  parameters={"Operation": ["Install"], **{k: [v] for k, v in parameters.items()}},
                                  instance_ids=ids, now=T0)


def test_hooks_flow(backend, agent):
    ids = nodes(backend, 1)
    _hook(backend, "pre-hook", ["echo stopping app"])
    _hook(backend, "exit-hook", ["echo starting app"])
    command = _with_hooks(backend, ids, PreInstallHookDocName="pre-hook", OnExitHookDocName="exit-hook")
    final = commands.get_command(backend, command.command_id, now=T0 + 1)
    plugins = {p.name: p for p in final.invocations[0].plugins}
    assert final.invocations[0].status == "Success"
    assert plugins["PreInstallHook"].stdout == "stopping app\n"
    assert plugins["OnExitHook"].stdout == "starting app\n"
    assert [(call[1], call[2]) for call in agent.calls] == [("Scan", "NoReboot"), ("Install", "NoReboot")]


def test_failing_pre_install_hook_skips_to_on_exit(backend, agent):
    ids = nodes(backend, 1)
    _hook(backend, "bad-hook", ["echo draining", "exit 7"])
    _hook(backend, "exit-hook", ["echo cleanup"])
    command = _with_hooks(backend, ids, PreInstallHookDocName="bad-hook", OnExitHookDocName="exit-hook")
    final = commands.get_command(backend, command.command_id, now=T0 + 1)
    invocation = final.invocations[0]
    plugins = {p.name: p for p in invocation.plugins}
    assert invocation.state == ("Failed", "Failed") and invocation.response_code == 7
    assert plugins["PreInstallHook"].status == "Failed" and plugins["InstallWithNoReboot"].skipped
    assert plugins["OnExitHook"].stdout == "cleanup\n"
    assert [call[1] for call in agent.calls] == ["Scan"]     # never installed


def test_nothing_missing_goes_straight_to_on_exit(backend, agent):
    agent.missing = 0
    ids = nodes(backend, 1)
    _hook(backend, "pre-hook", ["exit 1"])
    command = _with_hooks(backend, ids, PreInstallHookDocName="pre-hook")
    final = commands.get_command(backend, command.command_id, now=T0 + 1)
    assert final.invocations[0].status == "Success"          # the failing hook never ran
    assert [call[1] for call in agent.calls] == ["Scan"]


def test_hooks_reboot_then_on_exit(backend, agent):
    agent.reboot_on_install = True
    ids = nodes(backend, 1)
    _hook(backend, "exit-hook", ["echo back"])
    command = _with_hooks(backend, ids, OnExitHookDocName="exit-hook")
    mid = commands.get_command(backend, command.command_id, now=T0 + 2)
    assert mid.invocations[0].status == "InProgress"
    final = commands.get_command(backend, command.command_id, now=T0 + 3)
    plugins = {p.name: p for p in final.invocations[0].plugins}
    assert final.invocations[0].status == "Success" and plugins["OnExitHook"].end == T0 + 3
    assert agent.reboots


def test_cancel(backend, agent):
    ids = nodes(backend, 4)
    command = shell(backend, ids, ["echo hi"], max_concurrency="1")
    commands.get_command(backend, command.command_id, now=T0 + 1.5)
    commands.cancel_command(backend, command.command_id, now=T0 + 1.5)
    final = commands.get_command(backend, command.command_id, now=T0 + 10)
    assert [inv.status for inv in final.invocations] == ["Success", "Cancelled", "Cancelled", "Cancelled"]
    assert final.status_pair == ("Cancelled", "Cancelled")


def test_targets_are_anded(backend, agent):
    web = managed_nodes.seed_nodes(backend, 2, kind="hybrid", tags={"Role": "web", "Env": "prod"})
    managed_nodes.seed_nodes(backend, 2, kind="hybrid", tags={"Role": "db", "Env": "prod"})
    assert commands.resolve_targets(backend, [{"Key": "tag:Role", "Values": ["web"]},
                                              {"Key": "tag-key", "Values": ["Env"]}]) == web
    every = [{"Key": "InstanceIds", "Values": ["*"]}]
    assert len(commands.resolve_targets(backend, every, every_node_allowed=True)) == 4
    with pytest.raises(documents.InvalidParameters):     # Run Command's own resolution refuses it
        commands.resolve_targets(backend, every)
