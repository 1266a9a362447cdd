"""A throttled page is retried on its own: an 80%-throttled listing of 100 pages still ends, in 100 pages.

The listing functions of ssm.py run in-process against the sandbox with the client the modules get
(botocore's default retries), and the retries' back-off sleeps are skipped: the test counts calls,
it does not wait.
"""

import time

import boto3
import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils import ssm

NODES = 5000  # DescribeInstanceInformation pages of 50: 100 pages


@pytest.fixture
def no_backoff(monkeypatch):
    slept = []
    monkeypatch.setattr(time, "sleep", slept.append)
    return slept


def module_like_client(sandbox):
    # The credentials and endpoint a module gets from the environment; botocore's retry settings left at their defaults.
    environment = sandbox.environment()
    return boto3.client(
        "ssm",
        region_name=environment["AWS_DEFAULT_REGION"],
        endpoint_url=environment["AWS_ENDPOINT_URL"],
        aws_access_key_id=environment["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=environment["AWS_SECRET_ACCESS_KEY"],
    )


def test_an_80_percent_throttled_listing_of_100_pages_ends_with_each_page_read_once(clean_sandbox, no_backoff):
    seeded = clean_sandbox.seed_nodes(NODES, kind="hybrid")
    client = module_like_client(clean_sandbox)
    clean_sandbox.clear_calls()
    clean_sandbox.set_fault("ssm", "DescribeInstanceInformation", throttle_rate=0.8, seed=20261201)
    try:
        nodes = ssm.describe_instance_information(client)
    finally:
        clean_sandbox.clear_faults()

    assert sorted(node["InstanceId"] for node in nodes) == sorted(seeded)
    calls = clean_sandbox.calls(service="ssm", operation="DescribeInstanceInformation")
    answered = [call for call in calls if not call.get("error_code")]
    throttled = [call for call in calls if call.get("error_code") == "ThrottlingException"]
    # Every page was answered exactly once: no throttle ever sent the listing back to page 1.
    assert len(answered) == NODES // 50
    assert len(throttled) >= 2 * len(answered)
    assert no_backoff, "the throttled pages were retried after a back-off"


def test_a_listing_whose_page_stays_denied_fails_with_the_operation_named(clean_sandbox, no_backoff):
    clean_sandbox.seed_nodes(120, kind="hybrid")
    client = module_like_client(clean_sandbox)
    clean_sandbox.set_fault("ssm", "DescribeInstanceInformation", access_denied_rate=1.0)
    try:
        with pytest.raises(ssm.AnsibleSSMError) as raised:
            ssm.describe_instance_information(client)
    finally:
        clean_sandbox.clear_faults()
    assert "describe managed nodes" in str(raised.value)
    # Access denied is not retried: one call, not eleven.
    assert len(clean_sandbox.calls(service="ssm", operation="DescribeInstanceInformation")) == 1
