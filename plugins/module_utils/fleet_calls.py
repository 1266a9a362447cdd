# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The calls of the patch_fleet inventory: AWS Organizations (who the accounts are), STS AssumeRole and
EC2 DescribeRegions (which regions a member account has enabled).

One function per call, amazon.aws's error handler outside and the retry inside; listings are read a
page (the API's maximum, 20) a call, each page retried on its own, so a throttle on page 40 asks for
page 40 again, not for the whole listing.
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# ListAccounts, ListAccountsForParent, ListOrganizationalUnitsForParent and ListRoots: 20 at most a page.
ORGANIZATIONS_PAGE_SIZE = 20
# Organizations throttles with TooManyRequestsException; STS and EC2 with Throttling / RequestLimitExceeded,
# which AWSRetry already retries.
ORGANIZATIONS_RETRYABLE_ERROR_CODES = ["TooManyRequestsException", "ServiceException"]

organizations_page_retry = AWSRetry.jittered_backoff(retries=50, delay=1, max_delay=30, catch_extra_error_codes=ORGANIZATIONS_RETRYABLE_ERROR_CODES)
organizations_retry = AWSRetry.jittered_backoff(retries=10, delay=1, max_delay=30, catch_extra_error_codes=ORGANIZATIONS_RETRYABLE_ERROR_CODES)
call_retry = AWSRetry.jittered_backoff(retries=10, delay=1, max_delay=30)


class AnsibleFleetError(AnsibleAWSError):
    pass


class OrganizationsErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleFleetError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(["OrganizationalUnitNotFoundException", "ParentNotFoundException"])


class FleetErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleFleetError


@organizations_page_retry
def _one_page(method, next_token, kwargs):
    if next_token:
        kwargs = dict(kwargs, NextToken=next_token)
    return method(**kwargs)


def _all_pages(method, result_key, **kwargs):
    items, next_token = [], None
    while True:
        result = _one_page(method, next_token, dict(kwargs, MaxResults=ORGANIZATIONS_PAGE_SIZE))
        items.extend(result.get(result_key, []))
        next_token = result.get("NextToken")
        if not next_token:
            return items


@OrganizationsErrorHandler.common_error_handler("list the accounts of the organization")
def list_accounts(client):
    """Every account of the organization (all states), as ListAccounts gives them."""
    return _all_pages(client.list_accounts, "Accounts")


@OrganizationsErrorHandler.list_error_handler("list the accounts of an organizational unit", None)
def list_accounts_for_parent(client, parent_id):
    """The accounts directly under a root or OU, or None when there is no such parent."""
    return _all_pages(client.list_accounts_for_parent, "Accounts", ParentId=parent_id)


@OrganizationsErrorHandler.list_error_handler("list the child organizational units", None)
def list_organizational_units_for_parent(client, parent_id):
    """The OUs directly under a root or OU, or None when there is no such parent."""
    return _all_pages(client.list_organizational_units_for_parent, "OrganizationalUnits", ParentId=parent_id)


@OrganizationsErrorHandler.common_error_handler("list the roots of the organization")
def list_roots(client):
    return _all_pages(client.list_roots, "Roots")


@OrganizationsErrorHandler.list_error_handler("describe an organizational unit", None)
@organizations_retry
def describe_organizational_unit(client, ou_id):
    """The OU (Id, Arn, Name), or None when the organization has no such OU."""
    return client.describe_organizational_unit(OrganizationalUnitId=ou_id)["OrganizationalUnit"]


@FleetErrorHandler.common_error_handler("assume the member account's role")
@call_retry
def assume_role(client, role_arn, session_name):
    """Temporary credentials of `role_arn`, as boto3 client keyword arguments."""
    credentials = client.assume_role(RoleArn=role_arn, RoleSessionName=session_name)["Credentials"]
    return {
        "aws_access_key_id": credentials["AccessKeyId"],
        "aws_secret_access_key": credentials["SecretAccessKey"],
        "aws_session_token": credentials["SessionToken"],
    }


@FleetErrorHandler.common_error_handler("describe the regions enabled for the account")
@call_retry
def describe_regions(client):
    """The regions DescribeRegions lists without AllRegions (those enabled for the caller's account), with their OptInStatus."""
    return client.describe_regions(AllRegions=False).get("Regions", [])
