"""STS AssumeRole with the role's trust policy checked (sandbox/moto_fixes/sts_trust.py).

The pure evaluation first (each principal form of the IAM User Guide's "AWS JSON policy elements: Principal",
Deny over Allow, actions, the ExternalId condition), then through the server: who may assume a role, the
403 AccessDenied AWS answers otherwise, and the account the assumed role's credentials are served in.
"""

import json

import pytest
from botocore.exceptions import ClientError

from sandbox.moto_fixes.sts_trust import Caller, principal_matches, trust_allows
from sandbox.tests.patch_isolation import new_account_id

A, B = "111122223333", "444455556666"
ROOT_A = Caller(A, f"arn:aws:iam::{A}:root")
USER_A = Caller(A, f"arn:aws:iam::{A}:user/ops/alice")
SESSION_A = Caller(A, f"arn:aws:sts::{A}:assumed-role/Runner/job-1", role_arn=f"arn:aws:iam::{A}:role/ci/Runner")
ROOT_B = Caller(B, f"arn:aws:iam::{B}:root")


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(principal, action="sts:AssumeRole", **extra):
    return {"Effect": "Allow", "Principal": principal, "Action": action, **extra}


@pytest.mark.parametrize("value, callers", [
    ("*", (ROOT_A, USER_A, SESSION_A, ROOT_B)),
    (A, (ROOT_A, USER_A, SESSION_A)),                        # an account: any principal of it
    (f"arn:aws:iam::{A}:root", (ROOT_A, USER_A, SESSION_A)),
    (f"arn:aws:iam::{A}:user/ops/alice", (USER_A,)),
    (f"arn:aws:iam::{A}:role/ci/Runner", (SESSION_A,)),      # a role: its sessions
    (f"arn:aws:sts::{A}:assumed-role/Runner/job-1", (SESSION_A,)),
])
def test_each_principal_form_designates_exactly_its_callers(value, callers):
    for caller in (ROOT_A, USER_A, SESSION_A, ROOT_B):
        assert principal_matches(value, caller) is (caller in callers), (value, caller.arn)


@pytest.mark.parametrize("document, caller, external_id, allowed", [
    (policy(allow({"AWS": [B, f"arn:aws:iam::{A}:root"]})), USER_A, None, True),
    (policy(allow("*")), ROOT_B, None, True),
    (policy(allow({"AWS": A}, action=["sts:TagSession", "sts:*"])), ROOT_A, None, True),
    (policy(allow({"AWS": A}, action="STS:assumerole")), ROOT_A, None, True),      # actions are case-insensitive
    (policy(allow({"AWS": A}, action="sts:AssumeRoleWithSAML")), ROOT_A, None, False),
    (policy(allow({"Service": "ec2.amazonaws.com"})), ROOT_A, None, False),
    (policy(allow({"AWS": B})), ROOT_A, None, False),
    (policy(allow({"AWS": A}), {"Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{A}:user/ops/alice"},
                                "Action": "sts:AssumeRole"}), USER_A, None, False),   # an explicit deny wins
    (policy(allow({"AWS": A}), {"Effect": "Deny", "NotPrincipal": {"AWS": f"arn:aws:iam::{A}:user/ops/alice"},
                                "Action": "sts:AssumeRole"}), USER_A, None, True),
    (policy(allow({"AWS": A}, Condition={"StringEquals": {"sts:ExternalId": "fleet-7"}})), ROOT_A, "fleet-7", True),
    (policy(allow({"AWS": A}, Condition={"StringEquals": {"sts:ExternalId": "fleet-7"}})), ROOT_A, "other", False),
    (policy(allow({"AWS": A}, Condition={"StringLike": {"sts:ExternalId": "fleet-*"}})), ROOT_A, None, False),
    (policy(allow({"AWS": A}, Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})), ROOT_A, None, False),
    (policy(), ROOT_A, None, False),                                               # no statement: nobody
    ("{not json", ROOT_A, None, False),
    ('{"Statement": "everyone"}', ROOT_A, None, False),
])
def test_trust_policy_evaluation(document, caller, external_id, allowed):
    assert trust_allows(document, caller, external_id) is allowed


# --------------------------------------------------------------------------- through the server


def _denied(call):
    with pytest.raises(ClientError) as excinfo:
        call()
    error = excinfo.value.response["Error"]
    return excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"], error["Code"], error["Message"]


@pytest.fixture
def accounts():
    return new_account_id(), new_account_id()


def test_root_of_the_trusted_account_assumes_and_is_served_in_the_roles_account(sandbox, accounts):
    runner, member = accounts
    role_arn = sandbox.put_role(member, "CloudPatchMember", trusted_principal=f"arn:aws:iam::{runner}:root")
    credentials = sandbox.assume_role(role_arn, session_name="cloudpatch-fleet", account_id=runner)
    identity = sandbox.client("sts", credentials=credentials).get_caller_identity()
    assert identity["Account"] == member
    assert identity["Arn"] == f"arn:aws:sts::{member}:assumed-role/CloudPatchMember/cloudpatch-fleet"
    sandbox.client("ssm", credentials=credentials).describe_instance_information()
    assert sandbox.calls(service="ssm", operation="DescribeInstanceInformation")[-1]["account_id"] == member


def test_the_root_of_an_untrusted_account_is_refused_as_aws_words_it(sandbox, accounts):
    runner, member = accounts
    role_arn = sandbox.put_role(member, "CloudPatchMember", trusted_principal=runner)
    stranger = new_account_id()
    assert _denied(lambda: sandbox.assume_role(role_arn, account_id=stranger)) == (
        403, "AccessDenied",
        f"User: arn:aws:iam::{stranger}:root is not authorized to perform: sts:AssumeRole on resource: {role_arn}")
    assert sandbox.calls(service="sts", operation="AssumeRole")[-1]["status"] == 403


def test_a_role_that_does_not_exist_is_refused_like_an_untrusted_one(sandbox, accounts):
    runner, member = accounts
    missing = f"arn:aws:iam::{member}:role/NoSuchRole"
    assert _denied(lambda: sandbox.assume_role(missing, account_id=runner)) == (
        403, "AccessDenied",
        f"User: arn:aws:iam::{runner}:root is not authorized to perform: sts:AssumeRole on resource: {missing}")


def test_a_role_principal_admits_that_roles_sessions_only(sandbox, accounts):
    runner, member = accounts
    hub = sandbox.put_role(runner, "Hub", trusted_principal=runner)
    spoke = sandbox.put_role(member, "Spoke", trusted_principal=hub)
    hub_session = sandbox.assume_role(hub, account_id=runner)
    spoke_session = sandbox.assume_role(spoke, session_name="from-hub", credentials=hub_session)
    assert sandbox.client("sts", credentials=spoke_session).get_caller_identity()["Account"] == member
    # The hub's account root is not the hub role.
    assert _denied(lambda: sandbox.assume_role(spoke, account_id=runner))[2] == (
        f"User: arn:aws:iam::{runner}:root is not authorized to perform: sts:AssumeRole on resource: {spoke}")
    # A session of the hub that may not assume the role names itself in the message.
    other = sandbox.put_role(member, "Other", trusted_principal=member)
    assert _denied(lambda: sandbox.assume_role(other, credentials=hub_session))[2] == (
        f"User: arn:aws:sts::{runner}:assumed-role/Hub/sandbox-test is not authorized to perform: sts:AssumeRole "
        f"on resource: {other}")


def test_a_user_principal_admits_that_user_only(sandbox, accounts):
    runner, member = accounts
    iam = sandbox.client("iam", account_id=runner)
    keys = {}
    for name in ("alice", "bob"):
        iam.create_user(UserName=name)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        keys[name] = {"AccessKeyId": key["AccessKeyId"], "SecretAccessKey": key["SecretAccessKey"], "SessionToken": "x"}
    role_arn = sandbox.put_role(member, "AliceOnly", trusted_principal=f"arn:aws:iam::{runner}:user/alice")
    assert sandbox.client("sts", credentials=sandbox.assume_role(role_arn, credentials=keys["alice"])).get_caller_identity()[
        "Account"] == member
    assert _denied(lambda: sandbox.assume_role(role_arn, credentials=keys["bob"]))[2] == (
        f"User: arn:aws:iam::{runner}:user/bob is not authorized to perform: sts:AssumeRole on resource: {role_arn}")


def test_everyone_and_the_external_id_condition(sandbox, accounts):
    runner, member = accounts
    public = sandbox.put_role(member, "Public", trusted_principal="*")
    assert sandbox.assume_role(public, account_id=new_account_id())["AccessKeyId"].startswith("ASIA")
    guarded = sandbox.put_role(member, "Guarded", trust_policy={"Version": "2012-10-17", "Statement": [
        allow({"AWS": runner}, Condition={"StringEquals": {"sts:ExternalId": "fleet-7"}})]})
    assert sandbox.assume_role(guarded, account_id=runner, external_id="fleet-7")["AccessKeyId"]
    assert _denied(lambda: sandbox.assume_role(guarded, account_id=runner, external_id="fleet-8"))[:2] == (403, "AccessDenied")
    assert _denied(lambda: sandbox.assume_role(guarded, account_id=runner))[:2] == (403, "AccessDenied")


def test_a_role_made_through_the_accounts_own_iam_is_checked_the_same_way(sandbox, accounts):
    runner, member = accounts
    iam = sandbox.client("iam", account_id=member)
    role = iam.create_role(RoleName="ViaIam", AssumeRolePolicyDocument=policy(allow({"AWS": runner})))["Role"]
    assert sandbox.assume_role(role["Arn"], account_id=runner)["AccessKeyId"]
    assert _denied(lambda: sandbox.assume_role(role["Arn"], account_id=member))[:2] == (403, "AccessDenied")


def test_default_credentials_are_the_accounts_root(sandbox, accounts):
    runner = accounts[0]
    identity = sandbox.client("sts", account_id=runner).get_caller_identity()
    assert (identity["Account"], identity["Arn"], identity["UserId"]) == (runner, f"arn:aws:iam::{runner}:root", runner)
