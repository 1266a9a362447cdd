"""ssm.py's association calls against a fake client: what "missing" is for each, filters, and tags."""

import time

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils import ssm

from fake_aws import FakeClient  # pylint: disable=import-error  # beside this file
from fake_aws import client_error  # pylint: disable=import-error

ASSOCIATION_ID = "8d1b5c6e-1f2a-4b3c-9d8e-7f6a5b4c3d2e"


@pytest.fixture(autouse=True)
def slept(monkeypatch):
    sleeps = []
    monkeypatch.setattr(time, "sleep", sleeps.append)
    return sleeps


def test_an_association_that_does_not_exist_is_none_and_its_tags_are_empty():
    client = FakeClient(describe_association=[client_error("AssociationDoesNotExist"), {"AssociationDescription": {"AssociationId": ASSOCIATION_ID}}],
                        list_tags_for_resource=[client_error("AssociationDoesNotExist"), {"TagList": [{"Key": "Owner", "Value": "ops"}]}])
    assert ssm.describe_association(client, ASSOCIATION_ID) is None
    assert ssm.describe_association(client, ASSOCIATION_ID) == {"AssociationId": ASSOCIATION_ID}
    assert ssm.list_tags_for_resource(client, "Association", ASSOCIATION_ID) == {}
    assert ssm.list_tags_for_resource(client, "Association", ASSOCIATION_ID) == {"Owner": "ops"}
    assert client.called("list_tags_for_resource")[0] == {"ResourceType": "Association", "ResourceId": ASSOCIATION_ID}


def test_deleting_an_association_that_is_gone_is_no_change_and_updating_it_fails():
    client = FakeClient(delete_association=[client_error("AssociationDoesNotExist"), {}],
                        update_association=[client_error("AssociationDoesNotExist")])
    assert ssm.delete_association(client, ASSOCIATION_ID) is False
    assert ssm.delete_association(client, ASSOCIATION_ID) is True
    with pytest.raises(ssm.AnsibleSSMError, match="Failed to update association"):
        ssm.update_association(client, AssociationId=ASSOCIATION_ID, Name="AWS-RunPatchBaseline")


def test_associations_of_a_name_are_every_page_of_the_association_name_filter(slept):
    client = FakeClient(list_associations=[
        {"Associations": [{"AssociationId": "a", "AssociationName": "daily-scan"}], "NextToken": "t"},
        client_error("ThrottlingException"),
        {"Associations": [{"AssociationId": "b", "AssociationName": "daily-scan"}, {"AssociationId": "c", "AssociationName": "daily-scan-old"}]},
    ])
    assert [item["AssociationId"] for item in ssm.list_associations_named(client, "daily-scan")] == ["a", "b"]
    calls = client.called("list_associations")
    assert calls[0] == {"AssociationFilterList": [{"key": "AssociationName", "value": "daily-scan"}], "MaxResults": 50}
    assert calls[1] == calls[2] == dict(calls[0], NextToken="t")
    assert len(slept) == 1
