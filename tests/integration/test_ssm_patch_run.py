"""ssm_patch_run against the sandbox agent: the workshop, hooks, faults, mechanisms and scale."""

import json
import math

import pytest

WORKSHOP_NODES = ("App1", "App2", "Web1", "Web2")
BUCKET = "ssm-command-logs-us-east-1-123456789012"


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


def test_workshop_scan_then_install(run_target, agent):
    node_ids = {name: agent.seed_nodes(1, "AMAZON_LINUX_2", tags={"Name": name})[0] for name in WORKSHOP_NODES}
    agent.client("s3").create_bucket(Bucket=BUCKET)
    run_target("ssm_patch_run", {"node_ids": node_ids, "output_bucket": BUCKET})

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


def run_scenario(run_target, scenario, extra=None, **kwargs):
    return run_target("ssm_patch_run_scenarios", {"scenario": scenario, **(extra or {})}, **kwargs)


def test_hooks_including_a_failing_pre_install_hook(run_target, agent):
    run_scenario(run_target, "hooks", {"node_ids": workshop(agent)})


def test_an_offline_node(run_target, agent):
    node_ids = workshop(agent)
    agent.take_offline(node_ids["Web1"])
    run_scenario(run_target, "offline", {"node_ids": node_ids})


def test_a_failing_patch_under_and_over_max_errors(run_target, agent):
    node_ids = workshop(agent)
    agent.set_failing_patches(node_ids["App1"], ["kernel*", "glibc*", "openssl*", "curl*"])
    run_scenario(run_target, "max_errors", {"node_ids": node_ids})


def test_association_mechanism(run_target, agent):
    run_scenario(run_target, "association", {"node_ids": workshop(agent)})
    associations = agent.client("ssm").list_associations()["Associations"]
    assert [association["Name"] for association in associations] == ["AWS-RunPatchBaseline"]


def test_more_than_50_ids_are_sent_in_chunks(run_target, agent):
    many_ids = agent.seed_nodes(60, "AMAZON_LINUX_2", kind="hybrid")
    run_scenario(run_target, "many_ids", {"many_ids": many_ids})


def test_check_mode_sends_nothing(run_target, agent):
    node_ids = workshop(agent)
    agent.clear_calls()
    run_scenario(run_target, "check_mode", {"node_ids": node_ids})
    assert agent.mutating_calls() == []


def test_polling_1000_nodes_costs_one_call_a_poll_and_reads_results_in_pages_of_50(run_target, agent):
    fleet_size = 1000
    agent.seed_nodes(fleet_size, "AMAZON_LINUX_2", kind="hybrid")
    agent.set_agent(seconds_per_node=1.0)
    agent.clear_calls()

    run_scenario(run_target, "fleet", {"fleet_size": fleet_size})

    operations = agent.operations(service="ssm")
    pages = math.ceil(fleet_size / 50)
    assert operations.count("SendCommand") == 1
    assert operations.count("GetCommandInvocation") == 0
    # Results: every invocation once, in pages of 50; patch states in batches of 50 ids.
    assert operations.count("ListCommandInvocations") == pages
    assert operations.count("DescribeInstancePatchStates") == pages
    # Finding the targets: the managed-node listing in pages of 50.
    assert operations.count("DescribeInstanceInformation") == pages
    # While the run goes on, each poll is one ListCommands call.
    assert 1 <= operations.count("ListCommands") <= 10


def test_converges_with_30_percent_throttling(run_target, agent):
    node_ids = {name: agent.seed_nodes(1, "AMAZON_LINUX_2", tags={"Name": name})[0] for name in WORKSHOP_NODES}
    agent.client("s3").create_bucket(Bucket=BUCKET)
    agent.set_fault("ssm", "*", throttle_rate=0.3, seed=7)
    try:
        run_target("ssm_patch_run", {"node_ids": node_ids, "output_bucket": BUCKET})
        throttled = [call for call in agent.calls(service="ssm") if call.get("injected")]
    finally:
        agent.clear_faults()
    assert len(throttled) > 10


def test_execution_timeout_cancels_the_run(run_target, agent):
    node_ids = workshop(agent)
    agent.set_agent(seconds_per_node=2.0, reboot_seconds=0.5)
    run_scenario(run_target, "execution_timeout", {"node_ids": node_ids})
