"""The patch-state and compliance reads through boto3 (in-process moto with the extensions): shapes
parsed by botocore, errors, limits, filters and paginators, after scans run by the agent in process."""

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.ssm.models import ssm_backends

from sandbox.install import install_all
from sandbox.agent.managed_nodes import register_hybrid_node
from sandbox.agent.patch_agent import run_patch_baseline
from sandbox.ssm.patch_baselines import create_baseline
from sandbox.ssm.patch_groups import register_patch_group
from sandbox.tests.agent.test_patch_agent import SNAPSHOT, WORKSHOP_BASELINE

ACCOUNT = "123456789012"


@pytest.fixture(scope="module")
def world():
    install_all()
    with mock_aws():
        backend = ssm_backends[ACCOUNT]["us-east-1"]
        custom = create_baseline(backend, WORKSHOP_BASELINE)
        register_patch_group(backend, custom, "App")
        # Fixed ids: a node's installed packages follow from its id (patch_catalog.installed_codes), and
        # the assertions below name what App1 misses.
        ids = {name: f"mi-{index:017x}" for index, name in enumerate(("App1", "App2", "Web1", "Web2", "Never", "Win"), 1)}
        nodes = {}
        for name, group in (("App1", "App"), ("App2", "App"), ("Web1", "Web"), ("Web2", "Web")):
            nodes[name] = register_hybrid_node(backend, "AMAZON_LINUX_2", name=name, instance_id=ids[name],
                                               tags={"Patch Group": group}).instance_id
        nodes["Never"] = register_hybrid_node(backend, "AMAZON_LINUX_2", name="Never", instance_id=ids["Never"]).instance_id
        nodes["Win"] = register_hybrid_node(backend, "WINDOWS", name="Win", instance_id=ids["Win"]).instance_id
        for name in ("App1", "App2", "Web1", "Web2", "Win"):
            run_patch_baseline(backend, nodes[name], operation="Scan", snapshot_id=SNAPSHOT, execution_id="cmd-scan")
        yield {"ssm": boto3.client("ssm", region_name="us-east-1"), "nodes": nodes, "custom": custom,
               "backend": backend}


def code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def test_patch_states_of_scanned_nodes_only(world):
    ssm, nodes = world["ssm"], world["nodes"]
    states = ssm.describe_instance_patch_states(InstanceIds=[nodes["App1"], nodes["Never"], nodes["Web1"]],
                                                MaxResults=10)["InstancePatchStates"]
    assert [s["InstanceId"] for s in states] == [nodes["App1"], nodes["Web1"]]
    app, web = states
    assert (app["PatchGroup"], app["BaselineId"], app["Operation"], app["SnapshotId"]) == (
        "App", world["custom"], "Scan", SNAPSHOT)
    assert web["BaselineId"].startswith("arn:aws:ssm:us-east-1:") and app["MissingCount"] > web["MissingCount"] > 0
    assert app["CriticalNonCompliantCount"] > 0 and web["CriticalNonCompliantCount"] == 0  # AWS levels: UNSPECIFIED
    assert web["SecurityNonCompliantCount"] + web["OtherNonCompliantCount"] > 0
    assert app["OperationEndTime"] > app["OperationStartTime"]


def test_patch_states_limits(world):
    # More than 50 instance ids is the model's limit, answered by the server's model validator (not
    # by the handler, which this in-process world reaches directly): test_validation_messages.py.
    ssm = world["ssm"]
    with pytest.raises(ClientError) as excinfo:
        ssm.describe_instance_patch_states(InstanceIds=[world["nodes"]["App1"]], NextToken="garbage")
    assert code(excinfo) == "InvalidNextToken"


def test_patch_states_for_group_with_filters_and_paginator(world):
    ssm, nodes = world["ssm"], world["nodes"]
    pages = ssm.get_paginator("describe_instance_patch_states_for_patch_group").paginate(
        PatchGroup="App", PaginationConfig={"PageSize": 10})
    assert sorted(s["InstanceId"] for page in pages for s in page["InstancePatchStates"]) == sorted(
        [nodes["App1"], nodes["App2"]])
    app1 = ssm.describe_instance_patch_states(InstanceIds=[nodes["App1"]])["InstancePatchStates"][0]
    equal = ssm.describe_instance_patch_states_for_patch_group(PatchGroup="App", Filters=[
        {"Key": "MissingCount", "Values": [str(app1["MissingCount"])], "Type": "Equal"}])["InstancePatchStates"]
    assert nodes["App1"] in [s["InstanceId"] for s in equal]
    assert ssm.describe_instance_patch_states_for_patch_group(PatchGroup="App", Filters=[
        {"Key": "MissingCount", "Values": ["0"], "Type": "LessThan"}])["InstancePatchStates"] == []
    with pytest.raises(ClientError) as excinfo:
        ssm.describe_instance_patch_states_for_patch_group(PatchGroup="App", Filters=[
            {"Key": "Bogus", "Values": ["1"], "Type": "Equal"}])
    assert code(excinfo) == "InvalidFilter"


def test_instance_patches_filters_and_pages(world):
    ssm, node_id = world["ssm"], world["nodes"]["Web1"]
    patches = [p for page in ssm.get_paginator("describe_instance_patches").paginate(InstanceId=node_id)
               for p in page["Patches"]]
    states = {p["State"] for p in patches}
    assert {"Missing", "Installed", "InstalledOther", "NotApplicable"} <= states
    missing = ssm.describe_instance_patches(InstanceId=node_id, Filters=[{"Key": "State", "Values": ["Missing"]}],
                                            MaxResults=100)["Patches"]
    assert missing and all(p["State"] == "Missing" and p["InstalledTime"].year == 1970 for p in missing)
    assert any(p.get("CVEIds") for p in missing)
    kernel = ssm.describe_instance_patches(InstanceId=node_id, Filters=[{"Key": "KBId", "Values": ["kernel.x86_64"]}])
    assert [p["KBId"] for p in kernel["Patches"]] == ["kernel.x86_64"]
    for bad in ([{"Key": "Bogus", "Values": ["x"]}], [{"Key": "State", "Values": ["MISSING"]}]):
        with pytest.raises(ClientError) as excinfo:
            ssm.describe_instance_patches(InstanceId=node_id, Filters=bad)
        assert code(excinfo) == "InvalidFilter"
    assert ssm.describe_instance_patches(InstanceId=world["nodes"]["Never"])["Patches"] == []
    with pytest.raises(ClientError) as excinfo:
        ssm.describe_instance_patches(InstanceId="i-0123456789abcdef0")
    assert code(excinfo) == "InvalidInstanceId"


def test_patch_group_state_counts(world):
    state = world["ssm"].describe_patch_group_state(PatchGroup="Web")
    assert state["Instances"] == 2 and state["InstancesWithMissingPatches"] == 2
    assert state["InstancesWithCriticalNonCompliantPatches"] == 0 and state["InstancesWithFailedPatches"] == 0
    assert world["ssm"].describe_patch_group_state(PatchGroup="Nobody")["Instances"] == 0


def test_compliance_items_of_one_node(world):
    ssm, nodes = world["ssm"], world["nodes"]
    items = [item for page in ssm.get_paginator("list_compliance_items").paginate(
        ResourceIds=[nodes["App1"]], ResourceTypes=["ManagedInstance"]) for item in page["ComplianceItems"]]
    kernel = next(item for item in items if item["Id"] == "kernel.x86_64")
    assert (kernel["Status"], kernel["Severity"], kernel["ComplianceType"]) == ("NON_COMPLIANT", "CRITICAL", "Patch")
    assert kernel["Details"]["PatchState"] == "Missing" and kernel["Details"]["PatchGroup"] == "App"
    assert kernel["Details"]["PatchBaselineId"] == world["custom"] and kernel["Details"]["CVEIds"].startswith("CVE-")
    assert kernel["ExecutionSummary"]["ExecutionId"] == "cmd-scan"
    assert kernel["ExecutionSummary"]["ExecutionType"] == "Command"
    non_compliant = ssm.list_compliance_items(ResourceIds=[nodes["App1"]], Filters=[
        {"Key": "Status", "Values": ["NON_COMPLIANT"], "Type": "EQUAL"}], MaxResults=50)
    assert all(item["Status"] == "NON_COMPLIANT" for item in non_compliant["ComplianceItems"])
    assert ssm.list_compliance_items(ResourceIds=[nodes["Never"]])["ComplianceItems"] == []
    with pytest.raises(ClientError) as excinfo:
        ssm.list_compliance_items(ResourceIds=[nodes["App1"]], ResourceTypes=["Document"])
    assert code(excinfo) == "InvalidResourceType"


def test_resource_and_type_summaries(world):
    ssm, nodes = world["ssm"], world["nodes"]
    summaries = [s for page in ssm.get_paginator("list_resource_compliance_summaries").paginate(
        Filters=[{"Key": "ComplianceType", "Values": ["Patch"]}], PaginationConfig={"PageSize": 2})
        for s in page["ResourceComplianceSummaryItems"]]
    by_id = {s["ResourceId"]: s for s in summaries}
    assert nodes["Never"] not in by_id and {nodes["App1"], nodes["Web1"], nodes["Win"]} <= set(by_id)
    app = by_id[nodes["App1"]]
    assert (app["Status"], app["OverallSeverity"]) == ("NON_COMPLIANT", "CRITICAL")
    assert by_id[nodes["Web1"]]["OverallSeverity"] == "UNSPECIFIED"
    assert app["NonCompliantSummary"]["NonCompliantCount"] == app["NonCompliantSummary"]["SeveritySummary"][
        "CriticalCount"] + app["NonCompliantSummary"]["SeveritySummary"]["MediumCount"] + app[
        "NonCompliantSummary"]["SeveritySummary"]["HighCount"]
    critical = ssm.list_resource_compliance_summaries(Filters=[
        {"Key": "OverallSeverity", "Values": ["CRITICAL"], "Type": "EQUAL"}])["ResourceComplianceSummaryItems"]
    assert {s["ResourceId"] for s in critical} == {nodes["App1"], nodes["App2"]}
    totals = ssm.list_compliance_summaries()["ComplianceSummaryItems"]
    patch = next(item for item in totals if item["ComplianceType"] == "Patch")
    assert patch["CompliantSummary"]["CompliantCount"] + patch["NonCompliantSummary"]["NonCompliantCount"] == 5
    with pytest.raises(ClientError) as excinfo:
        ssm.list_resource_compliance_summaries(Filters=[{"Key": "Bogus", "Values": ["x"]}])
    assert code(excinfo) == "InvalidFilter"


def test_available_and_effective_patches(world):
    ssm = world["ssm"]
    windows = ssm.describe_available_patches(Filters=[{"Key": "CLASSIFICATION", "Values": ["SecurityUpdates"]}],
                                             MaxResults=5)
    assert len(windows["Patches"]) == 5 and windows["NextToken"]
    assert all(p["KbNumber"].startswith("KB") and p["Classification"] == "SecurityUpdates" for p in windows["Patches"])
    linux = ssm.describe_available_patches(Filters=[{"Key": "PRODUCT", "Values": ["AmazonLinux2.0"]},
                                                    {"Key": "NAME", "Values": ["kernel*"]}])["Patches"]
    assert linux and all(p["Name"].startswith("kernel") for p in linux)
    with pytest.raises(ClientError) as excinfo:
        ssm.describe_available_patches(Filters=[{"Key": "CVE_ID", "Values": ["CVE-2024-1086"]}])
    assert code(excinfo) == "ValidationException"
    default_windows = ssm.get_default_patch_baseline(OperatingSystem="WINDOWS")["BaselineId"]
    effective = [p for page in ssm.get_paginator("describe_effective_patches_for_patch_baseline").paginate(
        BaselineId=default_windows) for p in page["EffectivePatches"]]
    assert effective and {p["PatchStatus"]["DeploymentStatus"] for p in effective} <= {"APPROVED", "PENDING_APPROVAL"}
    assert "PENDING_APPROVAL" in {p["PatchStatus"]["DeploymentStatus"] for p in effective}
    with pytest.raises(ClientError) as excinfo:
        ssm.describe_effective_patches_for_patch_baseline(BaselineId=world["custom"])
    assert code(excinfo) == "UnsupportedOperatingSystem"


def test_compliance_listings_take_the_documented_filter_keys(world):
    """Each List*Compliance* call takes the filter keys AWS's examples use (awscli/examples/ssm/
    list-compliance-*.rst, the User Guide's sysman-compliance-walk.md; sandbox/ssm/patch_states.py
    names each source) and refuses any other with InvalidFilter."""
    ssm, nodes = world["ssm"], world["nodes"]
    app = nodes["App1"]

    def items(*filters):
        return ssm.list_compliance_items(ResourceIds=[app], Filters=list(filters), MaxResults=50)["ComplianceItems"]

    every = [item for page in ssm.get_paginator("list_compliance_items").paginate(ResourceIds=[app])
             for item in page["ComplianceItems"]]
    ran = every[0]["ExecutionSummary"]["ExecutionTime"]
    before, after = ran.strftime("%Y-%m-%dT%H:%M:%SZ"), (ran.replace(year=ran.year + 1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert len(items({"Key": "ExecutionTime", "Values": ["2019-02-18T16:00:00Z"], "Type": "GREATER_THAN"})) == min(
        len(every), 50)
    assert items({"Key": "ExecutionTime", "Values": [after], "Type": "GREATER_THAN"}) == []
    assert items({"Key": "ExecutionTime", "Values": [before], "Type": "LESS_THAN"}) == []
    assert items({"Key": "DocumentName", "Values": ["AWS-RunPowerShellScript"]}) == []  # Patch items name none
    missing = items({"Key": "Status", "Values": ["COMPLIANT"], "Type": "NOT_EQUAL"},
                    {"Key": "Severity", "Values": ["CRITICAL"]})
    assert missing and {(item["Status"], item["Severity"]) for item in missing} == {("NON_COMPLIANT", "CRITICAL")}

    def summaries(*filters):
        return [item["ResourceId"] for item in ssm.list_resource_compliance_summaries(
            Filters=list(filters))["ResourceComplianceSummaryItems"]]

    assert summaries({"Key": "InstanceId", "Values": [app]}) == [app]
    assert summaries({"Key": "AWS:InstanceInformation.PlatformType", "Values": ["Windows"]}) == [nodes["Win"]]
    assert set(summaries({"Key": "ExecutionType", "Values": ["Command"]})) == {
        nodes[name] for name in ("App1", "App2", "Web1", "Web2", "Win")}

    def patch_resources(*filters):
        [summary] = [item for item in ssm.list_compliance_summaries(Filters=list(filters))["ComplianceSummaryItems"]
                     if item["ComplianceType"] == "Patch"] or [None]
        return summary and summary["CompliantSummary"]["CompliantCount"] + summary["NonCompliantSummary"][
            "NonCompliantCount"]

    assert patch_resources({"Key": "PatchGroup", "Values": ["App"]}) == 2
    assert patch_resources({"Key": "AWS:InstanceInformation.PlatformType", "Values": ["Linux"]},
                           {"Key": "PatchGroup", "Values": ["Web"]}) == 2
    assert patch_resources({"Key": "ExecutionId", "Values": ["cmd-scan"]}) == 5
    assert patch_resources({"Key": "ExecutionId", "Values": ["another-command"]}) is None

    refused = [
        (ssm.list_compliance_items, {"ResourceIds": [app]}, "Title"),
        (ssm.list_compliance_items, {"ResourceIds": [app]}, "ResourceId"),
        (ssm.list_resource_compliance_summaries, {}, "ResourceId"),
        (ssm.list_resource_compliance_summaries, {}, "Status"),
        (ssm.list_compliance_summaries, {}, "OverallSeverity"),
    ]
    for listing, kwargs, key in refused:
        with pytest.raises(ClientError) as excinfo:
            listing(Filters=[{"Key": key, "Values": ["x"]}], **kwargs)
        assert code(excinfo) == "InvalidFilter", key
    with pytest.raises(ClientError) as excinfo:
        items({"Key": "ExecutionTime", "Values": ["yesterday"], "Type": "GREATER_THAN"})
    assert code(excinfo) == "InvalidFilter"
