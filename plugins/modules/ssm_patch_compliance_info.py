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
    Name tags are read for those ids only (one call each) and each node's compliance from its own
    Patch compliance items (ListComplianceItems, one id a call as the API takes it, ceil(items/50)
    calls), instead of the region's summaries."
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
  instances:
    description:
      - Also return one row per node in RV(instances).
    type: bool
    default: false
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
  - cloudpatch.ssm.attributes
  - cloudpatch.ssm.compliance_selection
  - cloudpatch.ssm.read_concurrency
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
      returned: always
      type: dict
      contains:
        compliant:
          description: Nodes whose compliance status is C(COMPLIANT).
          returned: always
          type: int
          sample: 2
        critical_non_compliant:
          description: Non-compliant nodes whose highest compliance level is C(CRITICAL).
          returned: always
          type: int
          sample: 2
        high_non_compliant:
          description: Non-compliant nodes whose highest compliance level is C(HIGH).
          returned: always
          type: int
          sample: 0
        other_non_compliant:
          description: The other non-compliant nodes (C(MEDIUM), C(LOW), C(INFORMATIONAL), C(UNSPECIFIED), or a patch state without a summary).
          returned: always
          type: int
          sample: 0
    patch_states:
      description: Managed nodes, and how many have missing patches, failed patches, patches pending a reboot.
      returned: always
      type: dict
      contains:
        managed_nodes:
          description: The managed nodes counted (zero when the selection matched none).
          returned: always
          type: int
          sample: 4
        with_missing_patches:
          description: Nodes whose last scan or install left patches missing.
          returned: always
          type: int
          sample: 4
        with_failed_patches:
          description: Nodes with patches that failed to install.
          returned: always
          type: int
          sample: 0
        pending_reboot:
          description: Nodes with patches installed that wait for a reboot.
          returned: always
          type: int
          sample: 0
    reporting_age:
      description: Nodes that reported within O(reporting_days) days, before that, or never.
      returned: always
      type: dict
      contains:
        days:
          description: The threshold, O(reporting_days).
          returned: always
          type: int
          sample: 7
        within_days:
          description: Nodes whose last report is at most RV(dashboard.reporting_age.days) days old.
          returned: always
          type: int
          sample: 4
        older:
          description: Nodes whose last report is older.
          returned: always
          type: int
          sample: 0
        never_reported:
          description: Nodes with no patch data at all.
          returned: always
          type: int
          sample: 0
    recent_operations:
      description: Recent commands and association executions that ran a patching document, newest first, at most O(operations_limit).
      returned: always
      type: list
      elements: dict
      contains:
        operation:
          description: C(Scan) or C(Install), from the document's C(Operation) parameter; null when it cannot be read.
          returned: always
          type: str
          sample: Scan
        mechanism:
          description: C(Run Command) or C(Association).
          returned: always
          type: str
          sample: Association
        document:
          description: The patching document run.
          returned: always
          type: str
          sample: AWS-RunPatchBaseline
        id:
          description: The command id (Run Command) or the association execution id.
          returned: always
          type: str
          sample: 8d1b5c6e-1f2a-4b3c-9d8e-7f6a5b4c3d2e
        association_id:
          description: The association that ran.
          returned: when RV(dashboard.recent_operations[].mechanism) is C(Association)
          type: str
          sample: 8dfe3659-4309-493a-8755-0123456789ab
        start_time:
          description: When it was requested or started, ISO 8601.
          returned: always
          type: str
          sample: "2026-11-30T02:31:00Z"
        end_time:
          description: When it ended, ISO 8601; null while it runs, and for Run Command (ListCommands has no end time).
          returned: always
          type: str
          sample: "2026-11-30T02:31:02Z"
        status:
          description: Its status as SSM reports it.
          returned: always
          type: str
          sample: Success
        targets:
          description: Its targets as the console shows them.
          returned: always
          type: str
          sample: "InstanceIds: *"
    recurring_tasks:
      description: Associations (scheduled or not, as the console lists them) and maintenance window tasks that run a patching document.
      returned: always
      type: list
      elements: dict
      contains:
        name:
          description: The association's name (or id), or the maintenance window task's name (or window and task id).
          returned: always
          type: str
          sample: nightly-scan
        type:
          description: C(Association) or C(Maintenance window).
          returned: always
          type: str
          sample: Association
        id:
          description: The association id or the maintenance window task id.
          returned: always
          type: str
          sample: 8dfe3659-4309-493a-8755-0123456789ab
        window_id:
          description: The maintenance window's id.
          returned: when RV(dashboard.recurring_tasks[].type) is C(Maintenance window)
          type: str
          sample: mw-0123456789abcdef0
        window_name:
          description: The maintenance window's name.
          returned: when RV(dashboard.recurring_tasks[].type) is C(Maintenance window)
          type: str
          sample: weekly-patching
        document:
          description: The patching document (name or ARN) it runs.
          returned: always
          type: str
          sample: AWS-RunPatchBaseline
        schedule:
          description: Its schedule, or null for an association without one (such as C(AWS-PatchNowAssociation)).
          returned: always
          type: str
          sample: "cron(0 2 ? * * *)"
        next_run:
          description:
            - A maintenance window task's next run, the window's C(NextExecutionTime) as DescribeMaintenanceWindows returns it
              (no extra call); null for an association and for a window with no next run (a disabled window, one past its end date).
          returned: always
          type: str
          sample: "2026-12-08T02:00:00.000Z"
        targets:
          description: Its targets as the console shows them.
          returned: always
          type: str
          sample: "tag:Patch Group: App"
instances:
  description: One row per managed node.
  returned: when O(instances=true)
  type: list
  elements: dict
  contains:
    instance_id:
      description: The node's id.
      returned: always
      type: str
      sample: i-0123456789abcdef0
    name:
      description: Its EC2 C(Name) tag (hybrid nodes, their SSM name), or null.
      returned: always
      type: str
      sample: App1
    ip_address:
      description: Its IP address.
      returned: always
      type: str
      sample: 10.0.0.12
    computer_name:
      description: Its host name.
      returned: always
      type: str
      sample: ip-10-0-0-12.ec2.internal
    resource_type:
      description: C(EC2Instance) or C(ManagedInstance) (a hybrid node).
      returned: always
      type: str
      sample: EC2Instance
    ping_status:
      description: Whether its SSM Agent is reachable (C(Online), C(ConnectionLost), C(Inactive)).
      returned: always
      type: str
      sample: Online
    platform_type:
      description: C(Linux), C(Windows) or C(MacOS).
      returned: always
      type: str
      sample: Linux
    platform_name:
      description: Its platform.
      returned: always
      type: str
      sample: Amazon Linux
    platform_version:
      description: The platform's version.
      returned: always
      type: str
      sample: "2"
    agent_version:
      description: Its SSM Agent's version.
      returned: always
      type: str
      sample: 3.3.1142.0
    patch_group:
      description: The patch group its last scan or install ran with, or null.
      returned: always
      type: str
      sample: App
    baseline_id:
      description: The baseline its last scan or install used, or null.
      returned: always
      type: str
      sample: pb-0123456789abcdef0
    status:
      description: C(COMPLIANT), C(NON_COMPLIANT), or C(NEVER_REPORTED) for a node that has no patch data.
      returned: always
      type: str
      sample: NON_COMPLIANT
    severity:
      description: The highest compliance level of its non-compliant patches, or null.
      returned: always
      type: str
      sample: CRITICAL
    non_compliant_counts:
      description: Its non-compliant patches by compliance level, from its compliance summary (null when it has none yet).
      returned: always
      type: dict
      contains:
        critical:
          description: Missing patches of compliance level C(CRITICAL).
          returned: when the node has a compliance summary
          type: int
          sample: 12
        high:
          description: Of C(HIGH).
          returned: when the node has a compliance summary
          type: int
          sample: 1
        medium:
          description: Of C(MEDIUM).
          returned: when the node has a compliance summary
          type: int
          sample: 0
        low:
          description: Of C(LOW).
          returned: when the node has a compliance summary
          type: int
          sample: 0
        informational:
          description: Of C(INFORMATIONAL).
          returned: when the node has a compliance summary
          type: int
          sample: 0
        unspecified:
          description: Of C(UNSPECIFIED).
          returned: when the node has a compliance summary
          type: int
          sample: 0
    patch_counts:
      description: Its patch counts from its last operation (null when it has no patch state).
      returned: always
      type: dict
      contains:
        installed:
          description: Patches installed.
          returned: when the node has a patch state
          type: int
          sample: 310
        installed_other:
          description: Installed patches that the baseline does not specify.
          returned: when the node has a patch state
          type: int
          sample: 2
        installed_pending_reboot:
          description: Patches installed that wait for a reboot.
          returned: when the node has a patch state
          type: int
          sample: 0
        installed_rejected:
          description: Installed patches the baseline rejects.
          returned: when the node has a patch state
          type: int
          sample: 0
        missing:
          description: Approved patches not installed.
          returned: when the node has a patch state
          type: int
          sample: 13
        failed:
          description: Patches that failed to install.
          returned: when the node has a patch state
          type: int
          sample: 0
        not_applicable:
          description: Patches that do not apply to the node.
          returned: when the node has a patch state
          type: int
          sample: 1200
    last_operation:
      description: C(Scan) or C(Install), or null.
      returned: always
      type: str
      sample: Scan
    last_report_time:
      description: When it last reported (end of its last operation), ISO 8601, or null.
      returned: always
      type: str
      sample: "2026-11-30T02:31:02Z"
    reporting_age:
      description: C(within), C(older) or C(never), against O(reporting_days).
      returned: always
      type: str
      sample: within
"""

import datetime

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import DEFAULT_READ_CONCURRENCY
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import DashboardCounts
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import READ_CONCURRENCY_MAX
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import REPORTING_DAYS_MAX
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import dashboard_activity
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import fleet_rows
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import nothing_matched
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import unmatched_ids
from ansible_collections.cloudpatch.ssm.plugins.module_utils.compliance import validate_selection
from ansible_collections.cloudpatch.ssm.plugins.module_utils.modules import AnsibleCloudpatchSSMModule
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import int_range_error

# ListCommands and DescribeAssociationExecutions take at most 50 results a call.
OPERATIONS_LIMIT_MAX = 50


def validate(params):
    errors = [
        error for error in (
            int_range_error("reporting_days", params["reporting_days"], 1, REPORTING_DAYS_MAX, "days"),
            int_range_error("operations_limit", params["operations_limit"], 1, OPERATIONS_LIMIT_MAX),
            int_range_error("read_concurrency", params.get("read_concurrency"), 1, READ_CONCURRENCY_MAX),
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
                    workdir=workdir, read_concurrency=params.get("read_concurrency", DEFAULT_READ_CONCURRENCY)) as fleet:
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
        read_concurrency=dict(type="int", default=DEFAULT_READ_CONCURRENCY),
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
