#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ssm_patch_association
version_added: 0.1.0
short_description: Manage a recurring State Manager association that scans for or installs patches
description:
  - Creates, updates or deletes a State Manager association that runs C(AWS-RunPatchBaseline) (or
    C(AWS-RunPatchBaselineWithHooks) when a lifecycle hook is given) on a schedule, for instance the
    daily scan the console's Patch Manager sets up, and keeps it as the task says.
  - The association is found by its O(name) (C(AssociationName)). Two associations of that name fail
    the task, listing their ids, unless O(association_id) picks one. An association of that name that
    runs another document is never changed or deleted.
  - Idempotent. The definition is compared with the current one (target values and tags as sets) and
    C(UpdateAssociation) is called only when something differs. C(UpdateAssociation) resets every
    field it is not given, so the whole definition is sent each time; the options left out (V(null))
    among O(schedule), O(schedule_offset), O(max_concurrency), O(max_errors), O(compliance_severity),
    O(sync_compliance), O(output_s3_bucket) keep their current values. The document and its
    parameters are always what the task says (O(operation), O(reboot_option), the hooks and the
    overrides; one left out is removed).
  - State Manager runs an association when it is created or updated, then on its schedule, unless
    O(apply_only_at_cron_interval=true).
  - Never more than asked. An empty or blank target (V([]), V(""), V({}), a blank element, a tag
    without a value) is an error naming the option; O(all_instances=true) is the only way to target
    every node. Every option is checked before any call; ids that are not managed nodes of the region,
    a resource group that does not exist and hook documents that do not exist fail before anything
    is written. Targets that match no managed node yet (tags, patch groups, every node) are warned
    about; the association runs on the nodes that match when it runs.
  - Patch groups are targeted by their tag (C(tag:Patch Group) or C(tag:PatchGroup), the spelling
    their nodes carry). An association's targets must all match, so one association targets one
    spelling; groups whose nodes carry both fail the task.
  - Runs have no C(SnapshotId), so each takes the patch baseline as it is when it runs.
  - O(tags) are the association's own tags, checked before any call as SSM checks every resource's tags (at most
    50, keys of 1-128 characters not beginning with C(aws:), values of at most 256, both of letters, numbers,
    spaces and C(_.:/=+-@)). The nodes it targets by tag are O(target_tags).
author:
  - cloudpatch.ssm developers (@cloudpatch)
options:
  state:
    description:
      - V(present) creates or updates the association; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - The association's name (C(AssociationName)), 3-128 letters, digits, C(_), C(-) and C(.).
    type: str
    required: true
  association_id:
    description:
      - Picks one of several associations that have the same O(name) (its id, a GUID).
      - With O(state=present) it must be an association of that name in the region.
    type: str
  operation:
    description:
      - V(scan) reports missing patches; V(install) installs the approved ones that are missing.
      - Required with O(state=present).
    type: str
    choices: [scan, install]
  instance_ids:
    description:
      - Target these managed nodes (C(i-) or C(mi-) ids), at most 50, each a managed node of the region, none twice.
      - With O(state=present), exactly one of O(instance_ids), O(patch_groups), O(target_tags),
        O(resource_group) and O(all_instances) is required.
    type: list
    elements: str
  patch_groups:
    description:
      - Target the nodes of these patch groups (tagged C(Patch Group) or C(PatchGroup)).
      - An empty list or a blank name is an error; a group no node is in yet is warned about.
    type: list
    elements: str
  target_tags:
    description:
      - Target the nodes carrying all these tags (key to a value or a list of values); at most 5 keys.
      - An empty dict, a blank key or value, or an empty list of values is an error.
      - Not the association's own tags (O(tags)).
    type: dict
  resource_group:
    description:
      - Target the nodes of this resource group (C(resource-groups:Name)); it must exist in the region.
    type: str
  all_instances:
    description:
      - V(true) targets every managed node of the region (C(InstanceIds=*), as State Manager takes it).
        V(false) is an error; nothing else targets every node.
    type: bool
  schedule:
    description:
      - When the association runs, as State Manager takes it for an association (User Guide,
        "Reference - Cron and rate expressions for Systems Manager"), for instance V(rate(1 day)) or
        V(cron(0 2 ? * SUN *)).
      - A cron expression has the fields minutes, hours, day-of-month, month (always V(*), as State Manager
        takes no month for an association), day-of-week and an optional year, after an optional seconds
        field that can only be V(0); V(?) in one of the day fields; runs at least 30 minutes apart.
      - A rate is V(rate(N minutes)), V(rate(N hours)) or V(rate(N days)) (singular for 1), from 30
        minutes to less than 31 days.
      - A one-time V(at(...)) is refused; M(cloudpatch.ssm.ssm_patch_run) runs once.
      - Required with O(state=present) when the association does not exist; V(null) keeps the current one.
    type: str
  schedule_offset:
    description:
      - Days (1-6) to wait after the cron date before running, for instance the Thursday after Patch
        Tuesday. Cron schedules only, with O(apply_only_at_cron_interval=true), as State Manager requires.
      - V(null) keeps the current offset.
    type: int
  apply_only_at_cron_interval:
    description:
      - V(true) does not run the association when it is created or updated, only at its schedule. Not for a rate.
    type: bool
    default: false
  max_concurrency:
    description:
      - How many nodes run at once, a number or a percentage (V(10), V(10%)). V(null) keeps the current value
        (none at creation, State Manager's default).
    type: str
  max_errors:
    description:
      - How many nodes may fail before State Manager stops sending the run to more, a number or a percentage.
        V(null) keeps the current value.
    type: str
  compliance_severity:
    description:
      - The severity of the association's own compliance item. V(null) keeps the current value.
    type: str
    choices: [CRITICAL, HIGH, MEDIUM, LOW, UNSPECIFIED]
  sync_compliance:
    description:
      - V(AUTO) lets State Manager report the association's compliance; V(MANUAL) leaves it to you
        (C(PutComplianceItems)). V(null) keeps the current value (V(AUTO) at creation).
    type: str
    choices: [AUTO, MANUAL]
  output_s3_bucket:
    description:
      - An S3 bucket for the runs' output. V(null) keeps the current output location.
    type: str
  output_s3_prefix:
    description:
      - A key prefix (at most 500 characters) under O(output_s3_bucket).
    type: str
  output_s3_region:
    description:
      - The region of O(output_s3_bucket).
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags.modules
  - amazon.aws.boto3
  - ansible.builtin.action_common_attributes
  - cloudpatch.ssm.attributes
  - cloudpatch.ssm.patching
attributes:
  check_mode:
    support: full
    details:
      - Reads the association, the targeted nodes and hook documents, then predicts the result without
        a create, update, delete or tag call. An association that would be created has no id yet.
  diff_mode:
    support: full
    details:
      - The definition and tags before and after, in the shape of RV(association).
seealso:
  - module: cloudpatch.ssm.ssm_patch_association_info
    description: Read patching associations and their last executions, node by node.
  - module: cloudpatch.ssm.ssm_patch_run
    description: Scan or install once, now.
  - name: CreateAssociation (API reference)
    description: What State Manager takes, and its defaults.
    link: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateAssociation.html
  - name: Reference - Cron and rate expressions for Systems Manager
    description: The schedules State Manager takes for an association.
    link: https://docs.aws.amazon.com/systems-manager/latest/userguide/reference-cron-and-rate-expressions.html
"""

EXAMPLES = r"""
- name: Scan the App and Web patch groups every day at 02:00 UTC
  cloudpatch.ssm.ssm_patch_association:
    name: daily-scan
    operation: scan
    patch_groups: [App, Web]
    schedule: cron(0 2 ? * * *)
    compliance_severity: HIGH
    max_concurrency: 10%
    max_errors: 10%
    tags:
      Owner: platform

- name: Install on the prod ring the Thursday after Patch Tuesday, only at that time
  cloudpatch.ssm.ssm_patch_association:
    name: prod-install
    operation: install
    reboot_option: RebootIfNeeded
    target_tags:
      Environment: prod
    schedule: cron(0 3 ? * TUE#2 *)
    schedule_offset: 2
    apply_only_at_cron_interval: true
    pre_install_hook: DrainNode
    output_s3_bucket: ssm-patch-logs
    output_s3_prefix: prod

- name: Remove the daily scan
  cloudpatch.ssm.ssm_patch_association:
    name: daily-scan
    state: absent
"""

RETURN = r"""
association:
  description:
    - The association as DescribeAssociation (or the create or update) answers it, snake_case, with its
      tags; empty after O(state=absent).
    - In check mode, what the create or update would make (no id for a create).
  returned: always
  type: dict
  contains:
    association_id:
      description: The association's id (null for a create predicted in check mode).
      returned: when the association exists
      type: str
      sample: 8d1b5c6e-1f2a-4b3c-9d8e-7f6a5b4c3d2e
    association_name:
      description: Its name (O(name)).
      returned: when the association exists or would
      type: str
      sample: daily-scan
    association_version:
      description: Its version; each update is a new one.
      returned: when the association exists
      type: str
      sample: "2"
    name:
      description: The document it runs.
      returned: when the association exists or would
      type: str
      sample: AWS-RunPatchBaseline
    targets:
      description: Its targets (key and values).
      returned: when the association exists or would
      type: list
      elements: dict
      sample: [{"key": "tag:Patch Group", "values": ["App", "Web"]}]
    parameters:
      description: The document parameters (as the document names them), each a list.
      returned: when the association exists or would
      type: dict
      sample: {"Operation": ["Scan"], "RebootOption": ["RebootIfNeeded"]}
    schedule_expression:
      description: When it runs.
      returned: when the association exists or would
      type: str
      sample: cron(0 2 ? * * *)
    schedule_offset:
      description: Days after the cron date.
      returned: when set
      type: int
      sample: 2
    apply_only_at_cron_interval:
      description: Whether it runs only at its schedule.
      returned: when the association exists or would
      type: bool
      sample: false
    max_concurrency:
      description: Its rate control.
      returned: when set
      type: str
      sample: 10%
    max_errors:
      description: Its error threshold.
      returned: when set
      type: str
      sample: 10%
    compliance_severity:
      description: The severity of its compliance item.
      returned: when set
      type: str
      sample: HIGH
    sync_compliance:
      description: AUTO or MANUAL.
      returned: when the association exists or would
      type: str
      sample: AUTO
    output_location:
      description: Where the runs' output goes (C(s3_location)).
      returned: when set
      type: dict
      sample: {"s3_location": {"output_s3_bucket_name": "ssm-patch-logs", "output_s3_key_prefix": "prod"}}
    overview:
      description: Its status (C(status), C(detailed_status), C(association_status_aggregated_count)).
      returned: when the association exists
      type: dict
      sample: {"status": "Pending", "detailed_status": "Creating"}
    tags:
      description: The association's own tags.
      returned: when the association exists or would
      type: dict
      sample: {"Owner": "platform"}
changed_fields:
  description: The definition fields (API names) an update changed or would change.
  returned: when the association existed and O(state=present)
  type: list
  elements: str
  sample: ["ScheduleExpression", "Targets"]
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import DEFINITION_FIELDS
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import HOOKS
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import PATCH_DOCUMENTS
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import TARGET_OPTIONS
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import association_result
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import association_targets
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import desired_definition
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import diff_view
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import differences
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import kept_schedule_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import patch_group_key
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import predicted
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import update_request
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import validate_association
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_group.groups import PATCH_GROUP_TAG_KEYS
from ansible_collections.cloudpatch.ssm.plugins.module_utils.errors import ParameterError
from ansible_collections.cloudpatch.ssm.plugins.module_utils.modules import AnsibleCloudpatchSSMModule
from ansible_collections.cloudpatch.ssm.plugins.module_utils.resource_groups_calls import list_group_node_arns
from ansible_collections.cloudpatch.ssm.plugins.module_utils.resource_tags import ensure_tags
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import create_association
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import delete_association
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_association
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_document
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_instance_information
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_instance_information_page
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import list_associations_named
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import list_tags_for_resource
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import update_association


def find_association(client, name, association_id, state, region):
    """The AssociationDescription of the association this task manages, or None."""
    found = list_associations_named(client, name)
    if association_id:
        found = [association for association in found if association["AssociationId"] == association_id]
        if not found and state == "present":
            raise ParameterError(f"association_id {association_id}: there is no association named {name} with that id in {region}")
    elif len(found) > 1:
        ids = ", ".join(sorted(association["AssociationId"] for association in found))
        raise ParameterError(f"name {name}: {len(found)} associations have that name in {region} ({ids}); give association_id to pick one")
    if not found:
        return None
    description = describe_association(client, found[0]["AssociationId"])
    if description is not None and description.get("Name", "").rsplit("/", 1)[-1] not in PATCH_DOCUMENTS:
        raise ParameterError(f"name {name}: association {description['AssociationId']} in {region} runs {description.get('Name')}, "
                             "not a patching document; this module changes or deletes only associations of AWS-RunPatchBaseline(WithHooks)")
    return description


def any_node(client, filters):
    """True when at least one managed node matches the filters (one call: the first page)."""
    return bool(describe_instance_information_page(client, filters)[0])


def check_hook_documents(client, params, region):
    for option in HOOKS.values():
        if params.get(option) and describe_document(client, params[option]) is None:
            raise ParameterError(f"{option}: no SSM document {params[option]} in {region}")


def resolve_targets(client, groups_client, params, current, region, warn):
    """The association's Targets, after checking what the targets name: ParameterError for what must
    exist (managed node ids, the resource group), a warning for what matches no node yet."""
    if params.get("instance_ids"):
        known = set(node["InstanceId"] for node in describe_instance_information(client, [{"Key": "InstanceIds", "Values": params["instance_ids"]}]))
        unknown = [node_id for node_id in params["instance_ids"] if node_id not in known]
        if unknown:
            raise ParameterError(f"instance_ids: {', '.join(unknown)} {'is not a managed node' if len(unknown) == 1 else 'are not managed nodes'} in {region}")
        return association_targets(params)
    if params.get("patch_groups"):
        keys_in_use, empty = set(), []
        for group in params["patch_groups"]:
            spellings = [key for key in PATCH_GROUP_TAG_KEYS if any_node(client, [{"Key": f"tag:{key}", "Values": [group]}])]
            keys_in_use.update(spellings)
            if not spellings:
                empty.append(group)
        if empty:
            warn(f"patch_groups {empty!r} match no managed node in {region} yet: the association runs on the nodes tagged with them when it runs")
        key, error = patch_group_key(keys_in_use, (current or {}).get("Targets"), params["patch_groups"])
        if error:
            raise ParameterError(f"{error} (in {region})")
        return association_targets(params, key)
    if params.get("resource_group"):
        arns = list_group_node_arns(groups_client, params["resource_group"])
        if arns is None:
            raise ParameterError(f"resource_group {params['resource_group']} does not exist in {region}")
        if not arns:
            warn(f"resource_group {params['resource_group']} holds no EC2 instance or managed node in {region} yet")
        return association_targets(params)
    targets = association_targets(params)
    if params.get("target_tags"):
        if not any_node(client, [dict(target) for target in targets]):
            warn(f"target_tags match no managed node in {region} yet: the association runs on the nodes that carry them when it runs")
    elif not any_node(client, []):
        warn(f"all_instances: there is no managed node in {region} yet")
    return targets


def ensure_present(client, current, current_tags, params, targets, check_mode):
    """(changed, association, changed fields): create the association, or update what differs."""
    desired = desired_definition(params, targets, current)
    errors = kept_schedule_errors(desired)
    if errors:
        raise ParameterError("; ".join(errors))
    if current is None:
        if "ScheduleExpression" not in desired:
            raise ParameterError(f"schedule is required to create the association {params['name']}")
        request = dict((field, desired[field]) for field in DEFINITION_FIELDS if desired.get(field) is not None)
        if params["tags"]:
            request["Tags"] = ansible_dict_to_boto3_tag_list(params["tags"])
        created = predicted(None, desired) if check_mode else create_association(client, **request)
        return True, association_result(created, params["tags"] or {}), None
    fields = differences(desired, current)
    after = current
    if fields:
        after = predicted(current, desired) if check_mode else update_association(client, **update_request(current["AssociationId"], desired))
    tags_changed, tags = ensure_tags(client, "Association", current["AssociationId"], current_tags, params["tags"], params["purge_tags"], check_mode)
    return bool(fields) or tags_changed, association_result(after, tags), fields


def ensure_absent(client, current, check_mode):
    if current is None:
        return False
    if not check_mode:
        delete_association(client, current["AssociationId"])
    return True


def main():
    argument_spec = dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        name=dict(type="str", required=True),
        association_id=dict(type="str"),
        operation=dict(type="str", choices=["scan", "install"]),
        reboot_option=dict(type="str", choices=["RebootIfNeeded", "NoReboot"], default="RebootIfNeeded"),
        instance_ids=dict(type="list", elements="str"),
        patch_groups=dict(type="list", elements="str"),
        target_tags=dict(type="dict"),
        resource_group=dict(type="str"),
        all_instances=dict(type="bool"),
        schedule=dict(type="str"),
        schedule_offset=dict(type="int"),
        apply_only_at_cron_interval=dict(type="bool", default=False),
        max_concurrency=dict(type="str"),
        max_errors=dict(type="str"),
        compliance_severity=dict(type="str", choices=["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNSPECIFIED"]),
        sync_compliance=dict(type="str", choices=["AUTO", "MANUAL"]),
        pre_install_hook=dict(type="str"),
        post_install_hook=dict(type="str"),
        on_exit_hook=dict(type="str"),
        install_override_list=dict(type="str"),
        baseline_override=dict(type="str"),
        output_s3_bucket=dict(type="str"),
        output_s3_prefix=dict(type="str"),
        output_s3_region=dict(type="str"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleCloudpatchSSMModule(
        argument_spec=argument_spec,
        mutually_exclusive=[TARGET_OPTIONS],
        required_if=[("state", "present", ["operation"])],
        required_by={"output_s3_prefix": "output_s3_bucket", "output_s3_region": "output_s3_bucket"},
        supports_check_mode=True,
    )
    params = module.params
    errors = validate_association(params)
    if errors:
        module.fail_json(msg="; ".join(errors))

    client = module.client("ssm")
    groups_client = module.client("resource-groups") if params["resource_group"] and params["state"] == "present" else None
    fields = None
    try:
        current = find_association(client, params["name"], params["association_id"], params["state"], module.region)
        current_tags = list_tags_for_resource(client, "Association", current["AssociationId"]) if current else {}
        before = diff_view(association_result(current, current_tags)) if current else {}
        if params["state"] == "absent":
            changed = ensure_absent(client, current, module.check_mode)
            association = {}
        else:
            check_hook_documents(client, params, module.region)
            targets = resolve_targets(client, groups_client, params, current, module.region, module.warn)
            changed, association, fields = ensure_present(client, current, current_tags, params, targets, module.check_mode)
    except ParameterError as e:
        module.fail_parameter_error(e)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    result = dict(changed=changed, association=association, diff=dict(before=before, after=diff_view(association)))
    if fields is not None:
        result["changed_fields"] = fields
    module.exit_json(**result)


if __name__ == "__main__":
    main()
