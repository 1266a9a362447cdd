#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ssm_patch_group_info
version_added: 0.1.0
short_description: Show patch groups, their members, and the baseline that really applies to each node
description:
  - For each patch group, its baseline per operating system, its members, and its state counts
    (DescribePatchGroupState).
  - For each member node, the baseline that actually applies and why (the baseline registered for
    the node's group and operating system, or else the default baseline of its operating system).
    The console never shows this in one place.
  - Groups are those registered with a baseline and those that nodes are tagged into
    (C(Patch Group) or C(PatchGroup)).
  - Read only; works in check mode.
author:
  - cloudpatch.ssm developers (@cloudpatch)
options:
  names:
    description:
      - Only these patch groups (and their members); each 1 to 256 letters, numbers, spaces and
        C(_.:/=+-@).
      - Must not be empty (leave it out for every group). A name that is no patch group of the
        region (no registration and no node tagged into it) is warned about.
    type: list
    elements: str
  include_ungrouped:
    description:
      - Also list the managed nodes that are in no patch group, with the default baseline they get.
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - ansible.builtin.action_common_attributes
  - cloudpatch.ssm.attributes
attributes:
  check_mode:
    support: full
    details:
      - Read only, so it makes the same calls and returns the same result in check mode.
  diff_mode:
    support: none
    details:
      - Read only; there is never a change to show.
seealso:
  - module: cloudpatch.ssm.ssm_patch_group
    description: Register a patch group with a baseline and put nodes in it.
  - module: cloudpatch.ssm.ssm_patch_baseline_info
    description: The baselines' full definitions.
  - module: cloudpatch.ssm.ssm_patch_compliance_info
    description: The nodes' compliance and patch counts.
  - name: Patch groups
    link: https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-patch-groups.html
    description: How the C(Patch Group) and C(PatchGroup) tags choose a node's baseline.
  - name: DescribePatchGroups
    link: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribePatchGroups.html
    description: The API call that lists the groups' registrations.
  - name: DescribePatchGroupState
    link: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribePatchGroupState.html
    description: The API call behind RV(patch_groups[].state).
"""

EXAMPLES = r"""
- name: Which baseline patches which node
  cloudpatch.ssm.ssm_patch_group_info:
    names: [App, Web]
  register: patch_group_view

- name: Show it
  ansible.builtin.debug:
    msg: "{{ item.computer_name }} ({{ item.patch_group }}): {{ item.baseline_name }}, {{ item.reason }}"
  loop: "{{ patch_group_view.nodes }}"
  loop_control:
    label: "{{ item.instance_id }}"
"""

RETURN = r"""
patch_groups:
  description: The patch groups, by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The group's name.
      returned: always
      type: str
      sample: App
    baselines:
      description: Operating system to the baseline the group is registered with.
      returned: always
      type: dict
      sample: {"AMAZON_LINUX_2": {"baseline_id": "pb-0123456789abcdef0", "name": "AmazonLinux2SecAndNonSecBaseline"}}
    members:
      description: Ids of the managed nodes tagged into the group.
      returned: always
      type: list
      elements: str
      sample: ["i-0123456789abcdef0"]
    state:
      description: DescribePatchGroupState's counts in snake_case (instances, instances_with_missing_patches, ...).
      returned: always
      type: dict
      sample: {"instances": 2, "instances_with_missing_patches": 2}
nodes:
  description: Each member node (and, with O(include_ungrouped), each node in no group).
  returned: always
  type: list
  elements: dict
  contains:
    instance_id:
      description: The node's id.
      returned: always
      type: str
      sample: i-0123456789abcdef0
    computer_name:
      description: The node's host name.
      returned: always
      type: str
      sample: ip-10-0-0-12.ec2.internal
    platform_name:
      description: The node's platform.
      returned: always
      type: str
      sample: Amazon Linux
    operating_system:
      description: Patch Manager's operating system for the node, or null for a platform it does not know.
      returned: always
      type: str
      sample: AMAZON_LINUX_2
    patch_group:
      description: The node's patch group, or null.
      returned: always
      type: str
      sample: App
    baseline_id:
      description: The baseline that applies to the node, or null when its operating system has no default baseline.
      returned: always
      type: str
      sample: pb-0123456789abcdef0
    baseline_name:
      description: Its name, or null.
      returned: always
      type: str
      sample: AmazonLinux2SecAndNonSecBaseline
    reason:
      description: Why that baseline applies.
      returned: always
      type: str
      sample: registered for patch group App and AMAZON_LINUX_2
default_baselines:
  description: Operating system to its default baseline id.
  returned: always
  type: dict
  sample: {"AMAZON_LINUX_2": "arn:aws:ssm:us-east-1:075727635805:patchbaseline/pb-0be8c61cde3be63f3"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.ec2 import describe_instances
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.transformation import boto3_resource_to_ansible_dict

from ansible_collections.cloudpatch.ssm.plugins.module_utils.modules import AnsibleCloudpatchSSMModule
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import default_baselines_by_os
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_group import PATCH_GROUP_TAG_KEYS
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_group import effective_baseline
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_group import group_of
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_group import operating_system_of
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_group import validate_info_parameters
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_instance_information
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_patch_baselines
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_patch_group_state
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_patch_groups
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import list_tags_for_resource


def node_groups(ssm, ec2, nodes):
    """{node id: patch group} for managed nodes in a group: EC2 tags by listing, SSM tags node by node."""
    groups = {}
    reservations = describe_instances(ec2, Filters=[{"Name": "tag-key", "Values": list(PATCH_GROUP_TAG_KEYS)}])
    for reservation in reservations:
        for instance in reservation["Instances"]:
            groups[instance["InstanceId"]] = group_of(boto3_tag_list_to_ansible_dict(instance.get("Tags")))[0]
    # SSM has no call that lists many managed nodes' tags; only hybrid nodes need one each.
    for node in nodes:
        if node["ResourceType"] == "ManagedInstance":
            groups[node["InstanceId"]] = group_of(list_tags_for_resource(ssm, "ManagedInstance", node["InstanceId"]))[0]
    return dict((node_id, group) for node_id, group in groups.items() if group)


def gather(ssm, ec2, names, include_ungrouped):
    registrations, baseline_names = {}, {}
    for mapping in describe_patch_groups(ssm):
        identity = mapping["BaselineIdentity"]
        registrations.setdefault(mapping["PatchGroup"], {})[identity["OperatingSystem"]] = identity["BaselineId"]
        baseline_names[identity["BaselineId"]] = identity["BaselineName"]
    identities = describe_patch_baselines(ssm)
    baseline_names.update((item["BaselineId"], item["BaselineName"]) for item in identities)
    defaults = default_baselines_by_os(identities)

    nodes = describe_instance_information(ssm)
    groups_of_nodes = node_groups(ssm, ec2, nodes)
    group_names = set(registrations) | set(groups_of_nodes.values())
    known_names = set(group_names)
    if names is not None:
        group_names &= set(names)

    node_rows = []
    for node in nodes:
        group = groups_of_nodes.get(node["InstanceId"])
        if group not in group_names and not (include_ungrouped and group is None):
            continue
        system = operating_system_of(node.get("PlatformName"), node.get("PlatformVersion"))
        baseline_id, reason = effective_baseline(group, system, registrations, defaults)
        node_rows.append(
            {
                "instance_id": node["InstanceId"],
                "computer_name": node.get("ComputerName"),
                "platform_name": node.get("PlatformName"),
                "operating_system": system,
                "patch_group": group,
                "baseline_id": baseline_id,
                "baseline_name": baseline_names.get(baseline_id),
                "reason": reason,
            }
        )

    group_rows = []
    for group in sorted(group_names):
        state = describe_patch_group_state(ssm, group)
        group_rows.append(
            {
                "name": group,
                "baselines": dict(
                    (system, {"baseline_id": baseline_id, "name": baseline_names.get(baseline_id)})
                    for system, baseline_id in registrations.get(group, {}).items()
                ),
                "members": sorted(node_id for node_id, node_group in groups_of_nodes.items() if node_group == group),
                "state": boto3_resource_to_ansible_dict(state, force_tags=False),
            }
        )
    unknown = [name for name in names or [] if name not in known_names]
    return group_rows, node_rows, defaults, unknown


def main():
    argument_spec = dict(
        names=dict(type="list", elements="str"),
        include_ungrouped=dict(type="bool", default=False),
    )
    module = AnsibleCloudpatchSSMModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = validate_info_parameters(module.params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    try:
        groups, nodes, defaults, unknown = gather(
            module.client("ssm"), module.client("ec2"), module.params["names"], module.params["include_ungrouped"]
        )
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    if unknown:
        # Not an error: in check mode, or before the first run, a group may not exist yet.
        module.warn(f"names: {', '.join(unknown)}: no such patch group in {module.region} (no baseline registered, no node tagged)")
    module.exit_json(changed=False, patch_groups=groups, nodes=nodes, default_baselines=defaults)


if __name__ == "__main__":
    main()
