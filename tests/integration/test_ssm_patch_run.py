"""ssm_patch_run against the sandbox agent: the workshop, hooks, faults, mechanisms and scale.

One ansible-playbook run (the workshop target, as users run it, under throttling); every other scenario
runs the module in this process, exactly as Ansible runs it minus the process per task.
"""

import contextlib
import importlib
import json
import math
import re
import socket
import threading

import pytest

# The workshop's nodes, its baseline (two rules and kernel* approved) for App, Web on the default, and its
# log bucket, as the export tests seed them.
from tests.integration.test_ssm_compliance_export import BUCKET, WORKSHOP_NODES
from tests.integration.test_ssm_compliance_export import workshop as workshop_world

# Simulated seconds every SSM request moves the sandbox's clock (`step_clock`) where a test sets it: a run
# of a few nodes (0.2 s a node, 0.5 s a reboot, 1.5 s a delivery timeout) is then over when the module
# first polls it, so the module never waits out a poll delay; what the run does is the same.
STEP = 2.0


@pytest.fixture
def agent(run_target):
    run_target.sandbox.set_agent(seconds_per_node=0.2, reboot_seconds=0.5, delivery_timeout_scale=0.05)
    yield run_target.sandbox
    run_target.sandbox.reset_agent()


def hook_document(ssm, name, exit_code):
    content = {
        "schemaVersion": "2.2",
        "description": f"hook that exits {exit_code}",
        "mainSteps": [{"action": "aws:runShellScript", "name": "hook", "inputs": {"runCommand": ["echo hook", f"exit {exit_code}"]}}],
    }
    ssm.create_document(Name=name, DocumentType="Command", DocumentFormat="JSON", Content=json.dumps(content))


def workshop(sandbox):
    """The workshop's four instances, App on a custom 0-day baseline, Web on the default; hook documents."""
    node_ids = {name: sandbox.seed_nodes(1, "AMAZON_LINUX_2", tags={"Name": name})[0] for name in WORKSHOP_NODES}
    ssm, ec2 = sandbox.client("ssm"), sandbox.client("ec2")
    rule = {"PatchFilterGroup": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["*"]}]}, "ApproveAfterDays": 0,
            "ComplianceLevel": "CRITICAL", "EnableNonSecurity": True}
    baseline = ssm.create_patch_baseline(Name="AmazonLinux2SecAndNonSecBaseline", OperatingSystem="AMAZON_LINUX_2",
                                         ApprovalRules={"PatchRules": [rule]})["BaselineId"]
    ssm.register_patch_baseline_for_patch_group(BaselineId=baseline, PatchGroup="App")
    for group in ("App", "Web"):
        ec2.create_tags(Resources=[node_ids[f"{group}1"], node_ids[f"{group}2"]], Tags=[{"Key": "Patch Group", "Value": group}])
    hook_document(ssm, "GoodHook", 0)
    hook_document(ssm, "FailingHook", 1)
    return node_ids


# One run of the workshop's scan then install, with 30 % of the SSM calls throttled: the target's own
# assertions prove every task still reached its state, and the agent's counts are checked after it.
def test_workshop_scan_then_install_converges_with_30_percent_throttling(run_target, agent):
    # Seeded here, not by the baseline and group modules (whose own throttled runs are theirs to test).
    node_ids = workshop_world(agent)
    # Two simulated seconds a served SSM request (STEP): each run is over when the module first polls it.
    agent.step_clock(STEP)
    agent.set_fault("ssm", "*", throttle_rate=0.3, seed=7)
    try:
        run_target("ssm_patch_run", {"node_ids": node_ids, "output_bucket": BUCKET})
        throttled = [call for call in agent.calls(service="ssm") if call.get("injected")]
    finally:
        agent.clear_faults()
    # The faults really fired.
    assert len(throttled) > 10

    # The module's counts are the agent's: App (custom 0-day baseline, CRITICAL) against Web (the
    # AWS default: 7-day delay, UNSPECIFIED) after the install with reboot.
    states = agent.client("ssm").describe_instance_patch_states(InstanceIds=list(node_ids.values()))["InstancePatchStates"]
    by_name = {name: next(state for state in states if state["InstanceId"] == node_id) for name, node_id in node_ids.items()}
    for name in WORKSHOP_NODES:
        assert by_name[name]["MissingCount"] == 0
        assert by_name[name]["InstalledPendingRebootCount"] == 0
    assert by_name["App1"]["PatchGroup"] == "App" and by_name["Web1"]["PatchGroup"] == "Web"
    assert by_name["App1"]["BaselineId"] != by_name["Web1"]["BaselineId"]
    # Patches released in the last week are approved on App (and now installed) but not on Web.
    assert by_name["Web1"]["InstalledOtherCount"] > 0 and by_name["App1"]["InstalledOtherCount"] == 0


# --------------------------------------------------------------------------------------------------
# In-process runs (as Ansible runs the module, without a process per task), against the sandbox:
# targets that match nothing, commands that report zero targets, failures after the send, and the
# check-mode prediction, each checked in the sandbox's call log.

from tests.integration.in_process import run_in_process  # noqa: E402 (the suite's own runner)

MODULE = "ansible_collections.cloudpatch.ssm.plugins.modules.ssm_patch_run"


@pytest.fixture
def patch_run(clean_sandbox, monkeypatch, tmp_path):
    for name, value in clean_sandbox.environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    clean_sandbox.set_agent(seconds_per_node=0.2, reboot_seconds=0.5, delivery_timeout_scale=0.05)
    yield lambda args, check_mode=False: run_in_process("ssm_patch_run", args, check_mode)
    clean_sandbox.reset_agent()


def tag_group(sandbox, name, tag_filters):
    query = {"ResourceTypeFilters": ["AWS::AllSupported"], "TagFilters": tag_filters}
    sandbox.client("resource-groups").create_group(
        Name=name, ResourceQuery={"Type": "TAG_FILTERS_1_0", "Query": json.dumps(query)})


@pytest.fixture
def teams(clean_sandbox):
    """Two managed nodes of team app, an EC2 instance of team db that is no managed node, resource groups."""
    from sandbox.testing.process import amazon_linux_2_ami  # pylint: disable=import-outside-toplevel

    sandbox = clean_sandbox
    app = sandbox.seed_nodes(2, "AMAZON_LINUX_2", tags={"Team": "app"})
    ec2 = sandbox.client("ec2")
    unmanaged = ec2.run_instances(
        ImageId=amazon_linux_2_ami(ec2), MinCount=1, MaxCount=1,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Team", "Value": "db"}]}],
    )["Instances"][0]["InstanceId"]
    tag_group(sandbox, "app-servers", [{"Key": "Team", "Values": ["app"]}])
    tag_group(sandbox, "nobody", [{"Key": "Team", "Values": ["nobody"]}])
    tag_group(sandbox, "db-servers", [{"Key": "Team", "Values": ["db"]}])
    sandbox.clear_calls()
    return {"app": app, "unmanaged": unmanaged}


NO_NODE_TARGETS = [
    ({"tags": {"Team": "nobody"}}, "tags {'Team': 'nobody'} match no managed node in us-east-1"),
    ({"patch_groups": ["Nobody"]}, "patch_groups ['Nobody'] match no managed node in us-east-1"),
    ({"instance_ids": ["{unmanaged}"]}, "instance_ids: {unmanaged} is not a managed node in us-east-1"),
    ({"resource_group": "no-such-group"}, "resource_group no-such-group does not exist in us-east-1"),
    ({"resource_group": "nobody"}, "resource_group nobody holds no EC2 instance or managed node in us-east-1"),
    ({"resource_group": "db-servers"}, "resource_group db-servers holds 1 instance(s) in us-east-1 but no managed node"),
    ({"all_instances": True, "region": "eu-west-1"}, "all_instances: there is no managed node in eu-west-1"),
]


# Each case writes nothing (that is what it checks), so all fourteen share one world: each is run on
# its own call log and its problems are listed with its targets and mode, as the bad-input suite does.
def test_a_target_that_matches_no_managed_node_fails_before_anything_is_sent(patch_run, teams, clean_sandbox):
    problems = []
    for check_mode in (False, True):
        for targets, message in NO_NODE_TARGETS:
            targets = json.loads(json.dumps(targets).replace("{unmanaged}", teams["unmanaged"]))
            message = message.replace("{unmanaged}", teams["unmanaged"])
            label = f"{targets} (check_mode {check_mode})"
            clean_sandbox.clear_calls()
            result = patch_run({"operation": "install", **targets}, check_mode)
            if not (result.get("failed") and message in result.get("msg", "")):
                problems.append(f"{label}: did not fail with {message!r}: {result}")
            if "command_ids" in result or result.get("changed"):
                problems.append(f"{label}: reports a send or a change: {result}")
            mutating = [call["operation"] for call in clean_sandbox.mutating_calls()]
            if mutating:
                problems.append(f"{label}: made mutating calls {mutating}")
            # The members come from Resource Groups: one ListGroupResources, nothing else to find them.
            if "resource_group" in targets and clean_sandbox.operations(service="resource-groups") != ["ListGroupResources"]:
                problems.append(f"{label}: Resource Groups calls {clean_sandbox.operations(service='resource-groups')}")
    assert not problems, "\n".join(problems)


def test_a_resource_group_targets_its_managed_nodes_only(patch_run, teams, clean_sandbox):
    clean_sandbox.step_clock(STEP)
    result = patch_run({"operation": "scan", "resource_group": "app-servers"})
    assert not result.get("failed"), result
    assert result["targeted_nodes"] == sorted(teams["app"])
    assert result["targets"] == [[{"Key": "resource-groups:Name", "Values": ["app-servers"]}]]
    assert result["summary"]["targeted"] == 2 and result["summary"]["succeeded"] == 2
    assert clean_sandbox.operations(service="resource-groups") == ["ListGroupResources"]
    assert clean_sandbox.operations(service="ssm").count("SendCommand") == 1


def stop_before(monkeypatch, clean_sandbox, function_name, node_ids):
    """The nodes stop between the module's listing and its send (a race only AWS sees): the real call follows."""
    module = importlib.import_module(MODULE)
    real = getattr(module, function_name)

    def stopped_then_sent(*args, **kwargs):
        clean_sandbox.client("ec2").stop_instances(InstanceIds=list(node_ids))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, function_name, stopped_then_sent)


def test_a_command_that_reports_zero_targets_fails_with_its_id(patch_run, teams, clean_sandbox, monkeypatch):
    stop_before(monkeypatch, clean_sandbox, "send_command", teams["app"])
    result = patch_run({"operation": "install", "tags": {"Team": "app"}})
    assert result.get("failed"), result
    [command_id] = result["command_ids"]
    assert f"command(s) {command_id} reported 0 targets" in result["msg"] and "us-east-1" in result["msg"]
    assert result["changed"] is True and result["status"] == "NoTargets"
    [command] = clean_sandbox.client("ssm").list_commands(CommandId=command_id)["Commands"]
    assert command["TargetCount"] == 0
    operations = clean_sandbox.operations(service="ssm")
    assert operations.count("SendCommand") == 1 and "ListCommandInvocations" not in operations


def test_an_association_that_runs_on_no_node_fails_with_its_id(patch_run, teams, clean_sandbox, monkeypatch):
    stop_before(monkeypatch, clean_sandbox, "create_association", teams["app"])
    result = patch_run({"operation": "scan", "tags": {"Team": "app"}, "mechanism": "association"})
    assert result.get("failed"), result
    association_id = result["association_id"]
    assert f"association {association_id} ran on no managed node" in result["msg"] and "us-east-1" in result["msg"]
    # A scan changes nothing, but the id is there to follow.
    assert result["changed"] is False and result["status"] == "NoTargets"
    assert clean_sandbox.operations(service="ssm").count("CreateAssociation") == 1


@pytest.mark.parametrize("operation, mechanism, denied, changed", [
    ("install", "command", "ListCommands", True),
    ("scan", "command", "ListCommandInvocations", False),
    ("install", "command", "DescribeInstancePatchStates", True),
    ("install", "association", "DescribeAssociationExecutions", True),
])
def test_a_denied_read_after_the_send_keeps_the_ids_and_the_change(
        patch_run, teams, clean_sandbox, operation, mechanism, denied, changed):
    clean_sandbox.step_clock(STEP)
    args = {"operation": operation, "tags": {"Team": "app"}, "mechanism": mechanism}
    module = importlib.import_module(MODULE)
    if denied == "DescribeInstancePatchStates":
        # Also read before the send (the nodes' states before the install): denied from the send on.
        real_send = module.PatchRun.send

        def send_then_deny(run):
            ids = real_send(run)
            clean_sandbox.set_fault("ssm", denied, access_denied_rate=1.0)
            return ids

        with pytest.MonkeyPatch.context() as patcher:
            patcher.setattr(module.PatchRun, "send", send_then_deny)
            result = patch_run(args)
    else:
        # Nothing reads these before the send, so the permission is gone from the start.
        clean_sandbox.set_fault("ssm", denied, access_denied_rate=1.0)
        result = patch_run(args)
    clean_sandbox.clear_faults()
    assert result.get("failed") and "uncaught" not in result, result
    assert result["changed"] is changed
    key = "association_id" if mechanism == "association" else "command_ids"
    assert result[key], result
    assert "AccessDenied" in result["msg"] and "the run goes on in AWS" in result["msg"] and "us-east-1" in result["msg"]
    sent = clean_sandbox.commands()
    assert len(sent) == 1
    if mechanism == "command":
        assert result["command_ids"] == [sent[0]["command_id"]]
    denied_calls = [call for call in clean_sandbox.calls(service="ssm", operation=denied) if call.get("injected")]
    assert len(denied_calls) == 1  # AccessDenied is never retried


def test_wait_timeout_keeps_the_ids_and_the_change(patch_run, teams, clean_sandbox):
    clean_sandbox.set_agent(seconds_per_node=30.0)
    result = patch_run({"operation": "install", "tags": {"Team": "app"}, "wait_timeout": 1})
    assert result.get("failed"), result
    assert "did not end within wait_timeout (1 s)" in result["msg"]
    assert result["changed"] is True and result["status"] == "InProgress" and len(result["command_ids"]) == 1
    assert result["command_ids"][0] in result["msg"]


def test_check_mode_reads_patch_states_50_ids_a_call_and_sends_nothing(patch_run, clean_sandbox):
    nodes = clean_sandbox.seed_nodes(60, "AMAZON_LINUX_2", kind="hybrid")
    clean_sandbox.clear_calls()
    result = patch_run({"operation": "install", "all_instances": True}, check_mode=True)
    assert result["changed"] is True and result["status"] == "NotSent"
    assert result["would_change"] == dict((node, "never scanned: no patch state") for node in sorted(nodes))
    assert clean_sandbox.operations(service="ssm").count("DescribeInstancePatchStates") == 2
    assert clean_sandbox.mutating_calls() == []


def test_check_mode_predicts_an_install_from_the_last_scan(patch_run, teams, clean_sandbox):
    clean_sandbox.step_clock(STEP)
    targets = {"tags": {"Team": "app"}}
    assert patch_run({"operation": "scan", **targets})["status"] == "Success"
    missing = patch_run({"operation": "install", **targets}, check_mode=True)
    assert missing["changed"] is True
    assert sorted(missing["would_change"]) == sorted(teams["app"])
    assert all(reason.endswith("missing") or "missing," in reason for reason in missing["would_change"].values())
    install = patch_run({"operation": "install", **targets})
    assert install["changed"] is True and install["summary"]["patches_missing"] == 0
    assert patch_run({"operation": "scan", **targets})["summary"]["patches_missing"] == 0
    clean_sandbox.clear_calls()
    patched = patch_run({"operation": "install", **targets}, check_mode=True)
    assert patched["changed"] is False and patched["would_change"] == {}
    scan = patch_run({"operation": "scan", **targets}, check_mode=True)
    assert scan["changed"] is False and scan["would_change"] == {}
    assert clean_sandbox.mutating_calls() == []


class Relay:
    """The sandbox behind an endpoint of its own: a TCP relay on another port, which `lose()` takes away
    (the listening socket and every connection closed), so the next call cannot connect. Cheaper than a
    sandbox of the test's own, started and stopped."""

    def __init__(self, port):
        self.port = port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.endpoint = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.connections = []
        self.lock = threading.Lock()
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.port))
            with self.lock:
                self.connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def pipe(source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)

    def lose(self):
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() above
        self.listener.close()
        with self.lock:
            for connection in self.connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
                connection.close()


def test_a_lost_endpoint_after_the_send_keeps_the_ids_and_the_change(patch_run, clean_sandbox, monkeypatch):
    """The endpoint goes away once the command is sent (the module reaches the sandbox through a relay, taken away)."""
    relay = Relay(clean_sandbox.port)
    try:
        monkeypatch.setenv("AWS_ENDPOINT_URL", relay.endpoint)
        # One attempt a call: botocore's own retries of a refused connection would only slow the test.
        monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
        clean_sandbox.seed_nodes(2, "AMAZON_LINUX_2", tags={"Team": "app"})
        module = importlib.import_module(MODULE)
        real_send = module.PatchRun.send

        def send_then_lose_the_endpoint(run):
            ids = real_send(run)
            relay.lose()
            return ids

        monkeypatch.setattr(module.PatchRun, "send", send_then_lose_the_endpoint)
        result = patch_run({"operation": "install", "tags": {"Team": "app"}})
    finally:
        relay.lose()
    assert result.get("failed") and "uncaught" not in result, result
    assert result["changed"] is True and len(result["command_ids"]) == 1
    assert "Could not connect to the endpoint URL" in result["msg"] and "the run goes on in AWS" in result["msg"]
    # The command was sent, through the relay, to the sandbox.
    assert [command["command_id"] for command in clean_sandbox.commands()] == result["command_ids"]


def invocation_peak(invocations):
    """The most invocations InProgress at once, from their start and finish times (ends before starts at a tie)."""
    events = []
    for invocation in invocations:
        plugins = invocation["CommandPlugins"]
        events.append((min(plugin["ResponseStartDateTime"] for plugin in plugins), 1))
        events.append((max(plugin["ResponseFinishDateTime"] for plugin in plugins), -1))
    level = peak = 0
    for _when, delta in sorted(events):
        level += delta
        peak = max(peak, level)
    return peak


def test_every_node_by_id_in_commands_of_50_and_an_absolute_max_concurrency_for_the_whole_run(patch_run, clean_sandbox):
    nodes = clean_sandbox.seed_nodes(120, "AMAZON_LINUX_2", kind="hybrid")
    clean_sandbox.clear_calls()
    clean_sandbox.step_clock(STEP)
    args = {"operation": "scan", "all_instances": True, "max_concurrency": "50", "max_errors": "0"}
    predicted = patch_run(args, check_mode=True)
    assert predicted["command_count"] == 3 and clean_sandbox.mutating_calls() == []

    result = patch_run(args)
    assert not result.get("failed"), result
    assert result["summary"]["succeeded"] == 120 and result["summary"]["not_sent"] == 0
    sends = clean_sandbox.calls(service="ssm", operation="SendCommand")
    # As check mode said: three commands (50, 50, 20 ids), never InstanceIds=*, each with its share.
    assert len(sends) == 3 and len(result["command_ids"]) == 3
    targets = [send["parameters"]["Targets"] for send in sends]
    assert all(target[0]["Key"] == "InstanceIds" and "*" not in target[0]["Values"] for target in targets)
    assert sorted(node for target in targets for node in target[0]["Values"]) == sorted(nodes)
    assert [(len(target[0]["Values"]), send["parameters"]["MaxConcurrency"]) for target, send in zip(targets, sends)] == [
        (50, "50"), (50, "50"), (20, "20")]
    # max_concurrency 50 over the run, not per command: never more than 50 invocations at once.
    ssm = clean_sandbox.client("ssm")
    invocations = [invocation for command_id in result["command_ids"]
                   for invocation in ssm.get_paginator("list_command_invocations").paginate(
                       CommandId=command_id, Details=True).build_full_result()["CommandInvocations"]]
    assert len(invocations) == 120
    assert invocation_peak(invocations) <= 50
    operations = clean_sandbox.operations(service="ssm")
    # The module's own reads: one listing of the nodes twice (check mode, then the run), each
    # command's invocations in one page of 50, and each command polled until it is over (how many polls
    # depends on how soon it ends), one ListCommands with its id a poll.
    assert operations.count("DescribeInstanceInformation") == 2 * 3
    assert operations.count("ListCommandInvocations") == 3 + 3  # the module's, then this test's
    polled = [call["parameters"]["CommandId"] for call in clean_sandbox.calls(service="ssm", operation="ListCommands")]
    assert set(polled) == set(result["command_ids"])


# --------------------------------------------------------------------------------------------------
# The workshop's scenarios, in process: hooks, an offline node, max_errors, the association mechanism,
# more than 50 ids, check mode, the execution timeout, and a fleet of 1,000.

def test_hooks_including_a_failing_pre_install_hook(patch_run, clean_sandbox):
    node_ids = workshop(clean_sandbox)
    clean_sandbox.step_clock(STEP)
    # The scan of App first, so that the installs are measured against a known state.
    scan = patch_run({"operation": "scan", "patch_groups": ["App"]})
    assert not scan.get("failed") and scan["status"] == "Success", scan
    hooked = patch_run({"operation": "install", "instance_ids": [node_ids["App1"]], "pre_install_hook": "GoodHook",
                        "post_install_hook": "GoodHook", "on_exit_hook": "GoodHook"})
    assert not hooked.get("failed"), hooked
    failed_hook = patch_run({"operation": "install", "instance_ids": [node_ids["App2"]], "pre_install_hook": "FailingHook",
                             "on_exit_hook": "GoodHook", "max_errors": "0"})
    # Hooks ran through AWS-RunPatchBaselineWithHooks; the failing one stopped the install.
    assert hooked["changed"] is True
    assert hooked["document"] == "AWS-RunPatchBaselineWithHooks"
    assert hooked["parameters"]["PreInstallHookDocName"] == ["GoodHook"]
    assert hooked["summary"]["succeeded"] == 1
    assert hooked["summary"]["patches_installed"] > 0
    assert failed_hook.get("failed"), failed_hook
    assert failed_hook["summary"]["failed"] == 1
    assert failed_hook["summary"]["patches_installed"] == 0
    assert re.search("Failed", failed_hook["failures"][node_ids["App2"]])
    assert "1 of 1 nodes did not succeed" in failed_hook["msg"]


def test_an_offline_node(patch_run, clean_sandbox):
    node_ids = workshop(clean_sandbox)
    clean_sandbox.take_offline(node_ids["Web1"])
    clean_sandbox.step_clock(STEP)
    offline_scan = patch_run({"operation": "scan", "instance_ids": [node_ids["Web1"], node_ids["Web2"]], "timeout_seconds": 30})
    # The offline node timed out in delivery, the other succeeded, and the run says so.
    assert not offline_scan.get("failed"), offline_scan
    assert offline_scan["status"] == "Incomplete"
    assert offline_scan["summary"]["succeeded"] == 1
    assert offline_scan["summary"]["undeliverable"] == 1
    assert list(offline_scan["failures"]) == [node_ids["Web1"]]


def test_a_failing_patch_under_and_over_max_errors(patch_run, clean_sandbox):
    node_ids = workshop(clean_sandbox)
    clean_sandbox.set_failing_patches(node_ids["App1"], ["kernel*", "glibc*", "openssl*", "curl*"])
    clean_sandbox.step_clock(STEP)
    both = [node_ids["App1"], node_ids["App2"]]
    under = patch_run({"operation": "install", "instance_ids": both, "max_errors": "1"})
    over = patch_run({"operation": "install", "instance_ids": both, "max_errors": "0"})
    # Under max_errors the task passes and names the failure; over it, it fails.
    assert not under.get("failed"), under
    assert under["changed"] is True
    assert under["summary"]["failed"] == 1
    assert list(under["failures"]) == [node_ids["App1"]]
    assert [node["patch_counts"]["failed"] for node in under["nodes"] if node["instance_id"] == node_ids["App1"]][0] > 0
    # With no error allowed, App2 (after App1, one node at a time) is never started.
    assert over.get("failed"), over
    # An install was started: the failed task still reports the change and the command to follow up.
    assert over["changed"] is True
    assert len(over["command_ids"]) == 1
    assert re.match("Failed", over["failures"][node_ids["App1"]])
    assert re.match("Cancelled", over["failures"][node_ids["App2"]])
    assert over["summary"]["failed"] == 1
    assert "max_errors 0" in over["msg"]


def test_association_mechanism(patch_run, clean_sandbox):
    workshop(clean_sandbox)
    clean_sandbox.step_clock(STEP)
    # Scan Web through a one-time association, as the console's Patch now does.
    via_association = patch_run({"operation": "scan", "patch_groups": ["Web"], "mechanism": "association"})
    # The association ran a command on both Web nodes.
    assert not via_association.get("failed"), via_association
    assert isinstance(via_association["association_id"], str)
    assert via_association["status"] == "Success"
    assert via_association["summary"]["succeeded"] == 2
    assert via_association["targets"] == [[{"Key": "tag:Patch Group", "Values": ["Web"]}]]
    associations = clean_sandbox.client("ssm").list_associations()["Associations"]
    assert [association["Name"] for association in associations] == ["AWS-RunPatchBaseline"]


def test_more_than_50_ids_are_sent_in_chunks(patch_run, clean_sandbox):
    many_ids = clean_sandbox.seed_nodes(60, "AMAZON_LINUX_2", kind="hybrid")
    clean_sandbox.step_clock(STEP)
    many = patch_run({"operation": "scan", "instance_ids": many_ids})
    # Two commands of at most 50 ids, merged into one result.
    assert not many.get("failed"), many
    assert len(many["command_ids"]) == 2
    assert len(many["targets"][0][0]["Values"]) == 50
    assert len(many["targets"][1][0]["Values"]) == 10
    assert many["summary"]["succeeded"] == 60
    assert sorted(node["instance_id"] for node in many["nodes"]) == sorted(many_ids)


def test_check_mode_sends_nothing(patch_run, clean_sandbox):
    node_ids = workshop(clean_sandbox)
    clean_sandbox.clear_calls()
    predicted = patch_run({"operation": "install", "patch_groups": ["App"], "pre_install_hook": "GoodHook",
                           "snapshot_id": "8d1b5c6e-1f2a-4b3c-9d8e-7f6a5b4c3d2e"}, check_mode=True)
    # Check mode names the nodes, the document and the parameters, and sends nothing.
    app = sorted([node_ids["App1"], node_ids["App2"]])
    assert predicted["changed"] is True, predicted
    # The nodes were never scanned: nothing tells what they lack, so an install would change them.
    assert sorted(predicted["would_change"]) == app
    assert sorted(set(predicted["would_change"].values())) == ["never scanned: no patch state"]
    assert predicted["status"] == "NotSent"
    assert sorted(predicted["targeted_nodes"]) == app
    assert predicted["document"] == "AWS-RunPatchBaselineWithHooks"
    assert predicted["parameters"]["SnapshotId"] == ["8d1b5c6e-1f2a-4b3c-9d8e-7f6a5b4c3d2e"]
    assert predicted["max_concurrency"] == "1"
    assert predicted["max_errors"] == "1"
    predicted_scan = patch_run({"operation": "scan", "patch_groups": ["App"]}, check_mode=True)
    # A scan never changes anything.
    assert not predicted_scan.get("failed") and not predicted_scan.get("changed"), predicted_scan
    assert predicted_scan["would_change"] == {}
    assert len(predicted_scan["targeted_nodes"]) == 2
    assert clean_sandbox.mutating_calls() == []


def test_polling_1000_nodes_costs_one_call_a_poll_and_reads_results_in_pages_of_50(patch_run, clean_sandbox):
    fleet_size = 1000
    clean_sandbox.seed_nodes(fleet_size, "AMAZON_LINUX_2", kind="hybrid")
    clean_sandbox.set_agent(seconds_per_node=1.0)
    clean_sandbox.clear_calls()
    # Time moves one second with every SSM request, whatever the machine's speed: a command's 50
    # nodes (all at once) take one second, and the other 19 sends and polls come between a command's
    # send and its first poll, so each command is over when it is first polled.
    clean_sandbox.freeze_clock()
    clean_sandbox.step_clock(1.0)
    try:
        fleet = patch_run({"operation": "scan", "all_instances": True})
    finally:
        clean_sandbox.step_clock(0)
        clean_sandbox.unfreeze_clock()
    # Every node scanned.
    assert not fleet.get("failed"), {key: value for key, value in fleet.items() if key != "nodes"}
    assert fleet["summary"]["succeeded"] == fleet_size
    assert len(fleet["nodes"]) == fleet_size

    operations = clean_sandbox.operations(service="ssm")
    pages = math.ceil(fleet_size / 50)
    # Every node by id, 50 to a command (Run Command takes no InstanceIds=*); the scan's default
    # max_concurrency 1000 lets all 20 commands of 50 go at once.
    sends = clean_sandbox.calls(service="ssm", operation="SendCommand")
    assert len(sends) == pages
    assert all(send["parameters"]["Targets"][0]["Values"] != ["*"] for send in sends)
    assert sorted(node for send in sends for node in send["parameters"]["Targets"][0]["Values"]) == sorted(set(
        node for send in sends for node in send["parameters"]["Targets"][0]["Values"]))
    assert operations.count("GetCommandInvocation") == 0
    # Results: every invocation once, in pages of 50 (one command's 50 nodes are one page); patch
    # states in batches of 50 ids.
    assert operations.count("ListCommandInvocations") == pages
    assert operations.count("DescribeInstancePatchStates") == pages
    # Finding the targets: the managed-node listing in pages of 50.
    assert operations.count("DescribeInstanceInformation") == pages
    # Polling: one ListCommands call a command a poll, and one poll found every command over.
    assert operations.count("ListCommands") == pages


def test_execution_timeout_cancels_the_run(patch_run, clean_sandbox):
    workshop(clean_sandbox)
    # In real time: the module's execution_timeout is measured on its own clock, so the run must
    # still be going when 3 s of it have passed (four nodes one at a time, 2.5 s each).
    clean_sandbox.set_agent(seconds_per_node=2.0, reboot_seconds=0.5)
    timed_out = patch_run({"operation": "install", "all_instances": True, "execution_timeout": 3})
    # The run was cancelled after the timeout and the task failed, naming the cancelled nodes.
    assert timed_out.get("failed"), timed_out
    assert timed_out["changed"] is True
    assert len(timed_out["command_ids"]) == 1
    assert timed_out["status"] == "Cancelled"
    assert timed_out["summary"]["cancelled"] >= 1
    assert timed_out["summary"]["succeeded"] < 4
    assert "the run ended Cancelled" in timed_out["msg"] or "did not succeed" in timed_out["msg"]
