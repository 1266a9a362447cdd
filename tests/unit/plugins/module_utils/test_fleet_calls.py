"""The patch_fleet inventory's calls, against a fake client: pages of 20 retried one by one, "missing", errors."""

import time

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils import fleet_calls

from fake_aws import FakeClient  # pylint: disable=import-error  # beside this file
from fake_aws import client_error  # pylint: disable=import-error


@pytest.fixture(autouse=True)
def slept(monkeypatch):
    sleeps = []
    monkeypatch.setattr(time, "sleep", sleeps.append)
    return sleeps


def test_accounts_are_read_20_a_page_and_a_throttled_page_alone_is_asked_again(slept):
    pages = [
        {"Accounts": [{"Id": "111111111111"}], "NextToken": "t1"},
        client_error("TooManyRequestsException", "ListAccounts"),
        {"Accounts": [{"Id": "222222222222"}], "NextToken": "t2"},
        {"Accounts": [{"Id": "333333333333"}]},
    ]
    client = FakeClient(list_accounts=pages)
    assert [account["Id"] for account in fleet_calls.list_accounts(client)] == ["111111111111", "222222222222", "333333333333"]
    assert client.called("list_accounts") == [
        {"MaxResults": 20}, {"MaxResults": 20, "NextToken": "t1"}, {"MaxResults": 20, "NextToken": "t1"}, {"MaxResults": 20, "NextToken": "t2"}]
    assert len(slept) == 1


def test_children_and_accounts_of_a_parent_and_none_when_there_is_no_such_parent():
    client = FakeClient(
        list_organizational_units_for_parent=[{"OrganizationalUnits": [{"Id": "ou-ab12-cd34ef56", "Name": "Prod"}]},
                                              client_error("ParentNotFoundException")],
        list_accounts_for_parent=[{"Accounts": []}, client_error("ParentNotFoundException")],
        describe_organizational_unit=[{"OrganizationalUnit": {"Id": "ou-ab12-cd34ef56", "Name": "Prod"}},
                                      client_error("OrganizationalUnitNotFoundException")],
    )
    assert fleet_calls.list_organizational_units_for_parent(client, "r-ab12") == [{"Id": "ou-ab12-cd34ef56", "Name": "Prod"}]
    assert fleet_calls.list_organizational_units_for_parent(client, "r-zz99") is None
    assert fleet_calls.list_accounts_for_parent(client, "r-ab12") == []
    assert fleet_calls.list_accounts_for_parent(client, "r-zz99") is None
    assert fleet_calls.describe_organizational_unit(client, "ou-ab12-cd34ef56")["Name"] == "Prod"
    assert fleet_calls.describe_organizational_unit(client, "ou-ab12-00000000") is None
    assert client.called("list_accounts_for_parent")[0] == {"ParentId": "r-ab12", "MaxResults": 20}


def test_an_organization_error_says_what_was_being_done():
    client = FakeClient(list_accounts=[client_error("AWSOrganizationsNotInUseException")])
    with pytest.raises(fleet_calls.AnsibleFleetError) as raised:
        fleet_calls.list_accounts(client)
    assert str(raised.value).startswith("Failed to list the accounts of the organization: ")
    assert "AWSOrganizationsNotInUseException" in str(raised.value)


def test_assume_role_gives_client_credentials_and_access_denied_is_not_retried(slept):
    answer = {"Credentials": {"AccessKeyId": "ASIA1", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "x"}}
    client = FakeClient(assume_role=[client_error("Throttling"), answer, client_error("AccessDenied")])
    arn = "arn:aws:iam::111111111111:role/Patch"
    assert fleet_calls.assume_role(client, arn, "cloudpatch-fleet-me") == {
        "aws_access_key_id": "ASIA1", "aws_secret_access_key": "s", "aws_session_token": "t"}
    with pytest.raises(fleet_calls.AnsibleFleetError, match="Failed to assume the member account's role"):
        fleet_calls.assume_role(client, arn, "cloudpatch-fleet-me")
    assert client.called("assume_role") == [{"RoleArn": arn, "RoleSessionName": "cloudpatch-fleet-me"}] * 3
    assert len(slept) == 1


def test_describe_regions_asks_for_the_enabled_ones():
    client = FakeClient(describe_regions=[{"Regions": [{"RegionName": "us-east-1", "OptInStatus": "opt-in-not-required"}]}])
    assert fleet_calls.describe_regions(client) == [{"RegionName": "us-east-1", "OptInStatus": "opt-in-not-required"}]
    assert client.called("describe_regions") == [{"AllRegions": False}]
