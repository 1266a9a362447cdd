"""Latency and faults apply per call to the services a fleet run adds (STS, Organizations, EC2 DescribeRegions),
as to SSM: issue 16's bench models AWS round trips with them. Durations are read from the call log, as lower
bounds only (the injected sleep is at least that long); no test depends on how fast the machine is."""

import pytest
from botocore.exceptions import ClientError

from sandbox.testing.process import member_account
from sandbox.tests.patch_isolation import new_account_id

LATENCY_MS = 40


@pytest.fixture
def organization(sandbox):
    management = new_account_id()
    seeded = sandbox.seed_organization([member_account("web", regions=["us-east-1"], nodes=1)],
                                       management_account_id=management)
    sandbox.clear_faults()
    yield sandbox, management, seeded["accounts"][0]
    sandbox.clear_faults()


def test_latency_on_every_call_of_each_service(organization):
    sandbox, management, member = organization
    sandbox.set_faults([{"service": service, "latency_ms": LATENCY_MS} for service in ("sts", "organizations", "ec2")])
    sandbox.clear_calls()
    sandbox.client("organizations", account_id=management).list_accounts()
    credentials = sandbox.assume_role(member["role_arn"], account_id=management)
    sandbox.client("ec2", credentials=credentials).describe_regions()
    sandbox.client("ssm", credentials=credentials).describe_instance_information()
    calls = sandbox.calls()
    assert [(call["service"], call["operation"], call["account_id"]) for call in calls] == [
        ("organizations", "ListAccounts", management),
        ("sts", "AssumeRole", management),
        ("ec2", "DescribeRegions", member["id"]),
        ("ssm", "DescribeInstanceInformation", member["id"]),
    ]
    assert all(call["duration_ms"] >= LATENCY_MS for call in calls[:3])


def test_one_operation_alone(organization):
    sandbox, management, member = organization
    sandbox.set_fault("sts", "AssumeRole", latency_ms=LATENCY_MS)
    sandbox.clear_calls()
    credentials = sandbox.assume_role(member["role_arn"], account_id=management)
    sandbox.client("sts", credentials=credentials).get_caller_identity()
    calls = sandbox.calls()
    assert [call["operation"] for call in calls] == ["AssumeRole", "GetCallerIdentity"]
    assert calls[0]["duration_ms"] >= LATENCY_MS


@pytest.mark.parametrize("service, call, code", [
    ("organizations", lambda sandbox, management: sandbox.client("organizations", account_id=management).list_accounts(),
     "TooManyRequestsException"),
    ("sts", lambda sandbox, management: sandbox.client("sts", account_id=management).get_caller_identity(), "Throttling"),
    ("ec2", lambda sandbox, management: sandbox.client("ec2", account_id=management).describe_regions(),
     "RequestLimitExceeded"),
])
def test_throttling_in_each_services_own_code(organization, service, call, code):
    sandbox, management, _member = organization
    sandbox.set_fault(service, throttle_rate=1.0)
    with pytest.raises(ClientError) as excinfo:
        call(sandbox, management)
    assert excinfo.value.response["Error"]["Code"] == code
    assert sandbox.calls(service=service)[-1]["injected"] is True


def test_an_injected_access_denied_names_the_callers_account(organization):
    sandbox, management, member = organization
    sandbox.set_fault("ssm", access_denied_rate=1.0)
    with pytest.raises(ClientError) as excinfo:
        sandbox.role_client("ssm", member["role_arn"], account_id=management).describe_instance_information()
    assert f"arn:aws:iam::{member['id']}:" in excinfo.value.response["Error"]["Message"]
