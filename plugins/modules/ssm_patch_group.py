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
  platform:
    platforms: posix
    details:
      - Runs where Python, boto3 and botocore can reach the AWS API, usually the controller (a play on
        C(localhost), or C(delegate_to)). It changes AWS resources, never the host it runs on.
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

from ansible_collections.cloudpatch.ssm.plugins.module_utils.baseline_lookup import BaselineLookupError
from ansible_collections.cloudpatch.ssm.plugins.module_utils.baseline_lookup import resolve_baseline
from ansible_collections.cloudpatch.ssm.plugins.module_utils.modules import AnsibleCloudpatchSSMModule
from ansible_collections.cloudpatch.ssm.plugins.module_utils.node_directory import NodeDirectory
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import BASELINE_NAME_PATTERN
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_baseline import validate_baseline_id
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_group import group_of
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_group import plan_membership
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_group import validate_group_name
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_group import validate_members
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import deregister_patch_baseline_for_patch_group
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_patch_groups
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import register_patch_baseline_for_patch_group
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import ssm_enum
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import full_match


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


class PatchGroupTask:
    def __init__(self, ssm, directory, check_mode, params, region):
        self.ssm = ssm
        self.region = region
        self.directory = directory
        self.check_mode = check_mode
        self.group = params["name"]
        self.params = params
        self.changes = {"registered": {}, "deregistered": {}, "tagged": [], "untagged": {}}

    def register(self, registrations, definition):
        system = definition["OperatingSystem"]
        current = registrations.get(system)
        if current and current["baseline_id"] == definition["BaselineId"]:
            return
        if current:
            self.deregister(registrations, system)
        if not self.check_mode:
            register_patch_baseline_for_patch_group(self.ssm, definition["BaselineId"], self.group)
        registrations[system] = {"baseline_id": definition["BaselineId"], "name": definition["Name"]}
        self.changes["registered"][system] = definition["BaselineId"]

    def deregister(self, registrations, system):
        baseline_id = registrations.pop(system)["baseline_id"]
        if not self.check_mode:
            deregister_patch_baseline_for_patch_group(self.ssm, baseline_id, self.group)
        self.changes["deregistered"][system] = baseline_id

    def plan_members(self, members, purge, removing=False):
        """Read the group's nodes and the members' nodes, and plan the tagging; fails before any write."""
        current = self.directory.group_nodes(self.group)
        wanted = {}
        if members:
            wanted, unmatched = self.directory.resolve(members)
            if unmatched:
                raise BaselineLookupError(
                    f"members match no node in {self.region}: {', '.join(str(member) for member in unmatched)}"
                )
        nodes = dict(current, **wanted)
        return current, nodes, plan_membership(nodes, wanted, self.group, self.params["tag_key"], purge, removing)

    def apply_members(self, membership):
        """Carry out the plan; returns the group's members (ids) before and after."""
        current, nodes, plan = membership
        if not self.check_mode and (plan["tag"] or plan["untag"]):
            self.directory.apply(plan, self.group, self.params["tag_key"])
        self.changes["tagged"] = plan["tag"]
        self.changes["untagged"] = plan["untag"]
        after = tags_after(nodes, plan, self.group, self.params["tag_key"])
        return sorted(current), sorted(node_id for node_id, tags in after.items() if group_of(tags)[0] == self.group)

    @property
    def changed(self):
        return any(self.changes.values())


def tags_after(nodes, plan, group, tag_key):
    """Each node's tags once the plan is carried out."""
    after = {}
    for node_id, tags in nodes.items():
        tags = dict(tags)
        if node_id in plan["tag"]:
            tags[tag_key] = group
        for key, node_ids in plan["untag"].items():
            if node_id in node_ids:
                tags.pop(key, None)
        after[node_id] = tags
    return after


def run(task, params, registrations):
    """Every read and check first, then the writes: a bad member or baseline changes nothing."""
    baselines_before = dict(registrations)
    if params["state"] == "present":
        definition = resolve_baseline(task.ssm, params["baseline"], task.region) if params["baseline"] else None
        if definition and params["operating_system"] and params["operating_system"] != definition["OperatingSystem"]:
            raise BaselineLookupError(
                f"operating_system: baseline {params['baseline']} is for {definition['OperatingSystem']}, "
                f"not operating_system {params['operating_system']}"
            )
        membership = task.plan_members(params["members"], params["purge_members"])
        if definition:
            task.register(registrations, definition)
    else:
        membership = task.plan_members(params["members"], purge=False, removing=True)
        for system in list(registrations):
            if params["operating_system"] in (None, system):
                task.deregister(registrations, system)
    members_before, members = task.apply_members(membership)
    before = {"baselines": baselines_before, "members": members_before}
    after = {"name": params["name"], "tag_key": params["tag_key"], "baselines": registrations, "members": members}
    return before, after


def validate_baseline(reference):
    """A baseline is named by its id or ARN (the API's BaselineId) or by its name (BaselineName)."""
    if reference is None:
        return []
    if reference.startswith(("arn:", "pb-")):
        return validate_baseline_id(reference, "baseline")
    if not full_match(BASELINE_NAME_PATTERN, reference):
        return [f"baseline must be a pb- id, an ARN, or a name of 3 to 128 letters, digits, '_', '-' or '.', got {reference!r}"]
    return []


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
    errors = validate_group_name(params["name"]) + validate_members(params["members"]) + validate_baseline(params["baseline"])
    if params["operating_system"] is not None and params["operating_system"] not in ssm_enum("OperatingSystem"):
        errors.append(f"operating_system must be one of {', '.join(ssm_enum('OperatingSystem'))}, got {params['operating_system']!r}")
    if params["state"] == "absent" and params["purge_members"]:
        errors.append("purge_members applies to state=present only")
    if params["state"] == "absent" and params["baseline"]:
        errors.append("baseline applies to state=present only; use operating_system to deregister one system")
    if errors:
        module.fail_json(msg="; ".join(errors))

    ssm = module.client("ssm")
    task = PatchGroupTask(ssm, NodeDirectory(ssm, module.client("ec2")), module.check_mode, params, module.region)
    try:
        before, after = run(task, params, registrations_of(ssm, params["name"]))
    except BaselineLookupError as e:
        module.fail_json(msg=str(e))
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)

    module.exit_json(
        changed=task.changed,
        patch_group=after,
        changes=task.changes,
        diff=dict(before=before, after={"baselines": after["baselines"], "members": after["members"]}),
    )


if __name__ == "__main__":
    main()
