#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ssm_patch_association_info
version_added: 0.1.0
short_description: Read State Manager patching associations and their last executions, node by node
description:
  - Returns State Manager associations with their whole definition (DescribeAssociation), their tags,
    and their last executions with their nodes counted by status; with
    O(include_execution_targets=true), each targeted node's status too.
  - Without O(names) or O(association_ids), every association of the region that runs a patching
    document (C(AWS-RunPatchBaseline) or C(AWS-RunPatchBaselineWithHooks)), listed by pages.
  - A name or id that matches no association is warned about, naming the region.
  - "Calls. One listing per name (or per patching document), then per association one
    C(DescribeAssociation), one C(ListTagsForResource) and one C(DescribeAssociationExecutions) (the
    last O(executions)): 3 calls an association, whatever the number of nodes; never one call per node."
  - "With O(include_execution_targets=true), add each execution's targets by pages of 50
    (C(DescribeAssociationExecutionTargets)): ceil(N/50) calls an execution for N nodes, so at 10,000
    nodes 200 an execution and 1,000 for the five executions shown by default (O(executions=5)). Ask for
    the targets of the one or two executions you look into (O(executions=1))."
author:
  - cloudpatch.ssm developers (@cloudpatch)
options:
  names:
    description:
      - The associations of these names (C(AssociationName)). Must not be empty.
    type: list
    elements: str
  association_ids:
    description:
      - The associations of these ids. Must not be empty. With O(names), the associations of both.
    type: list
    elements: str
  executions:
    description:
      - How many of each association's last executions to return, newest first, 0-50 (0 reads none).
    type: int
    default: 5
  include_execution_targets:
    description:
      - Also return each execution's targeted nodes with their status
        (RV(associations[].executions[].targets)).
      - They cost ceil(N/50) calls an execution for N nodes (see the description); without them an
        execution's RV(associations[].executions[].resource_count_by_status) counts its nodes by status.
      - Needs O(executions) of 1 or more.
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
      - Reads only; it runs the same in check mode.
  diff_mode:
    support: none
seealso:
  - module: cloudpatch.ssm.ssm_patch_association
    description: Create, update or delete a recurring patching association.
  - module: cloudpatch.ssm.ssm_patch_compliance_info
    description: The fleet's patch compliance, with the recurring patching tasks.
  - name: DescribeAssociationExecutionTargets (API reference)
    description: The per-node status of an execution.
    link: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeAssociationExecutionTargets.html
"""

EXAMPLES = r"""
- name: Read every patching association with its last 3 executions
  cloudpatch.ssm.ssm_patch_association_info:
    executions: 3
  register: patching_associations

- name: Read the nightly install's last execution node by node
  cloudpatch.ssm.ssm_patch_association_info:
    names: [nightly-install]
    executions: 1
    include_execution_targets: true
  register: nightly_install

- name: Read the daily scan only, without executions
  cloudpatch.ssm.ssm_patch_association_info:
    names: [daily-scan]
    executions: 0
  register: daily_scan
"""

RETURN = r"""
associations:
  description: The associations, sorted by name then id, as ssm_patch_association returns one, with their executions.
  returned: always
  type: list
  elements: dict
  contains:
    association_id:
      description: The association's id.
      returned: always
      type: str
      sample: 8d1b5c6e-1f2a-4b3c-9d8e-7f6a5b4c3d2e
    association_name:
      description: Its name.
      returned: when it has one
      type: str
      sample: daily-scan
    name:
      description: The document it runs.
      returned: always
      type: str
      sample: AWS-RunPatchBaseline
    targets:
      description: Its targets.
      returned: always
      type: list
      elements: dict
      sample: [{"key": "tag:Patch Group", "values": ["App"]}]
    parameters:
      description: The document parameters.
      returned: always
      type: dict
      sample: {"Operation": ["Scan"], "RebootOption": ["RebootIfNeeded"]}
    schedule_expression:
      description: When it runs.
      returned: when it has a schedule
      type: str
      sample: rate(1 day)
    overview:
      description: Its status and the count of nodes by status.
      returned: always
      type: dict
      sample: {"status": "Success", "detailed_status": "Success", "association_status_aggregated_count": {"Success": 2}}
    tags:
      description: Its tags.
      returned: always
      type: dict
      sample: {"Owner": "platform"}
    executions:
      description: Its last executions, newest first (at most O(executions)).
      returned: always
      type: list
      elements: dict
      contains:
        execution_id:
          description: The execution's id.
          returned: always
          type: str
          sample: 76a5a04f-caf6-490c-b057-8a3d7e3d4c4e
        status:
          description: Its status (Pending, InProgress, Success, Failed...).
          returned: always
          type: str
          sample: Success
        detailed_status:
          description: Its detailed status.
          returned: when AWS gives one
          type: str
          sample: Success
        created_time:
          description: When it started (ISO 8601).
          returned: always
          type: str
          sample: "2026-12-01T02:00:00+00:00"
        resource_count_by_status:
          description: Its nodes counted by status, as AWS writes it.
          returned: when AWS gives it
          type: str
          sample: "{Success=2}"
        targets:
          description: Each targeted node of the execution.
          returned: when O(include_execution_targets=true)
          type: list
          elements: dict
          contains:
            resource_id:
              description: The node.
              returned: always
              type: str
              sample: i-0123456789abcdef0
            status:
              description: Its status in this execution.
              returned: always
              type: str
              sample: Success
            detailed_status:
              description: Its detailed status.
              returned: when AWS gives one
              type: str
              sample: Success
            output_source:
              description: The Run Command command that ran on it (C(output_source_id)).
              returned: when AWS gives one
              type: dict
              sample: {"output_source_id": "1c6a1d2e-3f4b-5a6c-7d8e-9f0a1b2c3d4e", "output_source_type": "RunCommand"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import MAX_EXECUTIONS
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import PATCH_DOCUMENTS
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import association_result
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import execution_result
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.definition import name_error
from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_run.request import GUID
from ansible_collections.cloudpatch.ssm.plugins.module_utils.errors import ParameterError
from ansible_collections.cloudpatch.ssm.plugins.module_utils.modules import AnsibleCloudpatchSSMModule
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_association
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_association_execution_targets
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import list_associations
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import list_associations_named
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import list_tags_for_resource
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import recent_association_executions
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import full_match
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import int_range_error


def validate_info(params):
    """Errors in the options that the argument spec cannot express, naming each option."""
    errors = []
    for option in ("names", "association_ids"):
        values = params.get(option)
        if values is not None and not values:
            errors.append(f"{option} is empty: name at least one, or leave {option} out to read every patching association")
        for index, value in enumerate(values or []):
            if not value or not value.strip():
                errors.append(f"{option}[{index}] is blank")
            elif option == "names":
                errors += [error for error in [name_error(f"names[{index}]", value)] if error]
            elif not full_match(GUID, value):
                errors.append(f"association_ids[{index}] must be an association id (a GUID), got {value!r}")
    errors += [error for error in [int_range_error("executions", params.get("executions"), 0, MAX_EXECUTIONS)] if error]
    if params.get("include_execution_targets") and params.get("executions") == 0:
        errors.append("include_execution_targets reads the targets of the executions returned, and executions is 0: "
                      "set executions to 1 or more, or leave include_execution_targets out")
    return errors


def association_ids_asked(client, params, region):
    """([association id], [warning]): the associations the task names, or every patching one."""
    ids, warnings = [], []
    for name in params.get("names") or []:
        found = [association["AssociationId"] for association in list_associations_named(client, name)]
        if not found:
            warnings.append(f"names: there is no association named {name} in {region}")
        ids += found
    ids += list(params.get("association_ids") or [])
    if params.get("names") is None and params.get("association_ids") is None:
        for document in PATCH_DOCUMENTS:
            ids += [association["AssociationId"] for association in list_associations(client, document)]
    return list(dict.fromkeys(ids)), warnings


def read_association(client, association_id, executions, include_execution_targets=False):
    """One association as returned, or None if it does not exist."""
    description = describe_association(client, association_id)
    if description is None:
        return None
    result = association_result(description, list_tags_for_resource(client, "Association", association_id))
    rows = recent_association_executions(client, association_id, executions) if executions else []
    result["executions"] = [
        execution_result(execution, describe_association_execution_targets(client, association_id, execution["ExecutionId"])
                         if include_execution_targets else None)
        for execution in rows
    ]
    return result


def gather(client, params, region):
    """(associations, warnings)."""
    ids, warnings = association_ids_asked(client, params, region)
    associations = []
    for association_id in ids:
        association = read_association(client, association_id, params["executions"], params["include_execution_targets"])
        if association is None:
            warnings.append(f"association_ids: there is no association {association_id} in {region}")
        else:
            associations.append(association)
    associations.sort(key=lambda item: (item.get("association_name") or "", item["association_id"]))
    return associations, warnings


def main():
    argument_spec = dict(
        names=dict(type="list", elements="str"),
        association_ids=dict(type="list", elements="str"),
        executions=dict(type="int", default=5),
        include_execution_targets=dict(type="bool", default=False),
    )
    module = AnsibleCloudpatchSSMModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = validate_info(module.params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    client = module.client("ssm")
    try:
        associations, warnings = gather(client, module.params, module.region)
    except ParameterError as e:
        module.fail_parameter_error(e)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    for warning in warnings:
        module.warn(warning)
    module.exit_json(changed=False, associations=associations)


if __name__ == "__main__":
    main()
