#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ssm_patch_compliance_info
version_added: 0.1.0
short_description: The Patch Manager dashboard as data, and one compliance row per managed node
description:
  - Returns the widgets of the Patch Manager console's dashboard as data. Compliance summary
    (compliant, critical, high and other non-compliant nodes among those that reported patch data),
    patch states (managed nodes, nodes with missing patches, with failed patches, pending reboot),
    reporting age (reported within O(reporting_days) days, not within them, never reported), recent
    patch operations (commands and association executions that ran a patching document) and
    recurring patching tasks (associations and maintenance window tasks that run a patching
    document, with their schedule; as on the console, an association without a schedule such as
    C(AWS-PatchNowAssociation) is listed with a null schedule).
  - With O(instances=true), one row per managed node (id, name, IP address, platform, agent version,
    patch group, baseline, compliance status and severity, patch counts).
  - "For N nodes the counts cost ceil(N/50) DescribeInstanceInformation, ceil(N/50)
    DescribeInstancePatchStates (50 ids a call), ceil(N/50) ListResourceComplianceSummaries and
    ceil(N/1000) EC2 DescribeTags calls; never a call per node. With at most 5 O(instance_ids), the
    summaries and Name tags are read for those ids only (one call each)."
  - "The counts are streamed, page by page, with the memory of one page (see
    M(cloudpatch.ssm.ssm_compliance_export)); the rows of O(instances=true) are returned, so they
    are held."
  - "The filters combine: a node is counted if it is among O(instance_ids) (when given), in one of
    O(patch_groups) (when given) and has all O(tags). An empty list or dict is refused: a selection
    of nothing never means every node."
  - "Never a silent pass: when the selection matches no managed node (or the region has none) the
    result still has every count, at zero, and a warning names the region
    (C(0 nodes in us-east-1 matched patch groups Nobody: every count is zero)). A listed
    O(instance_ids) id that is not a managed node is named in a warning too. A gate built on these
    counts should check RV(dashboard.patch_states.managed_nodes) before it judges."
  - Read only; works in check mode.
author:
  - cloudpatch.ssm developers (@cloudpatch)
options:
  instance_ids:
    description:
      - Only these managed nodes (C(i-) or C(mi-) ids).
    type: list
    elements: str
  patch_groups:
    description:
      - Only the nodes tagged into these patch groups (tag C(Patch Group) or C(PatchGroup)).
    type: list
    elements: str
  tags:
    description:
      - Only the nodes with all these tags (a value may be a list of up to 100 accepted values).
    type: dict
  instances:
    description:
      - Also return one row per node in RV(instances).
    type: bool
    default: false
  reporting_days:
    description:
      - The reporting age widget's threshold, in days, 1 to 3650.
    type: int
    default: 7
  operations_limit:
    description:
      - How many recent patch operations to return, newest first, 1 to 50.
    type: int
    default: 10
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details:
      - Read only, so it makes the same calls and returns the same result in check mode.
  diff_mode:
    support: none
    details:
      - Read only; there is never a change to show.
  platform:
    platforms: posix
    details:
      - Runs where Python, boto3 and botocore can reach the AWS API, usually the controller (a play on
        C(localhost), or C(delegate_to)). It changes AWS resources, never the host it runs on.
seealso:
  - module: cloudpatch.ssm.ssm_compliance_export
    description: The same data as a CSV, JSON or HTML report in S3 or a local file.
  - module: cloudpatch.ssm.ssm_patch_run
    description: Scan or install, to bring the counts up to date or the nodes into compliance.
  - module: cloudpatch.ssm.ssm_patch_group_info
    description: Which baseline applies to each node.
  - name: Viewing patch Dashboard summaries
    link: https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-view-dashboard-summaries.html
    description: The console's Dashboard tab, whose widgets RV(dashboard) returns.
  - name: Patch compliance state values
    link: https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-compliance-states.html
    description: What a node's compliance status and patch states mean.
  - name: DescribeInstancePatchStates
    link: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeInstancePatchStates.html
    description: The API call behind the patch counts.
  - name: ListResourceComplianceSummaries
    link: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ListResourceComplianceSummaries.html
    description: The API call behind the compliance status and severity.
"""

EXAMPLES = r"""
- name: Read the Patch Manager dashboard
  cloudpatch.ssm.ssm_patch_compliance_info:
  register: compliance

- name: Show the compliance summary
  ansible.builtin.debug:
    var: compliance.dashboard.compliance_summary

- name: Non-compliant nodes of the App patch group
  cloudpatch.ssm.ssm_patch_compliance_info:
    patch_groups: [App]
    instances: true
  register: app

- name: List them
  ansible.builtin.debug:
    msg: "{{ app.instances | selectattr('status', 'equalto', 'NON_COMPLIANT') | map(attribute='instance_id') | list }}"

- name: Production nodes only, reporting age over 30 days
  cloudpatch.ssm.ssm_patch_compliance_info:
    tags:
      Environment: [production, prod]
    reporting_days: 30
  register: production

- name: Judge nothing when no node matched
  ansible.builtin.assert:
    that:
      - production.dashboard.patch_states.managed_nodes > 0
    fail_msg: "0 nodes matched: nothing to judge"
"""

RETURN = r"""
dashboard:
  description: The console dashboard's widgets.
  returned: always
  type: dict
  contains:
    compliance_summary:
      description: Among the nodes that reported patch data, how many are compliant, and the non-compliant by their highest compliance level.
      type: dict
      sample: {"compliant": 2, "critical_non_compliant": 2, "high_non_compliant": 0, "other_non_compliant": 0}
    patch_states:
      description: Managed nodes, and how many have missing patches, failed patches, patches pending a reboot.
      type: dict
      sample: {"managed_nodes": 4, "with_missing_patches": 4, "with_failed_patches": 0, "pending_reboot": 0}
    reporting_age:
      description: Nodes that reported within O(reporting_days) days, before that, or never.
      type: dict
      sample: {"days": 7, "within_days": 4, "older": 0, "never_reported": 0}
    recent_operations:
      description: Recent commands and association executions that ran a patching document, newest first.
      type: list
      elements: dict
      sample: [{"operation": "Scan", "mechanism": "Association", "document": "AWS-RunPatchBaseline",
                "id": "8d1b5c6e-1f2a-4b3c-9d8e-7f6a5b4c3d2e", "start_time": "2026-11-30T02:31:00Z",
                "end_time": "2026-11-30T02:31:02Z", "status": "Success", "targets": "InstanceIds: *"}]
    recurring_tasks:
      description: Associations (scheduled or not, as the console lists them) and maintenance window tasks that run a patching document.
      type: list
      elements: dict
      sample: [{"name": "nightly-scan", "type": "Association", "document": "AWS-RunPatchBaseline",
                "schedule": "cron(0 2 ? * * *)", "targets": "tag:Patch Group: App"}]
instances:
  description: One row per managed node.
  returned: when O(instances=true)
  type: list
  elements: dict
  contains:
    instance_id:
      description: The node's id.
      type: str
      sample: i-0123456789abcdef0
    name:
      description: Its EC2 C(Name) tag (hybrid nodes, their SSM name).
      type: str
      sample: App1
    ip_address:
      description: Its IP address.
      type: str
      sample: 10.0.0.12
    platform_name:
      description: Its platform.
      type: str
      sample: Amazon Linux
    platform_version:
      description: The platform's version.
      type: str
      sample: "2"
    agent_version:
      description: Its SSM Agent's version.
      type: str
      sample: 3.3.1142.0
    patch_group:
      description: The patch group its last scan or install ran with, or null.
      type: str
      sample: App
    baseline_id:
      description: The baseline its last scan or install used, or null.
      type: str
      sample: pb-0123456789abcdef0
    status:
      description: C(COMPLIANT), C(NON_COMPLIANT), or C(NEVER_REPORTED) for a node that has no patch data.
      type: str
      sample: NON_COMPLIANT
    severity:
      description: The highest compliance level of its non-compliant patches, or null.
      type: str
      sample: CRITICAL
    non_compliant_counts:
      description: Its non-compliant patches by compliance level (null if it never reported).
      type: dict
      sample: {"critical": 12, "high": 1, "medium": 0, "low": 0, "informational": 0, "unspecified": 0}
    patch_counts:
      description: Its patch counts from its last operation (null if it never reported).
      type: dict
      sample: {"installed": 310, "installed_other": 2, "installed_pending_reboot": 0, "installed_rejected": 0,
               "missing": 13, "failed": 0, "not_applicable": 1200}
    last_operation:
      description: C(Scan) or C(Install).
      type: str
      sample: Scan
    last_report_time:
      description: When it last reported (end of its last operation), ISO 8601.
      type: str
      sample: "2026-11-30T02:31:02Z"
    reporting_age:
      description: C(within), C(older) or C(never), against O(reporting_days).
      type: str
      sample: within
"""

import datetime

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import REPORTING_DAYS_MAX
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import DashboardCounts
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import nothing_matched
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import unmatched_ids
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import validate_selection
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance_fleet import dashboard_activity
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance_fleet import fleet_rows
from ansible_collections.cloudpatch.ssm.plugins.module_utils.modules import AnsibleCloudpatchSSMModule
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import int_range_error

# ListCommands and DescribeAssociationExecutions take at most 50 results a call.
OPERATIONS_LIMIT_MAX = 50


def validate(params):
    errors = [
        error for error in (
            int_range_error("reporting_days", params["reporting_days"], 1, REPORTING_DAYS_MAX, "days"),
            int_range_error("operations_limit", params["operations_limit"], 1, OPERATIONS_LIMIT_MAX),
        ) if error
    ]
    errors.extend(validate_selection(params["instance_ids"], params["patch_groups"], params["tags"]))
    return errors


def gather(ssm, ec2, params, workdir=None):
    """(dashboard, rows, ids seen): the counts are kept as counters; rows only when asked for with instances=true."""
    counts = DashboardCounts(params["reporting_days"])
    rows, seen = [], set()
    now = datetime.datetime.now(datetime.timezone.utc)
    with fleet_rows(ssm, ec2, now, params["reporting_days"], params["instance_ids"], params["patch_groups"], params["tags"],
                    workdir=workdir) as fleet:
        for row in fleet:
            counts.add(row)
            if params["instance_ids"]:
                seen.add(row["instance_id"])
            if params["instances"]:
                rows.append(row)
    operations, tasks = dashboard_activity(ssm, params["operations_limit"])
    return counts.as_dict(operations, tasks), rows, seen


def selection_warnings(params, dashboard, seen, region):
    """Never a silent pass: a selection that matched nothing (or an id that is not a managed node) is said."""
    if dashboard["patch_states"]["managed_nodes"] == 0:
        message = nothing_matched(region, params["instance_ids"], params["patch_groups"], params["tags"])
        if message:
            return [f"{message}: every count is zero"]
        return [f"there is no managed node in {region}: every count is zero"]
    if params["instance_ids"] and not params["patch_groups"] and not params["tags"]:
        return unmatched_ids(params["instance_ids"], seen, region)
    return []


def main():
    argument_spec = dict(
        instance_ids=dict(type="list", elements="str"),
        patch_groups=dict(type="list", elements="str"),
        tags=dict(type="dict"),
        instances=dict(type="bool", default=False),
        reporting_days=dict(type="int", default=7),
        operations_limit=dict(type="int", default=10),
    )
    module = AnsibleCloudpatchSSMModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = validate(module.params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    try:
        dashboard, rows, seen = gather(module.client("ssm"), module.client("ec2"), module.params, module.tmpdir)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    for warning in selection_warnings(module.params, dashboard, seen, module.region):
        module.warn(warning)
    result = dict(changed=False, dashboard=dashboard)
    if module.params["instances"]:
        result["instances"] = rows
    module.exit_json(**result)


if __name__ == "__main__":
    main()
