#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ssm_maintenance_window_info
version_added: 0.1.0
short_description: Read AWS Systems Manager maintenance windows, their next runs and their last executions
description:
  - Returns maintenance windows with their targets and tasks (in the shape of
    M(cloudpatch.ssm.ssm_maintenance_window)'s options), the next runs AWS has scheduled
    (DescribeMaintenanceWindowSchedule), and the last executions with each task's status
    (DescribeMaintenanceWindowExecutions, DescribeMaintenanceWindowExecutionTasks); with
    O(include_invocations=true), each task's invocations too, one per node for a Run Command task
    (DescribeMaintenanceWindowExecutionTaskInvocations).
  - "Calls per window: one GetMaintenanceWindow, one ListTagsForResource, one listing of its targets,
    one of its tasks and one GetMaintenanceWindowTask a task (the listing leaves out the tasks'
    parameters), one call for the next runs, and for the executions one listing (100 a page), then
    one a shown execution (its tasks). That is about 6 + T + E calls for T tasks and E executions,
    whatever the number of nodes."
  - "With O(include_invocations=true), add ceil(N/100) calls for each task of each shown execution
    that ran on N nodes: at 10,000 nodes, 100 calls a task, so 500 for one task over the five executions shown by
    default (O(executions=5)). Ask for the invocations of the one or two executions you look into
    (O(executions=1))."
  - A name or id that matches no window is warned about, naming the region (a window not made yet
    is not an error when reading); the windows found are returned.
author:
  - cloudpatch.ssm developers (@cloudpatch)
options:
  names:
    description:
      - Only the windows with these names (every window that has one, when several share a name).
      - With neither O(names) nor O(window_ids), every window of the region, read page by page.
      - An empty list or a blank name is an error.
    type: list
    elements: str
  window_ids:
    description:
      - Only these windows (C(mw-) ids). With O(names) too, the windows matching either.
    type: list
    elements: str
  next_runs:
    description:
      - How many of each window's next runs to return, 0 to 100 (0 reads none).
    type: int
    default: 5
  executions:
    description:
      - How many of each window's last executions to return, newest first, with their tasks
        (and their invocations with O(include_invocations=true)); 0 to 100 (0 reads none).
    type: int
    default: 5
  include_invocations:
    description:
      - Also return each task's invocations (RV(windows[].executions[].tasks[].invocations)), one per
        node for a Run Command task, with its status and target.
      - They cost ceil(N/100) calls a task of each shown execution for N nodes (see the description);
        without them, each task's status still says how it ended.
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
      - Reads only; the same in check mode.
  diff_mode:
    support: none
    details:
      - Reads only; there is nothing to diff.
seealso:
  - module: cloudpatch.ssm.ssm_maintenance_window
    description: Create and change the windows this module reads.
  - module: cloudpatch.ssm.ssm_patch_compliance_info
    description: The compliance the windows' patching tasks leave behind.
  - name: View information about maintenance windows (AWS CLI)
    link: https://docs.aws.amazon.com/systems-manager/latest/userguide/maintenance-windows-cli-tutorials-describe.html
    description: The calls this module makes.
  - name: DescribeMaintenanceWindowSchedule
    link: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeMaintenanceWindowSchedule.html
    description: Where RV(windows[].next_runs) comes from.
"""

EXAMPLES = r"""
- name: Every window with its next three runs and its last execution
  cloudpatch.ssm.ssm_maintenance_window_info:
    next_runs: 3
    executions: 1
  register: windows_now

- name: Show when each window opens next
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.next_runs | map(attribute='execution_time') | list }}"
  loop: "{{ windows_now.windows }}"
  loop_control:
    label: "{{ item.name }}"

- name: How each node fared in the production ring's last run
  cloudpatch.ssm.ssm_maintenance_window_info:
    names: [patch-app-prod]
    next_runs: 0
    executions: 1
    include_invocations: true
  register: prod_ring

- name: List the nodes it failed on
  ansible.builtin.debug:
    msg: >-
      {{ prod_ring.windows[0].executions[0].tasks
         | map(attribute='invocations') | flatten
         | rejectattr('status', 'equalto', 'SUCCESS')
         | map(attribute='instance_id') | list }}
  when: prod_ring.windows[0].executions | length > 0
"""

RETURN = r"""
windows:
  description: The windows, in the shape of the C(window) that M(cloudpatch.ssm.ssm_maintenance_window) returns.
  returned: always
  type: list
  elements: dict
  contains:
    window_id:
      description: The window's id.
      returned: always
      type: str
      sample: mw-0123456789abcdef0
    name:
      description: The window's name.
      returned: always
      type: str
      sample: patch-app-prod
    schedule:
      description: The schedule (and every other option of the window, as ssm_maintenance_window returns it).
      returned: always
      type: str
      sample: cron(0 2 ? * TUE#2 *)
    next_execution_time:
      description: When the window opens next.
      returned: always
      type: str
      sample: "2026-12-11T02:00-06:00"
    tags:
      description: The window's tags.
      returned: always
      type: dict
      sample: {"Ring": "prod"}
    targets:
      description: The window's targets, as ssm_maintenance_window returns them.
      returned: always
      type: list
      elements: dict
      sample: [{"name": "app-nodes", "patch_groups": ["App"], "resource_type": "INSTANCE"}]
    tasks:
      description: The window's tasks, as ssm_maintenance_window returns them.
      returned: always
      type: list
      elements: dict
      sample: [{"name": "install-app", "operation": "install", "targets": ["app-nodes"]}]
    next_runs:
      description: The next runs AWS has scheduled, soonest first.
      returned: always
      type: list
      elements: dict
      contains:
        execution_time:
          description: When the run starts, as AWS writes it.
          returned: always
          type: str
          sample: "2026-12-11T08:00Z"
    executions:
      description: The last executions, newest first.
      returned: always
      type: list
      elements: dict
      contains:
        window_execution_id:
          description: The execution's id.
          returned: always
          type: str
          sample: 6027b513-64fe-4cf0-be7d-1191aEXAMPLE
        status:
          description: The execution's status (PENDING, IN_PROGRESS, SUCCESS, FAILED, TIMED_OUT, CANCELLING, CANCELLED, SKIPPED_OVERLAPPING).
          returned: always
          type: str
          sample: SUCCESS
        status_details:
          description: Why, when AWS says.
          returned: always
          type: str
          sample: null
        start_time:
          description: When it started.
          returned: always
          type: str
          sample: "2026-12-11T08:00:00+00:00"
        end_time:
          description: When it ended.
          returned: always
          type: str
          sample: "2026-12-11T08:12:00+00:00"
        tasks:
          description: The execution's tasks.
          returned: always
          type: list
          elements: dict
          contains:
            task_execution_id:
              description: The task execution's id.
              returned: always
              type: str
              sample: ac0c6ae1-daa3-4a89-832e-d384503b6586
            name:
              description: The window's task that ran, when its TaskArn names one task of the window only.
              returned: always
              type: str
              sample: install-app
            task_arn:
              description: What ran.
              returned: always
              type: str
              sample: AWS-RunPatchBaseline
            task_type:
              description: The task's type.
              returned: always
              type: str
              sample: RUN_COMMAND
            status:
              description: The task's status.
              returned: always
              type: str
              sample: SUCCESS
            status_details:
              description: Why, when AWS says.
              returned: always
              type: str
              sample: null
            start_time:
              description: When it started.
              returned: always
              type: str
              sample: "2026-12-11T08:00:01+00:00"
            end_time:
              description: When it ended.
              returned: always
              type: str
              sample: "2026-12-11T08:11:00+00:00"
            invocations:
              description: The task's invocations (for Run Command, one per node), sorted by node.
              returned: when O(include_invocations=true)
              type: list
              elements: dict
              contains:
                invocation_id:
                  description: The invocation's id.
                  returned: always
                  type: str
                  sample: e274b6e1-fe56-4e32-bd2a-8073c6381d8b
                execution_id:
                  description: What it ran as (for Run Command, the command id).
                  returned: always
                  type: str
                  sample: 8dfe3659-4309-493a-8755-0123456789ab
                instance_id:
                  description: The node it ran on, from the invocation's parameters (none when they name no single node).
                  returned: always
                  type: str
                  sample: i-0123456789abcdef0
                instance_ids:
                  description: Every node the invocation's parameters name.
                  returned: always
                  type: list
                  elements: str
                  sample: ["i-0123456789abcdef0"]
                status:
                  description: The invocation's status.
                  returned: always
                  type: str
                  sample: SUCCESS
                status_details:
                  description: Why, when AWS says.
                  returned: always
                  type: str
                  sample: null
                start_time:
                  description: When it started.
                  returned: always
                  type: str
                  sample: "2026-12-11T08:00:02+00:00"
                end_time:
                  description: When it ended.
                  returned: always
                  type: str
                  sample: "2026-12-11T08:10:00+00:00"
                window_target_id:
                  description: The window target the node was in.
                  returned: always
                  type: str
                  sample: e32eecb2-646c-4f4b-8ed1-205fbEXAMPLE
                target:
                  description: That target's name.
                  returned: always
                  type: str
                  sample: app-nodes
                owner_information:
                  description: The target's owner information.
                  returned: always
                  type: str
                  sample: null
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import execution_to_ansible
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import invocation_to_ansible
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import newest_executions
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import read_window
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import task_execution_to_ansible
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import validate_info_parameters
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import windows_named
from ansible_collections.cloudpatch.ssm.plugins.module_utils.modules import AnsibleCloudpatchSSMModule
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_maintenance_window_execution_task_invocations
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_maintenance_window_execution_tasks
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_maintenance_window_executions
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_maintenance_window_schedule
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_maintenance_windows
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import get_maintenance_window


def selected_windows(client, names, window_ids, region):
    """(GetMaintenanceWindow of each window asked for, in name order, every window when none is named;
    a warning for each name or id that matches none)."""
    if names is None and window_ids is None:
        identities = describe_maintenance_windows(client)
        return [definition for definition in (get_maintenance_window(client, item["WindowId"]) for item in identities) if definition], []
    definitions, warnings = {}, []
    if names:
        identities = windows_named(client, names)
        missing = [name for name in names if name not in set(item["Name"] for item in identities)]
        if missing:
            warnings.append(f"names: no maintenance window is named {', '.join(missing)} in {region}")
        for item in identities:
            definitions[item["WindowId"]] = get_maintenance_window(client, item["WindowId"])
    unknown = []
    for window_id in window_ids or []:
        if window_id not in definitions:
            definitions[window_id] = get_maintenance_window(client, window_id)
            if definitions[window_id] is None:
                unknown.append(window_id)
    if unknown:
        warnings.append(f"window_ids: no maintenance window {', '.join(unknown)} in {region}")
    return sorted((item for item in definitions.values() if item), key=lambda item: (item["Name"], item["WindowId"])), warnings


def unique_task_names(tasks):
    """TaskArn -> the window's task name, for the TaskArns one task of the window has (an execution's
    task names its TaskArn, not the window's task)."""
    by_arn = {}
    for task in tasks:
        by_arn.setdefault(task.get("TaskArn"), []).append(task.get("Name"))
    return dict((arn, names[0]) for arn, names in by_arn.items() if len(names) == 1)


def task_invocations(client, execution_id, task, target_names):
    """A task execution's invocations (one per node for Run Command), by pages of 100, sorted by node."""
    invocations = describe_maintenance_window_execution_task_invocations(client, execution_id, task["TaskExecutionId"])
    rows = [invocation_to_ansible(invocation, target_names) for invocation in invocations]
    return sorted(rows, key=lambda row: str(row["instance_id"]))


def last_executions(client, window_id, count, targets, tasks, include_invocations=False):
    if not count:
        return []
    target_names = dict((target["WindowTargetId"], target.get("Name")) for target in targets)
    task_names = unique_task_names(tasks)
    executions = []
    for execution in newest_executions(describe_maintenance_window_executions(client, window_id), count):
        execution_id = execution["WindowExecutionId"]
        task_rows = []
        for task in describe_maintenance_window_execution_tasks(client, execution_id):
            invocations = task_invocations(client, execution_id, task, target_names) if include_invocations else None
            task_rows.append(task_execution_to_ansible(task, invocations, task_names))
        executions.append(execution_to_ansible(execution, task_rows))
    return executions


def describe(client, definition, next_runs, executions, include_invocations=False):
    window, targets, tasks = read_window(client, definition)
    runs = describe_maintenance_window_schedule(client, definition["WindowId"], next_runs) if next_runs else []
    window["next_runs"] = [{"execution_time": run.get("ExecutionTime")} for run in runs]
    window["executions"] = last_executions(client, definition["WindowId"], executions, targets, tasks, include_invocations)
    return window


def main():
    argument_spec = dict(
        names=dict(type="list", elements="str"),
        window_ids=dict(type="list", elements="str"),
        next_runs=dict(type="int", default=5),
        executions=dict(type="int", default=5),
        include_invocations=dict(type="bool", default=False),
    )
    module = AnsibleCloudpatchSSMModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    errors = validate_info_parameters(params)
    if errors:
        module.fail_json(msg="; ".join(errors))

    client = module.client("ssm")
    try:
        definitions, warnings = selected_windows(client, params["names"], params["window_ids"], module.region)
        windows = [describe(client, definition, params["next_runs"], params["executions"], params["include_invocations"])
                   for definition in definitions]
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    for warning in warnings:
        module.warn(warning)
    module.exit_json(changed=False, windows=windows)


if __name__ == "__main__":
    main()
