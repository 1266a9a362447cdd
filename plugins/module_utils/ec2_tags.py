# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""EC2 tagging of many instances a call, which amazon.aws's per-resource tag helpers do not do.

CreateTags and DeleteTags take up to 1,000 resource ids; putting 1,000 instances in a patch group is
one call, not 1,000.
"""

from ansible_collections.amazon.aws.plugins.module_utils.ec2 import EC2InstanceErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_group import EC2_TAGGING_BATCH
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_group import chunks


@EC2InstanceErrorHandler.common_error_handler("tag instances")
@AWSRetry.jittered_backoff()
def _create_tags(client, resource_ids, tags):
    client.create_tags(Resources=resource_ids, Tags=ansible_dict_to_boto3_tag_list(tags))


@EC2InstanceErrorHandler.common_error_handler("untag instances")
@AWSRetry.jittered_backoff()
def _delete_tags(client, resource_ids, tag_keys):
    client.delete_tags(Resources=resource_ids, Tags=[{"Key": key} for key in tag_keys])


def tag_instances(client, instance_ids, tags):
    for batch in chunks(list(instance_ids), EC2_TAGGING_BATCH):
        _create_tags(client, batch, tags)


def untag_instances(client, instance_ids, tag_keys):
    for batch in chunks(list(instance_ids), EC2_TAGGING_BATCH):
        _delete_tags(client, batch, tag_keys)
