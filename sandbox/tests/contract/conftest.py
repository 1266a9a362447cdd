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
