# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Finding nodes by what users call them, and moving them in and out of patch groups.

EC2 instances are found and tagged through EC2 (many instances a call); hybrid `mi-` nodes through
SSM (DescribeInstanceInformation to find them, one tagging call a node: SSM has no batch tagging).
"""

from ansible_collections.amazon.aws.plugins.module_utils.ec2 import describe_instances
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.cloudpatch.ssm.plugins.module_utils.batching import chunks
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ec2_calls import tag_instances
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ec2_calls import untag_instances
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_group.groups import PATCH_GROUP_TAG_KEYS
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_group.groups import classify_members
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import add_tags_to_resource
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_instance_information
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import list_tags_for_resource
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import remove_tags_from_resource

# Terminated instances keep their tags for a while but are in no group that matters.
LIVE_INSTANCE_STATES = ["pending", "running", "shutting-down", "stopping", "stopped"]
# EC2 filters take up to 200 values; DescribeInstanceInformation's InstanceIds filter up to 50 is safe.
EC2_FILTER_VALUES = 200
NODE_ID_FILTER_VALUES = 50


class NodeDirectory:
    def __init__(self, ssm, ec2):
        self.ssm = ssm
        self.ec2 = ec2

    def _instances(self, *filters):
        reservations = describe_instances(
            self.ec2, Filters=[{"Name": "instance-state-name", "Values": LIVE_INSTANCE_STATES}] + list(filters)
        )
        return dict(
            (instance["InstanceId"], boto3_tag_list_to_ansible_dict(instance.get("Tags")))
            for reservation in reservations for instance in reservation["Instances"]
        )

    def _hybrid_nodes(self, filters):
        nodes = describe_instance_information(self.ssm, filters)
        return [node for node in nodes if node["InstanceId"].startswith("mi-")]

    def _with_tags(self, hybrid_ids):
        return dict((node_id, list_tags_for_resource(self.ssm, "ManagedInstance", node_id)) for node_id in hybrid_ids)

    def resolve(self, members):
        """({node id: tags} for every node the members name, [members that name no node])."""
        wanted = classify_members(members)
        found, unmatched = {}, []
        for batch in chunks(wanted["ec2_ids"], EC2_FILTER_VALUES):
            matched = self._instances({"Name": "instance-id", "Values": batch})
            found.update(matched)
            unmatched += [node_id for node_id in batch if node_id not in matched]
        hybrid_ids = []
        for batch in chunks(wanted["hybrid_ids"], NODE_ID_FILTER_VALUES):
            matched = [node["InstanceId"] for node in self._hybrid_nodes([{"Key": "InstanceIds", "Values": batch}])]
            hybrid_ids += matched
            unmatched += [node_id for node_id in batch if node_id not in matched]
        if wanted["names"]:
            by_name = {}
            for batch in chunks(wanted["names"], EC2_FILTER_VALUES):
                for node_id, tags in self._instances({"Name": "tag:Name", "Values": batch}).items():
                    by_name.setdefault(tags.get("Name"), []).append(node_id)
                    found[node_id] = tags
            for node in self._hybrid_nodes([{"Key": "ResourceType", "Values": ["ManagedInstance"]}]):
                if node.get("Name") in wanted["names"]:
                    by_name.setdefault(node["Name"], []).append(node["InstanceId"])
                    hybrid_ids.append(node["InstanceId"])
            unmatched += [name for name in wanted["names"] if name not in by_name]
        for tag_filter in wanted["tag_filters"]:
            ec2_matched = self._instances(*[{"Name": f"tag:{key}", "Values": values} for key, values in tag_filter.items()])
            hybrid_matched = [
                node["InstanceId"]
                for node in self._hybrid_nodes([{"Key": f"tag:{key}", "Values": values} for key, values in tag_filter.items()])
            ]
            found.update(ec2_matched)
            hybrid_ids += hybrid_matched
            if not ec2_matched and not hybrid_matched:
                unmatched.append(tag_filter)
        found.update(self._with_tags(sorted(set(hybrid_ids))))
        return found, unmatched

    def group_nodes(self, group):
        """{node id: tags} for every node whose Patch Group (or PatchGroup) tag names this group."""
        nodes = {}
        hybrid_ids = set()
        for key in PATCH_GROUP_TAG_KEYS:
            nodes.update(self._instances({"Name": f"tag:{key}", "Values": [group]}))
            hybrid_ids.update(node["InstanceId"] for node in self._hybrid_nodes([{"Key": f"tag:{key}", "Values": [group]}]))
        nodes.update(self._with_tags(sorted(hybrid_ids)))
        return nodes

    def apply(self, plan, group, tag_key):
        """Carry out plan_membership's plan: EC2 instances in batches, hybrid nodes one by one."""
        to_tag = plan["tag"]
        tag_instances(self.ec2, [node_id for node_id in to_tag if node_id.startswith("i-")], {tag_key: group})
        for node_id in to_tag:
            if node_id.startswith("mi-"):
                add_tags_to_resource(self.ssm, "ManagedInstance", node_id, {tag_key: group})
        for key, node_ids in plan["untag"].items():
            untag_instances(self.ec2, [node_id for node_id in node_ids if node_id.startswith("i-")], [key])
            for node_id in node_ids:
                if node_id.startswith("mi-"):
                    remove_tags_from_resource(self.ssm, "ManagedInstance", node_id, [key])
