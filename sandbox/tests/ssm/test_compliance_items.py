"""PutComplianceItems (sandbox/ssm/compliance_items.py) through the server: what the API reference
documents, read back through the compliance listings."""

import datetime

import pytest
from botocore.exceptions import ClientError

from sandbox.tests.patch_isolation import account_client, new_account_id

WHEN = datetime.datetime(2019, 2, 18, 16, 0, tzinfo=datetime.timezone.utc)


@pytest.fixture
def world(sandbox):
    account = new_account_id()
    [node] = sandbox.seed_nodes(1, "AMAZON_LINUX_2", kind="hybrid", account_id=account)
    return account_client(sandbox, account), node


def put(ssm, node, compliance_type="Custom:AVCheck", items=None, **fields):
    items = items if items is not None else [
        {"Id": "Version2.0", "Title": "ScanHost", "Severity": "CRITICAL", "Status": "COMPLIANT"}]
    fields.setdefault("ExecutionSummary", {"ExecutionTime": WHEN})
    return ssm.put_compliance_items(ResourceId=node, ResourceType="ManagedInstance", ComplianceType=compliance_type,
                                    Items=items, **fields)


def listed(ssm, node, compliance_type="Custom:AVCheck"):
    return ssm.list_compliance_items(ResourceIds=[node], ResourceTypes=["ManagedInstance"], Filters=[
        {"Key": "ComplianceType", "Values": [compliance_type], "Type": "EQUAL"}])["ComplianceItems"]


def code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def test_items_are_listed_and_summarized(world):
    ssm, node = world
    put(ssm, node, items=[{"Id": "Version2.0", "Title": "ScanHost", "Severity": "CRITICAL", "Status": "COMPLIANT"},
                          {"Id": "Signatures", "Severity": "HIGH", "Status": "NON_COMPLIANT",
                           "Details": {"DocumentName": "AV"}}], ExecutionSummary={
        "ExecutionTime": WHEN, "ExecutionId": "scan-1", "ExecutionType": "Custom:Scanner"})
    items = listed(ssm, node)
    assert [(i["Id"], i["Status"], i["Severity"], i["ExecutionSummary"]["ExecutionTime"]) for i in items] == [
        ("Version2.0", "COMPLIANT", "CRITICAL", WHEN), ("Signatures", "NON_COMPLIANT", "HIGH", WHEN)]
    assert items[0]["Title"] == "ScanHost" and items[1]["Details"] == {"DocumentName": "AV"}
    assert items[1]["ExecutionSummary"]["ExecutionId"] == "scan-1"
    [summary] = ssm.list_resource_compliance_summaries(Filters=[
        {"Key": "ComplianceType", "Values": ["Custom:AVCheck"], "Type": "EQUAL"}])["ResourceComplianceSummaryItems"]
    assert (summary["ResourceId"], summary["Status"], summary["OverallSeverity"]) == (node, "NON_COMPLIANT", "HIGH")
    [by_type] = ssm.list_compliance_summaries(Filters=[
        {"Key": "ComplianceType", "Values": ["Custom:AVCheck"], "Type": "EQUAL"}])["ComplianceSummaryItems"]
    # Counted by resource (API reference, CompliantSummary: "The total number of resources that are compliant").
    assert (by_type["CompliantSummary"]["CompliantCount"], by_type["NonCompliantSummary"]["NonCompliantCount"]) == (0, 1)


def test_complete_replaces_the_types_items_and_no_items_clears_them(world):
    ssm, node = world
    put(ssm, node)
    put(ssm, node, items=[{"Id": "Version3.0", "Severity": "LOW", "Status": "COMPLIANT"}])
    assert [item["Id"] for item in listed(ssm, node)] == ["Version3.0"]
    put(ssm, node, compliance_type="Custom:Other")
    assert [item["Id"] for item in listed(ssm, node)] == ["Version3.0"]  # another type is its own
    put(ssm, node, items=[])
    assert listed(ssm, node) == []


def test_a_matching_content_hash_is_ignored(world):
    ssm, node = world
    put(ssm, node, ItemContentHash="abc")
    put(ssm, node, items=[{"Id": "Other", "Severity": "LOW", "Status": "COMPLIANT"}], ItemContentHash="abc")
    assert [item["Id"] for item in listed(ssm, node)] == ["Version2.0"]
    put(ssm, node, items=[{"Id": "Other", "Severity": "LOW", "Status": "COMPLIANT"}], ItemContentHash="def")
    assert [item["Id"] for item in listed(ssm, node)] == ["Other"]


def test_partial_replaces_items_of_the_same_id_and_only_for_associations(world):
    ssm, node = world
    put(ssm, node, "Association", items=[{"Id": "a-1", "Severity": "LOW", "Status": "COMPLIANT"},
                                         {"Id": "a-2", "Severity": "LOW", "Status": "COMPLIANT"}])
    put(ssm, node, "Association", items=[{"Id": "a-2", "Severity": "HIGH", "Status": "NON_COMPLIANT"}],
        UploadType="PARTIAL")
    assert [(item["Id"], item["Status"]) for item in listed(ssm, node, "Association")] == [
        ("a-1", "COMPLIANT"), ("a-2", "NON_COMPLIANT")]
    with pytest.raises(ClientError) as excinfo:
        put(ssm, node, UploadType="PARTIAL")
    assert code(excinfo) == "ValidationException"


def test_resource_type_resource_id_and_custom_type_limit(world):
    ssm, node = world
    with pytest.raises(ClientError) as excinfo:
        ssm.put_compliance_items(ResourceId=node, ResourceType="EC2Instance", ComplianceType="Custom:AVCheck",
                                 ExecutionSummary={"ExecutionTime": WHEN}, Items=[])
    assert code(excinfo) == "InvalidResourceType"
    with pytest.raises(ClientError) as excinfo:
        put(ssm, "mi-0123456789abcdef0")
    assert code(excinfo) == "InvalidResourceId"
    for number in range(10):
        put(ssm, node, f"Custom:Type{number}")
    put(ssm, node, "Custom:Type9")  # the same ten types again
    with pytest.raises(ClientError) as excinfo:
        put(ssm, node, "Custom:Type10")
    assert code(excinfo) == "ComplianceTypeCountLimitExceededException"
    assert listed(ssm, node, "Custom:Type10") == []
