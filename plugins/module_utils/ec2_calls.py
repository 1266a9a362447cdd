# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The EC2 calls of cloudpatch.ssm, each with amazon.aws's EC2 error handler outside and its retry inside.

Instances' Name tags are read a page (1,000) a call; instances are tagged many a call, which
amazon.aws's per-resource tag helpers do not do: CreateTags and DeleteTags take up to 1,000 resource
ids, so putting 1,000 instances in a patch group is one call, not 1,000.
"""

from ansible_collections.amazon.aws.plugins.module_utils.ec2 import EC2InstanceErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.cloudpatch.ssm.plugins.module_utils.batching import chunks

# DescribeTags: 1,000 at most a page.
EC2_TAGS_PAGE_SIZE = 1000
# CreateTags and DeleteTags take up to 1,000 resource ids a call.
EC2_TAGGING_BATCH = 1000


@EC2InstanceErrorHandler.common_error_handler("describe instance Name tags")
@AWSRetry.jittered_backoff()
def describe_name_tags_page(client, next_token=None, resource_id=None):
    """One page (up to 1,000) of EC2 instances' Name tags (of one instance if given): ({instance id: name}, next token)."""
    filters = [{"Name": "resource-type", "Values": ["instance"]}, {"Name": "key", "Values": ["Name"]}]
    if resource_id:
        filters.append({"Name": "resource-id", "Values": [resource_id]})
    kwargs = {"Filters": filters, "MaxResults": EC2_TAGS_PAGE_SIZE}
    if next_token:
        kwargs["NextToken"] = next_token
    result = client.describe_tags(**kwargs)
    return dict((tag["ResourceId"], tag["Value"]) for tag in result.get("Tags", [])), result.get("NextToken")


@EC2InstanceErrorHandler.common_error_handler("tag instances")
@AWSRetry.jittered_backoff()
def _create_tags(client, resource_ids, tags):
    client.create_tags(Resources=resource_ids, Tags=ansible_dict_to_boto3_tag_list(tags))


@EC2InstanceErrorHandler.common_error_handler("untag instances")
@AWSRetry.jittered_backoff()
def _delete_tags(client, resource_ids, tag_keys):
    client.delete_tags(Resources=resource_ids, Tags=[{"Key": key} for key in tag_keys])


def tag_instances(client, instance_ids, tags):
    for batch in chunks(instance_ids, EC2_TAGGING_BATCH):
        _create_tags(client, batch, tags)


def untag_instances(client, instance_ids, tag_keys):
    for batch in chunks(instance_ids, EC2_TAGGING_BATCH):
        _delete_tags(client, batch, tag_keys)
