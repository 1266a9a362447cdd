"""AWS Organizations in the sandbox (moto's, with sandbox/moto_fixes/organizations.py): OUs, accounts with their
Status and State, paging as the API reference documents it, who may call, and requests checked against the
model (InvalidInputException with its Reason).

Each test has a management account of its own (moto's `x-moto-account-id` header), so organizations of
different tests never meet in the session's sandbox.
"""

import pytest
from botocore.exceptions import ClientError

from sandbox.moto_fixes.organizations import CLOSURE_SECONDS
from sandbox.testing.process import member_account
from sandbox.tests.patch_isolation import new_account_id


@pytest.fixture
def management():
    return new_account_id()


@pytest.fixture
def org(sandbox, management):
    return sandbox.client("organizations", account_id=management)


def _error(call, **params):
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    response = excinfo.value.response
    return response["Error"]["Code"], response.get("Reason"), response["ResponseMetadata"]["HTTPStatusCode"]


def _all(org, method, key, **params):
    pages = list(org.get_paginator(method).paginate(**params))
    return [item for page in pages for item in page[key]], pages


def test_listing_with_ous_and_suspended_accounts(sandbox, management, org):
    seeded = sandbox.seed_organization([
        member_account("web", ou="Prod/Web"),
        member_account("db", ou="Prod"),
        member_account("old", ou="Prod", status="SUSPENDED"),
        member_account("closing", ou="Dev", status="PENDING_CLOSURE"),
        member_account("loose"),
    ], ous={"Prod": {"Web": {}}, "Dev": {}}, management_account_id=management)
    ids = {account["name"]: account["id"] for account in seeded["accounts"]}
    ous = seeded["ous"]

    accounts, _pages = _all(org, "list_accounts", "Accounts")
    by_id = {account["Id"]: account for account in accounts}
    assert set(by_id) == {management, *ids.values()}
    assert {(by_id[ids[name]]["Status"], by_id[ids[name]]["State"]) for name in ("old", "closing")} == {
        ("SUSPENDED", "SUSPENDED"), ("PENDING_CLOSURE", "PENDING_CLOSURE")}
    active = sorted(account["Name"] for account in accounts if account["Status"] == "ACTIVE")
    assert active == sorted(["master", "web", "db", "loose"])

    root = org.list_roots()["Roots"][0]["Id"]
    assert root == seeded["root_id"]
    top = {ou["Name"]: ou["Id"] for ou in org.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"]}
    assert top == {"Prod": ous["Prod"], "Dev": ous["Dev"]}
    assert [ou["Id"] for ou in org.list_organizational_units_for_parent(ParentId=ous["Prod"])["OrganizationalUnits"]] == [
        ous["Prod/Web"]]
    in_prod, _pages = _all(org, "list_accounts_for_parent", "Accounts", ParentId=ous["Prod"])
    assert sorted(account["Id"] for account in in_prod) == sorted([ids["db"], ids["old"]])
    children, _pages = _all(org, "list_children", "Children", ParentId=root, ChildType="ACCOUNT")
    assert sorted(child["Id"] for child in children) == sorted([management, ids["loose"]])
    assert org.list_parents(ChildId=ids["web"])["Parents"] == [{"Id": ous["Prod/Web"], "Type": "ORGANIZATIONAL_UNIT"}]
    assert org.describe_account(AccountId=ids["old"])["Account"]["Status"] == "SUSPENDED"


def test_pages_hold_at_most_twenty_and_every_account_once(sandbox, management, org):
    seeded = sandbox.seed_organization([member_account(f"acct-{index:02d}", ou="Fleet") for index in range(24)],
                                       ous={"Fleet": {}}, management_account_id=management)
    first = org.list_accounts()
    assert len(first["Accounts"]) == 20 and "NextToken" in first
    accounts, pages = _all(org, "list_accounts", "Accounts", PaginationConfig={"PageSize": 7})
    assert [len(page["Accounts"]) for page in pages] == [7, 7, 7, 4]
    assert "NextToken" not in pages[-1]
    assert sorted(account["Id"] for account in accounts) == sorted([management] + [a["id"] for a in seeded["accounts"]])
    children, pages = _all(org, "list_children", "Children", ParentId=seeded["ous"]["Fleet"], ChildType="ACCOUNT",
                           PaginationConfig={"PageSize": 10})
    assert [len(page["Children"]) for page in pages] == [10, 10, 4]
    assert len({child["Id"] for child in children}) == 24
    assert len(org.list_children(ParentId=seeded["ous"]["Fleet"], ChildType="ACCOUNT")["Children"]) == 20


@pytest.mark.parametrize("method, params, reason", [
    ("list_accounts", {"MaxResults": 21}, "MAX_VALUE_EXCEEDED"),
    ("list_accounts", {"MaxResults": 0}, "MIN_VALUE_EXCEEDED"),
    ("list_accounts_for_parent", {"ParentId": "not-an-ou", "MaxResults": 5}, "INVALID_PATTERN"),
    ("list_children", {"ParentId": "r-abcd", "ChildType": "ACCOUNT", "MaxResults": 21}, "MAX_VALUE_EXCEEDED"),
    ("list_accounts", {"NextToken": "not-a-token"}, "INVALID_NEXT_TOKEN"),
    ("list_children", {"ParentId": "r-abcd", "ChildType": "ACCOUNT", "NextToken": "bm90LWEtdG9rZW4="},
     "INVALID_NEXT_TOKEN"),
])
def test_invalid_requests_are_invalid_input_with_a_reason(sandbox, management, method, params, reason):
    sandbox.seed_organization([], management_account_id=management)
    # botocore itself refuses a MaxResults under the minimum before sending; the server's answer is what is tested.
    org = sandbox.client("organizations", account_id=management, parameter_validation=False)
    if params.get("ParentId") == "r-abcd":
        params = {**params, "ParentId": org.list_roots()["Roots"][0]["Id"]}
    assert _error(getattr(org, method), **params) == ("InvalidInputException", reason, 400)


def test_member_accounts_and_strangers_may_not_list(sandbox, management):
    seeded = sandbox.seed_organization([member_account("web")], management_account_id=management)
    member = sandbox.client("organizations", account_id=seeded["accounts"][0]["id"])
    assert _error(member.list_accounts)[0] == "AccessDeniedException"
    assert _error(member.list_roots)[0] == "AccessDeniedException"
    assert _error(member.list_children, ParentId=seeded["root_id"], ChildType="ACCOUNT")[0] == "AccessDeniedException"
    # Any member may describe its organization (DescribeOrganization names no such limit).
    assert member.describe_organization()["Organization"]["MasterAccountId"] == management
    stranger = sandbox.client("organizations", account_id=new_account_id())
    assert _error(stranger.list_accounts)[0] == "AWSOrganizationsNotInUseException"


def test_a_delegated_administrator_lists_the_organization(sandbox, management, org):
    seeded = sandbox.seed_organization([member_account("ops"), member_account("web")], management_account_id=management)
    ops = seeded["accounts"][0]["id"]
    org.register_delegated_administrator(AccountId=ops, ServicePrincipal="ssm.amazonaws.com")
    delegated = sandbox.client("organizations", account_id=ops)
    listed = sorted(account["Id"] for account in _all(delegated, "list_accounts", "Accounts")[0])
    assert listed == sorted([management] + [account["id"] for account in seeded["accounts"]])
    assert _error(delegated.create_account, AccountName="x", Email="x@example.com")[0] == "AccessDeniedException"


def test_create_and_move_through_the_api(sandbox, management, org):
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    ou = org.create_organizational_unit(ParentId=root, Name="Prod")["OrganizationalUnit"]["Id"]
    created = org.create_account(AccountName="app", Email="app@example.com", RoleName="CloudPatchMember")
    account_id = created["CreateAccountStatus"]["AccountId"]
    org.move_account(AccountId=account_id, SourceParentId=root, DestinationParentId=ou)
    assert [account["Id"] for account in org.list_accounts_for_parent(ParentId=ou)["Accounts"]] == [account_id]
    # CreateAccount's role trusts the management account (Organizations User Guide, "Accessing member accounts").
    credentials = sandbox.assume_role(f"arn:aws:iam::{account_id}:role/CloudPatchMember", account_id=management)
    assert sandbox.client("sts", credentials=credentials).get_caller_identity()["Account"] == account_id


def test_close_account_is_pending_for_a_few_minutes_of_sandbox_time_then_closed(frozen_clock, management, org):
    seeded = frozen_clock.seed_organization([member_account("gone"), member_account("kept")],
                                            management_account_id=management)
    gone, kept = (account["id"] for account in seeded["accounts"])
    org.close_account(AccountId=gone)
    described = org.describe_account(AccountId=gone)["Account"]
    assert (described["Status"], described["State"]) == ("PENDING_CLOSURE", "PENDING_CLOSURE")
    frozen_clock.advance_clock(CLOSURE_SECONDS - 1)
    assert org.describe_account(AccountId=gone)["Account"]["Status"] == "PENDING_CLOSURE"
    frozen_clock.advance_clock(1)
    listed = {account["Id"]: (account["Status"], account["State"]) for account in org.list_accounts()["Accounts"]}
    assert listed[gone] == ("SUSPENDED", "CLOSED")
    assert listed[kept] == ("ACTIVE", "ACTIVE")
    assert _error(org.close_account, AccountId=gone)[0] == "AccountAlreadyClosedException"


def test_a_seeded_closed_account_is_suspended_with_state_closed(sandbox, management, org):
    seeded = sandbox.seed_organization([member_account("gone", status="SUSPENDED", state="CLOSED")],
                                       management_account_id=management)
    described = org.describe_account(AccountId=seeded["accounts"][0]["id"])["Account"]
    assert (described["Status"], described["State"]) == ("SUSPENDED", "CLOSED")


def test_after_a_reset_a_former_member_is_in_no_organization(sandbox, management):
    seeded = sandbox.seed_organization([member_account("web")], management_account_id=management)
    member = seeded["accounts"][0]["id"]
    sandbox.reset()
    former = sandbox.client("organizations", account_id=member)
    assert _error(former.list_accounts)[0] == "AWSOrganizationsNotInUseException"
    assert former.create_organization(FeatureSet="ALL")["Organization"]["MasterAccountId"] == member
