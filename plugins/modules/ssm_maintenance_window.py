#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ssm_maintenance_window
version_added: 0.1.0
short_description: Manage AWS Systems Manager maintenance windows with their targets and patching tasks
description:
  - Creates, updates and deletes a maintenance window, and registers its targets and tasks in the
    same task, matched by name, as the console's B(Configure patching) does in one screen.
  - Patching is first class. A task with O(tasks[].operation) runs C(AWS-RunPatchBaseline) (or
    C(AWS-RunPatchBaselineWithHooks) when a hook is given) as a C(RUN_COMMAND) task, with the patching
    options of M(cloudpatch.ssm.ssm_patch_run) and the same checks. Any other task is passed through
    with O(tasks[].task_arn), O(tasks[].task_type) and O(tasks[].task_invocation_parameters).
  - Idempotent part by part. UpdateMaintenanceWindow is sent with the window's options that differ
    only; a target or task is updated (UpdateMaintenanceWindowTarget/Task) only when it differs, compared
    on the values AWS keeps (unset and empty alike, lists AWS treats as sets in any order); a target
    whose resource type or a task whose type changes is registered anew and the old one deregistered.
  - Window options left out are left as they are. O(targets) and O(tasks), when given, declare each entry
    whole; entries registered but not declared stay unless O(purge_targets) or O(purge_tasks) is set.
  - Every option is checked before anything is written (the schedule as AWS documents cron, rate and at
    expressions, the dates, the time zone, the hooks' documents in the region, the tasks' targets),
    and a failure names the option path, such as C(tasks[1].targets[0]).
  - O(state=absent) deletes the window; AWS deletes its targets and tasks with it.
  - The writes go in an order that never leaves a task without its targets (the window, new and changed
    targets, new and changed tasks, then what is deregistered). A failure after a write says
    C(changed=true) and returns RV(window_id); running the task again finishes it.
author:
  - cloudpatch.ssm developers (@cloudpatch)
options:
  state:
    description:
      - V(present) creates or updates the window, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - The window's name, 3 to 128 letters, digits, V(_), V(-) or V(.).
      - Names are not unique in AWS. When several windows share O(name), the task fails listing their
        ids; give O(window_id) to choose one. With O(window_id), a different O(name) renames the window.
    type: str
    required: true
  window_id:
    description:
      - The C(mw-) id of the window, to choose one of several windows that share O(name).
      - An id that does not exist fails (O(state=present)) or changes nothing (O(state=absent)); it never creates.
    type: str
  description:
    description:
      - The window's description, 1 to 128 characters.
    type: str
  schedule:
    description:
      - When the window opens, as AWS accepts it for maintenance windows; checked before any call.
      - V(cron(...)) with six fields (Minutes Hours Day-of-month Month Day-of-week Year) or seven (a
        Seconds field first), one of Day-of-month and Day-of-week V(?), such as V(cron(0 2 ? * TUE#2 *))
        for the second Tuesday of every month at 02:00.
      - V(rate(N minutes|hours|days)), singular for 1 (V(rate(1 day)), V(rate(7 days))).
      - V(at(yyyy-mm-ddThh:mm:ss)) to run once.
      - Required to create a window.
    type: str
  schedule_timezone:
    description:
      - The IANA time zone the schedule is read in (such as V(America/Chicago)); UTC when left out.
    type: str
  schedule_offset:
    description:
      - Days (1 to 6) to wait after the date the cron schedule names, such as 3 for three days after
        Patch Tuesday. Cron schedules only.
    type: int
  duration:
    description:
      - Hours the window stays open, 1 to 24. Required to create a window.
    type: int
  cutoff:
    description:
      - Hours before the end of the window when no new task starts, 0 to 23, less than O(duration).
        Required to create a window.
    type: int
  start_date:
    description:
      - When the window becomes active, in ISO-8601 (such as V(2021-04-07T14:29:00-08:00)).
    type: str
  end_date:
    description:
      - When the window stops being active, in ISO-8601; after O(start_date).
    type: str
  allow_unassociated_targets:
    description:
      - Whether tasks may run on nodes that are not registered targets of the window.
    type: bool
    default: false
  enabled:
    description:
      - Whether the window is enabled (a disabled window never opens).
    type: bool
    default: true
  targets:
    description:
      - The window's targets, matched by name. Each declares exactly one of O(targets[].patch_groups),
        O(targets[].tags), O(targets[].resource_group) and O(targets[].instance_ids).
      - Left as they are when left out; an empty list is an error.
    type: list
    elements: dict
    suboptions:
      name:
        description: The target's name (unique in the list), 3 to 128 letters, digits, V(_), V(-) or V(.).
        type: str
        required: true
      description:
        description: The target's description, 1 to 128 characters.
        type: str
      owner_information:
        description: Information passed to the tasks about the target's nodes, 1 to 128 characters.
        type: str
      patch_groups:
        description:
          - The nodes of these patch groups. Registered as C(tag:Patch Group) or C(tag:PatchGroup),
            whichever the nodes of these groups carry (as M(cloudpatch.ssm.ssm_patch_run) finds them);
            C(tag:Patch Group) when no node is in them yet (or the key the target already has). When nodes
            carry both spellings the task fails, since one target matches one tag key.
          - At most 50 groups; an empty list or a blank name is an error.
        type: list
        elements: str
      tags:
        description:
          - The nodes carrying all these tags (key to a value or a list of values); at most 5 keys.
        type: dict
      resource_group:
        description:
          - The resources of this resource group (C(resource-groups:Name)); registered with resource type C(RESOURCE_GROUP).
        type: str
      resource_types:
        description:
          - With O(targets[].resource_group), only the group's resources of these types (such as V(AWS::EC2::Instance)).
        type: list
        elements: str
      instance_ids:
        description:
          - These managed nodes (C(i-) or C(mi-) ids), at most 50. C(*) (every node) is not a target kind
            AWS documents for maintenance windows and is refused.
        type: list
        elements: str
  purge_targets:
    description:
      - Deregister the window's targets that O(targets) does not declare (only when O(targets) is given).
    type: bool
    default: false
  tasks:
    description:
      - The window's tasks, matched by name. A patching task has O(tasks[].operation); any other task has
        O(tasks[].task_arn) and O(tasks[].task_type).
      - Left as they are when left out; an empty list is an error.
    type: list
    elements: dict
    suboptions:
      name:
        description: The task's name (unique in the list), 3 to 128 letters, digits, V(_), V(-) or V(.).
        type: str
        required: true
      description:
        description: The task's description, 1 to 128 characters.
        type: str
      priority:
        description: The task's priority in the window (0 or more; lower runs first, equal ones in parallel).
        type: int
        default: 1
      targets:
        description:
          - Names of the window's targets the task runs on (declared in O(targets), or registered and kept).
            Required and not empty.
        type: list
        elements: str
        required: true
      operation:
        description: V(scan) or V(install), for a patching task (required unless O(tasks[].task_arn) is given).
        type: str
        choices: [scan, install]
      reboot_option:
        description: V(RebootIfNeeded) (the document's default, used when left out) or V(NoReboot).
        type: str
        choices: [RebootIfNeeded, NoReboot]
      pre_install_hook:
        description: SSM document run before installing; switches to C(AWS-RunPatchBaselineWithHooks). It must exist in the region.
        type: str
      post_install_hook:
        description: SSM document run after installing, before a reboot.
        type: str
      on_exit_hook:
        description: SSM document run at the end, after a reboot.
        type: str
      install_override_list:
        description: An C(https://) or C(s3://bucket/key) URL of the patches to install instead of the baseline's.
        type: str
      baseline_override:
        description: An C(https://) or C(s3://bucket/key) URL of a JSON list of baselines to use instead.
        type: str
      output_s3_bucket:
        description: Bucket for the nodes' command output.
        type: str
      output_s3_prefix:
        description: Key prefix in O(tasks[].output_s3_bucket), at most 500 characters.
        type: str
      output_s3_region:
        description:
          - Refused when given. A window's Run Command task has no output region
            (C(MaintenanceWindowRunCommandParameters) takes a bucket and a prefix only).
        type: str
      cloudwatch_log_group:
        description: CloudWatch Logs group for the output.
        type: str
      notification:
        description: SNS notification of the command's status changes.
        type: dict
        suboptions:
          topic_arn:
            description: The SNS topic's ARN.
            type: str
            required: true
          role_arn:
            description: The IAM role SSM assumes to publish; O(tasks[].service_role_arn) when left out (one is required).
            type: str
          events:
            description: The events to notify.
            type: list
            elements: str
            choices: [All, InProgress, Success, TimedOut, Cancelled, Failed]
            default: [All]
          type:
            description: V(Command) (one notification a command) or V(Invocation) (one a node).
            type: str
            choices: [Command, Invocation]
            default: Command
      service_role_arn:
        description: The IAM role the window assumes to run the task; AWS's service-linked role when left out.
        type: str
      timeout_seconds:
        description: Seconds a node may take to start the command (30 to 2592000).
        type: int
      comment:
        description: A comment for the command, at most 100 characters.
        type: str
      max_concurrency:
        description:
          - How many targets run the task at once, a number (1 or more) or a percentage (1% to 100%).
          - Required. AWS documents no default for a task with targets.
        type: str
        required: true
      max_errors:
        description:
          - How many errors stop the task, a number (0 or more) or a percentage (0% to 100%).
          - Required. AWS documents no default for a task with targets.
        type: str
        required: true
      cutoff_behavior:
        description: At the window's cutoff, V(CONTINUE_TASK) lets a running task finish, V(CANCEL_TASK) cancels what has not started.
        type: str
        choices: [CONTINUE_TASK, CANCEL_TASK]
        default: CONTINUE_TASK
      alarm_configuration:
        description: A CloudWatch alarm that stops the task when it goes into the ALARM state.
        type: dict
        suboptions:
          alarms:
            description: The alarm's name, exactly one (the API takes one alarm a task).
            type: list
            elements: str
            required: true
          ignore_poll_alarm_failure:
            description: Run the task even when the alarm's state cannot be read.
            type: bool
            default: false
      task_arn:
        description: For a task that is not a patching task, the document, Automation runbook, state machine or Lambda function it runs.
        type: str
      task_type:
        description: With O(tasks[].task_arn), the task's type.
        type: str
        choices: [RUN_COMMAND, AUTOMATION, STEP_FUNCTIONS, LAMBDA]
      task_invocation_parameters:
        description: With O(tasks[].task_arn), the API's C(TaskInvocationParameters), as the API shapes it.
        type: dict
  purge_tasks:
    description:
      - Deregister the window's tasks that O(tasks) does not declare (only when O(tasks) is given).
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags.modules
  - amazon.aws.boto3
  - ansible.builtin.action_common_attributes
  - cloudpatch.ssm.attributes
attributes:
  check_mode:
    support: full
    details:
      - Reads the window, its targets and tasks, and the nodes' patch group tag spelling, then returns the
        window the task would leave and RV(changes), without any write. A target not registered yet has
        no id in the prediction.
  diff_mode:
    support: full
    details:
      - The window's options, targets and tasks that differ, before and after.
notes:
  - O(tags) follow the rules SSM applies to every resource's tags, checked before anything is changed;
    keys 1 to 128 and values up to 256 letters, numbers, spaces and V(_.:/=+-@), no key beginning with
    V(aws:), at most 50 tags.
seealso:
  - module: cloudpatch.ssm.ssm_maintenance_window_info
    description: The windows with their targets, tasks, next runs and last executions.
  - module: cloudpatch.ssm.ssm_patch_run
    description: The same patching options, run now rather than on a schedule.
  - module: cloudpatch.ssm.ssm_patch_group
    description: Put nodes in the patch groups a window targets.
  - name: AWS Systems Manager Maintenance Windows
    link: https://docs.aws.amazon.com/systems-manager/latest/userguide/maintenance-windows.html
    description: Windows, targets and tasks.
  - name: Cron and rate expressions for Systems Manager
    link: https://docs.aws.amazon.com/systems-manager/latest/userguide/reference-cron-and-rate-expressions.html
    description: The schedules O(schedule) takes.
  - name: Maintenance window scheduling and active period options
    link: https://docs.aws.amazon.com/systems-manager/latest/userguide/maintenance-windows-schedule-options.html
    description: Time zones, offsets, start and end dates.
  - name: RegisterTaskWithMaintenanceWindow
    link: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_RegisterTaskWithMaintenanceWindow.html
    description: The task's members, and why the rate controls are required.
"""

EXAMPLES = r"""
- name: Patch the App group on the second Tuesday of the month + 3 days, 02:00 in Chicago
  cloudpatch.ssm.ssm_maintenance_window:
    name: patch-app-prod
    schedule: cron(0 2 ? * TUE#2 *)
    schedule_timezone: America/Chicago
    schedule_offset: 3
    duration: 4
    cutoff: 1
    tags:
      Ring: prod
    targets:
      - name: app-nodes
        patch_groups: [App]
    tasks:
      - name: install-app
        targets: [app-nodes]
        operation: install
        reboot_option: RebootIfNeeded
        max_concurrency: 10%
        max_errors: "1"
        output_s3_bucket: "ssm-command-logs-{{ aws_region }}-{{ aws_account }}"
        cutoff_behavior: CANCEL_TASK
  register: window

- name: Show when it runs next
  ansible.builtin.debug:
    msg: "{{ window.window.name }} runs next at {{ window.window.next_execution_time }}"

- name: A daily scan of two nodes, with hooks around an install in another task
  cloudpatch.ssm.ssm_maintenance_window:
    name: web-daily
    schedule: rate(1 day)
    duration: 2
    cutoff: 0
    targets:
      - name: web
        tags:
          Role: [web, frontend]
      - name: pinned
        instance_ids: [i-0123456789abcdef0, i-0fedcba9876543210]
    tasks:
      - name: scan
        targets: [web, pinned]
        operation: scan
        priority: 1
        max_concurrency: "100%"
        max_errors: "100%"
      - name: install
        targets: [pinned]
        operation: install
        priority: 2
        pre_install_hook: DrainFromLoadBalancer
        on_exit_hook: ReturnToLoadBalancer
        max_concurrency: "1"
        max_errors: "0"
    purge_targets: true
    purge_tasks: true

- name: Preview what an edit would change
  cloudpatch.ssm.ssm_maintenance_window:
    name: web-daily
    duration: 3
  check_mode: true
  diff: true
  register: preview

- name: Delete the window (AWS removes its targets and tasks)
  cloudpatch.ssm.ssm_maintenance_window:
    name: web-daily
    state: absent
"""

RETURN = r"""
window:
  description:
    - The window after the task, with its targets and tasks. In check mode, the predicted window (a new
      window has no id or dates yet). Empty after O(state=absent).
  returned: always
  type: dict
  contains:
    window_id:
      description: The window's id (none in check mode for a new window).
      returned: when present
      type: str
      sample: mw-0123456789abcdef0
    name:
      description: The window's name.
      returned: when present
      type: str
      sample: patch-app-prod
    description:
      description: The window's description.
      returned: when present
      type: str
      sample: Production ring
    schedule:
      description: The schedule.
      returned: when present
      type: str
      sample: cron(0 2 ? * TUE#2 *)
    schedule_timezone:
      description: The schedule's time zone.
      returned: when present
      type: str
      sample: America/Chicago
    schedule_offset:
      description: Days after the cron date.
      returned: when present
      type: int
      sample: 3
    duration:
      description: Hours the window is open.
      returned: when present
      type: int
      sample: 4
    cutoff:
      description: Hours before the end when no task starts.
      returned: when present
      type: int
      sample: 1
    start_date:
      description: When the window becomes active.
      returned: when present
      type: str
      sample: "2021-04-07T14:29:00-08:00"
    end_date:
      description: When the window stops being active.
      returned: when present
      type: str
      sample: "2027-01-01T00:00:00Z"
    allow_unassociated_targets:
      description: Whether tasks may run on nodes that are not targets.
      returned: when present
      type: bool
      sample: false
    enabled:
      description: Whether the window is enabled.
      returned: when present
      type: bool
      sample: true
    next_execution_time:
      description: When the window opens next, as AWS says (GetMaintenanceWindow).
      returned: when present
      type: str
      sample: "2026-12-11T02:00-06:00"
    created_date:
      description: When the window was created.
      returned: when present
      type: str
      sample: "2026-12-01T15:00:00+00:00"
    modified_date:
      description: When the window was last modified.
      returned: when present
      type: str
      sample: "2026-12-01T15:00:00+00:00"
    tags:
      description: The window's tags.
      returned: when present
      type: dict
      sample: {"Ring": "prod"}
    targets:
      description: The window's registered targets.
      returned: when present
      type: list
      elements: dict
      contains:
        name:
          description: The target's name.
          returned: always
          type: str
          sample: app-nodes
        window_target_id:
          description: The target's id (none in check mode for a target not registered yet).
          returned: always
          type: str
          sample: e32eecb2-646c-4f4b-8ed1-205fbEXAMPLE
        resource_type:
          description: C(INSTANCE) or C(RESOURCE_GROUP).
          returned: always
          type: str
          sample: INSTANCE
        description:
          description: The target's description.
          returned: always
          type: str
          sample: null
        owner_information:
          description: The target's owner information.
          returned: always
          type: str
          sample: null
        targets:
          description: The target's keys and values as AWS keeps them.
          returned: always
          type: list
          elements: dict
          sample: [{"key": "tag:Patch Group", "values": ["App"]}]
        patch_groups:
          description: For a patch group target, the groups.
          returned: for a patch group target
          type: list
          elements: str
          sample: ["App"]
        tags:
          description: For a tag target, key to value (or values).
          returned: for a tag target
          type: dict
          sample: {"Role": ["web", "frontend"]}
        resource_group:
          description: For a resource group target, the group.
          returned: for a resource group target
          type: str
          sample: web-servers
        resource_types:
          description: For a resource group target, the resource types kept.
          returned: when given
          type: list
          elements: str
          sample: ["AWS::EC2::Instance"]
        instance_ids:
          description: For an id target, the node ids.
          returned: for an id target
          type: list
          elements: str
          sample: ["i-0123456789abcdef0"]
    tasks:
      description: The window's registered tasks.
      returned: when present
      type: list
      elements: dict
      contains:
        name:
          description: The task's name.
          returned: always
          type: str
          sample: install-app
        window_task_id:
          description: The task's id (none in check mode for a task not registered yet).
          returned: always
          type: str
          sample: 0e842a8d-2d44-4886-bb62-af8dcEXAMPLE
        description:
          description: The task's description.
          returned: always
          type: str
          sample: null
        priority:
          description: The task's priority.
          returned: always
          type: int
          sample: 1
        task_arn:
          description: What the task runs (for a patching task, the document).
          returned: always
          type: str
          sample: AWS-RunPatchBaseline
        task_type:
          description: The task's type.
          returned: always
          type: str
          sample: RUN_COMMAND
        targets:
          description: The names of the window's targets the task runs on.
          returned: always
          type: list
          elements: str
          sample: ["app-nodes"]
        window_target_ids:
          description: Their ids.
          returned: always
          type: list
          elements: str
          sample: ["e32eecb2-646c-4f4b-8ed1-205fbEXAMPLE"]
        service_role_arn:
          description: The role the window assumes to run the task.
          returned: always
          type: str
          sample: null
        max_concurrency:
          description: The task's concurrency.
          returned: always
          type: str
          sample: 10%
        max_errors:
          description: The task's error threshold.
          returned: always
          type: str
          sample: "1"
        cutoff_behavior:
          description: What the cutoff does to the task.
          returned: always
          type: str
          sample: CANCEL_TASK
        alarm_configuration:
          description: The alarm that stops the task (alarms, ignore_poll_alarm_failure).
          returned: always
          type: dict
          sample: null
        task_invocation_parameters:
          description: The API's TaskInvocationParameters as AWS keeps them.
          returned: always
          type: dict
          sample: {"RunCommand": {"Parameters": {"Operation": ["Install"], "RebootOption": ["RebootIfNeeded"]}}}
        operation:
          description: For a patching task, V(scan) or V(install).
          returned: for a patching task
          type: str
          sample: install
        document:
          description: For a patching task, the document it runs.
          returned: for a patching task
          type: str
          sample: AWS-RunPatchBaseline
        reboot_option:
          description: For a patching task, the reboot option.
          returned: for a patching task
          type: str
          sample: RebootIfNeeded
        pre_install_hook:
          description: For a patching task, the pre-install hook.
          returned: for a patching task
          type: str
          sample: null
        post_install_hook:
          description: For a patching task, the post-install hook.
          returned: for a patching task
          type: str
          sample: null
        on_exit_hook:
          description: For a patching task, the on-exit hook.
          returned: for a patching task
          type: str
          sample: null
        install_override_list:
          description: For a patching task, the install override list URL.
          returned: for a patching task
          type: str
          sample: null
        baseline_override:
          description: For a patching task, the baseline override URL.
          returned: for a patching task
          type: str
          sample: null
        output_s3_bucket:
          description: For a patching task, the output bucket.
          returned: for a patching task
          type: str
          sample: ssm-command-logs-us-east-1-111122223333
        output_s3_prefix:
          description: For a patching task, the output key prefix.
          returned: for a patching task
          type: str
          sample: null
        cloudwatch_log_group:
          description: For a patching task, the CloudWatch Logs group.
          returned: for a patching task
          type: str
          sample: null
        notification:
          description: For a patching task, the SNS notification (topic_arn, events, type, role_arn).
          returned: for a patching task
          type: dict
          sample: null
        timeout_seconds:
          description: For a patching task, the delivery timeout.
          returned: for a patching task
          type: int
          sample: null
        comment:
          description: For a patching task, the command's comment.
          returned: for a patching task
          type: str
          sample: null
window_id:
  description: The window's id, when the task failed after it had written something (a second run finishes it).
  returned: on a failure after a write
  type: str
  sample: mw-0123456789abcdef0
changes:
  description: What the task did, or in check mode would do.
  returned: always
  type: dict
  contains:
    window:
      description:
        - The window's members updated (the API's names, C(Tags) for its tags), V(created), or V(deleted).
      returned: always
      type: list
      elements: str
      sample: ["Duration"]
    targets:
      description: The names of the targets V(registered), V(updated) and V(deregistered) (a replaced one is in both registered and deregistered).
      returned: always
      type: dict
      sample: {"registered": ["app-nodes"], "updated": [], "deregistered": []}
    tasks:
      description: The names of the tasks V(registered), V(updated) and V(deregistered).
      returned: always
      type: dict
      sample: {"registered": ["install-app"], "updated": [], "deregistered": []}
"""

import uuid

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.cloudpatch.ssm.plugins.module_utils.errors import ParameterError
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import WINDOW_ID
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import change_summary
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import changed_window_fields
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import choose_patch_group_key
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import create_missing
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import create_request
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import describe_window
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import desired_target
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import desired_task
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import find_window
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import has_changes
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import hook_documents
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import name_error
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import patch_group_key_of
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import plan_targets
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import plan_tasks
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import predicted_window
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import read_window
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import shared_names
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import tag_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import target_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import task_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import task_request
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import window_diff
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import window_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils.maintenance_window import window_request
from ansible_collections.cloudpatch.ssm.plugins.module_utils.modules import AnsibleCloudpatchSSMModule
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_group import PATCH_GROUP_TAG_KEYS
from ansible_collections.cloudpatch.ssm.plugins.module_utils.resource_tags import ensure_tags
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import create_maintenance_window
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import delete_maintenance_window
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import deregister_target_from_maintenance_window
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import deregister_task_from_maintenance_window
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_document
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import describe_instance_information_page
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import get_maintenance_window
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import register_target_with_maintenance_window
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import register_task_with_maintenance_window
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import update_maintenance_window
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import update_maintenance_window_target
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import update_maintenance_window_task
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import full_match

EMPTY_PLAN = {"register": [], "update": [], "replace": [], "deregister": [], "unchanged": []}
TARGET_MEMBERS = ("Name", "Targets", "OwnerInformation", "Description")


def client_token():
    """One token a call: a create or register retried after a lost answer makes one resource, not two."""
    return str(uuid.uuid4())


def identity_errors(params):
    errors = [error for error in [name_error(params["name"], "name")] if error]
    window_id = params.get("window_id")
    if window_id is not None and not full_match(WINDOW_ID, window_id):
        errors.append(f"window_id must be a maintenance window id (mw- and 17 hexadecimal digits), got {window_id!r}")
    return errors


def parameter_errors(params):
    """Errors in the options that need no read of AWS, each naming its option path."""
    errors = identity_errors(params)
    errors += window_errors(params)
    errors += tag_errors(params.get("tags"))
    for option in ("targets", "tasks"):
        if params.get(option) is not None and not params[option]:
            errors.append(f"{option} is empty: declare at least one, or leave the option out to keep the window's {option}")
    errors += target_errors(params.get("targets"))
    return errors


def target_names_after(params, current_targets):
    """The names a task may refer to: the declared targets, and the registered ones that stay."""
    names = set(target["name"] for target in params.get("targets") or [] if target.get("name"))
    if params.get("targets") is None or not params["purge_targets"]:
        names.update(target.get("Name") for target in current_targets if target.get("Name"))
    return names


def checks_with_window(client, params, current, current_targets, current_tasks, region):
    """Errors that need the window as it is (cutoff against its duration, names shared in it, the task's
    targets) and the hook documents that must exist; ParameterError before anything is written."""
    errors = window_errors(params, current) if current else []
    errors = [error for error in errors if error not in window_errors(params)]
    if params.get("targets") is not None:
        errors += shared_names(current_targets, "targets", "WindowTargetId", region)
    if params.get("tasks") is not None:
        errors += shared_names(current_tasks, "tasks", "WindowTaskId", region)
        errors += task_errors(params["tasks"], target_names_after(params, current_targets))
    if errors:
        raise ParameterError("; ".join(errors))
    for option, document in hook_documents(params.get("tasks")):
        if describe_document(client, document) is None:
            raise ParameterError(f"{option}: no SSM document {document} in {region}")


def patch_group_keys_in_use(client, groups):
    """The Patch Group tag key spellings that nodes of these groups carry (one page of nodes a spelling)."""
    in_use = set()
    for key in PATCH_GROUP_TAG_KEYS:
        nodes, _token = describe_instance_information_page(client, [{"Key": f"tag:{key}", "Values": list(groups)}])
        if nodes:
            in_use.add(key)
    return in_use


def desired_targets(client, params, current_targets):
    by_name = dict((target.get("Name"), target) for target in current_targets)
    desired = []
    for index, target in enumerate(params["targets"]):
        if target.get("patch_groups"):
            key, error = choose_patch_group_key(patch_group_keys_in_use(client, target["patch_groups"]),
                                                patch_group_key_of(by_name.get(target["name"]) or {}), f"targets[{index}].patch_groups")
            if error:
                raise ParameterError(error)
            desired.append(desired_target(target, key))
        else:
            desired.append(desired_target(target))
    return desired


class WindowChange:
    """The writes one task makes to a window, in the order that never leaves a task without its targets:
    the window, new and changed targets, new and changed tasks, then what is deregistered."""

    def __init__(self, client, window_id, check_mode):
        self.client = client
        self.window_id = window_id
        self.check_mode = check_mode
        # How many writes were made: a failure after one says the window was changed in part.
        self.written = 0

    def targets(self, planned):
        """Apply a target plan; returns {name: WindowTargetId} of the targets after it (None: not registered yet)."""
        ids = dict((entry["Name"], entry["WindowTargetId"]) for entry in planned["unchanged"])
        for entry, have in planned["update"]:
            ids[entry["Name"]] = have["WindowTargetId"]
            if not self.check_mode:
                update_maintenance_window_target(self.client, WindowId=self.window_id, WindowTargetId=have["WindowTargetId"], Replace=True,
                                                 **dict((member, entry[member]) for member in TARGET_MEMBERS if entry.get(member) is not None))
                self.written += 1
        for entry in planned["register"] + [entry for entry, _have in planned["replace"]]:
            ids[entry["Name"]] = None
            if not self.check_mode:
                request = dict((member, value) for member, value in entry.items() if value is not None)
                ids[entry["Name"]] = register_target_with_maintenance_window(self.client, WindowId=self.window_id, ClientToken=client_token(), **request)
                self.written += 1
        return ids

    def tasks(self, planned):
        for entry, have in planned["update"]:
            if not self.check_mode:
                request = task_request(entry)
                request.pop("TaskType")
                update_maintenance_window_task(self.client, WindowId=self.window_id, WindowTaskId=have["WindowTaskId"], Replace=True, **request)
                self.written += 1
        for entry in planned["register"] + [entry for entry, _have in planned["replace"]]:
            if not self.check_mode:
                register_task_with_maintenance_window(self.client, WindowId=self.window_id, ClientToken=client_token(), **task_request(entry))
                self.written += 1

    def deregister(self, task_plan, target_plan):
        if self.check_mode:
            return
        for entry in task_plan["deregister"] + [have for _entry, have in task_plan["replace"]]:
            deregister_task_from_maintenance_window(self.client, self.window_id, entry["WindowTaskId"])
            self.written += 1
        for entry in target_plan["deregister"] + [have for _entry, have in target_plan["replace"]]:
            deregister_target_from_maintenance_window(self.client, self.window_id, entry["WindowTargetId"])
            self.written += 1


def predicted_entries(planned, id_member, ids=None):
    """The registered entries (API members) a plan leaves, for check mode's predicted window."""
    entries = list(planned["unchanged"])
    for entry, have in planned["update"]:
        entries.append(dict(entry, **{id_member: have[id_member]}))
    for entry in planned["register"] + [entry for entry, _have in planned["replace"]]:
        entries.append(dict(entry, **{id_member: (ids or {}).get(entry["Name"])}))
    return sorted(entries, key=lambda entry: str(entry.get("Name")))


def kept(current, planned, id_member):
    """The registered entries a plan does not touch (not declared, not purged)."""
    touched = set(entry[id_member] for entry in planned["unchanged"] + planned["deregister"])
    touched.update(have[id_member] for _entry, have in planned["update"] + planned["replace"])
    return [entry for entry in current if entry[id_member] not in touched]


def ensure_window(client, definition, params, check_mode):
    """Create the window or update what differs; returns (changed, window id (None for a create in check mode),
    the UpdateMaintenanceWindow members sent or that would be)."""
    if definition is None:
        if check_mode:
            return True, None, None
        request = create_request(params)
        if params.get("tags"):
            request["Tags"] = ansible_dict_to_boto3_tag_list(params["tags"])
        window_id = create_maintenance_window(client, ClientToken=client_token(), **request)
        # CreateMaintenanceWindow has no Enabled: a disabled window is created, then disabled.
        if params.get("enabled") is False:
            update_maintenance_window(client, window_id, Enabled=False)
        return True, window_id, None
    current = describe_window(definition, {}, [], [])
    changes = changed_window_fields(current, params)
    request = window_request(changes)
    if params["name"] != definition.get("Name"):
        request["Name"] = params["name"]
    if request and not check_mode:
        update_maintenance_window(client, definition["WindowId"], **request)
    return bool(request), definition["WindowId"], request


def ensure_present(client, definition, params, check_mode, region):
    """Create or update the window, its targets and its tasks; returns (changed, before, after, changes)."""
    if definition is None:
        missing = create_missing(params)
        if missing:
            raise ParameterError(f"{', '.join(missing)} required to create maintenance window {params['name']} in {region} "
                                 "(CreateMaintenanceWindow needs a schedule, a duration and a cutoff)")
        before, current_targets, current_tasks = None, [], []
    else:
        before, current_targets, current_tasks = read_window(client, definition)
    checks_with_window(client, params, before, current_targets, current_tasks, region)
    declared_targets = desired_targets(client, params, current_targets) if params.get("targets") is not None else None
    target_plan = EMPTY_PLAN if declared_targets is None else plan_targets(declared_targets, current_targets, params["purge_targets"])

    window_changed, window_id, window_update = ensure_window(client, definition, params, check_mode)
    writer = WindowChange(client, window_id, check_mode)
    try:
        tags_before = (before or {}).get("tags", {})
        tags_after = ensure_tags(client, "MaintenanceWindow", window_id, tags_before, params.get("tags"), params["purge_tags"],
                                 check_mode)[1] if definition is not None else dict(params.get("tags") or {})
        tags_changed = definition is not None and tags_after != tags_before
        window_changed |= tags_changed

        target_ids = writer.targets(target_plan)
        for entry in current_targets:
            target_ids.setdefault(entry.get("Name"), entry["WindowTargetId"])
        if params.get("tasks") is not None:
            declared_tasks = [desired_task(task, target_ids) for task in params["tasks"]]
            task_plan = plan_tasks(declared_tasks, current_tasks, params["purge_tasks"])
        else:
            task_plan = EMPTY_PLAN
        writer.tasks(task_plan)
        writer.deregister(task_plan, target_plan)
    except AnsibleAWSError as e:
        if check_mode or not (window_changed or writer.written):
            raise
        # Part of the task is done: say which window, so that a second run finishes it.
        raise AnsibleAWSError(message=f"{e.message} (maintenance window {window_id} in {region} was changed in part; run the task again)",
                              exception=e.exception, changed=True, window_id=window_id) from e
    changed = window_changed or has_changes(target_plan) or has_changes(task_plan)
    changes = {"window": sorted(list(window_update or {}) + (["Tags"] if tags_changed else [])) if definition is not None else ["created"],
               "targets": change_summary(target_plan), "tasks": change_summary(task_plan)}
    if not changed:
        after = before
    elif check_mode:
        after = predict(definition, params, window_update, tags_after, current_targets, target_plan, current_tasks, task_plan, target_ids)
    else:
        after = read_window(client, get_maintenance_window(client, window_id))[0]
    return changed, before, after, changes


def predict(definition, params, window_update, tags, current_targets, target_plan, current_tasks, task_plan, target_ids):
    """The window check mode says the task leaves: the registered entries it keeps and the declared ones."""
    if definition is None:
        window = create_request(params)
        window["Enabled"] = params.get("enabled") is not False
    else:
        window = dict(definition)
        window.update(window_update or {})
    targets = kept(current_targets, target_plan, "WindowTargetId") + predicted_entries(target_plan, "WindowTargetId", target_ids)
    tasks = kept(current_tasks, task_plan, "WindowTaskId") + predicted_entries(task_plan, "WindowTaskId")
    after = describe_window(window, tags, sorted(targets, key=lambda entry: str(entry.get("Name"))),
                            sorted(tasks, key=lambda entry: str(entry.get("Name"))))
    if definition is None:
        predicted = predicted_window(params)
        predicted.update(targets=after["targets"], tasks=after["tasks"])
        return predicted
    return after


def ensure_absent(client, definition, check_mode):
    """Delete the window (AWS deletes its targets and tasks with it); returns (changed, before, {}, changes)."""
    if definition is None:
        return False, None, {}, {"window": [], "targets": change_summary(EMPTY_PLAN), "tasks": change_summary(EMPTY_PLAN)}
    before, targets, tasks = read_window(client, definition)
    if not check_mode:
        delete_maintenance_window(client, definition["WindowId"])
    changes = {
        "window": ["deleted"],
        "targets": change_summary(dict(EMPTY_PLAN, deregister=targets)),
        "tasks": change_summary(dict(EMPTY_PLAN, deregister=tasks)),
    }
    return True, before, {}, changes


def main():
    target_spec = dict(
        name=dict(type="str", required=True),
        description=dict(type="str"),
        owner_information=dict(type="str"),
        patch_groups=dict(type="list", elements="str"),
        tags=dict(type="dict"),
        resource_group=dict(type="str"),
        resource_types=dict(type="list", elements="str"),
        instance_ids=dict(type="list", elements="str"),
    )
    task_spec = dict(
        name=dict(type="str", required=True),
        description=dict(type="str"),
        priority=dict(type="int", default=1),
        targets=dict(type="list", elements="str", required=True),
        operation=dict(type="str", choices=["scan", "install"]),
        reboot_option=dict(type="str", choices=["RebootIfNeeded", "NoReboot"]),
        pre_install_hook=dict(type="str"),
        post_install_hook=dict(type="str"),
        on_exit_hook=dict(type="str"),
        install_override_list=dict(type="str"),
        baseline_override=dict(type="str"),
        output_s3_bucket=dict(type="str"),
        output_s3_prefix=dict(type="str"),
        output_s3_region=dict(type="str"),
        cloudwatch_log_group=dict(type="str"),
        notification=dict(
            type="dict",
            options=dict(
                topic_arn=dict(type="str", required=True),
                role_arn=dict(type="str"),
                events=dict(type="list", elements="str", default=["All"], choices=["All", "InProgress", "Success", "TimedOut", "Cancelled", "Failed"]),
                type=dict(type="str", default="Command", choices=["Command", "Invocation"]),
            ),
        ),
        service_role_arn=dict(type="str"),
        timeout_seconds=dict(type="int"),
        comment=dict(type="str"),
        max_concurrency=dict(type="str", required=True),
        max_errors=dict(type="str", required=True),
        cutoff_behavior=dict(type="str", default="CONTINUE_TASK", choices=["CONTINUE_TASK", "CANCEL_TASK"]),
        alarm_configuration=dict(
            type="dict",
            options=dict(
                alarms=dict(type="list", elements="str", required=True),
                ignore_poll_alarm_failure=dict(type="bool", default=False),
            ),
        ),
        task_arn=dict(type="str"),
        task_type=dict(type="str", choices=["RUN_COMMAND", "AUTOMATION", "STEP_FUNCTIONS", "LAMBDA"]),
        task_invocation_parameters=dict(type="dict"),
    )
    argument_spec = dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        name=dict(type="str", required=True),
        window_id=dict(type="str"),
        description=dict(type="str"),
        schedule=dict(type="str"),
        schedule_timezone=dict(type="str"),
        schedule_offset=dict(type="int"),
        duration=dict(type="int"),
        cutoff=dict(type="int"),
        start_date=dict(type="str"),
        end_date=dict(type="str"),
        allow_unassociated_targets=dict(type="bool", default=False),
        enabled=dict(type="bool", default=True),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        targets=dict(type="list", elements="dict", options=target_spec),
        purge_targets=dict(type="bool", default=False),
        tasks=dict(type="list", elements="dict", options=task_spec),
        purge_tasks=dict(type="bool", default=False),
    )
    module = AnsibleCloudpatchSSMModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    errors = parameter_errors(params) if params["state"] == "present" else identity_errors(params)
    if errors:
        module.fail_json(msg="; ".join(errors))

    client = module.client("ssm")
    try:
        if params["state"] == "absent":
            definition = (get_maintenance_window(client, params["window_id"]) if params["window_id"]
                          else find_window(client, module.region, params["name"]))
            changed, before, after, changes = ensure_absent(client, definition, module.check_mode)
        else:
            definition = find_window(client, module.region, params["name"], params["window_id"])
            changed, before, after, changes = ensure_present(client, definition, params, module.check_mode, module.region)
    except ParameterError as e:
        module.fail_parameter_error(e)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)

    module.exit_json(changed=changed, window=after, changes=changes, diff=window_diff(before, after))


if __name__ == "__main__":
    main()
