"""Test isolation for the Patch Manager tests without resetting the sandbox.

A reset re-initialises every moto backend of every account (IAM's managed policies included): it
costs seconds, and more with every account a session has touched. These tests instead run in an
AWS account of their own per test module (moto keeps accounts apart, chosen by the
`x-moto-account-id` header), and each test leaves that account as it found it, through the API
itself: patch groups deregistered, AWS defaults restored, custom baselines deleted.
"""

import uuid

import pytest

from sandbox.ssm.predefined_baselines import predefined_defaults

REGIONS = ("us-east-1", "eu-west-1")


def new_account_id():
    return str(100000000000 + uuid.uuid4().int % 899999999999)


def account_client(sandbox, account, region="us-east-1", **config):
    """An SSM client acting in `account` (every request carries the account header)."""
    client = sandbox.client("ssm", region=region, **config)

    def add_account_header(request, **_kwargs):
        request.headers["x-moto-account-id"] = account

    client.meta.events.register("before-send.ssm", add_account_header)
    return client


def wipe_patch_state(client, region):
    for page in client.get_paginator("describe_patch_groups").paginate():
        for mapping in page["Mappings"]:
            client.deregister_patch_baseline_for_patch_group(
                BaselineId=mapping["BaselineIdentity"]["BaselineId"], PatchGroup=mapping["PatchGroup"]
            )
    aws_defaults = predefined_defaults(region)
    own = [
        identity
        for page in client.get_paginator("describe_patch_baselines").paginate(
            Filters=[{"Key": "OWNER", "Values": ["Self"]}])
        for identity in page["BaselineIdentities"]
    ]
    for identity in own:
        if identity["DefaultBaseline"]:
            client.register_default_patch_baseline(BaselineId=aws_defaults[identity["OperatingSystem"]])
        client.delete_patch_baseline(BaselineId=identity["BaselineId"])
    # A test may have made another AWS-owned baseline the default (e.g. the Windows OS-only one).
    aws_owned = client.describe_patch_baselines(Filters=[{"Key": "OWNER", "Values": ["AWS"]}])
    for identity in aws_owned["BaselineIdentities"]:
        if identity["BaselineId"] == aws_defaults[identity["OperatingSystem"]] and not identity["DefaultBaseline"]:
            client.register_default_patch_baseline(BaselineId=identity["BaselineId"])


@pytest.fixture(scope="module")
def account():
    return new_account_id()


@pytest.fixture
def ssm(sandbox, account):
    """A client in the module's account, wiped of patch state after the test."""
    client = account_client(sandbox, account)
    yield client
    for region in REGIONS:
        wipe_patch_state(account_client(sandbox, account, region=region), region)
