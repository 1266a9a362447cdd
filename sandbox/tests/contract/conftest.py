"""Each contract test runs in a fresh AWS account of its own (no reset, nothing to clean up)."""

import pytest

from sandbox.tests.patch_isolation import account_client, new_account_id


@pytest.fixture
def account():
    return new_account_id()


@pytest.fixture
def ssm(sandbox, account):
    """An SSM client in a fresh account, us-east-1."""
    return account_client(sandbox, account)


@pytest.fixture
def ssm_us_east_2(sandbox, account):
    """The examples whose ARNs name us-east-2 (AWS's own baselines there) run in that region."""
    return account_client(sandbox, account, region="us-east-2")


@pytest.fixture
def agent_world(frozen_clock):
    """For the Run Command and State Manager examples: a fresh account, its client, and the sandbox
    with the clock frozen and the agent's timing at its defaults."""
    sandbox = frozen_clock
    sandbox.set_agent(seconds_per_node=1.0, reboot_seconds=2.0, delivery_timeout_scale=1.0)
    account = new_account_id()
    try:
        yield sandbox, account, account_client(sandbox, account)
    finally:
        sandbox.reset_agent()
