"""ssm.py itself, against a fake client (no network): which errors are retried, which mean "missing", and paging.

The retries' back-off sleeps are recorded, not slept: the tests count calls and sleeps, never time.
"""

import time

import botocore.exceptions
import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils import ssm

from fake_aws import FakeClient  # pylint: disable=import-error  # beside this file
from fake_aws import client_error  # pylint: disable=import-error


@pytest.fixture(autouse=True)
def slept(monkeypatch):
    """Every back-off sleep of AWSRetry (time.sleep), recorded instead of slept."""
    sleeps = []
    monkeypatch.setattr(time, "sleep", sleeps.append)
    return sleeps


BASELINE = {"BaselineId": "pb-0123456789abcdef0", "Name": "web", "OperatingSystem": "AMAZON_LINUX_2", "ResponseMetadata": {"x": 1}}


@pytest.mark.parametrize("code", ["ThrottlingException", "InternalServerError"])
def test_throttling_and_internal_errors_are_retried(code, slept):
    client = FakeClient(get_patch_baseline=[client_error(code), client_error(code), dict(BASELINE)])
    assert ssm.get_patch_baseline(client, "pb-0123456789abcdef0")["Name"] == "web"
    assert len(client.called("get_patch_baseline")) == 3
    assert len(slept) == 2


def test_access_denied_is_not_retried_and_names_the_operation(slept):
    client = FakeClient(get_patch_baseline=[client_error("AccessDeniedException"), dict(BASELINE)])
    with pytest.raises(ssm.AnsibleSSMError, match="Failed to get patch baseline") as raised:
        ssm.get_patch_baseline(client, "pb-0123456789abcdef0")
    assert raised.value.exception.response["Error"]["Code"] == "AccessDeniedException"
    assert len(client.called("get_patch_baseline")) == 1 and slept == []


def test_a_call_throttled_past_its_retries_fails():
    client = FakeClient(send_command=[client_error("ThrottlingException")] * 10)
    with pytest.raises(ssm.AnsibleSSMError, match="Failed to send command"):
        ssm.send_command(client, DocumentName="AWS-RunPatchBaseline")
    # ssm_retry's retries=10 is ten attempts in all (AWSRetry counts the first), then the error.
    assert len(client.called("send_command")) == 10


def test_a_baseline_that_does_not_exist_is_none_and_its_metadata_is_dropped():
    client = FakeClient(get_patch_baseline=[client_error("DoesNotExistException"), dict(BASELINE)])
    assert ssm.get_patch_baseline(client, "pb-0000000000000000f") is None
    assert "ResponseMetadata" not in ssm.get_patch_baseline(client, "pb-0123456789abcdef0")


TAGGED = [("PatchBaseline", "pb-0123456789abcdef0", "patch baseline"), ("ManagedInstance", "mi-0123456789abcdef0", "managed node"),
          ("Association", "8d1b5c6e-1f2a-4b3c-9d8e-7f6a5b4c3d2e", "association"), ("MaintenanceWindow", "mw-0123456789abcdef0", "maintenance window")]


@pytest.mark.parametrize("resource_type, resource_id, name", TAGGED)
def test_the_tag_trio_sends_the_resource_type_and_the_api_s_tag_list(resource_type, resource_id, name):
    client = FakeClient(list_tags_for_resource=[{"TagList": [{"Key": "Env", "Value": "prod"}, {"Key": "Owner", "Value": "ops"}]}],
                        add_tags_to_resource=[{}], remove_tags_from_resource=[{}])
    assert ssm.list_tags_for_resource(client, resource_type, resource_id) == {"Env": "prod", "Owner": "ops"}
    assert ssm.add_tags_to_resource(client, resource_type, resource_id, {"Env": "dev"}) is None
    ssm.remove_tags_from_resource(client, resource_type, resource_id, {"Owner"})
    assert client.calls == [
        ("list_tags_for_resource", {"ResourceType": resource_type, "ResourceId": resource_id}),
        ("add_tags_to_resource", {"ResourceType": resource_type, "ResourceId": resource_id, "Tags": [{"Key": "Env", "Value": "dev"}]}),
        ("remove_tags_from_resource", {"ResourceType": resource_type, "ResourceId": resource_id, "TagKeys": ["Owner"]}),
    ]


@pytest.mark.parametrize("code", ["DoesNotExistException", "AssociationDoesNotExist"])
def test_tags_of_a_missing_resource_are_empty(code):
    client = FakeClient(list_tags_for_resource=[client_error(code), {}])
    assert ssm.list_tags_for_resource(client, "PatchBaseline", "pb-0000000000000000f") == {}
    # A resource with no tag at all answers an empty (or absent) TagList.
    assert ssm.list_tags_for_resource(client, "ManagedInstance", "mi-0123456789abcdef0") == {}


@pytest.mark.parametrize("resource_type, resource_id, name", TAGGED)
def test_a_tag_call_that_fails_names_the_resource_type_and_is_retried_when_throttled(resource_type, resource_id, name, slept):
    client = FakeClient(list_tags_for_resource=[client_error("ThrottlingException"), client_error("InvalidResourceId")],
                        add_tags_to_resource=[client_error("ThrottlingException"), client_error("TooManyTagsError")],
                        remove_tags_from_resource=[client_error("AccessDeniedException")])
    with pytest.raises(ssm.AnsibleSSMError, match=f"^Failed to list tags of {name}: ") as raised:
        ssm.list_tags_for_resource(client, resource_type, resource_id)
    assert raised.value.exception.response["Error"]["Code"] == "InvalidResourceId"
    with pytest.raises(ssm.AnsibleSSMError, match=f"^Failed to tag {name}: "):
        ssm.add_tags_to_resource(client, resource_type, resource_id, {"Env": "prod"})
    with pytest.raises(ssm.AnsibleSSMError, match=f"^Failed to untag {name}: "):
        ssm.remove_tags_from_resource(client, resource_type, resource_id, ["Env"])
    assert [call[0] for call in client.calls] == ["list_tags_for_resource"] * 2 + ["add_tags_to_resource"] * 2 + ["remove_tags_from_resource"]
    assert len(slept) == 2


def test_a_resource_type_we_do_not_tag_is_a_programming_error_and_calls_nothing():
    client = FakeClient()
    for call, args in ((ssm.list_tags_for_resource, ()), (ssm.add_tags_to_resource, ({"a": "b"},)), (ssm.remove_tags_from_resource, (["a"],))):
        with pytest.raises(ValueError, match="resource_type must be one of PatchBaseline, ManagedInstance, Association, MaintenanceWindow"):
            call(client, "Parameter", "/app/p", *args)
    assert client.calls == []


def test_deleting_a_baseline_that_is_gone_is_no_change():
    client = FakeClient(delete_patch_baseline=[client_error("DoesNotExistException"), {}])
    assert ssm.delete_patch_baseline(client, "pb-0000000000000000f") is False
    assert ssm.delete_patch_baseline(client, "pb-0123456789abcdef0") is True


def test_does_not_exist_is_an_error_where_nothing_says_missing():
    # GetDefaultPatchBaseline has no "missing" answer: DoesNotExistException there is a failure, not None.
    client = FakeClient(get_default_patch_baseline=[client_error("DoesNotExistException")])
    with pytest.raises(ssm.AnsibleSSMError, match="Failed to get default patch baseline"):
        ssm.get_default_patch_baseline(client, "AMAZON_LINUX_2")


def test_a_document_that_is_not_there_is_none():
    client = FakeClient(describe_document=[client_error("InvalidDocument"), {"Document": {"Name": "Drain"}}])
    client.exceptions = type("Exceptions", (), {"InvalidDocument": botocore.exceptions.ClientError})
    assert ssm.describe_document(client, "NoSuchDocument") is None
    assert ssm.describe_document(client, "Drain") == {"Name": "Drain"}


def test_a_command_that_is_not_listed_is_none():
    client = FakeClient(list_commands=[{"Commands": []}, {"Commands": [{"CommandId": "c-1"}]}])
    assert ssm.get_command(client, "c-0") is None
    assert ssm.get_command(client, "c-1") == {"CommandId": "c-1"}


def test_all_pages_follows_next_token_with_the_same_arguments():
    client = FakeClient(describe_patch_baselines=[
        {"BaselineIdentities": [{"BaselineId": "pb-1"}], "NextToken": "t1"},
        {"BaselineIdentities": [{"BaselineId": "pb-2"}, {"BaselineId": "pb-3"}], "NextToken": "t2"},
        {"BaselineIdentities": []},
    ])
    filters = [{"Key": "OWNER", "Values": ["Self"]}]
    assert [item["BaselineId"] for item in ssm.describe_patch_baselines(client, filters)] == ["pb-1", "pb-2", "pb-3"]
    assert client.called("describe_patch_baselines") == [
        {"Filters": filters, "MaxResults": 100},
        {"Filters": filters, "MaxResults": 100, "NextToken": "t1"},
        {"Filters": filters, "MaxResults": 100, "NextToken": "t2"},
    ]


def test_a_throttled_page_is_asked_again_alone(slept):
    page_1 = {"InstanceInformationList": [{"InstanceId": "i-1"}], "NextToken": "t1"}
    page_2 = {"InstanceInformationList": [{"InstanceId": "i-2"}], "NextToken": "t2"}
    page_3 = {"InstanceInformationList": [{"InstanceId": "i-3"}]}
    throttled = client_error("ThrottlingException")
    client = FakeClient(describe_instance_information=[page_1, page_2, throttled, throttled, page_3])
    assert [node["InstanceId"] for node in ssm.describe_instance_information(client)] == ["i-1", "i-2", "i-3"]
    tokens = [kwargs.get("NextToken") for kwargs in client.called("describe_instance_information")]
    # Page 3 three times, pages 1 and 2 once each: a throttle never sends the listing back to page 1.
    assert tokens == [None, "t1", "t2", "t2", "t2"]
    assert len(slept) == 2


def test_a_page_that_stays_throttled_fails_after_its_own_retries():
    client = FakeClient(describe_patch_groups=[{"Mappings": [], "NextToken": "t1"}] + [client_error("ThrottlingException")] * 50)
    with pytest.raises(ssm.AnsibleSSMError, match="Failed to describe patch groups"):
        ssm.describe_patch_groups(client)
    # Page 1 once, then page 2 fifty times (page_retry's retries=50 attempts), and never page 1 again.
    calls = client.called("describe_patch_groups")
    assert len(calls) == 51 and all(kwargs.get("NextToken") == "t1" for kwargs in calls[1:])


def test_a_denied_page_fails_at_once(slept):
    client = FakeClient(list_command_invocations=[{"CommandInvocations": [{"InstanceId": "i-1"}], "NextToken": "t1"},
                                                  client_error("AccessDeniedException")])
    with pytest.raises(ssm.AnsibleSSMError, match="Failed to list command invocations"):
        ssm.list_command_invocations(client, "c-1", details=True)
    assert len(client.called("list_command_invocations")) == 2 and slept == []


def test_one_page_readers_return_the_items_and_the_token():
    client = FakeClient(list_resource_compliance_summaries=[{"ResourceComplianceSummaryItems": [{"ResourceId": "i-1"}], "NextToken": "t1"},
                                                            {"ResourceComplianceSummaryItems": []}])
    assert ssm.list_patch_compliance_summaries_page(client) == ([{"ResourceId": "i-1"}], "t1")
    assert ssm.list_patch_compliance_summaries_page(client, next_token="t1") == ([], None)
    first, second = client.called("list_resource_compliance_summaries")
    # Only the ComplianceType filter of AWS's own examples: no ResourceId filter, which no source documents.
    assert first["Filters"] == [{"Key": "ComplianceType", "Values": ["Patch"], "Type": "EQUAL"}] and "NextToken" not in first
    assert second["NextToken"] == "t1" and second["Filters"] == first["Filters"]


def test_a_nodes_patch_compliance_items_are_read_one_id_a_page():
    client = FakeClient(list_compliance_items=[{"ComplianceItems": [{"Id": "KB1"}], "NextToken": "t1"}, {"ComplianceItems": []}])
    assert ssm.list_patch_compliance_items_page(client, "i-1") == ([{"Id": "KB1"}], "t1")
    assert ssm.list_patch_compliance_items_page(client, "i-1", next_token="t1") == ([], None)
    first, second = client.called("list_compliance_items")
    assert first == {"ResourceIds": ["i-1"], "ResourceTypes": ["ManagedInstance"], "MaxResults": 50,
                     "Filters": [{"Key": "ComplianceType", "Values": ["Patch"], "Type": "EQUAL"}]}
    assert second["NextToken"] == "t1"


@pytest.mark.parametrize("code", ["InvalidCommandId", "DoesNotExistException"])
def test_a_command_run_command_no_longer_keeps_is_none(code, slept):
    client = FakeClient(list_commands=[client_error(code, "ListCommands")])
    assert ssm.get_kept_command(client, "c-1") is None
    assert len(client.called("list_commands")) == 1 and slept == []


def test_a_kept_command_is_returned_and_other_errors_fail():
    client = FakeClient(list_commands=[{"Commands": [{"CommandId": "c-1"}]}, client_error("AccessDeniedException", "ListCommands")])
    assert ssm.get_kept_command(client, "c-1") == {"CommandId": "c-1"}
    with pytest.raises(ssm.AnsibleSSMError, match="Failed to get command"):
        ssm.get_kept_command(client, "c-1")


def test_patch_properties_are_the_names_of_every_page():
    client = FakeClient(describe_patch_properties=[{"Properties": [{"Name": "Security"}, {"Other": "x"}], "NextToken": "t"},
                                                   {"Properties": [{"Name": "Bugfix"}]}])
    assert ssm.describe_patch_properties(client, "WINDOWS", "CLASSIFICATION", "OS") == ["Security", "Bugfix"]
    assert client.called("describe_patch_properties")[0] == {
        "OperatingSystem": "WINDOWS", "Property": "CLASSIFICATION", "MaxResults": 50, "PatchSet": "OS"}


def test_enums_come_from_the_service_model():
    assert "AMAZON_LINUX_2023" in ssm.ssm_enum("OperatingSystem") and "WINDOWS" in ssm.ssm_enum("OperatingSystem")
