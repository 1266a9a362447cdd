"""Every SSM feature of the sandbox per account x region, each pair isolated from the others.

Two fresh accounts x two regions. Account A is reached the way a fleet run reaches a member account, through
STS AssumeRole (moto serves the assumed role's credentials in the role's account); account B through moto's
`x-moto-account-id` header. A patch scan, an association and a maintenance window in one pair leave the
three others untouched; DescribeInstanceInformation in each pair lists only that pair's nodes; the call log
records the account of every call.
"""

import pytest

from sandbox.tests.patch_isolation import new_account_id

REGIONS = ("us-east-1", "eu-west-1")


@pytest.fixture
def world(frozen_clock):
    sandbox = frozen_clock
    account_a, account_b = new_account_id(), new_account_id()
    role_arn = sandbox.put_role(account_a, "CloudPatchMember", trusted_principal="arn:aws:iam::123456789012:root")
    credentials = sandbox.assume_role(role_arn, session_name="isolation")
    clients, nodes = {}, {}
    for region in REGIONS:
        clients[account_a, region] = sandbox.client("ssm", region=region, credentials=credentials)
        clients[account_b, region] = sandbox.client("ssm", region=region, account_id=account_b)
        for account in (account_a, account_b):
            nodes[account, region] = sandbox.seed_nodes(2, "AMAZON_LINUX_2", kind="hybrid", region=region,
                                                        account_id=account)
    return sandbox, account_a, account_b, clients, nodes


def _node_ids(ssm):
    return sorted(node["InstanceId"] for page in ssm.get_paginator("describe_instance_information").paginate()
                  for node in page["InstanceInformationList"])


def test_each_account_region_lists_only_its_own_nodes(world):
    sandbox, _account_a, _account_b, clients, nodes = world
    for pair, ssm in clients.items():
        assert _node_ids(ssm) == sorted(nodes[pair])
        assert sorted(node["instance_id"] for node in sandbox.nodes(region=pair[1], account_id=pair[0])) == sorted(nodes[pair])


def test_a_scan_in_one_pair_leaves_the_others_untouched(world):
    sandbox, account_a, _account_b, clients, nodes = world
    scanned = (account_a, "us-east-1")
    sent = clients[scanned].send_command(DocumentName="AWS-RunPatchBaseline", InstanceIds=nodes[scanned],
                                         Parameters={"Operation": ["Scan"]})["Command"]
    sandbox.advance_clock(600)
    assert clients[scanned].list_commands(CommandId=sent["CommandId"])["Commands"][0]["Status"] == "Success"
    states = clients[scanned].describe_instance_patch_states(InstanceIds=nodes[scanned])["InstancePatchStates"]
    assert sorted(state["InstanceId"] for state in states) == sorted(nodes[scanned])
    summaries = clients[scanned].list_resource_compliance_summaries(
        Filters=[{"Key": "ComplianceType", "Values": ["Patch"], "Type": "EQUAL"}])["ResourceComplianceSummaryItems"]
    assert sorted(item["ResourceId"] for item in summaries) == sorted(nodes[scanned])
    assert [command["command_id"] for command in sandbox.commands("us-east-1", account_id=account_a)] == [sent["CommandId"]]
    for pair, ssm in clients.items():
        if pair == scanned:
            continue
        assert ssm.list_commands()["Commands"] == []
        assert ssm.describe_instance_patch_states(InstanceIds=nodes[pair])["InstancePatchStates"] == []
        assert ssm.list_resource_compliance_summaries()["ResourceComplianceSummaryItems"] == []
        assert sandbox.commands(pair[1], account_id=pair[0]) == []


def test_associations_windows_and_compliance_stay_in_their_pair(world):
    sandbox, _account_a, account_b, clients, nodes = world
    home = (account_b, "eu-west-1")
    ssm = clients[home]
    association = ssm.create_association(Name="AWS-RunPatchBaseline", Parameters={"Operation": ["Scan"]},
                                         Targets=[{"Key": "InstanceIds", "Values": ["*"]}])["AssociationDescription"]
    window = ssm.create_maintenance_window(Name="nightly", Schedule="cron(0 2 ? * * *)", Duration=2, Cutoff=1,
                                           AllowUnassociatedTargets=False)["WindowId"]
    ssm.put_compliance_items(ResourceId=nodes[home][0], ResourceType="ManagedInstance", ComplianceType="Custom:Disk",
                             ExecutionSummary={"ExecutionTime": 1700000000},
                             Items=[{"Id": "disk", "Severity": "HIGH", "Status": "NON_COMPLIANT"}])
    sandbox.advance_clock(600)
    assert [item["AssociationId"] for item in ssm.list_associations()["Associations"]] == [association["AssociationId"]]
    assert [item["WindowId"] for item in ssm.describe_maintenance_windows()["WindowIdentities"]] == [window]
    custom = ssm.list_compliance_items(ResourceIds=[nodes[home][0]], ResourceTypes=["ManagedInstance"],
                                       Filters=[{"Key": "ComplianceType", "Values": ["Custom:Disk"]}])
    assert [item["Id"] for item in custom["ComplianceItems"]] == ["disk"]
    # The association ran on this pair's nodes only.
    executed = ssm.describe_association_execution_targets(
        AssociationId=association["AssociationId"],
        ExecutionId=ssm.describe_association_executions(
            AssociationId=association["AssociationId"])["AssociationExecutions"][0]["ExecutionId"])
    assert sorted(target["ResourceId"] for target in executed["AssociationExecutionTargets"]) == sorted(nodes[home])
    for pair, other in clients.items():
        if pair == home:
            continue
        assert other.list_associations()["Associations"] == []
        assert other.describe_maintenance_windows()["WindowIdentities"] == []
        assert other.list_compliance_summaries()["ComplianceSummaryItems"] == []


def test_the_call_log_records_each_calls_account(world):
    sandbox, account_a, account_b, clients, _nodes = world
    sandbox.clear_calls()
    clients[account_a, "eu-west-1"].describe_instance_information()
    clients[account_b, "us-east-1"].describe_instance_information()
    logged = [(call["account_id"], call["region"]) for call in sandbox.calls(service="ssm")]
    assert logged == [(account_a, "eu-west-1"), (account_b, "us-east-1")]
    assert [call["region"] for call in sandbox.calls(service="ssm", account_id=account_a)] == ["eu-west-1"]
