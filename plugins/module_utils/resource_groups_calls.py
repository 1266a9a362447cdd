# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Resource Groups call of cloudpatch.ssm: a group's EC2 instances and hybrid nodes.

ssm_patch_run resolves a resource group's members itself, so a group that does not exist, is empty
or holds no managed node fails before anything is sent.
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# ListGroupResources: 50 at most a page.
GROUP_RESOURCES_PAGE_SIZE = 50
# The resource types Run Command's resource-groups:Name target runs on.
NODE_RESOURCE_TYPES = ["AWS::EC2::Instance", "AWS::SSM::ManagedInstance"]

resource_groups_page_retry = AWSRetry.jittered_backoff(retries=50, delay=1, max_delay=30, catch_extra_error_codes=["TooManyRequestsException"])


class AnsibleResourceGroupsError(AnsibleAWSError):
    pass


class ResourceGroupsErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleResourceGroupsError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("NotFoundException")


@resource_groups_page_retry
def _group_resources_page(client, group, next_token):
    kwargs = {"Group": group, "Filters": [{"Name": "resource-type", "Values": NODE_RESOURCE_TYPES}], "MaxResults": GROUP_RESOURCES_PAGE_SIZE}
    if next_token:
        kwargs["NextToken"] = next_token
    return client.list_group_resources(**kwargs)


@ResourceGroupsErrorHandler.list_error_handler("list resource group members", None)
def list_group_node_arns(client, group):
    """ARNs of a resource group's EC2 instances and hybrid nodes (all pages, each retried on its own), or None if there is no such group."""
    arns, next_token = [], None
    while True:
        result = _group_resources_page(client, group, next_token)
        arns.extend(item["Identifier"]["ResourceArn"] for item in result.get("Resources", []))
        next_token = result.get("NextToken")
        if not next_token:
            return arns
