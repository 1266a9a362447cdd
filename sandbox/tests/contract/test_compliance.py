"""Contract: compliance summaries and items, PutComplianceItems and DescribeInstanceInformation,
against the AWS CLI's documented examples (awscli/examples/ssm/*.rst; each test names its file and
example). Outputs are compared member by member on the raw wire body (sandbox/tests/contract/compare.py).

The examples' world: nodes with State Manager associations that ran (compliance type Association)
and nodes scanned by AWS-RunPatchBaseline (type Patch), on the frozen clock.
"""

import pytest

from sandbox.tests.contract import nodes
from sandbox.tests.contract.test_patch_states import APPROVE_SECURITY
from sandbox.tests.contract.wire import assert_matches, run, shape_only

TOKEN = ["NextToken"]  # the CLI prints '--token string truncated--' for whatever token AWS sent


def associate(sandbox, ssm, node_ids, **fields):
    """A State Manager association of the nodes, run once to its end; returns its id."""
    association = ssm.create_association(
        Name="AWS-RunPowerShellScript", Parameters={"commands": ["Write-Output compliant"]},
        Targets=[{"Key": "InstanceIds", "Values": list(node_ids)}], **fields)["AssociationDescription"]
    sandbox.advance_clock(nodes.RUN_SECONDS)
    return association["AssociationId"]


@pytest.fixture
def world(sandbox, frozen_clock, ssm, account):  # pylint: disable=unused-argument
    """Windows node A with two associations that succeeded; node B scanned against a baseline it
    misses patches of (non-compliant) and node C against one that approves nothing (compliant)."""
    [node_a] = nodes.seed(sandbox, account, 1)
    associations = [associate(sandbox, ssm, [node_a]), associate(sandbox, ssm, [node_a])]
    scanned = {}
    for name, rules in (("Missing", APPROVE_SECURITY), ("Met", None)):
        baseline = ssm.create_patch_baseline(Name=name, OperatingSystem="WINDOWS",
                                             **({"ApprovalRules": rules} if rules else {}))["BaselineId"]
        ssm.register_patch_baseline_for_patch_group(BaselineId=baseline, PatchGroup=name)
        [scanned[name]] = nodes.seed(sandbox, account, 1, tags={"Patch Group": name})
    nodes.patch(sandbox, ssm, scanned.values())
    return {"a": node_a, "b": scanned["Missing"], "c": scanned["Met"], "associations": associations}


# awscli/examples/ssm/list-compliance-summaries.rst, first example
def test_list_compliance_summaries(ssm, world):  # pylint: disable=unused-argument
    example, raw = run(ssm, "list_compliance_summaries_1")
    assert_matches(ssm, example, raw, loose=TOKEN, optional=TOKEN)


# awscli/examples/ssm/list-compliance-summaries.rst, second example (no output shown)
def test_list_compliance_summaries_of_patch(ssm, world):  # pylint: disable=unused-argument
    example, raw = run(ssm, "list_compliance_summaries_2")
    assert shape_only(ssm, example, raw) == []
    assert [item["ComplianceType"] for item in raw["ComplianceSummaryItems"]] == ["Patch"]


# awscli/examples/ssm/list-resource-compliance-summaries.rst, first example
def test_list_resource_compliance_summaries(ssm, world):  # pylint: disable=unused-argument
    example, raw = run(ssm, "list_resource_compliance_summaries_1")
    assert_matches(ssm, {**example, "output": {**example["output"], "ResourceComplianceSummaryItems":
                                               example["output"]["ResourceComplianceSummaryItems"] + ["..."]}},
                   raw, loose=TOKEN, optional=TOKEN)


# awscli/examples/ssm/list-resource-compliance-summaries.rst, second example (no output shown)
def test_list_resource_compliance_summaries_of_patch(ssm, world):
    example, raw = run(ssm, "list_resource_compliance_summaries_2")
    assert shape_only(ssm, example, raw) == []
    assert {item["ComplianceType"] for item in raw["ResourceComplianceSummaryItems"]} == {"Patch"}
    assert world["a"] not in [item["ResourceId"] for item in raw["ResourceComplianceSummaryItems"]]


# awscli/examples/ssm/list-compliance-items.rst, first example: node A's two association items
def test_list_compliance_items_of_a_node(ssm, world):
    example, raw = run(ssm, "list_compliance_items_1", ResourceIds=[world["a"]])
    assert_matches(ssm, example, raw, loose=["ComplianceItems[].Details.DocumentName"] + TOKEN, optional=TOKEN)


# awscli/examples/ssm/list-compliance-items.rst, second example (no output shown)
def test_list_compliance_items_of_an_association(ssm, world):
    example, raw = run(ssm, "list_compliance_items_2", ResourceIds=[world["a"]], Filters=[
        {"Key": "ComplianceType", "Values": ["Association"], "Type": "EQUAL"},
        {"Key": "Id", "Values": [world["associations"][1]], "Type": "EQUAL"}])
    assert shape_only(ssm, example, raw) == []
    assert [item["Id"] for item in raw["ComplianceItems"]] == [world["associations"][1]]


# awscli/examples/ssm/list-compliance-items.rst, third example (no output shown): items executed
# after a time (every item of node A: its associations ran on the sandbox's clock, after 2019)
def test_list_compliance_items_after_a_time(ssm, world):
    example, raw = run(ssm, "list_compliance_items_3", ResourceIds=[world["a"]])
    assert shape_only(ssm, example, raw) == []
    assert len(raw["ComplianceItems"]) == 2


# awscli/examples/ssm/put-compliance-items.rst: "There is no output if the command succeeds."
def test_put_compliance_items(ssm, world):
    example, raw = run(ssm, "put_compliance_items", ResourceId=world["c"])
    assert_matches(ssm, example, raw)
    items = ssm.list_compliance_items(ResourceIds=[world["c"]], ResourceTypes=["ManagedInstance"], Filters=[
        {"Key": "ComplianceType", "Values": ["Custom:AVCheck"], "Type": "EQUAL"}])["ComplianceItems"]
    assert [(item["Id"], item["Title"], item["Severity"], item["Status"]) for item in items] == [
        ("Version2.0", "ScanHost", "CRITICAL", "COMPLIANT")]


# DescribeInstanceInformation -----------------------------------------------------------------

# An EC2 node's name, IP address and agent's computer name, and its platform's version, are the
# seeded machine's; compared by type (the IP address by format).
NODE_TEXT = ["InstanceInformationList[].ComputerName", "InstanceInformationList[].PlatformVersion"]


@pytest.fixture
def dev_node(sandbox, frozen_clock, ssm, account):  # pylint: disable=unused-argument
    """The example's node: SLES on EC2, tag key DEV, two associations that succeeded on it."""
    [node] = nodes.seed(sandbox, account, 1, "SUSE", tags={"DEV": "true"})
    for _ in range(2):
        ssm.create_association(Name="AWS-RunShellScript", Parameters={"commands": ["echo ok"]},
                               Targets=[{"Key": "InstanceIds", "Values": [node]}])
    sandbox.advance_clock(nodes.RUN_SECONDS)
    return node


# awscli/examples/ssm/describe-instance-information.rst, Example 3
def test_describe_instance_information_with_tag_key(ssm, dev_node):  # pylint: disable=unused-argument
    example, raw = run(ssm, "describe_instance_information_3")
    assert_matches(ssm, example, raw, loose=NODE_TEXT)


# awscli/examples/ssm/describe-instance-information.rst, Example 1 (no output shown)
def test_describe_instance_information_all(sandbox, ssm, account, dev_node):
    [other] = nodes.seed(sandbox, account, 1, "AMAZON_LINUX_2")
    example, raw = run(ssm, "describe_instance_information_1")
    assert shape_only(ssm, example, raw) == []
    assert sorted(node["InstanceId"] for node in raw["InstanceInformationList"]) == sorted([dev_node, other])


# awscli/examples/ssm/describe-instance-information.rst, Example 2 (no output shown)
def test_describe_instance_information_of_one_node(sandbox, ssm, account, dev_node):
    nodes.seed(sandbox, account, 1, "AMAZON_LINUX_2")
    example, raw = run(ssm, "describe_instance_information_2",
                       Filters=[{"Key": "InstanceIds", "Values": [dev_node]}])
    assert shape_only(ssm, example, raw) == []
    assert [node["InstanceId"] for node in raw["InstanceInformationList"]] == [dev_node]
