"""The control API's one-call organization (POST /_sandbox/organization) and roles (POST /_sandbox/accounts/{id}/roles),
driven through sandbox.testing's helpers: what is made, that it is reachable as a fleet run reaches it, and
that a bad body is refused with the path of what is wrong and makes nothing."""

import json
import urllib.error

import boto3
import pytest
from botocore.exceptions import ClientError

from sandbox.testing import response_shapes
from sandbox.testing.process import member_account
from sandbox.tests.patch_isolation import new_account_id


def _refused(sandbox, path, body):
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        sandbox.request("POST", path, body)
    return excinfo.value.code, json.loads(excinfo.value.read())["error"]


def _not_in_organization(sandbox, account_id):
    with pytest.raises(ClientError) as excinfo:
        sandbox.client("organizations", account_id=account_id).list_accounts()
    return excinfo.value.response["Error"]["Code"] == "AWSOrganizationsNotInUseException"


def test_one_call_makes_accounts_roles_and_nodes_per_account_and_region(sandbox):
    management, chosen = new_account_id(), new_account_id()
    seeded = sandbox.seed_organization([
        member_account("web", ou="Prod", regions=["us-east-1", "eu-west-1"], nodes=2, id=chosen,
                       role_name="CloudPatchMember"),
        member_account("old", ou="Prod", regions=["us-east-1"], nodes=1, status="SUSPENDED", role_name="CloudPatchMember"),
    ], ous={"Prod": {}}, management_account_id=management, management_regions={"us-west-2": {"nodes": 1, "kind": "hybrid"}})
    web, old = seeded["accounts"]
    assert (seeded["management_account_id"], web["id"], web["ou_id"]) == (management, chosen, seeded["ous"]["Prod"])
    assert web["role_arn"] == f"arn:aws:iam::{chosen}:role/CloudPatchMember"
    assert {region: len(ids) for region, ids in web["nodes"].items()} == {"us-east-1": 2, "eu-west-1": 2}
    assert (old["status"], len(old["nodes"]["us-east-1"])) == ("SUSPENDED", 1)
    assert len(seeded["management_nodes"]["us-west-2"]) == 1

    org = sandbox.client("organizations", account_id=management)
    assert org.describe_organization()["Organization"]["Id"] == seeded["organization_id"]
    statuses = {account["Id"]: account["Status"] for account in org.list_accounts()["Accounts"]}
    assert statuses == {management: "ACTIVE", chosen: "ACTIVE", old["id"]: "SUSPENDED"}
    # The management account's root assumes each member's role; its nodes are there, per region.
    for region, ids in web["nodes"].items():
        ssm = sandbox.role_client("ssm", web["role_arn"], region=region, account_id=management)
        listed = ssm.describe_instance_information()["InstanceInformationList"]
        assert sorted(node["InstanceId"] for node in listed) == sorted(ids)
    managed = sandbox.client("ssm", region="us-west-2", account_id=management).describe_instance_information()
    assert [node["InstanceId"] for node in managed["InstanceInformationList"]] == seeded["management_nodes"]["us-west-2"]


def test_a_trusted_principal_other_than_the_management_account(sandbox):
    management, runner = new_account_id(), new_account_id()
    seeded = sandbox.seed_organization([member_account("web", trusted_principal=[f"arn:aws:iam::{runner}:root"])],
                                       management_account_id=management)
    role_arn = seeded["accounts"][0]["role_arn"]
    assert role_arn.endswith(":role/OrganizationAccountAccessRole")       # CreateAccount's default role name
    assert sandbox.assume_role(role_arn, account_id=runner)["AccessKeyId"]
    with pytest.raises(ClientError) as excinfo:
        sandbox.assume_role(role_arn, account_id=management)
    assert excinfo.value.response["Error"]["Code"] == "AccessDenied"


def test_a_second_call_adds_to_the_same_organization(sandbox):
    management = new_account_id()
    first = sandbox.seed_organization([member_account("a", ou="Prod")], ous={"Prod": {}}, management_account_id=management)
    second = sandbox.seed_organization([member_account("b", ou="Prod/Web")], ous={"Prod": {"Web": {}}},
                                       management_account_id=management)
    assert second["organization_id"] == first["organization_id"]
    assert second["ous"]["Prod"] == first["ous"]["Prod"]
    names = sorted(account["Name"] for account in sandbox.client("organizations", account_id=management).list_accounts()["Accounts"])
    assert names == ["a", "b", "master"]


@pytest.mark.parametrize("body, message", [
    ({"accounts": [{"name": "x", "ou": "Nope"}]}, "accounts[0].ou 'Nope' is not one of the OUs"),
    ({"accounts": [{"name": "x", "status": "CLOSED"}]}, "accounts[0].status must be one of ACTIVE, SUSPENDED, PENDING_CLOSURE"),
    ({"accounts": [{"name": "x", "status": "ACTIVE", "state": "CLOSED"}]},
     "accounts[0].state with status ACTIVE must be one of ACTIVE"),
    ({"accounts": [{"name": "x", "status": "SUSPENDED", "state": "PENDING_ACTIVATION"}]},
     "accounts[0].state with status SUSPENDED must be one of SUSPENDED, CLOSED"),
    ({"accounts": [{"name": ""}]}, "accounts[0].name must be 1-50 characters"),
    ({"accounts": [{"name": "x", "id": "12345"}]}, "accounts[0].id must be 12 digits"),
    ({"accounts": [{"name": "x", "colour": "red"}]}, "accounts[0]: unknown keys ['colour']"),
    ({"accounts": [{"name": "x", "regions": {"mars-1": {"nodes": 1}}}]}, "accounts[0].regions: 'mars-1' is not a region"),
    ({"accounts": [{"name": "x", "regions": {"us-east-1": {"nodes": -1}}}]},
     "accounts[0].regions.us-east-1.nodes must be a non-negative integer"),
    ({"accounts": [{"name": "x", "regions": {"us-east-1": {"os": "BEOS"}}}]}, "accounts[0].regions.us-east-1.os: 'BEOS'"),
    ({"accounts": [{"name": "x", "trusted_principal": []}]}, "accounts[0].trusted_principal: a principal is"),
    ({"accounts": [{"name": "x", "trusted_principal": "arn:aws:iam::1:root"}]}, "accounts[0].trusted_principal"),
    ({"accounts": [{"name": "x", "role_name": "bad name"}]}, "accounts[0].role_name: a role name is"),
    ({"accounts": [{"name": "x", "email": "nobody"}]}, "accounts[0].email is not an email address"),
    ({"accounts": [{"name": "ok"}, {"name": "x", "ou": "Nope"}]}, "accounts[1].ou"),
    ({"ous": {"a/b": {}}}, "ous: an OU name is 1-128 characters without '/'"),
    ({"accounts": {}}, "accounts must be a list"),
    ({"management_account_id": "abc"}, "management_account_id must be 12 digits"),
    ({"members": []}, "unknown keys ['members']"),
])
def test_a_bad_body_is_refused_and_makes_nothing(sandbox, body, message):
    management = new_account_id()
    status, error = _refused(sandbox, "/_sandbox/organization", {"management_account_id": management, **body})
    assert status == 400
    assert message in error
    assert _not_in_organization(sandbox, management)


def test_an_id_used_twice_is_refused_before_anything_is_made(sandbox):
    management, taken = new_account_id(), new_account_id()
    body = {"management_account_id": management, "accounts": [{"name": "a", "id": taken}, {"name": "b", "id": taken}]}
    assert _refused(sandbox, "/_sandbox/organization", body) == (
        400, f"accounts[1].id {taken} is already an account of the organization")
    assert _not_in_organization(sandbox, management)


def test_roles_route(sandbox):
    member, runner = new_account_id(), new_account_id()
    arn = sandbox.put_role(member, "Fleet", trusted_principal=runner)
    assert arn == f"arn:aws:iam::{member}:role/Fleet"
    assert sandbox.client("iam", account_id=member).get_role(RoleName="Fleet")["Role"]["Arn"] == arn
    assert sandbox.assume_role(arn, account_id=runner)["AccessKeyId"]
    # The same call again replaces the trust policy.
    sandbox.put_role(member, "Fleet", trust_policy={"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": member}, "Action": "sts:AssumeRole"}]})
    with pytest.raises(ClientError):
        sandbox.assume_role(arn, account_id=runner)
    assert _refused(sandbox, "/_sandbox/accounts/123/roles", {"role_name": "x", "trusted_principal": runner}) == (
        400, "account id must be 12 digits, got '123'")
    assert _refused(sandbox, f"/_sandbox/accounts/{member}/roles", {"role_name": "x"}) == (
        400, "give one of trusted_principal or trust_policy")


def test_an_environment_with_assumed_credentials_acts_in_the_roles_account(sandbox):
    management = new_account_id()
    seeded = sandbox.seed_organization([member_account("web", regions=["eu-west-1"], nodes=1)],
                                       management_account_id=management)
    member = seeded["accounts"][0]
    environment = sandbox.environment("eu-west-1", credentials=sandbox.assume_role(member["role_arn"], account_id=management))
    session = boto3.session.Session(aws_access_key_id=environment["AWS_ACCESS_KEY_ID"],
                                    aws_secret_access_key=environment["AWS_SECRET_ACCESS_KEY"],
                                    aws_session_token=environment["AWS_SESSION_TOKEN"], region_name=environment["AWS_REGION"])
    ssm = response_shapes.watch(session.client("ssm", endpoint_url=environment["AWS_ENDPOINT_URL"]))
    assert [node["InstanceId"] for node in ssm.describe_instance_information()["InstanceInformationList"]] == \
        member["nodes"]["eu-west-1"]
