#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ssm_patch_group
version_added: 0.1.0
short_description: Register AWS Systems Manager patch groups with baselines and assign nodes to them
description:
  - Registers a patch group with a patch baseline (one baseline per operating system, as Patch
    Manager allows), moving the group from another baseline of the same operating system if needed.
  - Puts nodes in the group by tagging them C(Patch Group) (or C(PatchGroup)) with the group's name;
    EC2 instances through EC2 tags, many instances a call; hybrid C(mi-) nodes through SSM tags.
  - A node is in one group only. A node of another group moves to this one, and the other spelling
    of the tag key is removed so that the node is never in two groups.
  - Without O(baseline), nodes of the group get their operating system's default baseline, as the
    workshop's C(Web) group does.
author:
  - cloudpatch.ssm developers (@cloudpatch)
options:
  name:
    description:
      - The patch group's name, 1 to 256 letters, numbers, spaces and C(_.:/=+-@).
    type: str
    required: true
  baseline:
    description:
      - The baseline to register the group with, by name, C(pb-) id or ARN. AWS-owned baselines can
        be named (for example V(AWS-AmazonLinux2DefaultPatchBaseline)).
      - A name several baselines share is an error that lists their ids; give one of the ids instead.
      - Left out, the group's registrations are left as they are.
    type: str
  operating_system:
    description:
      - With O(state=absent), deregister the group for this operating system only.
      - With O(baseline), it must be the baseline's operating system (a safeguard).
      - One of the SSM API's C(OperatingSystem) values.
    type: str
    choices: [WINDOWS, AMAZON_LINUX, AMAZON_LINUX_2, AMAZON_LINUX_2022, UBUNTU, REDHAT_ENTERPRISE_LINUX, SUSE, CENTOS,
              ORACLE_LINUX, DEBIAN, MACOS, RASPBIAN, ROCKY_LINUX, ALMA_LINUX, AMAZON_LINUX_2023]
  state:
    description:
      - V(present) registers the group and tags its members; V(absent) deregisters it and, with
        O(members), removes their tag.
    type: str
    choices: [present, absent]
    default: present
  members:
    description:
      - The nodes of the group. Each entry is an EC2 instance id (C(i-...)), a hybrid node id
        (C(mi-...)), a C(Name) tag value (or a hybrid node's name), or a dict of tag key to value (or
        list of values) that selects every node carrying all of them.
      - Every entry must match at least one node; otherwise the task fails, with the region, and
        changes nothing.
      - Left out, membership is left as it is. An empty list, or an empty tag filter, is an error
        (never "every node").
    type: list
    elements: raw
  purge_members:
    description:
      - Remove the group's tag from nodes of this group that O(members) does not name.
    type: bool
    default: false
  tag_key:
    description:
      - The tag key that puts nodes in the group. Patch Manager reads both spellings.
    type: str
    choices: ["Patch Group", "PatchGroup"]
    default: Patch Group
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
      - Reads the registrations and the nodes, checks every member, then predicts the registrations,
        the tagging and the members without registering, deregistering or tagging anything.
  diff_mode:
    support: full
    details:
      - The group's baselines and members before and after.
seealso:
  - module: cloudpatch.ssm.ssm_patch_group_info
    description: Show the groups, their members and the baseline that applies to each node.
  - module: cloudpatch.ssm.ssm_patch_baseline
    description: Create the baseline to register the group with.
  - module: cloudpatch.ssm.ssm_patch_run
    description: Scan or install on the nodes of a patch group.
  - name: Patch groups
    link: https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-patch-groups.html
    description: How the C(Patch Group) and C(PatchGroup) tags choose a node's baseline.
  - name: Creating and managing patch groups
    link: https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-tag-a-patch-group.html
    description: Tagging nodes into a group and registering the group with a baseline.
  - name: RegisterPatchBaselineForPatchGroup
    link: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_RegisterPatchBaselineForPatchGroup.html
    description: The API call that registers a group with a baseline.
  - name: DeregisterPatchBaselineForPatchGroup
    link: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DeregisterPatchBaselineForPatchGroup.html
    description: The API call that deregisters it.
"""

EXAMPLES = r"""
- name: The workshop's App group, on the custom baseline
  cloudpatch.ssm.ssm_patch_group:
    name: App
    baseline: AmazonLinux2SecAndNonSecBaseline
    members: [App1, App2]

- name: The workshop's Web group, left on the Amazon Linux 2 default baseline
  cloudpatch.ssm.ssm_patch_group:
    name: Web
    members: [Web1, Web2]

- name: Every production web server, and nobody else
  cloudpatch.ssm.ssm_patch_group:
    name: prod-web
    baseline: pb-0123456789abcdef0
    members:
      - Environment: production
        Role: [web, frontend]
    purge_members: true

- name: Stop registering App for Amazon Linux 2 and take App1 out of it
  cloudpatch.ssm.ssm_patch_group:
    name: App
    state: absent
    operating_system: AMAZON_LINUX_2
    members: [App1]
"""

RETURN = r"""
patch_group:
  description: The group after the task (predicted in check mode).
  returned: always
  type: dict
  contains:
    name:
      description: The group's name.
      returned: always
      type: str
      sample: App
    tag_key:
      description: The tag key this task uses for membership.
      returned: always
      type: str
      sample: Patch Group
    baselines:
      description: Operating system to the baseline the group is registered with.
      returned: always
      type: dict
      sample: {"AMAZON_LINUX_2": {"baseline_id": "pb-0123456789abcdef0", "name": "AmazonLinux2SecAndNonSecBaseline"}}
    members:
      description: The ids of the nodes in the group (by either tag key spelling).
      returned: always
      type: list
      elements: str
      sample: ["i-0123456789abcdef0", "i-0fedcba9876543210"]
changes:
  description: What the task did (or would do in check mode).
  returned: always
  type: dict
  contains:
    registered:
      description: Operating system to the baseline id registered.
      returned: always
      type: dict
      sample: {"AMAZON_LINUX_2": "pb-0123456789abcdef0"}
    deregistered:
      description: Operating system to the baseline id deregistered.
      returned: always
      type: dict
      sample: {}
    tagged:
      description: Nodes given the group's tag.
      returned: always
      type: list
      elements: str
      sample: ["i-0123456789abcdef0"]
    untagged:
      description: Tag key to the nodes it was removed from.
      returned: always
      type: dict
      sample: {"PatchGroup": ["i-0123456789abcdef0"]}
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from ansible_collections.cloudpatch.ssm.plugins.module_utils.errors import ParameterError
from ansible_collections.cloudpatch.ssm.plugins.module_utils.modules import AnsibleCloudpatchSSMModule
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import resolve_baseline
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_group import NodeDirectory
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_group import baseline_system_error
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_group import members_of
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_group import plan_membership
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_group import tags_after
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_group import validate_parameters
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import deregister_patch_baseline_for_patch_group
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_patch_groups
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import register_patch_baseline_for_patch_group
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import ssm_enum


def registrations_of(client, group):
    """{OS: {baseline_id, name}} for the group's registrations (DescribePatchGroups, exact name)."""
    mappings = describe_patch_groups(client, [{"Key": "NAME_PREFIX", "Values": [group]}])
    return dict(
        (
            mapping["BaselineIdentity"]["OperatingSystem"],
            {"baseline_id": mapping["BaselineIdentity"]["BaselineId"], "name": mapping["BaselineIdentity"]["BaselineName"]},
        )
        for mapping in mappings
        if mapping["PatchGroup"] == group
    )


def no_changes():
    return {"registered": {}, "deregistered": {}, "tagged": [], "untagged": {}}


def register(ssm, group, registrations, definition, check_mode, changes):
    """The baseline becomes the group's for its OS (the OS's baseline before it is deregistered)."""
    system = definition["OperatingSystem"]
    current = registrations.get(system)
    if current and current["baseline_id"] == definition["BaselineId"]:
        return
    if current:
        deregister(ssm, group, registrations, system, check_mode, changes)
    if not check_mode:
        register_patch_baseline_for_patch_group(ssm, definition["BaselineId"], group)
    registrations[system] = {"baseline_id": definition["BaselineId"], "name": definition["Name"]}
    changes["registered"][system] = definition["BaselineId"]


def deregister(ssm, group, registrations, system, check_mode, changes):
    baseline_id = registrations.pop(system)["baseline_id"]
    if not check_mode:
        deregister_patch_baseline_for_patch_group(ssm, baseline_id, group)
    changes["deregistered"][system] = baseline_id


def plan_members(directory, group_nodes, wanted, purge, removing, region):
    """(every node concerned with its tags, the tagging plan): the members' nodes are read, nothing is written."""
    found = {}
    if wanted["members"]:
        found, unmatched = directory.resolve(wanted["members"])
        if unmatched:
            raise ParameterError(f"members match no node in {region}: {', '.join(str(member) for member in unmatched)}")
    nodes = dict(group_nodes, **found)
    return nodes, plan_membership(nodes, found, wanted["name"], wanted["tag_key"], purge, removing)


def apply_members(directory, nodes, plan, wanted, check_mode, changes):
    """Carry out the plan; returns the group's members (ids) after it."""
    if not check_mode and (plan["tag"] or plan["untag"]):
        directory.apply(plan, wanted["name"], wanted["tag_key"])
    changes["tagged"] = plan["tag"]
    changes["untagged"] = plan["untag"]
    return members_of(tags_after(nodes, plan, wanted["name"], wanted["tag_key"]), wanted["name"])


def outcome(wanted, registrations, members, changes):
    """(changed, {patch_group, changes}): the group after the task and what the task changed."""
    after = {"name": wanted["name"], "tag_key": wanted["tag_key"], "baselines": registrations, "members": members}
    return any(changes.values()), {"patch_group": after, "changes": changes}


def ensure_present(ssm, directory, current, wanted, check_mode, region):
    """Every read and check first, then the writes: a bad member or baseline changes nothing."""
    definition = resolve_baseline(ssm, wanted["baseline"], region) if wanted["baseline"] else None
    error = baseline_system_error(wanted, definition)
    if error:
        raise ParameterError(error)
    nodes, plan = plan_members(directory, current["nodes"], wanted, wanted["purge_members"], False, region)
    changes = no_changes()
    registrations = dict(current["baselines"])
    if definition:
        register(ssm, wanted["name"], registrations, definition, check_mode, changes)
    members = apply_members(directory, nodes, plan, wanted, check_mode, changes)
    return outcome(wanted, registrations, members, changes)


def ensure_absent(ssm, directory, current, wanted, check_mode, region):
    """Deregister the group's baselines (of one OS if given) and untag the members named."""
    nodes, plan = plan_members(directory, current["nodes"], wanted, False, True, region)
    changes = no_changes()
    registrations = dict(current["baselines"])
    for system in list(registrations):
        if wanted["operating_system"] in (None, system):
            deregister(ssm, wanted["name"], registrations, system, check_mode, changes)
    members = apply_members(directory, nodes, plan, wanted, check_mode, changes)
    return outcome(wanted, registrations, members, changes)


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        baseline=dict(type="str"),
        # The SSM model's OperatingSystem enum, written out so that the spec loads without botocore
        # (tests/unit/plugins/modules/test_documentation.py checks it against botocore's).
        operating_system=dict(type="str", choices=[
            "WINDOWS", "AMAZON_LINUX", "AMAZON_LINUX_2", "AMAZON_LINUX_2022", "UBUNTU", "REDHAT_ENTERPRISE_LINUX", "SUSE",
            "CENTOS", "ORACLE_LINUX", "DEBIAN", "MACOS", "RASPBIAN", "ROCKY_LINUX", "ALMA_LINUX", "AMAZON_LINUX_2023",
        ]),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        members=dict(type="list", elements="raw"),
        purge_members=dict(type="bool", default=False),
        tag_key=dict(type="str", choices=["Patch Group", "PatchGroup"], default="Patch Group"),
    )
    module = AnsibleCloudpatchSSMModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
    )
    params = module.params
    errors = validate_parameters(params, ssm_enum("OperatingSystem"))
    if errors:
        module.fail_json(msg="; ".join(errors))

    ssm = module.client("ssm")
    directory = NodeDirectory(ssm, module.client("ec2"))
    ensure = ensure_present if params["state"] == "present" else ensure_absent
    try:
        current = {"baselines": registrations_of(ssm, params["name"]), "nodes": directory.group_nodes(params["name"])}
        changed, result = ensure(ssm, directory, current, params, module.check_mode, module.region)
    except ParameterError as e:
        module.fail_parameter_error(e)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)

    before = {"baselines": current["baselines"], "members": sorted(current["nodes"])}
    after = result["patch_group"]
    module.exit_json(
        changed=changed,
        diff=dict(before=before, after={"baselines": after["baselines"], "members": after["members"]}),
        **result
    )


if __name__ == "__main__":
    main()
