"""Contract: instance patch states, a node's patches and a patch group's state, against the AWS
CLI's documented examples (awscli/examples/ssm/*.rst; each test names its file and example), after
the nodes ran AWS-RunPatchBaseline on the frozen clock. Outputs are compared member by member on the
raw wire body (sandbox/tests/contract/compare.py)."""

import pytest

from sandbox.tests.contract import nodes
from sandbox.tests.contract.wire import assert_matches, call, run

# A patch's title and classification, and a state's severity and patch state, are the sandbox
# catalog's: compared by type; ids and times by format.
PATCH_TEXT = ("Title", "Classification", "Severity", "State")


# The examples' nodes miss approved patches: their baselines approve security and critical updates.
APPROVE_SECURITY = {"PatchRules": [{"PatchFilterGroup": {"PatchFilters": [
    {"Key": "CLASSIFICATION", "Values": ["SecurityUpdates", "CriticalUpdates"]}]}, "ApproveAfterDays": 0}]}
TOKEN = ["NextToken"]  # the CLI prints '--token string truncated--' for whatever token AWS sent


def group_baseline(ssm, group):
    baseline = ssm.create_patch_baseline(Name=f"{group}-baseline", OperatingSystem="WINDOWS",
                                         ApprovalRules=APPROVE_SECURITY)["BaselineId"]
    ssm.register_patch_baseline_for_patch_group(BaselineId=baseline, PatchGroup=group)
    return baseline


@pytest.fixture
def production(sandbox, frozen_clock, ssm, account):  # pylint: disable=unused-argument
    """Two Windows EC2 nodes of patch group Production (on its own baseline), scanned, NoReboot."""
    group_baseline(ssm, "Production")
    ids = nodes.seed(sandbox, account, 2, tags={"Patch Group": "Production"})
    nodes.patch(sandbox, ssm, ids)
    return ids


# awscli/examples/ssm/describe-instance-patch-states.rst: a node of my-patch-group, its own
# baseline, an install without reboot (LastNoRebootInstallOperationTime) and then a scan with
# RebootIfNeeded (the last operation's option).
def test_describe_instance_patch_states(sandbox, frozen_clock, ssm, account):  # pylint: disable=unused-argument
    group_baseline(ssm, "my-patch-group")
    [node] = nodes.seed(sandbox, account, 1, tags={"Patch Group": "my-patch-group"})
    nodes.patch(sandbox, ssm, [node], "Install", "NoReboot")
    nodes.patch(sandbox, ssm, [node], "Scan", "RebootIfNeeded")
    example, raw = run(ssm, "describe_instance_patch_states", InstanceIds=[node])
    assert_matches(ssm, example, raw)


# awscli/examples/ssm/describe-instance-patch-states-for-patch-group.rst, Example 1
def test_describe_instance_patch_states_for_patch_group(ssm, production):
    example, raw = run(ssm, "describe_instance_patch_states_for_patch_group_1")
    assert_matches(ssm, example, raw)
    assert sorted(state["InstanceId"] for state in raw["InstancePatchStates"]) == sorted(production)


# awscli/examples/ssm/describe-instance-patch-states-for-patch-group.rst, Example 2
def test_describe_instance_patch_states_for_patch_group_more_than_five_missing(ssm, production):
    missing = {state["InstanceId"]: state["MissingCount"] for state in
               ssm.describe_instance_patch_states(InstanceIds=production)["InstancePatchStates"]}
    assert all(count > 5 for count in missing.values()), missing  # the example's world: more than five
    example, raw = run(ssm, "describe_instance_patch_states_for_patch_group_2")
    assert_matches(ssm, {**example, "output": {"InstancePatchStates": example["output"]["InstancePatchStates"]
                                               + ["..."]}}, raw)
    assert len(raw["InstancePatchStates"]) == 2


# awscli/examples/ssm/describe-instance-patch-states-for-patch-group.rst, Example 3
def test_describe_instance_patch_states_for_patch_group_fewer_than_ten_pending_reboot(ssm, production):
    example, raw = run(ssm, "describe_instance_patch_states_for_patch_group_3")
    assert_matches(ssm, {**example, "output": {"InstancePatchStates": example["output"]["InstancePatchStates"]
                                               + ["..."]}}, raw)
    assert len(raw["InstancePatchStates"]) == 2


# awscli/examples/ssm/describe-instance-patches.rst, Example 1: an Installed patch and an
# InstalledOther one (KB4481031, with Title, Classification and Severity ""). The example shows the
# first items of the listing and AWS promises no order, so the node's patches are read to the last
# page and the example's items looked for among all of them.
def test_describe_instance_patches(ssm, production):
    example, raw = run(ssm, "describe_instance_patches_1", InstanceId=production[0])
    patches = list(raw["Patches"])
    while raw.get("NextToken"):
        raw, _ = call(ssm, "DescribeInstancePatches", InstanceId=production[0], NextToken=raw["NextToken"])
        patches.extend(raw["Patches"])
    assert any(patch["State"] == "InstalledOther" for patch in patches)
    assert_matches(ssm, example, {"Patches": patches}, loose=[f"Patches[].{name}" for name in PATCH_TEXT] + TOKEN,
                   optional=TOKEN)


# awscli/examples/ssm/describe-instance-patches.rst, Example 2
def test_describe_instance_patches_missing(ssm, production):
    example, raw = run(ssm, "describe_instance_patches_2", InstanceId=production[0])
    assert_matches(ssm, example, raw, loose=["Patches[].Title", "Patches[].Classification", "Patches[].Severity"] + TOKEN,
                   optional=TOKEN)


# awscli/examples/ssm/describe-instance-patches.rst, Example 3
def test_describe_instance_patches_installed(ssm, production):
    example, raw = run(ssm, "describe_instance_patches_3", InstanceId=production[0])
    assert_matches(ssm, example, raw, loose=["Patches[].Title", "Patches[].Classification", "Patches[].Severity"] + TOKEN,
                   optional=TOKEN)


# awscli/examples/ssm/describe-patch-group-state.rst
def test_describe_patch_group_state(ssm, production):  # pylint: disable=unused-argument
    example, raw = run(ssm, "describe_patch_group_state")
    assert_matches(ssm, example, raw)
    assert raw["Instances"] == 2


# API reference, InstancePatchState: OperationStartTime "The time the most recent patching operation
# was started on the managed node", OperationEndTime "... completed": both within the command's run
# on that node (ListCommandInvocations' RequestedDateTime and the invocation's end).
def test_patch_state_times_fall_inside_the_agents_run(sandbox, frozen_clock, ssm, account):  # pylint: disable=unused-argument
    [node] = nodes.seed(sandbox, account, 1)
    command_id = nodes.patch(sandbox, ssm, [node])
    [invocation] = call(ssm, "ListCommandInvocations", CommandId=command_id, Details=True)[0]["CommandInvocations"]
    [plugin] = [plugin for plugin in invocation["CommandPlugins"] if plugin["Name"] == "PatchWindows"]
    [state] = call(ssm, "DescribeInstancePatchStates", InstanceIds=[node])[0]["InstancePatchStates"]
    step = (plugin["ResponseStartDateTime"], plugin["ResponseFinishDateTime"])
    operation = (state["OperationStartTime"], state["OperationEndTime"])
    assert step[0] <= operation[0] < operation[1] <= step[1], f"step {step}, patch state {operation}"
